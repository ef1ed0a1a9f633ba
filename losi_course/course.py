"""The course folder: one object that knows where everything is.

The course folder is nbgrader's *course directory*: the folder holding ``nbgrader_config.py``,
with ``source/`` (instructor notebooks), ``release/`` (participant notebooks) and, while
grading, nbgrader's step folders (``submitted/``, ``autograded/``, ``feedback/``). It also holds
the participants' ``workspace/``.

:class:`CourseFolder` owns that knowledge for the whole library:

* finding the course root from any folder inside it (or from the installed package);
* the list of sessions (the assignments of ``source/``, or of ``release/`` in a participant
  pack that ships no source);
* every path, nbgrader's through :meth:`CourseFolder.step_path` (nbgrader's
  ``CourseDirectory.format_path``, so a changed ``directory_structure`` is followed);
* whether code runs under nbgrader (:meth:`CourseFolder.grading`), and a private scratch folder
  that is removed when the process ends (:meth:`CourseFolder.scratch`);
* the environment for subprocesses: the course Python's ``bin/`` first on ``PATH``, because
  nbgrader starts ``alembic`` from ``PATH``.

nbgrader is imported only when an nbgrader path or configuration is asked for, so a notebook
kernel that only asks :meth:`CourseFolder.grading` stays light.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "nbgrader_config.py").write_text("c = get_config()\\n")
    >>> for name in ["session2", "session10", "session1"]:
    ...     (root / "source" / name).mkdir(parents=True)
    ...     _ = (root / "source" / name / f"{name}.ipynb").write_text("{}")
    >>> course = CourseFolder.find(root / "source" / "session1")
    >>> course.root == root.resolve(), course.sessions
    (True, ['session1', 'session2', 'session10'])
    >>> course.relative(course.source_notebook("session2"))
    'source/session2/session2.ipynb'
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import LosiInputError

if TYPE_CHECKING:  # nbgrader and traitlets are heavy: imported when an nbgrader path is needed
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

__all__ = ["CourseFolder", "CONFIG_FILE", "WORKSPACE", "STEPS", "natural_key"]

CONFIG_FILE = "nbgrader_config.py"
WORKSPACE = "workspace"
#: nbgrader's step folders, in workflow order (the names nbgrader's configuration gives them).
STEPS = ("source", "release", "submitted", "autograded", "feedback", "solution")
_STEP_TRAITS = {step: f"{step}_directory" for step in STEPS}
_SCRATCH: list[Path] = []


def natural_key(name: str) -> list:
    """Sort key that puts ``session2`` before ``session10``.

    Example:
        >>> sorted(["session10", "session2"], key=natural_key)
        ['session2', 'session10']
    """
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _remove_scratch() -> None:
    while _SCRATCH:
        shutil.rmtree(_SCRATCH.pop(), ignore_errors=True)


@dataclass(frozen=True)
class CourseFolder:
    """The course folder at ``root`` (the folder holding ``nbgrader_config.py``).

    Build it with :meth:`find` (search upwards) or :meth:`at` (a given folder, checked).

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / CONFIG_FILE).write_text("")
        >>> CourseFolder.at(root).workspace == root.resolve() / "workspace"
        True
    """

    root: Path

    # -- finding it ------------------------------------------------------------------------
    @staticmethod
    def _is_course(folder: Path) -> bool:
        return (folder / CONFIG_FILE).is_file() and ((folder / "source").is_dir() or (folder / "release").is_dir())

    @classmethod
    def find(cls, start: str | os.PathLike | None = None) -> "CourseFolder":
        """The course folder containing ``start`` (default: the current folder).

        Falls back to the folder the package was installed from (an editable install), so
        ``losi-course lab`` works from anywhere on the machine that has the course.

        Example:
            >>> CourseFolder.find("/").root.joinpath(CONFIG_FILE).is_file()  # doctest: +SKIP
            True
        """
        first = Path(start or Path.cwd()).resolve()
        candidates = [first, *first.parents, Path(__file__).resolve().parent.parent]
        for folder in candidates:
            if cls._is_course(folder):
                return cls(folder)
        raise LosiInputError(
            f"The course folder (with {CONFIG_FILE} and release/ or source/) was not found from "
            f"{first}. Run this from the course folder, for example with 'make lab'.")

    @classmethod
    def at(cls, root: str | os.PathLike) -> "CourseFolder":
        """The course folder ``root``, refused kindly if it holds no ``nbgrader_config.py``.

        Example:
            >>> CourseFolder.at("/nonexistent-course")
            Traceback (most recent call last):
            ...
            losi_course.errors.LosiInputError: /nonexistent-course is not a course folder: it has no nbgrader_config.py. Run this from the course folder (or pass --root).
        """
        folder = Path(root).resolve()
        if not (folder / CONFIG_FILE).is_file():
            raise LosiInputError(f"{folder} is not a course folder: it has no {CONFIG_FILE}. "
                                 "Run this from the course folder (or pass --root).")
        return cls(folder)

    @classmethod
    def containing(cls, path: str | os.PathLike) -> "CourseFolder | None":
        """The course folder that ``path`` lies in, or None (no fallback to the package).

        Example:
            >>> CourseFolder.containing("/") is None
            True
        """
        first = Path(path).resolve()
        for folder in [first, *first.parents]:
            if cls._is_course(folder):
                return cls(folder)
        return None

    # -- what is in it -----------------------------------------------------------------------
    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def workspace(self) -> Path:
        """The participants' own copies of the notebooks (never overwritten by updates)."""
        return self.root / WORKSPACE

    def folder(self, step: str) -> Path:
        """The top folder of an nbgrader step (``source``, ``release``, ``submitted`` ...).

        Example:
            >>> CourseFolder(Path("/c")).folder("release")
            PosixPath('/c/release')
        """
        if step not in STEPS:
            raise ValueError(f"unknown nbgrader step {step!r}; the steps are {', '.join(STEPS)}")
        return self.root / step

    def _assignments_in(self, step: str) -> list[str]:
        top = self.folder(step)
        if not top.is_dir():
            return []
        found = [f.name for f in top.iterdir()
                 if f.is_dir() and not f.name.startswith(".") and any(f.glob("*.ipynb"))]
        return sorted(found, key=natural_key)

    @property
    def sessions(self) -> list[str]:
        """The course's assignments: folders of ``source/`` with a notebook (else of ``release/``).

        Example:
            >>> CourseFolder(Path("/nonexistent")).sessions
            []
        """
        return self._assignments_in("source") or self._assignments_in("release")

    @property
    def source_sessions(self) -> list[str]:
        """The assignments of ``source/`` (empty in a participant pack)."""
        return self._assignments_in("source")

    @property
    def released_sessions(self) -> list[str]:
        """The assignments of ``release/`` (what participants get)."""
        return self._assignments_in("release")

    def require_session(self, session: str) -> str:
        """``session`` if the course has it, else a kind error listing the sessions.

        Example:
            >>> CourseFolder(Path("/nonexistent")).require_session("session9")
            Traceback (most recent call last):
            ...
            losi_course.errors.LosiInputError: There is no session called session9; the course has none yet.
        """
        known = self.sessions
        if session not in known:
            listed = ", ".join(known) if known else None
            raise LosiInputError(f"There is no session called {session}; "
                                 + (f"the sessions are: {listed}." if listed else "the course has none yet."))
        return session

    def source_notebook(self, session: str) -> Path:
        return self.step_path("source", session) / f"{session}.ipynb"

    def release_notebook(self, session: str) -> Path:
        return self.step_path("release", session) / f"{session}.ipynb"

    def relative(self, path: str | os.PathLike) -> str:
        """``path`` relative to the course root (as text), for messages.

        Example:
            >>> CourseFolder(Path("/c")).relative("/c/release/session1")
            'release/session1'
        """
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def step_of(self, path: str | os.PathLike) -> str | None:
        """Which nbgrader step folder ``path`` lies in (``"source"``, ``"release"`` ...), if any.

        Example:
            >>> CourseFolder(Path("/c")).step_of("/c/release/session3"), CourseFolder(Path("/c")).step_of("/c/workspace")
            ('release', None)
        """
        try:
            parts = Path(path).resolve().relative_to(self.root.resolve()).parts
        except ValueError:
            return None
        return parts[0] if parts and parts[0] in STEPS else None

    # -- nbgrader ----------------------------------------------------------------------------
    def nbgrader_config(self, **overrides: Any) -> "Config":
        """The course's ``nbgrader_config.py`` as a traitlets ``Config`` rooted here.

        ``overrides`` are ``Section__trait=value`` pairs, e.g. ``Execute__timeout=10``.

        Example:
            >>> import tempfile
            >>> root = Path(tempfile.mkdtemp())
            >>> _ = (root / CONFIG_FILE).write_text("c = get_config()\\nc.Execute.timeout = 60\\n")
            >>> config = CourseFolder.at(root).nbgrader_config(Execute__timeout=10)
            >>> config.Execute.timeout, config.CourseDirectory.root == str(root.resolve())
            (10, True)
        """
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root)
        extra = Config()
        for key, value in overrides.items():
            section, trait = key.split("__", 1)
            extra[section][trait] = value
        config.merge(extra)
        return config

    @cached_property
    def coursedir(self) -> "CourseDirectory":
        """nbgrader's ``CourseDirectory`` for this course (its configuration read from the file)."""
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.nbgrader_config())

    def step_path(self, step: str, assignment: str = "", student: str = ".") -> Path:
        """An nbgrader path (``format_path``): ``<step>/<student>/<assignment>`` by default.

        Example:
            >>> import tempfile
            >>> root = Path(tempfile.mkdtemp()); _ = (root / CONFIG_FILE).write_text("")
            >>> CourseFolder.at(root).step_path("submitted", "session1", "amina").relative_to(root.resolve())
            PosixPath('submitted/amina/session1')
        """
        if step not in STEPS:
            raise ValueError(f"unknown nbgrader step {step!r}; the steps are {', '.join(STEPS)}")
        if step in ("source", "release", "solution"):
            student = "."  # nbgrader's convention for the folders that are not per student
        folder = getattr(self.coursedir, _STEP_TRAITS[step])
        return Path(os.path.normpath(self.coursedir.format_path(folder, student, assignment)))

    # -- the process ------------------------------------------------------------------------
    @staticmethod
    def grading() -> str:
        """nbgrader's step while it runs this code (``"autograde"``, ``"validate"``), else ``""``.

        Example:
            >>> import os
            >>> CourseFolder.grading() == os.environ.get("NBGRADER_EXECUTION", "")
            True
        """
        return os.environ.get("NBGRADER_EXECUTION", "")

    @staticmethod
    def scratch() -> Path:
        """A private temporary folder for this process, removed when the process ends.

        Example:
            >>> CourseFolder.scratch() == CourseFolder.scratch() and CourseFolder.scratch().is_dir()
            True
        """
        if not _SCRATCH or not _SCRATCH[0].is_dir():
            if not _SCRATCH:
                atexit.register(_remove_scratch)
            _SCRATCH[:] = [Path(tempfile.mkdtemp(prefix="losi-course-"))]
        return _SCRATCH[0]

    @classmethod
    def work_folder(cls) -> Path:
        """Where a notebook keeps its work files (sheets): normally its own folder, ``.``.

        While nbgrader runs the notebook, or when it runs inside the course's own ``source/`` or
        ``release/`` (tests, an instructor trying the solution), it is :meth:`scratch` instead,
        so grading and testing never leave files in the course.

        Example:
            >>> CourseFolder.work_folder().is_dir()
            True
        """
        if cls.grading():
            return cls.scratch()
        course = cls.containing(Path.cwd())
        if course is not None and course.step_of(Path.cwd()) in ("source", "release"):
            return cls.scratch()
        return Path(".")

    @staticmethod
    def tools_bin() -> str:
        """The ``bin/`` folder of the course's Python (where ``nbgrader`` and ``alembic`` are)."""
        return str(Path(sys.executable).parent)

    @classmethod
    def subprocess_env(cls, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment whose ``PATH`` starts with :meth:`tools_bin` (nbgrader needs ``alembic``).

        Example:
            >>> CourseFolder.subprocess_env({"PATH": "/usr/bin"})["PATH"].endswith("/usr/bin")
            True
        """
        env = dict(os.environ if base is None else base)
        parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != cls.tools_bin()]
        env["PATH"] = os.pathsep.join([cls.tools_bin(), *parts])
        return env

    @classmethod
    def use_tools_on_path(cls) -> None:
        """Put :meth:`tools_bin` first on this process's ``PATH`` (for in-process nbgrader)."""
        os.environ["PATH"] = cls.subprocess_env()["PATH"]
