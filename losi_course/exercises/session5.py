"""Session 5's questions ("Best practices: institutional framework").

The two findings questions (1 and 7) have a shape-only visible check; see
:mod:`losi_course.exercises.session3`.

Example:
    >>> check("kappa_by_hand", -0.22)
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: kappa_by_hand is not (observed - chance) / (1 - chance). Mind the brackets: subtract first, then divide.
"""

from __future__ import annotations

from typing import Any

from ..grading import session5 as checkers
from ..grading.findings import review_findings
from ..velmora.facts import INSTITUTIONAL_SAMPLE
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress", "review_if_findings", "review_resolutions"]


def review_if_findings(if_findings: Any) -> None:
    """Visible check of question 1: each institutional-framework indicator has a yes or no."""
    review_findings(if_findings, INSTITUTIONAL_SAMPLE, "if_findings")


def review_resolutions(resolutions: Any) -> None:
    """Visible check of question 7: each disagreement of the two assessors has a yes or no."""
    review_findings(resolutions, checkers.velmora_reconciliation().disagreements, "resolutions")


QUESTIONS = Questions("session 5", [
    Question(1, "if_findings", 2, review_if_findings, shape_only=True),
    Question(2, "n_disagreements", 1, checkers.check_n_disagreements),
    Question(3, "observed_agreement", 1, checkers.check_observed_agreement),
    Question(4, "chance_agreement", 2, checkers.check_chance_agreement),
    Question(5, "kappa_by_hand", 1, checkers.check_kappa_by_hand),
    Question(6, "least_agreed", 1, checkers.check_least_agreed),
    Question(7, "resolutions", 3, review_resolutions, shape_only=True),
    Question(8, "consensus_losi", 1, checkers.check_consensus_losi, names=("consensus_losi", "resolutions")),
], written_points=3)

check = QUESTIONS.check
progress = QUESTIONS.progress
