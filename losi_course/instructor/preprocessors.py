"""The course's nbgrader preprocessors, switched on in ``nbgrader_config.py``.

Autograding (``nbgrader autograde``, ``losi-course instructor grade`` and Formgrader's
autograde button alike) runs, around nbgrader's own steps:

* :class:`CaptureAnswers` before the notebook runs: a capture cell in front of every test cell
  (see :mod:`~losi_course.instructor.recheck`), and a fingerprint of the course library;
* :class:`CheckMetadata`, in nbgrader's sanitizing pass, checks the cells' nbgrader metadata as
  nbgrader's ``CheckCellMetadata`` does, with the metadata schema checked once per process;
* :class:`ExecuteGraded` runs the notebook as nbgrader's ``Execute`` does, each in a fresh kernel
  forked from a warm parent (:mod:`~losi_course.instructor.forked_kernels`);
* :class:`RecheckAnswers` after it ran: capture cells removed, every test that passed run
  again in the grading process, tests that do not hold there scored 0, the participant's own
  code read for tampering (:mod:`~losi_course.instructor.scan`), and the findings kept in the
  notebook's metadata (``losi_course.integrity``);
* :class:`RecordFlags` after nbgrader saved the scores: a submission with findings is flagged
  in the gradebook (Formgrader shows the flag).

Feedback (``generate_feedback``) runs :class:`NoteUnmarked` after nbgrader's ``GetGrades``: an
answer no one has marked yet says so, and the page says when its grade is not final.

Example:
    >>> integrity_of({"metadata": {"losi_course": {"integrity": {"findings": [], "rechecks": []}}}})
    {'findings': [], 'rechecks': []}
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import nbgrader.nbgraderformat.common as nbgrader_metadata
from nbgrader.preprocessors import CheckCellMetadata, Execute, NbGraderPreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell
from nbformat.notebooknode import NotebookNode

from .forked_kernels import ForkedKernelManager
from .recheck import (CAPTURE_MARK, capture_code, changed_files, compile_library, free_names, library_fingerprint,
                      read_capture, run_check)
from .scan import module_aliases, scan_code

__all__ = ["CaptureAnswers", "CheckMetadata", "ExecuteGraded", "RecheckAnswers", "RecordFlags", "NoteUnmarked", "integrity_of",
           "remember_library", "LibraryChanged"]

_STATE: dict[str, Any] = {}
_RERUN_FAILED = ("This check passed in your notebook, but not when the grading ran it again on your answers "
                 "({why}). Code in the notebook changed how the checks ran, so it scores 0 for now; your "
                 "instructor will look at it.")
_NOT_RECORDED = ("This check's answers were never recorded before it ran, so the grading could not confirm "
                 "that it passed. It scores 0 for now; your instructor will look at it.")


class LibraryChanged(RuntimeError):
    """The course library's files changed while grading: nothing graded since can be trusted."""


def remember_library(force_compile: bool = False) -> dict[str, str]:
    """Record the course library as it is now, as this process's reference (first call only).

    Its modules are compiled first (all of them again with ``force_compile``), so the compiled
    caches are part of the reference and grading never writes them.
    """
    if "library" not in _STATE:
        compile_library(force=force_compile)
        _STATE["library"] = library_fingerprint()
    return _STATE["library"]


def _grade_id(cell) -> str:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id", "")


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader") or {}
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def integrity_of(nb) -> dict | None:
    """What :class:`RecheckAnswers` found in an autograded notebook (None if it did not run)."""
    return ((nb.get("metadata") or {}).get("losi_course") or {}).get("integrity")


def _check_library(where: str) -> None:
    reference = remember_library()
    changed = changed_files(reference, library_fingerprint())
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        raise LibraryChanged(
            f"The course library changed on disk {where} ({shown}). Grades from this grading "
            "run cannot be trusted: restore the library (for example with `git status` and "
            "`git checkout` in the course folder), then grade again (restart Formgrader if it runs).")


class _SchemaCheckedOnce:
    """``jsonschema`` as nbgrader's metadata check uses it, with one validator kept per schema.

    ``jsonschema.validate`` checks the schema itself before every instance; nbgrader calls it
    for every cell, so that check was most of the time of a notebook's metadata check. A cell
    that does not fit the schema still raises jsonschema's ``ValidationError``.
    """

    def __init__(self):
        self._validators: dict[str, Any] = {}

    def __getattr__(self, name: str):
        return getattr(jsonschema, name)

    def validate(self, instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True, default=str)
        if key not in self._validators:
            kind = jsonschema.validators.validator_for(schema)
            kind.check_schema(schema)
            self._validators[key] = kind(schema)
        self._validators[key].validate(instance)


_ONE_VALIDATOR_PER_SCHEMA = _SchemaCheckedOnce()
_NBGRADERS_JSONSCHEMA = nbgrader_metadata.jsonschema


class CheckMetadata(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` (the same checks and errors), with the schema checked once."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        nbgrader_metadata.jsonschema = _ONE_VALIDATOR_PER_SCHEMA
        try:
            return super().preprocess(nb, resources)
        finally:  # nbgrader's own, whatever ran meanwhile (the two give the same answers)
            nbgrader_metadata.jsonschema = _NBGRADERS_JSONSCHEMA


class ExecuteGraded(Execute):
    """nbgrader's ``Execute`` (its settings apply), with kernels forked from a warm parent."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ForkedKernelManager)
        super().__init__(*args, **kwargs)


class CaptureAnswers(NbGraderPreprocessor):
    """Before the notebook runs: a capture cell in front of every autograded test cell."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        if self.config.get("Execute", {}).get("enabled", True) is False:
            return nb, resources  # --no-execute: nothing runs, nothing to confirm
        _check_library("since this grading process started")
        folder = Path(tempfile.mkdtemp(prefix="losi-capture-"))
        tests = {}
        cells = []
        for index, cell in enumerate(nb.cells):
            if _is_test(cell) and _grade_id(cell):
                path = folder / f"{index}.pickle"
                names = free_names(cell.source) if _parses(cell.source) else []
                tests[_grade_id(cell)] = {"source": cell.source, "path": str(path)}
                capture = new_code_cell(capture_code(str(path), names))
                capture.metadata[CAPTURE_MARK] = True
                cells.append(capture)
            cells.append(cell)
        nb.cells = cells
        resources["losi_capture"] = {"folder": str(folder), "tests": tests}
        # The kernel is stopped at once when the notebook is done, so it cannot clean up its own
        # temporary files: it makes them in the capture folder, which is removed afterwards.
        _STATE.setdefault("tmpdir", os.environ.get("TMPDIR"))
        _STATE["capture_folder"] = str(folder)
        os.environ["TMPDIR"] = str(folder)
        return nb, resources


def _parses(code: str) -> bool:
    try:
        compile(code, "<test>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def _trusted_sources(resources: dict) -> dict[str, str]:
    """The gradebook's version of every locked cell (nbgrader restores these before running)."""
    from nbgrader.api import Gradebook, MissingEntry

    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        try:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
        except MissingEntry:
            return {}
        return {cell.name: cell.source for cell in notebook.source_cells if cell.locked}


def participant_findings(nb, trusted: dict[str, str]) -> list[dict]:
    """The scan findings of every code cell that is not one of the ``trusted`` (restored) cells.

    Example:
        >>> from nbformat.v4 import new_notebook
        >>> nb = new_notebook(cells=[new_code_cell("import losi_course as lc"), new_code_cell("lc.checks.check = print")])
        >>> [f["what"] for f in participant_findings(nb, {})]
        ['changes lc.checks.check (an attribute of a module)']
    """
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    aliases: set[str] = set()
    for cell in code_cells:
        aliases |= module_aliases(cell.source)
    found = []
    for number, cell in enumerate(code_cells, start=1):
        gid = _grade_id(cell)
        if gid and trusted.get(gid) == cell.source:
            continue
        found += [f.as_dict() for f in scan_code(cell.source, gid or f"code cell {number}", aliases)]
    return found


class RecheckAnswers(NbGraderPreprocessor):
    """After the notebook ran: confirm every passing test apart from it, read the participant's code."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources.pop("losi_capture", None)
        if info is None:
            return nb, resources
        from nbgrader.utils import determine_grade

        try:
            nb.cells = [c for c in nb.cells if not c.metadata.get(CAPTURE_MARK)]
            _check_library("while this notebook ran")
            rechecks, unconfirmable = [], []
            confirmed = 0
            for cell in nb.cells:
                test = info["tests"].get(_grade_id(cell)) if _is_test(cell) else None
                if test is None:
                    continue
                cell.source = test["source"]
                score, _ = determine_grade(cell)
                if not score:
                    continue  # failed in the notebook: nothing to confirm
                captured = read_capture(test["path"])
                if captured is None:
                    rechecks.append({"cell": _grade_id(cell), "kind": "not recorded",
                                     "why": "its answers were never recorded before it ran"})
                    cell.outputs.append(_error(_NOT_RECORDED))
                    continue
                run = run_check(test["source"], captured, _grade_id(cell))
                if not run.confirmable:
                    unconfirmable.append({"cell": _grade_id(cell), "why": "; ".join(run.notes)})
                    continue
                if run.passed:
                    confirmed += 1
                    continue
                rechecks.append({"cell": _grade_id(cell), "kind": "failed again", "why": run.explain()})
                cell.outputs.append(_error(_RERUN_FAILED.format(why=run.explain())))
            findings = participant_findings(nb, _trusted_sources(resources))
        finally:
            _restore_tmpdir()
            shutil.rmtree(info["folder"], ignore_errors=True)
        nb.metadata.setdefault("losi_course", {})["integrity"] = {
            "findings": findings, "rechecks": rechecks, "confirmed": confirmed, "unconfirmable": unconfirmable}
        return nb, resources


def _restore_tmpdir() -> None:
    """Undo what :class:`CaptureAnswers` changed, also when nbgrader stopped before the recheck."""
    folder = _STATE.pop("capture_folder", None)
    if folder:  # a notebook that failed to run never reached RecheckAnswers, which removes it
        shutil.rmtree(folder, ignore_errors=True)
    if "tmpdir" not in _STATE:
        return  # nothing was changed
    original = _STATE["tmpdir"]
    if original is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = original


def _error(message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename="GradingCheck", evalue=message,
                        traceback=[f"GradingCheck: {message}"])


class RecordFlags(NbGraderPreprocessor):
    """After nbgrader saved the scores: flag the submission in the gradebook if anything was found."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        found = integrity_of(nb)
        if not found or not (found["findings"] or found["rechecks"]):
            return nb, resources
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"]).flagged = True
            gb.db.commit()
        return nb, resources


class NoteUnmarked(NbGraderPreprocessor):
    """Feedback: "not yet marked" above every answer no one has marked, and a note when it is not final."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from nbgrader.api import Gradebook, MissingEntry

        info = resources["nbgrader"]
        waiting: set[str] = set()
        with Gradebook(info["db_url"]) as gb:
            try:
                notebook = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            except MissingEntry:
                return nb, resources
            flagged = bool(notebook.flagged)
            waiting = {g.name for g in notebook.grades if g.needs_manual_grade}
        cells = []
        for cell in nb.cells:
            gid = _grade_id(cell)
            if gid in waiting:
                meta = cell.metadata.get("nbgrader", {})
                kind = "answer" if meta.get("solution") else "check"
                cells.append(new_markdown_cell(
                    f"**Not yet marked:** your instructor has not marked the {kind} below yet; it counts "
                    f"as 0 of its {meta.get('points', 0):g} point(s) until then."))
            cells.append(cell)
        banner = []
        if waiting:
            banner.append(f"**Not final yet:** {len(waiting)} answer(s) or check(s) below are not yet marked; "
                          "the score counts them as 0 until your instructor marks them.")
        if flagged:
            banner.append("**Under review:** your instructor is looking at this notebook before its grade is final.")
        if banner:
            cells.insert(0, new_markdown_cell("\n\n".join(banner)))
        nb.cells = cells
        return nb, resources
