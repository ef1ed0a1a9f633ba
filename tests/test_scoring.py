"""Scoring: published values reproduced, levels, ranks, gap analysis, vectorised table."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from losi_course.assessment import Assessment
from losi_course.errors import LosiInputError
from losi_course.framework import load_instrument
from losi_course.scoring import (DEFAULT_LEVELS, LEVEL_ASSUMPTION, LevelScheme, gap_analysis, rank_cities,
                                 score_assessment, score_counts, score_table)

IDS = load_instrument().ids


def test_dubai_is_reproduced_from_79_of_86():
    score = score_counts(79, edition="2022", city="Dubai")
    assert round(score.losi, 4) == 0.9186
    assert score.level == "Very high"


def test_berlin_is_reproduced_from_84_of_86():
    assert round(score_counts(84, edition="2022").losi, 4) == 0.9767


def test_very_high_means_strictly_above_three_quarters():
    assert DEFAULT_LEVELS.level(0.75) == "High"
    assert DEFAULT_LEVELS.level(0.7501) == "Very high"
    assert "assumption" in LEVEL_ASSUMPTION and "0.75" in LEVEL_ASSUMPTION
    assert "(assumed)" in DEFAULT_LEVELS.describe() and "(published)" in DEFAULT_LEVELS.describe()


def test_level_cut_offs_are_configurable_and_checked():
    strict = LevelScheme(high=0.6, middle=0.3)
    assert strict.level(0.55) == "Middle" and DEFAULT_LEVELS.level(0.55) == "High"
    with pytest.raises(LosiInputError, match="cut-offs"):
        LevelScheme(high=0.8)


def test_criterion_sub_scores_are_shares_within_each_criterion():
    a = Assessment.from_values({i: 0 for i in IDS} | {"281": 1, "215": 1, "253": 1})
    score = score_assessment(a)
    assert score.criteria["Institutional Framework"] == pytest.approx(2 / 6)
    assert score.criteria["Services Provision"] == pytest.approx(1 / 22)
    assert score.criteria["Technology"] == 0
    assert score.indicators_met == 3 and score.losi == pytest.approx(3 / 95)


def test_unanswered_items_are_refused_unless_a_provisional_score_is_asked():
    a = Assessment.from_values({i: 1 for i in IDS[:50]}, city="Velmora")
    with pytest.raises(LosiInputError, match="45 indicator"):
        score_assessment(a)
    provisional = score_assessment(a, unanswered="not found")
    assert provisional.indicators_met == 50 and len(provisional.unanswered) == 45


def test_score_counts_refuses_impossible_counts():
    with pytest.raises(LosiInputError, match="between 0 and 86"):
        score_counts(87)
    with pytest.raises(LosiInputError, match="8 indicators"):
        score_counts(50, by_criterion={"IF": 9})


def _random_table(rng, n):
    return pd.DataFrame(rng.integers(0, 2, size=(n, len(IDS))), columns=IDS,
                        index=[f"city{k}" for k in range(n)])


def test_table_scoring_agrees_with_one_by_one_scoring():
    table = _random_table(np.random.default_rng(1), 20)
    scores = score_table(table)
    for city, row in table.iterrows():
        single = score_assessment(Assessment.from_values(row.to_dict()))
        assert scores.loc[city, "losi"] == pytest.approx(single.losi)
        assert scores.loc[city, "level"] == single.level
        for criterion, value in single.criteria.items():
            assert scores.loc[city, criterion] == pytest.approx(value)


def test_table_scoring_accepts_any_column_order_and_checks_cells():
    table = _random_table(np.random.default_rng(2), 3)
    shuffled = table[list(reversed(IDS))]
    pd.testing.assert_frame_equal(score_table(table), score_table(shuffled))
    bad = table.astype(float)
    bad.iloc[1, 4] = 2
    with pytest.raises(LosiInputError, match="0 or 1.*city1"):
        score_table(bad)
    with pytest.raises(LosiInputError, match="lacks 1 indicator"):
        score_table(table.drop(columns="281"))
    with pytest.raises(LosiInputError, match="not an indicator"):
        score_table(table.rename(columns={"281": "999"}))


def test_ranks_share_ties():
    scores = pd.DataFrame({"losi": [0.5, 0.9, 0.5, 0.1]}, index=list("ABCD"))
    assert rank_cities(scores).to_dict() == {"A": 2, "B": 1, "C": 2, "D": 4}


def test_gap_analysis_orders_missed_items_by_peer_adoption():
    rng = np.random.default_rng(3)
    peers = _random_table(rng, 30)
    peers["204"] = 1  # everyone else is mobile friendly: the quickest win
    peers["279"] = 0
    city = {i: 1 for i in IDS} | {"204": 0, "279": 0, "255": 0}
    gaps = gap_analysis(city, peers)
    assert list(gaps["id"])[0] == "204" and list(gaps["id"])[-1] == "279"
    assert set(gaps["id"]) == {"204", "279", "255"}
    assert gaps["peer_share"].is_monotonic_decreasing
    assert all(gaps["steps"].str.len() > 0)


def test_gap_analysis_without_peers_uses_published_shares_then_catalog_order():
    city = Assessment.from_values({i: 1 for i in IDS} | {"281": 0, "271": 0, "279": 0})
    gaps = gap_analysis(city)
    assert list(gaps["id"]) == ["271", "279", "281"]
    assert gaps.loc[2, "basis"] == "no peer figure"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=95, max_size=95))
def test_score_is_a_share_between_zero_and_one(values):
    score = score_assessment(Assessment.from_values(dict(zip(IDS, values))))
    assert 0 <= score.losi <= 1
    assert score.indicators_met == sum(values)
    assert all(0 <= v <= 1 for v in score.criteria.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=95, max_size=95), st.integers(0, 94))
def test_flipping_an_answer_from_0_to_1_never_lowers_any_score(values, position):
    values[position] = 0
    before = score_assessment(Assessment.from_values(dict(zip(IDS, values))))
    values[position] = 1
    after = score_assessment(Assessment.from_values(dict(zip(IDS, values))))
    assert after.losi > before.losi
    assert all(after.criteria[c] >= before.criteria[c] for c in before.criteria)
    order = ["Low", "Middle", "High", "Very high"]
    assert order.index(after.level) >= order.index(before.level)


def test_scoring_helpers_refuse_bad_values_with_clear_messages():
    table = _random_table(np.random.default_rng(4), 2).astype(object)
    table.iloc[0, 0] = "yes"
    with pytest.raises(LosiInputError, match="holds text"):
        score_table(table)
    with pytest.raises(LosiInputError, match="whole number"):
        score_counts(79.5)
    assert score_counts(79.0).indicators_met == 79
    with pytest.raises(LosiInputError, match="no score to rank.*B"):
        rank_cities(pd.Series({"A": 0.5, "B": float("nan")}))
    with pytest.raises(LosiInputError, match="'2' is not an answer for indicator 281"):
        gap_analysis({i: 1 for i in IDS} | {"281": 2})


def test_gap_analysis_counts_blank_answers_as_missed():
    gaps = gap_analysis({i: 1 for i in IDS} | {"281": None, "215": float("nan"), "216": "no"})
    assert set(gaps["id"]) == {"281", "215", "216"}
