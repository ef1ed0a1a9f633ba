"""Step ``pack``: the participants' edition of the course, one zip file without any answers.

A clone of the course's repository is the *self-paced edition*: it holds the instructor
notebooks (``source/``: solutions, hidden tests, marking guides), the answer key of the fictional
Velmora portal and ``losi-course solutions``. For a graded workshop,
``losi-course instructor pack`` writes ``dist/losi-course-participants.zip`` instead, which
holds only:

* the released notebooks (``release/``) and the configuration that lets their *Validate* button work;
* the readings (``course/readings/``), the learner guide, the pre-check guide and the syllabus;
* the library, without the answer key; the prepared sheets ship ready-made
  (:mod:`losi_course.velmora.prepared`) and the data manifest lists exactly what is shipped. The
  checkers (``losi_course/grading/``) ship too, because the notebooks' visible checks run them:
  they compute what they expect from the shipped data and hold no answers of their own; the
  findings checkers need the answer key for their hidden part, which only grading runs;
* ``start.py`` (see :mod:`~losi_course.instructor.pack_start`) and a ``README.md`` that says how
  to start: unzip, then ``python3 start.py`` (or ``make lab``).

Before writing, the pack is checked: no file may hold a line of a solution, a hidden test or a
marking guide of ``source/``, nor an nbgrader solution or hidden-test marker in a notebook.
Grading stays on the instructor's side, which has everything.

Example:
    >>> excluded("losi_course/data/velmora/answer_key.csv"), excluded("losi_course/grading/session3.py")
    (True, False)
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import zipfile
from pathlib import Path

from ..authoring import FORBIDDEN_MARKERS, read_notebook, secret_lines
from ..course import CONFIG_FILE, CourseFolder
from ..datafiles import MANIFEST
from ..filesafety import atomic_write
from .nbgrader_tools import InstructorError

__all__ = ["PACK_NAME", "excluded", "pack_files", "write_pack"]

PACK_NAME = "losi-course-participants.zip"
TOP = "losi-course"
_LIBRARY_EXCLUDED = ("losi_course/data/velmora/answer_key.csv",
                     "*/__pycache__/*", "*.pyc", "*/.ipynb_checkpoints/*", "*.egg-info/*")
_COURSE_FILES = ("course/learner-guide.md", "course/syllabus.md", "course/portal-precheck.md")
_ROOT_FILES = (CONFIG_FILE, "pyproject.toml", "constraints.txt")
_MANIFESTED = (".csv", ".md", ".json")

README = """# LOSI course: participants' edition

A Jupyter course on assessing city web portals with the UN DESA Local Online Service Index
(LOSI). This copy is for a workshop: it holds the session notebooks, the readings and the course
library. Your instructor grades your notebooks; the worked solutions come after the workshop.

## Start

You need Python 3.11 or newer (python.org). In this folder, type:

```
python3 start.py
```

(on Windows: `py start.py`; with `make` installed, `make lab` does the same). The first time it
installs the course in a private folder, `.venv/` (a few minutes, with an internet connection);
later it starts at once. JupyterLab opens on `workspace/`, your own copy of the notebooks, one
folder per session. Your work stays there: starting again, even after a course update, never
overwrites it.

## Working through a session

- Replace each `...` (or the `raise NotImplementedError()` line) with your answer and run the cell.
- The cell after each answer checks it at once and says what to look at if it is not right yet.
- Written questions have no automatic check: your instructor reads them.
- Keep the notebook's file name and do not copy, split or delete the grey (locked) cells.
- Hand in your notebook from `workspace/<session>/` the way your instructor asks, named
  `<your participant id>_<session>.ipynb` (for example `amina.k_session1.ipynb`).

The learner guide is `course/learner-guide.md`; the readings for each session are in
`course/readings/`.
"""

MAKEFILE = """# `make lab` starts the course (the same as `python3 start.py`).
lab:
\tpython3 start.py
"""


def excluded(relative: str) -> bool:
    """Whether a library file stays out of the pack (answer key, hidden-test checkers, caches)."""
    return any(fnmatch.fnmatch(relative, pattern) for pattern in _LIBRARY_EXCLUDED)


def _tree(root: Path, folder: str) -> dict[str, bytes]:
    top = root / folder
    files = {}
    for path in sorted(top.rglob("*")) if top.is_dir() else []:
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not excluded(relative):
            files[relative] = path.read_bytes()
    return files


def _manifest(files: dict[str, bytes]) -> bytes:
    prefix = "losi_course/data/"
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name[len(prefix):]}" for name, data in sorted(files.items())
             if name.startswith(prefix) and Path(name).suffix in _MANIFESTED]
    return ("\n".join(lines) + "\n").encode("utf-8")


def pack_files(course: CourseFolder) -> dict[str, bytes]:
    """``{path in the pack: content}`` of everything the participants' pack holds."""
    library = Path(__file__).resolve().parent.parent
    files: dict[str, bytes] = {}
    for name in _ROOT_FILES:
        # the package's description comes with the library it describes; the configuration with the course
        places = [course.root / name] if name == CONFIG_FILE else [library.parent / name, course.root / name]
        path = next((p for p in places if p.is_file()), None)
        if path is None:
            raise InstructorError(f"{name} is missing from the course folder; the pack needs it.")
        files[name] = path.read_bytes()
    files.update(_tree(course.root, "release"))
    if not any(name.endswith(".ipynb") for name in files):
        raise InstructorError("release/ has no notebook: run `losi-course instructor release` first.")
    for name in _COURSE_FILES:
        if (course.root / name).is_file():
            files[name] = (course.root / name).read_bytes()
    files.update(_tree(course.root, "course/readings"))
    if not any(name.startswith("course/") for name in files):
        print("Note: the course folder has no course/ folder: the pack holds no readings or learner guide.")
    files.update(_tree(library.parent, library.name))
    files[f"losi_course/data/{MANIFEST}"] = _manifest(files)
    files["README.md"] = README.encode("utf-8")
    files["Makefile"] = MAKEFILE.encode("utf-8")
    files["start.py"] = (Path(__file__).with_name("pack_start.py")).read_bytes()
    return files


def leaks(course: CourseFolder, files: dict[str, bytes]) -> list[str]:
    """What of the instructor's version a set of pack files gives away (empty: nothing).

    Example:
        >>> leaks(CourseFolder.find(), {"x.txt": b"nothing secret"})  # doctest: +SKIP
        []
    """
    secrets: dict[str, str] = {}
    for name in course.source_sessions:
        for path in sorted(course.step_path("source", name).glob("*.ipynb")):
            for kind, lines in secret_lines(read_notebook(path)).items():
                secrets.update({line: f"{kind} line of {path.name}" for line in lines})
    found = []
    for name, data in sorted(files.items()):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if name.endswith(".ipynb"):
            found += [f"{name}: {marker}" for marker in FORBIDDEN_MARKERS if marker in text]
            import nbformat

            text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
        if name.startswith("losi_course/data/velmora/answer_key"):
            found.append(f"{name}: the answer key")
        for line in {line.strip() for line in text.splitlines()} & set(secrets):
            found.append(f"{name}: {secrets[line]}: {line}")
    return found


def write_pack(*, course: CourseFolder, output: str | os.PathLike | None = None) -> Path:
    """Write the participants' pack; return the zip file (default ``dist/losi-course-participants.zip``)."""
    files = pack_files(course)
    found = leaks(course, files)
    if found:
        raise InstructorError("The pack would give answers away, so it was not written: " + "; ".join(found[:5])
                              + ". Run `losi-course instructor release` and check the named files.")
    target = Path(output).resolve() if output else course.root / "dist" / PACK_NAME
    packed = io.BytesIO()  # a few megabytes: built in memory, then saved in one step
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name == "start.py" else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    atomic_write(target, packed.getvalue())
    notebooks = sum(name.endswith(".ipynb") for name in files)
    print(f"Participants' pack: {course.relative(target)} ({len(files)} files, {notebooks} notebook(s), "
          "no solutions, hidden tests, marking guides or answer key).")
    print("Participants unzip it and start it with `python3 start.py` in its folder.")
    return target
