"""Checked access to the files shipped in ``losi_course/data/``.

Every file there is listed in ``MANIFEST.sha256`` (``<sha256>  <name>``, names relative to the
folder, e.g. ``velmora/answer_key.csv``). Reading a file through :func:`verified_path` checks it
against its recorded checksum first, so an edited or damaged file gives a clear error instead of
a quietly wrong lesson or a quietly wrong grade. This module knows files, not datasets: the
catalog of datasets and their loaders is :mod:`losi_course.data`.

Example:
    >>> verified_path("pilots.csv").name
    'pilots.csv'
    >>> read_records("velmora/answer_key.csv")[0]["id"]
    '281'
"""

from __future__ import annotations

import csv
import hashlib
import os
import posixpath
import stat
from pathlib import Path

from .errors import DataIntegrityError, LosiInputError

__all__ = [
    "MANIFEST",
    "data_dir",
    "manifest_entries",
    "verified_path",
    "verify_data",
    "read_records",
    "read_text",
    "write_manifest",
]

MANIFEST = "MANIFEST.sha256"
_MANIFESTED = (".csv", ".md", ".json")
_MANIFEST_MAX_BYTES = 1024 * 1024  # a few lines per data file; a bigger "manifest" is not one
_RESTORE = "Restore it from the repository or reinstall the course."


def data_dir() -> Path:
    """The folder holding the shipped data files.

    ``LOSI_COURSE_DATA_DIR`` overrides it (the tests use it to check the integrity guard).

    Example:
        >>> (data_dir() / "MANIFEST.sha256").is_file()
        True
    """
    override = os.environ.get("LOSI_COURSE_DATA_DIR")
    return Path(override) if override else Path(__file__).with_name("data")


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _is_file(path: Path) -> bool:
    """True for an ordinary file (never a pipe or a device, which could block a read forever)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def _safe_name(name: str) -> bool:
    """A manifest name that stays inside the data folder: relative, no ``..``, no odd characters."""
    return (bool(name) and not name.startswith("/") and "\\" not in name and ":" not in name
            and posixpath.normpath(name) == name and not name.startswith("..")
            and all(c.isprintable() for c in name))


def manifest_entries(folder: Path | None = None) -> dict[str, str]:
    """``{name: sha256}`` as recorded in the manifest of ``folder`` (default :func:`data_dir`).

    Example:
        >>> "egdi2022_countries.csv" in manifest_entries()
        True
    """
    folder = Path(folder or data_dir())
    manifest = folder / MANIFEST
    if not _is_file(manifest):
        raise DataIntegrityError(
            f"The data manifest {manifest} is missing, so the course data cannot be checked. "
            "Reinstall the course (run 'make lab' again) or restore the file from the repository.")
    try:
        raw = manifest.read_bytes() if manifest.stat().st_size <= _MANIFEST_MAX_BYTES else None
    except OSError as err:
        raise DataIntegrityError(f"The data manifest {manifest} cannot be read ({err.strerror or err}). "
                                 "Check its permissions, or restore it from the repository or reinstall the course.") from None
    if raw is None:
        raise DataIntegrityError(f"The data manifest {manifest} is far bigger than a manifest. {_RESTORE}")
    entries = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            text = None
        if text is not None and (not text.strip() or text.startswith("#")):
            continue
        parts = text.split(maxsplit=1) if text is not None else []
        if (len(parts) != 2 or len(parts[0]) != 64 or any(c not in "0123456789abcdef" for c in parts[0])
                or not _safe_name(parts[1].strip())):
            raise DataIntegrityError(
                f"Line {number} of the data manifest {manifest} is not '<sha256>  <file name>' (with a name "
                "inside the data folder). The manifest was edited or damaged: restore it from the repository "
                "or reinstall the course.")
        entries[parts[1].strip()] = parts[0]
    return entries


def verified_path(filename: str) -> Path:
    """The path of a shipped data file, after checking it against the manifest.

    Raises :class:`~losi_course.errors.DataIntegrityError` if the file is missing, not
    listed, or changed since the manifest was written.

    Example:
        >>> verified_path("nothing.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.DataIntegrityError: nothing.csv is not one of the course's data files (see MANIFEST.sha256).
    """
    folder = data_dir()
    expected = manifest_entries(folder).get(filename)
    path = folder / filename
    if expected is None:
        raise DataIntegrityError(f"{filename} is not one of the course's data files (see {MANIFEST}).")
    if not _is_file(path):
        raise DataIntegrityError(
            f"The data file {filename} is missing from {folder}. Reinstall the course or restore "
            "the file from the repository.")
    try:
        actual = _sha256(path)
    except OSError as err:
        raise DataIntegrityError(f"The data file {filename} cannot be read ({err.strerror or err}). "
                                 "Check its permissions, or reinstall the course.") from None
    if actual != expected:
        raise DataIntegrityError(
            f"The data file {filename} does not match its recorded checksum: it was edited or "
            "damaged after the course was installed. Restore it from the repository (for example "
            f"'git checkout -- losi_course/data/{filename}') or reinstall the course; the figures in "
            "the lessons depend on it.")
    return path


def verify_data() -> dict[str, bool]:
    """Check every file of the manifest; return ``{name: ok}``.

    Example:
        >>> all(verify_data().values())
        True
    """
    folder = data_dir()
    results = {}
    for name, digest in manifest_entries(folder).items():
        try:
            results[name] = _is_file(folder / name) and _sha256(folder / name) == digest
        except OSError:
            results[name] = False
    return results


def read_records(filename: str) -> list[dict[str, str]]:
    """A verified CSV data file as a list of dictionaries (no pandas needed).

    Example:
        >>> read_records("pilots.csv")[0]["country"]
        'Jordan'
    """
    path = verified_path(filename)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise DataIntegrityError(f"The data file {filename} cannot be read ({err}). {_RESTORE}") from None


def read_text(filename: str) -> str:
    """A verified text data file (e.g. ``SOURCES.md``).

    Example:
        >>> "EGDI" in read_text("SOURCES.md")
        True
    """
    path = verified_path(filename)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataIntegrityError(f"The data file {filename} cannot be read ({err}). {_RESTORE}") from None


def write_manifest(folder: Path | None = None) -> Path:
    """Record the checksum of every data file (run after a deliberate data update).

    Files in sub-folders are recorded with their relative name (``velmora/answer_key.csv``).

    Example:
        >>> import tempfile
        >>> tmp = Path(tempfile.mkdtemp()); _ = (tmp / "a.csv").write_text("x\\n1\\n")
        >>> write_manifest(tmp).read_text().split()[1]
        'a.csv'
    """
    folder = Path(folder or data_dir())
    if not folder.is_dir():
        raise LosiInputError(f"{folder} is not a folder of data files.")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.name != MANIFEST and p.suffix in _MANIFESTED)
    lines = [f"{_sha256(folder / name)}  {name}" for name in names]
    target = folder / MANIFEST
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # python -m losi_course.datafiles: rewrite the manifest
    print(write_manifest())
