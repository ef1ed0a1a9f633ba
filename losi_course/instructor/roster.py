"""Step ``roster import``: who is in the class (so a participant who sends nothing still has a row).

The roster lives in nbgrader's gradebook (its students, with their names and e-mail, as
Formgrader shows them). ``losi-course instructor roster import roster.csv`` adds or updates the
participants of a CSV file with the columns ``participant`` (the id, required), ``first_name``,
``last_name`` and ``email``. :func:`class_list` is the class as the export sees it: the roster
plus anyone who handed something in.

Participant ids become folder names (``submitted/<participant>/...``) and appear in the
gradebook, so they are letters, digits, ``.``, ``@``, ``-`` and ``_``, starting with a letter or
digit (:data:`PARTICIPANT_ID`).

Example:
    >>> bool(PARTICIPANT_ID.match("amina.k")), bool(PARTICIPANT_ID.match("Copy of session1"))
    (True, False)
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..course import CourseFolder, natural_key
from .nbgrader_tools import InstructorError, gradebook, nbgrader_api, quiet
from .tables import read_table

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["PARTICIPANT_ID", "import_roster", "class_list", "submitted_participants"]

#: What a participant id may be: it becomes a folder name and a gradebook key.
PARTICIPANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
_COLUMNS = {"participant": ["id", "student_id", "student", "participant_id", "username", "user"],
            "first_name": ["first", "given_name", "firstname"],
            "last_name": ["last", "surname", "family_name", "lastname"],
            "email": ["e_mail", "mail", "email_address"]}


def import_roster(*, course: CourseFolder, path: str | os.PathLike, api: "NbGraderAPI | None" = None) -> list[str]:
    """Add or update the participants of a roster CSV in the gradebook; return their ids.

    Nothing is written when any line has a problem: every problem is reported at once.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "nbgrader_config.py").write_text("")
        >>> _ = (folder / "roster.csv").write_text("participant\\nCopy of session1\\n")
        >>> import_roster(course=CourseFolder.at(folder), path=folder / "roster.csv")
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: roster.csv cannot be imported: line 2: 'Copy of session1' is not a participant id (letters, digits, '.', '@', '-' or '_', starting with a letter or digit).
    """
    rows = read_table(path, _COLUMNS, required=["participant"])
    problems, seen = [], {}
    for line, row in rows:
        participant = row["participant"]
        if not PARTICIPANT_ID.match(participant):
            problems.append(f"line {line}: {participant!r} is not a participant id (letters, digits, '.', '@', "
                            "'-' or '_', starting with a letter or digit)")
        elif participant in seen:
            problems.append(f"line {line}: {participant} is already on line {seen[participant]}")
        seen.setdefault(participant, line)
    if problems:
        raise InstructorError(f"{os.path.basename(path)} cannot be imported: " + "; ".join(problems) + ".")
    if not rows:
        raise InstructorError(f"{os.path.basename(path)} has no participant: one line per participant, "
                              "under the header line.")
    api = api if api is not None else nbgrader_api(course)
    new = 0
    with quiet(), gradebook(api) as gb:
        known = {s.id for s in gb.students}
        for _, row in rows:
            details = {k: row[k] for k in ("first_name", "last_name", "email") if row.get(k)}
            gb.update_or_create_student(row["participant"], **details)
            new += row["participant"] not in known
    ids = [row["participant"] for _, row in rows]
    print(f"Roster: {len(ids)} participant(s) from {os.path.basename(path)} ({new} new, {len(ids) - new} updated).")
    underscored = [i for i in ids if "_" in i]
    if underscored:
        print(f"Note: {', '.join(underscored)} contain an underscore; zip downloads named "
              "<participant>_<notebook> cannot be collected for them with the default pattern "
              "(see --pattern of `losi-course instructor collect`).")
    return ids


def submitted_participants(course: CourseFolder) -> list[str]:
    """The participants with a folder in ``submitted/`` (any session)."""
    top = course.folder("submitted")
    if not top.is_dir():
        return []
    return sorted((p.name for p in top.iterdir() if p.is_dir() and not p.name.startswith(".")), key=natural_key)


def class_list(course: CourseFolder, api: "NbGraderAPI") -> list[dict]:
    """The class: every participant of the gradebook and of ``submitted/``, with their names.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "nbgrader_config.py").write_text("")
        >>> class_list(CourseFolder.at(folder), nbgrader_api(CourseFolder.at(folder)))
        []
    """
    people = {}
    with quiet(), gradebook(api) as gb:
        for student in gb.students:
            people[student.id] = {"participant": student.id, "first_name": student.first_name or "",
                                  "last_name": student.last_name or "", "email": student.email or ""}
    for participant in submitted_participants(course):
        people.setdefault(participant, {"participant": participant, "first_name": "", "last_name": "", "email": ""})
    return [people[p] for p in sorted(people, key=natural_key)]
