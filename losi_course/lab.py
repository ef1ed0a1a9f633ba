"""Start JupyterLab for participants (their own copy of the notebooks) or instructors.

Participants work in ``workspace/``: the released notebooks are copied there the first time
(and any new session is added later), with the session readings, the learner guide and the
sources of the data, so everything a self-paced learner needs opens in JupyterLab. Files
already there are never overwritten, so re-running ``make lab`` after a course update keeps
everything a participant wrote.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()); (root / "release" / "session1").mkdir(parents=True)
    >>> _ = (root / "release" / "session1" / "session1.ipynb").write_text("{}")
    >>> _ = (root / "nbgrader_config.py").write_text("")
    >>> prepare_workspace(CourseFolder.at(root))[1]
    [PosixPath('session1/session1.ipynb'), PosixPath('SOURCES.md')]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .course import CourseFolder
from .datafiles import verified_path

__all__ = ["prepare_workspace", "study_materials", "lab_command", "quiet_lab_settings", "start_lab"]

#: JupyterLab settings for a course: no question about "official Jupyter news", no update checks.
LAB_SETTINGS = {"@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}


def study_materials(course: CourseFolder) -> dict[str, Path]:
    """``{name in the workspace: file}`` of the readings, guides and sources for self-study.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> (root / "course" / "readings").mkdir(parents=True)
        >>> _ = (root / "course" / "readings" / "session1.md").write_text("# Session 1")
        >>> sorted(study_materials(CourseFolder.at(root)))
        ['SOURCES.md', 'readings/session1.md']
    """
    docs = course.root / "course"
    found = {f"readings/{p.name}": p for p in sorted((docs / "readings").glob("*.md"))}
    for name in ("learner-guide.md", "syllabus.md", "portal-precheck.md"):
        if (docs / name).is_file():
            found[name] = docs / name
    found["SOURCES.md"] = verified_path("SOURCES.md")
    return found


def prepare_workspace(course: CourseFolder) -> tuple[Path, list[Path]]:
    """Copy released notebooks into the workspace without overwriting; return what was added.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "nbgrader_config.py").write_text("")
        >>> prepare_workspace(CourseFolder.at(root))[1]   # nothing released: only the sources
        [PosixPath('SOURCES.md')]
    """
    release = course.folder("release")
    workspace = course.workspace
    wanted = {str(p.relative_to(release)): p for p in sorted(release.rglob("*")) if release.is_dir()
              and p.is_file() and ".ipynb_checkpoints" not in p.parts}
    wanted.update(study_materials(course))
    added = []
    for relative, source in wanted.items():
        target = workspace / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            added.append(Path(relative))
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
               "--ServerApp.ip=127.0.0.1", f"--port={port}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.name == "posix":
        command.append("--KernelManager.transport=ipc")  # kernels on this computer: no open TCP ports
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and workshop VMs often run as root
    return command


def quiet_lab_settings(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Write JupyterLab's setting overrides of this environment (no news or update prompts).

    Settings already in the file are kept; only the course's two are set.

    Example:
        >>> import tempfile
        >>> path = quiet_lab_settings(tempfile.mkdtemp())
        >>> json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]["fetchNews"]
        'false'
    """
    path = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    try:
        current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        current = {}
    for plugin, values in LAB_SETTINGS.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


def run_lab(course: CourseFolder, folder: Path, port: int, dry_run: bool) -> int:
    """Run JupyterLab on ``folder`` from the course root (nbgrader reads its config there)."""
    command = lab_command(folder, port)
    if dry_run:
        print(" ".join(command))
        return 0
    try:
        quiet_lab_settings()
    except OSError:
        pass  # a read-only environment: the news prompt may show, nothing else changes
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
