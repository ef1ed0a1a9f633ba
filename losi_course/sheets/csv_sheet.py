"""CSV sheets, as Excel and LibreOffice write them and as the course writes them.

UTF-8 with or without a byte-order mark (or wholly Windows "ANSI" text), comma or semicolon
separated. Lines ``# city: ...`` before the header carry the metadata (the course writes each
as one quoted cell, so a comma in a city name cannot split it into a second cell). Columns
``id,value`` and optionally ``evidence,note``; other columns are ignored.

Rows are split only where CSV splits them (a line break outside quotes), never at the other
characters Unicode calls line breaks. Cells that a spreadsheet would run as formulas are
written with a leading apostrophe and read back without it (see :mod:`.text`).

Example:
    >>> from losi_course.assessment import Assessment
    >>> a = Assessment(city="Velmora, Estoria"); a.set("281", "yes", note="=1+1")
    >>> data = csv_bytes(a)
    >>> data.decode("utf-8-sig").splitlines()[1], "'=1+1" in data.decode("utf-8-sig")
    ('"# city: Velmora, Estoria"', True)
    >>> metadata, table = csv_table("s.csv", data)
    >>> metadata["city"], table[1][1][5]
    ('Velmora, Estoria', '=1+1')
"""

from __future__ import annotations

import csv
import io

from ..assessment import Assessment, METADATA_KEYS
from ..errors import SheetError
from .formats import COLUMNS, answer_rows, sheet_metadata
from .limits import LIMITS, SheetLimits
from .source import decode_text
from .text import guard_formula, unguard_formula

__all__ = ["csv_table", "csv_bytes"]

_KEYS = (*METADATA_KEYS, "edition")


def _is_comment(line: str) -> bool:
    return line.strip().lstrip("\ufeff").lstrip('"').lstrip().startswith("#")


def _metadata_item(cells: list[str], delimiter: str) -> tuple[str, str] | None:
    while cells and not cells[-1].strip():
        cells = cells[:-1]  # the empty cells a spreadsheet adds to fill the row
    # An unquoted comma splits a detail into cells (older files): join them back.
    body = delimiter.join(cells).strip().lstrip("\ufeff").lstrip()[1:]
    if ":" not in body:
        return None
    key, value = body.split(":", 1)
    return key.strip().lower(), value.strip()


def _header_line(text: str) -> str | None:
    for line in io.StringIO(text, newline=""):
        if line.strip() and not _is_comment(line):
            return line
    return None


def csv_table(path, raw: bytes, limits: SheetLimits = LIMITS) -> tuple[dict, list]:
    """``(metadata, [(line number, cells), ...])`` of a CSV sheet, the header row first.

    Example:
        >>> csv_table("s.csv", "id;value\\n281;1\\n".encode())
        ({}, [(1, ['id', 'value']), (2, ['281', '1'])])
    """
    text = decode_text(path, raw)
    header = _header_line(text)
    if header is None:
        raise SheetError(path, "the file has no header row and no answers.")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    metadata: dict[str, str] = {}
    table: list = []
    before_header, last_line, rows = True, 0, 0
    try:
        for cells in reader:
            first_line, last_line = last_line + 1, reader.line_num
            rows += 1
            if rows > limits.max_rows:
                raise SheetError(path, f"the file has more than {limits.max_rows:,} rows; a LOSI sheet has one row "
                                       "per indicator (95). It is not an assessment sheet, or it holds far more "
                                       "than one.")
            if len(cells) > limits.max_columns:
                raise SheetError(path, f"line {first_line} has {len(cells):,} cells; a sheet has at most "
                                       f"{limits.max_columns} columns (a LOSI sheet needs 6).")
            if before_header:
                if not any(cell.strip() for cell in cells):
                    continue
                if cells[0].strip().lstrip("\ufeff").lstrip().startswith("#"):
                    item = _metadata_item(cells, delimiter)
                    if item and item[0] in _KEYS:
                        metadata[item[0]] = item[1]
                    continue
                before_header = False
            table.append((first_line, [unguard_formula(cell) for cell in cells]))
    except csv.Error as err:
        line = reader.line_num
        if "field larger than field limit" in str(err):
            raise SheetError(path, f"a cell that ends on line {line} holds more than {csv.field_size_limit():,} "
                                   f"characters; a sheet cell holds at most {limits.max_text:,}. Shorten it "
                                   "(or check for a quote mark (\") that is never closed).") from None
        raise SheetError(path, f"the file is not a well-formed CSV file (line {line}: {err}).") from None
    return metadata, table


def csv_bytes(assessment: Assessment) -> bytes:
    """The CSV file of an assessment (UTF-8 with a byte-order mark, so Excel keeps the accents).

    Example:
        >>> csv_bytes(Assessment(city="Velmora")).decode("utf-8-sig").splitlines()[:2]
        ['# edition: 2024', '# city: Velmora']
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for key, value in sheet_metadata(assessment).items():
        writer.writerow([f"# {key}: {value}"])
    writer.writerow(COLUMNS)
    for row in answer_rows(assessment):
        writer.writerow([guard_formula(cell) if isinstance(cell, str) else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
