"""The prepared sheets of Velmora: two fictional assessors and the team's reconciled sheet.

Assessor A (Amara Voss) and assessor B (Teodor Lind), both fictional, start from the designed
answers and differ on the indicators listed in ``data/velmora/assessor_disagreements.csv``;
``data/velmora/assessor_notes.csv`` holds the notes both write on agreed items. Both files are
under the checksum manifest. The instructors' notes on each disagreement are in
``course/sample-city.md``.

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
from ..datafiles import read_records
from ..errors import LosiInputError
from ..framework import load_instrument
from ..sheets import write_sheet
from .answer_key import evidence_pages, load_answer_key
from .facts import ASSESSMENT_DATE, ASSESSOR_A, ASSESSOR_B, CITY, COUNTRY, INSTITUTIONAL_SAMPLE, PORTAL_URL

__all__ = ["Disagreement", "designed_disagreements", "assessor_assessments", "assessor_sheets",
           "team_assessment", "team_sheet", "with_findings"]


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


def _prepared(which: str) -> Assessment:
    key = load_answer_key()
    disagreements = designed_disagreements()
    sheet = Assessment("2024", city=CITY, country=COUNTRY, assessor=ASSESSOR_A if which == "a" else ASSESSOR_B,
                       date=ASSESSMENT_DATE)
    for indicator_id in load_instrument("2024").ids:
        if indicator_id in disagreements:
            row = disagreements[indicator_id]
            value, page, note = ((row.answer_a, row.evidence_a, row.note_a) if which == "a"
                                 else (row.answer_b, row.evidence_b, row.note_b))
        else:
            pages = evidence_pages(indicator_id)
            value = int(key.loc[indicator_id, "value"])
            page = (pages[0] if which == "a" else pages[-1]) if pages else ""
            note = _shared_notes().get(indicator_id, "")
        sheet.set(indicator_id, value, evidence=_url(page), note=note)
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
    key = load_answer_key()
    sheet = Assessment("2024", city=CITY, country=COUNTRY,
                       assessor=f"{ASSESSOR_A} + {ASSESSOR_B} (consensus)", date=ASSESSMENT_DATE)
    for indicator_id in instrument.ids:
        if indicator_id in blank:
            note = ("Left empty: you assess it in session 5." if indicator_id in INSTITUTIONAL_SAMPLE
                    else "Left empty for you to assess.")
            sheet.set(indicator_id, "", evidence="", note=note)
            continue
        evidence = " | ".join(_url(p) for p in evidence_pages(indicator_id))
        sheet.set(indicator_id, int(key.loc[indicator_id, "value"]), evidence=evidence,
                  note=_shared_notes().get(indicator_id, ""))
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
