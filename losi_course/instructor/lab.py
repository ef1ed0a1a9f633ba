"""Step ``lab``: JupyterLab on the whole course folder, with nbgrader's Formgrader.

Example:
    >>> instructor_lab(course=CourseFolder.find(), dry_run=True)  # doctest: +SKIP
    /course/.venv/bin/python -m jupyterlab --ServerApp.root_dir=/course ...
    0
"""

from __future__ import annotations

from ..course import CourseFolder
from ..lab import run_lab

__all__ = ["instructor_lab"]


def instructor_lab(*, course: CourseFolder, port: int = 8888, dry_run: bool = False) -> int:
    """Start JupyterLab on the course root (source notebooks, Formgrader for written answers)."""
    return run_lab(course, course.root, port, dry_run)
