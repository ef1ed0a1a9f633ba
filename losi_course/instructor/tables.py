"""Reading the tables an instructor gives the course (roster, marks) as Excel or a text editor saved them.

A table is a ``.csv`` file, comma- or semicolon-separated (Excel's choice depends on the
language), UTF-8 with or without Excel's byte-order mark. Column names are matched without
regard to case, spaces or underscores, and a few aliases are accepted (``grade id`` for
``grade_id``). Every problem is reported with its line number, all at once.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = path.write_text("Participant;First name\\namina.k;Amina\\n", encoding="utf-8-sig")
    >>> read_table(path, {"participant": ["id"], "first_name": []}, required=["participant"])
    [(2, {'participant': 'amina.k', 'first_name': 'Amina'})]
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from .nbgrader_tools import InstructorError

__all__ = ["read_table", "normal_name"]


def normal_name(text: str) -> str:
    """A column name as it is compared: lower case, words joined by ``_``.

    Example:
        >>> normal_name(" Grade ID ")
        'grade_id'
    """
    return "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def read_table(path: str | os.PathLike, columns: dict[str, list[str]], required: list[str]) -> list[tuple[int, dict]]:
    """The rows of a CSV table as ``(line number, {column: text})``, columns named as in ``columns``.

    ``columns`` maps each column to its accepted aliases; other columns are ignored. Empty
    rows are skipped. A missing file, an unreadable one or a missing ``required`` column is an
    :class:`~losi_course.instructor.nbgrader_tools.InstructorError`.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InstructorError(f"{path} does not exist.") from None
    except OSError as err:
        raise InstructorError(f"{path} cannot be read ({err.strerror or err}).") from None
    if path.suffix.lower() != ".csv":
        raise InstructorError(f"{path.name} is not a .csv file. Save the table as CSV (in Excel: File > Save As > "
                              "CSV UTF-8) and give that file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # older Excel saves in the Windows code page
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    names = {alias: column for column, aliases in columns.items() for alias in [column, *aliases]}
    positions = {}
    for index, title in enumerate(header):
        column = names.get(normal_name(title))
        if column and column not in positions:
            positions[column] = index
    missing = [c for c in required if c not in positions]
    if missing:
        raise InstructorError(f"{path.name} has no column {', '.join(missing)} in its first line (found: "
                              f"{', '.join(h for h in header if h.strip()) or 'nothing'}). The columns are: "
                              f"{', '.join(columns)}.")
    rows = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows.append((number, {column: (row[i].strip() if i < len(row) else "") for column, i in positions.items()}))
    return rows
