"""The assessment form, driven without a browser (ipywidgets works in plain Python).

One test (marked slow) runs the form inside a real Jupyter kernel with nbclient.
"""

from __future__ import annotations

import builtins
import datetime as dt
import subprocess
import sys

import pytest

pytest.importorskip("ipywidgets")

import ipywidgets as w  # noqa: E402

import losi_course.widgets as widgets  # noqa: E402
from losi_course.errors import LosiInputError, SheetError, UnknownIndicatorError  # noqa: E402
from losi_course.framework import load_instrument  # noqa: E402
from losi_course.sheets import read_sheet, write_sheet  # noqa: E402
from losi_course.assessment import Assessment  # noqa: E402
from losi_course.widgets import AssessmentForm, assessment_form  # noqa: E402

IDS = load_instrument().ids


@pytest.fixture(autouse=True)
def never_blocks(monkeypatch):
    """The form must never wait for typed input, and these tests run outside nbgrader."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the form asked for input()")

    monkeypatch.setattr(builtins, "input", refuse)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def html_text(widget) -> str:
    """All HTML shown by a widget tree, concatenated (what a person would read)."""
    parts = []
    if isinstance(widget, w.HTML):
        parts.append(widget.value)
    for child in getattr(widget, "children", ()):
        parts.append(html_text(child))
    return "\n".join(parts)


# --------------------------------------------------------------------------- new file
def test_new_form_writes_a_blank_sheet_at_once(tmp_path):
    path = tmp_path / "velmora.csv"
    form = assessment_form(path, city="Velmora", country="Estoria", assessor="Ana Silva")
    # Decision: a new file is written straight away (so it exists before the first click).
    assert path.exists() and form.saved
    sheet = read_sheet(path)
    assert sheet.city == "Velmora" and sheet.assessor == "Ana Silva" and sheet.country == "Estoria"
    assert sheet.date == dt.date.today().isoformat()
    assert len(sheet.unanswered) == 95
    assert form.status.startswith("Saved ") and form.status.endswith("— 0 of 95 answered")
    assert form.path == path and isinstance(form.path, type(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["velmora.csv"]  # no temporary files left


def test_form_layout_one_page_per_criterion(tmp_path):
    form = assessment_form(tmp_path / "v.csv", city="Velmora", assessor="Ana")
    pages = [c for c in form.widget.children if isinstance(c, (w.Tab, w.Accordion))]
    assert len(pages) == 1
    accordion = pages[0]
    assert len(accordion.children) == 6
    assert accordion.titles[0] == "Institutional Framework — answered 0 / 6"
    assert sum(len(page.children) for page in accordion.children) == 95
    assert set(form.controls) == set(IDS)
    controls = form.controls["281"]
    assert controls.answer.value is None  # nothing chosen yet
    assert controls.answer.options == ("Yes", "No", "Not sure")
    assert controls.evidence.continuous_update is False and controls.note.continuous_update is False
    card = html_text(controls.box)
    indicator = load_instrument()["281"]
    assert "281" in card and indicator.label in card and indicator.description in card
    for step in indicator.steps:
        assert step in card
    shown = html_text(form.widget)
    assert "Velmora" in shown and "Ana" in shown and str(form.path) in shown
    assert "Provisional LOSI: 0.0000" in shown and "count as not found" in shown


def test_metadata_is_escaped(tmp_path):
    form = assessment_form(tmp_path / "v.csv", city="<script>alert(1)</script>", assessor="A & B")
    shown = html_text(form.widget)
    assert "<script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "A &amp; B" in shown


# --------------------------------------------------------------------------- answering
def test_set_saves_and_resumes_after_a_restart(tmp_path):
    path = tmp_path / "velmora.csv"
    form = assessment_form(path, city="Velmora", assessor="Ana")
    form.set("281", "yes", evidence="https://velmora.example/", note="home page")
    form.set("215", "no", note="only a phone number")
    form.set("216", "not sure")
    assert form.status.endswith("— 2 of 95 answered, 1 not sure")
    # the widgets follow set()
    assert form.controls["281"].answer.value == "Yes"
    assert form.controls["281"].evidence.value == "https://velmora.example/"
    assert form.controls["216"].answer.value == "Not sure"
    del form  # "kernel restart": a new form on the same file
    again = assessment_form(path)
    assert again.sheet["281"].state == "yes" and again.sheet["281"].note == "home page"
    assert again.sheet["281"].evidence == "https://velmora.example/"
    assert again.sheet["215"].state == "no" and again.sheet["215"].note == "only a phone number"
    assert again.sheet["216"].state == "not sure"
    assert again.controls["281"].answer.value == "Yes"
    assert again.controls["215"].note.value == "only a phone number"
    assert again.controls["216"].answer.value == "Not sure"
    assert again.sheet.city == "Velmora" and again.sheet.assessor == "Ana"
    assert again.status.startswith("Opened velmora.csv")


def test_reopening_does_not_rewrite_the_file(tmp_path):
    path = tmp_path / "v.csv"
    assessment_form(path, city="Velmora").set("281", 1)
    before = path.read_bytes(), path.stat().st_mtime_ns
    assessment_form(path, city="Velmora")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_set_with_a_bad_value_changes_nothing(tmp_path):
    path = tmp_path / "v.csv"
    form = assessment_form(path)
    form.set("281", "yes")
    before = path.read_bytes()
    with pytest.raises(LosiInputError, match="'maybe' is not an answer"):
        form.set("281", "maybe")
    with pytest.raises(UnknownIndicatorError):
        form.set("999", "yes")
    assert form.sheet["281"].state == "yes" and form.controls["281"].answer.value == "Yes"
    assert path.read_bytes() == before


def test_widget_changes_save_like_clicks(tmp_path):
    path = tmp_path / "v.json"
    form = assessment_form(path)
    controls = form.controls["281"]
    controls.answer.value = "No"                       # as a frontend sets the value
    assert read_sheet(path)["281"].state == "no"
    controls.answer.set_state({"index": 0})            # the message a real click sends
    assert controls.answer.value == "Yes" and read_sheet(path)["281"].state == "yes"
    controls.evidence.value = "  https://velmora.example/services  "
    controls.note.value = "found under Services"
    saved = read_sheet(path)["281"]
    assert saved.evidence == "https://velmora.example/services" and saved.note == "found under Services"
    assert form.sheet["281"].evidence == "https://velmora.example/services"
    form.controls["204"].answer.value = "Not sure"
    assert read_sheet(path)["204"].state == "not sure"
    assert form.saved and form.status.endswith("1 of 95 answered, 1 not sure")


def test_live_scores_update(tmp_path):
    form = assessment_form(tmp_path / "v.csv")
    accordion = form.widget.children[-1]
    assert form.score.losi == 0.0
    form.controls["281"].answer.value = "Yes"
    assert form.score.indicators_met == 1
    assert "Provisional LOSI: 0.0105" in html_text(form.widget)
    assert "1 of 95 indicators met" in html_text(form.widget)
    assert accordion.titles[0] == "Institutional Framework — answered 1 / 6"
    for key in [i.id for i in load_instrument().in_criterion("IF")]:
        form.set(key, "yes")
    assert form.score.criteria["Institutional Framework"] == 1.0
    assert "<td>Institutional Framework</td><td style='text-align:right'>6 of 6</td>" in html_text(form.widget)
    form.set("281", "no")
    assert form.score.indicators_met == 5


def test_not_sure_counts_as_not_found_and_is_kept(tmp_path):
    path = tmp_path / "v.xlsx"
    form = assessment_form(path)
    form.set("281", "yes")
    form.controls["215"].answer.value = "Not sure"
    assert form.sheet["215"].state == "not sure" and form.sheet["215"].value is None
    assert form.score.indicators_met == 1 and "215" in form.score.unanswered
    assert form.widget.children[-1].titles[0] == "Institutional Framework — answered 1 / 6, 1 not sure"
    assert read_sheet(path)["215"].state == "not sure"
    form.set("215", None)  # cleared again
    assert form.controls["215"].answer.value is None and read_sheet(path)["215"].state == ""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_all_formats_round_trip(tmp_path, suffix):
    path = tmp_path / f"são-paulo{suffix}"
    form = assessment_form(path, city="São Paulo", country="Brasil", assessor="Zoë O'Neil", date="2026-11-26")
    form.set("281", "yes", evidence="https://prefeitura.example/?a=1,b=2", note='says "welcome"; ação')
    form.set("215", 0, note="line, with commas")
    form.set("204", "not sure", evidence="https://prefeitura.example/m")
    form.controls["206"].answer.value = "Yes"
    expected = {k: (a.state, a.evidence, a.note) for k, a in form.sheet.answers.items()}
    again = assessment_form(path)
    assert {k: (a.state, a.evidence, a.note) for k, a in again.sheet.answers.items()} == expected
    assert again.sheet.metadata == {"city": "São Paulo", "country": "Brasil", "assessor": "Zoë O'Neil",
                                    "date": "2026-11-26"}
    assert again.notice == ""


# --------------------------------------------------------------------------- metadata
def test_metadata_fills_empty_fields_and_file_wins_conflicts(tmp_path):
    path = tmp_path / "v.csv"
    write_sheet(Assessment(city="Velmora", country=""), path)
    form = assessment_form(path, city="Lumen", country="Estoria", assessor="Ben")
    assert form.sheet.city == "Velmora"                       # the file's is kept
    assert form.sheet.country == "Estoria" and form.sheet.assessor == "Ben"  # empty fields filled
    assert "city 'Velmora', not 'Lumen'" in form.notice and "v-2.csv" in form.notice
    assert "Velmora" in html_text(form.widget) and "not &#x27;Lumen&#x27;" in html_text(form.widget)
    saved = read_sheet(path)
    assert (saved.city, saved.country, saved.assessor) == ("Velmora", "Estoria", "Ben")
    # same city written differently: no notice
    assert assessment_form(path, city="  velmora ").notice == ""


def test_unknown_detail_and_bad_edition_write_nothing(tmp_path):
    with pytest.raises(LosiInputError, match="does not know the detail 'cty'"):
        assessment_form(tmp_path / "v.csv", cty="Velmora")
    with pytest.raises(LosiInputError, match="LOSI 2022 instrument cannot be used"):
        assessment_form(tmp_path / "v.csv", edition="2022")
    with pytest.raises(LosiInputError, match="no LOSI 2020 instrument"):
        assessment_form(tmp_path / "v.csv", edition=2020)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- bad files
@pytest.mark.parametrize("name", ["velmora.ods", "velmora.txt", "velmora"])
def test_unsupported_extension_is_refused_before_writing(tmp_path, name):
    with pytest.raises(SheetError) as info:
        assessment_form(tmp_path / name)
    message = str(info.value)
    assert name in message and ".csv, .xlsx or .json" in message and "assessment_form('velmora.csv')" in message
    assert list(tmp_path.iterdir()) == []


CORRUPT = {
    "garbage.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR garbage bytes",
    "other-table.csv": b"name,age\nAna,31\nBen,42\n",
    "config.json": b'{"name": "Velmora", "population": 120000}',
    "broken.json": b'{"answers": [',
    "fake.xlsx": b"this is not a zip file, so not a workbook",
    "old-edition.csv": b"# edition: 2022\nid,value\nPE1,1\n",
    "unknown-id.csv": b"id,value\n999,1\n",
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_corrupt_or_foreign_file_is_never_overwritten(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CORRUPT[name])
    before = path.stat().st_mtime_ns
    with pytest.raises(SheetError) as info:
        assessment_form(path, city="Velmora")
    message = str(info.value)
    assert isinstance(info.value, LosiInputError)
    assert str(path) in message and "cannot open this file" in message
    assert "left unchanged" in message
    stem, suffix = name.rsplit(".", 1)
    assert f"assessment_form('{tmp_path / f'{stem}-2.{suffix}'}')" in message
    assert path.read_bytes() == CORRUPT[name] and path.stat().st_mtime_ns == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_suggested_name_is_free(tmp_path):
    (tmp_path / "v.csv").write_text("not a sheet")
    (tmp_path / "v-2.csv").write_text("")
    with pytest.raises(SheetError, match="v-3.csv"):
        assessment_form(tmp_path / "v.csv")


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "v.csv").mkdir()
    with pytest.raises(SheetError, match="folder"):
        assessment_form(tmp_path / "v.csv")


def test_an_empty_file_is_used_as_a_new_sheet(tmp_path):
    path = tmp_path / "v.csv"
    path.touch()
    form = assessment_form(path, city="Velmora")
    assert "was an empty file" in form.notice
    assert read_sheet(path).city == "Velmora"


# --------------------------------------------------------------------------- save problems
def test_save_failure_is_shown_and_answers_kept(tmp_path, monkeypatch):
    path = tmp_path / "v.csv"
    form = assessment_form(path)
    real_write = widgets.write_sheet

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(widgets, "write_sheet", disk_full)
    form.set("281", "yes")
    form.controls["215"].answer.value = "No"  # a click while the disk is full
    assert not form.saved
    assert form.status.startswith("⚠ Not saved") and "No space left on device" in form.status
    assert "No space left on device" in html_text(form.widget)
    assert form.sheet["281"].state == "yes" and form.sheet["215"].state == "no"
    assert read_sheet(path)["281"].state == ""  # the file still has the last good save
    monkeypatch.setattr(widgets, "write_sheet", real_write)
    form.set("216", "yes")  # the next change saves everything
    assert form.saved and form.status.startswith("Saved")
    saved = read_sheet(path)
    assert [saved[k].state for k in ("281", "215", "216")] == ["yes", "no", "yes"]


def test_unwritable_location_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a plain file where a folder should be")
    form = assessment_form(blocker / "v.csv", city="Velmora")
    assert not form.saved and "could not be written" in form.status
    form.set("281", "yes")
    assert form.sheet["281"].state == "yes" and not form.saved
    assert form.save_as(tmp_path / "rescued.csv")
    assert read_sheet(tmp_path / "rescued.csv")["281"].state == "yes"
    assert str(tmp_path / "rescued.csv") in html_text(form.widget)


def test_changes_made_elsewhere_are_not_overwritten(tmp_path):
    path = tmp_path / "v.csv"
    form = assessment_form(path)
    form.set("281", "yes")
    other = Assessment.from_values({"215": 1}, city="Edited in Excel")
    write_sheet(other, path)
    edited = path.read_bytes()
    form.set("216", "yes")
    assert not form.saved and "changed outside this form" in form.status
    assert path.read_bytes() == edited
    assert form.sheet["216"].state == "yes"
    assert form.save_as(path) is False and path.read_bytes() == edited  # same file: still refused
    (tmp_path / "taken.csv").write_text("someone else's file")
    with pytest.raises(LosiInputError, match="already exists.*taken-2.csv"):
        form.save_as(tmp_path / "taken.csv")
    assert (tmp_path / "taken.csv").read_text() == "someone else's file"
    assert form.save_as(tmp_path / "mine.csv") and read_sheet(tmp_path / "mine.csv")["216"].state == "yes"


def test_two_forms_on_one_file_do_not_overwrite_each_other(tmp_path):
    path = tmp_path / "v.csv"
    first = assessment_form(path)
    second = assessment_form(path)   # e.g. the cell was run again
    second.set("281", "yes")
    first.set("215", "yes")          # the old form must not wipe out 281
    assert not first.saved
    assert read_sheet(path)["281"].state == "yes"


# --------------------------------------------------------------------------- grading, display
def test_under_nbgrader_no_heavy_widget_and_no_blocking(tmp_path, monkeypatch):
    path = tmp_path / "v.csv"
    write_sheet(Assessment.from_values({"281": 1}, city="Velmora"), path)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    form = assessment_form(path)
    assert len(_instances) - before <= 3  # one small note (with its layout and style), not ~400 widgets
    assert isinstance(form.widget, w.HTML) and "not shown while grading" in form.widget.value
    assert form.controls == {}
    assert form.sheet["281"].state == "yes" and form.score.indicators_met == 1
    form.set("215", "yes")  # scripted answers still work and are saved
    assert read_sheet(path)["215"].state == "yes"
    assert "application/vnd.jupyter.widget-view+json" in form._repr_mimebundle_()


def test_close_removes_the_widgets_and_keeps_the_file(tmp_path):
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    form = assessment_form(tmp_path / "v.csv")
    form.set("281", "yes")
    assert len(_instances) - before > 300
    form.close()
    assert len(_instances) == before
    assert form.closed and form.controls == {}
    with pytest.raises(LosiInputError, match="closed"):
        form.set("215", "yes")
    assert read_sheet(tmp_path / "v.csv")["281"].state == "yes"


def test_display_delegates_to_the_widget(tmp_path, monkeypatch):
    form = assessment_form(tmp_path / "v.csv", city="Velmora")
    bundle = form._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == form.widget.model_id
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    form._ipython_display_()
    assert shown == [form.widget]
    assert repr(form).startswith("<AssessmentForm 'v.csv' (Velmora): 0 of 95 answered; Saved")
    assert isinstance(form, AssessmentForm)


def test_import_stays_light():
    code = ("import sys, losi_course, losi_course.widgets, losi_course.reconcile; "
            "print('ipywidgets' in sys.modules, 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr


# --------------------------------------------------------------------------- a real kernel
@pytest.mark.slow
def test_form_inside_a_real_kernel(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        nbformat.v4.new_code_cell(
            "from losi_course import assessment_form\n"
            "form = assessment_form('velmora.csv', city='Velmora', assessor='Kernel')\n"
            "form.set('281', 'yes', evidence='https://velmora.example/')\n"
            "form.controls['215'].answer.value = 'No'\n"
            "form"),
        nbformat.v4.new_code_cell("print(form.status)"),
        nbformat.v4.new_code_cell(
            "import os, shutil\n"
            "os.environ['NBGRADER_EXECUTION'] = 'autograde'\n"
            "graded = assessment_form(shutil.copy('velmora.csv', 'graded.csv'))\n"
            "print(graded.sheet['215'].state, type(graded.widget).__name__)"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    # iopub_timeout: on a busy machine the form's display can reach IOPub seconds after the cell's
    # reply, and nbclient's 4 s default then drops it (seen once in CI)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=60, iopub_timeout=30,
                                     store_widget_state=True, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    saved = read_sheet(tmp_path / "velmora.csv")
    assert saved["281"].state == "yes" and saved["281"].evidence == "https://velmora.example/"
    assert saved["215"].state == "no" and saved.city == "Velmora"
    view = nb.cells[0].outputs[-1]["data"]["application/vnd.jupyter.widget-view+json"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert view["model_id"] in state
    assert nb.cells[1].outputs[0]["text"].startswith("Saved ")
    assert nb.cells[2].outputs[0]["text"].strip() == "no HTML"


def test_pasted_control_characters_do_not_block_saving_an_excel_sheet(tmp_path):
    from losi_course.sheets import read_sheet

    form = assessment_form(tmp_path / "v.xlsx", city="Velmora")
    form.controls["281"].note.value = "copied\x0b from a PDF"
    form.set("215", "yes")
    assert read_sheet(tmp_path / "v.xlsx")["281"].note == "copied from a PDF"
    assert "Saved" in form.status


# ----------------------------------------------------------------------------- a session's form
def test_the_form_opens_on_the_sessions_graded_indicators_first(tmp_path):
    focus = ("221", "228", "255")
    form = assessment_form(tmp_path / "v.csv", city="Velmora", date="2026-11-30", focus=focus)
    pages = form._widgets["pages"]
    first = pages.children[0].children
    assert pages.selected_index == 0 and pages.titles[0].startswith("This session's 3 graded indicators")
    assert [box for box in first] == [form.controls[i].box for i in focus]
    assert pages.children[1].children == ()                           # built when opened
    pages.selected_index = 2                                           # Content Provision
    assert "221" not in [c for c in form.controls if c not in focus] and "217" in form.controls
    shown = [box for page in pages.children[1:] for box in page.children]
    assert not any(form.controls[i].box in shown for i in focus)      # each indicator once
    form.controls["228"].answer.value = "Yes"
    assert "answered 1 / 3" in form._widgets["pages"].titles[0]
    assert form.sheet.metadata["date"] == "2026-11-30"                 # the stated date, not today's


def test_a_placeholder_name_is_not_recorded_and_gives_way_to_the_real_one(tmp_path):
    path = tmp_path / "v.csv"
    first = assessment_form(path, city="Velmora", assessor="Your name")
    assert first.sheet.assessor == "" and "Write your own assessor" in first.notice
    again = assessment_form(path, city="Velmora", assessor="Ana Silva")
    assert again.sheet.assessor == "Ana Silva" and "not 'Ana Silva'" not in again.notice


def test_a_new_form_starts_from_prefilled_answers_and_an_existing_file_wins(tmp_path):
    from losi_course.assessment import Assessment
    from losi_course.sheets import write_sheet

    machine = write_sheet(Assessment.from_values({"204": "yes", "210": "no"}, city="Velmora"), tmp_path / "pre.csv")
    form = assessment_form(tmp_path / "mine.csv", start_from=machine, assessor="Ana Silva")
    assert form.sheet["204"].state == "yes" and form.sheet.assessor == "Ana Silva"
    form.set("204", "no")
    again = assessment_form(tmp_path / "mine.csv", start_from=machine)
    assert again.sheet["204"].state == "no"          # the participant's file, not the pre-check
