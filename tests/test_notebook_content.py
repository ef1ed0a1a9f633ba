"""What every session notebook must say to its readers (fast: reads the notebooks, runs nothing)."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))


def _text(notebook, kind=None):
    return "\n".join(c.source for c in notebook.cells if kind is None or c.cell_type == kind)


@pytest.fixture(params=SOURCES, ids=lambda p: p.parent.name)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_there_are_session_notebooks():
    assert len(SOURCES) >= 4


def test_opening_cell_states_objectives_time_and_points(notebook):
    opening = notebook.cells[0].source
    assert "By the end of this session" in opening
    assert re.search(r"(\d+\s*(to|-|–)\s*|about )\d+ minutes", opening)
    assert "point" in opening.lower()


def test_fictional_places_are_called_fictional(notebook):
    text = _text(notebook)
    if re.search(r"Velmora|Estoria", text):
        first = re.search(r"Velmora|Estoria", _text(notebook, "markdown")).start()
        window = _text(notebook, "markdown")[max(0, first - 300):first + 300].lower()
        assert "fictional" in window, "the first mention of a fictional place must say it is fictional"


def test_levels_and_the_share_rule_are_labelled_as_assumptions(notebook):
    markdown = _text(notebook, "markdown")
    if "Very high" in markdown or re.search(r"LOSI levels?\b", markdown):
        assert re.search(r"assum", markdown, re.IGNORECASE), "LOSI levels other than 'Very high' are assumed"


def test_every_chart_shows_its_text_description(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r"plots\.\w+\(", cell.source):
            assert ".show()" in cell.source or "alt_text" in cell.source, cell.source


def test_no_machine_paths_or_copied_data(notebook):
    text = _text(notebook)
    assert not re.search(r"/work/|/tmp/|/root/|/home/|[A-Z]:\\\\", text)
    assert not re.search(r"read_csv\(|read_excel\(", text), "data is loaded through losi_course functions"


def test_no_source_folder_holds_anything_but_its_notebook():
    for folder in (ROOT / "source").iterdir():
        if folder.is_dir():
            extra = [p.name for p in folder.iterdir() if p.suffix != ".ipynb" and p.name != ".ipynb_checkpoints"]
            assert extra == [], f"{folder.name} has extra files {extra}: data ships in the package"
