"""Checks a learner can trust: every visible check judges correctness, wrong answers and the
commonest beginner mistakes get a hint without a traceback, and Run All never stops halfway.

The slow tests run the *release* notebooks (what participants get) in a real kernel: once blank,
and once with the wrong answers and mistakes listed below in place of the solutions. The round
trip (blank 0, solution full, partial in between, validate and --invert) is proven by
test_nbgrader_pipeline.py on the same notebooks.
"""

from __future__ import annotations

import importlib
import re

import numpy as np
import pandas as pd
import pytest

import nbgrader_support as support
from conftest import ROOT, visible_part
from losi_course.authoring import autograded_questions, nbgrader_meta, stem_of, written_ids
from losi_course.checks import CheckFailed

SESSIONS = ["session1", "session2", "session3", "session4", "session5", "session6"]


def exercise_module(session):
    return importlib.import_module(f"losi_course.exercises.{session}")


# ----------------------------------------------------------------------------- the registry
@pytest.mark.parametrize("session", SESSIONS)
def test_each_session_lists_its_questions_as_the_notebook_has_them(session):
    nb = support.read(ROOT / "source" / session / f"{session}.ipynb")
    registry = exercise_module(session).QUESTIONS
    in_notebook = autograded_questions(nb)
    assert [q.stem for q in registry.questions] == [q.stem for q in in_notebook]
    assert [q.points for q in registry.questions] == [q.points for q in in_notebook]
    written = sum(float(nbgrader_meta(c)["points"]) for c in nb.cells if support.grade_id(c) in written_ids(nb))
    assert registry.written_points == written
    headings = [int(m) for c in nb.cells if c.cell_type == "markdown"
                for m in re.findall(r"^### Question (\d+) ", c.source, re.M)]
    assert [q.number for q in registry.questions] == headings


@pytest.mark.parametrize("session", SESSIONS)
def test_every_visible_check_asks_the_library_and_carries_no_answer(session):
    registry = exercise_module(session).QUESTIONS
    for question in registry.questions:
        code = visible_part(session, question.stem)
        call = f'exercise.check("{question.stem}", {", ".join(question.inputs)})'
        assert call in code, f"{question.stem}_check should call {call}"
        literals = set(re.findall(r"\b\d+\.\d+|\b\d{2,}\b", code))
        assert not literals, f"{question.stem}_check shows numbers {literals}"


WRONG_TYPES = [None, ..., "text", "12", [1, 2], {"a": 1}, (1,), pd.DataFrame(), pd.DataFrame({"x": [1]}),
               pd.Series(dtype=float), pd.Series(["a", "b"]), np.array([1.0, 2.0]), pd.Categorical(["a"]),
               float("nan"), True, object()]


@pytest.mark.parametrize("session", SESSIONS)
def test_a_check_never_crashes_on_a_wrong_type_of_answer(session):
    registry = exercise_module(session).QUESTIONS
    for question in registry.questions:
        for wrong in WRONG_TYPES:
            values = [wrong] + [...] * (len(question.inputs) - 1)
            with pytest.raises(CheckFailed, match="^Not yet: "):
                registry.check(question.stem, *values)


# ----------------------------------------------------------------------------- in a real kernel
#: The wrong answers and mistakes tried per session: answer cell -> code, and what the check says.
WRONG = {
    "session1": {
        "world_mean": ('world_mean = egdi["osi_2022"].mean()', "not the average EGDI"),
        "regional_means": ('regional_means = egdi.groupby("subregion")["egdi_2022"].mean()', "one per region"),
        "egdi_level_counts": ('egdi_level_counts = egdi["egdi_level"].value_counts(normalize=True)', "Not yet"),
        "ldc_mean": ('ldc_mean = egdi.loc[egdi["lldc"], "egdi_2022"].mean()', "least developed"),
        "my_country": ('my_country = "Thailand"\nmy_row = egdi[egdi["country"] == my_country]\n'
                       'my_rank = my_row["egdi_2022"].item()\nmy_level = my_row["egdi_level"].item()',
                       "not the EGDI 2022 rank"),
        "not_assessed": ("not_assessed = cities_targeted", "Not yet"),
        "level_counts_2022": ("level_counts_2022 = first_try", "Not yet"),
        "low_or_middle_pct": ('low_or_middle_pct = level_pcts["Middle"] + level_pcts["High"]', "middle and low"),
        "features_below_half": ('features_below_half = (participation["pct_cities_2022"] < 0.5).sum()', "below 50"),
        "toy_losi": ("toy_losi = 61 // 86", "Not yet"),
        "very_high_minimum": ("very_high_minimum = 64", "'above', not 'equal to'"),
    },
    "session2": {
        "jordan_portals": ("jordan_portals = 13", "number of researchers, not portals"),
        "portals_per_researcher": ("portals_per_researcher = 13 / 19", "upside down"),
        "n_with_portal": ("n_with_portal = len(estoria.municipalities)", "counts every municipality"),
        "scores": ("scores = lc.score_table(estoria.assessments_a)", "not one assessor's table"),
        "ranks": ('ranks = scores["losi"].rank()', "last place"),
        "level_counts": ('level_counts = scores["level"]', "Not yet"),
        "national_criteria": ("national_criteria = scores[criteria].median()", "Not yet"),
        "weakest_criterion": ("weakest_criterion = national_criteria.idxmax()", "lowest national average"),
        "regional_losi": ('regional_losi = scores_with_region.groupby("Region")["losi"].mean()',
                          'Did you mean "region"'),
        "agreement_share": ("agreement_share = 100 * same.mean(axis=None)", "not a percentage"),
    },
    "session3": {
        "services_score": ("services_score = velmora_score.losi", "overall LOSI"),
        "peer_services_mean": ('peer_services_mean = peer_scores["losi"].mean()', "average LOSI"),
        "gaps": ("gaps = lc.gap_analysis(velmora)", "published 2022 shares"),
        "quick_wins": ('quick_wins = list(gaps["id"].head(5))', "Not yet"),
    },
    "session4": {
        "greece_municipalities": ('greece_municipalities = pilots.loc["Uzbekistan", "cities_assessed"]', "Not yet"),
        "greece_level": ('greece_level = "Very high"', "Not yet"),
        "tunisia_low": ("tunisia_low = 63 * 24 / 100", "whole number"),
        "fits_95": ('fits_95 = lc.fits_share_of(cities_2024["losi_2024"], 96).notna().sum()', "share of 95"),
        "gain": ('gain = scores_1["indicators_met"] - scores_2["indicators_met"]', "wrong way round"),
        "criterion_change": ("criterion_change = scores_2[criteria].mean()", "Not yet"),
        "beyond_disagreement": ('beyond_disagreement = (scores_2["indicators_met"] > scores_1["indicators_met"]).sum()',
                                "counts every municipality that improved"),
        "machine_decided": ("machine_decided = len(audit)", "counts every indicator"),
    },
    "session5": {
        "n_disagreements": ("n_disagreements = result.n_compared", "Not yet"),
        "observed_agreement": ("observed_agreement = both_yes + both_no", "not a percentage"),
        "chance_agreement": ("b_yes_share = (both_yes + a_no_b_yes) / total\n"
                             "chance_agreement = a_yes_share * b_yes_share", "Not yet"),
        # with right inputs, so that only the missing brackets are wrong
        "kappa_by_hand": ("o = (both_yes + both_no) / total\nb = (both_yes + a_no_b_yes) / total\n"
                          "c = a_yes_share * b + (1 - a_yes_share) * (1 - b)\nkappa_by_hand = o - c / 1 - c",
                          "Mind the brackets"),
        "least_agreed": ('least_agreed = result.by_criterion["agreement"].idxmax()', "lowest agreement"),
        "consensus_losi": ("consensus_losi = lc.score_assessment(sheet_a).losi", "Not yet"),
    },
    "session6": {
        "machine_met": ('machine_met = (audit["outcome"] == "review").sum()', "Not yet"),
        "ahead_of_peers": ('ahead_of_peers = peer_scores["losi"].mean() - velmora_score.losi', "wrong way round"),
        "quick_wins": ('quick_wins = list(city_gaps["id"].head(3))', "should hold 5"),
    },
}


#: The commonest beginner mistakes, each tried in an otherwise blank release notebook.
MISTAKES = {
    "session1": {
        "world_mean": ('world_mean = egdi["EGDI_2022"].mean()', 'Did you mean "egdi_2022"'),
        "regional_means": ('regional_means = egdi.groupby("...")["..."].mean()', "Replace the ..."),
        "egdi_level_counts": ('egdi_level_counts = egdi["egdi_level"]', "Not yet"),
        "my_country": ('my_country = "Tailand"\nmy_row = egdi[egdi["country"] == my_country]\n'
                       'my_rank = my_row["egdi_rank_2022"].item()\nmy_level = my_row["egdi_level"].item()',
                       'Did you mean "Thailand"'),
    },
    "session2": {
        "n_with_portal": ('n_with_portal = estoria.municipalities["Has_portal"].sum()', 'Did you mean "has_portal"'),
        "scores": ("scores = lc.score_table(...)", "Replace the ..."),
    },
    "session3": {"content_findings": ('content_findings = {"221": yes}', "Put yes in quotes")},
    "session4": {"n_improved": ('n_improved = (Gain > 0).sum()', "no value yet")},
    "session5": {"if_findings": ('if_findings = {"281": yes, "215": "yes"}', "Put yes in quotes")},
    "session6": {"tech_findings": ('tech_findings = {"204": "yes", "205": ...}', "no answer yet")},
}


def _run(nb, session):
    from nbclient import NotebookClient

    folder = ROOT / "release" / session
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def _is_short_hint(error) -> bool:
    lines = [line for line in error.traceback if line.strip()]
    return len(lines) <= 2 and lines[0].startswith("✗")


def _answered_release(session, wrong: dict[str, str], solutions: bool = True):
    release = support.read(ROOT / "release" / session / f"{session}.ipynb")
    source = support.read(ROOT / "source" / session / f"{session}.ipynb")
    nb = support.answered(release, source, {q.stem for q in autograded_questions(source)} if solutions else set())
    for cell in nb.cells:
        stem = stem_of(support.grade_id(cell))
        if support.grade_id(cell).endswith("_answer") and stem in wrong:
            cell.source = wrong[stem]
    return nb


def _assert_hints(nb, tried):
    checks = {stem_of(support.grade_id(c)): c for c in nb.cells if support.grade_id(c).endswith("_check")}
    for stem, (_, expected) in tried.items():
        errors = _errors(checks[stem])
        shown = "\n".join(line for e in errors for line in e.traceback)
        assert errors, f"{stem}: the wrong answer passed its visible check"
        assert all(_is_short_hint(e) for e in errors), f"{stem}: a traceback instead of a hint:\n{shown[:600]}"
        answer_errors = [e for c in nb.cells if support.grade_id(c) == f"{stem}_answer" for e in _errors(c)]
        hints = shown + "\n".join(line for e in answer_errors for line in e.traceback)
        assert expected in hints, f"{stem}: the hint does not say {expected!r}:\n{hints[:600]}"
    raw = [c.source[:60] for c in nb.cells for e in _errors(c) if not _is_short_hint(e)]
    assert not raw, f"cells show a raw traceback: {raw}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "Run All stopped before the last cell"


@pytest.mark.slow
@pytest.mark.parametrize("session", SESSIONS)
def test_wrong_answers_fail_their_visible_check_with_a_hint_and_no_traceback(session):
    tried = WRONG[session]
    _assert_hints(_run(_answered_release(session, {stem: code for stem, (code, _) in tried.items()}), session), tried)


@pytest.mark.slow
@pytest.mark.parametrize("session", SESSIONS)
def test_a_half_finished_release_runs_to_its_last_cell_with_a_hint_at_each_mistake(session):
    tried = MISTAKES[session]
    nb = _run(_answered_release(session, {stem: code for stem, (code, _) in tried.items()}, solutions=False),
              session)
    _assert_hints(nb, tried)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "Run All stopped before the last cell"
    for cell in code:
        for error in _errors(cell):
            assert _is_short_hint(error), f"a raw traceback in {cell.source[:80]!r}"
    for cell in nb.cells:
        if support.grade_id(cell).endswith("_check"):
            shown = " ".join(line for e in _errors(cell) for line in e.traceback)
            assert "no value yet" in shown or "not answered yet" in shown or "Not yet" in shown, shown
    progress = "".join(o.get("text", "") for o in code[-1].outputs if o.output_type == "stream")
    if "progress" in code[-2].source + code[-1].source:
        progress = "".join(o.get("text", "") for c in code[-2:] for o in c.outputs if o.output_type == "stream")
    assert "not answered" in progress and "Points so far: 0 of" in progress
