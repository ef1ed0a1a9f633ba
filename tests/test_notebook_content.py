"""The authoring rules (losi_course.authoring) hold for every session notebook: fast, runs nothing."""

from pathlib import Path

import pytest

from losi_course.authoring import lint_content

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))


def test_there_are_session_notebooks():
    assert len(SOURCES) >= 4


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_session_notebooks_say_what_readers_need(path):
    assert lint_content(path) == []


def test_no_source_folder_holds_anything_but_its_notebook():
    for folder in (ROOT / "source").iterdir():
        if folder.is_dir():
            extra = [p.name for p in folder.iterdir() if p.suffix != ".ipynb" and p.name != ".ipynb_checkpoints"]
            assert extra == [], f"{folder.name} has extra files {extra}: data ships in the package"
