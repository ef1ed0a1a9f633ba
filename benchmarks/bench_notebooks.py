"""Notebook benchmarks: Run-All of each solution notebook and autograding, against baselines
measured in the same run (a bare kernel importing pandas and matplotlib; nbgrader grading a
one-cell notebook)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def _run_all(notebook, cwd: Path) -> float:
    from nbclient import NotebookClient

    start = time.perf_counter()
    NotebookClient(notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def bench_run_all() -> list[tuple[str, str]]:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    bare = new_notebook(cells=[new_code_cell("import pandas\nimport matplotlib.pyplot")],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    baseline = min(_run_all(bare, ROOT) for _ in range(2))
    rows = [("bare kernel: import pandas, matplotlib (baseline)", f"{baseline:.1f} s")]
    for assignment in _assignments():
        path = ROOT / "source" / assignment / f"{assignment}.ipynb"
        seconds = _run_all(nbformat.read(path, as_version=4), path.parent)
        rows.append((f"Run-All {assignment} (solutions)", f"{seconds:.1f} s = {seconds / baseline:.2f}x baseline (target <= 2x)"))
    return rows


def bench_autograde() -> list[tuple[str, str]]:
    import logging
    import warnings

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy warnings are harmless noise here
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    course = Path(tempfile.mkdtemp(prefix="losi-bench-"))
    try:
        shutil.copytree(ROOT / "source", course / "source")
        one = course / "source" / "onecell"
        one.mkdir()
        cell = new_code_cell("assert 1 + 1 == 2", metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "points": 1, "task": False,
            "schema_version": 3, "grade_id": "one_check"}})
        nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": {
            "name": "python3", "display_name": "Python 3", "language": "python"}}), one / "onecell.ipynb")
        config = Config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.course_id = "losi-course-bench"
        config.Execute.timeout = 120
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

        def grade(assignment: str) -> float:
            assert api.generate_assignment(assignment, force=True)["success"]
            target = course / "submitted" / "bench" / assignment
            target.mkdir(parents=True, exist_ok=True)
            for notebook in (course / "source" / assignment).glob("*.ipynb"):
                shutil.copy(notebook, target / notebook.name)
            start = time.perf_counter()
            result = api.autograde(assignment, "bench", force=True, create=True)
            seconds = time.perf_counter() - start
            assert result["success"], result.get("log")
            return seconds

        baseline = min(grade("onecell") for _ in range(2))
        rows = [("autograde a one-cell notebook (baseline)", f"{baseline:.1f} s")]
        for assignment in _assignments():
            seconds = grade(assignment)
            rows.append((f"autograde {assignment} (one submission)", f"{seconds:.1f} s = {seconds / baseline:.2f}x baseline"))
        return rows
    finally:
        shutil.rmtree(course, ignore_errors=True)
