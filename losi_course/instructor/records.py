"""What was graded, from what: the course's grading records next to nbgrader's gradebook.

nbgrader's gradebook keeps scores and comments; it does not keep *what* a score was given for.
The grading records, ``grading-state/<session>.json`` in the course folder (learner data, never
committed), keep for every participant's submission:

* fingerprints of the submitted files and of the tests it was graded with, so grading again
  re-grades exactly what changed (:func:`submission_fingerprint`, :func:`tests_fingerprint`);
* a fingerprint of every answer cell as graded (:func:`answer_fingerprints`), so a mark given
  by hand is kept while its answer stays the same and asked for again when it changes;
* whether grading failed and why, what the integrity checks found, whether the instructor
  accepted those findings, and what the feedback page was last written from.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "session1.ipynb").write_text('{"cells": []}')
    >>> len(submission_fingerprint(folder)), answer_fingerprints(folder)
    (64, {'session1': {}})
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

from ..course import CourseFolder
from ..filesafety import atomic_write

__all__ = ["RECORDS_FOLDER", "SubmissionRecord", "GradingRecords", "submission_fingerprint",
           "tests_fingerprint", "locked_code_cells", "answer_fingerprints", "now_iso"]

RECORDS_FOLDER = "grading-state"
_SKIPPED = (".ipynb_checkpoints", "__MACOSX", "__pycache__")
# Library files whose change changes what the tests check.
_CHECKER_FILES = ("grading", "checks.py", "data/MANIFEST.sha256")


def now_iso() -> str:
    """The current time, for records (UTC, ISO 8601)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def submission_fingerprint(folder: Path) -> str:
    """sha256 of every file in a submission folder (names and contents, not times).

    Example:
        >>> submission_fingerprint(Path("/nonexistent")) == submission_fingerprint(Path("/nonexistent2"))
        True
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and not any(part in _SKIPPED for part in path.parts):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _cells(nb: dict) -> list[dict]:
    cells = nb.get("cells")
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _meta(cell: dict) -> dict:
    meta = (cell.get("metadata") or {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def locked_code_cells(notebook: Path) -> dict[str, str]:
    """``{grade_id: source}`` of a notebook's locked code cells (tests and read-only code).

    These are what nbgrader restores from the gradebook before it runs a submission.
    """
    nb = _read_json(notebook) or {}
    return {_meta(c)["grade_id"]: _source(c) for c in _cells(nb)
            if c.get("cell_type") == "code" and _meta(c).get("locked") and _meta(c).get("grade_id")}


def tests_fingerprint(course: CourseFolder, assignment: str) -> str:
    """sha256 of what a session's tests are: its locked code cells in ``source/`` and the checkers.

    A change to a test cell (hidden tests included), to a checker of :mod:`losi_course.grading`,
    to the visible checks or to the shipped data changes it, so every submission of the session
    is graded again.
    """
    folder = course.step_path("source", assignment)
    cells = {p.name: locked_code_cells(p) for p in sorted(folder.glob("*.ipynb"))}
    library = Path(__file__).resolve().parent.parent
    files = {}
    for name in _CHECKER_FILES:
        target = library / name
        paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in paths:
            if path.is_file():
                files[path.relative_to(library).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digest({"cells": cells, "files": files})


def answer_fingerprints(folder: Path) -> dict[str, dict[str, str]]:
    """``{notebook: {grade_id: sha256 of the cell}}`` of the answer cells of a submission.

    An unreadable notebook has no entry for its cells (so every mark on it counts as changed).
    """
    found = {}
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        nb = _read_json(path) or {}
        found[path.stem] = {_meta(c)["grade_id"]: hashlib.sha256(_source(c).encode("utf-8")).hexdigest()
                            for c in _cells(nb) if _meta(c).get("solution") and _meta(c).get("grade_id")}
    return found


@dataclass
class SubmissionRecord:
    """What the grading knows about one participant's submission of one session.

    Example:
        >>> record = SubmissionRecord(submission="s", tests="t", findings=[{"kind": "oracle"}])
        >>> record.flag_key != "" and not record.accepted_flags
        True
    """

    submission: str = ""                      # submission_fingerprint when graded
    tests: str = ""                           # tests_fingerprint when graded
    graded_at: str = ""
    status: str = ""                          # "graded" or "failed"
    failure: str = ""
    answers: dict = field(default_factory=dict)    # answer_fingerprints when graded
    findings: list = field(default_factory=list)   # scan findings (with their notebook)
    rechecks: list = field(default_factory=list)   # checks that did not hold apart from the notebook
    accepted: str = ""                        # the flag_key the instructor accepted
    feedback: str = ""                        # what the feedback page was written from
    cleared_marks: list = field(default_factory=list)  # hand marks asked for again (answer changed)

    @property
    def flag_key(self) -> str:
        """A fingerprint of the findings ("" if there are none)."""
        if not self.findings and not self.rechecks:
            return ""
        return _digest({"findings": self.findings, "rechecks": self.rechecks})

    @property
    def accepted_flags(self) -> bool:
        """True when the instructor accepted exactly these findings."""
        return bool(self.flag_key) and self.accepted == self.flag_key

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionRecord":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class GradingRecords:
    """The records of one session: ``grading-state/<session>.json`` (``{participant: record}``).

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> records = GradingRecords(CourseFolder.at(root), "session1")
        >>> records.put("amina", SubmissionRecord(status="graded"))
        >>> GradingRecords(CourseFolder.at(root), "session1").get("amina").status
        'graded'
    """

    def __init__(self, course: CourseFolder, assignment: str):
        self.path = course.root / RECORDS_FOLDER / f"{assignment}.json"
        data = _read_json(self.path) or {}
        self._records = {student: SubmissionRecord.from_dict(value)
                         for student, value in data.get("participants", {}).items() if isinstance(value, dict)}

    def get(self, student: str) -> SubmissionRecord | None:
        """The record of a participant's submission, or None if it was never graded."""
        return self._records.get(student)

    def put(self, student: str, record: SubmissionRecord) -> None:
        """Store a participant's record (the file is rewritten at once, in one step)."""
        self._records[student] = record
        data = {"participants": {s: asdict(r) for s, r in sorted(self._records.items())}}
        atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))

    def students(self) -> list[str]:
        return sorted(self._records)
