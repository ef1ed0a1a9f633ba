"""Reading participants' answers for the hidden checks: numbers, labelled values, closeness.

Shared by the session checkers, so every session accepts the same forms of an answer
(numpy numbers, a pandas Series or a dict) and fails with the same kind messages.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import ast

from ..checks import hidden_check, in_visible_mode, kind_of

__all__ = ["as_number", "as_mapping", "is_close", "require_computed"]


def as_number(value: Any, name: str) -> float:
    """A participant's number as a plain float (numpy numbers accepted), or a kind failure.

    Example:
        >>> import numpy as np
        >>> as_number(np.int64(3), "count")
        3.0
        >>> as_number("3", "count")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: count should be a number, not text. Remove the quotes.
    """
    if isinstance(value, str):
        hidden_check(False, f"{name} should be a number, not text. Remove the quotes.")
    if hasattr(value, "item") and getattr(value, "size", 1) == 1 and not hasattr(value, "index"):
        value = value.item()  # a numpy scalar or one-element array
    hidden_check(isinstance(value, numbers.Real) and not isinstance(value, bool),
                 f"{name} should be a single number (it is {kind_of(value)}).")
    number = float(value)
    hidden_check(not math.isnan(number), f"{name} is NaN (not a number); a calculation used an empty value.")
    return number


def as_mapping(value: Any, name: str) -> dict[str, Any]:
    """A participant's labelled values (a pandas Series or a dict) as ``{label: value}``.

    Example:
        >>> import pandas as pd
        >>> as_mapping(pd.Series({"Asia": 0.6}), "means")
        {'Asia': 0.6}
    """
    import pandas as pd

    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        value = value.iloc[:, 0]
    if isinstance(value, pd.Series):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    hidden_check(False, f"{name} should be a column of values with labels (a pandas Series) "
                        f"or a dictionary; it is {kind_of(value)}.")
    return {}  # not reached


def is_close(value: float, expected: float, tolerance: float) -> bool:
    """Whether a participant's number is within ``tolerance`` of the expected one.

    Example:
        >>> is_close(0.9186, 79 / 86, 0.00005), is_close(0.92, 79 / 86, 0.00005)
        (True, False)
    """
    return abs(value - expected) <= tolerance


def _assignment(cell: str, name: str) -> ast.expr | None:
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return None
    for statement in reversed(tree.body):
        if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in statement.targets):
            return statement.value
    return None


def _only_literals(node: ast.expr) -> bool:
    """True for a value typed in: numbers, text, and lists, dictionaries or arithmetic of them."""
    allowed = (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp,
               ast.operator, ast.unaryop, ast.expr_context, ast.keyword)
    return all(isinstance(n, allowed) for n in ast.walk(node))


def require_computed(name: str, source: str = "the data") -> None:
    """Hidden tests only: the answer ``name`` must be computed, not typed in as a value.

    Looks up the participant's last cell that assigns ``name`` (the kernel's input history) and
    fails when it assigns a plain value, such as ``world_mean = 0.6102``. Outside a kernel, in a
    visible check, or when no such cell is found, it does nothing.

    Example:
        >>> require_computed("world_mean")   # no kernel here: nothing to look at
    """
    if in_visible_mode():
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    for cell in reversed(history):
        value = _assignment(cell, name)
        if value is not None:
            hidden_check(not _only_literals(value),
                         f"{name} is typed in as a value. The question asks you to compute it from "
                         f"{source}, as the comment in the answer cell shows, so that it follows the data.")
            return
