"""Step ``grade``: autograde the submissions, write their feedback, export the grades.

Example:
    >>> r = SubmissionResult("session1", "amina", autograded=True, score=12.0, max_score=19.0)
    >>> r.failed == "", r.needs_manual_grade
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder, natural_key
from .export import export
from .feedback import feedback
from .nbgrader_tools import InstructorError, ensure_in_gradebook, gradebook, log_problems, nbgrader_api, quiet

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["SubmissionResult", "GradingReport", "grade", "submissions"]


@dataclass
class SubmissionResult:
    """One participant's autograded submission of one session."""

    assignment: str
    student: str
    autograded: bool                 # graded in this run (False: up to date, or failed)
    failed: str = ""                 # why nbgrader could not grade it ("" if it could)
    score: float = 0.0
    max_score: float = 0.0
    code_score: float = 0.0
    max_code_score: float = 0.0
    written_score: float = 0.0
    max_written_score: float = 0.0
    needs_manual_grade: bool = False
    to_grade_by_hand: list[str] = field(default_factory=list)   # grade ids waiting for a person


@dataclass
class GradingReport:
    """What :func:`grade` did.

    Example:
        >>> ok = SubmissionResult("session1", "amina", autograded=True)
        >>> broken = SubmissionResult("session1", "ben", autograded=False, failed="not valid JSON")
        >>> [r.student for r in GradingReport([ok, broken], Path("grades.csv"), []).failed]
        ['ben']
    """

    results: list[SubmissionResult]
    export_path: Path
    feedback_files: list[Path]

    @property
    def failed(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.failed]

    @property
    def needing_manual_grade(self) -> list[SubmissionResult]:
        return [r for r in self.results if not r.failed and r.needs_manual_grade]


def submissions(course: CourseFolder, assignment: str) -> list[str]:
    """The participants with a non-empty ``submitted/<participant>/<assignment>/`` folder."""
    top = course.folder("submitted")
    if not top.is_dir():
        return []
    found = [s.name for s in top.iterdir()
             if course.step_path("submitted", assignment, s.name).is_dir()
             and any(course.step_path("submitted", assignment, s.name).iterdir())]
    return sorted(found, key=natural_key)


def _up_to_date(course: CourseFolder, assignment: str, student: str) -> bool:
    submitted = [p for p in course.step_path("submitted", assignment, student).rglob("*") if p.is_file()]
    graded = course.step_path("autograded", assignment, student)
    notebooks = [graded / p.name for p in submitted if p.suffix == ".ipynb"]
    if not notebooks or not all(n.is_file() for n in notebooks):
        return False
    return min(n.stat().st_mtime for n in notebooks) >= max(p.stat().st_mtime for p in submitted)


def _read_result(api: "NbGraderAPI", result: SubmissionResult) -> None:
    from nbgrader.api import MissingEntry

    with quiet(), gradebook(api) as gb:
        try:
            sub = gb.find_submission(result.assignment, result.student)
        except MissingEntry:
            return
        result.score, result.max_score = sub.score, sub.max_score
        result.code_score, result.max_code_score = sub.code_score, sub.max_code_score
        result.written_score, result.max_written_score = sub.written_score, sub.max_written_score
        result.needs_manual_grade = bool(sub.needs_manual_grade)
        result.to_grade_by_hand = sorted(g.name for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade)


def _explain_failure(course: CourseFolder, assignment: str, student: str, reason: str) -> str:
    released = {p.name for p in course.step_path("release", assignment).glob("*.ipynb")}
    submitted = {p.name for p in course.step_path("submitted", assignment, student).glob("*.ipynb")}
    unknown = sorted(submitted - released)
    folder = course.relative(course.step_path("submitted", assignment, student))
    if unknown and released - submitted:
        reason += (f" -- rename {', '.join(unknown)} to {', '.join(sorted(released - submitted))} "
                   f"in {folder}/ and grade again")
    elif "exists multiple times" in reason:
        reason += " -- a graded cell was copied or split: remove the copy in the submitted notebook"
    elif "NotJSONError" in reason or "ValidationError" in reason:
        reason += " -- the notebook file is damaged: ask the participant to download and send it again"
    return reason


def _fmt(score: float, maximum: float) -> str:
    return f"{score:g} / {maximum:g}"


def _print_summary(assignment: str, rows: list[SubmissionResult], done: int, skipped: int) -> None:
    failed = [r for r in rows if r.failed]
    print(f"\n{assignment}: {len(rows)} submission(s); {done} autograded now, "
          f"{skipped} already up to date, {len(failed)} failed")
    width = max([len(r.student) for r in rows] + [11])
    print(f"  {'participant':<{width}}  {'autograded':>12}  {'written':>12}  {'total':>12}")
    for r in rows:
        if r.failed:
            print(f"  {r.student:<{width}}  FAILED: {r.failed}")
            continue
        written = "to grade" if r.to_grade_by_hand else _fmt(r.written_score, r.max_written_score)
        print(f"  {r.student:<{width}}  {_fmt(r.code_score, r.max_code_score):>12}  {written:>12}  "
              f"{_fmt(r.score, r.max_score):>12}")


def grade(*, course: CourseFolder, assignment: str | None = None, to: str | Path | None = None,
          force: bool = False) -> GradingReport:
    """Autograde new or changed submissions, write feedback, export the grades; print a summary.

    Every ``submitted/<participant>/<session>/`` of the session (or of every session) that is
    new or changed since it was last graded is autograded (all of them with ``force``), then
    feedback is written and the gradebook exported to ``to`` (default ``grades.csv`` in the
    course folder). A submission nbgrader cannot grade is reported and does not stop the others.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> grade(course=CourseFolder.at(root))
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: Nothing to grade: there is no submission in .../submitted. ...
    """
    if assignment is not None:
        course.require_session(assignment)
    targets = [assignment] if assignment else [a for a in course.sessions if submissions(course, a)]
    if not any(submissions(course, a) for a in targets):
        target = assignment or "<session>"
        raise InstructorError(
            f"Nothing to grade: there is no submission in {course.folder('submitted')}. Put each "
            f"participant's notebook in submitted/<participant id>/{target}/ under its released name, or "
            f"collect zip downloads with: losi-course instructor collect {target} DOWNLOADS_FOLDER")
    top = course.folder("submitted")
    strays = sorted({p.name for p in top.glob("*/*") if p.is_dir()} - set(course.sessions))
    if strays:
        print(f"Ignored submitted/*/{{{','.join(strays)}}}: not a session of this course.")

    api = nbgrader_api(course)
    results: list[SubmissionResult] = []
    for name in targets:
        ensure_in_gradebook(api, course, name)
        done = skipped = 0
        for student in submissions(course, name):
            result = SubmissionResult(name, student, autograded=False)
            if force or not _up_to_date(course, name, student):
                with quiet():
                    outcome = api.autograde(name, student, force=True, create=True)
                if outcome["success"]:
                    result.autograded, done = True, done + 1
                else:
                    result.failed = _explain_failure(course, name, student, log_problems(outcome, course.root))
            else:
                skipped += 1
            if not result.failed:
                _read_result(api, result)
            results.append(result)
        _print_summary(name, [r for r in results if r.assignment == name], done, skipped)
    feedback_files = [f for name in targets for f in feedback(course=course, assignment=name, api=api)]
    export_path = export(course=course, to=to, api=api)
    report = GradingReport(results, export_path, feedback_files)
    rows = max(0, len(export_path.read_text(encoding="utf-8").splitlines()) - 1)
    print(f"\nFeedback: {len(feedback_files)} file(s) in feedback/<participant>/<session>/ - "
          "send each participant their own.")
    print(f"Grades: {export_path} ({rows} row(s): every participant x every session in the gradebook).")
    if report.needing_manual_grade:
        print(f"{len(report.needing_manual_grade)} submission(s) have written answers to grade by hand: "
              "run `losi-course instructor lab`, open Nbgrader > Formgrader, grade them, then run "
              "`losi-course instructor grade` again to refresh the feedback and grades.csv.")
    if report.failed:
        print(f"{len(report.failed)} submission(s) could not be graded (FAILED above); their rows in "
              "grades.csv show 0 until you fix them and grade again.")
    return report
