"""Checks that answer cells cannot reach: every test cell run again, apart from the notebook.

A participant's code runs in the same kernel as the checks of their notebook, so it can change
them (patch a checker, swallow an error, empty a cell before it runs). The grading therefore
does not trust the kernel's verdict on its own:

1. just before each autograded test cell runs, a small *capture* cell records the values the
   test is about to read (the participant's answers and the notebook's names) into a file;
2. after the notebook has run, the grading process, which no answer cell can reach, runs the
   test cell's original code again on those values (:func:`run_check`), with the checkers it
   imported itself from the course library;
3. a test that passed in the notebook but fails here, or that never recorded its values, scores
   0 and flags the submission.

The values travel as pickles read with :class:`AnswerUnpickler`, which only rebuilds plain data,
pandas and numpy objects and the course's own result classes: nothing in a value can run code
in the grading process. A test that needs a function or class the notebook defines cannot be run
apart from it (the course's answers are values); its notebook verdict stands. :func:`library_fingerprint`
notices a course library changed on disk.

Example:
    >>> import pickle
    >>> captured = {"world_mean": ("value", pickle.dumps(0.5)), "lc": ("module", "losi_course")}
    >>> run_check("assert lc is not None\\nassert world_mean == 0.5", captured).passed
    True
    >>> run_check("assert world_mean == 0.6", captured).message
    'AssertionError'
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import hashlib
import importlib
import io
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CAPTURE_MARK", "DefinedInNotebook", "free_names", "capture_code", "read_capture", "AnswerUnpickler",
           "CheckRun", "run_check", "library_folder", "compile_library", "library_fingerprint",
           "changed_files"]

#: Metadata key of the capture cells (removed again before the notebook is saved).
CAPTURE_MARK = "losi_capture"

_BUILTINS = frozenset(dir(builtins))
# Modules a notebook name may stand for in a re-run (anything else is left out, so the test
# fails as it would without that name): the course library and what its notebooks import.
_MODULE_ROOTS = ("losi_course", "pandas", "numpy", "math", "statistics", "matplotlib")
# Classes a value may be rebuilt from: pandas and numpy data, the course's result objects.
_CLASS_MODULES = ("pandas", "pandas.arrays", "pandas.core.frame", "pandas.core.series",
                  "pandas.core.internals.managers", "pandas.core.internals.blocks",
                  "pandas.core.indexes", "pandas.core.arrays", "pandas.core.dtypes", "pandas._libs",
                  "numpy", "numpy._core", "numpy.core", "numpy.dtypes", "datetime", "decimal", "fractions",
                  "collections", "losi_course.assessment", "losi_course.scoring", "losi_course.reconcile",
                  "losi_course.fictional", "losi_course.framework", "losi_course.checks")
_NOT_CLASSES = ("pandas.io", "pandas.core.computation", "pandas.plotting", "pandas.core.window")
# Functions pickles of such data call to rebuild them (and nothing else may be called).
_REBUILDERS = {
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("pandas._libs.internals", "_unpickle_block"), ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas.core.indexes.base", "_new_Index"), ("pandas.core.internals.blocks", "new_block"),
    ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
    ("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"),
    ("pandas.core.arrays.categorical", "_recode_for_categories"),
    ("copyreg", "_reconstructor"),
}
_SAFE_BUILTINS = {"slice", "set", "frozenset", "complex", "range", "bytearray", "list", "dict", "tuple",
                  "int", "float", "str", "bytes", "bool", "object"}

_CAPTURE = '''\
def _losi_capture(path, names, scope):
    import pickle, types
    found = {{}}
    for name in names:
        if name not in scope:
            found[name] = ("missing", "")
            continue
        value = scope[name]
        if isinstance(value, types.ModuleType):
            found[name] = ("module", value.__name__)
            continue
        try:
            found[name] = ("value", pickle.dumps(value, protocol=4))
        except Exception as error:
            found[name] = ("unpicklable", type(error).__name__)
    try:
        with open(path, "wb") as handle:
            pickle.dump(found, handle, protocol=4)
    except Exception:
        pass
_losi_capture({path!r}, {names!r}, globals())
del _losi_capture
'''


def free_names(code: str) -> list[str]:
    """The names a test cell reads before it binds them itself (builtins left out), sorted.

    Example:
        >>> free_names("from losi_course.checks import check\\ncheck(world_mean > 0, 'x')\\nlen(egdi)")
        ['egdi', 'world_mean']
    """
    tree = ast.parse(code)
    first_load: dict[str, tuple[int, int]] = {}
    first_store: dict[str, tuple[int, int]] = {}

    def note(table, name, node):
        where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if name not in table or where < table[name]:
            table[name] = where

    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            note(first_load if isinstance(node.ctx, ast.Load) else first_store, node.id, node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                note(first_store, (alias.asname or alias.name).split(".")[0], node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            note(first_store, node.name, node)
        elif isinstance(node, ast.arg):
            note(first_store, node.arg, node)
    names = {name for name, where in first_load.items()
             if name not in _BUILTINS and (name not in first_store or where < first_store[name])}
    return sorted(names)


def capture_code(path: str, names: list[str]) -> str:
    """The code of a capture cell: record ``names`` from the kernel's namespace into ``path``.

    It never raises (a failed capture shows as a missing record, which the grading treats as
    a check that did not run) and leaves no name behind in the participant's namespace.

    Example:
        >>> "pickle.dumps" in capture_code("/tmp/x.pickle", ["world_mean"])
        True
    """
    return _CAPTURE.format(path=str(path), names=list(names))


class DefinedInNotebook(pickle.UnpicklingError):
    """A recorded value is a function or class the notebook defines: it cannot be rebuilt apart."""


class AnswerUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds only data: plain values, pandas and numpy objects, course results.

    Any other global a pickle names (a function to call, a class of the participant's own
    notebook, a module to import) is refused with :class:`pickle.UnpicklingError`.

    Example:
        >>> AnswerUnpickler(io.BytesIO(pickle.dumps({"a": [1, 2.5]}))).load()
        {'a': [1, 2.5]}
        >>> AnswerUnpickler(io.BytesIO(pickle.dumps(print))).load()
        Traceback (most recent call last):
        ...
        _pickle.UnpicklingError: the answer refers to builtins.print, which a recorded answer may not hold
    """

    def find_class(self, module: str, name: str):
        refused = pickle.UnpicklingError(f"the answer refers to {module}.{name}, which a recorded answer may not hold")
        if module == "__main__":
            raise DefinedInNotebook(f"{name} is defined in the notebook")
        if module == "builtins":
            if name in _SAFE_BUILTINS:
                return getattr(builtins, name)
            raise refused
        if module not in sys.modules:  # never import anything because a pickle says so
            raise refused
        value = getattr(sys.modules[module], name, None)
        if value is None:
            raise refused
        if (module, name) in _REBUILDERS:
            return value
        allowed = any(module == root or module.startswith(root + ".") for root in _CLASS_MODULES)
        blocked = any(module == root or module.startswith(root + ".") for root in _NOT_CLASSES)
        if allowed and not blocked and isinstance(value, type) and value is not type:
            return value
        if module == "losi_course.checks" and callable(value):
            return value  # the visible checks are imported into the notebook's namespace
        raise refused


def read_capture(path: str | Path) -> dict[str, tuple[str, object]] | None:
    """A capture file as ``{name: (kind, payload)}``; None if it is missing or unreadable.

    Example:
        >>> read_capture("/nonexistent/capture.pickle") is None
        True
    """
    try:
        raw = Path(path).read_bytes()
        found = AnswerUnpickler(io.BytesIO(raw)).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    if not isinstance(found, dict):
        return None
    return {str(k): v for k, v in found.items() if isinstance(v, tuple) and len(v) == 2}


@dataclass(frozen=True)
class CheckRun:
    """The outcome of one test cell run again apart from the notebook.

    Example:
        >>> CheckRun(False, "AssertionError", ["world_mean could not be recorded"]).explain()
        'AssertionError (world_mean could not be recorded)'
    """

    passed: bool
    message: str = ""
    notes: tuple[str, ...] | list[str] = ()
    confirmable: bool = True      # False: the test needs code defined in the notebook itself

    def explain(self) -> str:
        """The failure, and what about the recorded values may explain it."""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.message}{notes}"


def _module(name: str):
    if not any(name == root or name.startswith(root + ".") for root in _MODULE_ROOTS):
        return None
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def _preload() -> None:
    # the unpickler only rebuilds classes of modules already imported: import those it may need
    for root in ("numpy", "pandas", *[m for m in _CLASS_MODULES if m.startswith("losi_course.")]):
        importlib.import_module(root)


def run_check(source: str, captured: dict[str, tuple[str, object]], label: str = "check") -> CheckRun:
    """Run a test cell's ``source`` on the ``captured`` names, in this process; did it pass?

    Values are rebuilt with :class:`AnswerUnpickler`; module names are imported again here
    (only the course library and what its notebooks import). Names that could not be recorded
    or rebuilt are left out, so a test that needs them fails, as it should. What the test prints
    is swallowed. A test that needs a function or class defined in the notebook is not run
    (``confirmable`` is False): the course's answers are values, and code from a notebook never
    runs in the grading process.
    """
    _preload()
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    notes, own_code = [], []
    for name, (kind, payload) in captured.items():
        if kind == "module":
            module = _module(str(payload))
            if module is None:
                notes.append(f"{name} is the module {payload}, which a check may not use")
            else:
                namespace[name] = module
        elif kind == "value":
            try:
                namespace[name] = AnswerUnpickler(io.BytesIO(payload)).load()
            except DefinedInNotebook as error:
                own_code.append(str(error))
            except Exception as error:  # refused or damaged: the name stays undefined
                notes.append(f"{name} could not be rebuilt: {error}")
        elif kind == "unpicklable":
            notes.append(f"{name} could not be recorded ({payload})")
    if own_code:  # running the participant's own functions here is exactly what must not happen
        return CheckRun(True, "", own_code, confirmable=False)
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - the instructor's test
    except BaseException as error:  # noqa: BLE001 - any failure of the test is a failed test
        if isinstance(error, KeyboardInterrupt):
            raise
        text = str(error).strip().splitlines()
        return CheckRun(False, type(error).__name__ + (f": {text[0]}" if text else ""), notes)
    return CheckRun(True, "", notes)


def library_folder() -> Path:
    """The folder of the course library (the ``losi_course`` package)."""
    return Path(__file__).resolve().parent.parent


def compile_library(force: bool = False) -> None:
    """Compile the course library's modules, so Python never writes their caches while grading.

    With ``force`` every cached module is compiled again from its source, which replaces a
    cache file that was written by anything else.
    """
    import compileall

    with contextlib.redirect_stdout(io.StringIO()):
        compileall.compile_dir(str(library_folder()), quiet=2, force=force)


def library_fingerprint(folder: str | Path | None = None) -> dict[str, str]:
    """``{relative path: sha256}`` of every file of the course library, compiled caches included.

    Example:
        >>> "instructor/recheck.py" in library_fingerprint()
        True
    """
    top = Path(folder) if folder else library_folder()
    return {p.relative_to(top).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(top.rglob("*")) if p.is_file()}


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The files added, removed or changed between two fingerprints.

    Example:
        >>> changed_files({"a.py": "1", "b.py": "2"}, {"a.py": "1", "b.py": "3", "c.py": "4"})
        ['b.py', 'c.py']
    """
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
