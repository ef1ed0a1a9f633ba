"""Assessment sheets on disk: CSV, Excel (XLSX) and JSON, read, validated and written.

* **CSV**: UTF-8 with or without a byte-order mark (Windows "ANSI" is accepted too), comma
  or semicolon separated, as Excel writes them. Optional lines ``# city: ...`` before the
  header carry the metadata. Columns ``id,value`` and optionally ``evidence,note``; other
  columns (``criterion``, ``label``...) are ignored when reading.
* **XLSX**: a sheet named ``Assessment`` (or the first sheet) with the same columns, and an
  optional ``About`` sheet of ``key | value`` rows for the metadata.
* **JSON**: ``{"edition": "2024", "city": ..., "answers": [{"id": ..., "value": ...}]}``;
  ``answers`` may also be a mapping ``{id: value}``.

Every problem is reported with the file, the row and what is wrong; writing goes through a
temporary file and a rename, so a crash never leaves half a sheet behind.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> a = Assessment.from_values({i: 1 for i in load_instrument().ids}, city="Velmora")
    >>> write_sheet(a, folder / "velmora.csv")
    PosixPath('...velmora.csv')
    >>> read_sheet(folder / "velmora.csv").city
    'Velmora'
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Iterable, Iterator

from .assessment import ANSWER_HELP, METADATA_KEYS, Answer, Assessment, clean_text, parse_answer
from .errors import LosiInputError, SheetError, UnknownIndicatorError
from .filesafety import atomic_write
from .framework import load_instrument

__all__ = ["read_sheet", "write_sheet", "write_template", "SHEET_FORMATS", "sheet_format"]

SHEET_FORMATS = {".csv": "CSV", ".xlsx": "Excel workbook", ".json": "JSON"}
_MAX_LISTED = 8
_COLUMNS = ("id", "criterion", "label", "value", "evidence", "note")


def sheet_format(path: str | os.PathLike) -> str:
    """The format of a sheet from its file extension (``.csv``, ``.xlsx``, ``.json``).

    Example:
        >>> sheet_format("team/velmora.XLSX")
        '.xlsx'
        >>> sheet_format("velmora.ods")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: velmora.ods: sheets must be .csv, .xlsx or .json files; '.ods' is not supported (save it from your spreadsheet program as .xlsx or .csv).
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SHEET_FORMATS:
        raise SheetError(path, f"sheets must be .csv, .xlsx or .json files; '{suffix or 'no extension'}' "
                               "is not supported (save it from your spreadsheet program as .xlsx or .csv).")
    return suffix


# ----------------------------------------------------------------------------- reading
def read_sheet(path: str | os.PathLike, edition: str | None = None) -> Assessment:
    """Read and validate an assessment sheet.

    Raises :class:`~losi_course.errors.SheetError` naming the file, the row and the problem
    (unknown or duplicated id, missing indicators, a value that is not an answer, an empty
    or unreadable file, missing columns).

    Example:
        >>> read_sheet("no-such-sheet.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: no-such-sheet.csv: the file does not exist.
    """
    path = Path(path)
    suffix = sheet_format(path)
    if not path.exists():
        raise SheetError(path, "the file does not exist.")
    if path.is_dir():
        raise SheetError(path, "this is a folder, not a sheet file.")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SheetError(path, f"the file cannot be opened ({err.strerror or err}).") from None
    if not raw.strip():
        raise SheetError(path, "the file is empty. Start from a blank sheet: losi-course template -o FILE.")
    if suffix == ".csv":
        metadata, rows = _csv_rows(path, raw)
    elif suffix == ".xlsx":
        metadata, rows = _xlsx_rows(path, raw)
    else:
        metadata, rows = _json_rows(path, raw)
    return _build(path, metadata, rows, edition)


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise SheetError(path, "the file is not a text CSV file (it contains binary data). "
                               "If it is an Excel workbook, give it the .xlsx extension.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; accept it rather than fail.
        return raw.decode("cp1252", errors="replace")


def _split_metadata_line(line: str, delimiter: str) -> tuple[str, str] | None:
    body = line.strip().lstrip("\ufeff")
    if not body.startswith("#"):
        return None
    body = body[1:].strip().strip('"').rstrip(delimiter).rstrip('"').strip()
    if ":" not in body:
        return None
    key, value = body.split(":", 1)
    return key.strip().lower(), value.strip().rstrip(delimiter).strip()


def _csv_rows(path: Path, raw: bytes):
    text = _decode(path, raw)
    lines = text.splitlines()
    first_data = next((k for k, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if first_data is None:
        raise SheetError(path, "the file has no header row and no answers.")
    header_line = lines[first_data]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    metadata = {}
    for line in lines[:first_data]:
        item = _split_metadata_line(line, delimiter)
        if item:
            metadata[item[0]] = item[1]
    reader = csv.reader(io.StringIO("\n".join(lines[first_data:])), delimiter=delimiter)
    try:
        table = [(first_data + number + 1, row) for number, row in enumerate(reader)]
    except csv.Error as err:
        raise SheetError(path, f"the file is not a well-formed CSV file ({err}).") from None
    return metadata, _records(path, table)


def _xlsx_rows(path: Path, raw: bytes):
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as err:
        raise SheetError(path, "the file cannot be read as an Excel workbook (.xlsx); it may be damaged "
                               f"or in another format ({type(err).__name__}).") from None
    try:
        sheet = workbook["Assessment"] if "Assessment" in workbook.sheetnames else workbook.worksheets[0]
        table = [(number, ["" if v is None else v for v in row])
                 for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        metadata = {}
        if "About" in workbook.sheetnames:
            for row in workbook["About"].iter_rows(values_only=True):
                if row and len(row) >= 2 and row[0] is not None:
                    key = str(row[0]).strip().lower()
                    if key in METADATA_KEYS or key == "edition":
                        metadata[key] = "" if row[1] is None else str(row[1]).strip()
    finally:
        workbook.close()
    # Skip leading rows until the header (a title row is allowed above it).
    while table and not _looks_like_header(table[0][1]):
        if len(table) == 1 or all(str(v).strip() == "" for _, row in table[1:] for v in row):
            break
        table = table[1:]
    return metadata, _records(path, table)


def _looks_like_header(row) -> bool:
    names = {str(v).strip().lower() for v in row}
    return "id" in names and "value" in names


def _json_rows(path: Path, raw: bytes):
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SheetError(path, "the file is not UTF-8 text, so it cannot be JSON.") from None
    except json.JSONDecodeError as err:
        raise SheetError(path, f"the file is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}).") from None
    if not isinstance(document, dict) or "answers" not in document:
        raise SheetError(path, 'a JSON sheet must be an object with an "answers" list, for example '
                               '{"city": "Velmora", "answers": [{"id": "281", "value": 1}]}.')
    metadata = {k: str(document[k]) for k in (*METADATA_KEYS, "edition") if document.get(k) is not None}
    answers = document["answers"]
    table: list[tuple[int, list]] = [(0, list(_COLUMNS))]
    if isinstance(answers, dict):
        for number, (key, value) in enumerate(answers.items(), start=1):
            table.append((number, [key, "", "", value, "", ""]))
    elif isinstance(answers, list):
        for number, item in enumerate(answers, start=1):
            if not isinstance(item, dict):
                raise SheetError(path, f'each answer must be an object like {{"id": "281", "value": 1}}; got {item!r}.', row=number)
            table.append((number, [item.get("id", ""), "", "", item.get("value", ""),
                                   item.get("evidence", "") or "", item.get("note", "") or ""]))
    else:
        raise SheetError(path, '"answers" must be a list of {"id", "value"} objects or an {id: value} mapping.')
    return metadata, _records(path, table, row_word="answer")


def _records(path: Path, table, row_word: str = "row") -> Iterator[tuple[int, dict]]:
    """Yield ``(row_number, {column: value})`` after checking the header."""
    if not table:
        raise SheetError(path, "the file has no header row and no answers.")
    (_, header), body = table[0], table[1:]
    names = [str(h).strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in ("id", "value") if c not in names]
    if missing:
        found = ", ".join(n for n in names if n) or "nothing"
        raise SheetError(path, f"the column{'s' if len(missing) > 1 else ''} {' and '.join(missing)} "
                               f"{'are' if len(missing) > 1 else 'is'} missing. The first row must name the "
                               f"columns id,value (and optionally evidence,note); found: {found}.")
    position = {name: names.index(name) for name in ("id", "value", "evidence", "note") if name in names}
    records = []
    for number, row in body:
        cells = {name: (row[k] if k < len(row) else "") for name, k in position.items()}
        if all(str(v).strip() == "" for v in row):
            continue  # blank lines that spreadsheets leave at the end
        records.append((number, cells))
    if not records:
        raise SheetError(path, "the sheet has a header but no answers.")
    return iter([(row_word, number, cells) for number, cells in records])


def _build(path: Path, metadata: dict, records: Iterable, edition: str | None) -> Assessment:
    chosen = str(edition or metadata.pop("edition", "") or "2024")
    metadata.pop("edition", None)
    try:
        instrument = load_instrument(chosen)
        instrument.require_complete("an assessment sheet")
    except LosiInputError as err:
        raise SheetError(path, str(err)) from None
    assessment = Assessment(chosen, **{k: v for k, v in metadata.items() if k in METADATA_KEYS})
    problems: list[tuple[str, int, str]] = []
    first_seen: dict[str, int] = {}
    for row_word, number, cells in records:
        raw_id = cells.get("id", "")
        if str(raw_id).strip() == "":
            problems.append((row_word, number, "the id is empty."))
            continue
        try:
            key = instrument.resolve_id(raw_id)
        except UnknownIndicatorError as err:
            problems.append((row_word, number, str(err)))
            continue
        if key in first_seen:
            problems.append((row_word, number, f"indicator {key} appears twice (first on {row_word} {first_seen[key]}); "
                                               "keep one row per indicator."))
            continue
        first_seen[key] = number
        try:
            value, not_sure = parse_answer(cells.get("value", ""))
        except ValueError:
            problems.append((row_word, number, f"the value '{str(cells.get('value')).strip()}' for indicator {key} "
                                               f"is not an answer: {ANSWER_HELP}."))
            continue
        assessment.answers[key] = Answer(value, not_sure, _text(cells.get("evidence")), _text(cells.get("note")))
    absent = [i for i in instrument.ids if i not in first_seen]
    if absent and not problems:
        listed = ", ".join(f"{i} ({instrument[i].label})" for i in absent[:_MAX_LISTED])
        more = f" and {len(absent) - _MAX_LISTED} more" if len(absent) > _MAX_LISTED else ""
        raise SheetError(path, f"{len(absent)} indicator{'s' if len(absent) > 1 else ''} of the LOSI "
                               f"{chosen} instrument {'are' if len(absent) > 1 else 'is'} missing: {listed}{more}. "
                               "Add a row for each (leave the value empty if not assessed yet), or start "
                               "from a blank sheet: losi-course template -o FILE.")
    if len(problems) == 1:
        row_word, number, message = problems[0]
        raise SheetError(path, message if row_word == "row" else f"{row_word} {number}: {message}",
                         row=number if row_word == "row" else None)
    if problems:
        shown = "; ".join(f"{w} {n}: {m.rstrip('.')}" for w, n, m in problems[:_MAX_LISTED])
        more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        raise SheetError(path, f"{len(problems)} problems. {shown}{more}.")
    return assessment


def _text(value) -> str:
    return clean_text(value)


# ----------------------------------------------------------------------------- writing
def _rows(assessment: Assessment, guidance: bool) -> list[list]:
    instrument = assessment.instrument
    rows = []
    for key, answer in assessment.answers.items():
        indicator = instrument[key]
        value = "not sure" if answer.state == "not sure" else ("" if answer.value is None else answer.value)
        row = [key, indicator.criterion, indicator.label, value, answer.evidence, answer.note]
        if guidance:
            row += [indicator.description, "; ".join(indicator.steps)]
        rows.append(row)
    return rows


def _metadata(assessment: Assessment) -> dict[str, str]:
    meta = {"edition": assessment.edition}
    meta.update({k: assessment.metadata.get(k, "") for k in METADATA_KEYS})
    return meta


def _csv_bytes(assessment: Assessment) -> bytes:
    buffer = io.StringIO()
    for key, value in _metadata(assessment).items():
        buffer.write(f"# {key}: {value}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_COLUMNS)
    writer.writerows(_rows(assessment, guidance=False))
    # The BOM makes Excel open the file as UTF-8 (accents in city names survive).
    return buffer.getvalue().encode("utf-8-sig")


def _json_bytes(assessment: Assessment) -> bytes:
    document = dict(_metadata(assessment))
    document["answers"] = [
        {"id": key, "value": ("not sure" if a.state == "not sure" else a.value),
         "evidence": a.evidence, "note": a.note}
        for key, a in assessment.answers.items()
    ]
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


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


def _keep_text(worksheet) -> None:
    # openpyxl stores text that starts with "=" as a formula, which reads back empty (or runs
    # in Excel): mark such cells as plain strings.
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _xlsx_bytes(assessment: Assessment) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Assessment"
    header = list(_COLUMNS) + ["what to look for", "how a city can meet it"]
    sheet.append(header)
    for row in _rows(assessment, guidance=True):
        sheet.append(row)
    _keep_text(sheet)
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
    for key, value in _metadata(assessment).items():
        about.append([key, value])
    _keep_text(about)
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


def write_sheet(assessment: Assessment, path: str | os.PathLike) -> Path:
    """Write an assessment; the format follows the extension. Returns the path.

    The file is replaced atomically, so an interrupted save keeps the previous version.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_sheet(Assessment(city="Velmora"), pathlib.Path(tempfile.mkdtemp()) / "v.json")
        >>> read_sheet(out).unanswered[:2]
        ['281', '215']
    """
    path = Path(path)
    suffix = sheet_format(path)
    writer = {".csv": _csv_bytes, ".xlsx": _xlsx_bytes, ".json": _json_bytes}[suffix]
    atomic_write(path, writer(assessment))
    return path


def write_template(path: str | os.PathLike, edition: str | int = "2024", **metadata: object) -> Path:
    """Write a blank sheet (labels and guidance included) for offline work, e.g. in Excel.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "blank.xlsx", city="Velmora")
        >>> len(read_sheet(out).unanswered)
        95
    """
    return write_sheet(Assessment(edition, **metadata), path)
