"""Excel workbooks (.xlsx): a sheet named ``Assessment`` (or the first sheet) and an ``About`` sheet.

``Assessment`` has the same columns as a CSV sheet (a title row above the header is allowed);
``About`` has ``key | value`` rows for the metadata. The course writes a third sheet, ``Guide``.

Reading: :func:`~losi_course.sheets.xlsx_guard.inspect_workbook` checks the file first, then
openpyxl opens it read-only and reads only as far as the cells really reach. A formula whose
result was never saved (a file written by a program that does not calculate) is an error for
the row, not a blank answer.

Writing: every text is stored as text, so a note that starts with ``=`` or looks like an error
code (``#N/A``) is neither run as a formula nor changed.

Example:
    >>> from losi_course.assessment import Assessment
    >>> a = Assessment(city="Velmora"); a.set("281", "yes", note="=same as 215")
    >>> metadata, table = xlsx_table("s.xlsx", xlsx_bytes(a))
    >>> metadata["city"], table[1][1][:1] + table[1][1][3:6]
    ('Velmora', ['281', 1, '', '=same as 215'])
"""

from __future__ import annotations

import io

from ..assessment import METADATA_KEYS, Assessment
from ..errors import SheetError
from .formats import COLUMNS, answer_rows, sheet_metadata
from .limits import LIMITS, SheetLimits
from .validation import UnreadableCell, looks_like_header
from .xlsx_guard import SheetPart, inspect_workbook

__all__ = ["xlsx_table", "xlsx_bytes"]

_RECALCULATE = ("Open the file in Excel or LibreOffice and save it again (that calculates the formulas), "
                "or type the answers themselves.")

_GUIDE = [
    "How to fill in this LOSI assessment sheet",
    "",
    "1. Fill in the About sheet: city, country, your name (assessor) and the date.",
    "2. For each indicator on the Assessment sheet, look for the feature on the city's portal.",
    "3. In the value column write yes (found) or no (absent, or you could not find it). "
    "'not sure' or an empty cell means you have not decided yet.",
    "4. Paste the address of the page that shows the evidence in the evidence column, and add a note if useful.",
    "5. Do not change the id column, and keep one row per indicator.",
    "6. When you are done, save as .xlsx and score it: losi-course score FILE",
    "",
    "The LOSI rule: an indicator counts only if the feature can be found on the portal. "
    "A feature that exists but cannot be found by a resident counts as 0.",
]


def _rows(worksheet, part: SheetPart) -> list[tuple[int, list]]:
    if part.rows == 0:
        return []
    table = []
    cells = worksheet.iter_rows(min_row=1, max_row=part.rows, min_col=1, max_col=part.columns, values_only=True)
    for number, row in enumerate(cells, start=1):
        values = ["" if v is None else v for v in row]
        for (r, c), formula in part.uncached.items():
            if r == number:
                values[c - 1] = UnreadableCell(f"holds a formula ({formula}) whose result was never saved in the file",
                                               formula, _RECALCULATE)
        table.append((number, values))
    return table


def xlsx_table(path, raw: bytes, limits: SheetLimits = LIMITS) -> tuple[dict, list]:
    """``(metadata, [(row number, cells), ...])`` of a workbook, from its header row on.

    Example:
        >>> xlsx_table("s.xlsx", b"not a workbook")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: s.xlsx: the file cannot be read as an Excel workbook (.xlsx): ...
    """
    plan = inspect_workbook(path, raw, limits)
    main, about = plan.main(), plan.find("About")
    if main is None:
        raise SheetError(path, "the workbook has no worksheet (only charts?), so it holds no answers.")
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as err:  # openpyxl raises many kinds of errors on damaged files
        raise SheetError(path, "the file cannot be read as an Excel workbook (.xlsx): it is damaged or in another "
                               f"format ({type(err).__name__}). Open it in your spreadsheet program and save it "
                               "again as .xlsx, or save it as .csv.") from None
    try:
        table = _rows(book[main.name], main)
        metadata = {}
        if about is not None and about is not main:
            for _, row in _rows(book[about.name], about):
                if len(row) >= 2 and str(row[0]).strip():
                    key = str(row[0]).strip().lower()
                    if key in METADATA_KEYS or key == "edition":
                        metadata[key] = str(row[1]).strip()
    except SheetError:
        raise
    except MemoryError:
        raise
    except Exception as err:
        raise SheetError(path, "the file cannot be read as an Excel workbook (.xlsx): part of it is damaged "
                               f"({type(err).__name__}). Open it in your spreadsheet program and save it again.") from None
    finally:
        book.close()
    # Skip leading rows until the header (a title row is allowed above it).
    while table and not looks_like_header(table[0][1]):
        if len(table) == 1 or all(str(v).strip() == "" for _, row in table[1:] for v in row):
            break
        table = table[1:]
    return metadata, table


def _as_text(worksheet) -> None:
    # openpyxl stores text that starts with "=" as a formula (read back empty, or run by Excel)
    # and "#N/A"-like text as an error value: mark every text cell as plain text.
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def xlsx_bytes(assessment: Assessment) -> bytes:
    """The workbook of an assessment: Assessment (with guidance and a yes/no list), About, Guide.

    Example:
        >>> len(xlsx_bytes(Assessment())) > 5000
        True
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Assessment"
    sheet.append(list(COLUMNS) + ["what to look for", "how a city can meet it"])
    for row in answer_rows(assessment, guidance=True):
        sheet.append(row)
    _as_text(sheet)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"A": 9, "B": 26, "C": 42, "D": 10, "E": 40, "F": 30, "G": 70, "H": 70}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=8):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choice = DataValidation(type="list", formula1='"yes,no,not sure"', allow_blank=True,
                            error="Write yes, no or not sure (or leave it empty).",
                            errorTitle="Not an answer", showErrorMessage=True)
    sheet.add_data_validation(choice)
    choice.add(f"D2:D{sheet.max_row}")
    about = book.create_sheet("About")
    for key, value in sheet_metadata(assessment).items():
        about.append([key, value])
    _as_text(about)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 40
    guide = book.create_sheet("Guide")
    for line in _GUIDE:
        guide.append([line])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
