"""The feedback pages' exporter: templates compiled once per grading process, pages with nbconvert's content."""

from __future__ import annotations

import nbconvert.exporters.html as nbconvert_html
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from losi_course.instructor import feedback_page
from losi_course.instructor.feedback_page import FeedbackPageExporter


NOTEBOOK = new_notebook(cells=[new_markdown_cell("# Session 1\nA *question*."),
                               new_code_cell("world_mean = 0.61", outputs=[])])


def _page(exporter) -> str:
    html, _ = exporter.from_notebook_node(NOTEBOOK)
    return html


def test_pages_are_what_nbconvert_writes_and_templates_compile_once(monkeypatch):
    compiled = feedback_page._CompiledTemplates()
    monkeypatch.setattr(feedback_page, "_COMPILED", compiled)
    first = _page(FeedbackPageExporter())
    kept = dict(compiled._compiled)
    assert kept, "nothing was compiled"
    assert _page(FeedbackPageExporter()) == first
    assert compiled._compiled == kept  # the second exporter compiled nothing new
    # nbconvert's page is this one read back by BeautifulSoup: the same page, character for character
    assert str(BeautifulSoup(first, features="html.parser")) == _page(HTMLExporter())


def test_an_image_without_description_gets_nbconverts_alt_text():
    picture = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    notebook = new_notebook(cells=[new_code_cell("chart", outputs=[picture]),
                                   new_markdown_cell('![](map.png) and <img src="logo.png" alt="The logo">')])
    ours, _ = FeedbackPageExporter().from_notebook_node(notebook)
    theirs, _ = HTMLExporter().from_notebook_node(notebook)
    assert ours == theirs
    images = BeautifulSoup(ours, features="html.parser").select("img")
    assert len(images) == 3 and all(image.has_attr("alt") for image in images)
    assert "No description has been provided for this image" in ours


def test_nbconverts_parser_is_back_after_a_page_even_a_failed_one(monkeypatch):
    parser = nbconvert_html.BeautifulSoup
    _page(FeedbackPageExporter())
    assert nbconvert_html.BeautifulSoup is parser

    def broken(self, *args, **kwargs):
        assert nbconvert_html.BeautifulSoup is feedback_page.LazyPage
        raise RuntimeError("template broke")

    monkeypatch.setattr(HTMLExporter.__mro__[1], "from_notebook_node", broken)
    with pytest.raises(RuntimeError, match="template broke"):
        _page(FeedbackPageExporter())
    assert nbconvert_html.BeautifulSoup is parser


def test_a_page_of_the_classic_template_without_pictures_is_not_parsed_and_has_nbconverts_content(monkeypatch):
    # nbgrader's feedback template extends nbconvert's classic one, which has no JupyterLab cells
    made, parsed = [], []
    real_init, real_parse = feedback_page.LazyPage.__init__, feedback_page.LazyPage._parsed
    monkeypatch.setattr(feedback_page.LazyPage, "__init__", lambda self, *a, **k: made.append(1) or real_init(self, *a, **k))
    monkeypatch.setattr(feedback_page.LazyPage, "_parsed", lambda self: parsed.append(1) or real_parse(self))
    ours, _ = FeedbackPageExporter(template_name="classic").from_notebook_node(NOTEBOOK)
    assert made == [1], "nbconvert no longer reads its page back through the name this exporter swaps"
    assert parsed == [] and "world_mean" in ours
    theirs, _ = HTMLExporter(template_name="classic").from_notebook_node(NOTEBOOK)
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs


@pytest.mark.parametrize(("selector", "markup", "expected"), [
    ("img:not([alt])", "<p>text only</p>", False),
    ("img:not([alt])", '<p><img src="a.png" alt="x"></p>', True),     # parsed, then nbconvert decides
    (".jp-Notebook div.jp-OutputArea-output", '<div class="jp-Notebook"><div class="output">', False),
    (".jp-Notebook div.jp-OutputArea-output", '<div class="jp-Notebook"><div class="jp-OutputArea-output">', True),
    (".jp-Notebook div.jp-OutputArea-output",
     '<div class="jp&#45;Notebook"><div class=jp&#45;OutputArea&#45;output>', True),   # spelt with references
    ("#main > section", '<div id="other">', True),                    # not one of nbconvert's: always parsed
])
def test_a_page_is_parsed_only_when_a_selector_may_match(selector, markup, expected):
    assert feedback_page.may_match(selector, markup) is expected
    page = feedback_page.LazyPage(markup, features="html.parser")
    found = page.select(selector)
    assert (page._soup is not None) is expected
    assert str(page) == (markup if not expected else str(BeautifulSoup(markup, features="html.parser")))
    assert found == BeautifulSoup(markup, features="html.parser").select(selector)
