"""Assessment sheets: round trips in every format, Excel's habits, and bad input."""

import json

import openpyxl
import pytest

from losi_course.assessment import Assessment
from losi_course.errors import LosiInputError, SheetError
from losi_course.framework import load_instrument
from losi_course.scoring import score_assessment
from losi_course.sheets import read_sheet, write_sheet, write_template

IDS = load_instrument().ids


@pytest.fixture
def assessment():
    a = Assessment(city="Velmora", country="Estoria", assessor="Ana Ruiz", date="2026-11-26")
    for k, i in enumerate(IDS):
        a.set(i, k % 3 == 0, evidence=f"https://velmora.example/{i}", note="vérifié" if k == 0 else "")
    a.set("204", "not sure", note="Layout breaks on a phone?")
    a.set("205", "")
    return a


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_every_format_round_trips_answers_evidence_notes_and_metadata(tmp_path, assessment, suffix):
    path = write_sheet(assessment, tmp_path / f"sheet{suffix}")
    back = read_sheet(path)
    assert back.metadata == assessment.metadata
    assert back.values() == assessment.values()
    assert back["204"].state == "not sure" and back["205"].state == ""
    assert back["281"].note == "vérifié"
    assert back["215"].evidence == "https://velmora.example/215"


def _csv(tmp_path, text, name="sheet.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _full_csv(separator=",", values=None, header="id,value"):
    values = values or {}
    rows = [header.replace(",", separator)]
    rows += [f"{i}{separator}{values.get(i, 1)}" for i in IDS]
    return "\n".join(rows) + "\n"


def test_excel_csv_with_bom_and_semicolons_is_read(tmp_path):
    text = "# city: Velmora;;\n" + _full_csv(";", {"281": "No", "215": "TRUE", "216": "yes"})
    back = read_sheet(_csv(tmp_path, "\ufeff" + text))
    assert back.city == "Velmora"
    assert back["281"].value == 0 and back["215"].value == 1


def test_windows_ansi_csv_is_read(tmp_path):
    text = "# city: Bogotá-like fictional town\n" + _full_csv()
    assert read_sheet(_csv(tmp_path, text, encoding="cp1252")).city == "Bogotá-like fictional town"


def test_extra_columns_and_blank_trailing_rows_are_ignored(tmp_path):
    text = "id,criterion,label,value,evidence,note\n" + "".join(f"{i},x,y,0,,\n" for i in IDS) + ",,,,,\n\n"
    assert read_sheet(_csv(tmp_path, text)).values()["281"] == 0


def test_xlsx_template_has_labels_guidance_and_a_choice_list(tmp_path):
    path = write_template(tmp_path / "blank.xlsx", city="Velmora")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Assessment", "About", "Guide"]
    sheet = book["Assessment"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["id", "criterion", "label", "value", "evidence", "note"]
    assert sheet.max_row == 96 and sheet["C2"].value == load_instrument()["281"].label
    assert sheet.data_validations.dataValidation[0].formula1 == '"yes,no,not sure"'
    blank = read_sheet(path)
    assert blank.city == "Velmora" and len(blank.unanswered) == 95


def test_a_sheet_edited_in_excel_is_scored(tmp_path):
    path = write_template(tmp_path / "blank.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Assessment"]
    for row in range(2, 97):
        sheet.cell(row=row, column=4, value="yes" if row % 2 else 0)
    book.save(path)
    assert score_assessment(read_sheet(path)).indicators_met == 47


def test_json_mapping_form_is_accepted(tmp_path):
    path = tmp_path / "sheet.json"
    path.write_text(json.dumps({"city": "Velmora", "answers": {i: 1 for i in IDS}}))
    assert score_assessment(read_sheet(path)).losi == 1.0


def test_writing_is_atomic_and_keeps_the_old_file_on_failure(tmp_path, assessment, monkeypatch):
    path = write_sheet(assessment, tmp_path / "sheet.csv")
    before = path.read_bytes()
    from losi_course.sheets import writing

    def broken(_):
        raise RuntimeError("disk trouble")

    monkeypatch.setitem(writing.WRITERS, ".csv", broken)
    with pytest.raises(RuntimeError):
        write_sheet(assessment, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.csv"]


# ---------------------------------------------------------------- bad input: 18 cases
BAD_CSV = {
    "unknown id": (_full_csv().replace("\n281,1\n", "\n999,1\n").replace("id,value\n281,1", "id,value\n999,1"),
                   r"row 2: '999' is not an indicator"),
    "duplicated id": (_full_csv() + "281,0\n", r"row 97: indicator 281 appears twice \(first on row 2\)"),
    "missing indicators": ("id,value\n" + "".join(f"{i},1\n" for i in IDS[3:]),
                           r"3 indicators of the LOSI 2024 instrument are missing: 281 \(Official city government website\), 215"),
    "bad value": (_full_csv(values={"215": "maybe"}), r"row 3: the value 'maybe' for indicator 215 is not an answer"),
    "number out of range": (_full_csv(values={"215": "2"}), r"row 3: the value '2'"),
    "empty id": (_full_csv() + ",1\n", r"row 97: the id is empty"),
    "ambiguous 236": (_full_csv().replace("236-IF,", "236,"), r"'236' is ambiguous"),
    "missing value column": (_full_csv(header="id,answer"), r"the column value is missing.*found: id, answer"),
    "missing both columns": ("code;answer\n281;1\n", r"the columns id and value are missing"),
    "header only": ("id,value\n", r"has a header but no answers"),
    "only metadata": ("# city: Velmora\n", r"no header row and no answers"),
    "many problems": (_full_csv(values={"215": "x", "216": "y"}).replace("\n281,", "\n2810,"),
                      r"3 problems\. row 2: '2810' is not an indicator.*row 3:.*row 4:"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_sheets_name_the_file_the_row_and_the_problem(tmp_path, case):
    text, pattern = BAD_CSV[case]
    path = _csv(tmp_path, text)
    with pytest.raises(SheetError, match=pattern) as caught:
        read_sheet(path)
    assert str(caught.value).startswith(str(path))
    assert path.read_text(encoding="utf-8") == text  # reading never changes the file


def test_empty_file(tmp_path):
    with pytest.raises(SheetError, match="the file is empty"):
        read_sheet(_csv(tmp_path, "  \n"))


def test_binary_file_named_csv(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SheetError, match="not a text CSV file"):
        read_sheet(path)


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(SheetError, match="cannot be read as an Excel workbook"):
        read_sheet(path)


def test_malformed_json(tmp_path):
    path = tmp_path / "sheet.json"
    path.write_text('{"answers": [ {"id": "281", "value": 1}, ]')
    with pytest.raises(SheetError, match=r"not valid JSON \(line 1, column"):
        read_sheet(path)


def test_json_of_another_shape(tmp_path):
    path = tmp_path / "sheet.json"
    path.write_text('[1, 2, 3]')
    with pytest.raises(SheetError, match='an object with an "answers" list'):
        read_sheet(path)


def test_unsupported_extension_missing_file_and_folder(tmp_path):
    with pytest.raises(SheetError, match="'.ods' is not supported"):
        read_sheet(tmp_path / "sheet.ods")
    with pytest.raises(SheetError, match="does not exist"):
        read_sheet(tmp_path / "absent.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(SheetError, match="a folder, not a sheet"):
        read_sheet(tmp_path / "folder.csv")


def test_2022_sheets_are_refused_because_the_instrument_is_not_public(tmp_path):
    path = _csv(tmp_path, "# edition: 2022\n" + _full_csv())
    with pytest.raises(SheetError, match="only 17 of its 86 indicators"):
        read_sheet(path)
    with pytest.raises(LosiInputError, match="only 17 of its 86"):
        write_template(tmp_path / "t.csv", edition="2022")


def test_bad_answers_set_from_code_are_explained():
    with pytest.raises(LosiInputError, match="'perhaps' is not an answer for indicator 281"):
        Assessment().set("281", "perhaps")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_text_that_looks_like_a_formula_or_holds_control_characters_survives(tmp_path, suffix):
    a = Assessment(city="=Velmora")
    a.set("281", "yes", evidence="=HYPERLINK(\"x\")", note="=same as 215\x0b, see\x00 below")
    back = read_sheet(write_sheet(a, tmp_path / f"s{suffix}"))
    assert back["281"].evidence == '=HYPERLINK("x")'
    assert back["281"].note == "=same as 215, see below"
    assert back.city == "=Velmora"


def test_rewriting_a_sheet_keeps_its_permissions_and_new_sheets_are_not_private(tmp_path):
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    path = write_sheet(Assessment(), tmp_path / "s.csv")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # like any new file, not 0600
    os.chmod(path, 0o640)
    write_sheet(Assessment(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
