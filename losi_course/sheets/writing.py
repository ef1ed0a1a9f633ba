"""Writing sheets: cleaned text, a size the reader accepts, and the course's guarded, atomic save.

:func:`write_sheet` first makes a copy of the assessment whose every text a sheet can hold and
read back (:func:`~losi_course.assessment.clean_text` for evidence and notes,
:func:`~losi_course.sheets.text.clean_line` for the details), then checks that the file would
stay within the limits the reader applies, then saves through
:func:`~losi_course.filesafety.save_file`: never the file being read, never a read-only file
or a folder, never a file changed by someone else (with a ``guard``) and, when asked
(``replace=False``), never any file that already holds something.

Example:
    >>> import tempfile, pathlib
    >>> from losi_course.assessment import Assessment
    >>> path = write_sheet(Assessment(city="Velmora\\x01"), pathlib.Path(tempfile.mkdtemp()) / "v.xlsx")
    >>> from losi_course.sheets import read_sheet
    >>> read_sheet(path).city
    'Velmora'
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Iterable

from ..assessment import Assessment, clean_text
from ..errors import SheetError
from ..filesafety import FileGuard, save_file
from .csv_sheet import csv_bytes
from .formats import sheet_format
from .json_sheet import json_bytes
from .limits import LIMITS, SheetLimits, size_words
from .text import clean_line
from .xlsx_sheet import xlsx_bytes

__all__ = ["write_sheet", "write_template", "storable", "WRITERS"]

#: The writer of each format: ``assessment -> bytes``.
WRITERS = {".csv": csv_bytes, ".xlsx": xlsx_bytes, ".json": json_bytes}


def storable(assessment: Assessment) -> Assessment:
    """A copy of ``assessment`` whose every text a sheet can hold and read back.

    Example:
        >>> a = Assessment(city=" Velmora\\n"); a.set("281", "yes", note="a\\x00b")
        >>> b = storable(a); b.city, b["281"].note
        ('Velmora', 'ab')
    """
    copy = assessment.copy()
    copy.metadata = {k: clean_line(v) for k, v in copy.metadata.items()}
    for answer in copy.answers.values():
        answer.evidence, answer.note = clean_text(answer.evidence), clean_text(answer.note)
    return copy


def _longest(assessment: Assessment) -> str:
    sizes = sorted(((len(a.evidence) + len(a.note), key) for key, a in assessment.answers.items()), reverse=True)
    return ", ".join(key for size, key in sizes[:5] if size)


def _check_size(path: Path, suffix: str, data: bytes, assessment: Assessment, limits: SheetLimits) -> None:
    too_big = len(data) > limits.max_bytes
    if suffix == ".xlsx" and not too_big:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            too_big = (sum(p.file_size for p in parts) > limits.xlsx_max_expanded_bytes
                       or any(p.file_size > limits.xlsx_max_part_bytes for p in parts))
    if too_big:
        raise SheetError(path, f"this sheet would be too big to read back ({size_words(len(data))}; a sheet may be "
                               f"at most {size_words(limits.max_bytes)}). Shorten the longest evidence and notes "
                               f"(indicators {_longest(assessment)}), then save again. Nothing was written.")


def write_sheet(assessment: Assessment, path: str | os.PathLike, *, replace: bool = True,
                guard: FileGuard | None = None, inputs: Iterable[str | os.PathLike] = (),
                replace_hint: str = "pass replace=True", limits: SheetLimits = LIMITS) -> Path:
    """Write an assessment; the format follows the extension. Returns the path.

    The file is replaced atomically, so an interrupted save keeps the previous version. It is
    never written over one of ``inputs``, a folder or a read-only file; with a ``guard``
    (:class:`~losi_course.filesafety.FileGuard`), not over a file changed since the guard saw
    it; with ``replace=False``, not over any file that holds something (``replace_hint`` says
    how to ask for it, e.g. ``"add --force"``). Every refusal is a
    :class:`~losi_course.errors.SaveError` that says how to proceed.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_sheet(Assessment(city="Velmora"), pathlib.Path(tempfile.mkdtemp()) / "v.json")
        >>> from losi_course.sheets import read_sheet
        >>> read_sheet(out).unanswered[:2]
        ['281', '215']
        >>> write_sheet(Assessment(), out, replace=False)
        Traceback (most recent call last):
        ...
        losi_course.errors.SaveError: Not saved to .../v.json: it already exists and may hold someone's work. ...
    """
    path = Path(path)
    suffix = sheet_format(path)
    sheet = storable(assessment)
    data = WRITERS[suffix](sheet)
    _check_size(path, suffix, data, sheet, limits)
    return save_file(path, data, replace=replace, guard=guard, inputs=inputs, replace_hint=replace_hint)


def write_template(path: str | os.PathLike, edition: str | int = "2024", *, replace: bool = True,
                   replace_hint: str = "pass replace=True", **metadata: object) -> Path:
    """Write a blank sheet (labels and guidance included) for offline work, e.g. in Excel.

    ``replace`` and ``replace_hint`` are as for :func:`write_sheet`.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "blank.xlsx", city="Velmora")
        >>> from losi_course.sheets import read_sheet
        >>> len(read_sheet(out).unanswered)
        95
    """
    return write_sheet(Assessment(edition, **metadata), path, replace=replace, replace_hint=replace_hint)
