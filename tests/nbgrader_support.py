"""Helpers for the nbgrader pipeline tests (``tests/test_nbgrader_pipeline.py``).

The course's grading convention, which these helpers read and the lint enforces: an
autograded question ``<stem>`` has a code answer cell ``<stem>_answer`` (solution, with
``### BEGIN SOLUTION`` / ``### END SOLUTION``) and a locked test cell ``<stem>_check`` (grade,
points, visible asserts plus a hidden block that calls a ``losi_course.grading`` checker); a
written answer is a markdown cell ``<stem>_written`` (grade and solution, points, model answer
and marking guide inside the solution markers).

``tests/fixtures/course/`` holds a tiny assignment, ``fixture1``, that follows the convention,
with its released version: it proves the machinery whatever state the sessions are in.
After changing the fixture source or ``nbgrader_config.py``, refresh its release with::

    python tests/nbgrader_support.py refresh-fixture
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import sys
import tempfile
from pathlib import Path

from losi_course.authoring import (CHECKER_CALL, FORBIDDEN_MARKERS, autograded_questions,  # noqa: F401
                                   cells_by_grade_id, grade_id, is_session, lint_notebook, nbgrader_meta,
                                   read_notebook, secret_lines, stem_of, without_markers, written_ids)
from losi_course.course import CourseFolder
from losi_course.instructor.release import release

REPO = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = REPO / "tests" / "fixtures" / "course"
FIXTURE = "fixture1"
read = read_notebook
nbgrader = nbgrader_meta


# ----------------------------------------------------------------------------- the course
def repo_assignments() -> list[str]:
    """The assignments under the repository's ``source/`` (sessions, possibly none yet)."""
    return CourseFolder.at(REPO).source_sessions


def all_assignments() -> list[str]:
    """The repository's assignments, then the fixture (always tested)."""
    return repo_assignments() + [FIXTURE]


def source_folder(name: str) -> Path:
    return (FIXTURE_COURSE if name == FIXTURE else REPO) / "source" / name


def committed_release(name: str) -> Path:
    return (FIXTURE_COURSE if name == FIXTURE else REPO) / "release" / name


def refresh_hint(name: str) -> str:
    if name == FIXTURE:
        return ("tests/fixtures/course/release is out of date: run "
                "`python tests/nbgrader_support.py refresh-fixture` and commit")
    return "release/ is out of date: run `make release` and commit"


def build_course(dest: Path, names: list[str] | None = None) -> Path:
    """A temporary course: the repository's config plus the sources (no release/, no gradebook)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    for name in names if names is not None else all_assignments():
        shutil.copytree(source_folder(name), dest / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def files_under(folder: Path) -> dict[str, Path]:
    """Relative path -> file, skipping checkpoints and caches."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


# ----------------------------------------------------------------------------- notebooks
def answered(release_nb, source_nb, stems, written: bool = False):
    """A participant copy: the release with the source solutions of ``stems`` filled in."""
    nb = copy.deepcopy(release_nb)
    solutions = cells_by_grade_id(source_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if (gid.endswith("_answer") and stem_of(gid) in stems) or (written and gid.endswith("_written")):
            cell.source = without_markers(solutions[gid].source)
    return nb


def write(nb, path: Path) -> Path:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def html_text(path: Path) -> str:
    """The visible text of an HTML file, whitespace collapsed (for "does X show?" checks)."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    return " ".join(html.unescape(re.sub(r"(?s)<[^>]+>", "", raw)).split())


def squash(line: str) -> str:
    return " ".join(line.split())


# ----------------------------------------------------------------------------- running
def submission_scores(api, assignment: str, student: str, notebook: str | None = None) -> dict:
    """Scores of one submission from the gradebook, plus the per-cell grades."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        sub = gb.find_submission(assignment, student)
        grades = {}
        for nb in sub.notebooks:
            if notebook is None or nb.name == notebook:
                grades.update({g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades})
        return {"code": sub.code_score, "max_code": sub.max_code_score,
                "written": sub.written_score, "max_written": sub.max_written_score,
                "score": sub.score, "max_score": sub.max_score,
                "needs_manual_grade": bool(sub.needs_manual_grade), "grades": grades}


def scratch_course(dest: Path, names: list[str]) -> Path:
    """A temporary course with ``names`` released (gradebook recorded), ready for submissions."""
    build_course(dest, names)
    release(course=CourseFolder.at(dest))
    return dest


def run_instructor(root: Path, *args, timeout: int = 900):
    """``losi-course instructor ARGS --root ROOT`` as an instructor types it (a new process)."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "losi_course", "instructor", *map(str, args), "--root", str(root)],
                          cwd=root, env=CourseFolder.subprocess_env(), capture_output=True, text=True,
                          timeout=timeout)


def grade_rows(path: Path) -> dict[tuple[str, str], dict]:
    """An exported grades.csv as ``{(participant, session): row}``."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return {(r["participant"], r["session"]): r for r in csv.DictReader(handle)}


def with_cells(nb, **sources):
    """A copy of ``nb`` with the cells of the given grade ids replaced (``world_mean_answer="..."``)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if grade_id(cell) in sources:
            cell.source = sources[grade_id(cell)]
    return nb


# ----------------------------------------------------------------------------- fixture upkeep
def refresh_fixture_release() -> Path:
    """Regenerate ``tests/fixtures/course/release/fixture1`` with the course's config."""
    with tempfile.TemporaryDirectory() as tmp:
        course = build_course(Path(tmp) / "course", [FIXTURE])
        release(course=CourseFolder.at(course))
        target = committed_release(FIXTURE)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course / "release" / FIXTURE, target)
    return target


if __name__ == "__main__":
    if sys.argv[1:] == ["refresh-fixture"]:
        print(f"wrote {refresh_fixture_release().relative_to(REPO)}")
    else:
        sys.exit("usage: python tests/nbgrader_support.py refresh-fixture")
