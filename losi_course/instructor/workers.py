"""Grading submissions side by side: one grading process per core, each with its own gradebook copy.

nbgrader's sqlite gradebook is not made for several writers, so each grading process
autogrades into a *private copy* of the gradebook and reports what it found as plain data;
only the instructor's process writes the course's gradebook (see
:mod:`~losi_course.instructor.merge`). A grading process is started as
``python -m losi_course.instructor.workers COURSE_ROOT PRIVATE_GRADEBOOK`` and reads one task
per line (JSON) on its input, answering one result per line; :class:`Graders` runs a list of
tasks on several of them, or in this process when there is only one task.

A task is ``{"task": "autograde" | "feedback", "assignment": ..., "student": ...}``; see
:func:`autograde_submission` and :func:`write_feedback` for the results.

Example:
    >>> Graders.size_for(tasks=1, jobs=None)
    1
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from ..course import CourseFolder
from .nbgrader_tools import gradebook, log_problems, nbgrader_api, quiet

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["autograde_submission", "write_feedback", "feedback_key", "copy_gradebook", "usable_cores", "Graders"]

_FEEDBACK_VERSION = "1"   # raise when the feedback pages change, so every page is written again


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system tells it).

    Example:
        >>> usable_cores() >= 1
        True
    """
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def copy_gradebook(source: Path, target: Path) -> Path:
    """A consistent copy of an sqlite gradebook (sqlite's own backup, safe while it is open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def explain_failure(course: CourseFolder, assignment: str, student: str, reason: str) -> str:
    """nbgrader's reason for not grading a submission, with what the instructor can do."""
    released = {p.name for p in course.step_path("release", assignment).glob("*.ipynb")}
    submitted = {p.name for p in course.step_path("submitted", assignment, student).glob("*.ipynb")}
    unknown = sorted(submitted - released)
    folder = course.relative(course.step_path("submitted", assignment, student))
    if unknown and released - submitted:
        reason += (f" -- rename {', '.join(unknown)} to {', '.join(sorted(released - submitted))} "
                   f"in {folder}/ and grade again")
    elif "exists multiple times" in reason:
        reason += " -- a graded cell was copied or split: remove the copy in the submitted notebook"
    elif "NotJSONError" in reason or "ValidationError" in reason:
        reason += " -- the notebook file is damaged: ask the participant to download and send it again"
    return reason


def feedback_key(api: "NbGraderAPI", course: CourseFolder, assignment: str, student: str, gb=None) -> str:
    """A fingerprint of everything a feedback page shows (the graded notebooks, scores, comments).

    ``gb`` is an open gradebook of ``api`` to use (one is opened if not given).
    """
    from nbgrader.api import MissingEntry

    if gb is None:
        with quiet(), gradebook(api) as opened:
            return feedback_key(api, course, assignment, student, opened)
    graded = course.step_path("autograded", assignment, student)
    shown: dict = {"version": _FEEDBACK_VERSION, "notebooks": {}}
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return ""
    for nb in submission.notebooks:
        path = graded / f"{nb.name}.ipynb"
        shown["notebooks"][nb.name] = {
            "file": hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "",
            "flagged": bool(nb.flagged), "late": nb.late_submission_penalty,
            "grades": sorted((g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                             for g in nb.grades),
            "comments": sorted((c.name, c.auto_comment or "", c.manual_comment or "") for c in nb.comments),
        }
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _read_grades(api: "NbGraderAPI", course: CourseFolder, assignment: str, student: str) -> dict:
    from .preprocessors import integrity_of
    from .records import _read_json

    graded = course.step_path("autograded", assignment, student)
    with quiet(), gradebook(api) as gb:
        submission = gb.find_submission(assignment, student)
        result = {"timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
                  "notebooks": {}}
        for nb in submission.notebooks:
            result["notebooks"][nb.name] = {
                "late_penalty": nb.late_submission_penalty,
                "grades": {g.name: g.auto_score for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
                "integrity": integrity_of(_read_json(graded / f"{nb.name}.ipynb") or {}),
            }
    return result


def autograde_submission(api: "NbGraderAPI", course: CourseFolder, assignment: str, student: str,
                         with_feedback: bool = True) -> dict:
    """Autograde one submission into ``api``'s gradebook; report what the gradebook holds then.

    The result: ``ok``; if not, ``failure`` (nbgrader's reason and the fix); else the
    submission's ``timestamp`` and, per notebook, the autograder's ``grades`` and ``comments``,
    the ``late_penalty`` and the ``integrity`` findings. With ``with_feedback`` the feedback page
    is written at once from the same gradebook, and ``feedback_key`` says what it shows.
    """
    from .preprocessors import LibraryChanged, _check_library, _restore_tmpdir

    with quiet():
        outcome = api.autograde(assignment, student, force=True, create=True)
    _restore_tmpdir()  # in case nbgrader stopped between capturing and re-checking
    result: dict = {"task": "autograde", "assignment": assignment, "student": student,
                    "ok": bool(outcome["success"])}
    try:
        _check_library(f"while the notebook of {student} ({assignment}) ran")
    except LibraryChanged as error:
        return {**result, "ok": False, "tampered": True, "failure": str(error)}
    if not result["ok"]:
        reason = log_problems(outcome, course.root)
        return {**result, "failure": explain_failure(course, assignment, student, reason)}
    result.update(_read_grades(api, course, assignment, student))
    if with_feedback:
        result.update(write_feedback(api, course, assignment, student))
    return result


def write_feedback(api: "NbGraderAPI", course: CourseFolder, assignment: str, student: str) -> dict:
    """Write one submission's feedback page from ``api``'s gradebook; ``feedback_key`` "" if it failed."""
    with quiet():
        outcome = api.generate_feedback(assignment, student, force=True)
    if not outcome["success"]:
        return {"feedback_key": "", "feedback_problem": log_problems(outcome, course.root)}
    return {"feedback_key": feedback_key(api, course, assignment, student)}


def _run_task(apis: dict, course: CourseFolder, task: dict) -> dict:
    if task["task"] == "autograde":
        return autograde_submission(apis["private"], course, task["assignment"], task["student"],
                                    task.get("feedback", True))
    return {"task": "feedback", "assignment": task["assignment"], "student": task["student"],
            **write_feedback(apis["course"], course, task["assignment"], task["student"])}


def _apis(course: CourseFolder, private_db: Path) -> dict:
    private = course.nbgrader_config(CourseDirectory__db_url=f"sqlite:///{private_db}")
    return {"private": nbgrader_api(course, private), "course": nbgrader_api(course)}


def _serve(root: str, private_db: str) -> int:
    """The grading process: tasks in on standard input, results out, one JSON line each."""
    from .preprocessors import remember_library

    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sys.stdout = sys.stderr  # nbgrader and kernels may print: keep the answer channel clean
    remember_library()      # before any participant code runs in this process
    course = CourseFolder.at(root)
    CourseFolder.use_tools_on_path()
    apis = _apis(course, Path(private_db))
    for line in sys.stdin:
        task = json.loads(line)
        try:
            result = _run_task(apis, course, task)
        except Exception as error:  # noqa: BLE001 - reported for this task; the others go on
            result = {**task, "ok": False, "failure": f"{type(error).__name__}: {error}"}
        replies.write(json.dumps(result, default=str) + "\n")
    return 0


class Graders:
    """Run grading tasks on ``size`` grading processes (or in this process when ``size`` is 1).

    Results come back as they are ready (not in task order). The processes stop when the
    ``with`` block ends.
    """

    def __init__(self, course: CourseFolder, size: int, scratch: Path):
        self.course, self.size, self.scratch = course, max(1, size), scratch
        self._processes: list[subprocess.Popen] = []
        self._apis: dict | None = None

    @staticmethod
    def size_for(tasks: int, jobs: int | None) -> int:
        """How many grading processes to use: one per core (or ``jobs``), never more than tasks."""
        return max(1, min(tasks, jobs or usable_cores()))

    def __enter__(self) -> "Graders":
        main_db = Path(self.course.coursedir.db_url.removeprefix("sqlite:///"))
        if self.size == 1:
            self._apis = _apis(self.course, copy_gradebook(main_db, self.scratch / "private-0.db"))
            return self
        for number in range(self.size):
            private = copy_gradebook(main_db, self.scratch / f"private-{number}.db")
            log = open(self.scratch / f"grader-{number}.log", "w", encoding="utf-8")  # noqa: SIM115
            self._processes.append(subprocess.Popen(
                [sys.executable, "-m", "losi_course.instructor.workers", str(self.course.root), str(private)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
                bufsize=1, cwd=self.course.root, env=CourseFolder.subprocess_env()))
            log.close()
        return self

    def __exit__(self, *exc) -> None:
        for process in self._processes:
            if process.stdin and not process.stdin.closed:
                process.stdin.close()
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes = []

    def run(self, tasks: Iterable[dict]) -> Iterator[dict]:
        """Every task's result, as soon as it is ready."""
        tasks = list(tasks)
        if self._apis is not None:
            for task in tasks:
                try:
                    yield _run_task(self._apis, self.course, task)
                except Exception as error:  # noqa: BLE001 - reported for this task
                    yield {**task, "ok": False, "failure": f"{type(error).__name__}: {error}"}
            return
        todo: queue.Queue = queue.Queue()
        for task in tasks:
            todo.put(task)
        done: queue.Queue = queue.Queue()
        threads = [threading.Thread(target=self._feed, args=(p, n, todo, done), daemon=True)
                   for n, p in enumerate(self._processes)]
        for thread in threads:
            thread.start()
        received = 0
        while received < len(tasks):
            try:
                result = done.get(timeout=1)
            except queue.Empty:
                if any(t.is_alive() for t in threads):
                    continue
                result = {**todo.get_nowait(), "ok": False, "failure": "every grading process stopped"}
            received += 1
            yield result

    def _feed(self, process: subprocess.Popen, number: int, todo: queue.Queue, done: queue.Queue) -> None:
        """Hand tasks to one grading process until none are left or the process stops."""
        while True:
            try:
                task = todo.get_nowait()
            except queue.Empty:
                return
            line = ""
            try:
                process.stdin.write(json.dumps(task) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except (OSError, ValueError):
                pass
            if line:
                done.put(json.loads(line))
                continue
            log = (self.scratch / f"grader-{number}.log").read_text(encoding="utf-8", errors="replace")
            tail = " ".join(log.strip().splitlines()[-2:])
            done.put({**task, "ok": False, "failure": f"the grading process stopped ({tail or 'no message'})"})
            return  # the other processes take the remaining tasks


if __name__ == "__main__":
    raise SystemExit(_serve(sys.argv[1], sys.argv[2]))
