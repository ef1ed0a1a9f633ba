"""Session 4's questions ("More pilot results: India, Greece, Mozambique, Uzbekistan").

Example:
    >>> check("fits_95", 13)
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: fits_95 is not the number of published values that are a rounded share of 95. Count what lc.fits_share_of(cities_2024["losi_2024"], 95) finds (.notna().sum()).
"""

from __future__ import annotations

from ..grading import session4 as checkers
from .questions import Question, Questions

__all__ = ["QUESTIONS", "check", "progress"]

QUESTIONS = Questions("session 4", [
    Question(1, "greece_municipalities", 1, checkers.check_greece_municipalities),
    Question(2, "greece_level", 1, checkers.check_greece_level),
    Question(3, "tunisia_low", 1, checkers.check_tunisia_low),
    Question(4, "fits_95", 2, checkers.check_fits_95),
    Question(5, "fits_96", 1, checkers.check_fits_96),
    Question(6, "gain", 2, checkers.check_gain),
    Question(7, "n_improved", 1, checkers.check_n_improved),
    Question(8, "criterion_change", 2, checkers.check_criterion_change),
    Question(9, "beyond_disagreement", 2, checkers.check_beyond_disagreement),
    Question(10, "machine_decided", 1, checkers.check_machine_decided),
    Question(11, "machine_kappa", 2, checkers.check_machine_kappa),
], written_points=4)

check = QUESTIONS.check
progress = QUESTIONS.progress
