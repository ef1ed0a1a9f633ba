"""Hidden-test checkers for session 2 ("LOSI pilots: assessing many cities in one country").

The pilot questions use the shipped pilot data; the hands-on questions use the course's
fictional country Estoria (:func:`losi_course.fictional.load_fictional_country`). Every
checker recomputes its expected value from those sources and fails with a message that
names the problem without giving the answer away.

Example:
    >>> from losi_course.fictional import load_fictional_country
    >>> check_n_with_portal(load_fictional_country().municipalities["has_portal"].sum())
    ✓ n_with_portal passed the hidden checks.
"""

from __future__ import annotations

from typing import Any

from ..checks import answer_right, hidden_check
from ..data import load_pilots, losi_2022_check_value
from ..fictional import load_fictional_country
from ..framework import load_instrument
from ..scoring import LEVEL_NAMES as LEVELS
from ..scoring import rank_cities, score_table
from .answers import as_mapping, as_number, require_computed

__all__ = [
    "check_jordan_portals",
    "check_portals_per_researcher",
    "check_n_with_portal",
    "check_scores",
    "check_ranks",
    "check_level_counts",
    "check_national_criteria",
    "check_weakest_criterion",
    "check_agreement_share",
    "check_regional_losi",
]

_TOLERANCE = 0.00005


def _country():
    return load_fictional_country()


def _expected_scores():
    return score_table(_country().consensus)


def _normal(name: str) -> str:
    """A name in lower case with single spaces, for comparisons that ignore case and spacing."""
    return " ".join(name.lower().split())


def _criteria() -> list[str]:
    return list(load_instrument("2024").criteria)


def check_jordan_portals(jordan_portals: Any) -> None:
    """Municipal portals assessed in the Jordan pilot, read from the pilots table.

    Example:
        >>> check_jordan_portals(13)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: jordan_portals is not the number of portals assessed in Jordan. Read the cities_assessed column of Jordan's row (13 is the number of researchers, not portals, if that is what you used).
    """
    require_computed("jordan_portals", "the pilots table")
    expected = int(load_pilots().set_index("country").loc["Jordan", "cities_assessed"])
    researchers = losi_2022_check_value("jordan_pilot_volunteer_researchers")
    value = as_number(jordan_portals, "jordan_portals")
    hint = (f" ({researchers} is the number of researchers, not portals, if that is what you used)"
            if value == researchers else "")
    hidden_check(value == expected, "jordan_portals is not the number of portals assessed in "
                 f"Jordan. Read the cities_assessed column of Jordan's row{hint}.")
    answer_right("jordan_portals")


def check_portals_per_researcher(portals_per_researcher: Any) -> None:
    """Portals per volunteer researcher in the Jordan pilot, if the work were shared evenly.

    Two decimals are enough.

    Example:
        >>> check_portals_per_researcher(3.0)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: portals_per_researcher is not the number of portals divided by the number of researchers in the Jordan pilot.
    """
    require_computed("portals_per_researcher", "jordan_portals and jordan_researchers")
    portals = int(load_pilots().set_index("country").loc["Jordan", "cities_assessed"])
    researchers = losi_2022_check_value("jordan_pilot_volunteer_researchers")
    value = as_number(portals_per_researcher, "portals_per_researcher")
    hidden_check(abs(value - researchers / portals) > 0.005,
                 "portals_per_researcher is upside down: divide the number of portals by the "
                 "number of researchers.")
    hidden_check(abs(value - portals / researchers) <= 0.005,
                 "portals_per_researcher is not the number of portals divided by the number of "
                 "researchers in the Jordan pilot.")
    answer_right("portals_per_researcher")


def check_n_with_portal(n_with_portal: Any) -> None:
    """Municipalities of Estoria (fictional) that have a portal.

    Example:
        >>> check_n_with_portal(32)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: n_with_portal counts every municipality. Count only those where has_portal is True.
    """
    require_computed("n_with_portal", "the municipalities table")
    table = _country().municipalities
    expected = int(table["has_portal"].sum())
    value = as_number(n_with_portal, "n_with_portal")
    hidden_check(value != len(table) or expected == len(table),
                 "n_with_portal counts every municipality. Count only those where has_portal is True.")
    hidden_check(value == expected, "n_with_portal is not the number of municipalities with a "
                 "portal. Add up the has_portal column (True counts as 1).")
    answer_right("n_with_portal")


def check_scores(scores: Any) -> None:
    """The score table of every assessed municipality (``score_table`` on the consensus).

    Example:
        >>> from losi_course.fictional import load_fictional_country
        >>> from losi_course.scoring import score_table
        >>> check_scores(score_table(load_fictional_country().assessments_a))
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: the LOSI values in scores do not match the reconciled answers. Score estoria.consensus (not one assessor's table).
    """
    require_computed("scores", "estoria.consensus")
    import pandas as pd

    expected = _expected_scores()
    hidden_check(isinstance(scores, pd.DataFrame), "scores should be the table that score_table() returns.")
    hidden_check("losi" in scores.columns and "level" in scores.columns,
                 "scores should have the columns losi and level, as score_table() gives them.")
    hidden_check(set(map(str, scores.index)) == set(expected.index),
                 "scores should have one row per municipality with a portal (the rows of "
                 "estoria.consensus).")
    got = scores["losi"].astype(float).reindex(expected.index)
    hidden_check(bool(((got - expected["losi"]).abs() <= 1e-9).all()),
                 "the LOSI values in scores do not match the reconciled answers. Score "
                 "estoria.consensus (not one assessor's table).")
    hidden_check(bool((scores["level"].astype(str).reindex(expected.index)
                       == expected["level"].astype(str)).all()),
                 "the levels in scores do not match the LOSI values. Use score_table() without "
                 "changing the level cut-offs.")
    answer_right("scores")


def check_ranks(ranks: Any) -> None:
    """Each municipality's LOSI rank (1 = best; equal scores share the better rank).

    Example:
        >>> ranks = _expected_scores()["losi"].rank(method="first")
        >>> check_ranks(ranks)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: ranks gives the highest LOSI the last place. Rank from best (1) down; rank_cities() does that.
    """
    require_computed("ranks", "scores")
    expected = rank_cities(_expected_scores())
    got = as_mapping(ranks, "ranks")
    hidden_check(set(got) == set(expected.index),
                 "ranks should have one value per municipality with a portal.")
    values = {k: as_number(v, f"the rank of {k}") for k, v in got.items()}
    best = expected.idxmin()
    hidden_check(values[best] != len(expected) or len(expected) == 1,
                 "ranks gives the highest LOSI the last place. Rank from best (1) down; "
                 "rank_cities() does that.")
    wrong = [k for k, r in expected.items() if values[k] != r]
    hidden_check(not wrong, f"{len(wrong)} municipality rank(s) are not right. Use rank_cities(scores), "
                 "which gives equal scores the same (better) rank.")
    answer_right("ranks")


def check_level_counts(level_counts: Any) -> None:
    """Assessed municipalities of Estoria per LOSI level.

    Example:
        >>> check_level_counts({"Very high": 1, "High": 1, "Middle": 1, "Low": 1})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: level_counts adds up to 4, not to the number of assessed municipalities. Count the level column of scores.
    """
    require_computed("level_counts", "scores")
    expected = _expected_scores()["level"].astype(str).value_counts()
    got = as_mapping(level_counts, "level_counts")
    hidden_check(set(got) <= set(LEVELS), "level_counts has labels that are not LOSI levels "
                 "(Very high, High, Middle, Low). Count the level column of scores.")
    counts = {level: as_number(got.get(level, 0), f"the count for {level}") for level in LEVELS}
    total = sum(counts.values())
    hidden_check(total == int(expected.sum()), f"level_counts adds up to {total:g}, not to the "
                 "number of assessed municipalities. Count the level column of scores.")
    for level in LEVELS:
        hidden_check(counts[level] == int(expected.get(level, 0)),
                     f"the count for '{level}' is not right. Count the level column of scores.")
    answer_right("level_counts")


def check_national_criteria(national_criteria: Any) -> None:
    """The national average of each criterion sub-score (one value per criterion).

    Example:
        >>> check_national_criteria({"Technology": 0.5})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: national_criteria should have one value for each of the 6 criteria. Take the mean of scores[criteria].
    """
    require_computed("national_criteria", "scores")
    criteria = _criteria()
    expected = _expected_scores()[criteria].mean()
    got = as_mapping(national_criteria, "national_criteria")
    hidden_check(set(got) == set(criteria), f"national_criteria should have one value for each of "
                 f"the {len(criteria)} criteria. Take the mean of scores[criteria].")
    for name in criteria:
        value = as_number(got[name], f"the value for {name}")
        hidden_check(abs(value - float(expected[name])) <= _TOLERANCE,
                     f"the value for {name} is not the average of that criterion's sub-scores "
                     "over the assessed municipalities.")
    answer_right("national_criteria")


def check_weakest_criterion(weakest_criterion: Any) -> None:
    """The criterion with the lowest national average (its name in any case and spacing).

    Example:
        >>> check_weakest_criterion(0.3)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: weakest_criterion should be the name of a criterion (text), not a number. idxmin() gives the name.
    """
    require_computed("weakest_criterion", "national_criteria")
    hidden_check(isinstance(weakest_criterion, str), "weakest_criterion should be the name of a "
                 "criterion (text), not a number. idxmin() gives the name.")
    criteria = _criteria()
    names = {_normal(c): c for c in criteria}
    given = _normal(weakest_criterion)
    hidden_check(given in names,
                 "weakest_criterion is not one of the criterion names, spelled as in the table.")
    expected = _expected_scores()[criteria].mean().idxmin()
    hidden_check(names[given] == expected,
                 "weakest_criterion is not the criterion with the lowest national average.")
    answer_right("weakest_criterion")


def check_agreement_share(agreement_share: Any) -> None:
    """Share of all answers (municipalities x indicators) on which the two assessors agree.

    Example:
        >>> check_agreement_share(50)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: agreement_share should be a share between 0 and 1, not a percentage.
    """
    require_computed("agreement_share", "the table same")
    country = _country()
    same = country.assessments_a == country.assessments_b
    expected = float(same.to_numpy().mean())
    value = as_number(agreement_share, "agreement_share")
    hidden_check(0 <= value <= 1, "agreement_share should be a share between 0 and 1, not a percentage.")
    hidden_check(abs(value - expected) <= _TOLERANCE,
                 "agreement_share is not the share of identical answers over every municipality "
                 "and every indicator. Compare the two assessors' tables with == and take the "
                 "mean of the whole result.")
    answer_right("agreement_share")


def check_regional_losi(regional_losi: Any) -> None:
    """Average LOSI of the assessed municipalities in each region of Estoria.

    Example:
        >>> check_regional_losi({"Harrow Coast": 0.5})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: regional_losi should have one value per region (5). Group by the region column.
    """
    require_computed("regional_losi", "scores_with_region")
    country = _country()
    regions = country.municipalities.set_index("municipality")["region"]
    scores = _expected_scores()
    expected = scores["losi"].groupby(regions.reindex(scores.index)).mean()
    got = as_mapping(regional_losi, "regional_losi")
    hidden_check(set(got) == set(expected.index),
                 f"regional_losi should have one value per region ({len(expected)}). Group by the "
                 "region column.")
    for region, mean in expected.items():
        hidden_check(abs(as_number(got[region], f"the value for {region}") - float(mean)) <= _TOLERANCE,
                     f"the value for {region} is not the average LOSI of its assessed "
                     "municipalities. Average the losi column.")
    answer_right("regional_losi")
