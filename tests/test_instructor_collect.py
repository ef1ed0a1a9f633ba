"""Collecting downloads safely: outer names only, newer replaces older, unchanged stays untouched, times kept."""

from __future__ import annotations

import os
import shutil
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

import nbgrader_support as support
from losi_course.course import CourseFolder
from losi_course.instructor.collect import TIMESTAMP, collect, submission_time
from losi_course.instructor.nbgrader_tools import InstructorError

NAME = support.FIXTURE


@pytest.fixture
def course(tmp_path):
    """A course with the fixture assignment released (no gradebook needed to collect)."""
    root = support.build_course(tmp_path / "course", [NAME])
    shutil.copytree(support.committed_release(NAME), root / "release" / NAME)
    return CourseFolder.at(root)


@pytest.fixture
def notebooks(course):
    released = support.read(course.release_notebook(NAME))
    source = support.read(course.source_notebook(NAME))
    return {"blank": released, "answered": support.answered(released, source, {"share", "level", "content"}),
            "partial": support.answered(released, source, {"share"})}


def _zip(path: Path, entries: dict[str, object], when=(2026, 12, 1, 16, 55, 0)) -> Path:
    """A zip file with notebooks (nbformat objects) or raw bytes, every entry stamped ``when``."""
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for inner, content in entries.items():
            data = content if isinstance(content, bytes) else nbformat.writes(content).encode()
            archive.writestr(zipfile.ZipInfo(inner, date_time=when), data)
    return path


def _submitted(course, who) -> Path:
    return course.step_path("submitted", NAME, who) / f"{NAME}.ipynb"


def test_a_participant_is_named_by_the_outer_name_only(course, notebooks, tmp_path, capsys):
    # p02 handed in genuine work first
    genuine = support.write(notebooks["answered"], _submitted(course, "p02"))
    before = (genuine.read_bytes(), genuine.stat().st_mtime_ns)
    downloads = tmp_path / "downloads"
    _zip(downloads / f"p01_{NAME}.zip", {f"work/p02_{NAME}.ipynb": notebooks["blank"]})
    assert collect(course=course, assignment=NAME, downloads=downloads) == {"p01": "collected"}
    out = capsys.readouterr().out
    assert f"holds p02_{NAME}.ipynb, named after p02: filed as p01's work" in out
    assert (genuine.read_bytes(), genuine.stat().st_mtime_ns) == before          # p02 untouched
    assert support.read(_submitted(course, "p01")).cells == notebooks["blank"].cells


def test_collecting_again_changes_nothing_for_unchanged_files(course, notebooks, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    _zip(downloads / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["answered"]})
    support.write(notebooks["partial"], downloads / f"p02_{NAME}.ipynb")
    collect(course=course, assignment=NAME, downloads=downloads)
    files = [_submitted(course, p) for p in ("p01", "p02")] + [_submitted(course, "p01").with_name(TIMESTAMP)]
    seen = [(f.stat().st_ino, f.stat().st_mtime_ns, f.read_bytes()) for f in files]
    time.sleep(0.01)
    os.utime(downloads / f"p02_{NAME}.ipynb")          # a new file time, the same content
    assert collect(course=course, assignment=NAME, downloads=downloads) == {"p01": "unchanged", "p02": "unchanged"}
    assert [(f.stat().st_ino, f.stat().st_mtime_ns, f.read_bytes()) for f in files] == seen
    assert "unchanged submitted/p01/" in capsys.readouterr().out


def test_a_second_download_replaces_only_when_newer(course, notebooks, tmp_path, capsys):
    first = tmp_path / "first"
    _zip(first / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["partial"]}, when=(2026, 12, 1, 10, 0, 0))
    collect(course=course, assignment=NAME, downloads=first)
    newer = tmp_path / "newer"
    _zip(newer / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["answered"]}, when=(2026, 12, 1, 12, 0, 0))
    assert collect(course=course, assignment=NAME, downloads=newer) == {"p01": "replaced"}
    assert "REPLACED the submission of 2026-12-01 10:00 with p01_fixture1.zip (2026-12-01 12:00)" in capsys.readouterr().out
    older = tmp_path / "older"
    _zip(older / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["blank"]}, when=(2026, 12, 1, 11, 0, 0))
    assert collect(course=course, assignment=NAME, downloads=older) == {"p01": "kept"}
    assert "KEPT submitted/p01/fixture1/ (2026-12-01 12:00)" in capsys.readouterr().out
    assert support.read(_submitted(course, "p01")).cells == notebooks["answered"].cells


def test_two_downloads_of_one_participant_in_one_folder(course, notebooks, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    _zip(downloads / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["partial"]}, when=(2026, 12, 1, 10, 0, 0))
    _zip(downloads / f"p01_{NAME} (1).zip", {f"{NAME}.ipynb": notebooks["answered"]}, when=(2026, 12, 1, 11, 0, 0))
    assert collect(course=course, assignment=NAME, downloads=downloads) == {"p01": "collected"}
    assert "p01: took p01_fixture1 (1).zip (2026-12-01 11:00), newer than p01_fixture1.zip" in capsys.readouterr().out
    assert support.read(_submitted(course, "p01")).cells == notebooks["answered"].cells
    same_time = tmp_path / "same"
    _zip(same_time / f"p02_{NAME}.zip", {f"{NAME}.ipynb": notebooks["partial"]})
    _zip(same_time / f"p02_{NAME} (1).zip", {f"{NAME}.ipynb": notebooks["answered"]})
    with pytest.raises(InstructorError, match="same time"):
        collect(course=course, assignment=NAME, downloads=same_time)
    assert not _submitted(course, "p02").exists()


def test_times_come_from_the_zip_entries_or_a_timestamp_file(course, notebooks, tmp_path):
    from nbgrader.utils import parse_utc

    downloads = tmp_path / "downloads"
    _zip(downloads / f"p01_{NAME}.zip", {f"{NAME}.ipynb": notebooks["blank"]}, when=(2026, 12, 1, 16, 55, 0))
    _zip(downloads / f"p02_{NAME}.zip", {f"{NAME}.ipynb": notebooks["blank"],
                                          TIMESTAMP: b"2026-11-30 08:15:00.000000 UTC"})
    collect(course=course, assignment=NAME, downloads=downloads)
    local = datetime(2026, 12, 1, 16, 55).astimezone()
    stamp = _submitted(course, "p01").with_name(TIMESTAMP).read_text()
    assert parse_utc(stamp) == local.astimezone(timezone.utc).replace(tzinfo=None)   # what nbgrader reads
    assert submission_time(_submitted(course, "p01").parent) == local
    assert abs(_submitted(course, "p01").stat().st_mtime - local.timestamp()) < 1
    assert submission_time(_submitted(course, "p02").parent) == datetime(2026, 11, 30, 8, 15, tzinfo=timezone.utc)


def test_renamed_notebooks_folders_and_bad_names(course, notebooks, tmp_path, capsys):
    downloads = tmp_path / "downloads"
    _zip(downloads / f"p01_{NAME}.zip", {f"Copy of {NAME}.ipynb": notebooks["answered"],
                                          f"__MACOSX/._{NAME}.ipynb": b"resource fork"})
    support.write(notebooks["partial"], downloads / f"p02_{NAME}_assignsubmission" / "upload" / f"{NAME}.ipynb")
    support.write(notebooks["blank"], downloads / f"Copy of {NAME}.ipynb")
    (downloads / "readme.txt").write_text("platform notes")
    _zip(downloads / f"p03_{NAME}.zip", {"notes.txt": b"no notebook"})
    assert collect(course=course, assignment=NAME, downloads=downloads) == {"p01": "collected", "p02": "collected"}
    out = capsys.readouterr().out
    assert f"Copy of {NAME}.ipynb filed as {NAME}.ipynb" in out
    assert f"SKIPPED Copy of {NAME}.ipynb" in out and "SKIPPED readme.txt" in out and f"SKIPPED p03_{NAME}.zip" in out
    assert support.read(_submitted(course, "p02")).cells == notebooks["partial"].cells
    assert sorted(p.name for p in (course.root / "downloaded" / NAME).iterdir()) == sorted(
        [f"p01_{NAME}.zip", f"p02_{NAME}_assignsubmission"])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / f"p09_{NAME}.zip").write_bytes(b"not a zip")
    with pytest.raises(InstructorError, match="not a readable zip file"):
        collect(course=course, assignment=NAME, downloads=broken)


def test_collect_on_the_command_line_explains_a_wrong_folder(course, cli):
    result = cli("instructor", "collect", NAME, "/nonexistent/downloads", "--root", course.root)
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
