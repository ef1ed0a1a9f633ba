"""Writing files without losing anyone's work.

Every writer of the course saves through :func:`save_file`: it refuses to replace a file that
may hold someone's work (an existing file, unless the caller says so; a read-only file; a file
changed by someone else since it was read, which a :class:`FileGuard` notices; the very file being
read), then replaces the file atomically (an interrupted save keeps the previous version, and the
permissions are kept). Every refusal and every failure is a
:class:`~losi_course.errors.SaveError` that names the file and says how to proceed.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "sheet.csv"
    >>> atomic_write(path, b"id,value\\n")
    >>> guard = FileGuard(path)
    >>> guard.changed_outside()
    False
    >>> _ = path.write_text("edited elsewhere")
    >>> guard.changed_outside()
    True
    >>> free_name(path).name
    'sheet-2.csv'
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import ChangedOutsideError, SaveError

__all__ = ["atomic_write", "save_file", "file_mode", "FileGuard", "free_name"]

# What the system said, in words a participant can act on.
_OS_ADVICE = {
    errno.EACCES: "you may not write there (the folder is protected or read-only); choose another "
                  "folder, for example your workspace",
    errno.EPERM: "you may not write there; choose another folder, for example your workspace",
    errno.EROFS: "that disk is read-only; choose another folder, for example your workspace",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "your disk quota is used up; free some space and try again",
    errno.ENOENT: "the folder cannot be created there; check the path",
    errno.ENOTDIR: "part of the path is a file, not a folder; check the path",
    errno.EISDIR: "a folder has that name; give a file name",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter one",
}


def file_mode(path: Path) -> int:
    """The permissions a rewritten file should keep: its own, or the usual default for a new one.

    Example:
        >>> oct(file_mode(Path("/nonexistent/new.csv")) & 0o600)
        '0o600'
    """
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping the file's permissions.

    The bytes go to a temporary file in the same folder, which then takes the file's place, so a
    crash or a full disk never leaves half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, file_mode(path))  # mkstemp makes files private (0600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except (OSError, ValueError):
        return os.path.abspath(path) == os.path.abspath(other)


def save_file(path: str | os.PathLike, data: bytes, *, replace: bool = False,
              guard: "FileGuard | None" = None, inputs: Iterable[str | os.PathLike] = (),
              replace_hint: str = "pass replace=True") -> Path:
    """Write ``data`` to ``path`` unless that could destroy someone's work; return the path.

    Refused, with a :class:`~losi_course.errors.SaveError` that says how to proceed:

    * ``path`` is one of ``inputs`` (the files being read to make ``data``), always;
    * ``path`` is a folder or not a regular file (a device, a pipe);
    * ``path`` is read-only (its owner has no write permission): someone meant to keep it;
    * with a ``guard``: the file changed since the guard last saw it
      (:class:`~losi_course.errors.ChangedOutsideError`); what the guard saw may be replaced;
    * without a guard: the file exists and is not empty, unless ``replace`` (the hint, e.g.
      ``"add --force"``, tells the user how to say so).

    Then the file is replaced atomically (:func:`atomic_write`); a system error (no permission,
    disk full) becomes a ``SaveError`` too, and the previous file is kept.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "sheet.csv"
        >>> save_file(path, b"id,value\\n").name
        'sheet.csv'
        >>> save_file(path, b"other", replace_hint="add --force")
        Traceback (most recent call last):
        ...
        losi_course.errors.SaveError: Not saved to .../sheet.csv: it already exists and may hold someone's work. To replace it, add --force; to keep it, choose a new name, for example .../sheet-2.csv.
    """
    path = Path(path)
    for source in inputs:
        if _same_file(path, Path(source)):
            raise SaveError(path, f"it is one of the files being read. Write the result to a new "
                                  f"file instead, for example {free_name(path)}.")
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise SaveError(path, _os_reason(err)) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise SaveError(path, f"it is a folder. Give the name of a file, for example {path / 'sheet.csv'}.")
        if not stat.S_ISREG(info.st_mode):
            raise SaveError(path, "it is not an ordinary file (a device, a pipe or a socket). Give the name "
                                  "of a file in one of your folders.")
        if not info.st_mode & stat.S_IWUSR:
            raise SaveError(path, "it is read-only, so someone meant to keep it as it is. Choose a new name, "
                                  f"for example {free_name(path)}, or make the file writable first if you "
                                  "really mean to replace it.")
        if guard is not None:
            if guard.changed_outside():
                raise ChangedOutsideError(path, "it was changed by someone else (another program, or "
                                                "another form on the same file) after it was last read or "
                                                f"saved here. Save to a new file, for example {free_name(path)}.")
        elif info.st_size and not replace:
            raise SaveError(path, f"it already exists and may hold someone's work. To replace it, {replace_hint}; "
                                  f"to keep it, choose a new name, for example {free_name(path)}.")
    try:
        atomic_write(path, data)
    except OSError as err:
        raise SaveError(path, _os_reason(err)) from None
    return path


def _os_reason(err: OSError) -> str:
    reason = err.strerror or str(err) or type(err).__name__
    advice = _OS_ADVICE.get(err.errno, "check the path and the folder's permissions")
    return f"the system refused to write it ({reason}): {advice}."


def free_name(path: Path) -> Path:
    """A file name next to ``path`` that is not taken yet (``name-2.csv``, ``name-3.csv``...)."""
    number = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists():
            return candidate
        number += 1


class FileGuard:
    """What a file looked like when last seen, to notice changes made by someone else.

    :meth:`remember` records the file as it is now (call it after reading or writing it);
    :meth:`changed_outside` tells whether it differs since. A deleted file counts as unchanged
    (writing it again loses nothing); a file that became unreadable counts as changed.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._seen = self._fingerprint()

    def _fingerprint(self) -> tuple | None:
        """(stat signature, sha256) of the file as it is now; None if there is no file."""
        try:
            info = self.path.stat()
            if stat.S_ISDIR(info.st_mode):
                return None
            if not stat.S_ISREG(info.st_mode):
                return ("not a file",)  # never open a pipe or a device: it could block forever
            with self.path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, ValueError):
            return ("unreadable",)
        return ((info.st_ino, info.st_size, info.st_mtime_ns), digest)

    def remember(self, path: str | os.PathLike | None = None) -> None:
        """Record the file (or a new ``path`` to follow) as it is now."""
        if path is not None:
            self.path = Path(path)
        self._seen = self._fingerprint()

    def changed_outside(self) -> bool:
        """True if the file was changed since :meth:`remember` (or since the guard was made)."""
        try:
            info = self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError:
            return False  # let the write itself report the problem
        seen = self._seen
        if seen is not None and len(seen) == 2 and seen[0] == (info.st_ino, info.st_size, info.st_mtime_ns):
            return False
        now = self._fingerprint()
        if now is None:
            return False
        if seen is None or len(seen) != 2 or len(now) != 2:
            return True
        return now[1] != seen[1]
