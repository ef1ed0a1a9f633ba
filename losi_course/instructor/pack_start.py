"""``start.py`` of the participants' pack: the one command that installs and starts the course.

``losi-course instructor pack`` copies this file into the pack as ``start.py``. A participant
unzips the pack and types ``python3 start.py`` (``py start.py`` on Windows) in its folder: the
first time it makes a private Python environment in ``.venv/`` and installs the course into it
(a few minutes, from the internet), every later time it starts at once; then it opens
JupyterLab on the participant's own copy of the notebooks (``workspace/``). It uses nothing but
Python's standard library, because it runs before anything is installed.

Example:
    >>> venv_python(Path("/course/.venv")).parts[-2:] in {("bin", "python"), ("Scripts", "python.exe")}
    True
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENVIRONMENT = HERE / ".venv"
_STAMP = ".installed-stamp"


def venv_python(folder: Path) -> Path:
    """The Python program of a virtual environment folder."""
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def install_fingerprint(folder: Path = HERE) -> str:
    """What the installation depends on (the package description and the pinned versions)."""
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        path = folder / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def commands(folder: Path = HERE, environment: Path = ENVIRONMENT, port: int = 8888) -> list[list[str]]:
    """The commands still to run: install (when needed), then start the course."""
    python = str(venv_python(environment))
    stamp = environment / _STAMP
    todo = []
    if not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != install_fingerprint(folder):
        todo.append([python, "-m", "pip", "install", "--disable-pip-version-check", "-c",
                     str(folder / "constraints.txt"), "-e", str(folder)])
    todo.append([python, "-m", "losi_course", "lab", "--port", str(port)])
    return todo


def main(argv: list[str] | None = None) -> int:
    """Install the course the first time, then start it."""
    parser = argparse.ArgumentParser(prog="start.py", description="Install (the first time) and start the LOSI course.")
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab's port (default 8888)")
    parser.add_argument("--dry-run", action="store_true", help="print what would run, run nothing")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):
        print("The course needs Python 3.11 or newer; install it from python.org and run this again.")
        return 2
    todo = commands(port=args.port)
    if args.dry_run:
        for command in todo:
            print(" ".join(command))
        return 0
    if not venv_python(ENVIRONMENT).is_file():
        print("Making the course's Python environment in .venv/ (once) ...")
        venv.EnvBuilder(with_pip=True).create(ENVIRONMENT)
        todo = commands(port=args.port)
    for command in todo[:-1]:
        print("Installing the course (the first time takes a few minutes) ...")
        if subprocess.call(command, cwd=HERE) != 0:
            print("The installation failed (see the messages above). Check the internet connection and run "
                  "this again.")
            return 1
        (ENVIRONMENT / _STAMP).write_text(install_fingerprint() + "\n", encoding="utf-8")
    try:
        return subprocess.call(todo[-1], cwd=HERE)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
