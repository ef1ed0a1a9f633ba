"""Start JupyterLab for participants (their own copy of the notebooks) or instructors.

Participants work in ``workspace/``: the released notebooks are copied there the first time
(and any new session is added later), and files already there are never overwritten, so
re-running ``make lab`` after a course update keeps everything a participant wrote.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "release" / "session1").mkdir(parents=True)
    >>> _ = (root / "release" / "session1" / "session1.ipynb").write_text("{}")
    >>> _ = (root / "nbgrader_config.py").write_text("")
    >>> prepare_workspace(CourseFolder.at(root))[1]
    [PosixPath('session1/session1.ipynb')]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .course import CourseFolder

__all__ = ["prepare_workspace", "lab_command", "start_lab"]


def prepare_workspace(course: CourseFolder) -> tuple[Path, list[Path]]:
    """Copy released notebooks into the workspace without overwriting; return what was added.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> prepare_workspace(CourseFolder.at(root))[1]   # nothing released: nothing copied
        []
    """
    release = course.folder("release")
    workspace = course.workspace
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


def lab_command(folder: Path, port: int = 8888) -> list[str]:
    """The ``jupyter lab`` command line for a folder.

    Example:
        >>> cmd = lab_command(Path("/c/workspace"), 8890)
        >>> cmd[1:3], "--port=8890" in cmd
        (['-m', 'jupyterlab'], True)
    """
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
               "--ServerApp.ip=127.0.0.1", f"--port={port}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and workshop VMs often run as root
    return command


def run_lab(course: CourseFolder, folder: Path, port: int, dry_run: bool) -> int:
    """Run JupyterLab on ``folder`` from the course root (nbgrader reads its config there)."""
    command = lab_command(folder, port)
    if dry_run:
        print(" ".join(command))
        return 0
    print(f"Starting JupyterLab in {folder} - stop it with Ctrl+C.")
    try:
        return subprocess.call(command, cwd=course.root, env=CourseFolder.subprocess_env())
    except KeyboardInterrupt:
        return 0


def start_lab(*, port: int = 8888, dry_run: bool = False, course: CourseFolder | None = None) -> int:
    """Start JupyterLab on the participant's workspace (what ``make lab`` runs).

    Example:
        >>> start_lab(dry_run=True)  # doctest: +SKIP
        /course/.venv/bin/python -m jupyterlab --ServerApp.root_dir=/course/workspace ...
        0
    """
    course = course or CourseFolder.find()
    folder, added = prepare_workspace(course)
    if added:
        print(f"Copied {len(added)} new file(s) into {folder.name}/ (your own copies; updates never overwrite them).")
    return run_lab(course, folder, port, dry_run)
