"""Step ``due``: a session's due date, so late submissions are marked late.

``losi-course instructor due session1 "2026-12-01 17:00"`` records the due date in the
gradebook (nbgrader's assignment due date), in this computer's local time unless the text
gives an offset (``2026-12-01 17:00+01:00``). A submission is late when its time (the
``timestamp.txt`` that ``collect`` writes from the download's times) is after it; the export's
``late`` column says so. ``--clear`` removes the due date.

Example:
    >>> parse_local_time("2026-12-01 17:00+01:00").isoformat()
    '2026-12-01T16:00:00'
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..course import CourseFolder
from .nbgrader_tools import InstructorError, ensure_in_gradebook, gradebook, nbgrader_api, quiet

__all__ = ["parse_local_time", "utc_to_local_text", "set_due_date"]


def parse_local_time(text: str) -> datetime:
    """A date and time typed by a person, as naive UTC (nbgrader's convention).

    Without an offset the time is this computer's local time. A kind error for anything else.

    Example:
        >>> parse_local_time("tomorrow")
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: 'tomorrow' is not a date and time: write it as 2026-12-01 17:00 (local time) or 2026-12-01 17:00+01:00.
    """
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InstructorError(f"{text!r} is not a date and time: write it as 2026-12-01 17:00 (local time) "
                              "or 2026-12-01 17:00+01:00.") from None
    if when.tzinfo is None:
        when = when.astimezone()  # local time of this computer
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local_text(when: datetime | None) -> str:
    """A naive UTC time from the gradebook as local time with its offset ("" for none).

    Example:
        >>> utc_to_local_text(None)
        ''
    """
    if when is None:
        return ""
    return when.replace(tzinfo=timezone.utc).astimezone().isoformat(sep=" ", timespec="seconds")


def set_due_date(*, course: CourseFolder, assignment: str, when: str | None) -> datetime | None:
    """Record (or with ``when=None`` remove) a session's due date; return it (naive UTC)."""
    course.require_session(assignment)
    due = parse_local_time(when) if when is not None else None
    api = nbgrader_api(course)
    ensure_in_gradebook(api, course, assignment)
    with quiet(), gradebook(api) as gb:
        gb.update_or_create_assignment(assignment, duedate=due)
    if due is None:
        print(f"{assignment}: no due date.")
    else:
        print(f"{assignment}: due {utc_to_local_text(due)}. Later submissions show as late in the export.")
    return due
