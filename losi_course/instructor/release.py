"""Step ``release``: regenerate the participants' notebooks (``release/``) from ``source/``.

Example:
    >>> release(course=CourseFolder.find())  # doctest: +SKIP
    release/session1: 1 file(s) regenerated from source/session1
    ...
    ['session1', 'session2', 'session3', 'session5']
"""

from __future__ import annotations

import shutil

from ..course import CourseFolder
from .nbgrader_tools import InstructorError, generate_assignment, nbgrader_api

__all__ = ["release"]


def release(*, course: CourseFolder) -> list[str]:
    """Run ``nbgrader generate_assignment --force`` for every session; return the sessions.

    Release folders whose source has gone are removed. nbgrader's output is deterministic (cell
    ids are kept, checksums are hashes of the cell contents), so running it twice changes no
    byte: the tests check that the committed ``release/`` equals a fresh regeneration.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> (root / "source").mkdir()
        >>> release(course=CourseFolder.at(root))
        Traceback (most recent call last):
        ...
        losi_course.instructor.nbgrader_tools.InstructorError: There is nothing to release: .../source has no assignment folder with a notebook (source/<assignment>/<assignment>.ipynb).
    """
    names = course._assignments_in("source")
    if not names:
        raise InstructorError(f"There is nothing to release: {course.folder('source')} has no assignment "
                              "folder with a notebook (source/<assignment>/<assignment>.ipynb).")
    api = nbgrader_api(course)
    for name in names:
        generate_assignment(api, name)
        folder = course.step_path("release", name)
        files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
        print(f"{course.relative(folder)}: {len(files)} file(s) regenerated from source/{name}")
    top = course.folder("release")
    for folder in sorted(top.iterdir()) if top.is_dir() else []:
        if folder.is_dir() and folder.name not in names and not folder.name.startswith("."):
            shutil.rmtree(folder)
            print(f"release/{folder.name}: removed (there is no source/{folder.name} any more)")
    print("Never edit release/ by hand; commit it together with the source/ change.")
    return names
