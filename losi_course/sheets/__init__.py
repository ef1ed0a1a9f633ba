"""Assessment sheets on disk: CSV, Excel (XLSX) and JSON, read, validated and written.

* **CSV** (:mod:`.csv_sheet`): UTF-8 with or without a byte-order mark (Windows "ANSI" is
  accepted too), comma or semicolon separated, as Excel writes them. Optional lines
  ``# city: ...`` before the header carry the metadata. Columns ``id,value`` and optionally
  ``evidence,note``; other columns (``criterion``, ``label``...) are ignored when reading.
* **XLSX** (:mod:`.xlsx_sheet`): a sheet named ``Assessment`` (or the first sheet) with the
  same columns, and an optional ``About`` sheet of ``key | value`` rows for the metadata.
* **JSON** (:mod:`.json_sheet`): ``{"edition": "2024", "city": ..., "answers": [{"id": ...,
  "value": ...}]}``; ``answers`` may also be a mapping ``{id: value}``.

Every problem is reported with the file, the row and what is wrong (:mod:`.validation`).
Reading is bounded and strict (:mod:`.source`, :mod:`.limits`, :mod:`.xlsx_guard`): only
ordinary files, no more than a sheet can need, no text in a mix of encodings, no key or column
given twice. Writing (:mod:`.writing`) cleans every text so it can be read back, neutralises
formula-like CSV cells (:mod:`.text`) and saves through the course's guarded, atomic save.

Example:
    >>> import tempfile, pathlib
    >>> from losi_course.assessment import Assessment
    >>> from losi_course.framework import load_instrument
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> a = Assessment.from_values({i: 1 for i in load_instrument().ids}, city="Velmora")
    >>> write_sheet(a, folder / "velmora.csv")
    PosixPath('...velmora.csv')
    >>> read_sheet(folder / "velmora.csv").city
    'Velmora'
"""

from __future__ import annotations

from .formats import SHEET_FORMATS, sheet_format
from .limits import LIMITS, SheetLimits
from .reading import read_sheet
from .text import clean_line, cleaning_note
from .writing import write_sheet, write_template

__all__ = ["read_sheet", "write_sheet", "write_template", "SHEET_FORMATS", "sheet_format",
           "clean_line", "cleaning_note", "LIMITS", "SheetLimits"]
