"""Step ``accept``: let a flagged submission's grade stand, after looking at it.

A submission is *flagged* when its code reached into the grading or a check did not hold when
run again apart from it (see :mod:`~losi_course.instructor.grade`); its grade is then never
final on its own. After reading the findings (the grade summary, and the notebook in
``autograded/``), ``losi-course instructor accept PARTICIPANT SESSION`` records that the
instructor accepts exactly these findings: the flag is removed, and stays removed when the
submission is graded again with the same findings. New findings (a changed submission) flag it
again. Scores are not changed: correct one in Formgrader or with ``marks import`` if needed.

Example:
    >>> accept_flags(course=CourseFolder.find(), participant="p03", assignment="session1")  # doctest: +SKIP
    p03, session1: the findings are accepted; the grade is no longer flagged.
"""

from __future__ import annotations

from ..course import CourseFolder
from .nbgrader_tools import InstructorError, gradebook, nbgrader_api, quiet
from .records import GradingRecords

__all__ = ["accept_flags"]


def accept_flags(*, course: CourseFolder, participant: str, assignment: str) -> list[str]:
    """Accept a flagged submission's findings; return the findings accepted (as lines).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> (root / "source" / "session1").mkdir(parents=True); _ = (root / "source" / "session1" / "session1.ipynb").write_text("{}")
        >>> accept_flags(course=CourseFolder.at(root), participant="p03", assignment="session1")
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: p03 has no graded submission of session1 to accept.
    """
    from nbgrader.api import MissingEntry

    course.require_session(assignment)
    records = GradingRecords(course, assignment)
    record = records.get(participant)
    if record is None or record.status != "graded":
        raise InstructorError(f"{participant} has no graded submission of {assignment} to accept.")
    api = nbgrader_api(course)
    with quiet(), gradebook(api) as gb:
        try:
            submission = gb.find_submission(assignment, participant)
        except MissingEntry:
            raise InstructorError(f"{participant} has no graded submission of {assignment} to accept.") from None
        flagged = any(nb.flagged for nb in submission.notebooks)
        if not flagged and not record.flag_key:
            raise InstructorError(f"{participant}'s submission of {assignment} is not flagged: nothing to accept.")
        for nb in submission.notebooks:
            nb.flagged = False
        gb.db.commit()
    record.accepted = record.flag_key
    records.put(participant, record)
    lines = [f"{f.get('cell')}, line {f.get('line')}: {f.get('what')}" for f in record.findings]
    lines += [f"{r.get('cell')}: {r.get('why')}" for r in record.rechecks]
    print(f"{participant}, {assignment}: the findings are accepted; the grade is no longer flagged.")
    for line in lines:
        print(f"  accepted: {line}")
    return lines
