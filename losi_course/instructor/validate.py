"""Step ``validate``: solutions pass, blank copies fail, notebooks follow the authoring rules.

For every session: ``nbgrader validate`` on the source notebook (every test must pass),
``nbgrader validate --invert`` on the released notebook (no test may pass while blank), and the
rules of :mod:`losi_course.authoring` on the source notebook.

Example:
    >>> report = validate(course=CourseFolder.find())  # doctest: +SKIP
    >>> [name for name, problems in report.items() if problems]  # doctest: +SKIP
    []
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..authoring import is_session, lint_content, lint_notebook
from ..course import CourseFolder
from .nbgrader_tools import quiet

if TYPE_CHECKING:
    from traitlets.config import Config

__all__ = ["validate_notebook", "validate"]


def validate_notebook(*, course: CourseFolder, notebook: str | Path, invert: bool = False,
                      config: "Config | None" = None) -> list[str]:
    """``nbgrader validate`` (or ``--invert``) on one notebook, in process; return the problems.

    Without ``invert`` every test must pass (an instructor's solution); with ``invert`` no test
    may pass (a blank participant copy). An empty list means it validates.

    Example:
        >>> validate_notebook(course=CourseFolder.find(), notebook="source/session1/session1.ipynb")  # doctest: +SKIP
        []
    """
    CourseFolder.use_tools_on_path()
    from nbgrader.validator import Validator

    validator = Validator(config=config if config is not None else course.nbgrader_config())
    validator.invert = invert
    with quiet():
        results = validator.validate(str(Path(notebook).resolve()))
    problems = []
    for cell in results.get("type_changed", []):
        problems.append(f"a {cell['old_type']} cell became {cell['new_type']}: {cell['source'][:80]!r}")
    for cell in results.get("changed", []):
        problems.append(f"a locked cell changed (checksum): {cell['source'][:80]!r}")
    for cell in results.get("failed", []):
        error = (cell.get("raw_error") or "").strip().splitlines()
        problems.append(f"test failed: {cell['source'][:80]!r}: {error[-1] if error else ''}")
    for cell in results.get("passed", []):
        problems.append(f"test passes on a blank notebook: {cell['source'][:80]!r}")
    return problems


def validate(*, course: CourseFolder, sessions: list[str] | None = None) -> dict[str, list[str]]:
    """Validate every session (or ``sessions``); return ``{notebook: [problems]}``.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> validate(course=CourseFolder.at(root))
        {}
    """
    config = course.nbgrader_config()
    report: dict[str, list[str]] = {}
    for name in sessions or course.source_sessions:
        source = course.source_notebook(name)
        content = lint_content(source) if is_session(name) else []
        report[course.relative(source)] = (lint_notebook(source) + content
                                           + validate_notebook(course=course, notebook=source, config=config))
        released = course.release_notebook(name)
        if released.is_file():
            report[course.relative(released)] = validate_notebook(course=course, notebook=released,
                                                                  invert=True, config=config)
        else:
            report[course.relative(released)] = ["not released yet: run `losi-course instructor release`"]
    return report
