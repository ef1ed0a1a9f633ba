"""The grading pipeline, proven for every assignment under source/ (and the fixture assignment).

One temporary course (the repository's nbgrader_config.py and sources; release/ regenerated,
never copied) is built once per test session and shared:

1. source notebooks pass ``nbgrader validate`` (nbval runs them top to bottom: ``make test``);
2. the committed release/ equals a fresh regeneration, regeneration is idempotent, and every
   test fails on the blank release (``validate --invert``);
3. release/ holds no solution, hidden test, mark scheme or checker call;
4. autograde round trip: blank = 0, solution = maximum, first k answers = their points;
   feedback of the blank shows no solution line;
5. mangled submissions (on the first assignment) have the outcomes pinned below, which
   course/instructor-guide.md documents;
6. metadata lint of the source notebooks;
7. ``losi-course instructor grade`` end to end, with a zip collection (the instructor tools'
   own promises are in ``tests/test_instructor_*.py``).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from functools import cached_property
from pathlib import Path

import pytest

import nbgrader_support as support
from losi_course.course import CourseFolder
from losi_course.instructor.collect import collect
from losi_course.instructor.export import export
from losi_course.instructor.nbgrader_tools import nbgrader_api
from losi_course.instructor.release import release
from losi_course.instructor.solutions import write_solutions
from losi_course.instructor.validate import validate_notebook

pytestmark = [pytest.mark.slow,
              # documented as harmless (course/instructor-guide.md): SQLAlchemy on first submissions,
              # nbformat repairing ids of mangled submissions and of cells nbgrader adds back
              pytest.mark.filterwarnings("ignore:Object of type .* not in session"),
              pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
              pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")]

ASSIGNMENTS = support.all_assignments()
MANGLE_TIMEOUT = 10          # seconds per cell for the mangled submissions (the loop case)


class Course:
    """The shared temporary course, with lazily computed (and cached) grading results."""

    def __init__(self, root: Path):
        self.root = root
        self._roundtrips: dict[str, dict] = {}

    @cached_property
    def api(self):
        return nbgrader_api(self.folder)

    @cached_property
    def folder(self) -> CourseFolder:
        return CourseFolder.at(self.root)

    def source_nb(self, name):
        return support.read(self.root / "source" / name / f"{name}.ipynb")

    def release_nb(self, name):
        return support.read(self.root / "release" / name / f"{name}.ipynb")

    def submit(self, student, name, nb=None, *, raw=None, filename=None) -> Path:
        path = self.root / "submitted" / student / name / (filename or f"{name}.ipynb")
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
        else:
            support.write(nb, path)
        return path

    def roundtrip(self, name) -> dict:
        """Blank, solution and partial submissions of one assignment, autograded, with feedback."""
        if name not in self._roundtrips:
            source, release = self.source_nb(name), self.release_nb(name)
            questions = support.autograded_questions(source)
            k = len(questions) // 2
            solution = self.root / "submitted" / "solution" / name
            solution.mkdir(parents=True)
            shutil.copy2(self.root / "source" / name / f"{name}.ipynb", solution)  # the source, as is
            self.submit("blank", name, release)
            students = ["blank", "solution"]
            if k:
                stems = {q.stem for q in questions[:k]}
                self.submit("partial", name, support.answered(release, source, stems))
                students.append("partial")
            outcome = {}
            for student in students:
                result = self.api.autograde(name, student, force=True, create=True)
                assert result["success"], f"autograde of {student}/{name} failed:\n{result.get('log')}"
                outcome[student] = support.submission_scores(self.api, name, student)
            feedback = self.api.generate_feedback(name, force=True)
            assert feedback["success"], feedback.get("log")
            self._roundtrips[name] = {"questions": questions, "k": k, "scores": outcome,
                                      "written": support.written_ids(source)}
        return self._roundtrips[name]


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    root = support.build_course(tmp_path_factory.mktemp("nbgrader") / "course")
    release(course=CourseFolder.at(root))
    return Course(root)


def notebooks(folder: Path) -> list[Path]:
    found = sorted(folder.glob("*.ipynb"))
    assert found, f"no notebook in {folder}"
    return found


# ----------------------------------------------------------------------------- 1. sources validate
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebooks_pass_nbgrader_validate(course, name):
    for path in notebooks(course.root / "source" / name):
        assert validate_notebook(course=course.folder, notebook=path) == [], f"nbgrader validate failed on {path.name}"


# ----------------------------------------------------------------------------- 2. release in sync
def _cells(path: Path) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in support.read(path).cells]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_release_equals_a_fresh_regeneration(course, name):
    hint = support.refresh_hint(name)
    fresh = support.files_under(course.root / "release" / name)
    committed = support.files_under(support.committed_release(name))
    assert sorted(committed) == sorted(fresh), f"{hint} (files differ for {name})"
    for relative, path in fresh.items():
        if path.suffix == ".ipynb":
            assert _cells(committed[relative]) == _cells(path), f"{hint} ({name}/{relative} differs)"
        else:
            assert committed[relative].read_bytes() == path.read_bytes(), \
                f"{hint} ({name}/{relative} differs)"


def test_committed_release_has_exactly_the_source_assignments():
    release = support.REPO / "release"
    folders = sorted(p.name for p in release.iterdir() if p.is_dir()) if release.is_dir() else []
    assert folders == sorted(support.repo_assignments()), \
        "release/ is out of date: run `make release` and commit (assignment folders differ from source/)"


def test_release_all_is_idempotent_and_prunes_stale_assignments(course, capsys):
    before = {rel: p.read_bytes() for rel, p in support.files_under(course.root / "release").items()}
    ghost = course.root / "release" / "ghost" / "ghost.ipynb"
    ghost.parent.mkdir(parents=True)
    ghost.write_text("{}")
    assert sorted(release(course=course.folder)) == sorted(ASSIGNMENTS)
    after = {rel: p.read_bytes() for rel, p in support.files_under(course.root / "release").items()}
    assert after == before, "a second `make release` changed bytes: release/ would never be stable in git"
    assert "release/ghost: removed" in capsys.readouterr().out


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_test_fails_on_the_blank_release(course, name):
    for path in notebooks(course.root / "release" / name):
        assert any(support.grade_id(c).endswith("_check") for c in support.read(path).cells)
        problems = validate_notebook(course=course.folder, notebook=path, invert=True)
        assert problems == [], f"tests that pass without an answer in {name}: {problems}"


# ----------------------------------------------------------------------------- 3. no leaks
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_leaks_no_solution_hidden_test_or_checker(name):
    folder = support.committed_release(name)
    secrets = {}
    for path in sorted(support.source_folder(name).glob("*.ipynb")):
        for kind, lines in support.secret_lines(support.read(path)).items():
            secrets.update({line: kind for line in lines})
    files = support.files_under(folder)
    assert files, f"{support.refresh_hint(name)} (nothing released for {name})"
    for relative, path in files.items():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue                                    # images and other binary files
        for marker in support.FORBIDDEN_MARKERS:
            assert marker not in text, f"{name}/{relative} contains {marker!r}"
        assert not support.CHECKER_CALL.search(text), f"{name}/{relative} calls a grading checker"
        if path.suffix == ".ipynb":
            lines = {line.strip() for cell in support.read(path).cells for line in cell.source.splitlines()}
        else:
            lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(f"{secrets[line]}: {line}" for line in lines & set(secrets))
        assert not leaked, f"{name}/{relative} shows lines of the instructor version: {leaked}"


# ----------------------------------------------------------------------------- 4. round trip
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_blank_release_scores_zero_and_needs_no_manual_grade(course, name):
    blank = course.roundtrip(name)["scores"]["blank"]
    assert blank["code"] == 0 and blank["max_code"] > 0
    # an unchanged written answer is auto-scored 0 by nbgrader, so nothing waits for a grader
    assert blank["needs_manual_grade"] is False


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_solution_scores_the_maximum(course, name):
    run = course.roundtrip(name)
    solution = run["scores"]["solution"]
    points = {f"{q.stem}_check": q.points for q in run["questions"]}
    failing = [gid for gid, p in points.items() if solution["grades"].get(gid, (None, None))[0] != p]
    assert not failing, f"the instructor solution fails {failing}"
    assert solution["code"] == solution["max_code"] == sum(q.points for q in run["questions"])
    assert solution["needs_manual_grade"] is bool(run["written"])
    for gid in run["written"]:
        assert solution["grades"][gid] == (None, True), f"{gid} should wait for a person"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_first_k_answers_score_exactly_their_points(course, name):
    run = course.roundtrip(name)
    if not run["k"]:
        pytest.skip("a single autograded question: no partial submission to build")
    partial, k = run["scores"]["partial"], run["k"]
    expected = {f"{q.stem}_check": (q.points if i < k else 0.0) for i, q in enumerate(run["questions"])}
    got = {gid: score[0] for gid, score in partial["grades"].items() if gid.endswith("_check")}
    assert got == expected, "a question's tests must depend only on its own and earlier answers"
    assert partial["code"] == sum(q.points for q in run["questions"][:k])
    assert partial["needs_manual_grade"] is False


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_feedback_and_export_show_no_solution(course, name, tmp_path):
    run = course.roundtrip(name)
    for student in run["scores"]:
        assert (course.root / "feedback" / student / name / f"{name}.html").is_file()
    shown = support.html_text(course.root / "feedback" / "blank" / name / f"{name}.html")
    secrets = support.secret_lines(course.source_nb(name))
    # A cell that is not a question may show what the library computed for everyone (the
    # pre-check's own decisions, for example): that is not the instructor's solution.
    graded = support.read(course.root / "autograded" / "blank" / name / f"{name}.ipynb")
    library_output = " ".join(support.squash(o.get("text", "")) for c in graded.cells if c.cell_type == "code"
                              and not support.grade_id(c).endswith(("_answer", "_check")) for o in c.get("outputs", []))
    leaked = [line for line in secrets["solution"]
              if support.squash(line) in shown and support.squash(line) not in library_output]
    assert not leaked, f"the blank's feedback shows solution lines: {leaked}"
    # the same search does find solution code in the feedback of the solution itself
    solution_html = support.html_text(course.root / "feedback" / "solution" / name / f"{name}.html")
    assert any(support.squash(line) in solution_html for line in secrets["solution"])
    # nbgrader restores the hidden tests into autograded notebooks and feedback by design
    # (#917): that is why hidden blocks may only call checkers (see the metadata lint).
    assert ("BEGIN HIDDEN TESTS" in shown) is bool(secrets["hidden"])
    exported = export(course=course.folder, to=tmp_path / "grades.csv", api=course.api)
    rows = {r["participant"]: r for r in csv.DictReader(exported.open()) if r["session"] == name}
    for student, scores in run["scores"].items():
        assert float(rows[student]["total"]) == scores["score"]
        assert float(rows[student]["max"]) == scores["max_score"]
        assert float(rows[student]["autograded"]) == scores["code"]


# ----------------------------------------------------------------------------- 5. mangled
FIRST = ASSIGNMENTS[0]


@pytest.fixture(scope="session")
def mangled(course):
    """Each mangled submission of the first assignment, autograded with a short cell timeout."""
    name = FIRST
    source, release = course.source_nb(name), course.release_nb(name)
    questions = support.autograded_questions(source)
    assert len(questions) >= 2, "the mangled cases need two autograded questions"
    everything = {q.stem for q in questions}
    full = support.answered(release, source, everything, written=True)
    first, second, last = questions[0].stem, questions[1].stem, questions[-1].stem

    deleted = copy.deepcopy(full)
    deleted.cells = [c for c in deleted.cells if support.grade_id(c) != f"{first}_check"]
    course.submit("m-deleted-check", name, deleted)

    edited = support.answered(release, source, {first})
    for cell in edited.cells:
        if support.grade_id(cell) == f"{second}_check":
            cell.source = "pass"
    course.submit("m-edited-check", name, edited)

    duplicated = copy.deepcopy(full)
    index = [support.grade_id(c) for c in duplicated.cells].index(f"{first}_answer")
    pasted = copy.deepcopy(duplicated.cells[index])
    pasted.id = "pasted-copy"
    duplicated.cells.insert(index + 1, pasted)
    course.submit("m-duplicated-cell", name, duplicated)

    same_id = json.loads(json.dumps(full))            # plain dicts: nbformat would repair on write
    ids = [c.get("id") for c in same_id["cells"]]
    target = 0 if index else 1                        # any other cell takes the answer's id
    same_id["cells"][target]["id"] = ids[index]
    course.submit("m-duplicated-id", name, raw=json.dumps(same_id))

    course.submit("m-renamed", name, full, filename=f"Copy of {name}.ipynb")

    looping = copy.deepcopy(full)
    for cell in looping.cells:
        if support.grade_id(cell) == f"{last}_answer":
            cell.source = "while True:\n    pass\n" + cell.source
    course.submit("m-infinite-loop", name, looping)

    course.submit("m-invalid-json", name, raw='{"cells": [ this is not json')

    config = course.folder.nbgrader_config(Execute__timeout=MANGLE_TIMEOUT)
    api = nbgrader_api(course.folder, config)
    outcomes = {}
    for student in ["m-invalid-json", "m-deleted-check", "m-edited-check", "m-duplicated-cell",
                    "m-duplicated-id", "m-renamed", "m-infinite-loop"]:
        started = time.monotonic()
        result = api.autograde(name, student, force=True, create=True)
        outcomes[student] = {
            "success": result["success"], "seconds": time.monotonic() - started,
            "log": result.get("log", ""),
            "scores": support.submission_scores(api, name, student),
            "autograded": course.root / "autograded" / student / name / f"{name}.ipynb",
        }
    return {"questions": questions, "outcomes": outcomes, "max_code": sum(q.points for q in questions)}


def test_mangled_deleted_test_cell_is_added_back_and_graded(mangled):
    out = mangled["outcomes"]["m-deleted-check"]
    first = mangled["questions"][0].stem
    assert out["success"] and "Missing grade cell" in out["log"]
    assert out["scores"]["code"] == mangled["max_code"]            # as if never deleted
    restored = [c for c in support.read(out["autograded"]).cells if support.grade_id(c) == f"{first}_check"]
    assert restored and "was missing from the submission" in restored[0].source


def test_mangled_edited_test_cell_is_restored_from_the_gradebook(mangled):
    out = mangled["outcomes"]["m-edited-check"]
    assert out["success"]
    assert out["scores"]["code"] == mangled["questions"][0].points   # the `pass` did not earn points


def test_mangled_duplicated_graded_cell_fails_autograde_for_that_student(mangled):
    out = mangled["outcomes"]["m-duplicated-cell"]
    assert not out["success"] and "exists multiple times" in out["log"]
    assert not out["autograded"].exists()
    assert out["scores"]["code"] == 0 and out["scores"]["needs_manual_grade"] is True


def test_mangled_duplicated_cell_id_is_repaired_and_graded(mangled):
    out = mangled["outcomes"]["m-duplicated-id"]
    assert out["success"]
    assert out["scores"]["code"] == mangled["max_code"]


def test_mangled_renamed_notebook_is_skipped_and_gets_no_grade(mangled):
    out = mangled["outcomes"]["m-renamed"]
    assert not out["success"] and "Skipping unknown notebook" in out["log"]
    assert not out["autograded"].exists()
    assert all(auto is None for auto, _ in out["scores"]["grades"].values())


def test_mangled_infinite_loop_times_out_and_only_that_question_scores_zero(mangled):
    out = mangled["outcomes"]["m-infinite-loop"]
    last = mangled["questions"][-1]
    assert out["success"] and out["seconds"] >= MANGLE_TIMEOUT
    assert out["scores"]["code"] == mangled["max_code"] - last.points
    looped = next(c for c in support.read(out["autograded"]).cells
                  if support.grade_id(c) == f"{last.stem}_answer")
    assert "CellTimeoutError" in {o.get("ename") for o in looped.outputs}


def test_mangled_invalid_json_fails_only_that_student(mangled):
    out = mangled["outcomes"]["m-invalid-json"]
    assert not out["success"] and "NotJSONError" in out["log"]
    assert not out["autograded"].exists()
    graded_after = [s for s, o in mangled["outcomes"].items() if o["success"]]
    assert len(graded_after) == 4                       # it was graded first; the others still were


# ----------------------------------------------------------------------------- 6. lint
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_metadata_follows_the_course_convention(name):
    folder = support.source_folder(name)
    assert [p.name for p in folder.glob("*.ipynb")] == [f"{name}.ipynb"], \
        f"source/{name}/ should hold exactly one notebook, {name}.ipynb"
    problems = support.lint_notebook(folder / f"{name}.ipynb")
    assert problems == [], f"{name}.ipynb:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------- 7. workflow
def test_workflow_grade_end_to_end_with_zip_collection(course, tmp_path):
    name = FIRST
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(course.root / "nbgrader_config.py", root)
    shutil.copytree(course.root / "source", root / "source")
    shutil.copytree(course.root / "release", root / "release")      # no gradebook.db: a fresh clone
    source, release = course.source_nb(name), course.release_nb(name)
    questions = support.autograded_questions(source)
    k = max(1, len(questions) // 2)

    def put(student, nb):
        support.write(nb, root / "submitted" / student / name / f"{name}.ipynb")

    put("ana", support.answered(release, source, {q.stem for q in questions}, written=True))
    put("bo", release)
    (root / "submitted" / "dee" / name).mkdir(parents=True)
    (root / "submitted" / "dee" / name / f"{name}.ipynb").write_text("not a notebook")
    downloads = tmp_path / "downloads"
    notebook = support.write(support.answered(release, source, {q.stem for q in questions[:k]}),
                             tmp_path / "cy.ipynb")
    downloads.mkdir()
    with zipfile.ZipFile(downloads / f"cy_{name}.zip", "w") as archive:
        archive.write(notebook, f"work/cy_{name}.ipynb")
        archive.writestr(f"__MACOSX/work/._cy_{name}.ipynb", "resource fork")
    shutil.copy2(notebook, downloads / f"Copy of {name}.ipynb")           # badly named: skipped
    assert collect(course=CourseFolder.at(root), assignment=name, downloads=downloads) == {"cy": "collected"}
    assert (root / "submitted" / "cy" / name / f"{name}.ipynb").is_file()

    run = subprocess.run([sys.executable, "-m", "losi_course", "instructor", "grade", "--root", str(root),
                          "--to", str(root / "out" / "grades.csv")],
                         cwd=root, env=CourseFolder.subprocess_env(), capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr                 # one submission failed
    assert "Traceback" not in run.stdout + run.stderr
    assert f"Recorded {name} in the gradebook (release/{name} unchanged)" in run.stdout
    assert "dee" in run.stdout and "FAILED" in run.stdout and "damaged" in run.stdout
    assert "Formgrader" in run.stdout                                   # ana's written answer waits
    rows = {r["participant"]: r for r in csv.DictReader((root / "out" / "grades.csv").open()) if r["session"] == name}
    assert sorted(rows) == ["ana", "bo", "cy", "dee"]
    max_code = sum(q.points for q in questions)
    expected = {"ana": max_code, "bo": 0.0, "cy": sum(q.points for q in questions[:k])}
    assert {s: float(r["total"]) for s, r in rows.items() if s != "dee"} == expected
    assert (rows["dee"]["status"], rows["dee"]["total"]) == ("failed", "")
    assert rows["ana"]["status"] == "needs marking" and rows["bo"]["status"] == "final"
    for student in ["ana", "bo", "cy"]:
        assert (root / "feedback" / student / name / f"{name}.html").is_file()
    assert not (root / "feedback" / "dee").exists()


def test_instructor_grade_explains_an_empty_submitted_folder(tmp_path, cli):
    root = support.build_course(tmp_path / "course", [support.FIXTURE])
    result = cli("instructor", "grade", "--root", root)
    assert result.returncode == 2
    assert "Nothing to grade" in result.stderr and "Traceback" not in result.stderr


def test_write_solutions_gives_executed_solution_notebooks(course):
    written = write_solutions(course=course.folder, sessions=[support.FIXTURE])
    assert written == [course.root / "solution" / support.FIXTURE / f"{support.FIXTURE}.ipynb"]
    nb = support.read(written[0])
    answers = [c for c in nb.cells if support.grade_id(c).endswith("_answer")]
    assert answers and all("raise NotImplementedError" not in c.source for c in answers)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
