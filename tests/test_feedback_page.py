"""The feedback pages' exporter: templates compiled once per grading process, pages unchanged."""

from __future__ import annotations

from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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
    assert _page(FeedbackPageExporter()) == first == _page(HTMLExporter())
    assert compiled._compiled == kept  # the second exporter compiled nothing new


def test_an_edited_template_is_compiled_again(tmp_path, monkeypatch):
    compiled = feedback_page._CompiledTemplates()
    monkeypatch.setattr(feedback_page, "_COMPILED", compiled)
    template = tmp_path / "page.html.j2"
    template.write_text("first {{ nb.cells | length }}", encoding="utf-8")
    exporter = dict(template_file=str(template))
    assert _page(FeedbackPageExporter(**exporter)) == "first 2"
    template.write_text("second {{ nb.cells | length }}", encoding="utf-8")
    assert _page(FeedbackPageExporter(**exporter)) == "second 2"
