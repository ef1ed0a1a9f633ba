"""The course's rules for writing session notebooks, checked by ``losi-course instructor validate``.

**The grading convention.** An autograded question ``<stem>`` has a code answer cell
``<stem>_answer`` (solution, with ``### BEGIN SOLUTION`` / ``### END SOLUTION``) and, after it, a
locked test cell ``<stem>_check`` (grade, points, visible checks plus a hidden block that only
calls a ``losi_course.grading`` checker); a written answer is a markdown cell ``<stem>_written``
(grade and solution, points, model answer and marking guide inside the solution markers). A
session needs at least six autograded questions and one written answer.

**What a notebook must say to its readers.** The opening cell states the objectives, the time
and the points; a fictional place is called fictional where it first appears; LOSI levels come
with the word that they are assumed (only "Very high" is published); every chart shows its text
description; no machine paths, and data comes from the library, never ``read_csv``.

Example:
    >>> stem_of("regional_means_check"), stem_of("intro")
    ('regional_means', '')
    >>> hidden_block_problems("from losi_course.grading import session1\\nsession1.check_x(x)")
    []
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SUFFIXES", "FORBIDDEN_MARKERS", "CHECKER_CALL", "Question", "nbgrader_meta", "grade_id",
    "stem_of", "cells_by_grade_id", "autograded_questions", "written_ids", "regions", "is_trivial",
    "secret_lines", "without_markers", "hidden_block_problems", "lint_notebook", "lint_content",
    "is_session", "read_notebook", "estimate_minutes",
]

SUFFIXES = ("_answer", "_check", "_written")
_STEM = re.compile(r"^[a-z][a-z0-9_]*$")
_SESSION = re.compile(r"^session\d+$")
#: What must never reach a participant (release/).
FORBIDDEN_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                     "BEGIN MARK SCHEME", "END MARK SCHEME")
CHECKER_CALL = re.compile(r"\bgrading\.(?:\w+\.)?check_\w*")
_TRIVIAL = {"pass", "else:", "try:", "finally:", "return", "break", "continue", "...", "except:",
            "raise", "return None"}


def read_notebook(path: str | Path) -> Any:
    """A notebook file as an nbformat v4 notebook."""
    import nbformat

    return nbformat.read(str(path), as_version=4)


def is_session(name: str) -> bool:
    """Session notebooks get the size rules (>= 6 autograded questions, >= 1 written).

    Example:
        >>> is_session("session3"), is_session("fixture1")
        (True, False)
    """
    return bool(_SESSION.match(name))


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata (empty for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str:
    return nbgrader_meta(cell).get("grade_id", "") or ""


def stem_of(gid: str) -> str:
    """The question stem of a conventional grade id ("" for other ids)."""
    for suffix in SUFFIXES:
        if gid.endswith(suffix):
            return gid[: -len(suffix)]
    return ""


def cells_by_grade_id(nb) -> dict:
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


@dataclass
class Question:
    """An autograded question: its stem and the points of its ``_check`` cell."""

    stem: str
    points: float


def autograded_questions(nb) -> list[Question]:
    """The autograded questions in the order of their answer cells, with their check points."""
    checks = {stem_of(grade_id(c)): float(nbgrader_meta(c).get("points", 0))
              for c in nb.cells if grade_id(c).endswith("_check")}
    return [Question(stem_of(grade_id(c)), checks.get(stem_of(grade_id(c)), 0.0))
            for c in nb.cells if grade_id(c).endswith("_answer")]


def written_ids(nb) -> list[str]:
    return [grade_id(c) for c in nb.cells if grade_id(c).endswith("_written")]


def regions(text: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """Split a cell's lines into (inside begin/end markers, outside); marker lines in neither.

    Example:
        >>> regions("a\\n### BEGIN SOLUTION\\nb\\n### END SOLUTION\\nc", "BEGIN SOLUTION", "END SOLUTION")
        (['b'], ['a', 'c'])
    """
    inside, outside, active = [], [], False
    for line in text.splitlines():
        if begin in line:
            active = True
        elif end in line:
            active = False
        else:
            (inside if active else outside).append(line)
    return inside, outside


def is_trivial(line: str) -> bool:
    """Lines too common to reveal anything (blank, brackets, ``pass`` ...).

    Example:
        >>> [is_trivial(x) for x in ["    pass", "])", "# YOUR CODE HERE", "mean = df.x.mean()"]]
        [True, True, True, False]
    """
    stripped = line.strip()
    return (len(stripped) < 6 or stripped in _TRIVIAL or stripped.startswith("# YOUR CODE")
            or re.fullmatch(r"[\s()\[\]{},.:;'\"#*_-]*", stripped) is not None)


def secret_lines(nb) -> dict[str, set[str]]:
    """Non-trivial lines inside solution and hidden-test regions that occur nowhere else.

    Returns ``{"solution": {...}, "hidden": {...}}`` (stripped lines). A line that also occurs
    outside every region (a prompt, a visible test, given code) is public anyway and left out.
    """
    solution, hidden, public = set(), set(), set()
    for cell in nb.cells:
        sol_in, rest = regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        hid_in, rest = regions("\n".join(rest), "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        scheme_in, rest = regions("\n".join(rest), "BEGIN MARK SCHEME", "END MARK SCHEME")
        solution.update(x.strip() for x in sol_in + scheme_in)
        hidden.update(x.strip() for x in hid_in)
        public.update(x.strip() for x in rest)

    def keep(lines):
        return {x for x in lines if not is_trivial(x) and x not in public}

    return {"solution": keep(solution), "hidden": keep(hidden)}


def without_markers(text: str) -> str:
    """A solution cell's text without its ``BEGIN/END SOLUTION`` marker lines."""
    return "\n".join(line for line in text.splitlines()
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def hidden_block_problems(code: str) -> list[str]:
    """What in a hidden-test block is more than a checker call (it will show in feedback).

    Allowed: imports from ``losi_course.grading`` and statements that call a ``check_*``
    function with no literal value in them (an expected value would show).

    Example:
        >>> hidden_block_problems("assert x == 0.5327\\ncheck_number('x', x, 0.5327)")
        ['assert x == 0.5327', "check_number('x', x, 0.5327)"]
    """
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError as err:
        return [f"not valid Python: {err.msg}"]
    problems = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            modules = [stmt.module or ""] if isinstance(stmt, ast.ImportFrom) else [a.name for a in stmt.names]
            if all(m.startswith("losi_course.grading") for m in modules):
                continue
        calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        names = [getattr(c.func, "attr", getattr(c.func, "id", "")) for c in calls]
        literals = [n for n in ast.walk(stmt) if isinstance(n, ast.Constant) and n.value not in (None, True, False)]
        if any(name.startswith("check_") for name in names) and not literals:
            continue
        problems.append(ast.get_source_segment(textwrap.dedent(code), stmt) or ast.dump(stmt))
    return problems


def _cell_problems(cell, where: str, session: bool) -> list[str]:
    meta = nbgrader_meta(cell)
    gid = meta.get("grade_id", "")
    grade, solution, locked = bool(meta.get("grade")), bool(meta.get("solution")), bool(meta.get("locked"))
    if meta.get("task"):
        return [f"{where}: task cells are not part of the course convention"]
    problems = []
    if grade:
        points = meta.get("points")
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            problems.append(f"{where}: graded cell needs positive points (has {points!r})")
    expected = {("code", False, True): "_answer", ("code", True, False): "_check",
                ("markdown", True, True): "_written"}.get((cell.cell_type, grade, solution))
    if expected is None:
        if grade or solution:
            problems.append(f"{where}: a {cell.cell_type} cell with grade={grade}, solution={solution} "
                            "is not part of the convention (_answer, _check or _written)")
        elif stem_of(gid):
            problems.append(f"{where}: read-only cell uses a reserved suffix")
        return problems
    if not gid.endswith(expected) or not _STEM.match(stem_of(gid)):
        problems.append(f"{where}: grade_id should be <stem>{expected} (lower-case stem)")
    if expected == "_check" and not locked:
        problems.append(f"{where}: test cell must be locked")
    if expected in ("_answer", "_written") and locked:
        problems.append(f"{where}: answer cell must not be locked")
    if expected in ("_answer", "_written") and not ("BEGIN SOLUTION" in cell.source and "END SOLUTION" in cell.source):
        problems.append(f"{where}: no ### BEGIN SOLUTION / ### END SOLUTION region")
    if "MARK SCHEME" in cell.source:
        problems.append(f"{where}: mark schemes only work in task cells; put the marking guide "
                        "inside the solution region")
    if expected == "_check" and session:
        hidden, visible = regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        if not hidden:
            problems.append(f"{where}: no hidden tests calling a losi_course.grading checker")
        for line in hidden_block_problems("\n".join(hidden)):
            problems.append(f"{where}: hidden tests must only call checkers (they show in "
                            f"feedback, nbgrader #917): {line!r}")
        if not any(not is_trivial(x) for x in visible):
            problems.append(f"{where}: no visible test for participants")
    return problems


def lint_notebook(path: str | Path, session: bool | None = None) -> list[str]:
    """Problems with a source notebook's nbgrader metadata and the grading convention.

    ``session`` (default: from the folder name) adds the size rules of a session.
    """
    path = Path(path)
    session = is_session(path.parent.name) if session is None else session
    nb = read_notebook(path)
    problems = []
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec is {kernel!r}, not 'python3'")
    seen: dict[str, int] = {}
    order: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            problems.append(f"{where}: has outputs or an execution count (commit sources cleared)")
        meta = nbgrader_meta(cell)
        if not meta:
            if any(m in cell.source for m in FORBIDDEN_MARKERS):
                problems.append(f"{where}: grading markers in a cell without nbgrader metadata")
            continue
        gid = meta.get("grade_id", "")
        if not gid:
            problems.append(f"{where} (no grade_id): nbgrader cell without grade_id")
            continue
        seen[gid] = seen.get(gid, 0) + 1
        order[gid] = index
        problems += _cell_problems(cell, f"cell {index} ({gid})", session)
    problems += [f"grade_id {gid!r} is used {count} times" for gid, count in seen.items() if count > 1]
    answers = {stem_of(g) for g in seen if g.endswith("_answer")}
    checks = {stem_of(g) for g in seen if g.endswith("_check")}
    problems += [f"{stem}_answer has no {stem}_check" for stem in sorted(answers - checks)]
    problems += [f"{stem}_check has no {stem}_answer" for stem in sorted(checks - answers)]
    problems += [f"{stem}_check comes before {stem}_answer" for stem in sorted(answers & checks)
                 if order[f"{stem}_check"] < order[f"{stem}_answer"]]
    if session:
        if len(answers) < 6:
            problems.append(f"only {len(answers)} autograded questions (a session needs at least 6)")
        if not any(g.endswith("_written") for g in seen):
            problems.append("no _written answer (a session needs at least 1)")
    return problems


def _text(nb, kind: str | None = None) -> str:
    return "\n".join(c.source for c in nb.cells if kind is None or c.cell_type == kind)


def lint_content(path: str | Path) -> list[str]:
    """What a session notebook must say to its readers (objectives, fictional, assumptions...).

    Example:
        >>> import nbformat, tempfile
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Velmora")])
        >>> path = Path(tempfile.mkdtemp()) / "s.ipynb"; nbformat.write(nb, str(path))
        >>> lint_content(path)[0]
        'the opening cell does not say what participants will be able to do ("By the end of this session")'
    """
    nb = read_notebook(path)
    problems = []
    opening = nb.cells[0].source if nb.cells else ""
    if "By the end of this session" not in opening:
        problems.append('the opening cell does not say what participants will be able to do ("By the end of this session")')
    if not re.search(r"(\d+\s*(to|-|–)\s*|about )\d+ minutes", opening):
        problems.append("the opening cell does not give the time (e.g. '60 to 90 minutes')")
    if "point" not in opening.lower():
        problems.append("the opening cell does not give the points")
    markdown = _text(nb, "markdown")
    first = re.search(r"Velmora|Estoria", markdown)
    if first and "fictional" not in markdown[max(0, first.start() - 300):first.start() + 300].lower():
        problems.append(f"the first mention of {first.group()} does not say it is fictional")
    if ("Very high" in markdown or re.search(r"LOSI levels?\b", markdown)) and not re.search(r"assum", markdown, re.I):
        problems.append("LOSI levels are shown without saying that the cut-offs below 'Very high' are assumed")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and re.search(r"plots\.\w+\(", cell.source) \
                and ".show()" not in cell.source and "alt_text" not in cell.source:
            problems.append(f"cell {index}: a chart without its text description (call .show())")
    stated = re.search(r"(?:to|-|–|about)\s*(\d+) minutes", opening)
    if stated and estimate_minutes(path) > int(stated[1]):
        problems.append(f"the time model estimates {estimate_minutes(path):g} minutes for a participant new to "
                        f"Python, more than the {stated[1]} the opening cell states")
    text = _text(nb)
    if re.search(r"/work/|/tmp/|/root/|/home/|[A-Z]:\\\\", text):
        problems.append("a machine path appears in the notebook")
    if re.search(r"read_csv\(|read_excel\(", text):
        problems.append("data is read with read_csv/read_excel: load it through losi_course functions")
    return problems


#: The time model of :func:`estimate_minutes`: careful reading in a second language, a glance at
#: each cell's result, and the work of each kind of question (assumptions, not measurements).
READING_WORDS_PER_MINUTE = 120
MINUTES_PER_CELL = 0.5
MINUTES_PER_CODE_QUESTION = 3.0
MINUTES_PER_PORTAL_ITEM = 2.0
MINUTES_PER_WRITTEN_POINT = 3.0
_ITEM_LINE = re.compile(r'^#\s+"[^"]+": \.\.\.,', re.M)


def estimate_minutes(path: str | Path) -> float:
    """How long a participant new to Python needs for a released notebook, by the time model above.

    Reading time for the text, half a minute per code cell to run it and look at the result,
    three minutes per code question, two minutes per portal indicator of a findings question
    (one line ``#     "221": ...,`` in its answer cell) and three minutes per point of written
    answer.

    Example:
        >>> import nbformat, tempfile
        >>> cells = [nbformat.v4.new_markdown_cell(" ".join(["word"] * 240)), nbformat.v4.new_code_cell("x = 1")]
        >>> path = Path(tempfile.mkdtemp()) / "s.ipynb"; nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
        >>> estimate_minutes(path)
        2.5
    """
    nb = read_notebook(path)
    words = sum(len(re.findall(r"\w+", c.source)) for c in nb.cells
                if c.cell_type == "markdown" and not grade_id(c).endswith("_written"))  # a model answer is not read
    minutes = words / READING_WORDS_PER_MINUTE
    for cell in nb.cells:
        gid = grade_id(cell)
        if cell.cell_type == "code" and not gid.endswith(("_answer", "_check")):
            minutes += MINUTES_PER_CELL
        if gid.endswith("_answer"):
            items = len(_ITEM_LINE.findall(cell.source))
            minutes += items * MINUTES_PER_PORTAL_ITEM if items else MINUTES_PER_CODE_QUESTION
        if gid.endswith("_written"):
            minutes += float(nbgrader_meta(cell).get("points", 0)) * MINUTES_PER_WRITTEN_POINT
    return round(minutes, 1)
