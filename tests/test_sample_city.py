"""The Velmora exercise helpers (losi_course.sample_city): samples, prepared sheets, key comparison."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from losi_course import sample_city as sc
from losi_course.assessment import Assessment
from losi_course.checks import CheckFailed
from losi_course.errors import LosiInputError
from losi_course.fictional import load_fictional_country
from losi_course.framework import load_instrument
from losi_course.grading import findings as grading_findings
from losi_course.portal import portal_path
from losi_course.velmora.answer_key import load_answer_key
from losi_course.reconcile import reconcile
from losi_course.sheets import read_sheet

LOSI = load_instrument("2024")
KEY = load_answer_key()


def key_value(indicator_id: str) -> int:
    return int(KEY.loc[indicator_id, "value"])


def designed(ids, word=True):
    return {i: ("yes" if key_value(i) else "no") if word else key_value(i) for i in ids}


# ----------------------------------------------------------------------------- indicators and samples
def test_velmora_indicators_accepts_names_and_codes():
    assert sc.velmora_indicators("IF") == sc.velmora_indicators("Institutional Framework")
    assert len(sc.velmora_indicators(["CP", "sp"])) == 52
    every = sc.velmora_indicators(list(LOSI.criteria))
    assert every == list(LOSI.ids)
    with pytest.raises(LosiInputError):
        sc.velmora_indicators("Nonsense")


def test_samples_belong_to_their_criteria_and_mix_answers():
    assert {LOSI[i].criterion for i in sc.CONTENT_SAMPLE} == {"Content Provision"}
    assert {LOSI[i].criterion for i in sc.SERVICES_SAMPLE} == {"Services Provision"}
    assert list(sc.INSTITUTIONAL_SAMPLE) == sc.velmora_indicators("IF")
    for sample in (sc.CONTENT_SAMPLE, sc.SERVICES_SAMPLE, sc.INSTITUTIONAL_SAMPLE):
        accepts = set(KEY.loc[list(sample), "accept"])
        assert {"0", "1"} <= accepts, "each sample needs clear-cut yes and no items"
        assert (KEY.loc[list(sample), "accept"] == "either").sum() == 1
    assert 10 <= len(sc.CONTENT_SAMPLE) + len(sc.SERVICES_SAMPLE) <= 14


# ----------------------------------------------------------------------------- prepared sheets
def test_assessor_sheets_are_deterministic_and_valid(tmp_path):
    first = sc.assessor_sheets(tmp_path / "one")
    second = sc.assessor_sheets(tmp_path / "two")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    sheet_a, sheet_b = (read_sheet(p) for p in first)
    assert sheet_a.is_complete and sheet_b.is_complete
    assert (sheet_a.city, sheet_a.assessor, sheet_b.assessor) == ("Velmora", sc.ASSESSOR_A, sc.ASSESSOR_B)
    assert "fictional" in sheet_a.country


def test_sheets_differ_exactly_in_the_designed_places():
    a, b = sc.assessor_assessments()
    differ = [k for k in LOSI.ids if a[k].value != b[k].value]
    assert sorted(differ) == sorted(sc.designed_disagreements())
    assert 8 <= len(differ) <= 14
    assert sum(LOSI[k].criterion == "Institutional Framework" for k in differ) >= 2
    borderline_or_human = [k for k in differ if KEY.loc[k, "accept"] == "either" or LOSI[k].automation == "HUMAN"]
    plain = [k for k in differ if k not in borderline_or_human]
    assert len(borderline_or_human) > len(differ) / 2
    assert 1 <= len(plain) <= 5
    for k in differ:  # one of the two is right on every clear-cut disagreement
        if KEY.loc[k, "accept"] != "either":
            assert key_value(k) in (a[k].value, b[k].value)
        assert a[k].note and b[k].note, f"{k}: both assessors explain their answer"
    for k in LOSI.ids:  # everywhere else both give the designed answer
        if k not in differ:
            assert a[k].value == key_value(k)


def test_evidence_points_at_pages_of_the_portal():
    site = portal_path()
    for sheet in sc.assessor_assessments():
        for key, answer in sheet.answers.items():
            for url in filter(None, (u.strip() for u in answer.evidence.split("|"))):
                assert url.startswith(sc.PORTAL_URL), url
                assert (site / url[len(sc.PORTAL_URL):]).is_file(), f"{key}: {url}"


def test_reconciliation_of_the_prepared_sheets(tmp_path):
    path_a, path_b = sc.assessor_sheets(tmp_path)
    result = reconcile(path_a, path_b)
    n = len(sc.designed_disagreements())
    assert result.n_compared == 95 and not result.unanswered
    assert result.agreement == pytest.approx((95 - n) / 95)
    assert result.kappa is not None and 0.4 < result.kappa < 0.95
    assert result.by_criterion["agreement"].astype(float).idxmin() == "Institutional Framework"
    table = result.disagreement_table()
    assert table["note_a"].str.len().gt(0).all() and table["note_b"].str.len().gt(0).all()
    resolved = result.consensus({k: key_value(k) for k in result.disagreements})
    assert resolved.values() == {k: key_value(k) for k in LOSI.ids}


def test_team_sheet_leaves_the_asked_items_blank(tmp_path):
    # as in session 3: its own 14 indicators, and the six that session 5 grades
    blank = sc.CONTENT_SAMPLE + sc.SERVICES_SAMPLE + sc.INSTITUTIONAL_SAMPLE
    team = read_sheet(sc.team_sheet(tmp_path, leave_blank=blank))
    assert sorted(team.unanswered) == sorted(blank)
    for k in LOSI.ids:
        if k not in blank:
            assert team[k].value == key_value(k)
    for k in sc.INSTITUTIONAL_SAMPLE:
        assert team[k].evidence == "" and "session 5" in team[k].note
    text = (tmp_path / "velmora-team.csv").read_text(encoding="utf-8")
    for k in sc.INSTITUTIONAL_SAMPLE:   # nothing in the file hints at the graded answers
        assert KEY.loc[k, "note"] not in text
    velmora = sc.with_findings(team, designed(sc.CONTENT_SAMPLE), designed(sc.SERVICES_SAMPLE))
    assert sorted(velmora.unanswered) == sorted(sc.INSTITUTIONAL_SAMPLE)
    assert len(team.unanswered) == len(blank)  # a copy: the team sheet is unchanged
    complete = sc.with_findings(velmora, designed(sc.INSTITUTIONAL_SAMPLE))
    assert complete.is_complete
    with pytest.raises(LosiInputError, match="no yes or no answer"):
        sc.with_findings(team, {"221": ...})
    with pytest.raises(LosiInputError, match="no yes or no answer"):
        sc.with_findings(team, {"221": "maybe"})


def test_peers_are_estoria_without_velmora():
    table = sc.peers()
    assert table.shape[1] == 95 and "Velmora" not in table.index
    assert table.attrs["fictional"] is True
    assert table.equals(load_fictional_country().consensus)


# ----------------------------------------------------------------------------- findings
def test_form_findings_prints_a_dictionary_to_paste(tmp_path, capsys):
    from losi_course.widgets import assessment_form

    form = assessment_form(tmp_path / "v.csv", city="Velmora")
    form.set("221", "no")
    form.set("228", "not sure")
    sc.form_findings(form, ["221", "228"], name="content_findings")
    printed = capsys.readouterr().out
    namespace = {}
    exec(printed, namespace)  # the printed text is valid Python
    assert namespace["content_findings"] == {"221": "no", "228": ...}


def test_parse_findings_names_each_problem():
    ids = ["221", "228"]
    assert sc.parse_findings({"#221": 0, 228: True}, ids, "f") == {"221": 0, "228": 1}
    problems = {
        "no entry for 228": {"221": "no"},
        "not part of this question: 999": {"221": "no", "228": "no", "999": "yes"},
        "no answer yet for 228": {"221": "no", "228": "not sure"},
        "is 'maybe'": {"221": "no", "228": "maybe"},
        "should be a dictionary": ["221", "228"],
        "has no answer yet": ...,
    }
    for words, value in problems.items():
        with pytest.raises(CheckFailed, match=words):
            sc.parse_findings(value, ids, "f")


def test_compare_with_key_explains_misses_and_accepts_either_for_borderline():
    findings = designed(sc.CONTENT_SAMPLE)
    findings["243"] = "yes"                                  # a clear-cut miss
    findings["296"] = "no" if key_value("296") else "yes"    # the borderline item, other answer
    table = grading_findings.compare_with_key(findings, ids=sc.CONTENT_SAMPLE)
    assert list(table["id"]) == list(sc.CONTENT_SAMPLE)
    misses = table[~table["ok"]]
    assert list(misses["id"]) == ["243"]
    assert misses.iloc[0]["note"] == KEY.loc["243", "note"]
    border = table.set_index("id").loc["296"]
    assert border["ok"] and border["borderline"] and border["accepted"] == "yes or no (borderline)"
    for value in ("yes", "no"):
        assert grading_findings.compare_with_key({"216": value}, criteria="IF").set_index("id").loc["216", "ok"]
    by_criterion = grading_findings.compare_with_key({}, criteria="SP")
    assert len(by_criterion) == 22 and not by_criterion["ok"].any()


def test_grade_findings_threshold_and_explanations():
    findings = designed(sc.SERVICES_SAMPLE)
    clear = [i for i in sc.SERVICES_SAMPLE if KEY.loc[i, "accept"] != "either"]
    result = grading_findings.grade_findings(findings, sc.SERVICES_SAMPLE, "service_findings")
    assert (result.n_clear, result.n_right, result.needed) == (len(clear), len(clear), 5)
    findings[clear[0]] = "no" if key_value(clear[0]) else "yes"
    findings[clear[1]] = "no" if key_value(clear[1]) else "yes"
    result = grading_findings.grade_findings(findings, sc.SERVICES_SAMPLE, "service_findings")
    assert not result.full_points and len(result.misses) == 2
    assert KEY.loc[clear[0], "note"] in result.explanations()


def test_review_findings_checks_the_shape_only(capsys):
    """The visible check cannot be used to find the key: its output is the same for any answers."""
    for ids, name in ((sc.CONTENT_SAMPLE, "content_findings"), (sc.SERVICES_SAMPLE, "service_findings"),
                      (sc.INSTITUTIONAL_SAMPLE, "if_findings")):
        right = designed(ids)
        flipped = {i: "no" if v == "yes" else "yes" for i, v in right.items()}
        outputs = []
        for findings in (right, flipped, {i: 1 for i in ids}, {i: False for i in ids}):
            sc.review_findings(findings, ids, name)
            outputs.append(capsys.readouterr().out)
        assert len(set(outputs)) == 1, outputs
        shown = outputs[0]
        assert shown.startswith(f"✓ All {len(ids)} indicators in {name} have an answer.")
        assert "when your notebook is graded" in shown
        for i in ids:                      # no id, page, note or count of agreeing answers
            assert i not in shown and KEY.loc[i, "note"] not in shown
        assert not any(ch.isdigit() for ch in shown.replace(str(len(ids)), ""))
    ids = list(sc.CONTENT_SAMPLE)
    problems = {
        "no entry for 296": {i: "no" for i in ids[:-1]},
        "no answer yet for 221": {**{i: "no" for i in ids}, "221": ...},
        "228 is 'maybe'; 232 is 2": {**{i: "no" for i in ids}, "228": "maybe", "232": 2},
        "should be a dictionary": ids,
    }
    for words, value in problems.items():
        with pytest.raises(CheckFailed, match=re.escape(words)):
            sc.review_findings(value, ids, "content_findings")
    both = {**{i: "no" for i in ids[:-1]}, "221": ...}
    with pytest.raises(CheckFailed) as failure:
        sc.review_findings(both, ids, "content_findings")
    assert "no entry for 296" in str(failure.value) and "no answer yet for 221" in str(failure.value)


def test_explain_findings_gives_the_graded_feedback_on_request(capsys):
    findings = designed(sc.INSTITUTIONAL_SAMPLE)
    findings["224"] = "no" if key_value("224") else "yes"            # a clear-cut miss
    sc.explain_findings(findings, sc.INSTITUTIONAL_SAMPLE)
    shown = capsys.readouterr().out
    for i in sc.INSTITUTIONAL_SAMPLE:
        assert f"• {i} " in shown and KEY.loc[i, "note"] in shown
    line_224 = next(line for line in shown.splitlines() if "• 224 " in line)
    assert "(different)" in line_224
    line_281 = next(line for line in shown.splitlines() if "• 281 " in line)
    assert "(same)" in line_281
    assert "borderline, either answer is accepted" in next(line for line in shown.splitlines() if "• 216 " in line)
    assert grading_findings.grade_findings(findings, sc.INSTITUTIONAL_SAMPLE, "x").headline() in shown
    doc = sc.explain_findings.__doc__
    assert "studying on your own" in doc and "graded" in doc and "feedback" in doc
    with pytest.raises(CheckFailed, match="no answer yet"):
        sc.explain_findings({**findings, "224": ...}, sc.INSTITUTIONAL_SAMPLE)


def test_docstrings_do_not_list_answers():
    from losi_course.grading import session1, session2, session3, session5

    graded = set(sc.CONTENT_SAMPLE + sc.SERVICES_SAMPLE + sc.INSTITUTIONAL_SAMPLE) | set(sc.designed_disagreements())
    module_doc = sc.__doc__.lower()
    assert "mistake" not in module_doc and "borderline items" not in module_doc
    for module in (sc, session1, session2, session3, session5):
        for name in dir(module):
            function = getattr(module, name)
            if callable(function) and getattr(function, "__module__", "") == module.__name__:
                doc = function.__doc__ or ""
                for i in graded:
                    assert f"• {i} " not in doc, f"{module.__name__}.{name} explains {i}"
    for level_counts in ("38", "37", "36", "45", "27", "26"):   # the two fitting sets of session 1
        doc = session1.check_level_counts_2022.__doc__
        assert not re.search(rf"(?<!\d){level_counts}(?!\d)", doc.split("Example:")[1]), level_counts


# ----------------------------------------------------------------------------- files and portal
def test_work_folder_keeps_course_folders_clean(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    workspace = tmp_path / "workspace" / "session3"
    workspace.mkdir(parents=True)
    monkeypatch.chdir(workspace)
    assert sc.work_folder() == Path(".")
    course = tmp_path / "course"
    (course / "source" / "session3").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("")
    monkeypatch.chdir(course / "source" / "session3")
    assert course not in sc.work_folder().resolve().parents
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert sc.work_path("x.csv").parent.resolve() != workspace.resolve()


def test_open_portal_serves_on_loopback_and_restarts_cleanly(capsys):
    first = sc.open_portal(port=0)
    second = sc.open_portal(port=0)
    try:
        assert not first.running and second.running
        assert second.host == "127.0.0.1"
        with urllib.request.urlopen(second.url + "about.html", timeout=5) as response:
            assert response.status == 200
        assert "this computer only" in capsys.readouterr().out
    finally:
        second.stop()


def test_helpers_never_need_the_key_in_a_notebook():
    # The participants' notebooks reach the key only through checkers and review_findings; the
    # self-study aid explain_findings is pointed out in the text, never run by the notebook.
    import nbformat

    root = Path(__file__).resolve().parent.parent
    for session in ("session3", "session5"):
        path = root / "source" / session / f"{session}.ipynb"
        cells = nbformat.read(path, as_version=4).cells
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        text = "\n".join(c.source for c in cells)
        for forbidden in ("load_answer_key", "answer_key", "compare_with_key", "grade_findings"):
            assert forbidden not in text, f"{session} mentions {forbidden}"
        assert "explain_findings" not in code and "explain_findings" in text
    assert isinstance(sc.team_assessment(), Assessment)
