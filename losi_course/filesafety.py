"""Writing files without losing anyone's work.

Every writer of the course uses these: a file is replaced atomically (an interrupted save keeps
the previous version, and the permissions are kept), and a :class:`FileGuard` remembers what a
file looked like when it was last read or written, so that a change made by someone else in
between is noticed instead of overwritten.

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

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "file_mode", "FileGuard", "free_name"]


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
            digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError:
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
