"""Step ``export``: a gradebook that says what is final, as ``.csv`` or a real ``.xlsx``.

One row per participant of the class (the roster and everyone who handed something in) and
session, with the columns of :data:`COLUMNS`. ``status`` is one of :data:`STATUSES`:

* ``final``: graded, nothing waits for a person;
* ``needs marking``: a written answer (or a corrected check) waits for a mark, or the
  submission is new or changed since it was graded;
* ``flagged``: its code reached into the grading, or a check did not hold when run again apart
  from it (see ``losi-course instructor grade``); the instructor decides
  (``losi-course instructor accept``);
* ``failed``: nbgrader could not grade it (the reason is in the grade summary);
* ``not submitted``: nothing was handed in.

Scores are empty unless the submission was graded. ``late`` is ``yes`` or ``no`` when the
session has a due date and the submission a time, and ``submitted_at`` is that time (local).
An ``.xlsx`` file has a ``summary`` sheet (one row per participant) and one sheet per session.

Example:
    >>> GradeRow("amina", "session1", status="not submitted").as_dict()["status"]
    'not submitted'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder
from ..filesafety import atomic_write
from .collect import submission_time
from .due import utc_to_local_text
from .nbgrader_tools import InstructorError, gradebook, nbgrader_api, quiet
from .records import GradingRecords, submission_fingerprint
from .roster import class_list

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["COLUMNS", "STATUSES", "GradeRow", "gradebook_rows", "export"]

COLUMNS = ("participant", "session", "autograded", "autograded_max", "written", "written_max", "total", "max",
           "status", "late", "submitted_at")
STATUSES = ("final", "needs marking", "flagged", "failed", "not submitted")


@dataclass
class GradeRow:
    """One participant's grade for one session, with what is (not yet) final about it."""

    participant: str
    session: str
    autograded: float | None = None
    autograded_max: float = 0.0
    written: float | None = None
    written_max: float = 0.0
    total: float | None = None
    max: float = 0.0
    status: str = "not submitted"
    late: str = ""
    submitted_at: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {column: getattr(self, column) for column in COLUMNS}


def _maxima(course: CourseFolder, gb, session: str) -> tuple[float, float]:
    """(autograded, written) maximum of a session: from the gradebook, else its released notebooks."""
    from nbgrader.api import MissingEntry

    try:
        recorded = gb.find_assignment(session)
        return float(recorded.max_code_score), float(recorded.max_written_score)
    except MissingEntry:
        pass
    from .records import _cells, _meta, _read_json

    code = written = 0.0
    for path in course.step_path("release", session).glob("*.ipynb"):
        for cell in _cells(_read_json(path) or {}):
            if _meta(cell).get("grade"):
                points = float(_meta(cell).get("points") or 0)
                if cell.get("cell_type") == "code":
                    code += points
                else:
                    written += points
    return code, written


def _describe_findings(record) -> list[str]:
    from .scan import KINDS

    lines = [f"{f.get('cell')}, line {f.get('line')}: {f.get('what')} ({KINDS.get(f.get('kind'), f.get('kind'))})"
             for f in record.findings]
    failed = [r["cell"] for r in record.rechecks]
    if failed:
        lines.append(f"{len(failed)} check(s) passed in the notebook but not when run again apart from it, "
                     f"scored 0: {', '.join(failed)}")
    return lines


def _row(course: CourseFolder, gb, session: str, person: str, record, maxima) -> GradeRow:
    from nbgrader.api import MissingEntry

    row = GradeRow(person, session, autograded_max=maxima[0], written_max=maxima[1], max=maxima[0] + maxima[1])
    folder = course.step_path("submitted", session, person)
    handed_in = folder.is_dir() and any(folder.glob("*.ipynb"))
    try:
        submission = gb.find_submission(session, person)
    except MissingEntry:
        submission = None
    if handed_in:
        when = submission_time(folder)
        row.submitted_at = when.astimezone().isoformat(sep=" ", timespec="seconds") if when else ""
    if submission is not None and submission.timestamp is not None:
        row.submitted_at = utc_to_local_text(submission.timestamp)
        if submission.duedate is not None:
            row.late = "yes" if submission.total_seconds_late > 0 else "no"
    if not handed_in and (record is None or submission is None):
        return row
    if record is not None and record.status == "failed":
        row.status, row.notes = "failed", [record.failure]
        row.notes += _describe_findings(record)
        return row
    graded = course.step_path("autograded", session, person)
    if submission is None or (record is None and not any(graded.glob("*.ipynb"))):
        row.status, row.notes = "needs marking", ["not graded yet: run `losi-course instructor grade`"]
        return row
    row.autograded, row.written, row.total = submission.code_score, submission.written_score, submission.score
    row.autograded_max, row.written_max, row.max = (submission.max_code_score, submission.max_written_score,
                                                    submission.max_score)
    waiting = sorted(g.name for nb in submission.notebooks for g in nb.grades if g.needs_manual_grade)
    if any(nb.flagged for nb in submission.notebooks):
        row.status = "flagged"
        row.notes = (_describe_findings(record) if record else []) or ["flagged in the gradebook (see Formgrader)"]
    elif handed_in and record is not None and record.submission != submission_fingerprint(folder):
        row.status, row.notes = "needs marking", ["changed since it was graded: run `losi-course instructor grade`"]
    elif waiting:
        row.status, row.notes = "needs marking", [f"to mark: {', '.join(waiting)}"]
    else:
        row.status = "final"
    return row


def gradebook_rows(course: CourseFolder, api: "NbGraderAPI", sessions: list[str] | None = None) -> list[GradeRow]:
    """Every participant x session row (of ``sessions``, default all the course's sessions)."""
    sessions = sessions or course.sessions
    people = [p["participant"] for p in class_list(course, api)]
    rows = []
    with quiet(), gradebook(api) as gb:
        for session in sessions:
            records = GradingRecords(course, session)
            maxima = _maxima(course, gb, session)
            rows += [_row(course, gb, session, person, records.get(person), maxima) for person in people]
    return rows


def _csv_bytes(rows: list[GradeRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if value is None else (f"{value:g}" if isinstance(value, float) else value)
                         for value in row.as_dict().values()])
    return out.getvalue().encode("utf-8")


def _sheet(book, title: str, header: list[str], lines: list[list]) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for line in lines:
        sheet.append(line)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                cell.data_type = "s"  # text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, title_ in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(title_) + 2)


def _xlsx_bytes(rows: list[GradeRow], sessions: list[str], names: dict[str, dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    header = ["participant", "first_name", "last_name"]
    for session in sessions:
        header += [f"{session} total", f"{session} max", f"{session} status"]
    header += ["total", "max", "status"]
    summary = []
    for person in names:
        mine = {r.session: r for r in rows if r.participant == person}
        line = [person, names[person].get("first_name", ""), names[person].get("last_name", "")]
        for session in sessions:
            r = mine[session]
            line += [r.total, r.max, r.status]
        statuses = [mine[s].status for s in sessions]
        worst = next((s for s in ("failed", "flagged", "needs marking") if s in statuses), "final")
        if all(s == "not submitted" for s in statuses):
            worst = "not submitted"
        line += [sum(mine[s].total or 0 for s in sessions), sum(mine[s].max for s in sessions), worst]
        summary.append(line)
    _sheet(book, "summary", header, summary)
    for session in sessions:
        _sheet(book, session, list(COLUMNS), [list(r.as_dict().values()) for r in rows if r.session == session])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(*, course: CourseFolder, to: str | Path | None = None, api: "NbGraderAPI | None" = None,
           sessions: list[str] | None = None, rows: list[GradeRow] | None = None) -> Path:
    """Write the gradebook to ``to`` (``.csv`` or ``.xlsx``; default ``grades.csv`` in the course folder).

    ``rows`` are :func:`gradebook_rows` already read (of ``sessions``).

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> export(course=CourseFolder.at(root), to=root / "grades.ods")
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: grades.ods: the grades can be written as .csv or .xlsx.
    """
    path = Path(to).resolve() if to else course.root / "grades.csv"
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InstructorError(f"{path.name}: the grades can be written as .csv or .xlsx.")
    api = api if api is not None else nbgrader_api(course)
    sessions = sessions or course.sessions
    rows = rows if rows is not None else gradebook_rows(course, api, sessions)
    if path.suffix.lower() == ".csv":
        data = _csv_bytes(rows)
    else:
        data = _xlsx_bytes(rows, sessions, {p["participant"]: p for p in class_list(course, api)})
    atomic_write(path, data)
    return path
