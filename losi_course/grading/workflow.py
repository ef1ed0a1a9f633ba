"""The instructor's workflow around nbgrader, without a JupyterHub exchange.

Run from the course folder (the one holding ``nbgrader_config.py``), with the course's
Python (``make release`` and ``make grade`` do this for you)::

    python -m losi_course.grading.workflow release            # source/ -> release/
    python -m losi_course.grading.workflow collect session1 DOWNLOADS_FOLDER
    python -m losi_course.grading.workflow grade [session1] [--to grades.csv] [--force]
    python -m losi_course.grading.workflow validate           # solutions pass, blanks fail
    python -m losi_course.grading.workflow solutions          # solution/ for self-paced learners

nbgrader runs in this process with the course folder as its root and this interpreter's
``bin/`` first on ``PATH`` (nbgrader starts ``alembic`` as a subprocess); only
``zip_collect`` runs as a separate ``nbgrader`` command. Mistakes (nothing submitted, an
unknown assignment, a badly named download) stop with a one-paragraph message and exit
code 2 instead of a traceback.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ["session2", "session1", "notes"]:
    ...     (root / "source" / name).mkdir(parents=True)
    >>> _ = (root / "source" / "session1" / "session1.ipynb").write_text("{}")
    >>> _ = (root / "source" / "session2" / "session2.ipynb").write_text("{}")
    >>> assignments(root)                    # "notes" holds no notebook
    ['session1', 'session2']
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import LosiInputError, report_input_error

__all__ = [
    "WorkflowError",
    "ZIP_NAME_PATTERN",
    "assignments",
    "course_config",
    "nbgrader_api",
    "release_all",
    "validate_notebook",
    "validate_all",
    "collect_zips",
    "grade_all",
    "export_grades",
    "write_solutions",
    "SubmissionResult",
    "GradingReport",
    "main",
]

#: The file-name pattern of downloaded submissions (inside zip files or loose):
#: ``<student id>_<notebook>.ipynb``, e.g. ``amina.k_session1.ipynb``. The student id is
#: everything before the first underscore (letters, digits, ``.``, ``@``, ``-``); the rest
#: is the notebook's released name. nbgrader applies it to the extracted file's full path.
ZIP_NAME_PATTERN = (r"^.*[/\\](?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_"
                    r"(?P<file_id>[A-Za-z0-9][^/\\]*\.ipynb)$")

_SKIPPED_DOWNLOADS = ("__MACOSX", ".ipynb_checkpoints")


class WorkflowError(LosiInputError):
    """Something the instructor can fix (message only, no traceback).

    Example:
        >>> issubclass(WorkflowError, LosiInputError)
        True
    """


# ----------------------------------------------------------------------------- setup
def _use_this_python_first_on_path() -> None:
    """Put this interpreter's ``bin/`` first on PATH: nbgrader runs ``alembic`` from PATH."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if not parts or parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir] + [p for p in parts if p != bin_dir])


@contextlib.contextmanager
def _quiet():
    """Silence warnings documented as harmless (SQLAlchemy's SAWarning, nbformat id repairs)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        warnings.filterwarnings("ignore", module="nbformat.*")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        try:
            from sqlalchemy.exc import SAWarning
        except ImportError:  # pragma: no cover - sqlalchemy comes with nbgrader
            pass
        else:
            warnings.filterwarnings("ignore", category=SAWarning)
        yield


def _natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _check_root(root) -> Path:
    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise WorkflowError(f"{root} is not a course folder: it has no nbgrader_config.py. "
                            "Run this from the course repository (or pass --root).")
    return root


def assignments(root) -> list[str]:
    """The assignments of the course: the folders of ``source/`` that hold a notebook.

    Sorted naturally (``session2`` before ``session10``). See the module example.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); (root / "source" / "session1").mkdir(parents=True)
        >>> _ = (root / "source" / "session1" / "session1.ipynb").write_text("{}")
        >>> assignments(root)
        ['session1']
    """
    source = Path(root) / "source"
    if not source.is_dir():
        return []
    found = [folder.name for folder in source.iterdir()
             if folder.is_dir() and not folder.name.startswith(".") and any(folder.glob("*.ipynb"))]
    return sorted(found, key=_natural_key)


def course_config(root, **overrides):
    """The course's ``nbgrader_config.py`` as a traitlets ``Config``, rooted at ``root``.

    ``overrides`` are ``"Section.trait": value`` pairs given as keyword arguments with the dot
    replaced by a double underscore, e.g. ``Execute__timeout=10``.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "nbgrader_config.py").write_text("c = get_config()\\nc.Execute.timeout = 60\\n")
        >>> config = course_config(root, Execute__timeout=10)
        >>> config.Execute.timeout, config.CourseDirectory.root == str(root.resolve())
        (10, True)
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = _check_root(root)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    extra = Config()
    for key, value in overrides.items():
        section, trait = key.split("__", 1)
        extra[section][trait] = value
    config.merge(extra)
    return config


def nbgrader_api(root, config=None):
    """An in-process ``NbGraderAPI`` for the course at ``root`` (config from its file).

    Example:
        >>> api = nbgrader_api(".")  # doctest: +SKIP
        >>> api.generate_assignment("session1", force=True)["success"]  # doctest: +SKIP
        True
    """
    _use_this_python_first_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = config if config is not None else course_config(root)
    with _quiet():
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _log_problems(result: dict, root: Path | None = None, limit: int = 4) -> str:
    """The informative lines of a failed nbgrader call (warnings, errors, the exception)."""
    generic = ("There was an error processing assignment", "Please see the", "Traceback",
               "Kernel is running over TCP", "Attribute 'checksum'")
    lines = []
    for line in (result.get("log") or "").splitlines():
        exception = re.match(r"^\s+(?:[\w]+\.)*(\w+(?:Error|Exception)): (.*)$", line)
        if exception:
            lines.append(f"{exception[1]}: {exception[2]}")
        elif line.startswith(("[ERROR]", "[WARNING]", "[CRITICAL]")) and not any(g in line for g in generic):
            lines.append(line.split("] ", 1)[-1].strip())
    if not lines and result.get("error"):
        lines = [result["error"].strip().splitlines()[-1]]
    unique = []
    for line in lines:
        if root is not None:
            line = line.replace(str(root) + os.sep, "")
        if not any(line in seen or line.split(": ", 1)[-1] in seen for seen in unique):
            unique.append(line)
    return "; ".join(unique[:limit]) or "nbgrader gave no reason"


def _gradebook(api):
    from nbgrader.api import Gradebook

    return Gradebook(api.coursedir.db_url, api.coursedir.course_id)


def _known_to_gradebook(api, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    with _quiet(), _gradebook(api) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
        return True


def _release_snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _generate(api, assignment: str) -> None:
    with _quiet():
        result = api.generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise WorkflowError(f"nbgrader could not generate the participants' version of {assignment}: "
                            f"{_log_problems(result)}. Fix source/{assignment}/ and run `make release` "
                            "again.")


def _ensure_in_gradebook(api, root: Path, assignment: str) -> None:
    """Autograding restores the test cells from the gradebook: make sure it knows the assignment.

    A fresh clone has no ``gradebook.db`` (it is learner data, not committed), so the first
    grading run records the assignment by generating it; ``release/`` normally stays the same.
    """
    if _known_to_gradebook(api, assignment):
        return
    folder = root / "release" / assignment
    before = _release_snapshot(folder)
    _generate(api, assignment)
    if before and _release_snapshot(folder) != before:
        print(f"WARNING: release/{assignment} was out of date with source/{assignment} and has been "
              "regenerated. Make sure participants worked on this version, and commit release/.")
    else:
        print(f"Recorded {assignment} in the gradebook (release/{assignment} unchanged).")


# ----------------------------------------------------------------------------- release
def release_all(root) -> list[str]:
    """Regenerate ``release/`` from ``source/`` for every assignment; return the assignments.

    Runs ``nbgrader generate_assignment <a> --force`` for each one, then removes release
    folders whose source has gone. nbgrader's output is deterministic (cell ids are kept, the
    checksums are hashes of the cell contents), so running it twice changes no byte: the
    tests check that the committed ``release/`` equals a fresh regeneration.

    Example:
        >>> release_all(".")  # doctest: +SKIP
        ['session1', 'session2', 'session3', 'session5']
    """
    root = _check_root(root)
    names = assignments(root)
    if not names:
        raise WorkflowError(f"There is nothing to release: {root / 'source'} has no assignment folder "
                            "with a notebook (source/<assignment>/<assignment>.ipynb).")
    api = nbgrader_api(root)
    for name in names:
        _generate(api, name)
        files = [p for p in sorted((root / "release" / name).rglob("*")) if p.is_file()]
        print(f"release/{name}: {len(files)} file(s) regenerated from source/{name}")
    release = root / "release"
    for folder in sorted(release.iterdir()) if release.is_dir() else []:
        if folder.is_dir() and folder.name not in names and not folder.name.startswith("."):
            shutil.rmtree(folder)
            print(f"release/{folder.name}: removed (there is no source/{folder.name} any more)")
    print("Never edit release/ by hand; commit it together with the source/ change.")
    return names


# ----------------------------------------------------------------------------- validate
def validate_notebook(root, notebook, invert: bool = False, config=None) -> list[str]:
    """``nbgrader validate`` (or ``--invert``) on one notebook, in process; return the problems.

    Without ``invert`` every test must pass (an instructor's solution); with ``invert`` no
    test may pass (a blank participant copy). An empty list means it validates.

    Example:
        >>> validate_notebook(".", "source/session1/session1.ipynb")  # doctest: +SKIP
        []
    """
    _use_this_python_first_on_path()
    from nbgrader.validator import Validator

    config = config if config is not None else course_config(root)
    validator = Validator(config=config)
    validator.invert = invert
    with _quiet():
        results = validator.validate(str(Path(notebook).resolve()))
    problems = []
    for cell in results.get("type_changed", []):
        problems.append(f"a {cell['old_type']} cell became {cell['new_type']}: {cell['source'][:80]!r}")
    for cell in results.get("changed", []):
        problems.append(f"a locked cell changed (checksum): {cell['source'][:80]!r}")
    for cell in results.get("failed", []):
        error = (cell.get("raw_error") or "").strip().splitlines()
        problems.append(f"test failed: {cell['source'][:80]!r}: {error[-1] if error else ''}")
    for cell in results.get("passed", []):
        problems.append(f"test passes on a blank notebook: {cell['source'][:80]!r}")
    return problems


def validate_all(root) -> dict[str, list[str]]:
    """Validate every source notebook (must pass) and release notebook (must fail every test).

    Example:
        >>> problems = validate_all(".")  # doctest: +SKIP
        >>> [name for name, found in problems.items() if found]  # doctest: +SKIP
        []
    """
    root = _check_root(root)
    config = course_config(root)
    report = {}
    for name in assignments(root):
        for notebook in sorted((root / "source" / name).glob("*.ipynb")):
            report[str(notebook.relative_to(root))] = validate_notebook(root, notebook, config=config)
        for notebook in sorted((root / "release" / name).glob("*.ipynb")):
            report[str(notebook.relative_to(root))] = validate_notebook(root, notebook, invert=True,
                                                                        config=config)
    return report


# ----------------------------------------------------------------------------- collect
def _downloaded_notebooks(downloads: Path, extracted: Path) -> list[tuple[str, Path]]:
    """(description, path after extraction) of every notebook in a downloads folder.

    Mirrors nbgrader's extractor: a zip file unpacks into a folder named after it, keeping the
    folders inside it; a loose file is copied. System clutter (``__MACOSX``, hidden files) is left out.
    """
    found = []
    for path in sorted(downloads.rglob("*")):
        if not path.is_file() or any(part in _SKIPPED_DOWNLOADS for part in path.parts):
            continue
        target = extracted / path.parent.relative_to(downloads)
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = archive.namelist()
            except zipfile.BadZipFile:
                raise WorkflowError(f"{path.name} is not a readable zip file; download it again.") from None
            for member in members:
                parts = member.replace("\\", "/").rstrip("/").split("/")
                if (member.endswith("/") or parts[-1].startswith(".")
                        or any(part in _SKIPPED_DOWNLOADS for part in parts)):
                    continue
                if parts[-1].endswith(".ipynb"):
                    found.append((f"{path.name}: {member}", target.joinpath(path.stem, *parts)))
        elif path.suffix == ".ipynb" and not path.name.startswith("."):
            found.append((str(path.relative_to(downloads)), target / path.name))
    return found


def collect_zips(root, assignment: str, downloads_dir,
                 named_regexp: str = ZIP_NAME_PATTERN) -> dict[str, list[str]]:
    """Put downloaded submissions into ``submitted/<student>/<assignment>/`` with ``nbgrader zip_collect``.

    ``downloads_dir`` holds what the learning platform gave you: zip files and/or notebooks
    named ``<student id>_<notebook>.ipynb`` (see :data:`ZIP_NAME_PATTERN`; pass another
    ``named_regexp`` with the groups ``student_id`` and ``file_id`` for other names). The files
    are copied to ``downloaded/<assignment>/archive/`` (nbgrader's layout, git-ignored) and
    collected; a collected student's earlier ``submitted/`` folder for this assignment is
    replaced. Names that do not match, or notebooks that were not released, are reported and
    skipped; two files for the same student and notebook stop the collection.

    Returns ``{student id: [notebook file names]}`` of what was collected.

    Example (the default file-name pattern):
        >>> match = re.match(ZIP_NAME_PATTERN, "/course/downloaded/session1/extracted/x/amina.k_session1.ipynb")
        >>> match["student_id"], match["file_id"]
        ('amina.k', 'session1.ipynb')
        >>> re.match(ZIP_NAME_PATTERN, "/course/extracted/Copy of session1.ipynb") is None
        True
    """
    root = _check_root(root)
    downloads = Path(downloads_dir).resolve()
    if assignment not in assignments(root):
        raise WorkflowError(f"There is no assignment {assignment!r} in source/ "
                            f"(known: {', '.join(assignments(root)) or 'none'}).")
    released = sorted(p.name for p in (root / "release" / assignment).glob("*.ipynb"))
    if not released:
        raise WorkflowError(f"release/{assignment} has no notebook: run `make release` first, so the "
                            "collected notebooks can be matched with the released ones.")
    if not downloads.is_dir():
        raise WorkflowError(f"The downloads folder {downloads} does not exist.")
    pattern = re.compile(named_regexp)
    plan: dict[str, list[str]] = {}
    origin: dict[tuple[str, str], str] = {}
    skipped = []
    extracted = root / "downloaded" / assignment / "extracted"
    for where, path in _downloaded_notebooks(downloads, extracted):
        match = pattern.match(str(path))
        if not match:
            skipped.append(f"{where} (the name is not <student id>_<notebook>.ipynb)")
            continue
        student, notebook = match["student_id"], Path(match["file_id"]).stem + ".ipynb"
        if notebook not in released:
            skipped.append(f"{where} ({notebook} is not a released notebook of {assignment}: "
                           f"{', '.join(released)})")
            continue
        if (student, notebook) in origin:
            raise WorkflowError(f"Two downloads hold {notebook} of student {student!r}: "
                                f"{origin[student, notebook]} and {where}. Keep only the newest one.")
        origin[student, notebook] = where
        plan.setdefault(student, []).append(notebook)
    for line in skipped:
        print(f"SKIPPED {line}")
    if not plan:
        raise WorkflowError(f"No submission in {downloads} could be collected. Name the files "
                            f"<student id>_<notebook>.ipynb (e.g. amina_{released[0]}), loose or in "
                            "zip files.")
    archive = root / "downloaded" / assignment / "archive"
    if archive.resolve() != downloads:
        if archive.exists():
            shutil.rmtree(archive)
        shutil.copytree(downloads, archive)
    _use_this_python_first_on_path()
    command = [sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force",
               f"--CourseDirectory.root={root}", "--ZipCollectApp.strict=True",
               f"--FileNameCollectorPlugin.named_regexp={named_regexp}"]
    run = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if run.returncode != 0:
        tail = " ".join(run.stderr.strip().splitlines()[-3:])
        raise WorkflowError(f"nbgrader zip_collect failed for {assignment}: {tail}")
    missing = [f"{s}/{n}" for s, names in plan.items() for n in names
               if not (root / "submitted" / s / assignment / n).is_file()]
    if missing:
        raise WorkflowError(f"nbgrader zip_collect did not produce {', '.join(missing)}; "
                            f"see downloaded/{assignment}/extracted/.")
    for student in sorted(plan):
        print(f"collected submitted/{student}/{assignment}/: {', '.join(sorted(plan[student]))}")
    return {student: sorted(names) for student, names in plan.items()}


# ----------------------------------------------------------------------------- grade
@dataclass
class SubmissionResult:
    """One participant's autograded submission of one assignment.

    Example:
        >>> r = SubmissionResult("session1", "amina", autograded=True, score=12.0, max_score=19.0)
        >>> r.failed == "", r.needs_manual_grade
        (True, False)
    """

    assignment: str
    student: str
    autograded: bool                 # graded in this run (False: up to date, or failed)
    failed: str = ""                 # why nbgrader could not grade it ("" if it could)
    score: float = 0.0
    max_score: float = 0.0
    code_score: float = 0.0
    max_code_score: float = 0.0
    written_score: float = 0.0
    max_written_score: float = 0.0
    needs_manual_grade: bool = False
    to_grade_by_hand: list[str] = field(default_factory=list)   # grade ids waiting for a person


@dataclass
class GradingReport:
    """What :func:`grade_all` did.

    Example:
        >>> ok = SubmissionResult("session1", "amina", autograded=True)
        >>> broken = SubmissionResult("session1", "ben", autograded=False, failed="not valid JSON")
        >>> [r.student for r in GradingReport([ok, broken], Path("grades.csv"), []).failed]
        ['ben']
    """

    results: list[SubmissionResult]
    export_path: Path
    feedback_files: list[Path]

    @property
    def failed(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.failed]

    @property
    def needing_manual_grade(self) -> list[SubmissionResult]:
        return [r for r in self.results if not r.failed and r.needs_manual_grade]


def _submissions(root: Path, assignment: str) -> list[str]:
    folder = root / "submitted"
    if not folder.is_dir():
        return []
    return sorted((s.name for s in folder.iterdir()
                   if (s / assignment).is_dir() and any((s / assignment).iterdir())), key=_natural_key)


def _up_to_date(root: Path, assignment: str, student: str) -> bool:
    submitted = [p for p in (root / "submitted" / student / assignment).rglob("*") if p.is_file()]
    graded = root / "autograded" / student / assignment
    notebooks = [graded / p.name for p in submitted if p.suffix == ".ipynb"]
    if not notebooks or not all(n.is_file() for n in notebooks):
        return False
    return min(n.stat().st_mtime for n in notebooks) >= max(p.stat().st_mtime for p in submitted)


def _nothing_submitted(root: Path, assignment: str | None) -> WorkflowError:
    target = assignment or "<assignment>"
    return WorkflowError(
        f"Nothing to grade: there is no submission in {root / 'submitted'}. Put each participant's "
        f"notebook in submitted/<student id>/{target}/ under its released name, or collect zip "
        f"downloads with: python -m losi_course.grading.workflow collect {target} DOWNLOADS_FOLDER")


def _read_result(api, assignment: str, student: str, result: SubmissionResult) -> None:
    from nbgrader.api import MissingEntry

    with _quiet(), _gradebook(api) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return
        result.score, result.max_score = sub.score, sub.max_score
        result.code_score, result.max_code_score = sub.code_score, sub.max_code_score
        result.written_score, result.max_written_score = sub.written_score, sub.max_written_score
        result.needs_manual_grade = bool(sub.needs_manual_grade)
        result.to_grade_by_hand = sorted(g.name for nb in sub.notebooks for g in nb.grades
                                         if g.needs_manual_grade)


def _explain_failure(root: Path, assignment: str, student: str, reason: str) -> str:
    released = {p.name for p in (root / "release" / assignment).glob("*.ipynb")}
    submitted = {p.name for p in (root / "submitted" / student / assignment).glob("*.ipynb")}
    unknown = sorted(submitted - released)
    if unknown and released - submitted:
        reason += (f" -- rename {', '.join(unknown)} to {', '.join(sorted(released - submitted))} "
                   f"in submitted/{student}/{assignment}/ and grade again")
    elif "exists multiple times" in reason:
        reason += " -- a graded cell was copied or split: remove the copy in the submitted notebook"
    elif "NotJSONError" in reason or "ValidationError" in reason:
        reason += " -- the notebook file is damaged: ask the participant to download and send it again"
    return reason


def grade_all(root, assignment: str | None = None, export_to=None, force: bool = False) -> GradingReport:
    """Autograde the submissions in ``submitted/``, write feedback, export the grades.

    For each assignment with submissions (or only ``assignment``): autograde every
    ``submitted/<student>/<assignment>/`` that is new or changed since it was last graded
    (all of them with ``force``; regrading marks written answers for manual grading again),
    write ``feedback/<student>/<assignment>/*.html``, then export the whole gradebook to
    ``export_to`` (default ``grades.csv`` in the course folder). Prints a summary and
    returns a :class:`GradingReport`. A submission nbgrader cannot grade is reported and
    does not stop the others.

    Example:
        >>> report = grade_all(".", "session1")  # doctest: +SKIP
        >>> report.failed  # doctest: +SKIP
        []
    """
    root = _check_root(root)
    known = assignments(root)
    if assignment is not None and assignment not in known:
        raise WorkflowError(f"There is no assignment {assignment!r} in source/ "
                            f"(known: {', '.join(known) or 'none'}).")
    targets = [assignment] if assignment else [a for a in known if _submissions(root, a)]
    if not any(_submissions(root, a) for a in targets):
        raise _nothing_submitted(root, assignment)
    strays = sorted({p.name for p in (root / "submitted").glob("*/*") if p.is_dir()} - set(known))
    if strays:
        print(f"Ignored submitted/*/{{{','.join(strays)}}}: not an assignment of this course.")

    api = nbgrader_api(root)
    results: list[SubmissionResult] = []
    feedback_files: list[Path] = []
    for name in targets:
        students = _submissions(root, name)
        _ensure_in_gradebook(api, root, name)
        done = skipped = 0
        for student in students:
            result = SubmissionResult(name, student, autograded=False)
            if force or not _up_to_date(root, name, student):
                with _quiet():
                    outcome = api.autograde(name, student, force=True, create=True)
                if outcome["success"]:
                    result.autograded = True
                    done += 1
                else:
                    result.failed = _explain_failure(root, name, student, _log_problems(outcome, root))
            else:
                skipped += 1
            if not result.failed:
                _read_result(api, name, student, result)
            results.append(result)
        with _quiet():
            outcome = api.generate_feedback(name, force=True)
        if not outcome["success"]:
            print(f"WARNING: feedback for {name} failed: {_log_problems(outcome)}")
        feedback_files += sorted((root / "feedback").glob(f"*/{name}/*.html"))
        _print_summary(name, [r for r in results if r.assignment == name], done, skipped)

    export_path = export_grades(root, export_to, api=api)
    report = GradingReport(results, export_path, feedback_files)
    rows = max(0, len(export_path.read_text(encoding="utf-8").splitlines()) - 1)
    print(f"\nFeedback: {len(feedback_files)} file(s) in feedback/<student>/<assignment>/ - "
          "send each participant their own.")
    print(f"Grades: {export_path} ({rows} row(s): every participant x every assignment in the gradebook).")
    if report.needing_manual_grade:
        print(f"{len(report.needing_manual_grade)} submission(s) have written answers to grade by hand: "
              "run `losi-course lab --instructor`, open Nbgrader > Formgrader, grade them, then run "
              "`make grade` again to refresh the feedback and grades.csv.")
    if report.failed:
        print(f"{len(report.failed)} submission(s) could not be graded (FAILED above); their rows in "
              "grades.csv show 0 until you fix them and run `make grade` again.")
    return report


def _fmt(score: float, maximum: float) -> str:
    return f"{score:g} / {maximum:g}"


def _print_summary(assignment: str, rows: list[SubmissionResult], done: int, skipped: int) -> None:
    failed = [r for r in rows if r.failed]
    print(f"\n{assignment}: {len(rows)} submission(s); {done} autograded now, "
          f"{skipped} already up to date, {len(failed)} failed")
    width = max([len(r.student) for r in rows] + [7])
    print(f"  {'student':<{width}}  {'autograded':>12}  {'written':>12}  {'total':>12}")
    for r in rows:
        if r.failed:
            print(f"  {r.student:<{width}}  FAILED: {r.failed}")
            continue
        written = "to grade" if r.to_grade_by_hand else _fmt(r.written_score, r.max_written_score)
        print(f"  {r.student:<{width}}  {_fmt(r.code_score, r.max_code_score):>12}  {written:>12}  "
              f"{_fmt(r.score, r.max_score):>12}")


def export_grades(root, path=None, api=None) -> Path:
    """Export the whole gradebook (every participant x every assignment) to a CSV file.

    ``path`` defaults to ``grades.csv`` in the course folder; the columns are nbgrader's
    (assignment, student_id, raw_score, score, max_score ...).

    Example:
        >>> export_grades(".", "grades.csv")  # doctest: +SKIP
        PosixPath('grades.csv')
    """
    from nbgrader.plugins.export import CsvExportPlugin

    root = _check_root(root)
    api = api if api is not None else nbgrader_api(root)
    path = Path(path).resolve() if path else root / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    plugin = CsvExportPlugin(parent=api)
    plugin.to = str(path)
    with _quiet(), _gradebook(api) as gb:
        plugin.export(gb)
    return path


# ----------------------------------------------------------------------------- solutions
def write_solutions(root, names: Iterable[str] | None = None) -> list[Path]:
    """``nbgrader generate_solution``: executed solution notebooks in ``solution/<assignment>/``.

    For self-paced learners after the course; ``solution/`` is git-ignored. The notebooks
    keep the hidden tests (they only call the checkers, which ship with the package).

    Example:
        >>> [p.name for p in write_solutions(".", ["session1"])]  # doctest: +SKIP
        ['session1.ipynb']
    """
    root = _check_root(root)
    _use_this_python_first_on_path()
    from nbgrader.converters import GenerateSolution
    from nbgrader.utils import capture_log

    api = nbgrader_api(root)
    written = []
    for name in names if names is not None else assignments(root):
        _ensure_in_gradebook(api, root, name)
        api.coursedir.assignment_id = name
        try:
            app = GenerateSolution(coursedir=api.coursedir, parent=api)
            app.force = True
            with _quiet():
                result = capture_log(app)
        finally:
            api.coursedir.assignment_id = ""
        if not result["success"]:
            raise WorkflowError(f"nbgrader could not write the solution of {name}: {_log_problems(result)}")
        files = sorted((root / "solution" / name).glob("*.ipynb"))
        written += files
        print(f"solution/{name}: {', '.join(p.name for p in files)}")
    return written


# ----------------------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    root_help = "the course folder (default: found from the current folder upwards)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=argparse.SUPPRESS, help=root_help)
    parser = argparse.ArgumentParser(
        prog="python -m losi_course.grading.workflow",
        description="The instructor's nbgrader workflow for the LOSI course (no exchange needed).")
    parser.add_argument("--root", default=None, help=root_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("release", parents=[common], help="regenerate release/ from source/ (make release)")
    p = sub.add_parser("collect", parents=[common], help="collect downloaded zip files into submitted/")
    p.add_argument("assignment")
    p.add_argument("downloads", help="folder with the downloaded zip files or notebooks")
    p.add_argument("--pattern", default=ZIP_NAME_PATTERN,
                   help="nbgrader named_regexp with the groups student_id and file_id")
    p = sub.add_parser("grade", parents=[common],
                       help="autograde submitted/, write feedback, export grades (make grade)")
    p.add_argument("assignment", nargs="?", help="only this assignment (default: all with submissions)")
    p.add_argument("--to", help="where to export the grades (default: grades.csv in the course folder)")
    p.add_argument("--force", action="store_true", help="regrade submissions already autograded")
    sub.add_parser("validate", parents=[common],
                   help="source notebooks pass their tests; release notebooks pass none")
    sub.add_parser("solutions", parents=[common], help="write executed solution notebooks to solution/")
    return parser


def _find_root(given: str | None) -> Path:
    if given:
        return _check_root(given)
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "nbgrader_config.py").is_file():
            return folder
    raise WorkflowError("No course folder (with nbgrader_config.py) here or above; run this from the "
                        "course repository or pass --root.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a workflow command; return the exit code (1: something failed, 2: bad input).

    Example:
        >>> main(["grade", "--root", "/nonexistent-course"])
        2
    """
    args = _parser().parse_args(argv)
    try:
        root = _find_root(args.root)
        if args.command == "release":
            release_all(root)
        elif args.command == "collect":
            collect_zips(root, args.assignment, args.downloads, named_regexp=args.pattern)
        elif args.command == "grade":
            report = grade_all(root, args.assignment, export_to=args.to, force=args.force)
            return 1 if report.failed else 0
        elif args.command == "validate":
            report = validate_all(root)
            for notebook, problems in report.items():
                print(f"{'ok    ' if not problems else 'FAILED'}  {notebook}")
                for problem in problems:
                    print(f"          {problem}")
            return 1 if any(report.values()) else 0
        elif args.command == "solutions":
            write_solutions(root)
    except LosiInputError as err:
        return report_input_error("workflow", err)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
