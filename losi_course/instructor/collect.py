"""Step ``collect``: file downloaded submissions into ``submitted/<participant>/<session>/``, safely.

A learning platform's download is a folder holding, for each participant, a zip file, a folder
or a loose notebook. The participant is named **only by that outer name** (the zip's or
folder's name, or the loose notebook's), never by names inside it: ``p01_session1.zip`` is
participant ``p01`` whatever the files in it are called, so one participant's zip cannot touch
another's folder. The default :data:`OUTER_NAME_PATTERN` takes everything before the first
underscore (``amina.k_session1.zip`` is ``amina.k``); ``--pattern`` gives another regular
expression with a ``student_id`` group, applied to the outer name without its extension.

Inside, the released notebook is found by name (``session1.ipynb``, or any name ending in
``_session1.ipynb``), or, for a session with one notebook, the only notebook there (a renamed
``Copy of session1.ipynb``); each such choice is reported.

Every submission gets a time: the ``timestamp.txt`` next to the notebook if there is one (as
nbgrader writes it), else the zip entry's time (the time the platform stored, read as this
computer's local time), else the file's modification time. It is written to ``timestamp.txt``,
which nbgrader uses to mark late submissions. Collecting again is safe:

* a notebook whose content is unchanged is not touched (content is compared, not times);
* a different download for a participant replaces the submission only when it is newer, and a
  line says which one was kept;
* two different downloads for the same participant in one folder: the newer one is taken (a
  line says so); with the same time, nothing is decided for that participant and you are asked.

Example:
    >>> outer_participant("amina.k_session1.zip", OUTER_NAME_PATTERN), outer_participant("Copy of x.zip", OUTER_NAME_PATTERN)
    ('amina.k', None)
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..course import CourseFolder
from ..filesafety import atomic_write, free_name
from .nbgrader_tools import InstructorError
from .roster import PARTICIPANT_ID

__all__ = ["OUTER_NAME_PATTERN", "ZIP_NAME_PATTERN", "Download", "outer_participant", "read_downloads",
           "submission_time", "collect"]

#: The participant id: everything before the first underscore of the outer name.
OUTER_NAME_PATTERN = r"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)(?:_.*)?$"
ZIP_NAME_PATTERN = OUTER_NAME_PATTERN  # the name earlier versions of the course used
TIMESTAMP = "timestamp.txt"
_CLUTTER = ("__MACOSX", ".ipynb_checkpoints", "__pycache__")


@dataclass
class Download:
    """One participant's download: the notebooks found in it and the time it was handed in."""

    participant: str
    origin: str
    notebooks: dict[str, bytes] = field(default_factory=dict)
    time: datetime | None = None
    notes: list[str] = field(default_factory=list)

    def same_content(self, other: "Download") -> bool:
        return self.notebooks == other.notebooks


def outer_participant(name: str, pattern: str) -> str | None:
    """The participant id of a download's outer name (extension removed), or None.

    Example:
        >>> outer_participant("p01_session1 (1).zip", OUTER_NAME_PATTERN)
        'p01'
    """
    stem = name[:-len(Path(name).suffix)] if Path(name).suffix.lower() in (".zip", ".ipynb") else name
    match = re.match(pattern, stem)
    if not match or "student_id" not in match.groupdict() or not match["student_id"]:
        return None
    participant = match["student_id"]
    return participant if PARTICIPANT_ID.match(participant) else None


def _aware(when: datetime) -> datetime:
    return when.astimezone() if when.tzinfo is None else when


def _parse_timestamp(raw: bytes) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        when = parse_utc(raw.decode("utf-8", errors="replace").strip())
    except (ValueError, OverflowError, TypeError):
        return None
    return when.replace(tzinfo=timezone.utc) if when else None


def _hidden(parts: list[str]) -> bool:
    return any(p in _CLUTTER or p.startswith(".") for p in parts)


def _entries(path: Path) -> list[tuple[str, bytes, datetime]]:
    """``(inner path, bytes, time)`` of the files in a zip file or a folder (clutter left out)."""
    found = []
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            parts = list(item.relative_to(path).parts)
            if item.is_file() and not _hidden(parts):
                if item.suffix.lower() == ".zip":
                    found += [(f"{item.relative_to(path).as_posix()}: {n}", b, t) for n, b, t in _entries(item)]
                else:
                    found.append((item.relative_to(path).as_posix(), item.read_bytes(),
                                  datetime.fromtimestamp(item.stat().st_mtime).astimezone()))
        return found
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                parts = info.filename.replace("\\", "/").rstrip("/").split("/")
                if info.is_dir() or _hidden(parts):
                    continue
                found.append(("/".join(parts), archive.read(info), datetime(*info.date_time).astimezone()))
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as err:
        raise InstructorError(f"{path.name} is not a readable zip file ({err}); download it again.") from None
    return found


def _match(released: list[str], files: list[tuple[str, bytes, datetime]], download: Download) -> dict:
    """Choose the notebook for each released name among the ``.ipynb`` files of one download."""
    notebooks = [(inner, data, when) for inner, data, when in files if inner.lower().endswith(".ipynb")]
    chosen: dict[str, tuple[str, bytes, datetime]] = {}
    for name in released:
        hits = [f for f in notebooks if f[0].rsplit("/", 1)[-1] == name or f[0].endswith("_" + name)]
        if not hits and len(released) == 1 and len(notebooks) == 1:
            hits = notebooks
            download.notes.append(f"{notebooks[0][0]} filed as {name} (the only notebook in it)")
        if hits:
            hits.sort(key=lambda f: f[2])
            if len(hits) > 1:
                download.notes.append(f"{len(hits)} copies of {name}; took the newest, {hits[-1][0]}")
            chosen[name] = hits[-1]
    for inner, _, _ in chosen.values():
        base = inner.rsplit("/", 1)[-1]
        inside = outer_participant(base, OUTER_NAME_PATTERN) if "_" in base else None
        if inside and inside != download.participant:
            download.notes.append(f"it holds {base}, named after {inside}: filed as {download.participant}'s "
                                  "work (a download is named by its outer name only)")
    return chosen


def read_downloads(downloads: Path, released: list[str], pattern: str) -> tuple[list[Download], list[str]]:
    """Every participant's download in a folder, and the lines for what was skipped."""
    found, skipped = [], []
    for path in sorted(downloads.iterdir()):
        if path.name.startswith(".") or path.name in _CLUTTER:
            continue
        participant = outer_participant(path.name, pattern)
        if path.is_file() and path.suffix.lower() not in (".zip", ".ipynb"):
            skipped.append(f"{path.name} (not a zip file, a folder or a notebook)")
            continue
        if participant is None:
            skipped.append(f"{path.name} (its name does not start with a participant id: <participant>_...)")
            continue
        download = Download(participant, path.name)
        if path.suffix.lower() == ".ipynb":
            rest = path.name[len(participant):].lstrip("_")
            files = [(rest, path.read_bytes(), datetime.fromtimestamp(path.stat().st_mtime).astimezone())]
        else:
            files = _entries(path)
        chosen = _match(released, files, download)
        if not chosen:
            skipped.append(f"{path.name} (no notebook of this session in it: {', '.join(released)})")
            continue
        download.notebooks = {name: data for name, (_, data, _) in chosen.items()}
        stamps = [_parse_timestamp(data) for inner, data, _ in files if inner.rsplit("/", 1)[-1] == TIMESTAMP]
        stamps = [s for s in stamps if s]
        download.time = max(stamps) if stamps else max(when for _, _, when in chosen.values())
        found.append(download)
    return found, skipped


def _newest(downloads: list[Download]) -> tuple[Download, list[str]]:
    """One participant's downloads of one folder: the one to take, and what to say about the rest."""
    distinct: list[Download] = []
    for download in downloads:
        if not any(d.same_content(download) for d in distinct):
            distinct.append(download)
    if len(distinct) == 1:
        return distinct[0], []
    distinct.sort(key=lambda d: d.time)
    newest, older = distinct[-1], distinct[:-1]
    if older[-1].time == newest.time:
        raise InstructorError(
            f"Two different downloads of participant {newest.participant} have the same time "
            f"({_shown(newest.time)}): {older[-1].origin} and {newest.origin}. Keep only the right one and collect again.")
    return newest, [f"{newest.participant}: took {newest.origin} ({_shown(newest.time)}), newer than "
                    f"{', '.join(f'{d.origin} ({_shown(d.time)})' for d in older)}"]


def _shown(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "no time"


def submission_time(folder: Path) -> datetime | None:
    """When the submission in a ``submitted/`` folder was handed in (its timestamp, else its files' time).

    Example:
        >>> submission_time(Path("/nonexistent")) is None
        True
    """
    stamp = folder / TIMESTAMP
    if stamp.is_file():
        when = _parse_timestamp(stamp.read_bytes())
        if when:
            return when
    times = [p.stat().st_mtime for p in folder.glob("*.ipynb")] if folder.is_dir() else []
    return datetime.fromtimestamp(max(times)).astimezone() if times else None


def _file(download: Download, folder: Path, released: list[str]) -> None:
    stamp_time = download.time.timestamp()
    for name in released:
        target = folder / name
        if name in download.notebooks:
            atomic_write(target, download.notebooks[name])
            os.utime(target, (stamp_time, stamp_time))
        elif target.exists():
            target.unlink()  # the newer submission has no such notebook
    atomic_write(folder / TIMESTAMP, (download.time.astimezone().isoformat(sep=" ") + "\n").encode("utf-8"))


def _archive(path: Path, archive: Path) -> None:
    """Keep a copy of a download in ``downloaded/<session>/`` (same content: nothing to do)."""
    target = archive / path.name
    if path.is_file():
        if target.is_file() and target.read_bytes() == path.read_bytes():
            return
        if target.exists():
            target = free_name(target)
        archive.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    elif path.is_dir() and not target.exists():
        shutil.copytree(path, target)


def collect(*, course: CourseFolder, assignment: str, downloads: str | os.PathLike,
            pattern: str = OUTER_NAME_PATTERN) -> dict[str, str]:
    """File a downloads folder into ``submitted/``; return ``{participant: what happened}``.

    What happened is ``collected`` (new), ``replaced`` (a newer download), ``unchanged`` or
    ``kept`` (the submission already there is newer). A line is printed for each participant and
    for each download skipped; a copy of every download is kept in ``downloaded/<session>/``.
    """
    course.require_session(assignment)
    downloads = Path(downloads).resolve()
    released = sorted(p.name for p in course.step_path("release", assignment).glob("*.ipynb"))
    if not released:
        raise InstructorError(f"release/{assignment} has no notebook: run `losi-course instructor release` "
                              "first, so the collected notebooks can be matched with the released ones.")
    if not downloads.is_dir():
        raise InstructorError(f"The downloads folder {downloads} does not exist.")
    try:
        re.compile(pattern)
    except re.error as err:
        raise InstructorError(f"--pattern is not a regular expression: {err}.") from None
    found, skipped = read_downloads(downloads, released, pattern)
    for line in skipped:
        print(f"SKIPPED {line}")
    if not found:
        raise InstructorError(f"No submission in {downloads} could be collected. Name each upload "
                              f"<participant id>_<notebook> (e.g. amina_{released[0]} or amina_{assignment}.zip).")
    by_participant: dict[str, list[Download]] = {}
    for download in found:
        by_participant.setdefault(download.participant, []).append(download)
    archive = course.root / "downloaded" / assignment
    outcome = {}
    for participant in sorted(by_participant):
        download, lines = _newest(by_participant[participant])
        for line in lines:
            print(f"NOTE {line}")
        for note in download.notes:
            print(f"NOTE {download.origin}: {note}")
        folder = course.step_path("submitted", assignment, participant)
        shown = course.relative(folder)
        existing = {name: (folder / name).read_bytes() for name in released if (folder / name).is_file()}
        if existing == download.notebooks:
            outcome[participant] = "unchanged"
            print(f"unchanged {shown}/")
            continue
        before = submission_time(folder) if existing else None
        if before is not None and download.time <= before:
            outcome[participant] = "kept"
            print(f"KEPT {shown}/ ({_shown(before)}): it is newer than {download.origin} ({_shown(download.time)})")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        _file(download, folder, released)
        outcome[participant] = "replaced" if existing else "collected"
        verb = f"REPLACED the submission of {_shown(before)} with" if existing else "collected"
        print(f"{verb} {download.origin} ({_shown(download.time)}) -> {shown}/")
    if archive.resolve() != downloads and not str(downloads).startswith(str(archive.resolve()) + os.sep):
        for download in found:
            _archive(downloads / download.origin, archive)
    return outcome
