"""Short hints, without a traceback, for the mistakes beginners make most in the notebooks.

When a course notebook imports ``losi_course``, :func:`install` adds a handler to the running
IPython kernel. For the errors below it shows one or two plain sentences instead of a
traceback; every other error is shown as usual. The error stays an error (a cell that fails
still fails, and nbgrader still counts it), only its text changes.

* a name that has no value yet (``NameError``): which question or cell gives it a value;
  ``yes``/``no`` typed without quotes;
* a column typed differently from the table (``KeyError``): the closest column names;
* a ``...`` left from the comment in an answer cell: "replace the ...";
* an answer cell still holding ``raise NotImplementedError()``: the question is not done yet;
* ``.item()`` on a selection that found no row (a misspelt name): the closest spellings.

It also makes numpy show numbers plainly (``12``, not ``np.int64(12)``).

A cell that stops with an error also forgets the names it was meant to set, so that an older
value from an earlier try cannot make the next check pass by mistake; the hint says so.

Example:
    >>> hint_for(NameError("name 'yes' is not defined"), "answer = yes")
    'Put yes in quotes: "yes". Without quotes, Python reads yes as the name of a variable.'
    >>> hint_for(KeyError(...), 'egdi[...]')
    'Replace the ... with your answer: the ... comes from the example in the comment, and Python cannot use it.'
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
from typing import Any, Iterable, Mapping

__all__ = ["install", "hint_for", "register_answer_names", "register_known_names"]

_ANSWER_NAMES: dict[str, int] = {}      # answer variable -> question number
_KNOWN_NAMES: set[str] = set()          # names a misspelling may be meant to be (countries ...)
_SETUP_NAMES = {"lc", "pd", "plots", "sample_city", "exercise", "np"}
_INSTALLED: list[Any] = []


def register_answer_names(names: Mapping[str, int]) -> None:
    """Record which question gives each answer name its value (for the "no value yet" hint)."""
    _ANSWER_NAMES.update(names)


def register_known_names(names: Iterable[str]) -> None:
    """Record names a participant may type in quotes (countries, municipalities, criteria)."""
    _KNOWN_NAMES.update(str(n) for n in names)


def _ellipsis_hint() -> str:
    return ("Replace the ... with your answer: the ... comes from the example in the comment, and "
            "Python cannot use it.")


def _close(word: str, candidates: Iterable[str]) -> list[str]:
    candidates = list(dict.fromkeys(str(c) for c in candidates))
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered:
        return [lowered[word.lower()]]
    return [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)]


def _quoted(names: list[str]) -> str:
    shown = [f'"{n}"' for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _name_hint(err: NameError) -> str | None:
    match = re.match(r"name '(\w+)' is not defined", str(err))
    if not match:
        return None
    name = match[1]
    if name.lower() in ("yes", "no", "true_", "not_sure"):
        return f'Put {name} in quotes: "{name}". Without quotes, Python reads {name} as the name of a variable.'
    if name in _ANSWER_NAMES:
        return (f"{name} has no value yet. It is your answer to question {_ANSWER_NAMES[name]}: write "
                "the answer in that question's answer cell and run it (Shift + Enter), then run this cell again.")
    if name in _SETUP_NAMES:
        return (f"{name} is not defined yet: run the first code cell of the notebook (the one that imports "
                "the tools), or use Run > Run All Above Selected Cell.")
    return (f"{name} has no value yet. Run the cells above this one first (Run > Run All Above Selected "
            f"Cell); if you typed {name} yourself, check its spelling.")


def _frame_tables(tb) -> list[Any]:
    """pandas tables met in a traceback, outermost first (where a column was looked up)."""
    found: list[Any] = []
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if type(candidate).__name__ in ("DataFrame", "Series") and not any(candidate is f for f in found):
            found.append(candidate)
        tb = tb.tb_next
    return found


def _key_hint(err: KeyError, tb=None) -> str | None:
    key = err.args[0] if err.args else None
    if key is ... or (isinstance(key, str) and key.strip() in ("...", "'...'")):
        return _ellipsis_hint()
    if not isinstance(key, str):
        return None
    for table in _frame_tables(tb):
        names = table.columns if type(table).__name__ == "DataFrame" else table.index
        names = [str(n) for n in names]
        if key in names:
            continue
        close = _close(key, names)
        what = "column" if type(table).__name__ == "DataFrame" else "label"
        hint = f" Did you mean {_quoted(close)}?" if close else ""
        return (f'There is no {what} "{key}" here.{hint} Names must be written exactly as in the table, in '
                "quotes (the same capitals, spaces and underscores).")
    return None


def _strings_in(cell: str) -> list[str]:
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return []
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _spellings(cell: str, namespace: Mapping[str, Any]) -> set[str]:
    """Names the cell may have meant: the text values of the tables it uses, and registered names."""
    known = set(_KNOWN_NAMES)
    for name in re.findall(r"[A-Za-z_]\w*", cell):
        table = namespace.get(name)
        if type(table).__name__ != "DataFrame" or len(table) > 5000:
            continue
        for column in table.columns:
            if table[column].dtype.kind in "OU" or str(table[column].dtype) in ("str", "string"):
                known.update(str(v) for v in table[column].dropna().unique())
    return known


def _item_hint(cell: str, namespace: Mapping[str, Any]) -> str:
    known = _spellings(cell, namespace)
    words = _strings_in(cell) + [v for k, v in namespace.items()
                                 if isinstance(v, str) and not k.startswith("_") and re.search(rf"\b{k}\b", cell)]
    for word in words:
        if known and word not in known:
            close = _close(word, known)
            if close and close != [word]:
                return (f'"{word}" is not spelled as in the table, so no row was found. Did you mean '
                        f"{_quoted(close)}? Copy the spelling from the table.")
    return ("No row was found (or more than one), so .item() cannot take a single value. Check the "
            "spelling of the name you compare with: it must be written exactly as in the table.")


def hint_for(err: BaseException, cell: str = "", namespace: Mapping[str, Any] | None = None,
             tb=None) -> str | None:
    """The short hint for a beginner's error, or None for an error to show as usual.

    Example:
        >>> hint_for(NotImplementedError(), "raise NotImplementedError()")
        'This question is not answered yet: replace the lines # YOUR CODE HERE and raise NotImplementedError() with your answer, then run the cell again.'
        >>> hint_for(ZeroDivisionError("division by zero")) is None
        True
    """
    namespace = namespace or {}
    text = str(err)
    if isinstance(err, NotImplementedError):
        return ("This question is not answered yet: replace the lines # YOUR CODE HERE and raise "
                "NotImplementedError() with your answer, then run the cell again.")
    if isinstance(err, NameError):
        return _name_hint(err)
    if isinstance(err, KeyError):
        return _key_hint(err, tb)
    if "ellipsis" in text:   # AttributeError / TypeError on a ... left in place
        return _ellipsis_hint()
    if isinstance(err, ValueError) and "convert an array of size 1 to a Python scalar" in text:
        return _item_hint(cell, namespace)
    return None


def _not_set(cell: str, failed_line: int | None) -> list[str]:
    """Names the cell assigns at or after the line that failed: this run did not set them."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return []
    names = []
    for statement in tree.body:
        if failed_line is not None and (statement.end_lineno or statement.lineno) < failed_line:
            continue  # it ran before the error: its names hold this run's values
        targets = statement.targets if isinstance(statement, ast.Assign) else \
            [statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _failed_line(shell, tb) -> int | None:
    """The line of the cell where the error happened (the cell's own frame in the traceback)."""
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "<module>" and frame.f_globals is shell.user_global_ns:
            return tb.tb_lineno
        tb = tb.tb_next
    return None


def _handler(shell, etype, value, tb, tb_offset=None):
    cell = shell.user_ns.get("In", [""])[-1] if shell.user_ns.get("In") else ""
    forgotten = [n for n in dict.fromkeys(_not_set(cell, _failed_line(shell, tb))) if n in shell.user_ns]
    for name in forgotten:  # an older value must not pass the next check by mistake
        del shell.user_ns[name]
    try:
        hint = hint_for(value, cell, shell.user_ns, tb)
    except Exception:  # a hint must never hide the real error
        hint = None
    if hint is None and not forgotten:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    if hint is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        print(f"(The cell stopped, so {', '.join(forgotten)} has no value now: fix it and run it again.)")
        return None
    note = f" ({', '.join(forgotten)} has no value until this cell runs without an error.)" if forgotten else ""
    lines = [f"✗ {hint}{note}"]
    try:
        value._render_traceback_ = lambda: lines  # IPython shows these lines instead of a traceback
    except AttributeError:
        pass
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def install() -> bool:
    """Install the hints in the running IPython kernel (once); True if there is a kernel.

    Example:
        >>> install()   # outside a notebook there is nothing to install
        False
    """
    ipython = sys.modules.get("IPython")   # a kernel has it loaded; a plain script does not
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if shell not in _INSTALLED:
        shell.set_custom_exc((Exception,), _handler)
        _INSTALLED.append(shell)
        try:  # numbers show as 12, not np.int64(12), when a participant looks at an answer
            import numpy

            numpy.set_printoptions(legacy="1.25")
        except (ImportError, TypeError, ValueError):
            pass
    return True
