"""Step ``export``: the whole gradebook (every participant x every session) to a file.

Example:
    >>> export(course=CourseFolder.find(), to="grades.csv")  # doctest: +SKIP
    PosixPath('.../grades.csv')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder
from .nbgrader_tools import gradebook, nbgrader_api, quiet

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["export"]


def export(*, course: CourseFolder, to: str | Path | None = None, api: "NbGraderAPI | None" = None) -> Path:
    """Write the gradebook with nbgrader's CSV exporter; return the file written.

    ``to`` defaults to ``grades.csv`` in the course folder; the columns are nbgrader's
    (assignment, student_id, raw_score, score, max_score ...).
    """
    from nbgrader.plugins.export import CsvExportPlugin

    api = api if api is not None else nbgrader_api(course)
    path = Path(to).resolve() if to else course.root / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    plugin = CsvExportPlugin(parent=api)
    plugin.to = str(path)
    with quiet(), gradebook(api) as gb:
        plugin.export(gb)
    return path
