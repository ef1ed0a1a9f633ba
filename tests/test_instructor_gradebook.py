"""A gradebook that keeps marks and says what is final: one class through a whole grading cycle.

Real nbgrader runs on a scratch course with the fixture assignment, driven as an instructor
would: collect zip downloads, import the roster, set a due date, grade, import written marks,
collect again, fix a hidden test, take resubmissions, re-run the autograder, export. The tests
run in order and share the course: each checks one promise of the instructor guide.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

import nbgrader_support as support
from losi_course.course import CourseFolder
from losi_course.instructor.export import COLUMNS
from losi_course.instructor.records import GradingRecords

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Object of type .* not in session")]

NAME = support.FIXTURE
EARLY, LATE = (2026, 12, 1, 10, 0, 0), (2026, 12, 1, 18, 0, 0)


class Cycle:
    """The shared course and what the steps left behind."""

    def __init__(self, root: Path):
        self.root = root
        self.course = CourseFolder.at(root)
        self.source = support.read(root / "source" / NAME / f"{NAME}.ipynb")
        self.release = support.read(root / "release" / NAME / f"{NAME}.ipynb")
        self.runs: dict[str, object] = {}

    def notebook(self, stems, written: str | None = None):
        nb = support.answered(self.release, self.source, set(stems), written=written is not None)
        return support.with_cells(nb, why_written=written) if written else nb

    def download(self, folder: str, who: str, nb, when) -> Path:
        import nbformat

        path = self.root / folder / f"{who}_{NAME}.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(zipfile.ZipInfo(f"{NAME}.ipynb", date_time=when), nbformat.writes(nb))
        return path

    def run(self, *args, ok=True):
        result = support.run_instructor(self.root, *args)
        assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
        if ok:  # p05's damaged notebook stays failed: grading says so with its exit code
            assert result.returncode == (1 if args[0] == "grade" else 0), result.stdout + result.stderr
        return result

    def rows(self, path="grades.csv"):
        return support.grade_rows(self.root / path)

    def grade_of(self, who, cell):
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            g = gb.find_grade(cell, NAME, NAME, who)
            c = gb.find_comment(cell, NAME, NAME, who) if cell.endswith(("_written", "_answer")) else None
            return g.manual_score, g.needs_manual_grade, (c.manual_comment if c else None)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    return Cycle(support.scratch_course(tmp_path_factory.mktemp("cycle") / "course", [NAME]))


ALL = ("share", "level", "content")


def test_1_roster_due_date_collect_and_first_grading(cycle):
    (cycle.root / "roster.csv").write_text("Participant;First name;Last name\np01;Ana;Ek\np02;Bo;Fa\np03;Cy;Gu\n"
                                           "p04;Dee;Ho\np05;Eva;Ito\n", encoding="utf-8-sig")
    assert "5 participant(s)" in cycle.run("roster", "import", "roster.csv").stdout
    cycle.run("due", NAME, "2026-12-01 12:00")
    cycle.download("downloads/first", "p01", cycle.notebook(ALL, "Content can be stale."), EARLY)
    cycle.download("downloads/first", "p02", cycle.notebook(["share"], "Features are counted."), LATE)
    cycle.download("downloads/first", "p03", cycle.release, EARLY)
    assert "collected" in cycle.run("collect", NAME, "downloads/first").stdout
    damaged = cycle.root / "submitted" / "p05" / NAME / f"{NAME}.ipynb"
    damaged.parent.mkdir(parents=True)
    damaged.write_text('{"cells": [ not json')
    run = cycle.run("grade", "--jobs", "2")
    cycle.runs["first"] = run
    assert "5 graded now" not in run.stdout and "4 graded now (4 new)" in run.stdout
    rows = cycle.rows()
    status = {who: rows[who, NAME]["status"] for who in ("p01", "p02", "p03", "p04", "p05")}
    assert status == {"p01": "needs marking", "p02": "needs marking", "p03": "final", "p04": "not submitted",
                      "p05": "failed"}
    assert (rows["p01", NAME]["late"], rows["p02", NAME]["late"]) == ("no", "yes")
    assert rows["p04", NAME]["total"] == "" and rows["p04", NAME]["max"] == "6"
    assert rows["p05", NAME]["total"] == "" and "damaged" in run.stdout
    assert float(rows["p01", NAME]["autograded"]) == 4 and rows["p01", NAME]["written"] == "0"
    page = support.html_text(cycle.root / "feedback" / "p01" / NAME / f"{NAME}.html")
    assert "Not yet marked" in page and "Not final yet" in page
    assert "Not yet marked" not in support.html_text(cycle.root / "feedback" / "p03" / NAME / f"{NAME}.html")


def test_2_marks_import_sets_marks_as_formgrader_would(cycle):
    (cycle.root / "bad.csv").write_text("participant,session,grade id,points,comment\n"
                                        "p01,fixture1,why_written,5,too many\np09,fixture1,why_written,1,\n"
                                        "p01,fixture1,no_such_cell,1,\n")
    bad = cycle.run("marks", "import", "bad.csv", ok=False)
    assert bad.returncode == 2 and "nothing was imported" in bad.stderr
    assert "line 2" in bad.stderr and "line 3" in bad.stderr and "line 4" in bad.stderr
    assert cycle.grade_of("p01", "why_written") == (None, True, None)
    (cycle.root / "marks.csv").write_text("participant,session,grade_id,points,comment\n"
                                          "p01,fixture1,why_written,1.5,Good point on staleness.\n"
                                          "p02,fixture1,why_written,2,\n")
    assert "2 mark(s)" in cycle.run("marks", "import", "marks.csv").stdout
    assert cycle.grade_of("p01", "why_written") == (1.5, False, "Good point on staleness.")
    run = cycle.run("grade")
    assert "0 graded now" in run.stdout
    rows = cycle.rows()
    assert rows["p01", NAME]["status"] == "final" and rows["p01", NAME]["total"] == "5.5"
    page = support.html_text(cycle.root / "feedback" / "p01" / NAME / f"{NAME}.html")
    assert "Good point on staleness." in page and "Not yet marked" not in page


def test_3_collecting_again_keeps_everything(cycle):
    graded = cycle.root / "autograded" / "p01" / NAME / f"{NAME}.ipynb"
    before = graded.stat().st_mtime_ns
    assert "unchanged" in cycle.run("collect", NAME, "downloads/first").stdout
    run = cycle.run("grade")
    assert "0 graded now" in run.stdout and graded.stat().st_mtime_ns == before
    assert cycle.grade_of("p01", "why_written")[:2] == (1.5, False)


def test_4_a_fixed_hidden_test_regrades_everyone_and_keeps_the_marks(cycle):
    path = cycle.root / "source" / NAME / f"{NAME}.ipynb"
    source = support.read(path)
    fixed = support.with_cells(source, share_check=source.cells[[support.grade_id(c) for c in source.cells]
                                                                .index("share_check")].source.replace(
        "assert math.isclose(share(3, 8), 0.375)", "assert math.isclose(share(1, 4), 0.25)"))
    support.write(fixed, path)
    cycle.run("release")
    run = cycle.run("grade")
    assert "4 graded now (4 changed tests)" in run.stdout
    assert cycle.grade_of("p01", "why_written") == (1.5, False, "Good point on staleness.")
    assert cycle.grade_of("p02", "why_written")[:2] == (2.0, False)
    assert cycle.rows()["p01", NAME]["status"] == "final"


def test_5_a_changed_written_answer_asks_for_its_mark_again(cycle):
    cycle.download("downloads/second", "p02", cycle.notebook(["share"], "Features, not quality."), LATE[:3] + (19, 0, 0))
    assert "REPLACED" in cycle.run("collect", NAME, "downloads/second").stdout
    run = cycle.run("grade")
    assert "1 graded now (1 changed submission)" in run.stdout
    assert cycle.grade_of("p02", "why_written")[:2] == (None, True)
    assert cycle.rows()["p02", NAME]["status"] == "needs marking"
    record = GradingRecords(cycle.course, NAME).get("p02")
    assert record.cleared_marks and record.cleared_marks[-1]["points"] == 2.0
    assert cycle.grade_of("p01", "why_written")[:2] == (1.5, False)            # not touched


def test_6_a_changed_code_answer_keeps_the_written_mark(cycle):
    cycle.download("downloads/third", "p01", cycle.notebook(["share", "level"], "Content can be stale."),
                   (2026, 12, 1, 11, 0, 0))
    assert "REPLACED" in cycle.run("collect", NAME, "downloads/third").stdout
    run = cycle.run("grade")
    assert "1 graded now (1 changed submission)" in run.stdout
    assert cycle.grade_of("p01", "why_written") == (1.5, False, "Good point on staleness.")
    row = cycle.rows()["p01", NAME]
    assert row["status"] == "final" and float(row["autograded"]) == 3


def test_7_a_resubmission_copied_with_its_old_time_is_noticed(cycle):
    path = cycle.root / "submitted" / "p03" / NAME / f"{NAME}.ipynb"
    stamp = path.stat().st_mtime
    support.write(cycle.notebook(ALL), path)
    os.utime(path, (stamp, stamp))
    assert "1 graded now (1 changed submission)" in cycle.run("grade").stdout
    assert float(cycle.rows()["p03", NAME]["autograded"]) == 4


def test_8_regrade_autograded_keeps_every_hand_mark(cycle):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{cycle.root / 'gradebook.db'}") as gb:   # a corrected check, as in Formgrader
        grade = gb.find_grade("level_check", NAME, NAME, "p03")
        grade.manual_score, grade.needs_manual_grade = 1.0, False
        gb.db.commit()
    run = cycle.run("grade", "--regrade-autograded")
    assert "4 graded now (4 re-run requested)" in run.stdout
    assert cycle.grade_of("p01", "why_written") == (1.5, False, "Good point on staleness.")
    assert cycle.grade_of("p03", "level_check")[:2] == (1.0, False)


def test_9_export_as_xlsx_and_feedback_for_bulk_upload(cycle):
    import openpyxl

    cycle.run("export", "-o", "grades.xlsx")
    book = openpyxl.load_workbook(cycle.root / "grades.xlsx")
    assert book.sheetnames == ["summary", NAME]
    sheet = book[NAME]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    rows = {r[0]: dict(zip(COLUMNS, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == ["p01", "p02", "p03", "p04", "p05"]
    assert rows["p01"]["total"] == 4.5 and isinstance(rows["p01"]["autograded"], (int, float))
    assert {r["status"] for r in rows.values()} <= {"final", "needs marking", "flagged", "failed", "not submitted"}
    summary = {r[0]: r for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["p01"][1:3] == ("Ana", "Ek")
    with open(cycle.root / "grades.csv", encoding="utf-8") as handle:
        assert handle.readline().strip() == ",".join(COLUMNS)
    run = cycle.run("feedback")
    assert "feedback-upload" in run.stdout
    upload = cycle.root / "feedback-upload" / NAME
    assert sorted(p.name for p in upload.iterdir()) == [f"p0{i}_{NAME}.html" for i in (1, 2, 3)]
    with zipfile.ZipFile(cycle.root / "feedback-upload" / f"{NAME}.zip") as archive:
        assert sorted(archive.namelist()) == [f"p0{i}_{NAME}.html" for i in (1, 2, 3)]
    assert (upload / f"p01_{NAME}.html").read_bytes() == (cycle.root / "feedback" / "p01" / NAME / f"{NAME}.html").read_bytes()
