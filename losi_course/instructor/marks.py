"""Step ``marks import``: written marks from a table, set as Formgrader sets them.

``losi-course instructor marks import marks.csv`` reads one line per mark with the columns
``participant``, ``session``, ``grade_id`` (the cell's id, e.g. ``minister_brief_written``;
``grade id`` works too), ``points`` and ``comment``, and for each sets the cell's manual
score and comment in the gradebook and clears its *needs manual grade* flag, exactly what
saving a mark in Formgrader does (nbgrader's Python API needs ``needs_manual_grade = False`` set
as well). An empty ``points`` sets only the comment. A ``notebook`` column is needed only for a
session with several notebooks.

Every line is checked before anything is written (participant graded for that session, cell
of that session, points between 0 and the cell's maximum); all problems are reported at once.
The marks stay while their answer is unchanged (see :mod:`~losi_course.instructor.merge`).

Example:
    >>> parse_points("2,5", 3)
    2.5
    >>> parse_points("4", 3)
    Traceback (most recent call last):
    ...
    ValueError: 4 is more than the cell's 3 point(s)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..course import CourseFolder
from .nbgrader_tools import InstructorError, gradebook, nbgrader_api, quiet
from .tables import read_table

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["Mark", "parse_points", "import_marks"]

_COLUMNS = {"participant": ["id", "student_id", "student", "participant_id"],
            "session": ["assignment", "assignment_id"],
            "grade_id": ["cell", "grade", "question", "cell_id"],
            "points": ["score", "mark", "manual_score"],
            "comment": ["comments", "feedback", "manual_comment"],
            "notebook": []}


@dataclass(frozen=True)
class Mark:
    """One mark to set: ``points`` None sets only the comment; ``comment`` None leaves it."""

    participant: str
    session: str
    notebook: str
    grade_id: str
    points: float | None
    comment: str | None


def parse_points(text: str, maximum: float) -> float:
    """Points as typed (a decimal comma is fine), checked against the cell's maximum."""
    value = float(text.strip().replace(",", "."))
    if math.isnan(value) or value < 0:
        raise ValueError(f"{text} is not a number of points from 0 up")
    if value > maximum:
        raise ValueError(f"{text} is more than the cell's {maximum:g} point(s)")
    return value


def _check(gb, line: int, row: dict) -> tuple[Mark | None, str]:
    from nbgrader.api import MissingEntry

    participant, session, cell = row["participant"], row["session"], row["grade_id"]
    try:
        submission = gb.find_submission(session, participant)
    except MissingEntry:
        return None, f"line {line}: {participant} has no graded submission of {session!r}"
    notebooks = {nb.name: nb for nb in submission.notebooks}
    names = [row["notebook"]] if row.get("notebook") else [n for n, nb in notebooks.items()
                                                            if any(g.name == cell for g in nb.grades)]
    grades = [g for name in names if name in notebooks for g in notebooks[name].grades if g.name == cell]
    if len(grades) != 1:
        known = sorted({g.name for nb in notebooks.values() for g in nb.grades})
        why = "is in several notebooks: add a notebook column" if len(grades) > 1 else "is not a graded cell"
        return None, f"line {line}: {cell!r} {why} of {session} (its graded cells: {', '.join(known)})"
    grade = grades[0]
    points = None
    if row.get("points", "").strip():
        try:
            points = parse_points(row["points"], float(grade.max_score))
        except ValueError as err:
            return None, f"line {line}: {err}"
    comment = row.get("comment", "").strip() or None
    if points is None and comment is None:
        return None, f"line {line}: neither points nor a comment for {participant}, {cell}"
    if comment is not None and not any(c.name == cell for c in notebooks[grade.notebook.name].comments):
        return None, f"line {line}: {cell} takes no comment (comments go with answer cells)"
    return Mark(participant, session, grade.notebook.name, cell, points, comment), ""


def import_marks(*, course: CourseFolder, path: str | os.PathLike, api: "NbGraderAPI | None" = None) -> list[Mark]:
    """Set the marks of a CSV table in the gradebook, all or none; return them.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "nbgrader_config.py").write_text("")
        >>> _ = (folder / "marks.csv").write_text("participant,session,points\\n")
        >>> import_marks(course=CourseFolder.at(folder), path=folder / "marks.csv")
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: marks.csv has no column grade_id in its first line (found: participant, session, points). The columns are: participant, session, grade_id, points, comment, notebook.
    """
    rows = read_table(path, _COLUMNS, required=["participant", "session", "grade_id"])
    if not rows:
        raise InstructorError(f"{os.path.basename(path)} holds no mark: one line per mark, under the header line.")
    api = api if api is not None else nbgrader_api(course)
    marks, problems, seen = [], [], {}
    with quiet(), gradebook(api) as gb:
        for line, row in rows:
            mark, problem = _check(gb, line, row)
            if problem:
                problems.append(problem)
                continue
            where = (mark.participant, mark.session, mark.notebook, mark.grade_id)
            if where in seen:
                problems.append(f"line {line}: the same cell as line {seen[where]}")
            seen.setdefault(where, line)
            marks.append(mark)
        if problems:
            raise InstructorError(f"{os.path.basename(path)}: nothing was imported. " + "; ".join(problems) + ".")
        for mark in marks:
            if mark.points is not None:
                grade = gb.find_grade(mark.grade_id, mark.notebook, mark.session, mark.participant)
                grade.manual_score = mark.points
                grade.needs_manual_grade = False   # what Formgrader does on save; the API does not
            if mark.comment is not None:
                gb.find_comment(mark.grade_id, mark.notebook, mark.session, mark.participant).manual_comment = mark.comment
        gb.db.commit()
    scored = sum(m.points is not None for m in marks)
    people = len({(m.participant, m.session) for m in marks})
    print(f"Marks: {scored} mark(s) and {sum(m.comment is not None for m in marks)} comment(s) set for "
          f"{people} submission(s). Run `losi-course instructor grade` to refresh the feedback and the grades.")
    return marks
