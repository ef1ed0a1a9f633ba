"""Hidden-test checkers for session 3 ("Best practices: provision of content and services").

The questions work on Velmora, the course's fictional sample city, and on its fictional
peers, the municipalities of Estoria. Every checker recomputes what it expects from the
library (the team's sheet completed with the participant's own findings, the peers' table),
so nothing is stored here.

Most checkers fail with a message that names the problem without giving the answer. The
findings checkers are different on purpose: the point of that exercise is to learn from each
miss, so they explain every answer that differs from the designed one with the answer key's
note (misses are explained even when the points are full).

Example:
    >>> from losi_course.velmora.peers import peers
    >>> from losi_course.scoring import score_table
    >>> check_peer_services_mean(score_table(peers())["Services Provision"].mean())
    ✓ peer_services_mean passed the hidden checks.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..checks import CheckFailed, answer_right, hidden_check, kind_of, passed
from ..scoring import LosiScore, gap_analysis, score_assessment, score_table
from ..velmora.facts import CONTENT_SAMPLE, INSTITUTIONAL_SAMPLE, SERVICES_SAMPLE
from ..velmora.peers import peers
from ..velmora.prepared import team_assessment, with_findings
from .answers import as_number, require_computed
from .findings import grade_findings, parse_findings

__all__ = [
    "check_findings",
    "check_content_findings",
    "check_service_findings",
    "check_velmora_score",
    "check_services_score",
    "check_peer_services_mean",
    "check_gaps",
    "check_quick_wins",
    "expected_velmora",
    "QUICK_WIN_CRITERIA",
    "N_QUICK_WINS",
]

_TOLERANCE = 0.00005
QUICK_WIN_CRITERIA = ("Content Provision", "Services Provision")
N_QUICK_WINS = 5


def check_findings(findings: Any, ids: Iterable[str], name: str) -> None:
    """Grade findings on the fictional Velmora portal and explain each miss with the key's note.

    Full points need :data:`~losi_course.grading.findings.FULL_POINTS_SHARE` of the clear-cut
    indicators right; borderline ones accept either answer.

    Example:
        >>> check_findings({"212": "yes", "283": "yes"}, ["212", "283"], "practice")
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: 1 of your 2 answers on clear-cut indicators agree with the designed answers for the fictional Velmora portal (full points need 2).
        What differs, and why:
          • 283 Municipal mobile apps: you answered yes. No municipal mobile app ...
    """
    try:
        result = grade_findings(findings, ids, name)
    except CheckFailed as err:
        hidden_check(False, str(err).removeprefix("Not yet: "))
        return
    if not result.full_points:
        hidden_check(False, f"{result.headline()}\nWhat differs, and why:\n{result.explanations()}")
    message = f"{name} passed the hidden checks. {result.headline()}"
    if len(result.misses):
        message += f"\nWhat differs, and why:\n{result.explanations()}"
    passed(message)


def check_content_findings(content_findings: Any) -> None:
    """The participant's findings on the graded content-provision indicators of Velmora.

    Example:
        >>> from losi_course.velmora.answer_key import load_answer_key
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE
        >>> key = load_answer_key()
        >>> check_content_findings({i: int(key.loc[i, "value"]) for i in CONTENT_SAMPLE})
        ✓ content_findings passed the hidden checks. 6 of your 6 answers ...
    """
    check_findings(content_findings, CONTENT_SAMPLE, "content_findings")


def check_service_findings(service_findings: Any) -> None:
    """The participant's findings on the graded services-provision indicators of Velmora.

    Example:
        >>> check_service_findings({"255": "yes"})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: service_findings has no entry for 256 (Environmental permit application online), ... Keep every id given in the comment.
    """
    check_findings(service_findings, SERVICES_SAMPLE, "service_findings")


def expected_velmora(content_findings: Any, service_findings: Any):
    """The team's sheet of Velmora completed with the participant's findings (as in the notebook).

    As in the notebook, the team's sheet leaves the six institutional-framework indicators
    empty too (session 5 asks participants to assess them); scores count them as not found.
    Fails kindly when the findings are not complete yet (questions 1 and 2 come first).

    Example:
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE, INSTITUTIONAL_SAMPLE, SERVICES_SAMPLE
        >>> velmora = expected_velmora({i: 1 for i in CONTENT_SAMPLE}, {i: 0 for i in SERVICES_SAMPLE})
        >>> sorted(velmora.unanswered) == sorted(INSTITUTIONAL_SAMPLE)
        True
    """
    try:
        content = parse_findings(content_findings, CONTENT_SAMPLE, "content_findings")
        services = parse_findings(service_findings, SERVICES_SAMPLE, "service_findings")
    except CheckFailed:
        content = services = None
    hidden_check(content is not None, "content_findings and service_findings must be complete "
                                      "first (questions 1 and 2): this answer is built on them.")
    team = team_assessment(leave_blank=CONTENT_SAMPLE + SERVICES_SAMPLE + INSTITUTIONAL_SAMPLE)
    return with_findings(team, content, services)


def _expected_score(content_findings: Any, service_findings: Any):
    return score_assessment(expected_velmora(content_findings, service_findings), unanswered="not found")


def check_velmora_score(velmora_score: Any, content_findings: Any, service_findings: Any) -> None:
    """The score of the Velmora sheet (a LosiScore from ``lc.score_assessment``).

    The six institutional-framework indicators are left for session 5: the score counts them
    as unanswered (``unanswered="not found"``), and only them.

    Example:
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE, SERVICES_SAMPLE
        >>> c, s = {i: 1 for i in CONTENT_SAMPLE}, {i: 1 for i in SERVICES_SAMPLE}
        >>> check_velmora_score(0.6, c, s)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: velmora_score should be the whole result of lc.score_assessment(velmora), not a single number.
    """
    expected = _expected_score(content_findings, service_findings)
    hidden_check(not isinstance(velmora_score, (int, float)),
                 "velmora_score should be the whole result of lc.score_assessment(velmora), "
                 "not a single number.")
    hidden_check(isinstance(velmora_score, LosiScore),
                 "velmora_score should be the result of lc.score_assessment(velmora).")
    hidden_check(velmora_score.indicators_total == expected.indicators_total,
                 "velmora_score was not made on the 95 indicators of LOSI 2024.")
    unanswered = set(velmora_score.unanswered)
    hidden_check(unanswered <= set(expected.unanswered),
                 "velmora_score counts some of your findings as unanswered; score the sheet "
                 "velmora, which has your findings filled in.")
    hidden_check(unanswered == set(expected.unanswered),
                 "velmora_score should count the six institutional-framework indicators (left for "
                 "session 5) as unanswered; score the sheet velmora with unanswered=\"not found\".")
    hidden_check(abs(velmora_score.losi - expected.losi) <= _TOLERANCE
                 and velmora_score.criteria_met == expected.criteria_met,
                 "velmora_score is not the score of the sheet velmora (the team's sheet with your "
                 "findings). Score velmora itself.")
    answer_right("velmora_score")


def check_services_score(services_score: Any, content_findings: Any, service_findings: Any) -> None:
    """Velmora's services-provision score, a share between 0 and 1.

    Example:
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE, SERVICES_SAMPLE
        >>> c, s = {i: 1 for i in CONTENT_SAMPLE}, {i: 1 for i in SERVICES_SAMPLE}
        >>> check_services_score(1.5, c, s)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: services_score should be a share between 0 and 1.
    """
    require_computed("services_score", "velmora_score")
    expected = _expected_score(content_findings, service_findings)
    value = as_number(services_score, "services_score")
    hidden_check(0 <= value <= 1, "services_score should be a share between 0 and 1.")
    if abs(value - expected.losi) <= _TOLERANCE and abs(expected.losi - expected.criteria["Services Provision"]) > _TOLERANCE:
        hidden_check(False, "services_score is Velmora's overall LOSI. Take the score of the "
                            "Services Provision criterion instead.")
    hidden_check(abs(value - expected.criteria["Services Provision"]) <= _TOLERANCE,
                 "services_score is not Velmora's Services Provision score. Read it from "
                 'velmora_score.criteria["Services Provision"].')
    answer_right("services_score")


def _peer_scores():
    return score_table(peers())


def check_peer_services_mean(peer_services_mean: Any) -> None:
    """The average Services Provision score of Velmora's fictional peers (Estoria).

    Example:
        >>> check_peer_services_mean(0.9)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: peer_services_mean is not the average Services Provision score of the peers. Average the "Services Provision" column of peer_scores.
    """
    require_computed("peer_services_mean", "peer_scores")
    scores = _peer_scores()
    value = as_number(peer_services_mean, "peer_services_mean")
    if abs(value - float(scores["losi"].mean())) <= _TOLERANCE:
        hidden_check(False, "peer_services_mean is the peers' average LOSI. Average the "
                            '"Services Provision" column instead.')
    hidden_check(abs(value - float(scores["Services Provision"].mean())) <= _TOLERANCE,
                 "peer_services_mean is not the average Services Provision score of the peers. "
                 'Average the "Services Provision" column of peer_scores.')
    answer_right("peer_services_mean")


def _expected_gaps(content_findings: Any, service_findings: Any, with_peers: bool = True):
    velmora = expected_velmora(content_findings, service_findings)
    return gap_analysis(velmora, peers=peers() if with_peers else None)


def _ids_of(value: Any, name: str) -> list[str]:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        hidden_check("id" in value.columns, f"{name} should have an id column.")
        value = value["id"]
    if isinstance(value, (pd.Series, pd.Index)):
        value = value.tolist()
    hidden_check(isinstance(value, (list, tuple)),
                 f"{name} should be a list of indicator ids in quotes, like ['201', '202']; it is "
                 f"{kind_of(value)}.")
    return [str(v) for v in value]


def check_gaps(gaps: Any, content_findings: Any, service_findings: Any) -> None:
    """The gap analysis of Velmora against its fictional peers (``lc.gap_analysis``).

    Example:
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE, SERVICES_SAMPLE
        >>> c, s = {i: 1 for i in CONTENT_SAMPLE}, {i: 1 for i in SERVICES_SAMPLE}
        >>> check_gaps(_expected_gaps(c, s, with_peers=False), c, s)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: gaps uses the published 2022 shares, not the peers. Give the peers table too: peers=peers.
    """
    import pandas as pd

    hidden_check(isinstance(gaps, pd.DataFrame), "gaps should be the table that lc.gap_analysis gives.")
    hidden_check("id" in gaps.columns and "peer_share" in gaps.columns,
                 "gaps should have the columns of lc.gap_analysis (id, criterion, label, peer_share ...).")
    expected = _expected_gaps(content_findings, service_findings)
    got = [str(i) for i in gaps["id"]]
    want = list(expected["id"])
    hidden_check(set(got) == set(want),
                 f"gaps lists {len(got)} indicator(s) but the sheet velmora misses {len(want)}. "
                 "Run the gap analysis on velmora itself.")
    if got != want:
        published = list(_expected_gaps(content_findings, service_findings, with_peers=False)["id"])
        hidden_check(got != published, "gaps uses the published 2022 shares, not the peers. Give "
                                       "the peers table too: peers=peers.")
        hidden_check(False, "gaps is not in the order lc.gap_analysis gives (most common among the "
                            "peers first). Do not sort it again.")
    shares = pd.to_numeric(gaps["peer_share"], errors="coerce").fillna(-1).round(4).tolist()
    hidden_check(shares == expected["peer_share"].astype(float).fillna(-1).round(4).tolist(),
                 "the peer_share column of gaps does not match the peers' shares. Give the peers "
                 "table as peers=peers.")
    answer_right("gaps")


def check_quick_wins(quick_wins: Any, content_findings: Any, service_findings: Any) -> None:
    """The five content or services indicators Velmora misses that most peers offer.

    Any order is accepted; when several indicators tie for fifth place, any of them counts.

    Example:
        >>> from losi_course.velmora.facts import CONTENT_SAMPLE, SERVICES_SAMPLE
        >>> c, s = {i: 1 for i in CONTENT_SAMPLE}, {i: 1 for i in SERVICES_SAMPLE}
        >>> check_quick_wins(["201", "202"], c, s)
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: quick_wins should hold 5 indicator ids; it has 2. Take the first 5 rows.
    """
    require_computed("quick_wins", "gaps")
    got = _ids_of(quick_wins, "quick_wins")
    hidden_check(len(got) == N_QUICK_WINS, f"quick_wins should hold {N_QUICK_WINS} indicator ids; it "
                                           f"has {len(got)}. Take the first {N_QUICK_WINS} rows.")
    hidden_check(len(set(got)) == len(got), "quick_wins has the same indicator twice.")
    gaps = _expected_gaps(content_findings, service_findings)
    mine = gaps[gaps["criterion"].isin(QUICK_WIN_CRITERIA)].reset_index(drop=True)
    hidden_check(set(got) <= set(gaps["id"]),
                 "quick_wins has indicator(s) that Velmora already meets. Take them from gaps.")
    hidden_check(set(got) <= set(mine["id"]),
                 "quick_wins has indicator(s) outside content and services provision. Keep only "
                 "the rows of those two criteria.")
    fifth = float(mine["peer_share"].iloc[min(N_QUICK_WINS, len(mine)) - 1])
    must = set(mine.loc[mine["peer_share"] > fifth, "id"])
    may = set(mine.loc[mine["peer_share"] >= fifth, "id"])
    hidden_check(must <= set(got) and set(got) <= may,
                 "quick_wins are not the content and services gaps most common among the peers. "
                 "Keep the order of gaps and take the first rows.")
    answer_right("quick_wins")
