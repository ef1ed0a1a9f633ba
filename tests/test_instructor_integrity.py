"""Tamper-evident grading: the three cheats of a participant who knows Python, and honest work.

The slow tests grade a scratch course with ``losi-course instructor grade`` (real nbgrader runs):
patched checkers (setattr on losi_course.grading.session1), an input transformer that empties
the check cells, and the answer key or a shipped checker used as an oracle in session 3 all come
out ``flagged``, and the first two score no more than a blank notebook. Honest submissions are
never flagged. The fast tests pin the reading of participant code and the safe rebuilding of
recorded answers.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from pathlib import Path

import pytest

import nbgrader_support as support
from losi_course.instructor import preprocessors
from losi_course.instructor.recheck import (AnswerUnpickler, capture_code, changed_files, free_names,
                                            library_fingerprint, run_check)
from losi_course.instructor.records import GradingRecords
from losi_course.instructor.scan import scan_code
from losi_course.course import CourseFolder

SESSION1, SESSION3 = "session1", "session3"

# ----------------------------------------------------------------------------- reading the code
CHEATS = {
    "setattr on the checkers": ("import losi_course.grading.session1 as g\n"
                                "for n in dir(g):\n    if n.startswith('check_'):\n"
                                "        setattr(g, n, lambda *a, **k: None)", {"oracle", "machinery"}),
    "assignment into the visible checks": ("lc.checks.check = lambda *a, **k: None", {"machinery"}),
    "an alias of the checks module": ("c = lc.checks\nc.hidden_check = print", {"machinery"}),
    "an input transformer": ("get_ipython().input_transformers_cleanup.append(lambda lines: [])", {"machinery"}),
    "sys.modules": ("import sys\nsys.modules['losi_course.grading.session1'] = None", {"machinery"}),
    "builtins": ("import builtins\nbuiltins.AssertionError = Warning", {"machinery"}),
    "a function's code": ("sample_city.review_findings.__code__ = (lambda *a: None).__code__", {"machinery"}),
    "the answer key": ("from losi_course.velmora.answer_key import load_answer_key\nkey = load_answer_key()",
                       {"oracle"}),
    "a shipped checker": ("t = sample_city.explain_findings(x, ids)", {"oracle"}),
    "the prepared sheets": ("a, b = sample_city.assessor_assessments()", {"oracle"}),
    "the key file by path": ("pd.read_csv('losi_course/data/velmora/answer_key.csv')", {"oracle"}),
    "a computed getattr": ("m = getattr(lc, 'gra' + 'ding')", {"hidden"}),
    "exec": ("exec('x = 1')", {"hidden"}),
    "%run": ("%run other.py", {"hidden"}),
    "a shell escape": ("!ls", {"system"}),
    "%time running a patch": ("%time setattr(lc, 'x', 1)", {"machinery"}),
    "writing a file": ("open('x.py', 'w').write('1')", {"system"}),
}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_each_kind_of_tampering_is_found_in_an_answer_cell(name):
    code, kinds = CHEATS[name]
    found = scan_code(code, "x_answer", modules={"lc", "pd", "sample_city"})
    assert found, f"{name} was not found"
    assert kinds <= {f.kind for f in found}, [f.describe() for f in found]
    assert all(f.cell == "x_answer" and f.line >= 1 for f in found)


HONEST = [
    'world_mean = egdi["egdi_2022"].mean()',
    "regional_means = egdi.groupby('region')['egdi_2022'].mean()",
    'content_findings = {"221": "no", "228": "yes"}  # the Education page lists schools',
    "import math\nshare = round(math.floor(79 / 86 * 100) / 100, 2)",
    "%matplotlib inline\nx = [i for i in range(3)]",
    "scores = lc.score_table(estoria.consensus)\nranks = lc.rank_cities(scores)",
    "quick_wins = list(gaps[gaps['criterion'].isin(['Content Provision'])]['id'].head(5))",
    "def share(found, total):\n    return found / total",
    "this does not parse (",
]


@pytest.mark.parametrize("code", HONEST)
def test_honest_answers_are_not_flagged(code):
    assert scan_code(code, "x_answer", modules={"lc", "pd", "sample_city"}) == []


@pytest.mark.parametrize("name", support.all_assignments())
def test_the_instructor_solutions_and_the_release_hold_nothing_to_flag(name):
    source = support.read(support.source_folder(name) / f"{name}.ipynb")
    released = support.read(support.committed_release(name) / f"{name}.ipynb")
    for nb in (source, released):
        trusted = {support.grade_id(c): c.source for c in nb.cells
                   if support.nbgrader(c).get("locked") and support.grade_id(c)}
        assert preprocessors.participant_findings(nb, trusted) == []


# ----------------------------------------------------------------------------- recorded answers
class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_recorded_answers_cannot_run_code_in_the_grading_process():
    with pytest.raises(pickle.UnpicklingError):
        AnswerUnpickler(io.BytesIO(pickle.dumps(_Payload()))).load()
    with pytest.raises(pickle.UnpicklingError):
        AnswerUnpickler(io.BytesIO(pickle.dumps(eval))).load()
    import pandas as pd

    from losi_course.scoring import score_counts

    frame = pd.DataFrame({"losi": [0.5, 0.75]}, index=["a", "b"])
    assert AnswerUnpickler(io.BytesIO(pickle.dumps(frame, protocol=4))).load().equals(frame)
    score = score_counts(61, edition="2022")
    assert AnswerUnpickler(io.BytesIO(pickle.dumps(score, protocol=4))).load().losi == score.losi


def test_a_check_runs_again_on_the_recorded_values_only():
    source = "from losi_course.checks import check\ncheck(world_mean > 0.5, 'too low')"
    assert free_names(source) == ["world_mean"]
    good = {"world_mean": ("value", pickle.dumps(0.6))}
    assert run_check(source, good).passed
    bad = run_check(source, {"world_mean": ("value", pickle.dumps(0.1))})
    assert not bad.passed and "too low" in bad.message
    missing = run_check(source, {"world_mean": ("unpicklable", "PicklingError")})
    assert not missing.passed and "could not be recorded" in missing.explain()
    other_module = run_check("assert pd.DataFrame is not None", {"pd": ("module", "os")})
    assert not other_module.passed
    assert "pickle.dumps" in capture_code("/x/1.pickle", ["world_mean"])


def test_a_changed_library_stops_the_grading(monkeypatch):
    reference = library_fingerprint()
    assert changed_files(reference, library_fingerprint()) == []
    monkeypatch.setitem(preprocessors._STATE, "library", {**reference, "grading/session1.py": "0" * 64})
    with pytest.raises(preprocessors.LibraryChanged, match="grading/session1.py"):
        preprocessors._check_library("while this notebook ran")


# ----------------------------------------------------------------------------- real grading runs
def _wrong(release):
    """Every autograded answer of session 1 answered wrongly (but without an error)."""
    cells = {}
    for cell in release.cells:
        gid = support.grade_id(cell)
        if gid.endswith("_answer"):
            stem = support.stem_of(gid)
            cells[gid] = (f"{stem} = 0\nmy_country = 'Nowhere'\nmy_rank = 0\nmy_level = 'x'\n"
                          "regional_means = pd.Series([0.5] * 5)\negdi_level_counts = pd.Series([193])")
    return support.with_cells(release, **cells)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Session 1 and 3 submissions, honest and cheating, graded with `losi-course instructor grade`."""
    root = support.scratch_course(tmp_path_factory.mktemp("integrity") / "course", [SESSION1, SESSION3])

    def nb(step, name):
        return support.read(root / step / name / f"{name}.ipynb")

    def submit(who, name, notebook):
        support.write(notebook, root / "submitted" / who / name / f"{name}.ipynb")

    source1, release1 = nb("source", SESSION1), nb("release", SESSION1)
    wrong = _wrong(release1)
    first = "world_mean_answer"
    submit("honest", SESSION1, support.answered(release1, source1, {q.stem for q in support.autograded_questions(source1)},
                                                written=True))
    submit("blank", SESSION1, release1)
    patch = ("import losi_course.grading.session1 as g\nimport losi_course.checks as ch\n"
             "for n in dir(g):\n    if n.startswith('check_'):\n        setattr(g, n, lambda *a, **k: None)\n"
             "for n in ['check', 'check_defined', 'check_type', 'check_number', 'hidden_check']:\n"
             "    setattr(ch, n, lambda *a, **k: None)\n")
    submit("patcher", SESSION1, support.with_cells(wrong, **{first: patch + wrong_source(wrong, first)}))
    transformer = ("ip = get_ipython()\nip.input_transformers_cleanup.append(\n"
                   "    lambda lines: [] if any('check' in l or 'grading' in l for l in lines) else lines)\n")
    submit("transformer", SESSION1, support.with_cells(wrong, **{first: transformer + wrong_source(wrong, first)}))

    source3, release3 = nb("source", SESSION3), nb("release", SESSION3)
    honest3 = support.answered(release3, source3, {q.stem for q in support.autograded_questions(source3)})
    submit("honest", SESSION3, honest3)
    submit("keyreader", SESSION3, support.with_cells(honest3, content_findings_answer=(
        "from losi_course.velmora.answer_key import load_answer_key\nkey = load_answer_key()\n"
        "content_findings = {i: int(key.loc[i, 'value']) for i in sample_city.CONTENT_SAMPLE}")))
    submit("oracle", SESSION3, support.with_cells(honest3, service_findings_answer=(
        "from losi_course.grading.findings import compare_with_key\n"
        "table = compare_with_key({}, ids=sample_city.SERVICES_SAMPLE)\n"
        "service_findings = {r.id: ('no' if r.accepted == 'no' else 'yes') for r in table.itertuples()}")))
    temporary = Path(tempfile.gettempdir())
    before = set(temporary.glob("losi-course-*"))
    run = support.run_instructor(root, "grade", "--jobs", "2")
    assert "Traceback" not in run.stdout + run.stderr, run.stderr[-3000:]
    left = set(temporary.glob("losi-course-*")) - before
    return {"root": root, "run": run, "rows": support.grade_rows(root / "grades.csv"), "left": left}


def wrong_source(nb, gid):
    return next(c.source for c in nb.cells if support.grade_id(c) == gid)


@pytest.mark.slow
def test_grading_leaves_no_temporary_folder_behind(graded):
    # kernels are stopped at once, before they can clean up: the work files of session 3 must not stay
    assert graded["left"] == set()


@pytest.mark.slow
def test_honest_and_blank_submissions_are_not_flagged(graded):
    rows = graded["rows"]
    assert rows["honest", SESSION1]["status"] == "needs marking"      # its written answer waits for a mark
    assert rows["honest", SESSION1]["autograded"] == rows["honest", SESSION1]["autograded_max"]
    assert rows["blank", SESSION1]["status"] == "final" and float(rows["blank", SESSION1]["total"]) == 0
    assert rows["honest", SESSION3]["status"] == "final"
    assert rows["honest", SESSION3]["autograded"] == rows["honest", SESSION3]["autograded_max"]
    records = GradingRecords(CourseFolder.at(graded["root"]), SESSION1)
    assert records.get("honest").findings == [] and records.get("honest").rechecks == []


@pytest.mark.slow
@pytest.mark.parametrize("who", ["patcher", "transformer"])
def test_tampered_checks_are_flagged_and_score_no_more_than_the_blank(graded, who):
    rows = graded["rows"]
    assert rows[who, SESSION1]["status"] == "flagged"
    assert float(rows[who, SESSION1]["autograded"]) <= float(rows["blank", SESSION1]["autograded"])
    record = GradingRecords(CourseFolder.at(graded["root"]), SESSION1).get(who)
    # in the notebook, the tampered checks passed; run again apart from it, none held
    assert len(record.rechecks) >= 10
    found = " ".join(f["what"] for f in record.findings)
    assert ("setattr" in found) if who == "patcher" else ("input_transformers_cleanup" in found)
    assert f"{who}" in graded["run"].stdout and "FLAGGED" in graded["run"].stdout
    page = support.html_text(graded["root"] / "feedback" / who / SESSION1 / f"{SESSION1}.html")
    assert "not when the grading ran it again" in page or "never recorded" in page
    assert "Under review" in page


@pytest.mark.slow
@pytest.mark.parametrize("who, what", [("keyreader", "load_answer_key"), ("oracle", "compare_with_key")])
def test_the_answer_key_or_a_checker_as_an_oracle_is_flagged(graded, who, what):
    row = graded["rows"][who, SESSION3]
    assert row["status"] == "flagged"
    record = GradingRecords(CourseFolder.at(graded["root"]), SESSION3).get(who)
    assert any(what in f["what"] and f["kind"] == "oracle" for f in record.findings)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded['root'] / 'gradebook.db'}") as gb:
        assert all(nb.flagged for nb in gb.find_submission(SESSION3, who).notebooks)   # Formgrader shows it


@pytest.mark.slow
def test_accepting_the_findings_lets_the_grade_stand_until_they_change(graded):
    root = graded["root"]
    run = support.run_instructor(root, "accept", "keyreader", SESSION3)
    assert run.returncode == 0 and "accepted" in run.stdout
    again = support.run_instructor(root, "grade", SESSION3, "--regrade-autograded")
    assert again.returncode == 0, again.stdout + again.stderr
    assert support.grade_rows(root / "grades.csv")["keyreader", SESSION3]["status"] == "final"
    refused = support.run_instructor(root, "accept", "honest", SESSION3)
    assert refused.returncode == 2 and "not flagged" in refused.stderr
