"""Session 2's questions ("LOSI pilots: assessing many cities in one country").

Example:
    >>> check("n_with_portal", 32)
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: n_with_portal counts every municipality. Count only those where has_portal is True.
"""

from __future__ import annotations

from ..grading import session2 as checkers
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress"]

QUESTIONS = Questions("session 2", [
    Question(1, "jordan_portals", 1, checkers.check_jordan_portals),
    Question(2, "portals_per_researcher", 1, checkers.check_portals_per_researcher),
    Question(3, "n_with_portal", 1, checkers.check_n_with_portal),
    Question(4, "scores", 2, checkers.check_scores),
    Question(5, "ranks", 1, checkers.check_ranks),
    Question(6, "level_counts", 1, checkers.check_level_counts),
    Question(7, "national_criteria", 2, checkers.check_national_criteria),
    Question(8, "weakest_criterion", 1, checkers.check_weakest_criterion),
    Question(9, "regional_losi", 2, checkers.check_regional_losi),
    Question(10, "agreement_share", 2, checkers.check_agreement_share),
], written_points=3)

check = QUESTIONS.check
progress = QUESTIONS.progress
