"""The one adapter between the instructor tools and nbgrader.

nbgrader runs in this process (its ``NbGraderAPI``), rooted at the course folder, with the
course Python's ``bin/`` first on ``PATH`` because nbgrader starts ``alembic`` as a subprocess.
This module also turns nbgrader's logs into one short reason and silences the warnings that
the instructor guide documents as harmless.

Example:
    >>> log_problems({"log": "[ERROR] Cell with id 'q1' exists multiple times!"})
    "Cell with id 'q1' exists multiple times!"
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder
from ..errors import LosiInputError

if TYPE_CHECKING:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

__all__ = ["InstructorError", "quiet", "share_gradebook_engines", "nbgrader_api", "gradebook", "log_problems",
           "known_to_gradebook", "generate_assignment", "ensure_in_gradebook", "files_of",
           "recorded_locked_cells", "ensure_current_in_gradebook"]


class InstructorError(LosiInputError):
    """Something the instructor can fix (shown as a message, never a traceback).

    Example:
        >>> issubclass(InstructorError, LosiInputError)
        True
    """


@contextlib.contextmanager
def quiet():
    """Silence warnings documented as harmless (SQLAlchemy's SAWarning, nbformat id repairs)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        warnings.filterwarnings("ignore", module="nbformat.*")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        try:
            from sqlalchemy.exc import SAWarning
        except ImportError:  # pragma: no cover - sqlalchemy comes with nbgrader
            pass
        else:
            warnings.filterwarnings("ignore", category=SAWarning)
        yield


def share_gradebook_engines() -> None:
    """Let every nbgrader ``Gradebook`` of one database share one SQLAlchemy engine (in this process).

    nbgrader makes a new engine for every ``Gradebook`` it opens, several per graded submission,
    and each new engine starts with an empty statement cache: the same queries were compiled
    again every time (a third of the grading process's own work). The shared engine keeps its
    cache; a ``Gradebook`` still closes its connections when it closes.

    A database in memory (``sqlite://``) keeps an engine, and so a database, of its own.

    Example:
        >>> share_gradebook_engines()
        >>> import nbgrader.api
        >>> url = "sqlite:///gradebook.db"
        >>> nbgrader.api.create_engine(url) is nbgrader.api.create_engine(url)
        True
        >>> nbgrader.api.create_engine("sqlite://") is nbgrader.api.create_engine("sqlite://")
        False
    """
    import nbgrader.api

    if getattr(nbgrader.api.create_engine, "shared_per_url", False):
        return
    make_engine = nbgrader.api.create_engine
    engines: dict = {}
    lock = threading.Lock()

    def shared_engine(url, **options):
        text = str(url)
        if text in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in text:
            return make_engine(url, **options)
        key = (text, tuple(sorted(options.items())))
        with lock:
            if key not in engines:
                engines[key] = make_engine(url, **options)
            return engines[key]

    shared_engine.shared_per_url = True
    nbgrader.api.create_engine = shared_engine


def nbgrader_api(course: CourseFolder, config: "Config | None" = None) -> "NbGraderAPI":
    """An in-process ``NbGraderAPI`` for the course (configuration from its file).

    Example:
        >>> api = nbgrader_api(CourseFolder.find())  # doctest: +SKIP
        >>> api.generate_assignment("session1", force=True)["success"]  # doctest: +SKIP
        True
    """
    CourseFolder.use_tools_on_path()
    share_gradebook_engines()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = config if config is not None else course.nbgrader_config()
    with quiet():
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def gradebook(api: "NbGraderAPI") -> "Gradebook":
    """The gradebook of an API's course (use it in a ``with`` block)."""
    from nbgrader.api import Gradebook

    share_gradebook_engines()
    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


def log_problems(result: dict, root: Path | None = None, limit: int = 4) -> str:
    """The informative lines of a failed nbgrader call (warnings, errors, the exception)."""
    generic = ("There was an error processing assignment", "Please see the", "Traceback",
               "Kernel is running over TCP", "Attribute 'checksum'")
    lines = []
    for line in (result.get("log") or "").splitlines():
        exception = re.match(r"^\s+(?:[\w]+\.)*(\w+(?:Error|Exception)): (.*)$", line)
        if exception:
            lines.append(f"{exception[1]}: {exception[2]}")
        elif line.startswith(("[ERROR]", "[WARNING]", "[CRITICAL]")) and not any(g in line for g in generic):
            lines.append(line.split("] ", 1)[-1].strip())
    if not lines and result.get("error"):
        lines = [result["error"].strip().splitlines()[-1]]
    unique: list[str] = []
    for line in lines:
        if root is not None:
            line = line.replace(str(root) + os.sep, "")
        if not any(line in seen or line.split(": ", 1)[-1] in seen for seen in unique):
            unique.append(line)
    return "; ".join(unique[:limit]) or "nbgrader gave no reason"


def known_to_gradebook(api: "NbGraderAPI", assignment: str) -> bool:
    """Whether the gradebook has recorded ``assignment`` (its graded cells and points)."""
    from nbgrader.api import MissingEntry

    with quiet(), gradebook(api) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
        return True


def files_of(folder: Path) -> dict[str, bytes]:
    """``{relative path: bytes}`` of every file under ``folder`` (to notice a change)."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def generate_assignment(api: "NbGraderAPI", assignment: str) -> None:
    """``nbgrader generate_assignment --force``, or a kind error with nbgrader's reason."""
    with quiet():
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise InstructorError(f"nbgrader could not generate the participants' version of {assignment}: "
                              f"{log_problems(result)}. Fix source/{assignment}/ and run "
                              "`losi-course instructor release` again.")


def ensure_in_gradebook(api: "NbGraderAPI", course: CourseFolder, assignment: str) -> None:
    """Record ``assignment`` in the gradebook if it is not there yet (autograding needs it).

    A fresh clone has no ``gradebook.db`` (it is learner data, not committed), so the first
    grading run records the assignment by generating it; ``release/`` normally stays the same,
    and a warning says so if it did not.
    """
    if known_to_gradebook(api, assignment):
        return
    folder = course.step_path("release", assignment)
    before = files_of(folder)
    generate_assignment(api, assignment)
    if before and files_of(folder) != before:
        print(f"WARNING: release/{assignment} was out of date with source/{assignment} and has been "
              "regenerated. Make sure participants worked on this version, and commit release/.")
    else:
        print(f"Recorded {assignment} in the gradebook (release/{assignment} unchanged).")


def recorded_locked_cells(api: "NbGraderAPI", assignment: str) -> dict[str, dict[str, str]]:
    """``{notebook: {grade_id: source}}`` of the locked code cells the gradebook holds for a session."""
    with quiet(), gradebook(api) as gb:
        recorded = gb.find_assignment(assignment)
        return {nb.name: {c.name: c.source for c in nb.source_cells if c.locked and c.cell_type == "code"}
                for nb in recorded.notebooks}


def ensure_current_in_gradebook(api: "NbGraderAPI", course: CourseFolder, assignment: str) -> None:
    """Record ``assignment`` in the gradebook, again if its tests in ``source/`` changed since.

    nbgrader restores the test cells from the gradebook when it grades, so a test fixed in
    ``source/`` counts only once it is recorded there (what ``release`` does). A line says when
    this happens, and a warning when ``release/`` changed with it.
    """
    from .records import locked_code_cells

    if not known_to_gradebook(api, assignment):
        ensure_in_gradebook(api, course, assignment)
        return
    folder = course.step_path("source", assignment)
    current = {p.stem: locked_code_cells(p) for p in sorted(folder.glob("*.ipynb"))}
    if not current or recorded_locked_cells(api, assignment) == current:
        return
    before = files_of(course.step_path("release", assignment))
    generate_assignment(api, assignment)
    if before and files_of(course.step_path("release", assignment)) != before:
        print(f"WARNING: source/{assignment} changed since it was released: release/{assignment} has been "
              "regenerated. Make sure participants worked on this version, and commit release/.")
    else:
        print(f"source/{assignment}: its tests changed since they were recorded; recorded again "
              f"(release/{assignment} unchanged), so every submission of {assignment} is graded with them.")
