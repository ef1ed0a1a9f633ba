"""Step ``solutions``: worked solutions, the instructor notebooks run by nbgrader's ``generate_solution``.

"Solutions" means one thing in the course: a session's source notebook with the solutions in
place, executed, with its outputs. Instructors get them in nbgrader's ``solution/`` folder;
self-paced learners get copies in ``workspace/solutions/`` (``losi-course solutions``), made
without touching the course's gradebook or ``release/``.

Example:
    >>> paths = write_solutions(course=CourseFolder.find(), sessions=["session1"])  # doctest: +SKIP
    >>> [p.name for p in paths]  # doctest: +SKIP
    ['session1.ipynb']
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..course import CourseFolder
from .nbgrader_tools import InstructorError, ensure_in_gradebook, log_problems, nbgrader_api, quiet

__all__ = ["write_solutions", "copy_solutions_for_learners"]


def _sessions(course: CourseFolder, sessions: list[str] | None) -> list[str]:
    available = course.source_sessions
    if not available:
        raise InstructorError(
            "This copy of the course has no worked solutions: it holds no instructor notebooks "
            "(source/). They come with the self-paced edition of the course, a clone of its repository.")
    unknown = [s for s in sessions or [] if s not in available]
    if unknown:
        raise InstructorError(f"There is no session called {', '.join(unknown)}; "
                              f"the sessions are: {', '.join(available)}.")
    return list(sessions or available)


def write_solutions(*, course: CourseFolder, sessions: list[str] | None = None,
                    folder: str | Path | None = None) -> list[Path]:
    """Run ``generate_solution`` for each session; return the executed notebooks.

    Without ``folder`` they go to nbgrader's ``solution/<session>/`` with the course's gradebook.
    With ``folder`` they go to ``folder/<session>/``, and the gradebook and release copies nbgrader
    needs are made in a scratch folder, so nothing in the course changes.
    """
    names = _sessions(course, sessions)
    overrides = {}
    if folder is not None:
        scratch = CourseFolder.scratch() / "solutions"
        overrides = {"CourseDirectory__solution_directory": str(Path(folder).resolve()),
                     "CourseDirectory__release_directory": str(scratch / "release"),
                     "CourseDirectory__db_url": f"sqlite:///{scratch / 'gradebook.db'}"}
        scratch.mkdir(parents=True, exist_ok=True)
    api = nbgrader_api(course, course.nbgrader_config(**overrides))
    from nbgrader.converters import GenerateSolution
    from nbgrader.utils import capture_log

    written: list[Path] = []
    for name in names:
        if folder is None:
            ensure_in_gradebook(api, course, name)
        else:
            _record(api, name)
        api.coursedir.assignment_id = name
        try:
            app = GenerateSolution(coursedir=api.coursedir, parent=api)
            app.force = True
            with quiet():
                result = capture_log(app)
        finally:
            api.coursedir.assignment_id = ""
        if not result["success"]:
            raise InstructorError(f"nbgrader could not write the solution of {name}: {log_problems(result)}")
        out = Path(api.coursedir.format_path(api.coursedir.solution_directory, ".", name))
        written += sorted(out.resolve().glob("*.ipynb"))
    return written


def _record(api, name: str) -> None:
    with quiet():
        result = api.generate_assignment(name, force=True, create=True)
    if not result["success"]:
        raise InstructorError(f"nbgrader could not read source/{name}: {log_problems(result)}")


def copy_solutions_for_learners(*, course: CourseFolder, sessions: list[str] | None = None) -> list[Path]:
    """Worked solutions into ``workspace/solutions/<session>-solution.ipynb``, never overwriting.

    For self-paced learners who have tried the exercises; an existing copy is kept.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> (root / "release" / "session1").mkdir(parents=True)
        >>> copy_solutions_for_learners(course=CourseFolder.at(root))
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: This copy of the course has no worked solutions: ...
    """
    names = _sessions(course, sessions)
    target = course.workspace / "solutions"
    wanted = {name: target / f"{name}-solution.ipynb" for name in names}
    missing = [name for name, path in wanted.items() if not path.exists()]
    if missing:
        made = write_solutions(course=course, sessions=missing, folder=CourseFolder.scratch() / "worked")
        target.mkdir(parents=True, exist_ok=True)
        for path in made:
            session = path.parent.name
            if path.stem == session and not wanted[session].exists():
                shutil.copy2(path, wanted[session])
    return list(wanted.values())
