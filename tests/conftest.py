"""Shared test infrastructure: one notebook-cell reader, one visible-check runner, one CLI runner.

* :func:`notebook_cells` reads a session notebook (source or release) into
  ``{grade_id or cell id: cell}``;
* :func:`run_visible` runs the visible part of a question's check cell, as a participant's
  kernel would, with the names the notebook defines before it;
* the ``cli`` fixture runs ``losi-course`` in this process (the real-subprocess smoke tests
  are in ``test_cli.py``).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # nbgrader_support, for the pipeline tests

_CELLS: dict[tuple[str, str], dict] = {}


def notebook_cells(session: str, version: str = "source") -> dict:
    """``{grade_id (or cell id for ungraded cells): cell}`` of ``<version>/<session>/<session>.ipynb``."""
    import nbformat

    key = (session, version)
    if key not in _CELLS:
        path = ROOT / version / session / f"{session}.ipynb"
        if not path.exists():
            pytest.skip(f"{path.relative_to(ROOT)} is not written yet")
        cells = nbformat.read(path, as_version=4).cells
        _CELLS[key] = {(c.metadata.get("nbgrader", {}) or {}).get("grade_id") or c.get("id"): c for c in cells}
    return _CELLS[key]


def visible_part(session: str, stem: str, version: str = "source") -> str:
    """The code of ``<stem>_check`` that participants see (above the hidden tests)."""
    return notebook_cells(session, version)[f"{stem}_check"].source.split("### BEGIN HIDDEN TESTS")[0]


def run_visible(session: str, stem: str, version: str = "source", **namespace) -> dict:
    """Run the visible check of question ``stem`` with ``namespace`` as the notebook's names.

    The namespace also has what every session imports (``pd``, ``lc``, ``plots``,
    ``sample_city``). Returns the namespace after the run.
    """
    import pandas as pd

    import losi_course as lc
    from losi_course import plots, sample_city

    names = {"pd": pd, "lc": lc, "plots": plots, "sample_city": sample_city, **namespace}
    exec(visible_part(session, stem, version), names)  # noqa: S102 - the notebook's own cell
    return names


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli_in_process(*args, cwd: Path | None = None) -> CliResult:
    """``losi-course ARGS`` in this process: exit code, standard output and error."""
    from losi_course.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exit_:  # argparse's --help and usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.chdir(before)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    """The in-process ``losi-course`` runner: ``cli("score", path, "--json")``."""
    return run_cli_in_process


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the shipped data folder that the library reads instead (to damage it safely)."""
    import shutil

    from losi_course import datafiles

    folder = tmp_path / "data"
    shutil.copytree(datafiles.data_dir(), folder)
    monkeypatch.setenv("LOSI_COURSE_DATA_DIR", str(folder))
    yield folder
