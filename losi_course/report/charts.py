"""The scorecard's charts: criterion scores against the peers, and the city's rank among them.

Each function returns a :class:`ScorecardChart`: the plotted ``data``, the ``alt_text`` that
describes the chart, its title and notes, and the :class:`~losi_course.report.svgcharts.Drawing`
that the page writes as an inline SVG. They draw in the Okabe-Ito colour-blind-safe palette of
:mod:`losi_course.chart_parts`; the peer bars are also hatched, so the two series stay apart in
a grey print. No matplotlib: the page is quick to build and its charts stay text.

Example:
    >>> import pandas as pd
    >>> city = pd.Series({"Technology": 0.5, "Services Provision": 0.4})
    >>> peers = pd.DataFrame({"Technology": [0.2, 0.6], "Services Provision": [0.3, 0.5]})
    >>> chart = chart_criteria_against_peers(city, peers, city_name="Velmora", fictional=True)
    >>> chart.data.loc["Technology"].round(2).to_dict()
    {'Velmora': 0.5, 'peer average': 0.4, 'peer lowest': 0.2, 'peer highest': 0.6}
    >>> chart.alt_text.startswith("Fictional data.")
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..chart_parts import LOSI_CUTOFF_NOTE, alt_text_for
from ..errors import LosiInputError
from ..scoring import DEFAULT_LEVELS, LEVEL_ASSUMPTION, LEVEL_NAMES, rank_cities
from .content import ScorecardContent
from .svgcharts import Drawing, criteria_drawing, ranking_drawing

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ScorecardChart", "chart_criteria_against_peers", "chart_rank_among_peers", "scorecard_charts"]

CRITERIA_NOTE = "Score = share of the criterion's indicators met (0 to 1)."


@dataclass(frozen=True, eq=False, repr=False)
class ScorecardChart:
    """A chart of the scorecard: its drawing, the plotted data and a text description.

    ``source`` holds the notes printed under the chart.

    Example:
        >>> import pandas as pd
        >>> chart_criteria_against_peers(pd.Series({"Technology": 0.5}), fictional=True)
        <ScorecardChart: This city: criterion scores, fictional data>
    """

    drawing: Drawing
    data: "pd.DataFrame"
    alt_text: str
    title: str = ""
    source: str = ""
    fictional: bool = False

    def __repr__(self) -> str:
        note = ", fictional data" if self.fictional else ""
        return f"<ScorecardChart: {self.title}{note}>"


def chart_criteria_against_peers(city: "pd.Series", peers: "pd.DataFrame | None" = None, *,
                                 city_name: str = "This city", fictional: bool = False) -> ScorecardChart:
    """The city's criterion scores as bars, beside its peers' average with their range.

    ``city``: criterion -> share met (0 to 1); ``peers``: the peers' criterion scores, one row
    per peer (e.g. columns of :func:`~losi_course.scoring.score_table`); without peers only the
    city is drawn.

    Example:
        >>> import pandas as pd
        >>> chart = chart_criteria_against_peers(pd.Series({"Technology": 0.5}), city_name="Velmora")
        >>> list(chart.data.columns), chart.alt_text
        (['Velmora'], 'Horizontal bar chart of the share of indicators met by Velmora in 1 criteria: the strongest is Technology (0.50) and the weakest Technology (0.50).')
    """
    import pandas as pd

    if not isinstance(city, pd.Series) or city.empty:
        raise LosiInputError("Pass the city's criterion scores as a Series (criterion -> share met).")
    data = pd.DataFrame({city_name: city.astype(float)})
    if peers is not None:
        missing = [c for c in city.index if c not in peers.columns]
        if missing:
            raise LosiInputError(f"The peers' scores lack the criteria {', '.join(missing)}.")
        columns = peers[list(city.index)].astype(float)
        data["peer average"] = columns.mean()
        data["peer lowest"] = columns.min()
        data["peer highest"] = columns.max()
    data.index.name = "criterion"
    title = f"{city_name}: criterion scores" + (" against its peers" if peers is not None else "")
    ranges = None
    if peers is not None:
        ranges = list(data[["peer average", "peer lowest", "peer highest"]].itertuples(index=False, name=None))
    drawing = criteria_drawing([str(c) for c in data.index], data[city_name].tolist(), city_name=city_name,
                               peers=ranges, peer_count=0 if peers is None else len(peers), title=title,
                               notes=[CRITERIA_NOTE], fictional=fictional)
    scores = data[city_name]
    alt = (f"Horizontal bar chart of the share of indicators met by {city_name} in {len(data)} criteria: "
           f"the strongest is {scores.idxmax()} ({scores.max():.2f}) and the weakest {scores.idxmin()} "
           f"({scores.min():.2f}).")
    if peers is not None:
        above = [c for c in data.index if data.loc[c, city_name] > data.loc[c, "peer average"]]
        alt += (f" Beside each, the average of {len(peers)} peers with a line from the lowest to the highest "
                f"peer; {city_name} is above the peer average in {len(above)} of {len(data)} criteria"
                + (f" ({', '.join(above)})." if above else "."))
    return ScorecardChart(drawing, data, alt_text_for(alt, fictional), title, CRITERIA_NOTE, fictional)


def chart_rank_among_peers(losi: "pd.Series", city_name: str, *, fictional: bool = False) -> ScorecardChart:
    """The LOSI ranking of the city and its peers, best on top, with the city's bar marked.

    ``losi``: LOSI values indexed by city, the city included. The levels, their colours and the
    published (0.75) and assumed cut-offs are those of :func:`~losi_course.plots.chart_losi_ranking`.

    Example:
        >>> import pandas as pd
        >>> chart = chart_rank_among_peers(pd.Series({"A": 0.8, "Velmora": 0.6, "B": 0.3}), "Velmora")
        >>> int(chart.data.loc["Velmora", "rank"]), "Velmora is ranked 2 of 3" in chart.alt_text
        (2, True)
    """
    import pandas as pd

    if not (isinstance(losi, pd.Series) and pd.api.types.is_numeric_dtype(losi)):
        raise LosiInputError("Pass the LOSI values as a Series (city -> LOSI).")
    if city_name not in losi.index:
        raise LosiInputError(f"{city_name} is not in the LOSI values to rank.")
    values = losi.astype(float)
    levels = pd.Series(DEFAULT_LEVELS.levels(values.to_numpy()), index=values.index).astype(str)
    data = pd.DataFrame({"losi": values, "level": levels, "rank": rank_cities(values)})
    data = data.sort_values(["losi"], ascending=False, kind="stable")
    data.index.name = values.index.name or "city"
    title = f"{city_name} among its peers: LOSI ranking"
    cutoffs = [(cut, cut == DEFAULT_LEVELS.very_high) for cut in DEFAULT_LEVELS.cutoffs]
    drawing = ranking_drawing([str(name) for name in data.index], data["losi"].tolist(), data["level"].tolist(),
                              city_name=str(city_name), cutoffs=cutoffs, title=title, notes=[LEVEL_ASSUMPTION],
                              fictional=fictional)
    counts = data["level"].value_counts()
    level_text = ", ".join(f"{int(counts[lv])} {lv.lower()}" for lv in LEVEL_NAMES if lv in counts.index)
    rank, total = int(data.loc[city_name, "rank"]), len(data)
    alt = (f"{city_name} is ranked {rank} of {total} (marked with a triangle). Horizontal bar chart ranking "
           f"{total} cities by LOSI, best on top. {data.index[0]} is first ({data['losi'].iloc[0]:.2f}) and "
           f"{data.index[-1]} is last shown ({data['losi'].iloc[-1]:.2f}); levels shown: {level_text}. "
           f"{LOSI_CUTOFF_NOTE}")
    return ScorecardChart(drawing, data, alt_text_for(alt, fictional), title, LEVEL_ASSUMPTION, fictional)


def scorecard_charts(content: ScorecardContent) -> dict[str, ScorecardChart]:
    """The charts of a scorecard: ``"criteria"`` always, ``"ranking"`` when there are peers.

    Example:
        >>> from losi_course.velmora.prepared import team_assessment
        >>> from losi_course.velmora.peers import peers
        >>> from losi_course.report.content import scorecard_content
        >>> charts = scorecard_charts(scorecard_content(team_assessment(), peers()))
        >>> {name: len(chart.data) for name, chart in charts.items()}
        {'criteria': 6, 'ranking': 29}
    """
    import pandas as pd

    city = pd.Series({k.name: k.score for k in content.criteria})
    charts = {"criteria": chart_criteria_against_peers(city, content.peer_scores, city_name=content.city,
                                                       fictional=content.fictional)}
    if content.peer_scores is not None:
        losi = content.peer_scores["losi"].copy()
        losi.loc[content.city] = content.score.losi
        charts["ranking"] = chart_rank_among_peers(losi, content.city, fictional=content.fictional)
    return charts
