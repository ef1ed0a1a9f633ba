"""Reading sheets: a bounded read of the file, the format's table, then the checks.

Example:
    >>> read_sheet("no-such-sheet.csv")
    Traceback (most recent call last):
    ...
    losi_course.errors.SheetError: no-such-sheet.csv: the file does not exist.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..assessment import Assessment
from ..errors import SheetError
from .csv_sheet import csv_table
from .formats import sheet_format
from .json_sheet import json_table
from .limits import LIMITS, SheetLimits
from .source import read_source
from .validation import build_assessment, header_records
from .xlsx_sheet import xlsx_table

__all__ = ["read_sheet"]

_READERS = {".csv": csv_table, ".xlsx": xlsx_table, ".json": json_table}


def read_sheet(path: str | os.PathLike, edition: str | None = None, *, limits: SheetLimits = LIMITS) -> Assessment:
    """Read and validate an assessment sheet.

    Raises :class:`~losi_course.errors.SheetError` naming the file, the row and the problem
    (unknown or duplicated id, missing indicators, a value that is not an answer, a column
    given twice, an empty, unreadable, damaged or oversized file, missing columns). Only
    ordinary files are read, and never more than ``limits`` allow
    (:data:`~losi_course.sheets.limits.LIMITS`).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "s.csv").write_text("id,value,value\\n281,1,0\\n")
        >>> read_sheet(folder / "s.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: .../s.csv: the column value appears 2 times (columns B, C), so it is not clear which one counts. Keep one value column and save again.
    """
    path = Path(path)
    suffix = sheet_format(path)
    raw = read_source(path, limits)
    if not raw.strip():
        raise SheetError(path, "the file is empty. Start from a blank sheet: losi-course template -o FILE.")
    metadata, table = _READERS[suffix](path, raw, limits)
    records = header_records(path, table, row_word="answer" if suffix == ".json" else "row")
    return build_assessment(path, metadata, records, edition, limits)
