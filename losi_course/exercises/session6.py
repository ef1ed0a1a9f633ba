"""Session 6's questions ("Technology, participation and engagement").

The two findings questions have a shape-only visible check; see
:mod:`losi_course.exercises.session3`.

Example:
    >>> check("tech_findings", {"204": "maybe"})
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: in tech_findings, 204 is 'maybe'. Write "yes" (found) or "no" (not found) for each indicator.
"""

from __future__ import annotations

from typing import Any

from ..grading import session6 as checkers
from ..grading.findings import review_findings
from ..velmora.facts import PARTICIPATION_SAMPLE, TECHNOLOGY_SAMPLE
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress", "review_tech_findings", "review_pe_findings"]


def review_tech_findings(tech_findings: Any) -> None:
    """Visible check of question 2: each technology indicator has a yes or no (shape only)."""
    review_findings(tech_findings, TECHNOLOGY_SAMPLE, "tech_findings")


def review_pe_findings(pe_findings: Any) -> None:
    """Visible check of question 3: each participation indicator has a yes or no (shape only)."""
    review_findings(pe_findings, PARTICIPATION_SAMPLE, "pe_findings")


def _with_findings(stem: str) -> tuple[str, ...]:
    return (stem, "tech_findings", "pe_findings")


QUESTIONS = Questions("session 6", [
    Question(1, "machine_met", 1, checkers.check_machine_met),
    Question(2, "tech_findings", 2, review_tech_findings, shape_only=True),
    Question(3, "pe_findings", 2, review_pe_findings, shape_only=True),
    Question(4, "velmora_score", 1, checkers.check_velmora_score, names=_with_findings("velmora_score")),
    Question(5, "ahead_of_peers", 1, checkers.check_ahead_of_peers, names=_with_findings("ahead_of_peers")),
    Question(6, "quick_wins", 2, checkers.check_quick_wins, names=_with_findings("quick_wins")),
], written_points=4)

check = QUESTIONS.check
progress = QUESTIONS.progress
