"""Step ``feedback``: the feedback pages, ``feedback/<participant>/<session>/<session>.html``.

Example:
    >>> feedback(course=CourseFolder.find(), assignment="session1")  # doctest: +SKIP
    [PosixPath('.../feedback/amina/session1/session1.html')]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder
from .nbgrader_tools import log_problems, nbgrader_api, quiet

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["feedback"]


def feedback(*, course: CourseFolder, assignment: str | None = None,
             api: "NbGraderAPI | None" = None) -> list[Path]:
    """Generate the feedback of every graded submission (of one session, or all); return the files.

    A session whose feedback nbgrader cannot write is reported with a warning; the others are
    still written.
    """
    api = api if api is not None else nbgrader_api(course)
    written: list[Path] = []
    names = [course.require_session(assignment)] if assignment else \
        [n for n in course.sessions if any(course.folder("autograded").glob(f"*/{n}"))]
    for name in names:
        with quiet():
            outcome = api.generate_feedback(name, force=True)
        if not outcome["success"]:
            print(f"WARNING: feedback for {name} failed: {log_problems(outcome)}")
        written += sorted(course.folder("feedback").glob(f"*/{name}/*.html"))
    return written
