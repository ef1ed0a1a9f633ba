"""Step ``grade``: autograde what changed, keep every hand mark, write feedback, export the grades.

``losi-course instructor grade`` grades exactly what needs it (see :func:`reason_to_grade`): a
new submission, a changed one (content, not file times), every submission of a session whose
tests changed (a test cell in ``source/`` or a checker of the library; the gradebook is brought
up to date with ``source/`` first), or everything with ``--regrade-autograded``. Hand marks and
comments survive whenever their answer did not change (:mod:`~losi_course.instructor.merge`).
Submissions are graded side by side, one grading process per core
(:mod:`~losi_course.instructor.workers`), each check confirmed apart from the participant's code
(:mod:`~losi_course.instructor.recheck`). Then the feedback pages that changed are written and the
gradebook is exported, and a summary says, for every participant, what is final and what is not.

Example:
    >>> reason_to_grade(None, "s1", "t1", regrade=False, graded=False)
    'new'
    >>> reason_to_grade(SubmissionRecord(submission="s1", tests="t1", status="graded"), "s1", "t2", regrade=False, graded=True)
    'changed tests'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..course import CourseFolder, natural_key
from .export import GradeRow, export, gradebook_rows
from .feedback import feedback
from .merge import merge_result, record_failure
from .nbgrader_tools import InstructorError, ensure_current_in_gradebook, gradebook, nbgrader_api, quiet
from .records import GradingRecords, SubmissionRecord, answer_fingerprints, submission_fingerprint, tests_fingerprint
from .roster import PARTICIPANT_ID
from .workers import Graders

__all__ = ["GradingReport", "grade", "submissions", "reason_to_grade"]


@dataclass
class GradingReport:
    """What :func:`grade` did, and the state of every participant's grade after it.

    Example:
        >>> row = GradeRow("ben", "session1", status="failed", notes=["not valid JSON"])
        >>> [r.participant for r in GradingReport([row], Path("grades.csv"), [], {}).failed]
        ['ben']
    """

    rows: list[GradeRow]
    export_path: Path
    feedback_files: list[Path]
    graded: dict[tuple[str, str], str] = field(default_factory=dict)   # (session, participant) -> reason

    def _status(self, status: str) -> list[GradeRow]:
        return [r for r in self.rows if r.status == status]

    @property
    def failed(self) -> list[GradeRow]:
        return self._status("failed")

    @property
    def flagged(self) -> list[GradeRow]:
        return self._status("flagged")

    @property
    def needing_manual_grade(self) -> list[GradeRow]:
        return self._status("needs marking")


def submissions(course: CourseFolder, assignment: str) -> list[str]:
    """The participants with a non-empty ``submitted/<participant>/<assignment>/`` folder."""
    top = course.folder("submitted")
    if not top.is_dir():
        return []
    found = [s.name for s in top.iterdir()
             if course.step_path("submitted", assignment, s.name).is_dir()
             and any(course.step_path("submitted", assignment, s.name).iterdir())]
    return sorted(found, key=natural_key)


def reason_to_grade(record: SubmissionRecord | None, submission: str, tests: str, *, regrade: bool,
                    graded: bool) -> str:
    """Why a submission must be autograded now ("" if what the gradebook holds is current).

    ``graded`` tells whether the gradebook and ``autograded/`` still hold its grading. A
    submission that failed is tried again only when it, or the tests, changed.
    """
    if record is None:
        return "new"
    if record.submission != submission:
        return "changed submission"
    if record.tests != tests:
        return "changed tests"
    if regrade:
        return "re-run requested"
    if record.status == "failed":
        return ""
    if not graded:
        return "missing from the gradebook"
    return ""


def _previous_answers(course: CourseFolder, assignment: str, student: str, record: SubmissionRecord | None):
    if record is not None:
        return record.answers
    graded = course.step_path("autograded", assignment, student)
    return answer_fingerprints(graded) if graded.is_dir() else None


def _in_gradebook(api) -> set[tuple[str, str]]:
    """Every (session, participant) the gradebook has a submission of."""
    with quiet(), gradebook(api) as gb:
        return {(a.name, sub.student.id) for a in gb.assignments for sub in a.submissions}


def _graded(course: CourseFolder, known: set[tuple[str, str]], assignment: str, student: str) -> bool:
    released = [p.name for p in course.step_path("release", assignment).glob("*.ipynb")]
    folder = course.step_path("autograded", assignment, student)
    return (assignment, student) in known and all((folder / name).is_file() for name in released)


def _fmt(score, maximum) -> str:
    return "-" if score is None else f"{score:g} / {maximum:g}"


def print_summary(rows: list[GradeRow], sessions: list[str], graded: dict, unchanged: dict) -> None:
    """Per session: what was graded now, then one line per participant with the state of the grade."""
    for session in sessions:
        mine = [r for r in rows if r.session == session]
        now = [reason for (s, _), reason in graded.items() if s == session]
        counts = {reason: now.count(reason) for reason in sorted(set(now))}
        detail = f" ({', '.join(f'{n} {reason}' for reason, n in counts.items())})" if counts else ""
        print(f"\n{session}: {len(now)} graded now{detail}, {unchanged.get(session, 0)} unchanged")
        width = max([len(r.participant) for r in mine] + [11])
        print(f"  {'participant':<{width}}  {'autograded':>11}  {'written':>9}  {'total':>9}  status")
        for r in mine:
            state = r.status.upper() if r.status in ("failed", "flagged") else r.status
            late = " (late)" if r.late == "yes" else ""
            notes = f": {'; '.join(r.notes)}" if r.notes and r.status != "final" else ""
            print(f"  {r.participant:<{width}}  {_fmt(r.autograded, r.autograded_max):>11}  "
                  f"{_fmt(r.written, r.written_max):>9}  {_fmt(r.total, r.max):>9}  {state}{late}{notes}")


def grade(*, course: CourseFolder, assignment: str | None = None, to: str | Path | None = None,
          regrade_autograded: bool = False, jobs: int | None = None) -> GradingReport:
    """Grade what changed, keep the hand marks, write feedback and export; print a summary.

    ``to`` is the export file (default ``grades.csv`` in the course folder; ``.xlsx`` works
    too), ``jobs`` the number of grading processes (default: one per core). A submission
    nbgrader cannot grade is reported and does not stop the others.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> grade(course=CourseFolder.at(root))
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: Nothing to grade: there is no submission in .../submitted. ...
    """
    from .preprocessors import remember_library

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
    CourseFolder.use_tools_on_path()
    remember_library(force_compile=True)   # before any participant code runs
    api = nbgrader_api(course)
    tasks, plans, unchanged = [], {}, {}
    books = {name: GradingRecords(course, name) for name in targets}
    for name in targets:
        ensure_current_in_gradebook(api, course, name)
    known = _in_gradebook(api)
    for name in targets:
        tests = tests_fingerprint(course, name)
        records = books[name]
        for student in submissions(course, name):
            if not PARTICIPANT_ID.match(student):
                print(f"Skipped submitted/{student}/{name}: {student!r} is not a participant id; rename the folder.")
                continue
            folder = course.step_path("submitted", name, student)
            fingerprint, record = submission_fingerprint(folder), records.get(student)
            reason = reason_to_grade(record, fingerprint, tests, regrade=regrade_autograded,
                                     graded=record is not None and _graded(course, known, name, student))
            if not reason:
                unchanged[name] = unchanged.get(name, 0) + 1
                continue
            plans[name, student] = (reason, (fingerprint, tests), answer_fingerprints(folder),
                                    _previous_answers(course, name, student, record))
            tasks.append({"task": "autograde", "assignment": name, "student": student})
    graded: dict[tuple[str, str], str] = {}
    tampered = None
    if tasks:
        print(f"Grading {len(tasks)} submission(s)...")
        scratch = CourseFolder.scratch() / "grading"
        with Graders(course, Graders.size_for(len(tasks), jobs), scratch) as graders:
            for result in graders.run(tasks):
                name, student = result["assignment"], result["student"]
                reason, fingerprints, answers, previous_answers = plans[name, student]
                records = books[name]
                previous = records.get(student)
                if result.get("ok"):
                    record = merge_result(api, course, result, previous, previous_answers, answers, fingerprints)
                else:
                    record = record_failure(api, result, previous, fingerprints)
                records.put(student, record)
                graded[name, student] = reason
                if result.get("tampered"):
                    tampered = result["failure"]
                    break
    if tampered:
        raise InstructorError(f"Grading stopped: {tampered}")
    feedback_files = feedback(course=course, assignment=assignment, api=api, jobs=jobs)
    every = gradebook_rows(course, api)
    export_path = export(course=course, to=to, api=api, rows=every)
    rows = [r for r in every if r.session in targets]
    print_summary(rows, targets, graded, unchanged)
    report = GradingReport(rows, export_path, feedback_files, graded)
    print(f"\nFeedback: {len(feedback_files)} page(s) in feedback/<participant>/<session>/, and named "
          "<participant>_<notebook>.html in feedback-upload/<session>/ for a bulk upload.")
    print(f"Grades: {export_path} (every participant x every session, with its status).")
    if report.flagged:
        print(f"{len(report.flagged)} submission(s) are FLAGGED: their code reached into the grading or a check did "
              "not hold when run again. Read the lines above and the notebook in autograded/; to let a grade "
              "stand, run `losi-course instructor accept PARTICIPANT SESSION`.")
    if report.needing_manual_grade:
        print(f"{len(report.needing_manual_grade)} submission(s) need marking: give the marks in Formgrader "
              "(`losi-course instructor lab`) or with `losi-course instructor marks import marks.csv`, "
              "then run `losi-course instructor grade` again to refresh the feedback and the grades.")
    if report.failed:
        print(f"{len(report.failed)} submission(s) could not be graded (FAILED above); fix them and grade again.")
    return report
