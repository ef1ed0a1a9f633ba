"""The losi-course command line (the contract other tools use).

Most tests run it in this process (``conftest.run_cli_in_process``); two smoke tests run it as
a real subprocess, as a shell would.
"""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli_in_process

from losi_course.assessment import Assessment
from losi_course.framework import load_instrument
from losi_course.sheets import write_sheet

IDS = load_instrument().ids


def run_subprocess(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "losi_course", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


run = run_cli_in_process


def test_smoke_indicators_csv_lists_the_2024_instrument():
    result = run_subprocess("indicators", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 95
    assert {"id", "criterion", "label"} <= set(rows[0])
    assert [r["id"] for r in rows] == list(IDS)


def test_indicators_2022_says_what_is_not_published():
    result = run("indicators", "--edition", "2022")
    assert result.returncode == 0
    assert "PE17" in result.stdout and "Not published" in result.stdout and "86 indicators" in result.stdout


def test_template_then_score_as_json(tmp_path):
    sheet = tmp_path / "velmora.csv"
    assert run("template", "-o", sheet, "--city", "Velmora").returncode == 0
    text = sheet.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    header_at = next(k for k, line in enumerate(lines) if line.startswith("id,"))
    for k in range(header_at + 1, len(lines)):
        parts = next(csv.reader([lines[k]]))
        parts[3] = "yes" if k - header_at <= 79 else "no"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(parts)
        lines[k] = buffer.getvalue()
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("score", sheet, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"losi", "level", "indicators_met", "indicators_total", "criteria"}
    assert document["indicators_met"] == 79 and document["indicators_total"] == 95
    assert document["losi"] == round(79 / 95, 4) and document["level"] == "Very high"
    criteria = {r["criterion"] for r in csv.DictReader(io.StringIO(run("indicators", "--csv").stdout))}
    assert set(document["criteria"]) == criteria


def test_score_text_output_labels_the_level_assumption(tmp_path):
    sheet = write_sheet(Assessment.from_values({i: 1 for i in IDS[:40]} | {i: 0 for i in IDS[40:]},
                                               city="Velmora"), tmp_path / "s.xlsx")
    result = run("score", sheet)
    assert result.returncode == 0
    assert "LOSI 0.4211 (Middle)" in result.stdout and "assumption" in result.stdout


def test_partial_scores_need_the_partial_flag(tmp_path):
    sheet = write_sheet(Assessment.from_values({i: 1 for i in IDS[:10]}), tmp_path / "s.json")
    refused = run("score", sheet, "--json")
    assert refused.returncode == 2 and "--partial" in refused.stderr and refused.stdout == ""
    accepted = run("score", sheet, "--json", "--partial")
    assert json.loads(accepted.stdout)["indicators_met"] == 10


@pytest.mark.parametrize("args, message", [
    (["score", "{tmp}/absent.csv"], "does not exist"),
    (["score", "{tmp}/bad.csv"], "row 2: the value 'maybe'"),
    (["template", "--edition", "2022", "-o", "{tmp}/t.csv"], "only 17 of its 86"),
    (["template", "-o", "{tmp}/t.ods"], "not supported"),
    (["data", "show", "nonsense"], "no dataset called 'nonsense'"),
    (["indicators", "--criterion", "budget"], "not a criterion"),
])
def test_bad_input_exits_2_with_a_one_paragraph_message(tmp_path, args, message):
    (tmp_path / "bad.csv").write_text("id,value\n281,maybe\n")
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert "\n\n" not in result.stderr.strip()


def test_argparse_errors_also_exit_2():
    result = run("score")
    assert result.returncode == 2 and "--help" in result.stderr


def test_data_commands_show_provenance():
    listing = run("data", "list")
    assert listing.returncode == 0 and "egdi_2022" in listing.stdout
    shown = run("data", "show", "pilots", "--csv")
    assert shown.stdout.startswith("country,") and "Jordan" in shown.stdout
    sources = run("data", "sources")
    assert "Figure 3.10" in sources.stdout and "fliphtml5" in sources.stdout
    egdi = run("data", "show", "egdi_2022")
    assert "Denmark" in egdi.stdout and "Source: UN DESA E-Government Survey 2022" in egdi.stdout
    verify = run("data", "verify")
    assert verify.returncode == 0 and "CHANGED" not in verify.stdout


def test_lab_dry_run_prepares_the_workspace_without_overwriting(tmp_path):
    course = tmp_path / "course"
    (course / "release" / "session1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    (course / "release" / "session1" / "session1.ipynb").write_text("{}")
    first = run("lab", "--dry-run", cwd=course)
    assert first.returncode == 0, first.stderr
    assert "jupyterlab" in first.stdout and "workspace" in first.stdout
    mine = course / "workspace" / "session1" / "session1.ipynb"
    mine.write_text('{"my": "work"}')
    run("lab", "--dry-run", cwd=course)
    assert mine.read_text() == '{"my": "work"}'


def test_the_workspace_holds_the_self_study_material_and_never_overwrites_it(tmp_path):
    course = tmp_path / "course"
    (course / "release" / "session1").mkdir(parents=True)
    (course / "course" / "readings").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    (course / "release" / "session1" / "session1.ipynb").write_text("{}")
    (course / "course" / "readings" / "session1.md").write_text("# Reading 1")
    (course / "course" / "learner-guide.md").write_text("# Guide")
    result = run("lab", "--dry-run", cwd=course)
    workspace = course / "workspace"
    assert (workspace / "readings" / "session1.md").read_text() == "# Reading 1"
    assert (workspace / "learner-guide.md").is_file() and "EGDI" in (workspace / "SOURCES.md").read_text()
    assert "--KernelManager.transport=ipc" in result.stdout and "--LabApp.news_url=None" in result.stdout
    (workspace / "learner-guide.md").write_text("my notes")
    run("lab", "--dry-run", cwd=course)
    assert (workspace / "learner-guide.md").read_text() == "my notes"


@pytest.mark.slow
def test_solutions_are_written_for_self_paced_learners_without_overwriting(tmp_path):
    import nbgrader_support as support

    course = support.build_course(tmp_path / "course", [support.FIXTURE])
    result = run("solutions", cwd=course)
    assert result.returncode == 0, result.stderr
    copy = course / "workspace" / "solutions" / f"{support.FIXTURE}-solution.ipynb"
    executed = support.read(copy)
    assert any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
    assert not (course / "gradebook.db").exists() and not (course / "release").exists()
    copy.write_text("my notes")
    run("solutions", support.FIXTURE, cwd=course)
    assert copy.read_text() == "my notes"
    unknown = run("solutions", "session9", cwd=course)
    assert unknown.returncode == 2 and "no session called session9" in unknown.stderr


def test_links_in_the_study_materials_lead_to_files_copied_beside_them():
    """A self-paced learner opens the guide in the workspace: its relative links must work there."""
    import re

    from losi_course.course import CourseFolder
    from losi_course.lab import study_materials

    materials = study_materials(CourseFolder.at(Path(__file__).resolve().parent.parent))
    assert "portal-precheck.md" in materials
    broken = []
    for name, source in materials.items():
        if not name.endswith(".md"):
            continue
        for target in re.findall(r"\]\(([^)#\s]+)", source.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            copied = str(Path(Path(name).parent / target))
            folder = target.endswith("/") and any(n.startswith(copied + "/") for n in materials)
            if not folder and copied not in {str(Path(n)) for n in materials}:
                broken.append(f"{name} -> {target}")
    assert broken == []
