"""What a sheet holds, whatever its format: the file extensions, the columns and the rows.

Example:
    >>> sheet_format("team/velmora.XLSX")
    '.xlsx'
    >>> COLUMNS[:4]
    ('id', 'criterion', 'label', 'value')
"""

from __future__ import annotations

import os
from pathlib import Path

from ..assessment import METADATA_KEYS, Assessment
from ..errors import SheetError

__all__ = ["SHEET_FORMATS", "COLUMNS", "sheet_format", "answer_rows", "sheet_metadata"]

SHEET_FORMATS = {".csv": "CSV", ".xlsx": "Excel workbook", ".json": "JSON"}
#: The columns every format writes, in this order; only id and value are required when reading.
COLUMNS = ("id", "criterion", "label", "value", "evidence", "note")


def sheet_format(path: str | os.PathLike) -> str:
    """The format of a sheet from its file extension (``.csv``, ``.xlsx``, ``.json``).

    Example:
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


def answer_rows(assessment: Assessment, guidance: bool = False) -> list[list]:
    """One row per indicator, in the order of :data:`COLUMNS` (plus two guidance columns).

    Example:
        >>> a = Assessment(); a.set("281", "yes", evidence="https://velmora.example/")
        >>> answer_rows(a)[0][:1] + answer_rows(a)[0][3:]
        ['281', 1, 'https://velmora.example/', '']
    """
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


def sheet_metadata(assessment: Assessment) -> dict[str, str]:
    """The details a sheet records above its answers: edition, city, country, assessor, date.

    Example:
        >>> sheet_metadata(Assessment(city="Velmora"))["city"]
        'Velmora'
    """
    meta = {"edition": assessment.edition}
    meta.update({k: assessment.metadata.get(k, "") for k in METADATA_KEYS})
    return meta
