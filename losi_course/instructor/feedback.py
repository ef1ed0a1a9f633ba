"""Step ``feedback``: the feedback pages, written again only when what they show changed.

nbgrader writes ``feedback/<participant>/<session>/<notebook>.html``; an answer no one has
marked yet says "not yet marked" there (see
:class:`~losi_course.instructor.preprocessors.NoteUnmarked`). A page is written again when its
graded notebook, a score, a comment or a flag changed since it was last written (or with
``force``). For a learning platform's bulk upload, every page is also copied to
``feedback-upload/<session>/<participant>_<notebook>.html``, and zipped as
``feedback-upload/<session>.zip``.

Example:
    >>> upload_name("amina.k", "session1")
    'amina.k_session1.html'
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..course import CourseFolder, natural_key
from ..filesafety import atomic_write
from .nbgrader_tools import gradebook, nbgrader_api, quiet
from .records import GradingRecords, SubmissionRecord
from .workers import Graders, feedback_key

if TYPE_CHECKING:
    from nbgrader.apps import NbGraderAPI

__all__ = ["UPLOAD_FOLDER", "upload_name", "feedback"]

UPLOAD_FOLDER = "feedback-upload"


def upload_name(participant: str, notebook: str) -> str:
    """The file name of a feedback page for a bulk upload: ``<participant>_<notebook>.html``."""
    return f"{participant}_{notebook}.html"


def _graded_participants(course: CourseFolder, session: str) -> list[str]:
    top = course.folder("autograded")
    if not top.is_dir():
        return []
    return sorted((p.name for p in top.iterdir() if course.step_path("autograded", session, p.name).is_dir()),
                  key=natural_key)


def _upload_copies(course: CourseFolder, session: str, participants: list[str]) -> None:
    folder = course.root / UPLOAD_FOLDER / session
    wanted = {}
    for participant in participants:
        for page in sorted(course.step_path("feedback", session, participant).glob("*.html")):
            wanted[upload_name(participant, page.stem)] = page.read_bytes()
    for stale in folder.glob("*.html") if folder.is_dir() else []:
        if stale.name not in wanted:
            stale.unlink()
    for name, data in wanted.items():
        target = folder / name
        if not target.is_file() or target.read_bytes() != data:
            atomic_write(target, data)
    bundle = course.root / UPLOAD_FOLDER / f"{session}.zip"
    if wanted:
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(wanted):
                archive.writestr(name, wanted[name])
        atomic_write(bundle, packed.getvalue())
    elif bundle.exists():
        bundle.unlink()


def feedback(*, course: CourseFolder, assignment: str | None = None, api: "NbGraderAPI | None" = None,
             force: bool = False, jobs: int | None = None) -> list[Path]:
    """Write the feedback pages that changed (of one session, or all); return every page there is.

    A page nbgrader cannot write is reported with a warning; the others are still written.
    """
    api = api if api is not None else nbgrader_api(course)
    names = [course.require_session(assignment)] if assignment else course.sessions
    tasks, books = [], {}
    with quiet(), gradebook(api) as gb:
        for name in names:
            books[name] = GradingRecords(course, name)
            for participant in _graded_participants(course, name):
                record = books[name].get(participant)
                if record is not None and record.status == "failed":
                    continue
                pages = list(course.step_path("feedback", name, participant).glob("*.html"))
                key = feedback_key(api, course, name, participant, gb)
                if key and (force or not pages or record is None or record.feedback != key):
                    tasks.append({"task": "feedback", "assignment": name, "student": participant})
    if tasks:
        scratch = CourseFolder.scratch() / "feedback"
        with Graders(course, Graders.size_for(len(tasks), jobs), scratch) as graders:
            for result in graders.run(tasks):
                name, participant = result["assignment"], result["student"]
                if not result.get("feedback_key"):
                    print(f"WARNING: the feedback of {participant} for {name} could not be written: "
                          f"{result.get('feedback_problem') or result.get('failure', 'no reason given')}")
                    continue
                record = books[name].get(participant) or SubmissionRecord()
                record.feedback = result["feedback_key"]
                books[name].put(participant, record)
    pages = []
    for name in names:
        participants = _graded_participants(course, name)
        _upload_copies(course, name, participants)
        pages += [p for participant in participants
                  for p in sorted(course.step_path("feedback", name, participant).glob("*.html"))]
    return pages
