"""Start JupyterLab for participants (their own copy of the notebooks) or instructors.

Participants work in ``workspace/``: the released notebooks are copied there the first time
(and any new session is added later), and files already there are never overwritten, so
re-running ``make lab`` after a course update keeps everything a participant wrote.

Example:
    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp()); _ = (course / "nbgrader_config.py").write_text("")
    >>> (course / "release").mkdir(); (course / "sessions-in-progress").mkdir()
    >>> find_course_root(course / "sessions-in-progress") == course.resolve()
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import LosiInputError

__all__ = ["find_course_root", "prepare_workspace", "copy_solutions", "lab_command", "start_lab", "WORKSPACE"]

WORKSPACE = "workspace"


def find_course_root(start: Path | None = None) -> Path:
    """The course folder (the one with ``nbgrader_config.py``), from ``start`` upwards.

    Falls back to the folder this package was installed from (an editable install).

    Example:
        >>> import tempfile
        >>> course = Path(tempfile.mkdtemp()); _ = (course / "nbgrader_config.py").write_text("")
        >>> (course / "source").mkdir()
        >>> find_course_root(course / "source") == course.resolve()
        True
    """
    candidates = [Path(start or Path.cwd()).resolve()]
    candidates += list(candidates[0].parents)
    candidates.append(Path(__file__).resolve().parent.parent)
    for folder in candidates:
        if (folder / "nbgrader_config.py").is_file() and ((folder / "release").is_dir() or (folder / "source").is_dir()):
            return folder
    raise LosiInputError(
        "The course folder (with nbgrader_config.py and release/ or source/) was not found from "
        f"{candidates[0]}. Run this from the course repository, e.g. with 'make lab'."
    )


def prepare_workspace(root: Path) -> tuple[Path, list[Path]]:
    """Copy released notebooks into ``root/workspace`` without overwriting; return what was added.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); (root / "release" / "session1").mkdir(parents=True)
        >>> _ = (root / "release" / "session1" / "session1.ipynb").write_text("{}")
        >>> prepare_workspace(root)[1]
        [PosixPath('session1/session1.ipynb')]
        >>> prepare_workspace(root)[1]   # a second run copies nothing
        []
    """
    release = root / "release"
    workspace = root / WORKSPACE
    added = []
    for source in sorted(release.rglob("*")) if release.is_dir() else []:
        if source.is_dir() or ".ipynb_checkpoints" in source.parts:
            continue
        relative = source.relative_to(release)
        target = workspace / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            added.append(relative)
    workspace.mkdir(exist_ok=True)
    return workspace, added


def copy_solutions(root: Path, sessions: list[str] | None = None) -> list[Path]:
    """Copy worked solutions (the instructor notebooks) into ``workspace/solutions/``.

    For self-paced learners who have tried the exercises. Existing copies are kept.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); (root / "source" / "session1").mkdir(parents=True)
        >>> _ = (root / "source" / "session1" / "session1.ipynb").write_text("{}")
        >>> [p.name for p in copy_solutions(root)]
        ['session1-solution.ipynb']
    """
    available = sorted(p.name for p in (root / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    wanted = sessions or available
    unknown = [s for s in wanted if s not in available]
    if unknown:
        raise LosiInputError(f"There is no session called {', '.join(unknown)}; "
                             f"the sessions are: {', '.join(available)}.")
    target_dir = root / WORKSPACE / "solutions"
    written = []
    for session in wanted:
        for notebook in sorted((root / "source" / session).glob("*.ipynb")):
            target = target_dir / f"{notebook.stem}-solution.ipynb"
            if not target.exists():
                target_dir.mkdir(parents=True, exist_ok=True)
                shutil.copy2(notebook, target)
            written.append(target)
    return written


def lab_command(root: Path, folder: Path, port: int = 8888) -> list[str]:
    """The ``jupyter lab`` command line for a folder.

    Example:
        >>> cmd = lab_command(Path("/c"), Path("/c/workspace"), 8890)
        >>> cmd[1:3], "--port=8890" in cmd
        (['-m', 'jupyterlab'], True)
    """
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
               "--ServerApp.ip=127.0.0.1", f"--port={port}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and workshop VMs often run as root
    return command


def start_lab(port: int = 8888, instructor: bool = False, dry_run: bool = False) -> int:
    """Start JupyterLab: the workspace for participants, the course root for instructors.

    Example:
        >>> start_lab(dry_run=True)  # doctest: +SKIP
        /course/.venv/bin/python -m jupyterlab --ServerApp.root_dir=/course/workspace ...
        0
    """
    root = find_course_root()
    if instructor:
        folder = root
    else:
        folder, added = prepare_workspace(root)
        if added:
            print(f"Copied {len(added)} new file(s) into {folder.name}/ (your own copies; updates never overwrite them).")
    command = lab_command(root, folder, port)
    if dry_run:
        print(" ".join(command))
        return 0
    env = dict(os.environ)
    # nbgrader's validate button runs alembic from PATH: put this interpreter's bin first.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    print(f"Starting JupyterLab in {folder} - stop it with Ctrl+C.")
    try:
        return subprocess.call(command, cwd=root, env=env)
    except KeyboardInterrupt:
        return 0
