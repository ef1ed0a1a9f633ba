"""What a scorecard says: the numbers, tables and sentences of the page, before any HTML.

:func:`scorecard_content` scores the city's assessment, places it among its peers, lists every
indicator met and missed with its evidence, picks the quick wins with the toolkit's steps and
writes down the method and its assumptions. The page (:mod:`~losi_course.report.page`) only
lays this out, so tests can check the content without parsing HTML.

Example:
    >>> from losi_course.velmora.prepared import team_assessment
    >>> from losi_course.velmora.peers import peers
    >>> content = scorecard_content(team_assessment(), peers())
    >>> content.city, round(content.score.losi, 4), content.score.level, content.fictional
    ('Velmora', 0.6421, 'High', True)
    >>> content.rank, len(content.peers)
    (13, 28)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..assessment import Assessment
from ..errors import LosiInputError
from ..fictional import COUNTRY_NAME, NOTICE
from ..framework import CRITERION_CODES
from ..scoring import (DEFAULT_LEVELS, LEVEL_ASSUMPTION, LEVEL_NAMES, LevelScheme, LosiScore,
                       gap_analysis, rank_cities, score_assessment, score_table)
from .peers import PeerGroup, is_fictional_text, read_peers

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ScorecardContent", "CriterionResult", "IndicatorResult", "QuickWin", "LevelBand",
           "EvidencePart", "scorecard_content", "evidence_parts", "DEFAULT_QUICK_WINS"]

DEFAULT_QUICK_WINS = 10
_URL = re.compile(r"(https?://[^\s|<>\"']+)")
_LEVEL_CUTS = {"Very high": "very_high", "High": "high", "Middle": "middle", "Low": "middle"}


@dataclass(frozen=True)
class EvidencePart:
    """A piece of an evidence field: plain text, or a web address to link (``href``)."""

    text: str
    href: str = ""


def evidence_parts(evidence: str) -> list[EvidencePart]:
    """Split an evidence field into text and links; only ``http(s)`` addresses become links.

    Example:
        >>> evidence_parts("See https://city.example/a. | javascript:alert(1)")
        [EvidencePart(text='See ', href=''), EvidencePart(text='https://city.example/a', href='https://city.example/a'), EvidencePart(text='. | javascript:alert(1)', href='')]
    """
    parts = []
    for k, piece in enumerate(_URL.split(evidence or "")):
        if k % 2:
            url = piece.rstrip(".,;:)")
            parts.append(EvidencePart(url, url))
            tail = piece[len(url):]
            if tail:
                parts.append(EvidencePart(tail))
        elif piece:
            parts.append(EvidencePart(piece))
    merged: list[EvidencePart] = []
    for part in parts:  # a URL's trailing "." joins the text after it
        if merged and not part.href and not merged[-1].href:
            merged[-1] = EvidencePart(merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of the assessed city: met, not met or not answered, with its evidence."""

    id: str
    label: str
    criterion: str
    state: str  # "Met", "Not met" or "Not answered"
    evidence: tuple[EvidencePart, ...]
    note: str
    peer_share: float | None

    @property
    def met(self) -> bool:
        return self.state == "Met"


@dataclass(frozen=True)
class CriterionResult:
    """A criterion's sub-score for the city, its peers' average and range, and its indicators."""

    name: str
    code: str
    met: int
    total: int
    score: float
    peer_mean: float | None
    peer_min: float | None
    peer_max: float | None
    indicators: tuple[IndicatorResult, ...]

    @property
    def missed(self) -> int:
        return self.total - self.met


@dataclass(frozen=True)
class QuickWin:
    """A missed indicator that many peers meet, with the toolkit's steps to meet it."""

    id: str
    label: str
    criterion: str
    peer_share: float | None
    basis: str
    steps: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class LevelBand:
    """One LOSI level: its range in words and whether its cut-off is published or assumed."""

    name: str
    range: str
    status: str  # "published" or "assumed by the course"
    current: bool


@dataclass
class ScorecardContent:
    """Everything a scorecard page shows (see :func:`scorecard_content`)."""

    city: str
    country: str
    assessor: str
    date: str
    edition: str
    score: LosiScore
    level_status: str
    bands: list[LevelBand]
    criteria: list[CriterionResult]
    quick_wins: list[QuickWin]
    peers: PeerGroup | None
    peer_scores: "pd.DataFrame | None"
    rank: int | None
    rank_shared: int
    fictional: bool
    fictional_notes: list[str]
    method: list[tuple[str, str]] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return bool(self.score.unanswered)

    @property
    def indicators(self) -> list[IndicatorResult]:
        return [row for criterion in self.criteria for row in criterion.indicators]


def _level_status(level: str, levels: LevelScheme) -> str:
    cut = _LEVEL_CUTS[level]
    value = getattr(levels, cut)
    if cut in levels.assumed:
        return (f"its cut-off, {value:.2f}, is assumed by the course: only the 'Very high' cut-off, "
                f"LOSI above {levels.very_high:.2f}, is published")
    return f"its cut-off, LOSI above {value:.2f}, is published"


def _bands(level: str, levels: LevelScheme) -> list[LevelBand]:
    cuts = {"very_high": levels.very_high, "high": levels.high, "middle": levels.middle}
    ranges = {
        "Very high": f"above {cuts['very_high']:.2f}",
        "High": f"above {cuts['high']:.2f}, up to {cuts['very_high']:.2f}",
        "Middle": f"above {cuts['middle']:.2f}, up to {cuts['high']:.2f}",
        "Low": f"{cuts['middle']:.2f} or below",
    }
    return [LevelBand(name, ranges[name],
                      "assumed by the course" if _LEVEL_CUTS[name] in levels.assumed else "published",
                      name == level) for name in LEVEL_NAMES]


def _criteria(assessment: Assessment, score: LosiScore, peer_scores, shares) -> list[CriterionResult]:
    instrument = assessment.instrument
    results = []
    for name in instrument.criteria:
        rows = []
        for indicator in instrument.in_criterion(name):
            answer = assessment.answers[indicator.id]
            state = {1: "Met", 0: "Not met"}.get(answer.value, "Not answered")
            rows.append(IndicatorResult(indicator.id, indicator.label, name, state,
                                        tuple(evidence_parts(answer.evidence)), answer.note,
                                        shares.get(indicator.id)))
        column = None if peer_scores is None else peer_scores[name]
        results.append(CriterionResult(
            name, CRITERION_CODES[name], score.criteria_met[name], score.criteria_total[name],
            score.criteria[name],
            None if column is None else float(column.mean()),
            None if column is None else float(column.min()),
            None if column is None else float(column.max()),
            tuple(rows)))
    return results


def _quick_wins(assessment: Assessment, peers: PeerGroup | None, limit: int) -> list[QuickWin]:
    instrument = assessment.instrument
    gaps = gap_analysis(assessment, None if peers is None else peers.answers)
    wins = []
    for row in gaps.head(limit).itertuples(index=False):
        indicator = instrument[row.id]
        share = None if row.peer_share is None or row.peer_share != row.peer_share else float(row.peer_share)
        wins.append(QuickWin(row.id, row.label, row.criterion, share, row.basis, indicator.steps,
                             indicator.description))
    return wins


def _fictional_notes(assessment: Assessment, peers: PeerGroup | None) -> list[str]:
    notes = []
    if is_fictional_text(assessment.country):
        country = assessment.country.replace("(fictional)", "").strip() or "its country"
        notes.append(f"{assessment.city or 'The city'} and {country} are invented: the assessment shown here "
                     "is practice data, not a finding about a real portal.")
    if peers is not None and peers.fictional:
        notes.append(f"The {len(peers)} peers ({peers.source}) are fictional too.")
    countries = [assessment.country, peers.country if peers is not None else ""]
    if any(COUNTRY_NAME in c and is_fictional_text(c) for c in countries):
        notes.append(NOTICE)
    elif peers is not None and peers.fictional and peers.notice:
        notes.append(peers.notice)
    return notes


def _method(content: ScorecardContent, levels: LevelScheme) -> list[tuple[str, str]]:
    score, peers = content.score, content.peers
    items = [
        ("LOSI is the share of indicators met (the course's inference)",
         f"{content.city or 'The city'} meets {score.indicators_met} of the {score.indicators_total} "
         f"indicators of LOSI {content.edition}, so its LOSI is {score.indicators_met}/"
         f"{score.indicators_total} = {score.losi:.4f}. This rule is inferred by the course, not quoted: "
         "it reproduces the published results (Berlin was reported to meet 84 of 86 indicators with LOSI "
         "0.97, and Dubai's published 0.9186 is exactly 79/86), but the Survey text stating the rule was not "
         "available. A criterion's score is the share of its own indicators met."),
        ("Levels: one published cut-off, the others assumed",
         f"{LEVEL_ASSUMPTION} The bands used here: {levels.describe()}."),
        ("The binary rule",
         "Each indicator is 1 when the feature is found on the portal and 0 when it is absent or cannot be "
         "found by a resident."
         + (f" This scorecard is provisional: {len(score.unanswered)} indicator(s) without a yes/no answer "
            "are counted as not found." if score.unanswered else "")),
    ]
    if peers is not None:
        left = (f" Left out of the folder: {', '.join(peers.left_out)} (the city's own sheet)."
                if peers.left_out else "")
        items.append(("Peers",
                      f"{content.city} is compared with {len(peers)} peers ({peers.source})"
                      f"{', fictional data' if peers.fictional else ''}. A criterion's peer average is the "
                      "mean of the peers' criterion scores; the rank counts the city among the peers, best "
                      f"first, and equal scores share the better rank.{left}"))
    basis = ("the largest share of the peers" if peers is not None else
             "the largest share of the 146 cities assessed in 2022, where that share was published (the "
             "participation items); the others follow in catalog order")
    shown = len(content.quick_wins)
    items.append(("Quick wins (the course's way to prioritise)",
                  f"The {shown} missed indicator(s) listed are those met by {basis}: what comparable cities "
                  "already manage is often the easiest to add. This ordering is the course's suggestion, not a "
                  "UN DESA ranking. The steps are those of the course's LOSI 2024 indicator catalog, which "
                  "paraphrases the UN DESA guidance."))
    local = any(part.href.startswith(("http://127.0.0.1", "http://localhost"))
                for row in content.indicators for part in row.evidence)
    items.append(("Evidence",
                  "Evidence links are those recorded in the assessment sheet; this report does not check them."
                  + (" Links to 127.0.0.1 open only while that portal is served on this computer." if local else "")))
    return items


def scorecard_content(assessment: Assessment, peers: PeerGroup | "pd.DataFrame | None" = None, *,
                      partial: bool = False, quick_wins: int = DEFAULT_QUICK_WINS,
                      levels: LevelScheme | None = None) -> ScorecardContent:
    """Score an assessment and gather what its scorecard shows.

    ``peers``: a :class:`~losi_course.report.peers.PeerGroup` or anything
    :func:`~losi_course.report.peers.read_peers` reads. ``partial``: count unanswered indicators
    as not found (a provisional scorecard) instead of refusing. ``quick_wins``: how many missed
    indicators to list with their steps.

    Example:
        >>> from losi_course.velmora.prepared import team_assessment
        >>> content = scorecard_content(team_assessment(leave_blank=["221"]), partial=True, quick_wins=3)
        >>> content.provisional, [w.id for w in content.quick_wins][:1], content.peers is None
        (True, ['237'], True)
    """
    if isinstance(quick_wins, bool) or not isinstance(quick_wins, int) or quick_wins < 0:
        raise LosiInputError(f"The number of quick wins must be a whole number, 0 or more; got {quick_wins!r}.")
    if not isinstance(assessment, Assessment):
        raise LosiInputError(f"A scorecard needs an assessment (a sheet); got {type(assessment).__name__}.")
    levels = levels or DEFAULT_LEVELS
    city = assessment.city or "Unnamed city"
    missing = assessment.unanswered
    if missing and not partial:
        raise LosiInputError(
            f"{city} has {len(missing)} indicator(s) without a yes/no answer yet ({', '.join(missing[:8])}"
            f"{' ...' if len(missing) > 8 else ''}). Answer them, or make a provisional scorecard that counts "
            "them as not found (partial=True; on the command line: --partial)."
        )
    score = score_assessment(assessment, levels=levels, unanswered="not found" if partial else "error")
    group = read_peers(peers, city=assessment.city, partial=partial, edition=assessment.edition)
    peer_scores, rank, rank_shared, shares = None, None, 0, {}
    if group is not None:
        peer_scores = score_table(group.answers, assessment.edition, levels=levels)
        losi = peer_scores["losi"].copy()
        losi.loc[city] = score.losi
        rank = int(rank_cities(losi).iloc[-1])
        rank_shared = int((peer_scores["losi"] == score.losi).sum())  # peers with the very same LOSI
        shares = {k: float(v) for k, v in group.answers.mean(axis=0).items()}
    fictional_notes = _fictional_notes(assessment, group)
    content = ScorecardContent(
        city=city, country=assessment.country, assessor=assessment.assessor,
        date=assessment.date, edition=assessment.edition, score=score,
        level_status=_level_status(score.level, levels), bands=_bands(score.level, levels),
        criteria=_criteria(assessment, score, peer_scores, shares),
        quick_wins=_quick_wins(assessment, group, quick_wins), peers=group, peer_scores=peer_scores,
        rank=rank, rank_shared=rank_shared, fictional=bool(fictional_notes), fictional_notes=fictional_notes)
    content.method = _method(content, levels)
    return content
