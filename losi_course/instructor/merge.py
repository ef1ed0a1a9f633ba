"""Bringing a graded submission into the course's gradebook without losing anyone's marks.

A grading process reports the autograder's scores and comments (see
:mod:`~losi_course.instructor.workers`); :func:`merge_result` writes them into the course's
gradebook the way an instructor would want:

* the autograder's scores and comments replace the old ones;
* a mark or comment given by hand (Formgrader, ``instructor marks import``) is kept, and not
  asked for again, while the answer it was given for is unchanged: the answer cell itself for a
  written answer, ``<stem>_answer`` for a test cell ``<stem>_check`` whose score was corrected;
* a hand mark whose answer changed is cleared (and kept in the records), so the answer is
  marked again;
* a submission whose integrity checks found something is flagged, unless the instructor
  accepted exactly these findings (``instructor accept``); a flag set by hand in Formgrader stays.

Example:
    >>> answer_for("world_mean_check", {"world_mean_answer", "brief_written"})
    'world_mean_answer'
    >>> answer_for("brief_written", {"world_mean_answer", "brief_written"})
    'brief_written'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..course import CourseFolder
from .nbgrader_tools import gradebook, quiet
from .records import SubmissionRecord, now_iso
from .workers import feedback_key

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["answer_for", "merge_result", "record_failure"]


def answer_for(grade_id: str, answer_ids: set[str]) -> str | None:
    """The answer cell a grade depends on: itself, ``<stem>_answer`` for ``<stem>_check``, else None."""
    if grade_id in answer_ids:
        return grade_id
    if grade_id.endswith("_check") and grade_id.removesuffix("_check") + "_answer" in answer_ids:
        return grade_id.removesuffix("_check") + "_answer"
    return None


def _unchanged(grade_id: str, old: dict[str, str] | None, new: dict[str, str]) -> bool:
    if old is None:  # never graded by these tools: nothing says the answer changed, keep the mark
        return True
    target = answer_for(grade_id, set(old) | set(new))
    if target is None:
        return old == new
    return old.get(target) is not None and old.get(target) == new.get(target)


def merge_result(api: "NbGraderAPI", course: CourseFolder, result: dict, previous: SubmissionRecord | None,
                 previous_answers: dict | None, answers: dict, fingerprints: tuple[str, str]) -> SubmissionRecord:
    """Write a successful grading ``result`` into ``api``'s gradebook; return the new record.

    ``previous_answers`` are the answer fingerprints of the version last graded (None if
    unknown), ``answers`` those of this one, ``fingerprints`` (submission, tests) what it was
    graded from.
    """
    assignment, student = result["assignment"], result["student"]
    findings = [{**f, "notebook": name} for name, nb in result["notebooks"].items()
                for f in ((nb.get("integrity") or {}).get("findings") or [])]
    rechecks = [{**r, "notebook": name} for name, nb in result["notebooks"].items()
                for r in ((nb.get("integrity") or {}).get("rechecks") or [])]
    record = SubmissionRecord(submission=fingerprints[0], tests=fingerprints[1], graded_at=now_iso(),
                              status="graded", answers=answers, findings=findings, rechecks=rechecks,
                              cleared_marks=list(previous.cleared_marks) if previous else [])
    if previous and previous.accepted and previous.accepted == record.flag_key:
        record.accepted = previous.accepted
    flag = bool(record.flag_key) and not record.accepted
    had_findings = bool(previous and previous.flag_key)
    with quiet(), gradebook(api) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student, timestamp=result.get("timestamp"))
        for nb in submission.notebooks:
            got = result["notebooks"].get(nb.name, {})
            old = (previous_answers or {}).get(nb.name) if previous_answers is not None else None
            new = answers.get(nb.name, {})
            for grade in nb.grades:
                grade.auto_score = got.get("grades", {}).get(grade.name)
                marked = grade.manual_score is not None or grade.extra_credit is not None
                if marked and _unchanged(grade.name, old, new):
                    grade.needs_manual_grade = False
                    continue
                if marked:
                    record.cleared_marks.append({"notebook": nb.name, "cell": grade.name, "points": grade.manual_score,
                                                 "extra_credit": grade.extra_credit, "cleared_at": record.graded_at})
                    grade.manual_score = grade.extra_credit = None
                grade.needs_manual_grade = grade.auto_score is None
            for comment in nb.comments:
                comment.auto_comment = got.get("comments", {}).get(comment.name)
                if comment.manual_comment is not None and not _unchanged(comment.name, old, new):
                    record.cleared_marks.append({"notebook": nb.name, "cell": comment.name,
                                                 "comment": comment.manual_comment, "cleared_at": record.graded_at})
                    comment.manual_comment = None
            nb.late_submission_penalty = got.get("late_penalty")
            nb.flagged = flag or (bool(nb.flagged) and not had_findings)
        gb.db.commit()
        key = feedback_key(api, course, assignment, student, gb)
    record.feedback = key if key and key == result.get("feedback_key") else ""
    return record


def record_failure(api: "NbGraderAPI", result: dict, previous: SubmissionRecord | None,
                   fingerprints: tuple[str, str]) -> SubmissionRecord:
    """Note a submission that could not be graded: the participant is known, the reason kept.

    Scores and marks already in the gradebook stay as they are (the export says ``failed``);
    the answer fingerprints of the last graded version are kept, so its marks survive a fix.
    """
    assignment, student = result["assignment"], result["student"]
    findings = []
    if result.get("tampered"):
        findings = [{"kind": "machinery", "cell": "the course library", "line": 0, "notebook": "",
                     "what": "the course library changed on disk while this notebook ran"}]
    with quiet(), gradebook(api) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        if findings:
            for nb in submission.notebooks:
                nb.flagged = True
        gb.db.commit()
    return SubmissionRecord(submission=fingerprints[0], tests=fingerprints[1], graded_at=now_iso(), status="failed",
                            failure=result.get("failure", "nbgrader gave no reason"),
                            answers=previous.answers if previous else {}, findings=findings,
                            accepted=previous.accepted if previous else "",
                            cleared_marks=list(previous.cleared_marks) if previous else [])
