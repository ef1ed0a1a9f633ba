"""Helpers for the exercises on Velmora, the course's fictional sample city (sessions 3 and 5).

Velmora and its country Estoria are invented; so are the two assessors whose sheets this
module prepares. Everything here is practice material built on the designed portal in
:mod:`losi_course.portal`.

What the module offers:

* the indicators of chosen criteria (:func:`velmora_indicators`) and the graded samples of
  the two sessions (:data:`CONTENT_SAMPLE`, :data:`SERVICES_SAMPLE`,
  :data:`INSTITUTIONAL_SAMPLE`);
* the portal server, started for this computer only (:func:`open_portal`), and a safe place
  for work files (:func:`work_path`);
* a ready-to-paste dictionary of findings from the assessment form (:func:`form_findings`),
  a check that every listed indicator has a yes or no (:func:`review_findings`, the visible
  check: it never compares with the designed answers), and, for studying on your own after
  answering, the same explanations the graded feedback gives (:func:`explain_findings`);
* the prepared sheets of two fictional assessors (:func:`assessor_sheets`) and the team's
  reconciled sheet (:func:`team_sheet`);
* Velmora's fictional peers, the municipalities of Estoria (:func:`peers`);
* the comparison with the answer key that the checkers use to explain each miss
  (:func:`compare_with_key`). Notebooks never print the key.

Assessor A (Amara Voss) and assessor B (Teodor Lind), both fictional, start from the designed
answers and differ on the indicators of :data:`DESIGNED_DISAGREEMENTS`; the instructors' notes
on each one are in ``course/sample-city.md``.

Example:
    >>> velmora_indicators("IF")
    ['281', '215', '216', '224', '236-IF', '242']
    >>> a, b = assessor_assessments()
    >>> sorted(k for k in a.answers if a[k].value != b[k].value) == sorted(DESIGNED_DISAGREEMENTS)
    True
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .assessment import Assessment, parse_answer
from .checks import CheckFailed, passed
from .errors import LosiInputError, UnknownIndicatorError
from .framework import load_instrument

if TYPE_CHECKING:
    import pandas as pd

    from .portal import PortalServer
    from .reconcile import Reconciliation

__all__ = [
    "CITY",
    "COUNTRY",
    "ASSESSMENT_DATE",
    "PORTAL_URL",
    "ASSESSOR_A",
    "ASSESSOR_B",
    "CONTENT_SAMPLE",
    "SERVICES_SAMPLE",
    "INSTITUTIONAL_SAMPLE",
    "FULL_POINTS_SHARE",
    "DESIGNED_DISAGREEMENTS",
    "velmora_indicators",
    "work_folder",
    "work_path",
    "open_portal",
    "form_findings",
    "parse_findings",
    "review_findings",
    "explain_findings",
    "compare_with_key",
    "FindingsResult",
    "grade_findings",
    "assessor_assessments",
    "assessor_sheets",
    "team_assessment",
    "team_sheet",
    "with_findings",
    "resolution_template",
    "peers",
]

CITY = "Velmora"
COUNTRY = "Estoria (fictional)"
#: The date the fictional portal is frozen at; "upcoming" and "stale" are judged against it.
ASSESSMENT_DATE = "2026-11-30"
#: The address the evidence in the prepared sheets uses (``losi-course portal serve``).
PORTAL_URL = "http://127.0.0.1:8000/"
ASSESSOR_A = "Amara Voss"   # fictional
ASSESSOR_B = "Teodor Lind"  # fictional

#: Session 3: content-provision indicators whose findings are graded.
CONTENT_SAMPLE = ("221", "228", "232", "243", "292", "294", "296")
#: Session 3: services-provision indicators whose findings are graded.
SERVICES_SAMPLE = ("255", "256", "257", "259", "260", "262", "268")
#: Session 5: the six institutional-framework indicators, all graded.
INSTITUTIONAL_SAMPLE = ("281", "215", "216", "224", "236-IF", "242")
#: Full points for findings when at least this share of the clear-cut items is right.
FULL_POINTS_SHARE = 0.8

#: Where the two fictional assessors' sheets differ: id -> (answer of A, answer of B, evidence page
#: of A, evidence page of B, note of A, note of B). Which are borderline and which are plain
#: mistakes: see course/sample-city.md (instructors).
DESIGNED_DISAGREEMENTS: dict[str, tuple[int, int, str, str, str, str]] = {
    "216": (0, 1, "government/organisation.html", "government/organisation.html",
            "Every head is named with title and phone, but the e-mails are shared department "
            "mailboxes, not personal ones. I read LOSI as asking for each head's own contacts.",
            "The table names each head with job title, direct phone and an e-mail address. A "
            "department mailbox still reaches them, so I counted it."),
    "224": (1, 0, "privacy.html", "privacy.html",
            "The privacy statement has a section 'Your rights' and says how to write to the city.",
            "The privacy statement is only about your own personal data. I found no page on the "
            "right to request information from the city."),
    "242": (1, 0, "government/index.html", "index.html",
            "City government page, section 'Other public bodies': links to national and regional bodies.",
            "Looked at the home page, the menus and the footer quick links: no list of other "
            "government agencies."),
    "218": (1, 0, "living/emergencies.html", "living/emergencies.html",
            "Emergency updates go out on this page and the city's social media; following the "
            "accounts gets you the alerts.",
            "There is nothing to subscribe to: no text message, e-mail or app alerts, only "
            "'we publish updates on this page'."),
    "222": (0, 1, "services/business-licence.html", "services/index.html",
            "The business licence page gives no fee and no processing time ('set nationally'). "
            "LOSI asks for every listed service.",
            "Checked six service pages: procedure, documents, time and fee are given. The "
            "business licence page points to the national site for its fee."),
    "228": (1, 0, "living/education.html", "living/education.html",
            "Childcare, preschools and school enrolment are explained, though the page is old.",
            "The page was last updated in March 2019 and its enrolment dates are long past. "
            "Out-of-date information should not count."),
    "296": (1, 0, "news/index.html", "news/index.html",
            "News section with stories on the budget, a recycling centre and Riverside Park, plus an RSS feed.",
            "The newest story is from October 2024, two years before the assessment date. The "
            "section is not kept up."),
    "256": (0, 1, "services/environmental-permit.html", "documents/environmental-permit-application.pdf",
            "Only a PDF to print, sign and scan: a download, not an online application. The "
            "page itself says an online form is planned.",
            "The signed form can be sent by e-mail, so you can apply without going to the office."),
    "257": (0, 1, "services/business-licence.html", "services/business-licence.html",
            "No application form on the city portal; the page sends you to the National Business Gateway.",
            "The licence is applied for online on the National Business Gateway, linked from "
            "the page. A linked outside site counts."),
    "270b": (1, 0, "living/smart-velmora.html", "help.html",
             "The virtual assistant Vela is announced on the home page and the Smart Velmora page.",
             "Vela only comes in 2027. No chatbot works on the site today."),
    "237": (1, 0, "open-data.html", "open-data.html",
            "The budget, waste and Wi-Fi datasets each have a description, date, publisher and licence.",
            "air-quality-2025.csv is listed under 'Other files' with no description, date or "
            "publisher, so not every dataset is documented."),
    "206": (1, 0, "index.html", "search.html",
            "There is a search box at the top of every page.",
            "A test search for 'parking' ends on 'Search is temporarily unavailable'."),
}

# A few notes both assessors would write on agreed items (scenario facts, tools used).
_SHARED_NOTES = {
    "250": "Scenario told by the instructor: our test e-mail was answered after five working days.",
    "252": "Scenario told by the instructor: the late reply only pointed to the FAQ page.",
    "201": "The pages looked and worked the same in the browsers we tried.",
    "202": "Scenario told by the instructor: first result in the three main search engines.",
    "208": "The markup validator reports an error on the home page (an image without alt).",
    "210": "The accessibility statement admits partial compliance; a form field has no label.",
}

_BORDERLINE_WORDS = "yes or no (borderline)"


# ----------------------------------------------------------------------------- indicators
def velmora_indicators(criteria: str | Iterable[str]) -> list[str]:
    """The indicator ids of one or more criteria (names or short codes), in catalog order.

    Example:
        >>> velmora_indicators(["SP"])[:3]
        ['253', '254', '255']
        >>> len(velmora_indicators(["Content Provision", "SP"]))
        52
    """
    instrument = load_instrument("2024")
    if isinstance(criteria, str):
        criteria = [criteria]
    names = {instrument.criterion_name(c) for c in criteria}
    return [i.id for i in instrument if i.criterion in names]


def _label(indicator_id: str) -> str:
    return load_instrument("2024")[indicator_id].label


# ----------------------------------------------------------------------------- files and portal
def _in_course_folder(folder: Path) -> bool:
    parent = folder.parent
    return parent.name in ("source", "release") and (parent.parent / "nbgrader_config.py").is_file()


@lru_cache(maxsize=1)
def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="losi-velmora-"))


def work_folder() -> Path:
    """The folder where a notebook keeps its work files (sheets).

    Normally that is the notebook's own folder (``.``), so the files show in Jupyter's file
    browser. While nbgrader runs the notebook (``NBGRADER_EXECUTION`` is set), or when the
    notebook runs inside the course's own ``source/`` or ``release/`` folders, it is a
    temporary folder instead, so grading and testing never leave files in the course.

    Example:
        >>> work_folder().is_dir()
        True
    """
    if os.environ.get("NBGRADER_EXECUTION") or _in_course_folder(Path.cwd()):
        return _scratch()
    return Path(".")


def work_path(name: str) -> Path:
    """The path of a work file called ``name`` in :func:`work_folder`.

    Example:
        >>> work_path("velmora.csv").name
        'velmora.csv'
    """
    return work_folder() / name


_OPEN: list = []


def open_portal(port: int = 8000) -> "PortalServer":
    """Start the fictional Velmora portal on this computer only and print its address.

    Port 8000 is tried first (the evidence in the prepared sheets uses it); if it is taken,
    a free port is used. Running it again stops the server it started before. While nbgrader
    grades, a free port is always used. Call ``server.stop()`` when you are done.

    Example:
        >>> server = open_portal(port=0)
        The fictional Velmora portal is running on this computer only, at http://127.0.0.1:.../
        Open that address in a new browser tab. Nobody else can reach it.
        >>> server.stop()
    """
    from .portal import start_portal_server

    while _OPEN:
        _OPEN.pop().stop()
    if os.environ.get("NBGRADER_EXECUTION"):
        port = 0
    try:
        server = start_portal_server(port=port)
    except LosiInputError:  # the port is taken (perhaps by `losi-course portal serve`)
        server = start_portal_server(port=0)
    _OPEN.append(server)
    print(f"The fictional Velmora portal is running on this computer only, at {server.url}")
    print("Open that address in a new browser tab. Nobody else can reach it.")
    return server


# ----------------------------------------------------------------------------- findings
def _as_sheet(source: Any) -> Assessment:
    if isinstance(source, Assessment):
        return source
    sheet = getattr(source, "sheet", None)   # an assessment form
    if isinstance(sheet, Assessment):
        return sheet
    if isinstance(source, (str, os.PathLike)):
        from .sheets import read_sheet

        return read_sheet(source)
    raise LosiInputError("Give an assessment form, an assessment or the path of a sheet file; "
                         f"got {type(source).__name__}.")


def form_findings(source: Any, ids: Iterable[str], name: str = "findings") -> None:
    """Print the answers of a form (or sheet) for ``ids`` as a dictionary to paste in a cell.

    Unanswered and "not sure" indicators show as ``...``: replace them with "yes" or "no".
    Nothing is returned on purpose: the graded answer is the dictionary you paste, not the
    form, which is not part of what gets graded.

    Example:
        >>> sheet = Assessment.from_values({"221": "no"})
        >>> form_findings(sheet, ["221", "228"], name="content_findings")
        content_findings = {
            "221": "no",  # Public procurement results
            "228": ...,  # Education information
        }
    """
    sheet = _as_sheet(source)
    print(f"{name} = {{")
    for key in ids:
        answer = sheet[key]
        value = {"yes": '"yes"', "no": '"no"'}.get(answer.state, "...")
        print(f'    "{key}": {value},  # {_label(key)}')
    print("}")


def parse_findings(findings: Any, ids: Iterable[str], name: str) -> dict[str, int]:
    """Read a findings dictionary: ``{id: 0 or 1}`` for exactly ``ids``, or a kind failure.

    Accepts "yes"/"no" in any case, 1/0 and True/False; ids may be written ``"#221"`` or
    ``221``. Raises :class:`~losi_course.checks.CheckFailed` naming what is missing or wrong.

    Example:
        >>> parse_findings({"221": "No", 228: "YES"}, ["221", "228"], "content_findings")
        {'221': 0, '228': 1}
        >>> parse_findings({"221": ...}, ["221"], "content_findings")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: content_findings has no answer yet for 221 (Public procurement results). Replace each ... with "yes" or "no".
    """
    instrument = load_instrument("2024")
    ids = list(ids)
    if findings is ... or findings is None:
        raise CheckFailed(f"Not yet: {name} has no answer yet. Write it as a dictionary, "
                          '{"221": "yes", ...}, or paste the one printed above.')
    if not isinstance(findings, Mapping):
        raise CheckFailed(f"Not yet: {name} should be a dictionary in curly brackets, like "
                          f'{{"{ids[0]}": "yes", ...}}; it is {type(findings).__name__}.')
    values: dict[str, int] = {}
    unknown, blank, invalid = [], [], []
    for raw_key, raw_value in findings.items():
        try:
            key = instrument.resolve_id(raw_key)
        except UnknownIndicatorError:
            unknown.append(str(raw_key))
            continue
        if raw_value is ...:
            blank.append(key)
            continue
        try:
            value, _ = parse_answer(raw_value)
        except ValueError:
            invalid.append(f"{key} is {raw_value!r}")
            continue
        if value is None:
            blank.append(key)
        else:
            values[key] = value
    if invalid:
        raise CheckFailed(f"Not yet: in {name}, {'; '.join(invalid)}. Write \"yes\" (found) or "
                          '"no" (not found) for each indicator.')
    extra = [k for k in values if k not in ids] + unknown
    if extra:
        raise CheckFailed(f"Not yet: {name} has indicator(s) that are not part of this question: "
                          f"{', '.join(extra)}. Keep exactly the ids given in the comment.")
    missing = [k for k in ids if k not in values and k not in blank]
    problems = []
    if missing:
        shown = ", ".join(f"{k} ({_label(k)})" for k in missing)
        problems.append(f"{name} has no entry for {shown}. Keep every id given in the comment.")
    if blank:
        shown = ", ".join(f"{k} ({_label(k)})" for k in blank)
        problems.append(f'{name} has no answer yet for {shown}. Replace each ... with "yes" or "no".')
    if problems:
        raise CheckFailed("Not yet: " + " ".join(problems))
    return {k: values[k] for k in ids}


@lru_cache(maxsize=1)
def _key() -> "pd.DataFrame":
    from .portal import load_answer_key

    return load_answer_key()


def _accepted(accept: str) -> set[int]:
    return {0, 1} if accept == "either" else {int(accept)}


def compare_with_key(findings: Mapping[str, object], criteria: str | Iterable[str] | None = None,
                     ids: Iterable[str] | None = None) -> "pd.DataFrame":
    """Compare findings with the designed answers of the fictional Velmora portal (for checkers).

    One row per indicator: ``id``, ``label``, ``answer`` ("yes", "no" or "" if missing),
    ``accepted`` ("yes", "no" or "yes or no (borderline)"), ``borderline``, ``ok`` and
    ``note`` (the key's one-sentence explanation) and ``evidence`` (pages of the portal).
    The rows are ``ids`` if given, else the indicators of ``criteria``, else the findings' ids.
    Notebooks do not show this table: it holds the answer key.

    Example:
        >>> table = compare_with_key({"283": "yes", "298": "no"}, ids=["283", "298", "212"])
        >>> table[["id", "answer", "accepted", "ok"]]
            id answer                accepted     ok
        0  283    yes                      no  False
        1  298     no  yes or no (borderline)   True
        2  212                            yes  False
        >>> table.loc[0, "note"].startswith("No municipal mobile app")
        True
    """
    import pandas as pd

    instrument = load_instrument("2024")
    given: dict[str, int | None] = {}
    for raw_key, raw_value in dict(findings).items():
        key = instrument.resolve_id(raw_key)
        try:
            given[key] = None if raw_value is ... else parse_answer(raw_value)[0]
        except ValueError:
            given[key] = None
    if ids is not None:
        rows_ids = [instrument.resolve_id(i) for i in ids]
    elif criteria is not None:
        rows_ids = velmora_indicators(criteria)
    else:
        rows_ids = list(given)
    key = _key()
    words = {1: "yes", 0: "no", None: ""}
    rows = []
    for indicator_id in rows_ids:
        accept = key.loc[indicator_id, "accept"]
        answer = given.get(indicator_id)
        rows.append({
            "id": indicator_id, "label": instrument[indicator_id].label, "answer": words[answer],
            "accepted": _BORDERLINE_WORDS if accept == "either" else words[int(accept)],
            "borderline": accept == "either",
            "ok": answer is not None and answer in _accepted(accept),
            "note": key.loc[indicator_id, "note"],
            "evidence": ", ".join(p for p in key.loc[indicator_id, "evidence"].split(";") if p),
        })
    return pd.DataFrame(rows, columns=["id", "label", "answer", "accepted", "borderline", "ok",
                                       "note", "evidence"])


@dataclass(frozen=True)
class FindingsResult:
    """How a set of findings compares with the designed answers; see :func:`grade_findings`.

    Example:
        >>> result = grade_findings({"283": "yes", "212": "yes", "298": "no"}, ["283", "212", "298"], "practice")
        >>> result.n_clear, result.n_right, result.needed, result.full_points
        (2, 1, 2, False)
    """

    name: str
    n_items: int
    n_borderline: int
    n_clear: int
    n_right: int
    needed: int
    misses: "pd.DataFrame"

    @property
    def full_points(self) -> bool:
        """True when enough clear-cut answers are right for full points."""
        return self.n_right >= self.needed

    def headline(self) -> str:
        """One sentence: how many clear-cut answers agree, and how many are needed."""
        border = ""
        if self.n_borderline:
            border = (f" The {self.n_borderline} borderline indicator"
                      f"{'s accept' if self.n_borderline > 1 else ' accepts'} either answer.")
        return (f"{self.n_right} of your {self.n_clear} answers on clear-cut indicators agree with "
                f"the designed answers for the fictional Velmora portal (full points need "
                f"{self.needed}).{border}")

    def explanations(self) -> str:
        """One line per miss: the indicator, the participant's answer and the key's note."""
        return "\n".join(f"  • {row.id} {row.label}: you answered {row.answer}. {row.note}"
                         for row in self.misses.itertuples())


def grade_findings(findings: Any, ids: Iterable[str], name: str) -> FindingsResult:
    """Check the shape of findings and compare them with the designed answers.

    Borderline items (``either`` in the key) accept both answers and do not count towards
    the threshold; full points need :data:`FULL_POINTS_SHARE` of the clear-cut ones, rounded up.

    Example:
        >>> grade_findings({"283": "yes"}, ["283"], "x").explanations().startswith("  • 283 Municipal mobile apps")
        True
    """
    ids = list(ids)
    values = parse_findings(findings, ids, name)
    table = compare_with_key(values, ids=ids)
    clear = table[~table["borderline"]]
    n_clear = len(clear)
    needed = math.ceil(round(n_clear * FULL_POINTS_SHARE, 9))
    return FindingsResult(name=name, n_items=len(ids), n_borderline=int(table["borderline"].sum()),
                          n_clear=n_clear, n_right=int(clear["ok"].sum()), needed=needed,
                          misses=table[~table["ok"]].reset_index(drop=True))


def review_findings(findings: Any, ids: Iterable[str], name: str) -> None:
    """The visible check of a findings question: is every listed indicator answered?

    It checks the shape only: a dictionary with a yes or no (1 or 0, True or False) for each
    of ``ids`` and nothing else. It fails (:class:`~losi_course.checks.CheckFailed`) naming the
    missing or invalid ids. It never compares the answers with the designed portal: that
    happens when the notebook is graded, and the feedback explains every difference. The
    message is the same for every set of complete answers.

    Example:
        >>> review_findings({k: "yes" for k in INSTITUTIONAL_SAMPLE}, INSTITUTIONAL_SAMPLE, "if_findings")
        ✓ All 6 indicators in if_findings have an answer. Your answers are compared with the designed portal when your notebook is graded; the feedback explains every difference.
        >>> review_findings({"281": "yes", "215": "maybe"}, ["281", "215", "216"], "if_findings")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: in if_findings, 215 is 'maybe'. Write "yes" (found) or "no" (not found) for each indicator.
    """
    ids = list(ids)
    parse_findings(findings, ids, name)
    passed(f"All {len(ids)} indicators in {name} have an answer. Your answers are compared with the "
           "designed portal when your notebook is graded; the feedback explains every difference.")


def explain_findings(findings: Any, ids: Iterable[str], name: str = "your findings") -> None:
    """For studying on your own, after answering: each answer next to the designed portal's.

    Prints, for each indicator of ``ids``, your answer, whether it matches the designed answer
    for the fictional Velmora portal (borderline indicators accept either answer) and the
    answer key's short explanation, then how many clear-cut answers agree. Use it only once you
    have decided on your answers: it shows the designed answers. In a graded workshop you do
    not need it: the feedback on your graded notebook gives the same explanations.

    Example:
        >>> explain_findings({"283": "no", "298": "yes"}, ["283", "298"])  # doctest: +ELLIPSIS
        Your findings next to the designed answers for the fictional Velmora portal:
          • 283 Municipal mobile apps: you answered no; the designed answer is no (same). No municipal mobile app ...
          • 298 ...: you answered yes; borderline, either answer is accepted. ...
        1 of your 1 answers on clear-cut indicators agree ... (full points need 1). The 1 borderline indicator accepts either answer.
    """
    ids = list(ids)
    result = grade_findings(findings, ids, name)
    table = compare_with_key(parse_findings(findings, ids, name), ids=ids)
    print("Your findings next to the designed answers for the fictional Velmora portal:")
    for row in table.itertuples():
        if row.borderline:
            verdict = "borderline, either answer is accepted"
        else:
            verdict = f"the designed answer is {row.accepted} ({'same' if row.ok else 'different'})"
        print(f"  • {row.id} {row.label}: you answered {row.answer}; {verdict}. {row.note}")
    print(result.headline())


# ----------------------------------------------------------------------------- prepared sheets
def _url(path: str) -> str:
    return PORTAL_URL + path if path else ""


def _paths(indicator_id: str) -> list[str]:
    return [p for p in _key().loc[indicator_id, "evidence"].split(";") if p]


def _prepared(which: str) -> Assessment:
    instrument = load_instrument("2024")
    name = ASSESSOR_A if which == "a" else ASSESSOR_B
    sheet = Assessment("2024", city=CITY, country=COUNTRY, assessor=name, date=ASSESSMENT_DATE)
    key = _key()
    for indicator_id in instrument.ids:
        if indicator_id in DESIGNED_DISAGREEMENTS:
            value_a, value_b, page_a, page_b, note_a, note_b = DESIGNED_DISAGREEMENTS[indicator_id]
            value, page, note = ((value_a, page_a, note_a) if which == "a" else (value_b, page_b, note_b))
        else:
            paths = _paths(indicator_id)
            value = int(key.loc[indicator_id, "value"])
            page = (paths[0] if which == "a" else paths[-1]) if paths else ""
            note = _SHARED_NOTES.get(indicator_id, "")
        sheet.set(indicator_id, value, evidence=_url(page), note=note)
    return sheet


def assessor_assessments() -> tuple[Assessment, Assessment]:
    """The two fictional assessors' complete sheets of Velmora, as assessments (A, B).

    Both are derived from the designed answers; they differ exactly on the indicators of
    :data:`DESIGNED_DISAGREEMENTS`. Fresh copies on every call.

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

    The files are ``velmora-assessor-a.csv`` and ``velmora-assessor-b.csv`` (open them in a
    spreadsheet program if you like). The same content is written every time.

    Example:
        >>> import tempfile
        >>> from losi_course.sheets import read_sheet
        >>> path_a, path_b = assessor_sheets(tempfile.mkdtemp())
        >>> path_a.name, read_sheet(path_b).assessor
        ('velmora-assessor-a.csv', 'Teodor Lind')
    """
    from .sheets import write_sheet

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    a, b = assessor_assessments()
    return (write_sheet(a, folder / "velmora-assessor-a.csv"),
            write_sheet(b, folder / "velmora-assessor-b.csv"))


def team_assessment(leave_blank: Iterable[str] = ()) -> Assessment:
    """The team's reconciled sheet of Velmora, with the ``leave_blank`` indicators left empty.

    The answers are those the two fictional assessors agreed on after talking their
    disagreements through. The indicators in ``leave_blank`` are empty, for a participant's
    own findings (see :func:`with_findings`). Session 3 leaves its own 14 indicators and the
    six of :data:`INSTITUTIONAL_SAMPLE` empty, because session 5 asks participants to assess
    those; their note says so.

    Example:
        >>> team = team_assessment(leave_blank=CONTENT_SAMPLE)
        >>> len(team.unanswered), team["221"].note
        (7, 'Left empty for you to assess.')
    """
    instrument = load_instrument("2024")
    blank = {instrument.resolve_id(i) for i in leave_blank}
    sheet = Assessment("2024", city=CITY, country=COUNTRY,
                       assessor=f"{ASSESSOR_A} + {ASSESSOR_B} (consensus)", date=ASSESSMENT_DATE)
    key = _key()
    for indicator_id in instrument.ids:
        if indicator_id in blank:
            note = ("Left empty: you assess it in session 5." if indicator_id in INSTITUTIONAL_SAMPLE
                    else "Left empty for you to assess.")
            sheet.set(indicator_id, "", evidence="", note=note)
            continue
        evidence = " | ".join(_url(p) for p in _paths(indicator_id))
        sheet.set(indicator_id, int(key.loc[indicator_id, "value"]), evidence=evidence,
                  note=_SHARED_NOTES.get(indicator_id, ""))
    return sheet


def team_sheet(folder: str | os.PathLike = ".", leave_blank: Iterable[str] = ()) -> Path:
    """Write the team's reconciled sheet (``velmora-team.csv``) into ``folder``; return its path.

    Example:
        >>> import tempfile
        >>> from losi_course.sheets import read_sheet
        >>> path = team_sheet(tempfile.mkdtemp(), leave_blank=SERVICES_SAMPLE)
        >>> read_sheet(path).describe()
        'Velmora, assessed by Amara Voss + Teodor Lind (consensus) (LOSI 2024): 88 of 95 indicators answered'
    """
    from .sheets import write_sheet

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
    """
    result = sheet.copy()
    for group in findings:
        if not isinstance(group, Mapping):
            raise LosiInputError(f"Findings should be dictionaries like {{'221': 'yes'}}; got {type(group).__name__}.")
        for key, value in group.items():
            try:
                parsed = None if value is ... else parse_answer(value)[0]
            except ValueError:
                parsed = None
            if parsed is None:
                raise LosiInputError(f"Indicator {key} has no yes or no answer in your findings "
                                     f"(it is {value!r}): write \"yes\" or \"no\" and run that cell again.")
            result.set(key, parsed, note="Your finding.")
    return result


def resolution_template(result: "Reconciliation", name: str = "resolutions") -> None:
    """Print a dictionary to paste and complete: one line per disagreement, with both answers.

    Example:
        >>> from losi_course.reconcile import reconcile
        >>> a, b = assessor_assessments()
        >>> resolution_template(reconcile(a, b))
        resolutions = {
            "216": ...,  # Names and contacts of department heads (Amara Voss: no, Teodor Lind: yes)
            "224": ...,  # Right of access to information (Amara Voss: yes, Teodor Lind: no)
            "242": ...,  # Links to other government agencies (Amara Voss: yes, Teodor Lind: no)
            "218": ...,  # Emergency alert subscription information (Amara Voss: yes, Teodor Lind: no)
            "222": ...,  # Details for each listed service (Amara Voss: no, Teodor Lind: yes)
            "228": ...,  # Education information (Amara Voss: yes, Teodor Lind: no)
            "296": ...,  # News section (Amara Voss: yes, Teodor Lind: no)
            "256": ...,  # Environmental permit application online (Amara Voss: no, Teodor Lind: yes)
            "257": ...,  # Business licence application online (Amara Voss: no, Teodor Lind: yes)
            "270b": ...,  # AI chatbot support (Amara Voss: yes, Teodor Lind: no)
            "206": ...,  # Search function on the homepage (Amara Voss: yes, Teodor Lind: no)
            "237": ...,  # Open data metadata (Amara Voss: yes, Teodor Lind: no)
        }
    """
    print(f"{name} = {{")
    for key in result.disagreements:
        print(f'    "{key}": ...,  # {_label(key)} ({result.name_a}: {result.a[key].state}, '
              f"{result.name_b}: {result.b[key].state})")
    print("}")


# ----------------------------------------------------------------------------- peers
def peers() -> "pd.DataFrame":
    """Velmora's fictional peers: the reconciled answers of Estoria's other municipalities.

    One row per assessed municipality of the fictional country Estoria (Velmora is not among
    them), one column per LOSI 2024 indicator, 0 or 1. Use it with
    ``lc.score_table(peers())`` or ``lc.gap_analysis(velmora, peers=peers())``.

    Example:
        >>> table = peers()
        >>> table.shape[1], "Velmora" in table.index, table.attrs["fictional"]
        (95, False, True)
    """
    from .fictional import load_fictional_country

    return load_fictional_country().consensus
