"""Checkers of sessions 3 and 5: pass on answers computed independently here, fail on wrong ones.

The "correct" answers are rebuilt in this file from the answer key, the fictional country and
the scoring functions, not from the checkers' own helpers.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import notebook_cells, run_visible

from losi_course.assessment import Assessment
from losi_course.checks import CheckFailed
from losi_course.fictional import load_fictional_country
from losi_course.framework import load_instrument
from losi_course.grading import session3 as g3
from losi_course.grading import session5 as g5
from losi_course.velmora.answer_key import load_answer_key
from losi_course.reconcile import reconcile
from losi_course.sample_city import (CONTENT_SAMPLE, INSTITUTIONAL_SAMPLE, SERVICES_SAMPLE,
                                     assessor_sheets)
from losi_course.scoring import gap_analysis, score_assessment, score_table

ROOT = Path(__file__).resolve().parent.parent
LOSI = load_instrument("2024")
KEY = load_answer_key()


def value(i: str) -> int:
    return int(KEY.loc[i, "value"])


def words(ids, flip=()):
    return {i: ("yes" if value(i) != (i in flip) else "no") for i in ids}


@pytest.fixture(scope="module")
def content():
    return words(CONTENT_SAMPLE)


@pytest.fixture(scope="module")
def services():
    return words(SERVICES_SAMPLE)


@pytest.fixture(scope="module")
def velmora():
    # The team sheet plus the designed findings is the designed answer for every indicator, except
    # the six institutional-framework ones, which session 3 leaves empty (session 5 grades them).
    return Assessment.from_values({i: value(i) for i in LOSI.ids if i not in INSTITUTIONAL_SAMPLE},
                                  city="Velmora")


def partial(sheet):
    return score_assessment(sheet, unanswered="not found")


@pytest.fixture(scope="module")
def peers():
    return load_fictional_country().consensus


# ----------------------------------------------------------------------------- session 3
def test_findings_checker_passes_and_explains_tolerated_misses(content, capsys):
    g3.check_content_findings(content)
    clear = [i for i in CONTENT_SAMPLE if KEY.loc[i, "accept"] != "either"]
    border = next(i for i in CONTENT_SAMPLE if KEY.loc[i, "accept"] == "either")
    g3.check_content_findings(words(CONTENT_SAMPLE, flip=[border]))      # borderline: either answer
    capsys.readouterr()
    g3.check_content_findings(words(CONTENT_SAMPLE, flip=clear[:1]))     # one miss: still full points
    out = capsys.readouterr().out
    assert "passed the hidden checks" in out and KEY.loc[clear[0], "note"] in out


def test_findings_checker_fails_and_explains_every_miss(services):
    clear = [i for i in SERVICES_SAMPLE if KEY.loc[i, "accept"] != "either"]
    with pytest.raises(CheckFailed) as failure:
        g3.check_service_findings(words(SERVICES_SAMPLE, flip=clear[:2]))
    message = str(failure.value)
    for i in clear[:2]:
        assert KEY.loc[i, "note"] in message and f"• {i} " in message
    for broken in ({**services, "255": ...}, {k: v for k, v in services.items() if k != "255"}, "yes", None):
        with pytest.raises(CheckFailed):
            g3.check_service_findings(broken)


def test_velmora_score_and_services_score(content, services, velmora):
    expected = partial(velmora)
    assert sorted(expected.unanswered) == sorted(INSTITUTIONAL_SAMPLE)
    assert expected.criteria["Institutional Framework"] == 0
    g3.check_velmora_score(expected, content, services)
    g3.check_services_score(expected.criteria["Services Provision"], content, services)
    wrong = score_assessment(Assessment.from_values({i: 1 for i in LOSI.ids}))
    complete = velmora.copy()                       # the IF answers filled in: not session 3's sheet
    for i in INSTITUTIONAL_SAMPLE:
        complete.set(i, value(i))
    team_only = velmora.copy()                      # the findings left out
    for i in CONTENT_SAMPLE:
        team_only.set(i, "")
    for bad in (wrong, score_assessment(complete), partial(team_only), expected.losi, "0.6"):
        with pytest.raises(CheckFailed):
            g3.check_velmora_score(bad, content, services)
    with pytest.raises(CheckFailed, match="counts some of your findings as unanswered"):
        g3.check_velmora_score(partial(team_only), content, services)
    for bad in (expected.losi, expected.criteria["Content Provision"], 54.5):
        with pytest.raises(CheckFailed):
            g3.check_services_score(bad, content, services)
    with pytest.raises(CheckFailed, match="must be complete first"):
        g3.check_velmora_score(expected, {**content, "221": ...}, services)


def test_scores_follow_the_participants_own_findings(content, services, velmora):
    flipped = words(SERVICES_SAMPLE, flip=["255"])
    own = velmora.copy()
    own.set("255", flipped["255"])
    g3.check_velmora_score(partial(own), content, flipped)
    with pytest.raises(CheckFailed):
        g3.check_velmora_score(partial(velmora), content, flipped)


def test_peer_services_mean(peers):
    scores = score_table(peers)
    g3.check_peer_services_mean(scores["Services Provision"].mean())
    for bad in (scores["losi"].mean(), scores["Content Provision"].mean(), scores["Services Provision"].median()):
        with pytest.raises(CheckFailed):
            g3.check_peer_services_mean(bad)


def test_gaps(content, services, velmora, peers):
    gaps = gap_analysis(velmora, peers=peers)
    g3.check_gaps(gaps, content, services)
    with pytest.raises(CheckFailed, match="published 2022 shares"):
        g3.check_gaps(gap_analysis(velmora), content, services)
    with pytest.raises(CheckFailed, match="order"):
        g3.check_gaps(gaps.sort_values("id"), content, services)
    with pytest.raises(CheckFailed):
        g3.check_gaps(gaps.head(5), content, services)
    with pytest.raises(CheckFailed):
        g3.check_gaps(list(gaps["id"]), content, services)


def test_quick_wins(content, services, velmora, peers):
    gaps = gap_analysis(velmora, peers=peers)
    mine = gaps[gaps["criterion"].isin(["Content Provision", "Services Provision"])]
    top = list(mine["id"].head(5))
    g3.check_quick_wins(top, content, services)
    g3.check_quick_wins(list(reversed(top)), content, services)          # any order
    g3.check_quick_wins(mine.head(5), content, services)                 # the rows themselves
    # a tie at the fifth place: any of the tied indicators counts
    fifth = mine["peer_share"].iloc[4]
    tied = [i for i in mine.loc[mine["peer_share"] == fifth, "id"] if i not in top]
    if tied:
        g3.check_quick_wins(top[:4] + tied[:1], content, services)
    for bad in (list(gaps["id"].head(5)), top[:4], top[:4] + [top[0]], list(mine["id"].iloc[5:10]),
                top[:4] + ["281"]):
        if set(bad) == set(top):
            continue
        with pytest.raises(CheckFailed):
            g3.check_quick_wins(bad, content, services)


# ----------------------------------------------------------------------------- session 5
@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path_a, path_b = assessor_sheets(tmp_path_factory.mktemp("sheets"))
    return reconcile(path_a, path_b)


def test_if_findings():
    g5.check_if_findings(words(INSTITUTIONAL_SAMPLE))
    with pytest.raises(CheckFailed) as failure:
        g5.check_if_findings(words(INSTITUTIONAL_SAMPLE, flip=["224", "242"]))
    assert KEY.loc["224", "note"] in str(failure.value)


def test_counts_and_kappa_by_hand(result):
    a = [result.a[k].value for k in LOSI.ids]
    b = [result.b[k].value for k in LOSI.ids]
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    kappa = (observed - chance) / (1 - chance)
    g5.check_n_disagreements(sum(x != y for x, y in zip(a, b)))
    g5.check_observed_agreement(observed)
    g5.check_observed_agreement(round(observed, 3))     # rounded hand calculations are fine
    g5.check_chance_agreement(chance)
    g5.check_kappa_by_hand(kappa)
    assert kappa == pytest.approx(result.kappa)
    bad_cases = [
        (g5.check_n_disagreements, [n, 0, 12.5]),
        (g5.check_observed_agreement, [100 * observed, 1 - observed]),
        (g5.check_chance_agreement, [observed, pa * pb, 0.5]),
        (g5.check_kappa_by_hand, [observed - chance / (1 - chance), observed, 1.5]),
    ]
    for checker, values in bad_cases:
        for bad in values:
            with pytest.raises(CheckFailed):
                checker(bad)


def test_least_agreed(result):
    g5.check_least_agreed("Institutional Framework")
    g5.check_least_agreed(" institutional   FRAMEWORK ")
    g5.check_least_agreed("IF")
    for bad in ("Technology", "Nowhere", 0.5):
        with pytest.raises(CheckFailed):
            g5.check_least_agreed(bad)


def test_resolutions_and_consensus(result):
    right = {k: value(k) for k in result.disagreements}
    g5.check_resolutions(right)
    g5.check_consensus_losi(score_assessment(result.consensus(right)).losi, right)
    a_side = {k: result.a[k].value for k in result.disagreements}
    with pytest.raises(CheckFailed) as failure:
        g5.check_resolutions(a_side)
    assert "What differs, and why" in str(failure.value)
    # the consensus is graded against the participant's own resolutions
    own = score_assessment(result.consensus(a_side)).losi
    g5.check_consensus_losi(own, a_side)
    with pytest.raises(CheckFailed):
        g5.check_consensus_losi(own, right)
    with pytest.raises(CheckFailed, match="complete first"):
        g5.check_consensus_losi(own, {k: v for k, v in right.items() if k != "224"})


# ----------------------------------------------------------------------------- the notebooks
@pytest.mark.parametrize("session, module", [("session3", g3), ("session5", g5)])
def test_hidden_blocks_call_existing_checkers_with_the_right_arguments(session, module):
    for gid, cell in notebook_cells(session).items():
        if not gid.endswith("_check"):
            continue
        hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        calls = [n for n in ast.walk(ast.parse(hidden)) if isinstance(n, ast.Call)]
        assert len(calls) == 1, gid
        name = calls[0].func.attr
        assert name == f"check_{gid[:-len('_check')]}", gid
        parameters = inspect.signature(getattr(module, name)).parameters
        assert len(parameters) == len(calls[0].args), gid


def test_notebook_templates_match_the_library():
    cells = notebook_cells("session3")
    for stem, ids in (("content_findings", CONTENT_SAMPLE), ("service_findings", SERVICES_SAMPLE)):
        listed = re.findall(r'^#\s+"([^"]+)": \.\.\.,', cells[f"{stem}_answer"].source, re.M)
        assert listed == list(ids)
    cells = notebook_cells("session5")
    listed = re.findall(r'^#\s+"([^"]+)": \.\.\.,', cells["resolutions_answer"].source, re.M)
    assert listed == g5.velmora_reconciliation().disagreements
    listed = re.findall(r'^#\s+"([^"]+)": \.\.\.,', cells["if_findings_answer"].source, re.M)
    assert listed == list(INSTITUTIONAL_SAMPLE)


@pytest.mark.parametrize("session, stem, good", [
    ("session3", "peer_services_mean", "PEER_SERVICES"),
    ("session5", "n_disagreements", np.int64(12)),
])
def test_visible_checks_accept_numpy_numbers_and_explain_text(session, stem, good, capsys):
    if good == "PEER_SERVICES":
        good = np.float64(score_table(load_fictional_country().consensus)["Services Provision"].mean())
    run_visible(session, stem, **{stem: good})
    assert f"✓ {stem} is right." in capsys.readouterr().out
    for bad in (str(good), [good], {"x": good}):
        with pytest.raises(CheckFailed, match="^Not yet: .*should be"):
            run_visible(session, stem, **{stem: bad})


def test_visible_check_of_least_agreed_ignores_case(result, capsys):
    lowest = result.by_criterion["agreement"].astype(float).idxmin()
    run_visible("session5", "least_agreed", least_agreed="  " + lowest.lower() + " ", result=result)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="^Not yet: least_agreed should be"):
        run_visible("session5", "least_agreed", least_agreed=0.5, result=result)


def test_session3_team_sheet_leaves_the_session5_indicators_empty():
    source = notebook_cells("session3")["code-06"].source
    assert "INSTITUTIONAL_SAMPLE" in source and "leave_blank=" in source
    assert 'unanswered="not found"' in notebook_cells("session3")["velmora_score_answer"].source


def test_session5_asks_question_1_before_showing_the_assessors_sheets():
    cells = list(notebook_cells("session5").values())
    ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in cells]
    first_sheet = next(n for n, c in enumerate(cells) if c.cell_type == "code" and re.search(
        r"assessor_sheets|assessor_assessments|reconcile\(|read_sheet|team_sheet", c.source))
    assert ids.index("if_findings_check") < first_sheet
    note = "Answer question 1 before you continue: the next cells show two colleagues' answers."
    assert note in cells[first_sheet - 1].source
    hint = cells[ids.index("least_agreed_check") + 1].source.lower()
    assert "six" not in hint and "institutional" not in hint    # no hint at question 6's answer
