"""The prepared sheets of Velmora: two fictional assessors and the team's reconciled sheet.

Assessor A (Amara Voss) and assessor B (Teodor Lind), both fictional, start from the designed
answers and differ on the indicators listed in ``data/velmora/assessor_disagreements.csv``;
``data/velmora/assessor_notes.csv`` holds the notes both write on agreed items. The instructors'
notes on each disagreement are in ``course/sample-city.md``.

The sheets ship ready-made, as ``data/velmora/prepared_sheets.csv`` under the checksum manifest,
so the participants' copy of the course needs no answer key: :func:`prepared_rows` builds that
file's rows from the answer key (run ``python -m losi_course.velmora.prepared`` after changing
the key, the disagreements or the notes, then ``make manifest``; a test checks they agree).
Sessions 4 to 6 need the team's whole sheet (the pre-check's agreement with people, the whole
city's score and scorecard), so the file holds an answer for every indicator, graded ones
included: it is exercise material, not the answer key (which has the explanations and ships
only with the instructors' copy).

Example:
    >>> a, b = assessor_assessments()
    >>> sorted(k for k in a.answers if a[k].value != b[k].value) == sorted(designed_disagreements())
    True
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

from ..assessment import Assessment, assessment_from_answers
from ..datafiles import data_dir, read_records
from ..errors import LosiInputError
from ..framework import load_instrument
from ..sheets import write_sheet
from .answer_key import evidence_pages, load_answer_key
from .facts import (ASSESSMENT_DATE, ASSESSOR_A, ASSESSOR_B, CITY, CONTENT_SAMPLE, COUNTRY, INSTITUTIONAL_SAMPLE,
                    PARTICIPATION_SAMPLE, PORTAL_URL, SERVICES_SAMPLE, TECHNOLOGY_SAMPLE)

__all__ = ["PREPARED_FILE", "PREPARED_COLUMNS", "GRADED_SAMPLES", "Disagreement", "designed_disagreements",
           "prepared_rows", "write_prepared_sheets", "assessor_assessments", "assessor_sheets",
           "team_assessment", "team_sheet", "with_findings"]

PREPARED_FILE = "velmora/prepared_sheets.csv"
PREPARED_COLUMNS = ("id", "a_value", "a_evidence", "a_note", "b_value", "b_evidence", "b_note",
                    "team_value", "team_evidence", "team_note")
#: The indicators whose findings sessions 3, 5 and 6 grade (their explanations never ship to participants).
GRADED_SAMPLES = CONTENT_SAMPLE + SERVICES_SAMPLE + INSTITUTIONAL_SAMPLE + TECHNOLOGY_SAMPLE + PARTICIPATION_SAMPLE


class Disagreement(NamedTuple):
    """What each fictional assessor recorded for an indicator they disagree on."""

    answer_a: int
    answer_b: int
    evidence_a: str
    evidence_b: str
    note_a: str
    note_b: str


@lru_cache(maxsize=1)
def _disagreements() -> tuple[tuple[str, Disagreement], ...]:
    rows = read_records("velmora/assessor_disagreements.csv")
    return tuple((r["id"], Disagreement(int(r["answer_a"]), int(r["answer_b"]), r["evidence_a"],
                                        r["evidence_b"], r["note_a"], r["note_b"])) for r in rows)


def designed_disagreements() -> dict[str, Disagreement]:
    """``{indicator id: Disagreement}``: where the two fictional assessors' sheets differ.

    Example:
        >>> d = designed_disagreements()
        >>> len(d), d["216"].answer_a, d["216"].answer_b
        (12, 0, 1)
    """
    return dict(_disagreements())


@lru_cache(maxsize=1)
def _shared_notes() -> dict[str, str]:
    return {r["id"]: r["note"] for r in read_records("velmora/assessor_notes.csv")}


def _url(page: str) -> str:
    return PORTAL_URL + page if page else ""


def prepared_rows() -> list[dict[str, str]]:
    """The rows of the prepared sheets, built from the answer key (what the shipped file must hold).

    Needs the answer key, so it runs only in the instructors' copy of the course.

    Example:
        >>> rows = {r["id"]: r for r in prepared_rows()}
        >>> rows["216"]["a_value"], rows["216"]["b_value"], rows["216"]["team_value"]
        ('0', '1', '1')
    """
    key = load_answer_key()
    disagreements = designed_disagreements()
    rows = []
    for indicator_id in load_instrument("2024").ids:
        pages = evidence_pages(indicator_id)
        value = str(int(key.loc[indicator_id, "value"]))
        shared = _shared_notes().get(indicator_id, "")
        row = {"id": indicator_id}
        for which in ("a", "b"):
            if indicator_id in disagreements:
                found = disagreements[indicator_id]
                answer, page, note = ((found.answer_a, found.evidence_a, found.note_a) if which == "a"
                                      else (found.answer_b, found.evidence_b, found.note_b))
                row.update({f"{which}_value": str(answer), f"{which}_evidence": _url(page), f"{which}_note": note})
            else:
                page = (pages[0] if which == "a" else pages[-1]) if pages else ""
                row.update({f"{which}_value": value, f"{which}_evidence": _url(page), f"{which}_note": shared})
        row.update({"team_value": value, "team_evidence": " | ".join(_url(p) for p in pages), "team_note": shared})
        rows.append(row)
    return rows


def write_prepared_sheets(path: str | os.PathLike | None = None) -> Path:
    """Write :func:`prepared_rows` as the shipped CSV file (default: in the course data); return it.

    Example:
        >>> import tempfile
        >>> written = write_prepared_sheets(Path(tempfile.mkdtemp()) / "prepared.csv")
        >>> written.read_text(encoding="utf-8").splitlines()[0]
        'id,a_value,a_evidence,a_note,b_value,b_evidence,b_note,team_value,team_evidence,team_note'
    """
    import csv
    import io

    target = Path(path) if path else data_dir() / PREPARED_FILE
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PREPARED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(prepared_rows())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, str], ...]:
    return tuple(read_records(PREPARED_FILE))


def _prepared(which: str) -> Assessment:
    sheet = Assessment("2024", city=CITY, country=COUNTRY, assessor=ASSESSOR_A if which == "a" else ASSESSOR_B,
                       date=ASSESSMENT_DATE)
    for row in _shipped():
        sheet.set(row["id"], int(row[f"{which}_value"]), evidence=row[f"{which}_evidence"], note=row[f"{which}_note"])
    return sheet


def assessor_assessments() -> tuple[Assessment, Assessment]:
    """The two fictional assessors' complete sheets of Velmora, as assessments (A, B).

    Both follow the designed answers except on :func:`designed_disagreements`. Fresh copies on
    every call.

    Example:
        >>> a, b = assessor_assessments()
        >>> a.assessor, b.assessor, a.is_complete, b.is_complete
        ('Amara Voss', 'Teodor Lind', True, True)
        >>> a["242"].evidence
        'http://127.0.0.1:8000/government/index.html'
    """
    return _prepared("a"), _prepared("b")


def assessor_sheets(folder: str | os.PathLike = ".") -> tuple[Path, Path]:
    """Write the two fictional assessors' sheets of Velmora into ``folder``; return the paths.

    The files are ``velmora-assessor-a.csv`` and ``velmora-assessor-b.csv``; the same content is
    written every time.

    Example:
        >>> import tempfile
        >>> from losi_course.sheets import read_sheet
        >>> path_a, path_b = assessor_sheets(tempfile.mkdtemp())
        >>> path_a.name, read_sheet(path_b).assessor
        ('velmora-assessor-a.csv', 'Teodor Lind')
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    a, b = assessor_assessments()
    return (write_sheet(a, folder / "velmora-assessor-a.csv"),
            write_sheet(b, folder / "velmora-assessor-b.csv"))


def team_assessment(leave_blank: Iterable[str] = ()) -> Assessment:
    """The team's reconciled sheet of Velmora, with the ``leave_blank`` indicators left empty.

    The answers are those the two fictional assessors agreed on after talking their
    disagreements through; ``leave_blank`` leaves room for a participant's own findings
    (see :func:`with_findings`). Institutional-framework items left blank say that session 5
    assesses them.

    Example:
        >>> team = team_assessment(leave_blank=["221", "228"])
        >>> len(team.unanswered), team["221"].note
        (2, 'Left empty for you to assess.')
    """
    instrument = load_instrument("2024")
    blank = {instrument.resolve_id(i) for i in leave_blank}
    sheet = Assessment("2024", city=CITY, country=COUNTRY,
                       assessor=f"{ASSESSOR_A} + {ASSESSOR_B} (consensus)", date=ASSESSMENT_DATE)
    for row in _shipped():
        indicator_id = row["id"]
        if indicator_id in blank:
            note = ("Left empty: you assess it in session 5." if indicator_id in INSTITUTIONAL_SAMPLE
                    else "Left empty for you to assess.")
            sheet.set(indicator_id, "", evidence="", note=note)
            continue
        sheet.set(indicator_id, int(row["team_value"]), evidence=row["team_evidence"], note=row["team_note"])
    return sheet


def team_sheet(folder: str | os.PathLike = ".", leave_blank: Iterable[str] = ()) -> Path:
    """Write the team's reconciled sheet (``velmora-team.csv``) into ``folder``; return its path.

    Example:
        >>> import tempfile
        >>> from losi_course.sheets import read_sheet
        >>> path = team_sheet(tempfile.mkdtemp(), leave_blank=["255", "256"])
        >>> read_sheet(path).describe()
        'Velmora, assessed by Amara Voss + Teodor Lind (consensus) (LOSI 2024): 93 of 95 indicators answered'
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_sheet(team_assessment(leave_blank), folder / "velmora-team.csv")


def with_findings(sheet: Assessment, *findings: Mapping[str, object]) -> Assessment:
    """A copy of ``sheet`` with your findings filled in (each a ``{id: "yes" or "no"}`` dictionary).

    Example:
        >>> team = team_assessment(leave_blank=["221", "255"])
        >>> velmora = with_findings(team, {"221": "no"}, {"255": "yes"})
        >>> velmora.is_complete, velmora["255"].state, team["255"].state
        (True, 'yes', '')
        >>> with_findings(team, {"221": ...})
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: Indicator 221 has no yes or no answer: write "yes" or "no".
    """
    result = sheet
    for group in findings:
        if not isinstance(group, Mapping):
            raise LosiInputError(f"Findings should be dictionaries like {{'221': 'yes'}}; got {type(group).__name__}.")
        result = assessment_from_answers(group, base=result, note="Your finding.", require_answer=True)
    return result if findings else sheet.copy()


if __name__ == "__main__":  # python -m losi_course.velmora.prepared: rebuild the shipped sheets
    print(f"wrote {write_prepared_sheets()}; now run `make manifest` to record its checksum.")
