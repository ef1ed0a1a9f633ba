"""Hidden-test checkers for session 5 ("Best practices: institutional framework").

The questions work on Velmora, the course's fictional sample city, and on the prepared sheets
of its two fictional assessors (:func:`losi_course.velmora.prepared.assessor_assessments`). Every
checker recomputes what it expects from the library: the reconciliation of the two sheets,
the consensus built from the participant's own resolutions. Nothing is stored here.

The findings checkers (``check_if_findings`` and ``check_resolutions``) explain each answer
that differs from the designed one with the answer key's note; the others name the problem
without giving the answer.

Example:
    >>> from losi_course.reconcile import reconcile
    >>> from losi_course.velmora.prepared import assessor_assessments
    >>> check_n_disagreements(len(reconcile(*assessor_assessments()).disagreements))
    ✓ n_disagreements passed the hidden checks.
"""

from __future__ import annotations

from typing import Any

from ..checks import CheckFailed, answer_right, hidden_check
from ..errors import LosiInputError
from ..framework import load_instrument
from ..reconcile import reconcile
from ..scoring import score_assessment
from ..velmora.facts import INSTITUTIONAL_SAMPLE
from ..velmora.prepared import assessor_assessments
from .answers import as_number, is_close, require_computed
from .findings import parse_findings
from .session3 import check_findings

__all__ = [
    "check_if_findings",
    "check_n_disagreements",
    "check_observed_agreement",
    "check_chance_agreement",
    "check_kappa_by_hand",
    "check_least_agreed",
    "check_resolutions",
    "check_consensus_losi",
    "velmora_reconciliation",
]

_TOLERANCE = 0.0005  # hand calculations may be rounded to 3 decimals


def velmora_reconciliation():
    """The reconciliation of the two fictional assessors' sheets of Velmora.

    Example:
        >>> velmora_reconciliation().n_compared
        95
    """
    return reconcile(*assessor_assessments())


def _shares():
    n11, n10, n01, n00 = velmora_reconciliation().counts
    n = n11 + n10 + n01 + n00
    observed = (n11 + n00) / n
    a_yes, b_yes = (n11 + n10) / n, (n11 + n01) / n
    chance = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    return observed, chance, (observed - chance) / (1 - chance)


def _close(value: float, expected: float) -> bool:
    return is_close(value, expected, _TOLERANCE)


def check_if_findings(if_findings: Any) -> None:
    """The participant's findings on the six institutional-framework indicators of Velmora.

    Example:
        >>> check_if_findings({"281": "yes", "215": "maybe"})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: in if_findings, 215 is 'maybe'. Write "yes" (found) or "no" (not found) for each indicator.
    """
    check_findings(if_findings, INSTITUTIONAL_SAMPLE, "if_findings")


def check_n_disagreements(n_disagreements: Any) -> None:
    """How many indicators the two fictional assessors answered differently.

    Example:
        >>> check_n_disagreements(95)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: n_disagreements is not the number of indicators the two assessors answered differently. Count the list result.disagreements.
    """
    require_computed("n_disagreements", "result")
    expected = len(velmora_reconciliation().disagreements)
    value = as_number(n_disagreements, "n_disagreements")
    hidden_check(value == expected, "n_disagreements is not the number of indicators the two "
                                    "assessors answered differently. Count the list result.disagreements.")
    answer_right("n_disagreements")


def check_observed_agreement(observed_agreement: Any) -> None:
    """The share of indicators on which the two assessors agree, computed by hand.

    Example:
        >>> check_observed_agreement(50)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: observed_agreement should be a share between 0 and 1, not a percentage.
    """
    require_computed("observed_agreement", "the crosstab")
    observed, _, _ = _shares()
    value = as_number(observed_agreement, "observed_agreement")
    hidden_check(0 <= value <= 1, "observed_agreement should be a share between 0 and 1, not a percentage.")
    hidden_check(_close(value, observed), "observed_agreement is not the share of indicators where "
                 "both said yes or both said no. Add the two 'same answer' cells and divide by the total.")
    answer_right("observed_agreement")


def check_chance_agreement(chance_agreement: Any) -> None:
    """The agreement expected by chance from each assessor's share of yes answers.

    Example:
        >>> check_chance_agreement(0.5)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: chance_agreement is not the agreement expected by chance. It is (A's share of yes x B's share of yes) + (A's share of no x B's share of no).
    """
    require_computed("chance_agreement", "the shares")
    observed, chance, _ = _shares()
    value = as_number(chance_agreement, "chance_agreement")
    hidden_check(0 <= value <= 1, "chance_agreement should be a share between 0 and 1.")
    hidden_check(not _close(value, observed) or _close(observed, chance),
                 "chance_agreement is the observed agreement. The chance agreement uses only how "
                 "often each assessor said yes.")
    hidden_check(_close(value, chance), "chance_agreement is not the agreement expected by chance. It "
                 "is (A's share of yes x B's share of yes) + (A's share of no x B's share of no).")
    answer_right("chance_agreement")


def check_kappa_by_hand(kappa_by_hand: Any) -> None:
    """Cohen's kappa of the two assessors, from the two shares above.

    Example:
        >>> check_kappa_by_hand(1.2)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: kappa_by_hand cannot be above 1.
    """
    require_computed("kappa_by_hand", "the two agreements")
    _, _, kappa = _shares()
    value = as_number(kappa_by_hand, "kappa_by_hand")
    hidden_check(value <= 1, "kappa_by_hand cannot be above 1.")
    hidden_check(_close(value, kappa), "kappa_by_hand is not (observed - chance) / (1 - chance). Mind "
                 "the brackets: subtract first, then divide.")
    answer_right("kappa_by_hand")


def check_least_agreed(least_agreed: Any) -> None:
    """The criterion with the lowest agreement between the two assessors (name or short code, any case).

    Example:
        >>> check_least_agreed("Technology")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: least_agreed is not the criterion with the lowest agreement. Use idxmin() on the agreement column of result.by_criterion.
    """
    require_computed("least_agreed", "result.by_criterion")
    table = velmora_reconciliation().by_criterion
    lowest = table["agreement"].astype(float)
    expected = set(lowest[lowest == lowest.min()].index)
    hidden_check(isinstance(least_agreed, str), "least_agreed should be a criterion name, in quotes.")
    try:
        name = load_instrument("2024").criterion_name(" ".join(least_agreed.split()))
    except LosiInputError:
        name = None
    hidden_check(name is not None, "least_agreed should be one of the six criterion names.")
    hidden_check(name in expected, "least_agreed is not the criterion with the lowest agreement. Use "
                                   "idxmin() on the agreement column of result.by_criterion.")
    answer_right("least_agreed")


def check_resolutions(resolutions: Any) -> None:
    """The participant's answer for each disagreement, explained against the designed answers.

    Example:
        >>> check_resolutions({"216": ...})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: resolutions has no entry for ... Keep every id given in the comment. resolutions has no answer yet for 216 ...
    """
    check_findings(resolutions, velmora_reconciliation().disagreements, "resolutions")


def check_consensus_losi(consensus_losi: Any, resolutions: Any) -> None:
    """The LOSI of the consensus sheet built with the participant's resolutions.

    Example:
        >>> result = velmora_reconciliation()
        >>> check_consensus_losi(0.5, {k: "yes" for k in result.disagreements})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: consensus_losi is not the LOSI of the consensus sheet built with your resolutions. Score consensus with lc.score_assessment and take .losi.
    """
    require_computed("consensus_losi", "consensus")
    result = velmora_reconciliation()
    try:
        resolved = parse_findings(resolutions, result.disagreements, "resolutions")
    except CheckFailed:
        resolved = None
    hidden_check(resolved is not None, "resolutions must be complete first (the question before): "
                                       "the consensus is built on it.")
    expected = score_assessment(result.consensus(resolved)).losi
    value = as_number(consensus_losi, "consensus_losi")
    hidden_check(0 <= value <= 1, "consensus_losi should be a share between 0 and 1.")
    hidden_check(abs(value - expected) <= 0.00005,
                 "consensus_losi is not the LOSI of the consensus sheet built with your resolutions. "
                 "Score consensus with lc.score_assessment and take .losi.")
    answer_right("consensus_losi")
