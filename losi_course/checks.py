"""Friendly checks for exercises: what to look at, never a bare ``AssertionError``.

Visible tests in the notebooks call these helpers. A failed check raises
:class:`CheckFailed` (an ``AssertionError``, so nbgrader counts the test as failed), and
Jupyter shows only its message, with no traceback, because the class provides
``_render_traceback_``.

Example:
    >>> check_number("losi", 0.9186, 79 / 86, tolerance=0.0001)
    ✓ losi looks right.
    >>> check_number("losi", 0.5, 79 / 86, tolerance=0.0001, hint="Divide the indicators met by 86.")
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not yet: losi is 0.5, which is not the expected value. Divide the indicators met by 86.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from typing import Any, Iterable

__all__ = [
    "CheckFailed",
    "kind_of",
    "check",
    "passed",
    "check_defined",
    "check_type",
    "check_number",
    "check_text_answer",
    "check_same_items",
    "check_columns",
    "hidden_check",
    "answer_right",
    "visible_mode",
    "in_visible_mode",
]

# The session checkers serve twice: as the visible check a participant runs while working
# ("Not yet: ...", "✓ x is right.") and as the hidden test at grading ("Not quite: ...").
_VISIBLE = contextvars.ContextVar("losi_course_visible_check", default=False)


class CheckFailed(AssertionError):
    """A check that did not pass; its message says what to look at.

    Example:
        >>> CheckFailed("Not yet: losi should be a number.")._render_traceback_()
        ['✗ Not yet: losi should be a number.']
    """

    def _render_traceback_(self):  # IPython shows these lines instead of a traceback
        return [f"✗ {self}"]


def passed(message: str) -> None:
    """Print a success line.

    Example:
        >>> passed("Well done.")
        ✓ Well done.
    """
    print(f"✓ {message}")


def check(condition: bool, message: str, success: str | None = None) -> None:
    """Raise :class:`CheckFailed` with ``message`` unless ``condition`` holds.

    Example:
        >>> check(2 + 2 == 4, "Arithmetic is broken.", success="Arithmetic works.")
        ✓ Arithmetic works.
    """
    if not condition:
        raise CheckFailed(f"Not yet: {message}")
    if success:
        passed(success)


def check_defined(value: Any, name: str) -> None:
    """Fail kindly when an answer is still the placeholder ``...`` or ``None``.

    Example:
        >>> check_defined(..., "total_cities")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: total_cities has no answer yet. Replace the ... with your answer and run the cell again.
    """
    if value is ... or value is None:
        raise CheckFailed(f"Not yet: {name} has no answer yet. Replace the ... with your answer and run the cell again.")


# What a beginner would call each kind of value, rather than Python's type name.
_KINDS = {"str": "text", "DataFrame": "a table", "Series": "a column of values", "list": "a list",
          "tuple": "a list", "dict": "a dictionary", "bool": "True or False", "NoneType": "nothing (None)",
          "NAType": "an empty cell of the table", "NaTType": "an empty date", "ellipsis": "the ... placeholder"}


def kind_of(value: Any) -> str:
    """What a value is, in a beginner's words (for the checks' messages).

    Example:
        >>> import pandas as pd
        >>> kind_of(pd.NA), kind_of(pd.DataFrame()), kind_of(object())
        ('an empty cell of the table', 'a table', 'object')
    """
    name = type(value).__name__
    return _KINDS.get(name, name)


def check_type(value: Any, name: str, types: type | tuple[type, ...], described: str) -> None:
    """Check the kind of an answer, e.g. a number or a table.

    Example:
        >>> import numpy as np
        >>> check_type(np.int64(12), "count", (int, float), "a number")  # numpy numbers are fine
        >>> check_type("12", "count", (int, float), "a number")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: count should be a number, but it is text (str). Remove the quotes if you typed a number.
    """
    check_defined(value, name)
    wanted = types if isinstance(types, tuple) else (types,)
    if int in wanted or float in wanted:
        wanted = wanted + (numbers.Real,)  # numpy numbers (e.g. from .sum()) count as numbers
    if isinstance(value, bool) or type(value).__name__ == "bool_" or not isinstance(value, wanted):
        kind = kind_of(value)
        tip = " Remove the quotes if you typed a number." if isinstance(value, str) else ""
        raise CheckFailed(f"Not yet: {name} should be {described}, but it is {kind} ({type(value).__name__}).{tip}")


def check_number(name: str, value: Any, expected: float, *, tolerance: float = 1e-6,
                 hint: str = "", reveal: bool = False) -> None:
    """Compare a numeric answer with the expected value, within a tolerance.

    ``reveal=False`` (the default) keeps the expected value out of the message, so that
    feedback after grading does not give the answer away.

    Example:
        >>> check_number("share", 0.26, 0.26, tolerance=0.005)
        ✓ share looks right.
    """
    check_type(value, name, (int, float), "a number")
    if isinstance(value, float) and math.isnan(value):
        raise CheckFailed(f"Not yet: {name} is NaN (not a number); a calculation used an empty value.")
    if abs(float(value) - float(expected)) > tolerance:
        shown = f" (expected about {expected:g})" if reveal else ""
        raise CheckFailed(f"Not yet: {name} is {value:g}, which is not the expected value{shown}. {hint}".strip())
    passed(f"{name} looks right.")


def check_text_answer(name: str, value: Any, accepted: Iterable[str], hint: str = "") -> None:
    """Check a short text answer against accepted spellings (case and spaces ignored).

    Example:
        >>> check_text_answer("level", " very HIGH", ["Very high"])
        ✓ level looks right.
    """
    check_type(value, name, str, "text in quotes")
    normal = " ".join(value.lower().split())
    if normal not in {" ".join(a.lower().split()) for a in accepted}:
        raise CheckFailed(f"Not yet: {name} is '{value}', which is not what was expected. {hint}".strip())
    passed(f"{name} looks right.")


def check_same_items(name: str, value: Any, expected: Iterable[Any], hint: str = "") -> None:
    """Check a collection (list, set, column) has exactly the expected items, in any order.

    The message says how many are missing or extra without naming them.

    Example:
        >>> check_same_items("weak_criteria", ["IF", "TEC"], {"TEC", "IF"})
        ✓ weak_criteria looks right.
        >>> check_same_items("weak_criteria", ["IF"], {"TEC", "IF"})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: weak_criteria misses 1 item(s) and has 0 item(s) too many.
    """
    check_defined(value, name)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise CheckFailed(f"Not yet: {name} should be a list of items, like ['a', 'b'].")
    got, want = set(value), set(expected)
    if got != want:
        raise CheckFailed(f"Not yet: {name} misses {len(want - got)} item(s) and has "
                          f"{len(got - want)} item(s) too many. {hint}".strip())
    passed(f"{name} looks right.")


def check_columns(name: str, table: Any, columns: Iterable[str]) -> None:
    """Check a table (DataFrame) has the named columns.

    Example:
        >>> import pandas as pd
        >>> check_columns("summary", pd.DataFrame({"losi": [0.5]}), ["losi", "level"])
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: summary lacks the column(s) level.
    """
    import pandas as pd

    check_type(table, name, pd.DataFrame, "a table (DataFrame)")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CheckFailed(f"Not yet: {name} lacks the column(s) {', '.join(missing)}.")


@contextlib.contextmanager
def visible_mode():
    """Run session checkers as a participant's visible check (messages start "Not yet").

    Example:
        >>> with visible_mode():
        ...     answer_right("world_mean")
        ✓ world_mean is right.
    """
    token = _VISIBLE.set(True)
    try:
        yield
    finally:
        _VISIBLE.reset(token)


def in_visible_mode() -> bool:
    """True inside :func:`visible_mode` (a participant's check, not the grading run)."""
    return _VISIBLE.get()


def hidden_check(condition: bool, message: str) -> None:
    """A session checker's test: fail with a message that names the problem, not the answer.

    The message starts "Not quite:" in the hidden tests and "Not yet:" in a visible check.

    Example:
        >>> hidden_check(True, "The count of low-level cities is off.")
        >>> hidden_check(False, "the count is off.")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: the count is off.
    """
    if not condition:
        raise CheckFailed(f"{'Not yet' if _VISIBLE.get() else 'Not quite'}: {message}")


def answer_right(name: str, detail: str = "") -> None:
    """The success line of a session checker: "is right" when visible, "passed" when graded.

    Example:
        >>> answer_right("toy_losi")
        ✓ toy_losi passed the hidden checks.
    """
    text = f"{name} is right." if _VISIBLE.get() else f"{name} passed the hidden checks."
    passed(f"{text} {detail}".strip())
