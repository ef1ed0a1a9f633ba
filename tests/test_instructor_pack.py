"""The participants' pack: nothing secret in it, and the course works from it without the answer key.

Also: the prepared sheets shipped as data agree with the answer key they are made from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

import nbgrader_support as support
from losi_course.course import CourseFolder
from losi_course.datafiles import read_records, verified_path
from losi_course.instructor.pack import PACK_NAME, TOP, excluded, leaks, pack_files, write_pack
from losi_course.velmora.answer_key import load_answer_key
from losi_course.velmora.prepared import GRADED_SAMPLES, PREPARED_FILE, prepared_rows, write_prepared_sheets

REPO = support.REPO


# ----------------------------------------------------------------------------- prepared sheets
def test_shipped_prepared_sheets_are_in_sync_with_the_answer_key(tmp_path):
    assert read_records(PREPARED_FILE) == prepared_rows(), \
        "prepared_sheets.csv is out of date: run `python -m losi_course.velmora.prepared`, then `make manifest`"
    fresh = write_prepared_sheets(tmp_path / "prepared.csv")
    assert fresh.read_bytes() == verified_path(PREPARED_FILE).read_bytes()


def test_the_team_sheet_is_whole_but_never_holds_the_key_s_explanations():
    """Sessions 4 to 6 score the whole city, so the team answers everything; the key's reasons stay out."""
    rows = {r["id"]: r for r in read_records(PREPARED_FILE)}
    key = load_answer_key()
    assert len(rows) == 95 and all(int(r["team_value"]) == int(key.loc[r["id"], "value"]) for r in rows.values())
    for indicator_id in GRADED_SAMPLES:
        for column in ("a_note", "b_note", "team_note"):
            assert key.loc[indicator_id, "note"] not in rows[indicator_id][column], (indicator_id, column)


# ----------------------------------------------------------------------------- contents
@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The pack of the repository's course, written and opened."""
    out = tmp_path_factory.mktemp("pack") / PACK_NAME
    write_pack(course=CourseFolder.at(REPO), output=out)
    with zipfile.ZipFile(out) as archive:
        files = {name.removeprefix(f"{TOP}/"): archive.read(name) for name in archive.namelist()}
    return out, files


def test_pack_holds_the_release_the_readings_and_the_library(pack):
    _, files = pack
    for session in support.repo_assignments():
        released = REPO / "release" / session / f"{session}.ipynb"
        assert files[f"release/{session}/{session}.ipynb"] == released.read_bytes()
    for reading in (REPO / "course" / "readings").glob("*.md"):
        assert f"course/readings/{reading.name}" in files
    for name in ("course/learner-guide.md", "start.py", "README.md", "Makefile", "pyproject.toml",
                 "constraints.txt", "nbgrader_config.py", "losi_course/__init__.py", "losi_course/sample_city.py",
                 "losi_course/grading/findings.py", f"losi_course/data/{PREPARED_FILE}"):
        assert name in files, name
    assert "python3 start.py" in files["README.md"].decode()


def test_pack_holds_no_solution_hidden_test_mark_scheme_or_answer_key(pack):
    _, files = pack
    names = set(files)
    assert not [n for n in names if n.startswith(("source/", "tests/", "benchmarks/", "solution/"))]
    assert "course/instructor-guide.md" not in names and "course/sample-city.md" not in names
    assert "losi_course/data/velmora/answer_key.csv" not in names
    # the checkers ship (the visible checks run them); the findings checkers' hidden part needs the key
    assert "losi_course/grading/session3.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # nothing of the instructor notebooks: solutions, hidden tests, marking guides
    course = CourseFolder.at(REPO)
    assert leaks(course, files) == []
    secrets = {}
    for session in support.repo_assignments():
        for kind, lines in support.secret_lines(support.read(REPO / "source" / session / f"{session}.ipynb")).items():
            secrets.update({line: kind for line in lines})
    assert secrets, "the check must have something to look for"
    for name, data in files.items():
        text = data.decode("utf-8", errors="ignore")
        if name.endswith(".ipynb"):
            for marker in support.FORBIDDEN_MARKERS:
                assert marker not in text, f"{name} holds {marker}"
            assert not support.CHECKER_CALL.search(text), f"{name} calls a hidden-test checker"
        found = {line.strip() for line in text.splitlines()} & set(secrets)
        assert not found, f"{name} holds lines of the instructor version: {sorted(found)[:3]}"
    # no designed answer of a graded indicator, in any form, anywhere in the pack
    key = load_answer_key()
    for indicator_id in GRADED_SAMPLES:
        note = key.loc[indicator_id, "note"]
        assert not [n for n, d in files.items() if note in d.decode("utf-8", errors="ignore")], indicator_id
    manifest = files["losi_course/data/MANIFEST.sha256"].decode()
    assert "answer_key" not in manifest and "prepared_sheets.csv" in manifest


def test_pack_refuses_to_write_a_leak(tmp_path):
    course = CourseFolder.at(REPO)
    session = support.repo_assignments()[0]
    solution_line = sorted(support.secret_lines(support.read(course.source_notebook(session)))["solution"])[0]
    files = dict(pack_files(course))
    files["course/readings/extra.md"] = f"A hint:\n{solution_line}\n".encode()
    assert leaks(course, files) and "solution line" in leaks(course, files)[0]
    assert excluded("losi_course/data/velmora/answer_key.csv") and not excluded("losi_course/velmora/answer_key.py")


# ----------------------------------------------------------------------------- it starts
def _unzip(pack_path: Path, target: Path) -> Path:
    with zipfile.ZipFile(pack_path) as archive:
        archive.extractall(target)
    return target / TOP


def _pack_env(folder: Path) -> dict:
    env = CourseFolder.subprocess_env()
    env["PYTHONPATH"] = str(folder)      # the pack's library, not the repository's
    env.pop("LOSI_COURSE_DATA_DIR", None)
    return env


@pytest.mark.slow
def test_the_unzipped_pack_starts_and_says_what_it_is(pack, tmp_path):
    folder = _unzip(pack[0], tmp_path)
    env = _pack_env(folder)

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=300)

    where = run("-c", "import losi_course; print(losi_course.__file__)")
    assert Path(where.stdout.strip()).resolve() == (folder / "losi_course" / "__init__.py").resolve()
    lab = run("-m", "losi_course", "lab", "--dry-run")
    assert lab.returncode == 0 and str(folder / "workspace") in lab.stdout
    shown = {p.name for p in (folder / "workspace").iterdir()}
    assert set(support.repo_assignments()) <= shown
    assert {"readings", "learner-guide.md", "portal-precheck.md", "SOURCES.md"} <= shown
    verify = run("-m", "losi_course", "data", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    solutions = run("-m", "losi_course", "solutions")
    assert solutions.returncode == 2 and "no worked solutions" in solutions.stderr
    key = run("-c", "from losi_course.velmora.answer_key import load_answer_key; load_answer_key()")
    assert key.returncode != 0 and "participants' edition" in key.stderr
    start = run("start.py", "--dry-run")
    assert start.returncode == 0
    assert "pip install" in start.stdout and "-m losi_course lab" in start.stdout


_RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1])
"""


@pytest.mark.slow
@pytest.mark.parametrize("session", support.repo_assignments())
def test_every_session_runs_from_the_pack_with_answers_and_its_checks_pass(pack, tmp_path, session):
    """A participant's notebook, answered, runs top to bottom on the pack's library (no answer key)."""
    folder = _unzip(pack[0], tmp_path)
    released = support.read(folder / "release" / session / f"{session}.ipynb")
    source = support.read(REPO / "source" / session / f"{session}.ipynb")
    answered = support.answered(released, source, {q.stem for q in support.autograded_questions(source)}, written=True)
    answered.cells.insert(0, new_code_cell(
        f"import losi_course, pathlib\nassert pathlib.Path(losi_course.__file__).resolve().is_relative_to("
        f"pathlib.Path({str(folder)!r}).resolve()), losi_course.__file__"))
    work = folder / "workspace" / session
    notebook = support.write(answered, work / f"{session}.ipynb")
    run = subprocess.run([sys.executable, "-c", _RUN_NOTEBOOK, str(notebook), str(work)], cwd=folder,
                         env=_pack_env(folder), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    errors = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors[0]
    checks = [c for c in cells if (c["metadata"].get("nbgrader") or {}).get("grade_id", "").endswith("_check")]
    assert checks and all(c.get("outputs") is not None for c in checks)
    assert os.environ.get("LOSI_COURSE_DATA_DIR") is None
