"""Session 3's questions ("Best practices: provision of content and services").

The two findings questions have a shape-only visible check (every indicator answered yes or
no): in a graded workshop the check must not be a way to search the designed answers. After
answering, self-paced learners can compare with :func:`losi_course.sample_city.explain_findings`.

Example:
    >>> check("content_findings", {"221": "yes"})
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: content_findings has no entry for 228 (Education information), ... Keep every id given in the comment.
"""

from __future__ import annotations

from typing import Any

from ..grading import session3 as checkers
from ..grading.findings import review_findings
from ..velmora.facts import CONTENT_SAMPLE, SERVICES_SAMPLE
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress", "review_content_findings", "review_service_findings"]



def review_content_findings(content_findings: Any) -> None:
    """Visible check of question 1: each content indicator has a yes or no (shape only)."""
    review_findings(content_findings, CONTENT_SAMPLE, "content_findings")


def review_service_findings(service_findings: Any) -> None:
    """Visible check of question 2: each services indicator has a yes or no (shape only)."""
    review_findings(service_findings, SERVICES_SAMPLE, "service_findings")


def _with_findings(stem: str) -> tuple[str, ...]:
    return (stem, "content_findings", "service_findings")


QUESTIONS = Questions("session 3", [
    Question(1, "content_findings", 2, review_content_findings, shape_only=True),
    Question(2, "service_findings", 2, review_service_findings, shape_only=True),
    Question(3, "velmora_score", 1, checkers.check_velmora_score, names=_with_findings("velmora_score")),
    Question(4, "services_score", 1, checkers.check_services_score, names=_with_findings("services_score")),
    Question(5, "peer_services_mean", 1, checkers.check_peer_services_mean),
    Question(6, "gaps", 2, checkers.check_gaps, names=_with_findings("gaps")),
    Question(7, "quick_wins", 2, checkers.check_quick_wins, names=_with_findings("quick_wins")),
], written_points=4)

check = QUESTIONS.check
progress = QUESTIONS.progress
