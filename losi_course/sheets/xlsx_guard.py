"""Checks on an Excel workbook before anything loads it.

An ``.xlsx`` file is a zip of XML parts. A few kilobytes can claim gigabytes: a part that
expands a thousandfold (a "zip bomb"), or one cell at XFD1048576, which makes a reader build
every empty cell before it. So before openpyxl sees the file, :func:`inspect_workbook`:

* checks every part of the zip against its expanded size, and all of them together
  (Python's zip reader never expands a part beyond the size it declares);
* reads every XML part through defusedxml (no document types, no entities: no "billion
  laughs"), streaming, with a bounded nesting depth and a bounded number of elements in all,
  so a malformed or damaged part (a broken checksum, truncated data) is a clear error and a
  part padded with millions of tiny elements is refused in about a second;
* finds the sheets the course reads (``Assessment`` or the first worksheet, and ``About``) and
  measures how far their cells really reach (empty formatted cells do not count, and what a
  sheet declares about its own size is not trusted), and which cells hold a formula whose
  result was never saved;
* counts the workbook's shared texts.

Example:
    >>> import io, openpyxl
    >>> book = openpyxl.Workbook(); book.active.title = "Assessment"
    >>> book.active["B3"] = "=A1+1"; book.active["XFD9"].style = "Percent"
    >>> buffer = io.BytesIO(); book.save(buffer)
    >>> plan = inspect_workbook("s.xlsx", buffer.getvalue())
    >>> main = plan.main(); main.name, main.rows, main.columns, main.uncached
    ('Assessment', 3, 2, {(3, 2): '=A1+1'})
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..errors import SheetError
from .limits import LIMITS, SheetLimits, column_letters, size_words

__all__ = ["SheetPart", "WorkbookPlan", "inspect_workbook"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384
_KEEP_CHILDREN = 64  # children an element keeps while its part is streamed (memory stays flat)


@dataclass
class SheetPart:
    """One worksheet of a workbook: its name, its zip part and how far its cells reach.

    ``rows`` and ``columns`` count up to the last cell that holds something; ``uncached``
    maps ``(row, column)`` to the formula of each cell whose result was never saved.

    Example:
        >>> SheetPart("Assessment", "xl/worksheets/sheet1.xml", rows=96, columns=8).rows
        96
    """

    name: str
    member: str
    rows: int = 0
    columns: int = 0
    uncached: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class WorkbookPlan:
    """The worksheets of a checked workbook, in order (see :func:`inspect_workbook`).

    Example:
        >>> plan = WorkbookPlan([SheetPart("Notes", "a.xml"), SheetPart("About", "b.xml")])
        >>> plan.main().name, plan.find("About").member, plan.find("Guide")
        ('Notes', 'b.xml', None)
    """

    sheets: list[SheetPart]

    def find(self, name: str) -> SheetPart | None:
        """The worksheet called ``name``, if there is one (see the class example)."""
        return next((s for s in self.sheets if s.name == name), None)

    def main(self) -> SheetPart | None:
        """The sheet of answers: ``Assessment``, or else the first worksheet (see the class example)."""
        return self.find("Assessment") or (self.sheets[0] if self.sheets else None)


def _damaged(path, detail: str) -> SheetError:
    return SheetError(path, "the file cannot be read as an Excel workbook (.xlsx): it is damaged or in another "
                            f"format ({detail}). Open it in your spreadsheet program and save it again as .xlsx, "
                            "or save it as .csv.")


class _Budget:
    """The XML elements a workbook may still hold (shared by all its parts)."""

    def __init__(self, limits: SheetLimits):
        self.left = limits.xlsx_max_elements
        self.limit = limits.xlsx_max_elements


def _walk(path, archive: zipfile.ZipFile, member: str, limits: SheetLimits, budget: _Budget):
    """Stream ``(event, element)`` of one XML part through defusedxml, in flat memory."""
    from defusedxml.ElementTree import iterparse

    stack = []
    with archive.open(member) as stream:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                budget.left -= 1
                if budget.left < 0:
                    raise SheetError(path, f"the workbook holds more than {budget.limit:,} XML elements (a LOSI "
                                           "workbook holds a few thousand). It is not an assessment sheet.")
                stack.append(element)
                if len(stack) > limits.max_depth:
                    raise _damaged(path, f"the part {member} nests more than {limits.max_depth} levels deep")
                yield event, element
                continue
            stack.pop()
            yield event, element
            if stack and len(stack[-1]) > _KEEP_CHILDREN:
                del stack[-1][:-1]  # what was already looked at is not needed again


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_sizes(path, infos: list[zipfile.ZipInfo], limits: SheetLimits) -> None:
    if len(infos) > limits.xlsx_max_parts:
        raise _damaged(path, f"it has {len(infos):,} parts, more than the {limits.xlsx_max_parts:,} a workbook may have")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SheetError(path, "the workbook is protected by a password, so it cannot be read. Remove the "
                                   "password in your spreadsheet program (or save a copy without it) and try again.")
        big = info.filename.startswith("xl/worksheets/") or info.filename.endswith("sharedStrings.xml")
        allowed = limits.xlsx_max_part_bytes if big or not _is_xml(info.filename) else limits.xlsx_max_other_part_bytes
        if info.file_size > allowed:
            raise SheetError(path, f"the workbook part {info.filename} expands from {size_words(info.compress_size)} "
                                   f"to {size_words(info.file_size)}, more than the {size_words(allowed)} a part may "
                                   "hold. It is not an assessment sheet (it may be built to exhaust the memory).")
        total += info.file_size
    if total > limits.xlsx_max_expanded_bytes:
        raise SheetError(path, f"the workbook expands to {size_words(total)}, more than the "
                               f"{size_words(limits.xlsx_max_expanded_bytes)} a workbook may hold. It is not an "
                               "assessment sheet (it may be built to exhaust the memory).")


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _relationships(path, archive, names: set[str], part: str, limits: SheetLimits,
                   budget: _Budget) -> dict[str, tuple[str, str]]:
    """``{id: (type, part name)}`` of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in names:
        return found
    for event, element in _walk(path, archive, rels, limits, budget):
        if event == "end" and _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id", "")] = (element.get("Type", ""), resolved)
            if len(found) > limits.xlsx_max_parts:
                raise _damaged(path, f"{rels} lists more relationships than the workbook has parts")
    return found


def _worksheets(path, archive, names: set[str], limits: SheetLimits, budget: _Budget) -> list[SheetPart]:
    package = _relationships(path, archive, names, "", limits, budget)
    workbook = next((target for kind, target in package.values() if kind.endswith("/officeDocument")),
                    "xl/workbook.xml")
    if workbook not in names:
        raise _damaged(path, "it has no workbook part")
    links = _relationships(path, archive, names, workbook, limits, budget)
    sheets = []
    for event, element in _walk(path, archive, workbook, limits, budget):
        if event != "end" or _local(element.tag) != "sheet":
            continue
        kind, member = links.get(element.get(_REL_ID, ""), ("", ""))
        if kind.endswith("/worksheet"):
            if member not in names:
                raise _damaged(path, f"the sheet {element.get('name')!r} has no part")
            sheets.append(SheetPart(element.get("name", ""), member))
        if len(sheets) > limits.xlsx_max_sheets:
            raise SheetError(path, f"the workbook has more than {limits.xlsx_max_sheets} sheets; a LOSI workbook has 3.")
    return sheets


def _position(path, reference: str, row: int, column: int) -> tuple[int, int]:
    if not reference:
        return row, column + 1  # cells without a reference follow each other
    match = _CELL_REF.fullmatch(reference)
    if not match:
        raise _damaged(path, f"a cell has the impossible reference {reference[:20]!r}")
    letters, digits = match.groups()
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return int(digits), number


def _scan_sheet(path, archive, sheet: SheetPart, limits: SheetLimits, budget: _Budget) -> None:
    """Measure how far the cells of ``sheet`` reach, refusing it beyond the limits."""
    row = column = cells = 0
    for event, element in _walk(path, archive, sheet.member, limits, budget):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                given = element.get("r")
                row = int(given) if given and given.isdigit() else row + 1
                column = 0
            continue
        if tag != "c":
            continue
        row, column = _position(path, element.get("r", ""), row, column)
        formula = element.find(f"{_MAIN}f")
        value = element.find(f"{_MAIN}v")
        holds = formula is not None or element.find(f"{_MAIN}is") is not None or bool(value is not None and value.text)
        if not holds:
            continue  # an empty cell that only carries formatting
        cells += 1
        if row > min(limits.max_rows, _EXCEL_ROWS) or column > min(limits.max_columns, _EXCEL_COLUMNS):
            raise SheetError(path, f"the sheet {sheet.name!r} has something in cell {column_letters(column)}{row} "
                                   f"(row {row:,}, column {column:,}), beyond the {limits.max_rows:,} rows and "
                                   f"{limits.max_columns} columns the course reads. A LOSI sheet needs about 96 rows "
                                   "and 8 columns: clear that cell (Ctrl+End in Excel goes to the last one used) "
                                   "and save again.")
        if cells > limits.max_cells:
            raise SheetError(path, f"the sheet {sheet.name!r} has more than {limits.max_cells:,} cells filled in; "
                                   "a LOSI sheet has fewer than a thousand.")
        sheet.rows, sheet.columns = max(sheet.rows, row), max(sheet.columns, column)
        if formula is not None and (value is None or (not value.text and element.get("t") != "str")):
            text = (formula.text or "").strip()
            sheet.uncached[(row, column)] = "=" + (text[:40] + ("…" if len(text) > 40 else "") if text else "…")


def _count_texts(path, archive, member: str, limits: SheetLimits, budget: _Budget) -> None:
    count = 0
    for event, element in _walk(path, archive, member, limits, budget):
        if event == "end" and _local(element.tag) == "si":
            count += 1
            if count > limits.max_cells:
                raise SheetError(path, f"the workbook holds more than {limits.max_cells:,} different texts; a LOSI "
                                       "sheet holds a few hundred. It is not an assessment sheet.")


def inspect_workbook(path, raw: bytes, limits: SheetLimits = LIMITS) -> WorkbookPlan:
    """Check a workbook as the module notes say; return its worksheets, measured.

    Raises :class:`~losi_course.errors.SheetError` for a file that is not a workbook, is
    damaged, protected by a password, or beyond the limits.

    Example:
        >>> inspect_workbook("s.xlsx", b"PK\\x03\\x04 not really a zip")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: s.xlsx: the file cannot be read as an Excel workbook (.xlsx): it is damaged or in another format (not a zip archive). ...
    """
    from defusedxml import DefusedXmlException

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _damaged(path, "not a zip archive") from None
    with archive:
        try:
            infos = archive.infolist()
            _check_sizes(path, infos, limits)
            names = {info.filename for info in infos}
            budget = _Budget(limits)
            sheets = _worksheets(path, archive, names, limits, budget)
            plan = WorkbookPlan(sheets)
            measured = {s.member: s for s in (plan.main(), plan.find("About")) if s is not None}
            for info in infos:
                if info.filename in measured:
                    _scan_sheet(path, archive, measured[info.filename], limits, budget)
                elif info.filename.endswith("sharedStrings.xml"):
                    _count_texts(path, archive, info.filename, limits, budget)
                elif _is_xml(info.filename):
                    for _ in _walk(path, archive, info.filename, limits, budget):
                        pass
        except SheetError:
            raise
        except DefusedXmlException as err:
            raise _damaged(path, f"a part declares {type(err).__name__.replace('Forbidden', '').lower()} "
                                 "(entities or a document type), which a workbook never needs") from None
        except zipfile.BadZipFile as err:
            raise _damaged(path, str(err)) from None
        except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, SyntaxError, OSError) as err:
            raise _damaged(path, f"{type(err).__name__}: {str(err)[:80]}") from None
    return plan
