"""An audit's result: the JSON object, a table, a summary for people, and the pre-filled sheet.

``to_dict()`` is the JSON contract of ``losi-course audit TARGET --json``: one object
``{"target", "pages", "indicators"}``; each page has the fields of
:data:`~losi_course.audit.pagefacts.CONTRACT_FIELDS`, each indicator ``id``, ``label``,
``tier``, ``outcome``, ``evidence`` (``[{"url", "snippet"}]``) and ``method``.

The pre-filled sheet (:meth:`AuditResult.to_assessment`, :meth:`AuditResult.write_sheet`) gives
``met`` as yes and ``not_met`` as no, everything else "not sure"; the evidence column holds the
pages of the evidence, the note the outcome, the snippets and the method. The human keeps the
last word: the sheet opens in :func:`losi_course.assessment_form` like any other.

Example:
    >>> from losi_course.audit.evidence import IndicatorResult
    >>> result = AuditResult("site/", "folder", [], [IndicatorResult("204", "Mobile-friendly design", "Technology",
    ...                      "AUTO", "met", [], "Checked the viewport.")])
    >>> result.counts()
    {'met': 1, 'not_met': 0, 'review': 0, 'not_assessed': 0}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..assessment import Assessment
from ..sheets import write_sheet
from .evidence import MET, NOT_MET, OUTCOMES, IndicatorResult
from .pagefacts import PageFacts

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AuditResult"]

_KINDS = {"url": "live site", "folder": "saved folder", "file": "saved page", "warc": "WARC capture"}
_NOTE_LIMIT = 900


@dataclass
class AuditResult:
    """The outcome of :func:`~losi_course.audit.run.run_audit`.

    Attributes:
        target: what was audited, as given.
        kind: ``url``, ``folder``, ``file`` or ``warc``.
        pages: the facts of every HTML page read (their ``url`` as shown to a person).
        indicators: one :class:`IndicatorResult` per indicator, in catalog order.
        problems: pages that could not be read, and why.
        notes: the deeper checks that ran or were skipped, and the limits reached.

    Example:
        >>> AuditResult("site/", "folder", [], []).to_dict()
        {'target': 'site/', 'pages': [], 'indicators': []}
    """

    target: str
    kind: str
    pages: list[PageFacts]
    indicators: list[IndicatorResult]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, indicator_id: str) -> IndicatorResult:
        for result in self.indicators:
            if result.id == indicator_id:
                return result
        raise KeyError(indicator_id)

    def counts(self) -> dict[str, int]:
        """How many indicators have each outcome."""
        return {outcome: sum(1 for r in self.indicators if r.outcome == outcome) for outcome in OUTCOMES}

    def decided(self) -> dict[str, int]:
        """``{id: 1 or 0}`` for the indicators the machine decided.

        Example:
            >>> AuditResult("x", "file", [], []).decided()
            {}
        """
        return {r.id: r.value for r in self.indicators if r.value is not None}

    def to_dict(self) -> dict:
        """The JSON object (see the module notes)."""
        return {"target": self.target, "pages": [p.contract() for p in self.pages],
                "indicators": [r.to_dict() for r in self.indicators]}

    def to_frame(self) -> "pd.DataFrame":
        """One row per indicator: id, criterion, label, tier, outcome, value, evidence, method.

        ``evidence`` is the snippets in one text (``page: snippet``, separated by `` | ``).
        """
        import pandas as pd

        rows = [{"id": r.id, "criterion": r.criterion, "label": r.label, "tier": r.tier, "outcome": r.outcome,
                 "value": r.value, "evidence": " | ".join(f"{e.url}: {e.snippet}" for e in r.evidence),
                 "method": r.method} for r in self.indicators]
        frame = pd.DataFrame(rows, columns=["id", "criterion", "label", "tier", "outcome", "value", "evidence",
                                            "method"])
        frame["value"] = frame["value"].astype("Int64")
        return frame

    def summary(self, details: bool = True) -> str:
        """A few lines for a person: what was read, the counts, the decisions and what to review."""
        counts = self.counts()
        lines = [f"Audit of {self.target} ({_KINDS.get(self.kind, self.kind)}): {len(self.pages)} page(s) read.",
                 f"Decided: {counts[MET] + counts[NOT_MET]} (met {counts[MET]}, not met {counts[NOT_MET]}); "
                 f"for review: {counts['review']}; not assessed: {counts['not_assessed']}."]
        lines += [f"Note: {note}" for note in self.notes]
        if self.problems:
            shown = "; ".join(self.problems[:5])
            more = f" and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
            lines.append(f"Not read: {shown}{more}.")
        if details:
            for wanted, title in ((None, "Decided by the machine"), ("review", "For a person to review")):
                chosen = [r for r in self.indicators if (r.value is not None if wanted is None else r.outcome == wanted)]
                if not chosen:
                    continue
                lines.append("")
                lines.append(f"{title}:")
                for r in chosen:
                    first = f" - {r.evidence[0].url}: {r.evidence[0].snippet}" if r.evidence else ""
                    lines.append(f"  {r.id:<7}{r.outcome:<9}{r.tier:<6}{r.label}{first}")
            rest = [r.id for r in self.indicators if r.outcome == "not_assessed"]
            if rest:
                lines.append("")
                lines.append("Not assessed (a person judges these): " + ", ".join(rest))
        return "\n".join(lines)

    def to_assessment(self, **metadata: object) -> Assessment:
        """A pre-filled LOSI 2024 assessment (see the module notes); ``metadata``: city, country,
        assessor, date.

        Example:
            >>> from losi_course.audit.evidence import Evidence, IndicatorResult
            >>> r = IndicatorResult("273", "Social media features", "E-Government Literacy", "AUTO", "met",
            ...                     [Evidence("index.html", 'link "Facebook"')], "Looked for social links.")
            >>> a = AuditResult("site/", "folder", [], [r]).to_assessment(city="Velmora")
            >>> a["273"].state, a["273"].evidence, a["204"].state
            ('yes', 'index.html', '')
        """
        assessment = Assessment("2024", **metadata)
        for r in self.indicators:
            pages = list(dict.fromkeys(e.url for e in r.evidence if e.url))[:3]
            snippets = "; ".join(f"{e.url}: {e.snippet}" for e in r.evidence[:3])
            note = f"Pre-check: {r.outcome.replace('_', ' ')} ({r.tier}). {r.method}"
            if snippets:
                note += f" Evidence: {snippets}"
            if len(note) > _NOTE_LIMIT:
                note = note[: _NOTE_LIMIT - 1] + "…"
            value = {1: "yes", 0: "no"}.get(r.value, "not sure")
            assessment.set(r.id, value, evidence=" ; ".join(pages), note=note)
        return assessment

    def write_sheet(self, path: str | os.PathLike, **metadata: object) -> Path:
        """Write the pre-filled sheet (.csv, .xlsx or .json); returns its path."""
        return write_sheet(self.to_assessment(**metadata), path)
