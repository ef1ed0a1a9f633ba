"""Hidden-test checkers of sessions 1 and 2: they pass on a correct answer computed here
independently (plain Python or numpy on the shipped files) and fail on a wrong one with a
message that does not give the expected value away."""

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import notebook_cells, run_visible

from losi_course.checks import CheckFailed
from losi_course.datafiles import read_records
from losi_course.fictional import load_fictional_country
from losi_course.framework import load_instrument
from losi_course.grading import session1 as s1
from losi_course.grading import session2 as s2

LEVELS = ("Very high", "High", "Middle", "Low")


# -- helpers ------------------------------------------------------------------------------

def spellings(secret) -> list[str]:
    """Ways an expected value could appear in a message."""
    if isinstance(secret, str):
        return [secret]
    if float(secret).is_integer():
        return [rf"(?<![\d.]){int(secret)}(?![\d])"]
    value = float(secret)
    return [re.escape(f"{value:.{d}f}") for d in (2, 3, 4)] + [re.escape(repr(value))]


def fails_quietly(checker, *args, secrets=()):
    """The checker fails with a CheckFailed whose message reveals none of ``secrets``."""
    with pytest.raises(CheckFailed) as info:
        checker(*args)
    message = str(info.value)
    assert message.startswith("Not quite:")
    for secret in secrets:
        for pattern in spellings(secret):
            if isinstance(secret, str):
                assert secret not in message, message
            else:
                assert not re.search(pattern, message), (pattern, message)
    return message


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


# -- independent expected values (no pandas) ------------------------------------------------

EGDI = [{**r, "egdi_2022": float(r["egdi_2022"]), "egdi_rank_2022": int(r["egdi_rank_2022"])}
        for r in read_records("egdi2022_countries.csv")]
AGGREGATES = {r["name"]: r["value"] for r in read_records("losi2022_aggregates.csv")}
PARTICIPATION = [float(r["pct_cities_2022"]) for r in read_records("losi2022_indicators.csv")]


def band(value: float) -> str:
    # the Survey's EGDI bands
    return "Very high" if value > 0.75 else "High" if value > 0.5 else "Middle" if value > 0.25 else "Low"


WORLD_MEAN = mean(r["egdi_2022"] for r in EGDI)
REGIONAL = {region: mean(r["egdi_2022"] for r in EGDI if r["region"] == region)
            for region in {r["region"] for r in EGDI}}
LDC_MEAN = mean(r["egdi_2022"] for r in EGDI if r["ldc_2022"] == "yes")


# -- session 1 ------------------------------------------------------------------------------

def test_world_mean():
    s1.check_world_mean(WORLD_MEAN)
    s1.check_world_mean(round(WORLD_MEAN, 4))  # a 4-decimal answer is fine
    fails_quietly(s1.check_world_mean, WORLD_MEAN + 0.01, secrets=[WORLD_MEAN])
    fails_quietly(s1.check_world_mean, "0.61", secrets=[WORLD_MEAN])


def test_regional_means():
    s1.check_regional_means(pd.Series(REGIONAL))
    s1.check_regional_means(dict(REGIONAL))
    wrong = dict(REGIONAL, Asia=REGIONAL["Asia"] + 0.02)
    fails_quietly(s1.check_regional_means, pd.Series(wrong), secrets=[REGIONAL["Asia"]])
    fails_quietly(s1.check_regional_means, pd.Series({k: REGIONAL[k] for k in list(REGIONAL)[:4]}),
                  secrets=list(REGIONAL.values()))
    fails_quietly(s1.check_regional_means, WORLD_MEAN, secrets=list(REGIONAL.values()))


def test_egdi_level_counts():
    counts = {level: sum(band(r["egdi_2022"]) == level for r in EGDI) for level in LEVELS}
    s1.check_egdi_level_counts(pd.Series(counts))
    swapped = dict(counts, High=counts["Middle"], Middle=counts["High"])
    fails_quietly(s1.check_egdi_level_counts, swapped, secrets=[counts["High"], counts["Middle"]])


def test_ldc_mean():
    s1.check_ldc_mean(LDC_MEAN)
    s1.check_ldc_mean(np.float64(LDC_MEAN))
    fails_quietly(s1.check_ldc_mean, WORLD_MEAN, secrets=[LDC_MEAN])


@pytest.mark.parametrize("country", ["Thailand", "Kenya", "Fiji", "Denmark"])
def test_my_country_any_valid_choice(country):
    row = next(r for r in EGDI if r["country"] == country)
    s1.check_my_country(country, row["egdi_rank_2022"], band(row["egdi_2022"]))
    s1.check_my_country(country, np.int64(row["egdi_rank_2022"]), band(row["egdi_2022"]).upper())
    fails_quietly(s1.check_my_country, country, row["egdi_rank_2022"] + 1, band(row["egdi_2022"]),
                  secrets=[row["egdi_rank_2022"]])
    other = "Low" if band(row["egdi_2022"]) != "Low" else "High"
    message = fails_quietly(s1.check_my_country, country, row["egdi_rank_2022"], other,
                            secrets=[band(row["egdi_2022"])])
    assert "level" in message


def test_my_country_spelling_help():
    message = fails_quietly(s1.check_my_country, "Thailnd", 1, "High")
    assert "Did you mean Thailand?" in message


def test_not_assessed():
    expected = int(AGGREGATES["losi2022_cities_targeted"]) - int(
        AGGREGATES["losi2022_cities_with_accessible_portal_assessed"])
    s1.check_not_assessed(expected)
    fails_quietly(s1.check_not_assessed, 146, secrets=[expected])


def test_level_counts_2022_accepts_exactly_the_two_fitting_sets():
    total = int(AGGREGATES["losi2022_cities_with_accessible_portal_assessed"])
    pcts = [int(AGGREGATES[f"losi2022_pct_{k}_of_146"]) for k in ("very_high", "high", "middle", "low")]
    candidates = [range(max(0, math.floor(p * total / 100) - 2), math.ceil(p * total / 100) + 3) for p in pcts]
    fitting = [c for c in itertools.product(*candidates)
               if sum(c) == total and all(round(100 * n / total) == p for n, p in zip(c, pcts))]
    assert sorted(fitting) == [(38, 36, 45, 27), (38, 37, 45, 26)]
    for counts in fitting:
        s1.check_level_counts_2022(dict(zip(LEVELS, counts)))
        s1.check_level_counts_2022(pd.Series(dict(zip(LEVELS, counts))))
    naive = dict(zip(LEVELS, (38, 36, 45, 26)))          # rounded one by one: 145 cities
    fails_quietly(s1.check_level_counts_2022, naive, secrets=[27, 37])
    off_share = dict(zip(LEVELS, (38, 35, 46, 27)))      # 35 rounds to 24 %
    fails_quietly(s1.check_level_counts_2022, off_share, secrets=[36, 37, 45])
    fails_quietly(s1.check_level_counts_2022, {"Very high": 146}, secrets=[38, 36, 37, 45, 27, 26])


def test_low_or_middle_pct():
    expected = int(AGGREGATES["losi2022_pct_middle_of_146"]) + int(AGGREGATES["losi2022_pct_low_of_146"])
    s1.check_low_or_middle_pct(expected)
    fails_quietly(s1.check_low_or_middle_pct, expected / 100, secrets=[expected])
    fails_quietly(s1.check_low_or_middle_pct, 57, secrets=[expected])


def test_features_below_half():
    expected = sum(p < 50 for p in PARTICIPATION)
    s1.check_features_below_half(expected)
    s1.check_features_below_half(np.int64(expected))
    fails_quietly(s1.check_features_below_half, len(PARTICIPATION) - expected, secrets=[expected])


def test_very_high_minimum():
    total = int(AGGREGATES["losi2022_n_indicators"])
    expected = math.floor(0.75 * total) + 1
    s1.check_very_high_minimum(expected)
    fails_quietly(s1.check_very_high_minimum, expected - 1, secrets=[expected])
    fails_quietly(s1.check_very_high_minimum, 0.75 * total, secrets=[expected])


def test_toy_losi():
    s1.check_toy_losi(61 / 86)
    s1.check_toy_losi(0.7093)
    fails_quietly(s1.check_toy_losi, 61 / 95, secrets=[61 / 86])
    fails_quietly(s1.check_toy_losi, 70.93, secrets=[61 / 86])


# -- session 2 ------------------------------------------------------------------------------

ESTORIA = load_fictional_country()
INSTRUMENT = load_instrument("2024")
CONSENSUS = ESTORIA.consensus.to_numpy()
NAMES = list(ESTORIA.consensus.index)
LOSI = CONSENSUS.sum(axis=1) / 95
LOSI_LEVELS = ["Very high" if v > 0.75 else "High" if v > 0.5 else "Middle" if v > 0.25 else "Low" for v in LOSI]
CRITERIA = {c: [k for k, ind in enumerate(INSTRUMENT) if ind.criterion == c] for c in INSTRUMENT.criteria}
CRITERION_MEANS = {c: float((CONSENSUS[:, cols].sum(axis=1) / len(cols)).mean()) for c, cols in CRITERIA.items()}
REGION_OF = dict(zip(ESTORIA.municipalities["municipality"], ESTORIA.municipalities["region"]))


def test_jordan_portals():
    jordan = next(r for r in read_records("pilots.csv") if r["country"] == "Jordan")
    expected = int(jordan["cities_assessed"])
    s2.check_jordan_portals(expected)
    message = fails_quietly(s2.check_jordan_portals, 13, secrets=[expected])
    assert "researchers" in message


def test_portals_per_researcher():
    expected = 19 / int(AGGREGATES["jordan_pilot_volunteer_researchers"])
    s2.check_portals_per_researcher(expected)
    s2.check_portals_per_researcher(round(expected, 2))
    message = fails_quietly(s2.check_portals_per_researcher, 1 / expected, secrets=[expected])
    assert "upside down" in message
    fails_quietly(s2.check_portals_per_researcher, 2, secrets=[expected])


def test_n_with_portal():
    expected = sum(bool(x) for x in ESTORIA.municipalities["has_portal"])
    s2.check_n_with_portal(expected)
    fails_quietly(s2.check_n_with_portal, len(ESTORIA.municipalities), secrets=[expected])
    fails_quietly(s2.check_n_with_portal, expected - 1, secrets=[expected])


def test_scores():
    mine = pd.DataFrame({"losi": LOSI, "level": LOSI_LEVELS, "indicators_met": CONSENSUS.sum(axis=1)},
                        index=NAMES)
    s2.check_scores(mine)
    s2.check_scores(mine.iloc[::-1])  # row order does not matter
    one_assessor = ESTORIA.assessments_a.to_numpy().sum(axis=1) / 95
    fails_quietly(s2.check_scores, mine.assign(losi=one_assessor), secrets=[f"{LOSI.mean():.4f}"])
    fails_quietly(s2.check_scores, mine.head(3))
    fails_quietly(s2.check_scores, mine[["losi"]])


def test_ranks():
    ranks = {n: 1 + int((LOSI > v).sum()) for n, v in zip(NAMES, LOSI)}
    s2.check_ranks(pd.Series(ranks))
    reverse = {n: 1 + int((LOSI < v).sum()) for n, v in zip(NAMES, LOSI)}
    fails_quietly(s2.check_ranks, pd.Series(reverse))
    dense = pd.Series(LOSI, index=NAMES).rank(ascending=False, method="dense")
    if not np.array_equal(dense.to_numpy(), pd.Series(ranks).to_numpy()):
        fails_quietly(s2.check_ranks, dense)


def test_level_counts():
    counts = {level: LOSI_LEVELS.count(level) for level in LEVELS}
    s2.check_level_counts(pd.Series(counts))
    s2.check_level_counts({k: v for k, v in counts.items() if v})  # missing zero levels are fine
    moved = dict(counts, High=counts["High"] + 1, Middle=counts["Middle"] - 1)
    fails_quietly(s2.check_level_counts, moved, secrets=[counts["High"], counts["Middle"]])


def test_national_criteria():
    s2.check_national_criteria(pd.Series(CRITERION_MEANS))
    wrong = dict(CRITERION_MEANS, Technology=CRITERION_MEANS["Technology"] - 0.05)
    fails_quietly(s2.check_national_criteria, wrong, secrets=[CRITERION_MEANS["Technology"]])
    fails_quietly(s2.check_national_criteria, pd.Series(LOSI, index=NAMES))


def test_weakest_criterion():
    weakest = min(CRITERION_MEANS, key=CRITERION_MEANS.get)
    s2.check_weakest_criterion(weakest)
    s2.check_weakest_criterion(f"  {weakest.upper()} ")
    s2.check_weakest_criterion("  " + weakest.lower().replace(" ", "   "))
    strongest = max(CRITERION_MEANS, key=CRITERION_MEANS.get)
    fails_quietly(s2.check_weakest_criterion, strongest, secrets=[weakest])
    fails_quietly(s2.check_weakest_criterion, CRITERION_MEANS[weakest], secrets=[weakest])
    fails_quietly(s2.check_weakest_criterion, "Services", secrets=[weakest])


def test_agreement_share():
    share = float((ESTORIA.assessments_a.to_numpy() == ESTORIA.assessments_b.to_numpy()).mean())
    s2.check_agreement_share(share)
    fails_quietly(s2.check_agreement_share, 1 - share, secrets=[share])
    fails_quietly(s2.check_agreement_share, 100 * share, secrets=[share])


def test_regional_losi():
    regions = {}
    for name, value in zip(NAMES, LOSI):
        regions.setdefault(REGION_OF[name], []).append(value)
    expected = {region: mean(values) for region, values in regions.items()}
    s2.check_regional_losi(pd.Series(expected))
    region = sorted(expected)[0]
    wrong = dict(expected, **{region: expected[region] + 0.1})
    fails_quietly(s2.check_regional_losi, wrong, secrets=[expected[region]])
    fails_quietly(s2.check_regional_losi, {region: expected[region]}, secrets=list(expected.values()))


# -- the visible checks of the notebooks ----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


CONTEXT = {"world_mean": WORLD_MEAN, "cities_targeted": 193, "cities_assessed": 146,
           "participation": PARTICIPATION, "criteria": list(INSTRUMENT.criteria),
           "estoria": ESTORIA}


@pytest.mark.parametrize("session, stem, good", [
    ("session1", "ldc_mean", np.float64(LDC_MEAN)),
    ("session1", "not_assessed", np.int64(47)),
    ("session1", "not_assessed", 47.0),
    ("session1", "low_or_middle_pct", np.int64(49)),
    ("session1", "features_below_half", np.int64(12)),
    ("session1", "toy_losi", np.float64(61 / 86)),
    ("session1", "very_high_minimum", np.int64(65)),
    ("session2", "jordan_portals", np.int64(19)),
    ("session2", "portals_per_researcher", np.float64(19 / 13)),
    ("session2", "n_with_portal", np.int64(28)),
])
def test_visible_checks_accept_numpy_numbers_and_explain_text(session, stem, good, capsys):
    run_visible(session, stem, **{stem: good}, **CONTEXT)
    assert f"✓ {stem} is right." in capsys.readouterr().out
    for bad in (str(good), [good], pd.Series([good])):
        with pytest.raises(CheckFailed, match="^Not yet: .*should be"):
            run_visible(session, stem, **{stem: bad}, **CONTEXT)


def test_visible_check_of_level_counts_explains_text_counts(capsys):
    run_visible("session1", "level_counts_2022", level_counts_2022=dict(zip(LEVELS, map(np.int64, (38, 37, 45, 26)))),
                **CONTEXT)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="^Not yet: the count for High should be a number, not text"):
        run_visible("session1", "level_counts_2022", level_counts_2022=dict(zip(LEVELS, (38, "37", 45, 26))),
                    **CONTEXT)


def test_weakest_criterion_in_any_case_works_in_the_visible_check_and_the_later_cell(capsys):
    import losi_course as lc

    weakest = min(CRITERION_MEANS, key=CRITERION_MEANS.get)
    answer = "  " + weakest.lower().replace(" ", "  ")
    run_visible("session2", "weakest_criterion", weakest_criterion=answer, **CONTEXT)
    assert "✓" in capsys.readouterr().out
    scores = lc.score_table(ESTORIA.consensus)
    with_region = scores.join(ESTORIA.municipalities.set_index("municipality")[["region", "population"]])
    later = notebook_cells("session2")["code-16"].source
    exec(later, {"lc": lc, "municipalities": ESTORIA.municipalities, "scores_with_region": with_region,
                 "weakest_criterion": answer})


def test_session1_examples_and_figures_are_labelled():
    cells = notebook_cells("session1")
    answers = {26, 27, 36, 37, 38, 45}   # the counts in the two sets that fit (question 7)
    prompt = cells["md-15"].source
    assert not answers & {int(n) for n in re.findall(r"(\d+) cities", prompt)}
    assert not answers & {int(n) for n in re.findall(r"100 \* (\d+) / 146", prompt)}
    assert "round half" in cells["md-16"].source.lower() or "half *up*" in cells["md-16"].source
    assert "even" in prompt
    quoted = "as quoted in the workshop's concept note"
    for cell in cells.values():
        text = " ".join(cell.source.split())
        if re.search(r"21 % in the Americas|42 % in Africa|34 % LDC|\"Americas\": 21", text):
            assert quoted in text, text[:200]
    dubai = " ".join(cells["md-22"].source.split())
    assert "0.9186 is the published value" in dubai and "derived" in dubai
