"""Findings on the fictional Velmora portal: reading them, the visible check, and grading.

Sessions 3 and 5 ask participants to assess indicators on the Velmora portal and write their
findings as a dictionary, ``{"221": "yes", ...}``. This module reads such a dictionary
(:func:`parse_findings`), checks its shape for the visible check (:func:`review_findings`,
which never compares with the designed answers), and compares it with the designed answers for
the hidden checks and for self-study (:func:`grade_findings`, :func:`explain_findings`).

Example:
    >>> parse_findings({"221": "No", 228: "YES"}, ["221", "228"], "content_findings")
    {'221': 0, '228': 1}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..assessment import read_answer_mapping
from ..checks import CheckFailed, kind_of, passed
from ..framework import load_instrument
from ..velmora.answer_key import accepted, evidence_pages, load_answer_key
from ..velmora.facts import velmora_indicators

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FULL_POINTS_SHARE", "parse_findings", "compare_with_key", "FindingsResult",
           "grade_findings", "review_findings", "explain_findings"]

#: Full points for findings when at least this share of the clear-cut items is right.
FULL_POINTS_SHARE = 0.8
_BORDERLINE_WORDS = "yes or no (borderline)"
_WORDS = {1: "yes", 0: "no", None: ""}


def _label(indicator_id: str) -> str:
    return load_instrument("2024")[indicator_id].label


def parse_findings(findings: Any, ids: Iterable[str], name: str) -> dict[str, int]:
    """Read a findings dictionary: ``{id: 0 or 1}`` for exactly ``ids``, or a kind failure.

    Accepts "yes"/"no" in any case, 1/0 and True/False; ids may be written ``"#221"`` or
    ``221``. Raises :class:`~losi_course.checks.CheckFailed` naming what is missing or wrong.

    Example:
        >>> parse_findings({"221": ...}, ["221"], "content_findings")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not yet: content_findings has no answer yet for 221 (Public procurement results). Replace each ... with "yes" or "no".
    """
    ids = list(ids)
    if findings is ... or findings is None:
        raise CheckFailed(f"Not yet: {name} has no answer yet. Write it as a dictionary, "
                          '{"221": "yes", ...}, or paste the one printed above.')
    if not isinstance(findings, Mapping):
        raise CheckFailed(f"Not yet: {name} should be a dictionary in curly brackets, like "
                          f'{{"{ids[0]}": "yes", ...}}; it is {kind_of(findings)}.')
    read = read_answer_mapping(findings)
    values = {k: v for k, (v, _) in read.values.items() if v is not None}
    blank = [k for k in read.blank] + [k for k, (v, unsure) in read.values.items() if v is None and unsure]
    if read.invalid:
        listed = "; ".join(f"{key} is {raw!r}" for key, raw in read.invalid)
        raise CheckFailed(f"Not yet: in {name}, {listed}. Write \"yes\" (found) or "
                          '"no" (not found) for each indicator.')
    extra = [k for k in values if k not in ids] + read.unknown
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


def compare_with_key(findings: Mapping[str, object], criteria: str | Iterable[str] | None = None,
                     ids: Iterable[str] | None = None) -> "pd.DataFrame":
    """Compare findings with the designed answers of the fictional Velmora portal (for checkers).

    One row per indicator: ``id``, ``label``, ``answer`` ("yes", "no" or "" if missing),
    ``accepted`` ("yes", "no" or "yes or no (borderline)"), ``borderline``, ``ok``, ``note``
    (the key's one-sentence explanation) and ``evidence`` (pages of the portal). The rows are
    ``ids`` if given, else the indicators of ``criteria``, else the findings' ids. Notebooks do
    not show this table: it holds the answer key.

    Example:
        >>> table = compare_with_key({"283": "yes", "298": "no"}, ids=["283", "298", "212"])
        >>> table[["id", "answer", "accepted", "ok"]]
            id answer                accepted     ok
        0  283    yes                      no  False
        1  298     no  yes or no (borderline)   True
        2  212                            yes  False
    """
    import pandas as pd

    instrument = load_instrument("2024")
    read = read_answer_mapping(findings)
    given = {k: v for k, (v, _) in read.values.items()}
    if ids is not None:
        rows_ids = [instrument.resolve_id(i) for i in ids]
    elif criteria is not None:
        rows_ids = velmora_indicators(criteria)
    else:
        rows_ids = list(given)
    key = load_answer_key()
    rows = []
    for indicator_id in rows_ids:
        accept = key.loc[indicator_id, "accept"]
        answer = given.get(indicator_id)
        rows.append({
            "id": indicator_id, "label": instrument[indicator_id].label, "answer": _WORDS[answer],
            "accepted": _BORDERLINE_WORDS if accept == "either" else _WORDS[int(accept)],
            "borderline": accept == "either",
            "ok": answer is not None and answer in accepted(accept),
            "note": key.loc[indicator_id, "note"],
            "evidence": ", ".join(evidence_pages(indicator_id)),
        })
    return pd.DataFrame(rows, columns=["id", "label", "answer", "accepted", "borderline", "ok", "note", "evidence"])


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
    needed = math.ceil(round(len(clear) * FULL_POINTS_SHARE, 9))
    return FindingsResult(name=name, n_items=len(ids), n_borderline=int(table["borderline"].sum()),
                          n_clear=len(clear), n_right=int(clear["ok"].sum()), needed=needed,
                          misses=table[~table["ok"]].reset_index(drop=True))


def review_findings(findings: Any, ids: Iterable[str], name: str) -> None:
    """The visible check of a findings question: is every listed indicator answered?

    It checks the shape only: a dictionary with a yes or no (1 or 0, True or False) for each
    of ``ids`` and nothing else, failing (:class:`~losi_course.checks.CheckFailed`) with the
    missing or invalid ids. It never compares the answers with the designed portal: that happens
    when the notebook is graded. The message is the same for every set of complete answers.

    Example:
        >>> review_findings({"281": "yes", "215": "no"}, ["281", "215"], "if_findings")
        ✓ All 2 indicators in if_findings have an answer. Your answers are compared with the designed portal when your notebook is graded; the feedback explains every difference.
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
    for the fictional Velmora portal (borderline indicators accept either answer) and the key's
    short explanation, then how many clear-cut answers agree. Use it only once you have decided:
    it shows the designed answers. In a graded workshop the feedback gives the same explanations.

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
