"""Two-assessor reconciliation: agreement, Cohen's kappa, consensus, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from conftest import run_cli_in_process

from losi_course.assessment import Assessment
from losi_course.errors import LosiInputError, UnknownIndicatorError
from losi_course.framework import load_instrument
from losi_course.reconcile import Reconciliation, cohen_kappa, kappa_words, reconcile
from losi_course.sheets import read_sheet, write_sheet

IDS = load_instrument().ids


def sheets(values_a, values_b, *, start=0, city="Velmora", **extra):
    """Two assessments answering IDS[start:start+len(values)]; the rest blank."""
    a = Assessment.from_values(dict(zip(IDS[start:], values_a)), city=city, assessor="Ana Silva", **extra)
    b = Assessment.from_values(dict(zip(IDS[start:], values_b)), city=city, assessor="Ben Okafor", **extra)
    return a, b


# --------------------------------------------------------------------------- kappa by hand
# 20 items.
#   a = 1 1 1 1 1 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0
#   b = 1 1 1 1 1 1 1 1 1 0 0 1 1 1 0 0 0 0 0 0
#
#                 B yes   B no
#       A yes       9       2      (11)
#       A no        3       6      ( 9)
#                 (12)    ( 8)      20
#
#   p_o = (9 + 6) / 20                    = 0.75
#   p_e = 0.55 * 0.60 + 0.45 * 0.40       = 0.33 + 0.18 = 0.51
#   kappa = (0.75 - 0.51) / (1 - 0.51)    = 0.24 / 0.49 = 0.489796 -> 0.4898
HAND_A = [1] * 11 + [0] * 9
HAND_B = [1] * 9 + [0] * 2 + [1] * 3 + [0] * 6


def test_kappa_hand_computed_20_items():
    assert cohen_kappa(HAND_A, HAND_B) == pytest.approx(0.24 / 0.49)
    result = reconcile(*sheets(HAND_A, HAND_B))
    assert result.n_compared == 20
    assert result.counts == (9, 2, 3, 6)
    assert result.agreement == pytest.approx(0.75)
    assert round(result.kappa, 4) == 0.4898
    assert result.disagreements == list(IDS[9:14])
    assert result.to_dict()["kappa"] == 0.4898


def test_kappa_per_criterion_hand_computed():
    # The first 6 ids are Institutional Framework, the next 14 Content Provision.
    instrument = load_instrument()
    assert [instrument[i].criterion for i in IDS[:6]] == ["Institutional Framework"] * 6
    assert {instrument[i].criterion for i in IDS[6:20]} == {"Content Provision"}
    result = reconcile(*sheets(HAND_A, HAND_B))
    table = result.by_criterion
    # IF: 6 items, all yes in both sheets -> p_e = 1 -> kappa undefined; agreement 6/6.
    assert table.loc["Institutional Framework", "n"] == 6
    assert table.loc["Institutional Framework", "agreement"] == 1.0
    assert table.loc["Institutional Framework", "kappa"] is pd_na()
    # CP: 14 items.  a = 1 1 1 1 1 0 0 0 0 0 0 0 0 0 ; b = 1 1 1 0 0 1 1 1 0 0 0 0 0 0
    #   both yes 3, A yes/B no 2, A no/B yes 3, both no 6
    #   p_o = 9/14 = 0.642857 ; p_e = (5/14)(6/14) + (9/14)(8/14) = (30 + 72)/196 = 102/196 = 0.520408
    #   kappa = (126/196 - 102/196) / (94/196) = 24/94 = 0.255319 -> 0.2553
    assert table.loc["Content Provision", "n"] == 14
    assert table.loc["Content Provision", "agreement"] == pytest.approx(9 / 14)
    assert round(float(table.loc["Content Provision", "kappa"]), 4) == 0.2553
    # Criteria with nothing compared: n 0, values missing.
    assert table.loc["Technology", "n"] == 0
    assert table.loc["Technology", "agreement"] is pd_na()
    as_json = result.to_dict()["by_criterion"]
    assert as_json["Institutional Framework"] == {"n": 6, "agreement": 1.0, "kappa": None}
    assert as_json["Content Provision"] == {"n": 14, "agreement": 0.6429, "kappa": 0.2553}
    assert as_json["Technology"] == {"n": 0, "agreement": None, "kappa": None}
    assert list(as_json) == list(instrument.criteria)


def pd_na():
    import pandas as pd

    return pd.NA


def test_kappa_textbook_example():
    # The common textbook (and Wikipedia) example: 50 proposals read by two readers.
    #                 B yes   B no
    #       A yes      20       5      (25)
    #       A no       10      15      (25)
    #                 (30)    (20)      50
    #   p_o = 35/50 = 0.70 ; p_e = 0.5*0.6 + 0.5*0.4 = 0.50 ; kappa = 0.20/0.50 = 0.40
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    result = reconcile(*sheets(a, b))
    assert (result.n_compared, result.agreement) == (50, pytest.approx(0.7))
    assert result.kappa == pytest.approx(0.4)
    # The 45 indicators nobody answered are left out of both figures and listed.
    assert result.unanswered == list(IDS[50:])
    assert kappa_words(result.kappa) == "fair"


def test_negative_and_chance_level_kappa():
    # Perfect disagreement: p_o = 0, p_e = 0.5*0.5 + 0.5*0.5 = 0.5 -> kappa = -0.5/0.5 = -1
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == -1.0
    result = reconcile(*sheets([1, 0, 1, 0], [0, 1, 0, 1]))
    assert result.kappa == -1.0 and result.agreement == 0.0
    assert "Cohen's kappa: -1.0000 (poor agreement, no better than chance" in result.summary()


def test_constant_sheet_against_varied_sheet_is_defined():
    # A says yes to all 20; B says yes to 15, no to 5.
    #   p_o = 15/20 = 0.75 ; p_e = 1.0*0.75 + 0.0*0.25 = 0.75 ; kappa = 0/0.25 = 0
    result = reconcile(*sheets([1] * 20, [1] * 15 + [0] * 5))
    assert result.kappa == 0.0 and result.agreement == 0.75
    # A all yes, B all no: p_o = 0, p_e = 1*0 + 0*1 = 0 -> kappa = 0 (defined, not 1/0)
    result = reconcile(*sheets([1] * 20, [0] * 20))
    assert result.kappa == 0.0 and result.agreement == 0.0
    assert len(result.disagreements) == 20


@pytest.mark.parametrize("value", [0, 1])
def test_identical_constant_sheets_have_undefined_kappa(value):
    a, b = sheets([value] * 95, [value] * 95)
    result = reconcile(a, b)
    assert result.agreement == 1.0
    assert result.kappa is None
    assert result.to_dict()["kappa"] is None
    assert json.loads(json.dumps(result.to_dict()))["kappa"] is None
    assert "kappa is undefined when both assessors gave the same answer to every item" in result.summary()
    assert all(v["kappa"] is None for v in result.to_dict()["by_criterion"].values())


def test_identical_varied_sheets():
    values = [k % 3 == 0 for k in range(95)]
    result = reconcile(*sheets([int(v) for v in values], [int(v) for v in values]))
    assert (result.agreement, result.kappa) == (1.0, 1.0)
    assert result.disagreements == [] and result.unanswered == []
    assert "No disagreements" in result.summary()


def test_cohen_kappa_input_errors():
    with pytest.raises(LosiInputError, match="different lengths"):
        cohen_kappa([1, 0], [1])
    with pytest.raises(LosiInputError, match="no answers"):
        cohen_kappa([], [])
    with pytest.raises(LosiInputError, match="not 0 or 1"):
        cohen_kappa([1, 2], [1, 0])
    assert cohen_kappa([True, False], [True, False]) == 1.0


# --------------------------------------------------------------------------- what is compared
def test_unanswered_and_not_sure_are_excluded():
    a = Assessment.from_values({i: 1 for i in IDS[:60]}, city="Velmora")
    b = Assessment.from_values({i: 1 for i in IDS[10:70]}, city="Velmora")
    a.set(IDS[20], "not sure")
    b.set(IDS[21], 0)
    result = reconcile(a, b)
    compared = [i for i in IDS[10:60] if i != IDS[20]]
    assert result.n_compared == len(compared) == 49
    assert result.disagreements == [IDS[21]]
    assert result.agreement == pytest.approx(48 / 49)
    assert result.unanswered == [i for i in IDS if i not in compared]
    assert IDS[20] in result.unanswered and IDS[0] in result.unanswered and IDS[65] in result.unanswered
    # only A: IDS[0:10]; only B: IDS[60:70] and IDS[20] (A is not sure); neither: IDS[70:]
    assert "Not compared (46: 10 answered only by A, 11 only by B, 25 by neither)" in result.summary()


def test_nothing_in_common_is_a_clear_error():
    a = Assessment.from_values({i: 1 for i in IDS[:10]})
    b = Assessment.from_values({i: 1 for i in IDS[10:20]})
    with pytest.raises(LosiInputError, match="nothing to compare.*sheet A has 10 answered, sheet B 10"):
        reconcile(a, b)
    with pytest.raises(LosiInputError, match="nothing to compare"):
        reconcile(Assessment(), Assessment())


def test_different_editions_are_refused():
    a, b = sheets([1] * 10, [1] * 10)
    b.edition = "2022"  # no complete 2022 sheet can exist; pretend one did
    with pytest.raises(LosiInputError, match="different LOSI instruments: 2024 .* and 2022"):
        reconcile(a, b)


def test_different_cities_are_refused_with_both_names():
    a, _ = sheets([1] * 10, [1] * 10, city="Velmora")
    _, b = sheets([1] * 10, [1] * 10, city="Lumen Bay")
    with pytest.raises(LosiInputError) as info:
        reconcile(a, b)
    assert "'Velmora'" in str(info.value) and "'Lumen Bay'" in str(info.value)


def test_city_spelling_differences_and_missing_city_are_accepted():
    a, b = sheets([1, 0] * 5, [1, 0] * 5)
    b.metadata["city"] = "  VELMORA "
    assert reconcile(a, b).n_compared == 10
    b.metadata["city"] = ""
    assert reconcile(a, b).to_dict()["city"] == "Velmora"


def test_paths_are_accepted(tmp_path):
    a, b = sheets(HAND_A, HAND_B)
    result = reconcile(write_sheet(a, tmp_path / "a.csv"), str(write_sheet(b, tmp_path / "b.json")))
    assert round(result.kappa, 4) == 0.4898
    with pytest.raises(LosiInputError, match="Sheet B must be an assessment"):
        reconcile(a, 42)


# --------------------------------------------------------------------------- outputs
def test_disagreement_table_and_crosstab():
    a, b = sheets(HAND_A, HAND_B)
    a.set(IDS[9], "yes", evidence="https://velmora.example/a", note="seen on the home page")
    b.set(IDS[9], "no", evidence="https://velmora.example/b", note="link broken")
    result = reconcile(a, b)
    table = result.disagreement_table()
    assert list(table.columns) == ["id", "criterion", "label", "answer_a", "answer_b", "evidence_a",
                                   "evidence_b", "note_a", "note_b"]
    assert table["id"].tolist() == result.disagreements
    first = table.iloc[0]
    assert (first["answer_a"], first["answer_b"]) == ("yes", "no")
    assert first["evidence_a"] == "https://velmora.example/a" and first["note_b"] == "link broken"
    assert first["label"] == load_instrument()[IDS[9]].label
    assert result.crosstab().to_numpy().tolist() == [[9, 2], [3, 6]]


def test_to_dict_keys_and_types():
    result = reconcile(*sheets(HAND_A, HAND_B))
    data = result.to_dict()
    for key in ("agreement", "kappa", "disagreements", "n_compared", "by_criterion", "unanswered"):
        assert key in data
    assert data["agreement"] == 0.75 and data["n_compared"] == 20
    assert data["disagreements"] == list(IDS[9:14])
    assert len(data["unanswered"]) == 75
    json.dumps(data)  # JSON-serialisable as is
    assert isinstance(result, Reconciliation)
    assert "agreement 0.7500" in repr(result)


def test_summary_reads_well():
    text = reconcile(*sheets(HAND_A, HAND_B)).summary()
    assert text.splitlines()[0] == "Velmora, LOSI 2024: Ana Silva (A) and Ben Okafor (B)"
    assert "Agreement: 15 of 20 (75.0%)." in text
    assert "Cohen's kappa: 0.4898 (moderate agreement" in text
    assert "Disagreements to resolve (5):" in text
    assert "undefined*" in text  # Institutional Framework: all yes in both sheets


def test_kappa_words_boundaries():
    assert [kappa_words(k) for k in (None, -0.1, 0.0, 0.2, 0.21, 0.4, 0.6, 0.8, 0.81, 1.0)] == [
        "undefined", "poor", "poor", "slight", "fair",
        "fair", "moderate", "substantial", "almost perfect", "almost perfect"]


# --------------------------------------------------------------------------- consensus
def test_consensus_content_and_metadata():
    a, b = sheets(HAND_A, HAND_B, country="Estoria")
    a.set(IDS[0], 1, evidence="https://velmora.example/", note="clear")
    b.set(IDS[0], 1, evidence="https://velmora.example/", note="agreed, see footer")
    a.set(IDS[1], 1, evidence="https://velmora.example/a")
    b.set(IDS[1], 1, evidence="https://velmora.example/b", note="")
    a.set(IDS[30], 1)  # answered by A only
    result = reconcile(a, b)
    agreed = result.consensus()
    assert agreed.city == "Velmora" and agreed.country == "Estoria"
    assert agreed.assessor == "Ana Silva + Ben Okafor (consensus)"
    assert agreed.date == dt.date.today().isoformat()
    # agreed answers kept, evidences and notes merged
    assert agreed[IDS[0]].value == 1
    assert agreed[IDS[0]].evidence == "https://velmora.example/"
    assert agreed[IDS[0]].note == "Ana Silva: clear | Ben Okafor: agreed, see footer"
    assert agreed[IDS[1]].evidence == "https://velmora.example/a | https://velmora.example/b"
    assert agreed[IDS[15]].value == 0
    # disagreements and one-sided answers left blank, with what each said
    for key in result.disagreements:
        assert agreed[key].value is None
        assert agreed[key].note.startswith("To resolve: Ana Silva answered")
    assert agreed[IDS[30]].value is None
    assert agreed[IDS[30]].note == "To resolve: Ana Silva answered yes; Ben Okafor answered nothing."
    assert set(agreed.unanswered) == set(result.disagreements) | set(result.unanswered)
    # the inputs are untouched
    assert a[IDS[9]].value == 1 and b[IDS[9]].value == 0


def test_consensus_resolutions():
    a, b = sheets(HAND_A, HAND_B)
    result = reconcile(a, b)
    agreed = result.consensus({IDS[9]: "yes", "#" + IDS[10]: 0, IDS[40]: "no"})
    assert agreed[IDS[9]].value == 1 and agreed[IDS[10]].value == 0 and agreed[IDS[40]].value == 0
    assert agreed[IDS[9]].note.startswith("Resolved: Ana Silva answered yes; Ben Okafor answered no.")
    assert agreed[IDS[11]].value is None  # not resolved
    with pytest.raises(UnknownIndicatorError):
        result.consensus({"999": "yes"})
    with pytest.raises(LosiInputError, match="not an answer"):
        result.consensus({IDS[9]: "maybe"})


def test_consensus_without_assessor_names(tmp_path):
    a = Assessment.from_values({i: 1 for i in IDS[:5]})
    b = Assessment.from_values({i: 1 for i in IDS[:5]})
    agreed = reconcile(a, b).consensus()
    assert agreed.assessor == "Assessor A + Assessor B (consensus)"
    again = read_sheet(write_sheet(agreed, tmp_path / "consensus.xlsx"))
    assert again.values() == agreed.values() and again.assessor == agreed.assessor


# --------------------------------------------------------------------------- the real CLI
def run_cli(*args, cwd):
    return run_cli_in_process("reconcile", *args, cwd=cwd)


def test_cli_json(tmp_path):
    a, b = sheets(HAND_A, HAND_B)
    write_sheet(a, tmp_path / "ana.csv")
    write_sheet(b, tmp_path / "ben.xlsx")
    done = run_cli("ana.csv", "ben.xlsx", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"agreement", "kappa", "disagreements", "n_compared", "by_criterion", "unanswered"} <= set(data)
    assert data["agreement"] == 0.75 and data["kappa"] == 0.4898 and data["n_compared"] == 20
    assert data["disagreements"] == list(IDS[9:14])
    assert data["by_criterion"]["Institutional Framework"] == {"n": 6, "agreement": 1.0, "kappa": None}


def test_cli_summary_and_consensus(tmp_path):
    a, b = sheets(HAND_A, HAND_B)
    write_sheet(a, tmp_path / "ana.json")
    write_sheet(b, tmp_path / "ben.json")
    done = run_cli("ana.json", "ben.json", "--consensus", "agreed.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Cohen's kappa: 0.4898" in done.stdout
    assert "Wrote the consensus sheet to agreed.csv" in done.stdout
    agreed = read_sheet(tmp_path / "agreed.csv")
    assert agreed.assessor == "Ana Silva + Ben Okafor (consensus)"
    assert [k for k, v in agreed.values().items() if v is not None] == [
        k for k in IDS[:20] if k not in IDS[9:14]]


def test_cli_undefined_kappa_is_null(tmp_path):
    a, b = sheets([1] * 95, [1] * 95)
    write_sheet(a, tmp_path / "a.csv")
    write_sheet(b, tmp_path / "b.csv")
    data = json.loads(run_cli("a.csv", "b.csv", "--json", cwd=tmp_path).stdout)
    assert data["kappa"] is None and data["agreement"] == 1.0


def _one_paragraph(stderr: str) -> bool:
    text = stderr.strip()
    return bool(text) and "\n\n" not in text and "Traceback" not in text and text.startswith("losi-course:")


def test_cli_bad_sheet_exit_code_2(tmp_path):
    a, _ = sheets(HAND_A, HAND_B)
    write_sheet(a, tmp_path / "a.csv")
    (tmp_path / "bad.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    done = run_cli("a.csv", "bad.csv", "--json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert _one_paragraph(done.stderr), done.stderr
    assert "bad.csv" in done.stderr


def test_cli_different_cities_exit_code_2(tmp_path):
    a, _ = sheets(HAND_A, HAND_B, city="Velmora")
    _, b = sheets(HAND_A, HAND_B, city="Lumen")
    write_sheet(a, tmp_path / "a.csv")
    write_sheet(b, tmp_path / "b.csv")
    done = run_cli("a.csv", "b.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert _one_paragraph(done.stderr), done.stderr
    assert "Velmora" in done.stderr and "Lumen" in done.stderr


def test_kappa_is_never_nan():
    # Exhaustive over all 2x2 tables with up to 6 items: defined values are finite, p_e = 1 gives None.
    for n in range(1, 7):
        for n11 in range(n + 1):
            for n10 in range(n + 1 - n11):
                for n01 in range(n + 1 - n11 - n10):
                    n00 = n - n11 - n10 - n01
                    a = [1] * n11 + [1] * n10 + [0] * n01 + [0] * n00
                    b = [1] * n11 + [0] * n10 + [1] * n01 + [0] * n00
                    kappa = cohen_kappa(a, b)
                    if n11 == n or n00 == n:
                        assert kappa is None
                    else:
                        assert math.isfinite(kappa) and -1.0 <= kappa <= 1.0
