"""Grading benchmark: a class of 40 x every session, graded from scratch and after one change.

The floor is what grading one submission costs at least in a kernel started anew: starting it
and importing what every session imports (pandas, the course library, its plots and sample-city
helpers), measured in the same run with the kernel settings grading uses. Grading's own kernels
are forked from a parent that has imported IPython and pandas already; the same start in one of
them is shown beside the floor. The targets, with ``C`` cores and ``N`` submissions: from
scratch <= 2 x N x floor / C; one changed submission <= 10 s. Both runs are ``losi-course
instructor grade`` as an instructor types it (a new process, feedback and export included).
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASS_SIZE = 40


def floor_seconds(repeats: int = 3, **client_options) -> float:
    """The fastest of ``repeats`` kernel starts that import what the sessions import, then stop."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("import pandas as pd\nimport losi_course as lc\n"
                                           "from losi_course import plots, sample_city")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        NotebookClient(copy.deepcopy(nb), kernel_name="python3", shutdown_kernel="immediate",
                       extra_arguments=["--HistoryManager.hist_file=:memory:"], **client_options).execute()
        best = min(best, time.perf_counter() - start)
    return best


def forked_start_seconds(repeats: int = 3) -> float:
    """The same as :func:`floor_seconds`, in the kernels grading uses (forked from a warm parent)."""
    from losi_course.instructor.forked_kernels import ForkedKernelManager, KernelParent

    KernelParent.shared()   # started once per grading process, before its first kernel
    return floor_seconds(repeats, kernel_manager_class=ForkedKernelManager)


def _answered(release_nb, source_nb, share: float):
    """A participant copy: the first ``share`` of the autograded answers (and the written ones) filled in."""
    from losi_course.authoring import autograded_questions, cells_by_grade_id, grade_id, stem_of, without_markers

    nb = copy.deepcopy(release_nb)
    questions = autograded_questions(source_nb)
    stems = {q.stem for q in questions[:round(len(questions) * share)]}
    solutions = cells_by_grade_id(source_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if (gid.endswith("_answer") and stem_of(gid) in stems) or (gid.endswith("_written") and share == 1):
            cell.source = without_markers(solutions[gid].source)
    return nb


def build_class(root: Path, sessions: list[str]) -> int:
    """A scratch course with a class of CLASS_SIZE, every session submitted; return the submissions."""
    import nbformat

    from losi_course.authoring import read_notebook

    shutil.copy2(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for step in ("source", "release"):
        shutil.copytree(ROOT / step, root / step, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    count = 0
    for session in sessions:
        source = read_notebook(ROOT / "source" / session / f"{session}.ipynb")
        release = read_notebook(ROOT / "release" / session / f"{session}.ipynb")
        variants = [_answered(release, source, share) for share in (1.0, 0.5, 0.0)]
        for number in range(1, CLASS_SIZE + 1):
            folder = root / "submitted" / f"p{number:02d}" / session
            folder.mkdir(parents=True)
            nbformat.write(variants[number % 3], str(folder / f"{session}.ipynb"))
            count += 1
    return count


def _grade(root: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "losi_course", "instructor", "grade", "--root", str(root)],
                         capture_output=True, text=True, env={**os.environ, "PATH": f"{Path(sys.executable).parent}"
                                                                                    f"{os.pathsep}{os.environ.get('PATH', '')}"})
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"grading failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return seconds


def bench_grade_class() -> list[tuple[str, str]]:
    sessions = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    floor = floor_seconds()
    forked = forked_start_seconds()
    from losi_course.instructor.workers import usable_cores

    cores = usable_cores()
    root = Path(tempfile.mkdtemp(prefix="losi-bench-grading-"))
    try:
        submissions = build_class(root, sessions)
        scratch = _grade(root)
        target = 2 * submissions * floor / cores
        changed = root / "submitted" / "p07" / sessions[0] / f"{sessions[0]}.ipynb"
        changed.write_text(changed.read_text(encoding="utf-8").replace("raise NotImplementedError()", "x = 1", 1),
                           encoding="utf-8")
        again = _grade(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        ("floor: kernel start + imports (pandas, losi_course)", f"{floor:.2f} s"),
        ("the same in a graded kernel (forked from a warm parent)", f"{forked:.2f} s = {forked / floor:.2f}x floor"),
        (f"grade {CLASS_SIZE} x {len(sessions)} = {submissions} submissions from scratch ({cores} cores)",
         f"{scratch:.0f} s = {scratch / target:.2f}x target 2 x N x floor / cores = {target:.0f} s"),
        ("per submission, per core", f"{scratch * cores / submissions:.2f} s = {scratch * cores / submissions / floor:.2f}x floor"),
        ("grade again after one changed submission", f"{again:.1f} s (target <= 10 s)"),
    ]
