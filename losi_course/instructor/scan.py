"""Reading a submission's own code for anything that reaches into the grading.

Autograding runs a participant's notebook in a kernel that the participant's code controls, so
a clever answer cell could change the checkers, the kernel or the imports, or ask the answer
key and the shipped checkers for the answers. :func:`scan_code` reads the code a participant
wrote (after IPython's own rewriting of magics and shell escapes, so ``!cmd`` and ``%run`` are
seen too) and returns one :class:`Finding` per construct that has no place in an answer of
this course. A finding does not change a score: it *flags* the submission, so the instructor
looks at it before the grade is final (see :mod:`~losi_course.instructor.recheck` for what
does change scores).

The rules, by kind (:data:`KINDS`):

* ``machinery``: changing the course's library or the kernel: assigning to attributes of
  imported modules, ``setattr``/``delattr``, ``sys.modules`` and the import system,
  ``builtins``, IPython's input transformers, hooks and events, object internals
  (``__code__``, ``__globals__``, frames ...);
* ``oracle``: the answer key, the grading checkers (``check_...`` of
  :mod:`losi_course.grading`, ``grade_findings``, ``compare_with_key``, ``explain_findings``)
  and the prepared sheets of the fictional assessors used from an answer cell;
* ``hidden``: code that cannot be read: ``exec``, ``eval``, ``compile``, ``__import__``,
  ``getattr`` with a computed name, pickled code, magics other than a few harmless ones;
* ``system``: files, processes and the shell (``os``, ``subprocess``, writing files ...).

Example:
    >>> [f.kind for f in scan_code("import losi_course.grading.session1 as g\\nsetattr(g, 'x', 1)")]
    ['oracle', 'machinery']
    >>> scan_code("world_mean = egdi['egdi_2022'].mean()")
    []
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["KINDS", "Finding", "scan_code", "oracle_names", "module_aliases"]

#: What each kind of finding means, as the grade summary says it.
KINDS = {
    "machinery": "changes the grading machinery",
    "oracle": "uses the answer key or a checker as an oracle",
    "hidden": "runs code that cannot be read",
    "system": "reaches files, processes or the shell",
}

# Modules an answer of this course never needs; importing one is a finding of that kind.
_MODULES = {
    "machinery": {"builtins", "importlib", "imp", "zipimport", "pkgutil", "ctypes", "gc", "inspect", "IPython",
                  "ipykernel", "traitlets", "jupyter_client", "zmq", "nbgrader", "nbformat", "nbclient",
                  "unittest", "mock", "types", "site", "sitecustomize", "usercustomize", "sys", "atexit",
                  "threading", "_thread", "signal", "weakref", "copyreg", "linecache", "tokenize", "ast"},
    "hidden": {"pickle", "marshal", "dill", "cloudpickle", "shelve", "runpy", "code", "codeop", "base64",
               "zlib", "codecs"},
    "system": {"os", "subprocess", "shutil", "pty", "socket", "multiprocessing", "pathlib", "tempfile",
               "glob", "io", "fileinput", "urllib", "http", "requests"},
}
_LIBRARY_SECRETS = ("losi_course.grading", "losi_course.velmora.answer_key", "losi_course.instructor",
                    "losi_course.datafiles", "losi_course.velmora.prepared")
_ORACLE_NAMES = {"losi_2022_check_value", "load_answer_key", "answer_key", "grade_findings", "compare_with_key", "explain_findings",
                 "FindingsResult", "expected_velmora", "velmora_reconciliation", "assessor_assessments",
                 "assessor_sheets", "team_assessment", "team_sheet", "designed_disagreements", "grading",
                 "KEY_FILE", "verified_path", "read_records"}
_MACHINERY_NAMES = {"setattr", "delattr", "globals", "locals", "vars", "get_ipython", "__builtins__",
                    "__import__", "breakpoint", "__loader__", "__spec__", "__file__"}
_HIDDEN_NAMES = {"exec", "eval", "compile"}
# Attributes that reach into the kernel, the import system or objects' internals.
_MACHINERY_ATTRIBUTES = {
    "modules", "meta_path", "path_hooks", "path_importer_cache", "settrace", "setprofile",
    "displayhook", "excepthook", "_getframe", "input_transformers_cleanup", "input_transformers_post",
    "input_transformer_manager", "ast_transformers", "events", "register_magic_function",
    "set_custom_exc", "showtraceback", "run_cell", "run_line_magic", "run_cell_magic", "user_ns",
    "user_global_ns", "kernel", "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "tb_frame",
    "gi_frame", "cr_frame", "ag_frame", "__code__", "__globals__", "__dict__", "__class__", "__bases__",
    "__mro__", "__subclasses__", "__closure__", "__defaults__", "__kwdefaults__", "__builtins__",
    "__getattribute__", "__setattr__", "__delattr__", "__reduce__", "__reduce_ex__", "__file__",
    "__spec__", "__loader__", "__path__", "__module__", "__qualname__", "__self__", "__func__",
    "__wrapped__", "__init_subclass__", "__set_name__", "__import__",
}
_SYSTEM_ATTRIBUTES = {"system", "getoutput", "popen", "write_text", "write_bytes", "unlink", "rmdir",
                      "rename", "replace_file", "chmod", "symlink_to", "touch"}
# Magics that only time, configure plots or list names: everything else is a finding.
_HARMLESS_MAGICS = {"matplotlib", "time", "timeit", "who", "whos", "pprint", "precision"}
_STRING_HINTS = re.compile(r"answer_key|losi_course|grading[./\\]|velmora[-_]assessor|[/\\]data[/\\]velmora",
                           re.IGNORECASE)
_WRITE_MODE = re.compile(r"[wax+]")


@dataclass(frozen=True)
class Finding:
    """One construct in a participant's code that has no place in an answer.

    Example:
        >>> Finding("machinery", "world_mean_answer", 2, "setattr(...)").describe()
        'world_mean_answer, line 2: setattr(...) (changes the grading machinery)'
    """

    kind: str
    cell: str
    line: int
    what: str

    def describe(self) -> str:
        """One line for the grade summary."""
        return f"{self.cell}, line {self.line}: {self.what} ({KINDS[self.kind]})"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "cell": self.cell, "line": self.line, "what": self.what}


@lru_cache(maxsize=1)
def oracle_names() -> frozenset[str]:
    """The public names of the hidden-test checkers (:mod:`losi_course.grading`), bar the visible checks.

    The visible checks (:mod:`losi_course.checks`, ``review_findings``, ``parse_findings``) are
    part of the participants' notebooks; everything else a checker module exports is an oracle
    when an answer cell calls it.

    Example:
        >>> "check_world_mean" in oracle_names(), "check_number" in oracle_names()
        (True, False)
    """
    import importlib
    import pkgutil

    from ..checks import __all__ as visible
    from .. import grading

    names = set(_ORACLE_NAMES)
    for info in pkgutil.iter_modules(grading.__path__):
        module = importlib.import_module(f"{grading.__name__}.{info.name}")
        names |= set(getattr(module, "__all__", ()))
    return frozenset(names - set(visible) - {"parse_findings", "review_findings", "FULL_POINTS_SHARE",
                                             "as_number", "as_mapping", "is_close"})


def module_aliases(code: str, known: set[str] | None = None) -> set[str]:
    """The names ``code`` binds to modules with ``import`` (to notice assignments into them).

    A name given an attribute of a module (``c = lc.checks``) counts too, also when the module
    is one of the ``known`` names bound elsewhere in the notebook.

    Example:
        >>> sorted(module_aliases("import pandas as pd\\nimport losi_course as lc\\nfrom losi_course import plots"))
        ['lc', 'pd', 'plots']
    """
    tree = _parse(code)
    if tree is None:
        return set()
    names = set(known or ())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names if alias.name != "*"}
    # a name given a module's attribute (``c = lc.checks``) is followed too
    for _ in range(2):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, (ast.Attribute, ast.Name))
                    and _root(node.value) in names):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names - set(known or ())


def _python(code: str) -> str:
    """The Python that IPython runs for a cell (magics and ``!`` escapes become calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return code
    try:
        return TransformerManager().transform_cell(code)
    except Exception:  # IPython's own rewriting failed: the cell cannot run either
        return code


def _parse(code: str) -> ast.AST | None:
    try:
        return ast.parse(_python(code))
    except (SyntaxError, ValueError):
        return None  # a cell that does not parse does not run (unless a transformer, itself found, rewrites it)


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for an attribute chain (calls shown as ``f()``), "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Call):
        base = _dotted(node.func)
        return f"{base}()" if base else ""
    return ""


def _root(node: ast.AST) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _module_kind(name: str) -> tuple[str, str] | None:
    if any(name == secret or name.startswith(secret + ".") for secret in _LIBRARY_SECRETS):
        return "oracle", f"imports {name}"
    top = name.split(".")[0]
    for kind, modules in _MODULES.items():
        if top in modules:
            return kind, f"imports {top}"
    return None


class _Reader(ast.NodeVisitor):
    def __init__(self, cell: str, modules: set[str], lines: list[str]):
        self.cell = cell
        self.modules = modules
        self.lines = lines
        self.found: list[Finding] = []
        self.oracles = oracle_names()

    def add(self, kind: str, node: ast.AST, what: str) -> None:
        self.found.append(Finding(kind, self.cell, getattr(node, "lineno", 0), what))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            hit = _module_kind(alias.name)
            if hit:
                self.add(hit[0], node, hit[1])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        hit = _module_kind(module)
        if hit:
            self.add(hit[0], node, hit[1])
        for alias in node.names:
            sub = _module_kind(f"{module}.{alias.name}") if module else None
            if sub and not hit:
                self.add(sub[0], node, sub[1])
            elif alias.name in self.oracles:
                self.add("oracle", node, f"imports {alias.name}")

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if name in self.oracles:
            self.add("oracle", node, f"uses {name}")
        elif name in _MACHINERY_NAMES:
            self.add("machinery", node, f"uses {name}")
        elif name in _HIDDEN_NAMES:
            self.add("hidden", node, f"uses {name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in self.oracles:
            self.add("oracle", node, f"uses {_dotted(node) or node.attr}")
        elif node.attr in _MACHINERY_ATTRIBUTES:
            self.add("machinery", node, f"uses {_dotted(node) or '.' + node.attr}")
        elif node.attr in _SYSTEM_ATTRIBUTES:
            self.add("system", node, f"uses {_dotted(node) or '.' + node.attr}")
        self.generic_visit(node)

    def _targets(self, targets, node) -> None:
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute):
                    root = sub
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    if isinstance(root, ast.Name) and root.id in self.modules:
                        self.add("machinery", node, f"changes {_dotted(sub)} (an attribute of a module)")
                        break

    def visit_Assign(self, node: ast.Assign) -> None:
        self._targets(node.targets, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._targets([node.target], node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._targets([node.target], node)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._targets(node.targets, node)
        self.generic_visit(node)

    def _ipython_call(self, node: ast.Call) -> bool:
        """Judge ``get_ipython().<method>(...)``, what IPython makes of magics and ``!``; True if handled."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and _dotted(func.value.func) == "get_ipython"):
            return False
        typed = self.line(node).lstrip().startswith(("%", "!"))
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if func.attr in ("system", "getoutput") and typed:
            self.add("system", node, "runs a shell command (!)")
        elif func.attr in ("run_line_magic", "run_cell_magic") and typed:
            magic = args[0] if args else None
            if magic not in _HARMLESS_MAGICS:
                self.add("hidden", node, f"runs the magic %{magic}" if magic else "runs a magic")
            else:  # %time and %timeit run the code they are given: read it too
                for code in args[1:]:
                    if isinstance(code, str) and code.strip():
                        for finding in scan_code(code, self.cell, self.modules):
                            self.found.append(Finding(finding.kind, self.cell, node.lineno, finding.what))
        else:
            return False
        return True

    def line(self, node: ast.AST) -> str:
        number = getattr(node, "lineno", 0)
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def visit_Call(self, node: ast.Call) -> None:
        if self._ipython_call(node):
            return
        function = _dotted(node.func)
        if function == "getattr":
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self.add("hidden", node, "getattr with a computed name")
            elif name.value in self.oracles:
                self.add("oracle", node, f"uses {name.value}")
            elif name.value in _MACHINERY_ATTRIBUTES:
                self.add("machinery", node, f"uses {name.value}")
        elif function == "open" and self._writes(node):
            self.add("system", node, "opens a file for writing")
        self.generic_visit(node)

    @staticmethod
    def _writes(node: ast.Call) -> bool:
        modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
        for mode in modes:
            if not isinstance(mode, ast.Constant) or not isinstance(mode.value, str):
                return True  # a computed mode may well write
            if _WRITE_MODE.search(mode.value):
                return True
        return False

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _STRING_HINTS.search(node.value):
            self.add("oracle", node, f"names {_STRING_HINTS.search(node.value)[0]!r} in a text")


def scan_code(code: str, cell: str = "cell", modules: set[str] | None = None) -> list[Finding]:
    """The findings in one cell of participant code, in order (empty: nothing to look at).

    ``modules`` are names already bound to modules elsewhere in the notebook (``lc``, ``pd``):
    assigning to one of their attributes is a finding. A cell that does not parse has no
    findings: it cannot run.

    Example:
        >>> [f.what for f in scan_code("get_ipython().input_transformers_cleanup.append(lambda l: [])")]
        ['uses get_ipython().input_transformers_cleanup', 'uses get_ipython']
        >>> [f.what for f in scan_code("lc.checks.check = print", modules={"lc"})]
        ['changes lc.checks.check (an attribute of a module)']
        >>> scan_code("%matplotlib inline")
        []
    """
    tree = _parse(code)
    if tree is None:
        return []
    known = set(modules or ())
    reader = _Reader(cell, known | module_aliases(code, known), code.splitlines())
    reader.visit(tree)
    findings, seen = [], set()
    for finding in reader.found:
        key = (finding.kind, finding.line, finding.what)
        if key not in seen:
            seen.add(key)
            findings.append(finding)
    return findings


