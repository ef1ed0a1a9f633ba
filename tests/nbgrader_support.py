"""Helpers for the nbgrader pipeline tests (``tests/test_nbgrader_pipeline.py``).

The course's grading convention, which these helpers read and the lint enforces: an
autograded question ``<stem>`` has a code answer cell ``<stem>_answer`` (solution, with
``### BEGIN SOLUTION`` / ``### END SOLUTION``) and a locked test cell ``<stem>_check`` (grade,
points, visible asserts plus a hidden block that calls a ``losi_course.grading`` checker); a
written answer is a markdown cell ``<stem>_written`` (grade and solution, points, model answer
and marking guide inside the solution markers).

``tests/fixtures/course/`` holds a tiny assignment, ``fixture1``, that follows the convention,
with its released version: it proves the machinery whatever state the sessions are in.
After changing the fixture source or ``nbgrader_config.py``, refresh its release with::

    python tests/nbgrader_support.py refresh-fixture
"""

from __future__ import annotations

import ast
import copy
import html
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = REPO / "tests" / "fixtures" / "course"
FIXTURE = "fixture1"

SUFFIXES = ("_answer", "_check", "_written")
STEM = re.compile(r"^[a-z][a-z0-9_]*$")
SESSION = re.compile(r"^session\d+$")
# What must never reach a participant (release/) ...
FORBIDDEN_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                     "BEGIN MARK SCHEME", "END MARK SCHEME")
CHECKER_CALL = re.compile(r"\bgrading\.(?:\w+\.)?check_\w*")
_TRIVIAL = {"pass", "else:", "try:", "finally:", "return", "break", "continue", "...", "except:",
            "raise", "return None"}


def _workflow():
    from losi_course.grading import workflow

    return workflow


# ----------------------------------------------------------------------------- the course
def repo_assignments() -> list[str]:
    """The assignments under the repository's ``source/`` (sessions, possibly none yet)."""
    return _workflow().assignments(REPO)


def all_assignments() -> list[str]:
    """The repository's assignments, then the fixture (always tested)."""
    return repo_assignments() + [FIXTURE]


def is_session(name: str) -> bool:
    """Session notebooks get the size rules (>= 6 autograded questions, >= 1 written).

    Example:
        >>> is_session("session3"), is_session("fixture1")
        (True, False)
    """
    return bool(SESSION.match(name))


def source_folder(name: str) -> Path:
    return (FIXTURE_COURSE if name == FIXTURE else REPO) / "source" / name


def committed_release(name: str) -> Path:
    return (FIXTURE_COURSE if name == FIXTURE else REPO) / "release" / name


def refresh_hint(name: str) -> str:
    if name == FIXTURE:
        return ("tests/fixtures/course/release is out of date: run "
                "`python tests/nbgrader_support.py refresh-fixture` and commit")
    return "release/ is out of date: run `make release` and commit"


def build_course(dest: Path, names: list[str] | None = None) -> Path:
    """A temporary course: the repository's config plus the sources (no release/, no gradebook)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", dest / "nbgrader_config.py")
    for name in names if names is not None else all_assignments():
        shutil.copytree(source_folder(name), dest / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def files_under(folder: Path) -> dict[str, Path]:
    """Relative path -> file, skipping checkpoints and caches."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


# ----------------------------------------------------------------------------- notebooks
def read(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str:
    return nbgrader(cell).get("grade_id", "") or ""


def stem_of(gid: str) -> str:
    """The question stem of a conventional grade id.

    Example:
        >>> stem_of("regional_means_check"), stem_of("intro")
        ('regional_means', '')
    """
    for suffix in SUFFIXES:
        if gid.endswith(suffix):
            return gid[: -len(suffix)]
    return ""


def cell_by_id(nb) -> dict:
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


@dataclass
class Question:
    stem: str
    points: float       # of its _check cell


def autograded_questions(nb) -> list[Question]:
    """The autograded questions in the order of their answer cells, with their check points."""
    checks = {stem_of(grade_id(c)): float(nbgrader(c).get("points", 0))
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
        text = cell.source
        sol_in, rest = regions(text, "BEGIN SOLUTION", "END SOLUTION")
        hid_in, rest = regions("\n".join(rest), "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        scheme_in, rest = regions("\n".join(rest), "BEGIN MARK SCHEME", "END MARK SCHEME")
        solution.update(x.strip() for x in sol_in + scheme_in)
        hidden.update(x.strip() for x in hid_in)
        public.update(x.strip() for x in rest)
    keep = lambda lines: {x for x in lines if not is_trivial(x) and x not in public}  # noqa: E731
    return {"solution": keep(solution), "hidden": keep(hidden)}


def without_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines()
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def answered(release_nb, source_nb, stems, written: bool = False):
    """A participant copy: the release with the source solutions of ``stems`` filled in."""
    nb = copy.deepcopy(release_nb)
    solutions = cell_by_id(source_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if (gid.endswith("_answer") and stem_of(gid) in stems) or (written and gid.endswith("_written")):
            cell.source = without_markers(solutions[gid].source)
    return nb


def write(nb, path: Path) -> Path:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def html_text(path: Path) -> str:
    """The visible text of an HTML file, whitespace collapsed (for "does X show?" checks)."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    return " ".join(html.unescape(re.sub(r"(?s)<[^>]+>", "", raw)).split())


def squash(line: str) -> str:
    return " ".join(line.split())


# ----------------------------------------------------------------------------- running
def execute_clean(path: Path, timeout: int = 120) -> str:
    """Run a notebook top to bottom in a fresh python3 kernel, in its folder; "" or the error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = read(path)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        return str(err)[-2000:]
    return ""


def submission_scores(api, assignment: str, student: str, notebook: str | None = None) -> dict:
    """Scores of one submission from the gradebook, plus the per-cell grades."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        sub = gb.find_submission(assignment, student)
        grades = {}
        for nb in sub.notebooks:
            if notebook is None or nb.name == notebook:
                grades.update({g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades})
        return {"code": sub.code_score, "max_code": sub.max_code_score,
                "written": sub.written_score, "max_written": sub.max_written_score,
                "score": sub.score, "max_score": sub.max_score,
                "needs_manual_grade": bool(sub.needs_manual_grade), "grades": grades}


# ----------------------------------------------------------------------------- lint
def hidden_block_problems(code: str) -> list[str]:
    """What in a hidden-test block is more than a checker call (it will show in feedback).

    Allowed: imports from ``losi_course.grading`` and statements that call a ``check_*``
    function with no literal value in them (an expected value would show). Anything else
    (a literal expected value, a stray assert) is reported.

    Example:
        >>> hidden_block_problems("from losi_course.grading import session1\\nsession1.check_x(x)")
        []
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
            if isinstance(stmt, ast.ImportFrom):
                modules = [stmt.module or ""]
            else:
                modules = [alias.name for alias in stmt.names]
            if all(m.startswith("losi_course.grading") for m in modules):
                continue
        calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        names = [getattr(c.func, "attr", getattr(c.func, "id", "")) for c in calls]
        literals = [n for n in ast.walk(stmt) if isinstance(n, ast.Constant)
                    and n.value not in (None, True, False)]
        if any(name.startswith("check_") for name in names) and not literals:
            continue
        problems.append(ast.get_source_segment(textwrap.dedent(code), stmt) or ast.dump(stmt))
    return problems


def lint_notebook(path: Path, session: bool) -> list[str]:
    """Problems with a source notebook's nbgrader metadata and the course convention."""
    nb = read(path)
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
        meta = nbgrader(cell)
        if not meta:
            if any(m in cell.source for m in FORBIDDEN_MARKERS):
                problems.append(f"{where}: grading markers in a cell without nbgrader metadata")
            continue
        gid = meta.get("grade_id", "")
        where = f"cell {index} ({gid or 'no grade_id'})"
        if not gid:
            problems.append(f"{where}: nbgrader cell without grade_id")
            continue
        seen[gid] = seen.get(gid, 0) + 1
        order[gid] = index
        grade, solution = bool(meta.get("grade")), bool(meta.get("solution"))
        locked = bool(meta.get("locked"))
        if meta.get("task"):
            problems.append(f"{where}: task cells are not part of the course convention")
            continue
        if grade:
            points = meta.get("points")
            if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
                problems.append(f"{where}: graded cell needs positive points (has {points!r})")
        kind = (cell.cell_type, grade, solution)
        expected = {("code", False, True): "_answer", ("code", True, False): "_check",
                    ("markdown", True, True): "_written"}.get(kind)
        if expected is None:
            if grade or solution:
                problems.append(f"{where}: a {cell.cell_type} cell with grade={grade}, solution={solution} "
                                "is not part of the convention (_answer, _check or _written)")
            elif stem_of(gid):
                problems.append(f"{where}: read-only cell uses a reserved suffix")
            continue
        if not gid.endswith(expected) or not STEM.match(stem_of(gid)):
            problems.append(f"{where}: grade_id should be <stem>{expected} (lower-case stem)")
        if expected == "_check" and not locked:
            problems.append(f"{where}: test cell must be locked")
        if expected in ("_answer", "_written") and locked:
            problems.append(f"{where}: answer cell must not be locked")
        if expected in ("_answer", "_written") and not (
                "BEGIN SOLUTION" in cell.source and "END SOLUTION" in cell.source):
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
    for gid, count in seen.items():
        if count > 1:
            problems.append(f"grade_id {gid!r} is used {count} times")
    answers = {stem_of(g) for g in seen if g.endswith("_answer")}
    checks = {stem_of(g) for g in seen if g.endswith("_check")}
    for stem in sorted(answers - checks):
        problems.append(f"{stem}_answer has no {stem}_check")
    for stem in sorted(checks - answers):
        problems.append(f"{stem}_check has no {stem}_answer")
    for stem in sorted(answers & checks):
        if order[f"{stem}_check"] < order[f"{stem}_answer"]:
            problems.append(f"{stem}_check comes before {stem}_answer")
    if session:
        if len(answers) < 6:
            problems.append(f"only {len(answers)} autograded questions (a session needs at least 6)")
        if not any(g.endswith("_written") for g in seen):
            problems.append("no _written answer (a session needs at least 1)")
    return problems


# ----------------------------------------------------------------------------- fixture upkeep
def refresh_fixture_release() -> Path:
    """Regenerate ``tests/fixtures/course/release/fixture1`` with the course's config."""
    workflow = _workflow()
    with tempfile.TemporaryDirectory() as tmp:
        course = build_course(Path(tmp) / "course", [FIXTURE])
        workflow.release_all(course)
        target = committed_release(FIXTURE)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course / "release" / FIXTURE, target)
    return target


if __name__ == "__main__":
    if sys.argv[1:] == ["refresh-fixture"]:
        print(f"wrote {refresh_fixture_release().relative_to(REPO)}")
    else:
        sys.exit("usage: python tests/nbgrader_support.py refresh-fixture")
