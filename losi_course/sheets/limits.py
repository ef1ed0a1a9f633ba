"""How much the course reads from one sheet file, so a tiny hostile file cannot exhaust memory.

A LOSI sheet has 95 indicators: a few kilobytes, about 96 rows and 8 columns. The limits leave
a wide margin above that and stop files that only pretend to be sheets: a 6 KB workbook whose
one cell sits at XFD1048576, a zip that expands to gigabytes, ``/dev/zero``, a million rows.
Every limit is reported in words ("the file is 1.5 GB; a sheet is at most 16 MB") and the
writers check them too, so whatever the course writes it can read back.

Example:
    >>> LIMITS.max_rows, LIMITS.max_text
    (10000, 32767)
    >>> size_words(1_610_612_736), size_words(6_144)
    ('1.5 GB', '6 KB')
"""

from __future__ import annotations

from dataclasses import dataclass

from ..assessment import TEXT_LIMIT

__all__ = ["SheetLimits", "LIMITS", "size_words", "column_letters"]

_MB = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """The bounds of one sheet read (typed configuration; the defaults are :data:`LIMITS`).

    Attributes:
        max_bytes: the size of the file itself.
        max_rows, max_columns: how far the cells of a sheet may reach.
        max_cells: cells holding something (and, in a workbook, distinct texts).
        max_text: characters in one cell (Excel's limit).
        xlsx_max_part_bytes: one worksheet or the shared texts of a workbook, once expanded.
        xlsx_max_other_part_bytes: any other part of a workbook, once expanded.
        xlsx_max_expanded_bytes: all the parts of a workbook together, once expanded.
        xlsx_max_parts, xlsx_max_sheets: parts in the zip, sheets in the workbook.
        xlsx_max_elements: XML elements in all the parts of a workbook together (reading each
            one takes time, however small the file).
        max_depth: nesting of JSON values and of XML elements.
        json_max_number_length: characters in one JSON number.

    Example:
        >>> SheetLimits(max_rows=200).max_rows
        200
    """

    max_bytes: int = 16 * _MB
    max_rows: int = 10_000
    max_columns: int = 64
    max_cells: int = 100_000
    max_text: int = TEXT_LIMIT
    xlsx_max_part_bytes: int = 16 * _MB
    xlsx_max_other_part_bytes: int = 4 * _MB
    xlsx_max_expanded_bytes: int = 64 * _MB
    xlsx_max_parts: int = 1_000
    xlsx_max_sheets: int = 256
    xlsx_max_elements: int = 500_000
    max_depth: int = 64
    json_max_number_length: int = 30


LIMITS = SheetLimits()


def size_words(size: int) -> str:
    """A number of bytes for people: ``'6 KB'``, ``'16 MB'``, ``'1.5 GB'``.

    Example:
        >>> size_words(512), size_words(16 * 1024 * 1024)
        ('512 bytes', '16 MB')
    """
    for unit, scale in (("GB", 1024 ** 3), ("MB", _MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} bytes"


def column_letters(number: int) -> str:
    """A spreadsheet column's letters from its number (1 is A).

    Example:
        >>> column_letters(4), column_letters(16384)
        ('D', 'XFD')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
