"""Hidden-test checkers for session 6 ("Technology, participation and engagement").

The questions work on Velmora, the course's fictional sample city: the portal pre-check, the
participant's findings on technology and participation, the whole city's score against its
fictional peers and the quick wins. Every checker recomputes what it expects from the library;
the findings checkers explain each answer that differs from the designed one (as in sessions 3
and 5).

Example:
    >>> check_machine_met(95)
    Traceback (most recent call last):
    ...
    losi_course.checks.CheckFailed: Not quite: machine_met is not the number of indicators the pre-check marks "met". Count the rows of audit whose outcome is "met".
"""

from __future__ import annotations

from typing import Any

from ..checks import CheckFailed, answer_right, hidden_check
from ..scoring import LosiScore, gap_analysis, score_assessment, score_table
from ..velmora.facts import PARTICIPATION_SAMPLE, TECHNOLOGY_SAMPLE
from ..velmora.peers import peers
from ..velmora.prepared import team_assessment, with_findings
from .answers import as_number, require_computed
from .findings import parse_findings
from .session3 import check_findings
from .session4 import velmora_precheck

__all__ = ["check_machine_met", "check_tech_findings", "check_pe_findings", "expected_velmora",
           "check_velmora_score", "check_ahead_of_peers", "check_quick_wins", "N_QUICK_WINS"]

N_QUICK_WINS = 5


def check_machine_met(machine_met: Any) -> None:
    """How many indicators the pre-check marks "met" on the fictional Velmora portal.

    Example:
        >>> check_machine_met(int((velmora_precheck()["outcome"] == "met").sum()))
        ✓ machine_met passed the hidden checks.
    """
    require_computed("machine_met", "the audit table")
    expected = int((velmora_precheck()["outcome"] == "met").sum())
    value = as_number(machine_met, "machine_met")
    hidden_check(value == expected, 'machine_met is not the number of indicators the pre-check marks "met". '
                 'Count the rows of audit whose outcome is "met".')
    answer_right("machine_met")


def check_tech_findings(tech_findings: Any) -> None:
    """The participant's findings on the graded technology indicators of Velmora.

    Example:
        >>> check_tech_findings({"204": "yes"})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: tech_findings has no entry for 205 (Sitemap or site index), ... Keep every id given in the comment.
    """
    check_findings(tech_findings, TECHNOLOGY_SAMPLE, "tech_findings")


def check_pe_findings(pe_findings: Any) -> None:
    """The participant's findings on the graded participation-and-engagement indicators of Velmora."""
    check_findings(pe_findings, PARTICIPATION_SAMPLE, "pe_findings")


def expected_velmora(tech_findings: Any, pe_findings: Any):
    """The whole of Velmora: the team's answers with the participant's two sets of findings.

    Example:
        >>> velmora = expected_velmora({i: 1 for i in TECHNOLOGY_SAMPLE}, {i: 0 for i in PARTICIPATION_SAMPLE})
        >>> velmora.is_complete
        True
    """
    try:
        tech = parse_findings(tech_findings, TECHNOLOGY_SAMPLE, "tech_findings")
        participation = parse_findings(pe_findings, PARTICIPATION_SAMPLE, "pe_findings")
    except CheckFailed:
        tech = participation = None
    hidden_check(tech is not None, "tech_findings and pe_findings must be complete first (questions 2 and 3): "
                                   "this answer is built on them.")
    team = team_assessment(leave_blank=TECHNOLOGY_SAMPLE + PARTICIPATION_SAMPLE)
    return with_findings(team, tech, participation)


def check_velmora_score(velmora_score: Any, tech_findings: Any, pe_findings: Any) -> None:
    """The score of the whole of Velmora (a LosiScore from ``lc.score_assessment(velmora)``).

    Example:
        >>> check_velmora_score(0.7, {i: 1 for i in TECHNOLOGY_SAMPLE}, {i: 1 for i in PARTICIPATION_SAMPLE})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: velmora_score should be the whole result of lc.score_assessment(velmora), not a single number.
    """
    expected = score_assessment(expected_velmora(tech_findings, pe_findings))
    hidden_check(not isinstance(velmora_score, (int, float)), "velmora_score should be the whole result of "
                 "lc.score_assessment(velmora), not a single number.")
    hidden_check(isinstance(velmora_score, LosiScore), "velmora_score should be the result of "
                 "lc.score_assessment(velmora).")
    hidden_check(not velmora_score.unanswered, "velmora_score counts some indicators as unanswered; score the "
                 "sheet velmora, which has every answer.")
    hidden_check(abs(velmora_score.losi - expected.losi) <= 0.00005 and velmora_score.criteria_met == expected.criteria_met,
                 "velmora_score is not the score of the sheet velmora (the team's answers with your findings).")
    answer_right("velmora_score")


def check_ahead_of_peers(ahead_of_peers: Any, tech_findings: Any, pe_findings: Any) -> None:
    """Velmora's LOSI minus the average LOSI of its fictional peers (negative when behind).

    Example:
        >>> check_ahead_of_peers(5, {i: 1 for i in TECHNOLOGY_SAMPLE}, {i: 1 for i in PARTICIPATION_SAMPLE})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: ahead_of_peers should be a difference of two LOSI values, between -1 and 1.
    """
    require_computed("ahead_of_peers", "velmora_score and peer_scores")
    mine = score_assessment(expected_velmora(tech_findings, pe_findings)).losi
    theirs = float(score_table(peers())["losi"].mean())
    value = as_number(ahead_of_peers, "ahead_of_peers")
    hidden_check(-1 <= value <= 1, "ahead_of_peers should be a difference of two LOSI values, between -1 and 1.")
    hidden_check(abs(value + (mine - theirs)) > 0.00005 or abs(mine - theirs) <= 0.00005,
                 "ahead_of_peers is the wrong way round: Velmora's LOSI minus the peers' average.")
    hidden_check(abs(value - (mine - theirs)) <= 0.00005, "ahead_of_peers is not Velmora's LOSI minus the "
                 'average LOSI of the peers. Take velmora_score.losi - peer_scores["losi"].mean().')
    answer_right("ahead_of_peers")


def check_quick_wins(quick_wins: Any, tech_findings: Any, pe_findings: Any) -> None:
    """The five indicators, across all criteria, that Velmora misses and most peers offer.

    When several indicators tie for fifth place, any of them counts.

    Example:
        >>> check_quick_wins(["201"], {i: 1 for i in TECHNOLOGY_SAMPLE}, {i: 1 for i in PARTICIPATION_SAMPLE})
        Traceback (most recent call last):
        ...
        losi_course.checks.CheckFailed: Not quite: quick_wins should hold 5 indicator ids; it has 1. Take the first 5 rows of city_gaps.
    """
    import pandas as pd

    require_computed("quick_wins", "city_gaps")
    if isinstance(quick_wins, (pd.Series, pd.Index)):
        quick_wins = quick_wins.tolist()
    hidden_check(isinstance(quick_wins, (list, tuple)), "quick_wins should be a list of indicator ids, like "
                 "['201', '202']. Wrap the column in list(...).")
    got = [str(v) for v in quick_wins]
    hidden_check(len(got) == N_QUICK_WINS, f"quick_wins should hold {N_QUICK_WINS} indicator ids; it has "
                 f"{len(got)}. Take the first {N_QUICK_WINS} rows of city_gaps.")
    gaps = gap_analysis(expected_velmora(tech_findings, pe_findings), peers=peers())
    hidden_check(set(got) <= set(gaps["id"]), "quick_wins has indicator(s) that Velmora already meets. Take "
                 "them from city_gaps.")
    fifth = float(gaps["peer_share"].iloc[N_QUICK_WINS - 1])
    must = set(gaps.loc[gaps["peer_share"] > fifth, "id"])
    may = set(gaps.loc[gaps["peer_share"] >= fifth, "id"])
    hidden_check(must <= set(got) <= may, "quick_wins are not the gaps most common among the peers. Keep the "
                 "order of city_gaps and take the first rows.")
    answer_right("quick_wins")
