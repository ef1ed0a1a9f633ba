"""The instructor guide's commands run as written, in a scratch course, in the guide's order.

Every ``losi-course`` command of ``course/instructor-guide.md`` (code blocks and inline code)
must be a valid command line, every ``make`` target must exist, and the quick reference, with
the guide's own ``roster.csv`` and ``marks.csv``, must run from start to end on a class of three
(one of whom cheats, so that ``accept`` has something to accept). ``lab`` starts a server, so
it runs with ``--dry-run``.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import nbgrader_support as support
from losi_course.cli import build_parser
from losi_course.course import CourseFolder

GUIDE = support.REPO / "course" / "instructor-guide.md"
SESSION = "session1"


def _blocks() -> list[tuple[str, str, str]]:
    """``(language, text, line before)`` of every fenced block of the guide."""
    found = []
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^```(\w*)\s*$", lines[index])
        if opening:
            end = lines.index("```", index + 1)
            before = next((line for line in reversed(lines[:index]) if line.strip()), "")
            found.append((opening[1], "\n".join(lines[index + 1:end]), before))
            index = end
        index += 1
    return found


def _commands() -> list[str]:
    in_blocks = [line.strip() for language, text, _ in _blocks() if language != "csv"
                 for line in text.splitlines() if line.strip()]
    inline = [c for c in re.findall(r"`((?:losi-course|make) [^`]+)`", GUIDE.read_text(encoding="utf-8"))
              if not c.endswith("...")]   # "every `losi-course instructor ...` command" is prose
    return in_blocks + inline


def test_every_command_of_the_guide_is_a_valid_command_line():
    commands = _commands()
    assert any(c.startswith("losi-course instructor pack") for c in commands)
    makefile = (support.REPO / "Makefile").read_text(encoding="utf-8")
    for command in commands:
        words = shlex.split(command)
        if words[0] == "make":
            assert re.search(rf"^{re.escape(words[1])}:", makefile, re.M), f"no make target: {command}"
            for word in words[2:]:
                if word.startswith("ARGS="):
                    build_parser().parse_args(["instructor", words[1], *shlex.split(word[5:])])
        elif words[0] == "losi-course":
            try:
                build_parser().parse_args(words[1:])
            except SystemExit as exit_:
                assert exit_.code == 0, f"not a valid command line: {command}"
        else:
            assert command.startswith(("source .venv/bin/activate", ".venv/bin/losi-course", "python3 start.py")), command


def _csv_files() -> dict[str, str]:
    files = {}
    for language, text, before in _blocks():
        if language == "csv":
            name = re.findall(r"`([\w.-]+\.csv)`", before) or re.findall(r"`([\w.-]+\.csv)`", _paragraph(before))
            files[name[-1]] = text + "\n"
    return files


def _paragraph(line: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(line)
    return text[max(0, text.rfind("\n\n", 0, start)):start + len(line)]


def _downloads(root: Path) -> None:
    import nbformat

    source = support.read(root / "source" / SESSION / f"{SESSION}.ipynb")
    release = support.read(root / "release" / SESSION / f"{SESSION}.ipynb")
    stems = [q.stem for q in support.autograded_questions(source)]
    honest = support.answered(release, source, set(stems), written=True)
    cheat = support.with_cells(release, world_mean_answer=(
        "import losi_course.grading.session1 as g\nsetattr(g, 'check_world_mean', lambda *a: None)\nworld_mean = 0"))
    for who, nb in {"p01": honest, "p02": support.answered(release, source, set(stems[:3]), written=True),
                    "p03": cheat}.items():
        path = root / "downloads" / SESSION / f"{who}_{SESSION}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(zipfile.ZipInfo(f"{SESSION}.ipynb", date_time=(2026, 12, 1, 16, 0, 0)), nbformat.writes(nb))


@pytest.mark.slow
def test_the_quick_reference_runs_as_written(tmp_path):
    root = support.scratch_course(tmp_path / "course", [SESSION])
    shutil.copytree(support.REPO / "course", root / "course")     # the readings, for the pack
    for name, text in _csv_files().items():
        (root / name).write_text(text, encoding="utf-8")
    assert {"roster.csv", "marks.csv"} <= set(_csv_files())
    _downloads(root)
    quick = next(text for language, text, before in _blocks() if "Quick reference" in before)
    bin_folder = Path(sys.executable).parent
    outputs = {}
    for command in [line.strip() for line in quick.splitlines() if line.strip()]:
        if command.startswith("source "):
            continue
        words = shlex.split(command)
        if words[1:3] == ["instructor", "lab"]:
            words.append("--dry-run")          # it would start a server and wait
        run = subprocess.run([str(bin_folder / words[0]), *words[1:]], cwd=root, env=CourseFolder.subprocess_env(),
                             capture_output=True, text=True, timeout=900)
        outputs[command] = run.stdout
        assert run.returncode == 0, f"{command}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        assert "Traceback" not in run.stderr, f"{command}\n{run.stderr[-3000:]}"
    assert (root / "dist" / "losi-course-participants.zip").is_file()
    first_grade = outputs["losi-course instructor grade"]
    assert "FLAGGED" in first_grade and "p03" in first_grade
    rows = support.grade_rows(root / "grades.csv")
    assert rows["p01", SESSION]["status"] == "final"              # marked from the guide's marks.csv
    assert rows["p03", SESSION]["status"] != "flagged"             # accepted, as the guide shows
    assert (root / "grades.xlsx").is_file()
    assert "jupyterlab" in outputs["losi-course instructor lab"]
