"""Hidden-test checkers for session 4 ("More pilot results: India, Greece, Mozambique, Uzbekistan").

The pilot questions use the shipped pilot data and the LOSI 2024 city values; the monitoring
questions use the two assessment rounds of the fictional country Estoria
(:func:`losi_course.fictional.load_fictional_country`). Every checker recomputes what it expects
from those sources and names the problem without giving the answer.

Example:
    >>> check_greece_municipalities(74)
    ✓ greece_municipalities passed the hidden checks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..checks import answer_right, hidden_check
from ..data import load_losi_2024_cities, load_pilots
from ..fictional import load_fictional_country
from ..framework import load_instrument
from ..portal.precheck import load_precheck
from ..reconcile import cohen_kappa
from ..scoring import fits_share_of, losi_level, score_table
from ..velmora.prepared import team_assessment
from .answers import as_mapping, as_number, require_computed

__all__ = [
    "published_greece_average",
    "check_greece_municipalities",
    "check_greece_level",
    "check_tunisia_low",
    "check_fits_95",
    "check_fits_96",
    "check_gain",
    "check_n_improved",
    "check_criterion_change",
    "check_beyond_disagreement",
    "check_machine_decided",
    "check_machine_kappa",
    "velmora_precheck",
]

_TOLERANCE = 0.00005


def _pilot(country: str):
    return load_pilots().set_index("country").loc[country]


def published_greece_average() -> float:
    """The average LOSI of the Greek municipalities, as the pilots table's notes give it.

    Example:
        >>> published_greece_average()
        0.5537
    """
    found = re.search(r"Average LOSI of the \d+ municipalities (0\.\d+)", str(_pilot("Greece")["notes"]))
    return float(found[1])


def check_greece_municipalities(greece_municipalities: Any) -> None:
    """Municipalities assessed in Greece, read from the pilots table.

    Example:
        >>> check_greece_municipalities(5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: greece_municipalities is not the number of municipalities assessed in Greece. Read the cities_assessed column of Greece's row.
    """
    require_computed("greece_municipalities", "the pilots table")
    value = as_number(greece_municipalities, "greece_municipalities")
    hidden_check(value == int(_pilot("Greece")["cities_assessed"]),
                 "greece_municipalities is not the number of municipalities assessed in Greece. Read the "
                 "cities_assessed column of Greece's row.")
    answer_right("greece_municipalities")


def check_greece_level(greece_level: Any) -> None:
    """The LOSI level of Greece's average, with the course's (assumed) cut-offs.

    Example:
        >>> check_greece_level("Very high")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: greece_level is not the level of 0.5537 with the course's cut-offs. Use lc.losi_level(greece_average).
    """
    require_computed("greece_level", "greece_average")
    hidden_check(isinstance(greece_level, str), "greece_level should be the name of a level (text), as "
                 "lc.losi_level gives it.")
    hidden_check(" ".join(greece_level.split()).lower() == losi_level(published_greece_average()).lower(),
                 f"greece_level is not the level of {published_greece_average()} with the course's cut-offs. Use "
                 "lc.losi_level(greece_average).")
    answer_right("greece_level")


def check_tunisia_low(tunisia_low: Any) -> None:
    """How many of Tunisia's assessed municipalities were at the low level (63 %), a whole number.

    Example:
        >>> check_tunisia_low(15.12)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: tunisia_low should be a whole number of municipalities: round it.
    """
    total = int(_pilot("Tunisia")["cities_assessed"])
    share = float(re.search(r"(\d+)% at low", str(_pilot("Tunisia")["notes"]))[1])
    value = as_number(tunisia_low, "tunisia_low")
    hidden_check(value.is_integer(), "tunisia_low should be a whole number of municipalities: round it.")
    hidden_check(0 <= value <= total, f"tunisia_low should be between 0 and the {total} municipalities.")
    hidden_check(value == round(share * total / 100),
                 "tunisia_low is not the share of low-level municipalities times the number assessed.")
    answer_right("tunisia_low")


def _fits(total: int) -> int:
    return int(fits_share_of(load_losi_2024_cities()["losi_2024"], total).notna().sum())


def _check_fits(value: Any, name: str, total: int) -> None:
    require_computed(name, "cities_2024")
    number = as_number(value, name)
    values = int(load_losi_2024_cities()["losi_2024"].notna().sum())
    hidden_check(0 <= number <= values, f"{name} should count some of the {values} published values.")
    hidden_check(number == _fits(total), f"{name} is not the number of published values that are a rounded "
                 f"share of {total}. Count what lc.fits_share_of(cities_2024[\"losi_2024\"], {total}) finds "
                 "(.notna().sum()).")
    answer_right(name)


def check_fits_95(fits_95: Any) -> None:
    """How many of the published LOSI 2024 values are a rounded share of 95 indicators.

    Example:
        >>> check_fits_95(3)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: fits_95 is not the number of published values that are a rounded share of 95. Count what lc.fits_share_of(cities_2024["losi_2024"], 95) finds (.notna().sum()).
    """
    _check_fits(fits_95, "fits_95", 95)


def check_fits_96(fits_96: Any) -> None:
    """How many of the published LOSI 2024 values are a rounded share of 96 items.

    Example:
        >>> check_fits_96(_fits(96))
        ✓ fits_96 passed the hidden checks.
    """
    _check_fits(fits_96, "fits_96", 96)


def _scores(round_: int):
    return score_table(load_fictional_country(round=round_).consensus)


def _expected_gain():
    return _scores(2)["indicators_met"] - _scores(1)["indicators_met"]


def check_gain(gain: Any) -> None:
    """Each Estoria municipality's change in indicators met, from round 1 to round 2 (fictional).

    Example:
        >>> check_gain(-_expected_gain())
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: gain is the wrong way round: take round 2 minus round 1.
    """
    require_computed("gain", "the two score tables")
    expected = _expected_gain()
    got = as_mapping(gain, "gain")
    hidden_check(set(got) == set(expected.index), "gain should have one value per assessed municipality, "
                 "labelled with its name (subtract the two indicators_met columns).")
    values = {k: as_number(v, f"the gain of {k}") for k, v in got.items()}
    hidden_check(not all(values[k] == -expected[k] for k in values) or not expected.any(),
                 "gain is the wrong way round: take round 2 minus round 1.")
    hidden_check(all(values[k] == expected[k] for k in values),
                 "gain is not the change in indicators met of each municipality. Subtract "
                 'scores_1["indicators_met"] from scores_2["indicators_met"].')
    answer_right("gain")


def check_n_improved(n_improved: Any) -> None:
    """How many municipalities meet more indicators in round 2 than in round 1.

    Example:
        >>> check_n_improved(len(_expected_gain()))
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: n_improved counts every municipality. Count only those with a gain above 0.
    """
    require_computed("n_improved", "gain")
    gain = _expected_gain()
    value = as_number(n_improved, "n_improved")
    hidden_check(value != len(gain) or bool((gain > 0).all()),
                 "n_improved counts every municipality. Count only those with a gain above 0.")
    hidden_check(value == int((gain > 0).sum()), "n_improved is not the number of municipalities whose gain is "
                 "above 0. Count (gain > 0) with .sum().")
    answer_right("n_improved")


def check_criterion_change(criterion_change: Any) -> None:
    """The change of each criterion's national average from round 1 to round 2.

    Example:
        >>> check_criterion_change({"Technology": 0.1})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: criterion_change should have one value for each of the 6 criteria.
    """
    require_computed("criterion_change", "the two score tables")
    criteria = list(load_instrument("2024").criteria)
    expected = _scores(2)[criteria].mean() - _scores(1)[criteria].mean()
    got = as_mapping(criterion_change, "criterion_change")
    hidden_check(set(got) == set(criteria), f"criterion_change should have one value for each of the "
                 f"{len(criteria)} criteria.")
    for name in criteria:
        value = as_number(got[name], f"the value for {name}")
        hidden_check(abs(value + float(expected[name])) > _TOLERANCE or abs(float(expected[name])) <= _TOLERANCE,
                     "criterion_change is the wrong way round: round 2 minus round 1.")
        hidden_check(abs(value - float(expected[name])) <= _TOLERANCE,
                     f"the value for {name} is not the change of its national average. Take "
                     "scores_2[criteria].mean() - scores_1[criteria].mean().")
    answer_right("criterion_change")


def check_beyond_disagreement(beyond_disagreement: Any) -> None:
    """How many municipalities gained more indicators than their round-2 assessors disagreed on.

    Example:
        >>> check_beyond_disagreement(0.5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: beyond_disagreement should be a whole number of municipalities.
    """
    require_computed("beyond_disagreement", "gain and disagreements")
    second = load_fictional_country(round=2)
    disagreements = (second.assessments_a != second.assessments_b).sum(axis=1)
    gain = _expected_gain()
    value = as_number(beyond_disagreement, "beyond_disagreement")
    hidden_check(value.is_integer(), "beyond_disagreement should be a whole number of municipalities.")
    hidden_check(value != int((gain > 0).sum()) or int((gain > disagreements).sum()) == int((gain > 0).sum()),
                 "beyond_disagreement counts every municipality that improved. Compare each gain with that "
                 "municipality's number of disagreements.")
    hidden_check(value == int((gain > disagreements).sum()),
                 "beyond_disagreement is not the number of municipalities whose gain is larger than their "
                 "disagreements. Count (gain > disagreements) with .sum().")
    answer_right("beyond_disagreement")


@lru_cache(maxsize=1)
def _precheck():
    return load_precheck()


def velmora_precheck():
    """The pre-check of the fictional Velmora portal, as a table (a copy): id, tier, outcome, value.

    It is the stored result (``data/velmora/precheck.csv``), which a test keeps equal to a fresh
    pre-check of the site, so a checker need not read the whole site again.

    Example:
        >>> velmora_precheck().set_index("id").loc["214", "outcome"]
        'met'
    """
    return _precheck().copy()


def _decided():
    table = velmora_precheck()
    return table[table["outcome"].isin(["met", "not_met"])]


def check_machine_decided(machine_decided: Any) -> None:
    """How many of the 95 indicators the pre-check decides (met or not met) on Velmora.

    Example:
        >>> check_machine_decided(95)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: machine_decided counts every indicator. Count only the outcomes "met" and "not_met".
    """
    require_computed("machine_decided", "the audit table")
    value = as_number(machine_decided, "machine_decided")
    hidden_check(value != len(velmora_precheck()), "machine_decided counts every indicator. Count only the "
                 'outcomes "met" and "not_met".')
    hidden_check(value == len(_decided()), 'machine_decided is not the number of indicators whose outcome is '
                 '"met" or "not_met". Use audit["outcome"].isin(["met", "not_met"]).sum().')
    answer_right("machine_decided")


def check_machine_kappa(machine_kappa: Any) -> None:
    """Cohen's kappa between the pre-check's decisions and the team's reconciled answers.

    Example:
        >>> check_machine_kappa(1.5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: machine_kappa cannot be above 1.
    """
    require_computed("machine_kappa", "machine and people")
    decided = _decided()
    team = team_assessment()
    expected = cohen_kappa(list(decided["value"]), [team[i].value for i in decided["id"]])
    if expected is None:
        hidden_check(machine_kappa is None, "machine_kappa should be None here: kappa is undefined when every "
                     "answer is the same.")
        answer_right("machine_kappa")
        return
    value = as_number(machine_kappa, "machine_kappa")
    hidden_check(value <= 1, "machine_kappa cannot be above 1.")
    hidden_check(abs(value - expected) <= 0.0005, "machine_kappa is not the kappa of the machine's answers "
                 "against the assessors' answers. Use cohen_kappa(machine, people).")
    answer_right("machine_kappa")
