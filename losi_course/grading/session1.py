"""Hidden-test checkers for session 1 ("The E-Government Survey 2022 and local e-government").

Each ``check_<stem>`` function is called from the hidden part of the test cell of question
``<stem>``. It recomputes the expected value from the shipped data (nothing is stored
here) and fails with :func:`~losi_course.checks.hidden_check`, whose message names the
problem without giving the answer away. A passing check prints one friendly line.

Example:
    >>> from losi_course.data import load_egdi_2022
    >>> check_world_mean(load_egdi_2022()["egdi_2022"].mean())
    ✓ world_mean passed the hidden checks.
"""

from __future__ import annotations

from typing import Any

import difflib

from ..checks import answer_right, hidden_check
from ..data import load_egdi_2022, load_losi_2022_participation, losi_2022_check_value
from ..scoring import LEVEL_NAMES as LEVELS
from .answers import as_mapping, as_number, is_close, require_computed

__all__ = [
    "check_world_mean",
    "check_regional_means",
    "check_egdi_level_counts",
    "check_ldc_mean",
    "check_my_country",
    "check_not_assessed",
    "check_level_counts_2022",
    "check_low_or_middle_pct",
    "check_features_below_half",
    "check_very_high_minimum",
    "check_toy_losi",
]

# Values compared with 4-decimal published figures may be rounded to 4 decimals.
_TOLERANCE = 0.00005


def _close(value: float, expected: float) -> bool:
    return is_close(value, expected, _TOLERANCE)


def _egdi():
    return load_egdi_2022()


def check_world_mean(world_mean: Any) -> None:
    """The average EGDI 2022 of all 193 Member States.

    Example:
        >>> check_world_mean(0.5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: world_mean is not the average EGDI of all 193 countries. Take the mean of the egdi_2022 column of the whole table.
    """
    require_computed("world_mean", "the table egdi")
    expected = float(_egdi()["egdi_2022"].mean())
    value = as_number(world_mean, "world_mean")
    hidden_check(_close(value, expected), "world_mean is not the average EGDI of all 193 countries. "
                 "Take the mean of the egdi_2022 column of the whole table.")
    answer_right("world_mean")


def check_regional_means(regional_means: Any) -> None:
    """The average EGDI 2022 of each of the five regions.

    Example:
        >>> import pandas as pd
        >>> check_regional_means(pd.Series({"Africa": 0.4}))
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: regional_means has 1 value(s); it should have one per region (5). Group by the region column.
    """
    require_computed("regional_means", "the table egdi")
    egdi = _egdi()
    expected = egdi.groupby("region")["egdi_2022"].mean()
    got = as_mapping(regional_means, "regional_means")
    hidden_check(len(got) == len(expected),
                 f"regional_means has {len(got)} value(s); it should have one per region "
                 f"({len(expected)}). Group by the region column.")
    hidden_check(set(got) == set(expected.index),
                 "the labels of regional_means are not the region names. Group by the region column.")
    for region, mean in expected.items():
        hidden_check(_close(as_number(got[region], f"the value for {region}"), float(mean)),
                     f"the value for {region} is not the average EGDI 2022 of its countries. "
                     "Average the egdi_2022 column (not another column).")
    answer_right("regional_means")


def check_egdi_level_counts(egdi_level_counts: Any) -> None:
    """How many of the 193 countries are at each EGDI level.

    Example:
        >>> check_egdi_level_counts({"Very high": 1})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: egdi_level_counts adds up to 1, not to the 193 countries. Count the egdi_level column of the whole table.
    """
    require_computed("egdi_level_counts", "the table egdi")
    expected = _egdi()["egdi_level"].astype(str).value_counts()
    got = as_mapping(egdi_level_counts, "egdi_level_counts")
    unknown = set(got) - set(LEVELS)
    hidden_check(not unknown, "egdi_level_counts has labels that are not EGDI levels "
                 "(Very high, High, Middle, Low). Count the egdi_level column.")
    total = sum(as_number(v, "each count") for v in got.values())
    hidden_check(total == len(_egdi()), f"egdi_level_counts adds up to {total:g}, not to the "
                 f"{len(_egdi())} countries. Count the egdi_level column of the whole table.")
    for level in LEVELS:
        hidden_check(as_number(got.get(level, 0), f"the count for {level}") == int(expected.get(level, 0)),
                     f"the count for '{level}' is not right. Count the egdi_level column.")
    answer_right("egdi_level_counts")


def check_ldc_mean(ldc_mean: Any) -> None:
    """The average EGDI 2022 of the least developed countries (LDC).

    Example:
        >>> check_ldc_mean(0.6102)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: ldc_mean is not the average EGDI of the least developed countries. Keep only the rows where ldc_2022 is True, then take the mean of egdi_2022.
    """
    require_computed("ldc_mean", "the table egdi")
    egdi = _egdi()
    expected = float(egdi.loc[egdi["ldc_2022"], "egdi_2022"].mean())
    value = as_number(ldc_mean, "ldc_mean")
    hidden_check(_close(value, expected),
                 "ldc_mean is not the average EGDI of the least developed countries. Keep only "
                 "the rows where ldc_2022 is True, then take the mean of egdi_2022.")
    answer_right("ldc_mean")


def check_my_country(my_country: Any, my_rank: Any, my_level: Any) -> None:
    """Rank and level of whichever Member State the participant chose (graded generically).

    Example:
        >>> check_my_country("Thailand", 1, "Low")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: my_rank is not the EGDI 2022 rank of Thailand. Read it from the egdi_rank_2022 column of your country's row.
    """
    egdi = _egdi()
    names = list(egdi["country"])
    if not isinstance(my_country, str) or my_country not in names:
        close = difflib.get_close_matches(str(my_country), names, n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        hidden_check(False, f"my_country should be a country name spelled exactly as in the "
                            f"egdi table, in quotes.{hint}")
    row = egdi.loc[egdi["country"] == my_country].iloc[0]
    hidden_check(as_number(my_rank, "my_rank") == int(row["egdi_rank_2022"]),
                 f"my_rank is not the EGDI 2022 rank of {my_country}. Read it from the "
                 "egdi_rank_2022 column of your country's row.")
    hidden_check(isinstance(my_level, str), "my_level should be text, such as the words in the "
                 "egdi_level column (take the value with .item()).")
    hidden_check(my_level.strip().lower() == str(row["egdi_level"]).lower(),
                 f"my_level is not the EGDI level of {my_country}. Read it from the egdi_level column.")
    answer_right("my_country, my_rank and my_level", f"({my_country})")


def _check_value(name: str):
    return losi_2022_check_value(name)


def check_not_assessed(not_assessed: Any) -> None:
    """Cities targeted by LOSI 2022 but not assessed (no accessible portal).

    Example:
        >>> check_not_assessed(146)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: not_assessed is not the number of targeted cities that were not assessed. Subtract the assessed cities from the targeted cities.
    """
    require_computed("not_assessed", "the two published figures")
    expected = (_check_value("losi2022_cities_targeted")
                - _check_value("losi2022_cities_with_accessible_portal_assessed"))
    hidden_check(as_number(not_assessed, "not_assessed") == expected,
                 "not_assessed is not the number of targeted cities that were not assessed. "
                 "Subtract the assessed cities from the targeted cities.")
    answer_right("not_assessed")


def _published_level_pcts() -> dict[str, int]:
    keys = {"Very high": "very_high", "High": "high", "Middle": "middle", "Low": "low"}
    return {level: _check_value(f"losi2022_pct_{key}_of_146") for level, key in keys.items()}


def check_level_counts_2022(level_counts_2022: Any) -> None:
    """Counts of the 146 assessed cities per LOSI level that fit the published shares.

    Any set of whole numbers is accepted if it adds up to 146 and every count, as a
    percentage of 146 rounded to a whole number, gives the published share.

    Example:
        >>> check_level_counts_2022({"Very high": 40, "High": 35, "Middle": 41, "Low": 30})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: the count for 'Very high' does not round to the published share of the 146 cities.
    """
    assessed = _check_value("losi2022_cities_with_accessible_portal_assessed")
    got = as_mapping(level_counts_2022, "level_counts_2022")
    hidden_check(set(got) == set(LEVELS), "level_counts_2022 should have exactly the four levels "
                 "'Very high', 'High', 'Middle' and 'Low' as its labels.")
    counts = {level: as_number(got[level], f"the count for {level}") for level in LEVELS}
    hidden_check(all(float(c).is_integer() for c in counts.values()),
                 "every count in level_counts_2022 should be a whole number of cities.")
    for level, pct in _published_level_pcts().items():
        hidden_check(round(100 * counts[level] / assessed) == pct,
                     f"the count for '{level}' does not round to the published share of the "
                     f"{assessed} cities.")
    hidden_check(sum(counts.values()) == assessed,
                 f"the counts add up to {sum(counts.values()):g}, not to the {assessed} assessed cities.")
    answer_right("level_counts_2022")


def check_low_or_middle_pct(low_or_middle_pct: Any) -> None:
    """The published share (%) of the 146 cities at the middle or low level.

    Example:
        >>> check_low_or_middle_pct(0.3)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: low_or_middle_pct should be a percentage (a number between 1 and 100), not a share between 0 and 1.
    """
    require_computed("low_or_middle_pct", "level_pcts")
    pcts = _published_level_pcts()
    expected = pcts["Middle"] + pcts["Low"]
    value = as_number(low_or_middle_pct, "low_or_middle_pct")
    hidden_check(not (0 < value < 1), "low_or_middle_pct should be a percentage (a number between "
                 "1 and 100), not a share between 0 and 1.")
    hidden_check(_close(value, expected), "low_or_middle_pct is not the sum of the published "
                 "middle and low shares.")
    answer_right("low_or_middle_pct")


def check_features_below_half(features_below_half: Any) -> None:
    """How many of the 17 participation features fewer than half of the 146 cities offered.

    Example:
        >>> check_features_below_half(17)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: features_below_half is not the number of features with a share below 50 per cent. Compare the pct_cities_2022 column with 50 and add up the matches.
    """
    require_computed("features_below_half", "the table participation")
    expected = int((load_losi_2022_participation()["pct_cities_2022"] < 50).sum())
    hidden_check(as_number(features_below_half, "features_below_half") == expected,
                 "features_below_half is not the number of features with a share below 50 per "
                 "cent. Compare the pct_cities_2022 column with 50 and add up the matches.")
    answer_right("features_below_half")


def check_very_high_minimum(very_high_minimum: Any) -> None:
    """The fewest of the 86 indicators a city must meet to be "Very high" (LOSI > 0.75).

    Example:
        >>> check_very_high_minimum(70.5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: very_high_minimum should be a whole number of indicators.
    """
    total = _check_value("losi2022_n_indicators")
    rule = _check_value("losi2022_very_high_rule_share_of_indicators_met_gt")
    expected = next(k for k in range(total + 1) if k / total > rule)
    value = as_number(very_high_minimum, "very_high_minimum")
    hidden_check(value.is_integer(), "very_high_minimum should be a whole number of indicators.")
    hidden_check(value == expected, "very_high_minimum is not the smallest whole number of "
                 f"indicators that gives a LOSI above {rule} (out of {total}). Remember: 'above', "
                 "not 'equal to'.")
    answer_right("very_high_minimum")


def check_toy_losi(toy_losi: Any) -> None:
    """LOSI of a toy city meeting 61 of the 86 indicators of LOSI 2022.

    Example:
        >>> check_toy_losi(61)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: toy_losi should be a share between 0 and 1. Divide the indicators met by the total number of indicators.
    """
    total = _check_value("losi2022_n_indicators")
    value = as_number(toy_losi, "toy_losi")
    hidden_check(0 <= value <= 1, "toy_losi should be a share between 0 and 1. Divide the "
                 "indicators met by the total number of indicators.")
    hidden_check(_close(value, 61 / total), "toy_losi is not the share of the 2022 indicators "
                 "that the toy city meets.")
    answer_right("toy_losi")

