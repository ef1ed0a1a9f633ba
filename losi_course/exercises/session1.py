"""Session 1's questions ("The E-Government Survey 2022 and local e-government").

Example:
    >>> check("very_high_minimum", 64)
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: very_high_minimum is not the smallest whole number of indicators that gives a LOSI above 0.75 (out of 86). Remember: 'above', not 'equal to'.
    >>> [q.stem for q in QUESTIONS.questions][:3]
    ['world_mean', 'regional_means', 'egdi_level_counts']
"""

from __future__ import annotations

from ..grading import session1 as checkers
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress"]

QUESTIONS = Questions("session 1", [
    Question(1, "world_mean", 1, checkers.check_world_mean),
    Question(2, "regional_means", 2, checkers.check_regional_means),
    Question(3, "egdi_level_counts", 1, checkers.check_egdi_level_counts),
    Question(4, "ldc_mean", 2, checkers.check_ldc_mean),
    Question(5, "my_country", 2, checkers.check_my_country, names=("my_country", "my_rank", "my_level")),
    Question(6, "not_assessed", 1, checkers.check_not_assessed),
    Question(7, "level_counts_2022", 2, checkers.check_level_counts_2022),
    Question(8, "low_or_middle_pct", 1, checkers.check_low_or_middle_pct),
    Question(9, "features_below_half", 1, checkers.check_features_below_half),
    Question(10, "toy_losi", 1, checkers.check_toy_losi),
    Question(11, "very_high_minimum", 2, checkers.check_very_high_minimum),
], written_points=3)

check = QUESTIONS.check
progress = QUESTIONS.progress
