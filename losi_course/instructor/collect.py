"""Step ``collect``: put downloaded submissions into ``submitted/<participant>/<session>/``.

Example (the default file-name pattern):
    >>> match = re.match(ZIP_NAME_PATTERN, "/course/downloaded/session1/extracted/x/amina.k_session1.ipynb")
    >>> match["student_id"], match["file_id"]
    ('amina.k', 'session1.ipynb')
    >>> re.match(ZIP_NAME_PATTERN, "/course/extracted/Copy of session1.ipynb") is None
    True
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from ..course import CourseFolder
from .nbgrader_tools import InstructorError

__all__ = ["ZIP_NAME_PATTERN", "collect"]

#: The file-name pattern of downloaded submissions (inside zip files or loose):
#: ``<participant id>_<notebook>.ipynb``, e.g. ``amina.k_session1.ipynb``. The id is everything
#: before the first underscore (letters, digits, ``.``, ``@``, ``-``); the rest is the notebook's
#: released name. nbgrader applies it to the extracted file's full path.
ZIP_NAME_PATTERN = (r"^.*[/\\](?P<student_id>[A-Za-z0-9][A-Za-z0-9.@-]*)_"
                    r"(?P<file_id>[A-Za-z0-9][^/\\]*\.ipynb)$")

_SKIPPED_DOWNLOADS = ("__MACOSX", ".ipynb_checkpoints")


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
                raise InstructorError(f"{path.name} is not a readable zip file; download it again.") from None
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


def collect(*, course: CourseFolder, assignment: str, downloads: str | Path,
            pattern: str = ZIP_NAME_PATTERN) -> dict[str, list[str]]:
    """Collect a learning platform's downloads with ``nbgrader zip_collect``.

    ``downloads`` holds zip files and/or notebooks named ``<participant id>_<notebook>.ipynb``
    (see :data:`ZIP_NAME_PATTERN`, or pass another ``pattern`` with the groups ``student_id``
    and ``file_id``). They are copied to ``downloaded/<assignment>/archive/`` (nbgrader's
    layout, git-ignored) and collected; a collected participant's earlier ``submitted/`` folder
    for this assignment is replaced. Names that do not match, or notebooks that were not
    released, are reported and skipped; two files for the same participant and notebook stop
    the collection. Returns ``{participant id: [notebook file names]}``.
    """
    course.require_session(assignment)
    downloads = Path(downloads).resolve()
    released = sorted(p.name for p in course.step_path("release", assignment).glob("*.ipynb"))
    if not released:
        raise InstructorError(f"release/{assignment} has no notebook: run `losi-course instructor release` "
                              "first, so the collected notebooks can be matched with the released ones.")
    if not downloads.is_dir():
        raise InstructorError(f"The downloads folder {downloads} does not exist.")
    regexp = re.compile(pattern)
    plan: dict[str, list[str]] = {}
    origin: dict[tuple[str, str], str] = {}
    skipped = []
    extracted = course.root / "downloaded" / assignment / "extracted"
    for where, path in _downloaded_notebooks(downloads, extracted):
        match = regexp.match(str(path))
        if not match:
            skipped.append(f"{where} (the name is not <participant id>_<notebook>.ipynb)")
            continue
        student, notebook = match["student_id"], Path(match["file_id"]).stem + ".ipynb"
        if notebook not in released:
            skipped.append(f"{where} ({notebook} is not a released notebook of {assignment}: "
                           f"{', '.join(released)})")
            continue
        if (student, notebook) in origin:
            raise InstructorError(f"Two downloads hold {notebook} of participant {student!r}: "
                                  f"{origin[student, notebook]} and {where}. Keep only the newest one.")
        origin[student, notebook] = where
        plan.setdefault(student, []).append(notebook)
    for line in skipped:
        print(f"SKIPPED {line}")
    if not plan:
        raise InstructorError(f"No submission in {downloads} could be collected. Name the files "
                              f"<participant id>_<notebook>.ipynb (e.g. amina_{released[0]}), loose or in "
                              "zip files.")
    archive = course.root / "downloaded" / assignment / "archive"
    if archive.resolve() != downloads:
        if archive.exists():
            shutil.rmtree(archive)
        shutil.copytree(downloads, archive)
    command = [sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force",
               f"--CourseDirectory.root={course.root}", "--ZipCollectApp.strict=True",
               f"--FileNameCollectorPlugin.named_regexp={pattern}"]
    run = subprocess.run(command, cwd=course.root, capture_output=True, text=True,
                         env=CourseFolder.subprocess_env())
    if run.returncode != 0:
        tail = " ".join(run.stderr.strip().splitlines()[-3:])
        raise InstructorError(f"nbgrader zip_collect failed for {assignment}: {tail}")
    missing = [f"{s}/{n}" for s, names in plan.items() for n in names
               if not (course.step_path("submitted", assignment, s) / n).is_file()]
    if missing:
        raise InstructorError(f"nbgrader zip_collect did not produce {', '.join(missing)}; "
                              f"see downloaded/{assignment}/extracted/.")
    for student in sorted(plan):
        folder = course.relative(course.step_path("submitted", assignment, student))
        print(f"collected {folder}/: {', '.join(sorted(plan[student]))}")
    return {student: sorted(names) for student, names in plan.items()}
