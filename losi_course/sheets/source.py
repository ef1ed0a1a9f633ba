"""Getting a sheet file's bytes and text safely: ordinary files only, bounded, strictly decoded.

* Only an ordinary file is read: a folder, a pipe (FIFO), ``/dev/zero`` or ``/dev/urandom``
  gives a clear error at once instead of waiting or filling the memory. The file is opened
  without blocking, and its kind is checked on the open file itself.
* At most :attr:`~losi_course.sheets.limits.SheetLimits.max_bytes` are read.
* A link must lead to a file of the same format; otherwise nothing of the target is shown.
* Text must be UTF-8 (with or without a byte-order mark). A file with no UTF-8 sequence at all
  that is valid Windows "ANSI" text (cp1252, what Excel on Windows saves as "CSV") is read as
  such; a file that mixes the two is refused with the line to fix, because either reading would
  garble some of its accents.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = path.write_bytes("id,value\\n# Bogotá\\n".encode("cp1252"))
    >>> decode_text(path, read_source(path, LIMITS)).splitlines()[1]
    '# Bogotá'
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..errors import SheetError
from .limits import LIMITS, SheetLimits, size_words

__all__ = ["read_source", "decode_text", "utf8_problem"]

# A well-formed multi-byte UTF-8 sequence (RFC 3629): if a file has one, it was meant as UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a disk device"),
          (stat.S_ISSOCK, "a socket"))
_CHUNK = 1024 * 1024


def _refuse_foreign_link(path: Path) -> None:
    if not path.is_symlink():
        return
    target = Path(os.path.realpath(path))
    if target.suffix.lower() != path.suffix.lower():
        raise SheetError(path, f"it is a link to {target}, which is not a {path.suffix.lower()} file. "
                               "Give the sheet file itself.")


def read_source(path: Path, limits: SheetLimits = LIMITS) -> bytes:
    """The bytes of the sheet file at ``path``; a :class:`~losi_course.errors.SheetError` otherwise.

    Example:
        >>> import tempfile, pathlib
        >>> read_source(pathlib.Path(tempfile.mkdtemp()), LIMITS)
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: ...: this is a folder, not a sheet file.
    """
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        handle = os.open(path, flags)
    except FileNotFoundError:
        if path.is_symlink():
            raise SheetError(path, f"it is a link to {os.path.realpath(path)}, which does not exist.") from None
        raise SheetError(path, "the file does not exist.") from None
    except IsADirectoryError:
        raise SheetError(path, "this is a folder, not a sheet file.") from None
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise SheetError(path, f"the file cannot be opened ({reason}).") from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise SheetError(path, "this is a folder, not a sheet file.")
        if not stat.S_ISREG(info.st_mode):
            kind = next((words for test, words in _KINDS if test(info.st_mode)), "not an ordinary file")
            raise SheetError(path, f"this is {kind}, not a sheet file; reading it could go on forever. "
                                   "Give the name of a .csv, .xlsx or .json file.")
        _refuse_foreign_link(path)
        if info.st_size > limits.max_bytes:
            raise _too_big(path, info.st_size, limits)
        chunks, total = [], 0
        while total <= limits.max_bytes:
            chunk = os.read(handle, min(_CHUNK, limits.max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limits.max_bytes:
            raise _too_big(path, total, limits, at_least=True)
        return b"".join(chunks)
    except (OSError, ValueError) as err:
        raise SheetError(path, f"the file cannot be read ({getattr(err, 'strerror', None) or err}).") from None
    finally:
        os.close(handle)


def _too_big(path: Path, size: int, limits: SheetLimits, at_least: bool = False) -> SheetError:
    amount = f"more than {size_words(limits.max_bytes)}" if at_least else size_words(size)
    return SheetError(path, f"the file is {amount}; a sheet may be at most {size_words(limits.max_bytes)} (a LOSI "
                            "sheet of 95 indicators takes a few kilobytes). It is not an assessment sheet, "
                            "or it holds far more than one.")


def utf8_problem(raw: bytes, error: UnicodeDecodeError) -> str:
    """Where a file stops being UTF-8: ``"line 3 has a byte (0xE9) that is not UTF-8"``.

    Example:
        >>> raw = "é\\n".encode() + b"caf\\xe9\\n"
        >>> try:
        ...     raw.decode("utf-8")
        ... except UnicodeDecodeError as err:
        ...     utf8_problem(raw, err)
        'line 2 has a byte (0xE9) that is not UTF-8'
    """
    line = raw.count(b"\n", 0, error.start) + 1
    return f"line {line} has a byte (0x{raw[error.start]:02X}) that is not UTF-8"


def decode_text(path: Path, raw: bytes) -> str:
    """The text of a CSV file: UTF-8, or wholly Windows "ANSI" (cp1252); see the module notes.

    Example:
        >>> import pathlib
        >>> decode_text(pathlib.Path("mixed.csv"), "é\\n".encode() + b"caf\\xe9\\n")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: mixed.csv: the file mixes two text encodings: it is UTF-8, but line 2 has a byte (0xE9) that is not UTF-8, so reading it either way would garble its accents. Open it in your spreadsheet program and save it again as "CSV UTF-8", or retype the accents on that line.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(path, 'the file is UTF-16 text ("Unicode text" in Excel). Save it from your spreadsheet '
                               'program as "CSV UTF-8" instead.')
    if b"\x00" in raw[:4096]:
        raise SheetError(path, "the file is not a text CSV file (it contains binary data). "
                               "If it is an Excel workbook, give it the .xlsx extension.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        where = utf8_problem(raw, err)
        if _UTF8_SEQUENCE.search(raw):
            raise SheetError(path, f"the file mixes two text encodings: it is UTF-8, but {where}, so reading it "
                                   "either way would garble its accents. Open it in your spreadsheet program and "
                                   'save it again as "CSV UTF-8", or retype the accents on that line.') from None
    try:
        return raw.decode("cp1252")  # Excel on Windows saves "CSV" in the ANSI code page
    except UnicodeDecodeError:
        raise SheetError(path, f"the file is not text in a known encoding: {where}, nor Windows text. Save it "
                               'from your spreadsheet program as "CSV UTF-8".') from None
