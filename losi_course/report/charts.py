"""The scorecard's charts: criterion scores against the peers, and the city's rank among them.

Both return a :class:`~losi_course.plots.Chart` (figure, plotted data, alt text), drawn in the
Okabe-Ito colour-blind-safe palette of :mod:`losi_course.plots`; the peer bars are also hatched,
so the two series stay apart in a grey print. :func:`data_uri` embeds a chart in the page.

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

import base64
from typing import TYPE_CHECKING

from ..errors import LosiInputError
from ..chart_parts import OKABE_ITO, Chart, alt_text_for, finish_chart, label_bars, new_figure
from ..plots import chart_losi_ranking

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["chart_criteria_against_peers", "chart_rank_among_peers", "data_uri"]

CITY_COLOUR = OKABE_ITO["blue"]
PEER_COLOUR = OKABE_ITO["orange"]


def data_uri(chart: Chart, dpi: int = 110) -> str:
    """The chart as a PNG ``data:`` URI, so the page needs no other file.

    Example:
        >>> import pandas as pd
        >>> data_uri(chart_criteria_against_peers(pd.Series({"Technology": 0.5}))).startswith("data:image/png;base64,iVBOR")
        True
    """
    return "data:image/png;base64," + base64.b64encode(chart.to_png(dpi=dpi)).decode("ascii")


def chart_criteria_against_peers(city: "pd.Series", peers: "pd.DataFrame | None" = None, *,
                                 city_name: str = "This city", fictional: bool = False) -> Chart:
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
    import numpy as np
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

    figure, axes = new_figure(8.5, 5.2)
    ordered = data[::-1]  # barh draws from the bottom up: the first criterion on top
    positions = np.arange(len(ordered))
    height = 0.38 if peers is not None else 0.6
    shift = height / 2 if peers is not None else 0
    bars = axes.barh(positions + shift, ordered[city_name], height=height, color=CITY_COLOUR, label=city_name)
    label_bars(axes, bars, "%.2f")
    if peers is not None:
        low = ordered["peer average"] - ordered["peer lowest"]
        high = ordered["peer highest"] - ordered["peer average"]
        peer_bars = axes.barh(positions - shift, ordered["peer average"], height=height, color=PEER_COLOUR,
                              hatch="//", edgecolor="#333333", linewidth=0.5,
                              label=f"Average of {len(peers)} peers (line: lowest to highest)")
        axes.errorbar(ordered["peer average"], positions - shift, xerr=[low, high], fmt="none",
                      ecolor="#000000", elinewidth=1.2, capsize=4)
        label_bars(axes, peer_bars, "%.2f")
    axes.set_yticks(positions, list(ordered.index))
    axes.set_xlim(0, 1.1)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, frameon=False)
    notes = ["Score = share of the criterion's indicators met (0 to 1)."]
    finish_chart(figure, axes, title=title, xlabel="Share of indicators met", ylabel="", notes=notes,
                 fictional=fictional)
    scores = data[city_name]
    alt = (f"Horizontal bar chart of the share of indicators met by {city_name} in {len(data)} criteria: "
           f"the strongest is {scores.idxmax()} ({scores.max():.2f}) and the weakest {scores.idxmin()} "
           f"({scores.min():.2f}).")
    if peers is not None:
        above = [c for c in data.index if data.loc[c, city_name] > data.loc[c, "peer average"]]
        alt += (f" Beside each, the average of {len(peers)} peers with a line from the lowest to the highest "
                f"peer; {city_name} is above the peer average in {len(above)} of {len(data)} criteria"
                + (f" ({', '.join(above)})." if above else "."))
    return Chart(figure, data, alt_text_for(alt, fictional), title, " ".join(notes), fictional)


def chart_rank_among_peers(losi: "pd.Series", city_name: str, *, fictional: bool = False) -> Chart:
    """The LOSI ranking of the city and its peers, best on top, with the city's bar marked.

    ``losi``: LOSI values indexed by city, the city included. The level colours and the
    published (0.75) and assumed cut-offs are those of :func:`~losi_course.plots.chart_losi_ranking`.

    Example:
        >>> import pandas as pd
        >>> chart = chart_rank_among_peers(pd.Series({"A": 0.8, "Velmora": 0.6, "B": 0.3}), "Velmora")
        >>> int(chart.data.loc["Velmora", "rank"]), "Velmora is ranked 2 of 3" in chart.alt_text
        (2, True)
    """
    if city_name not in losi.index:
        raise LosiInputError(f"{city_name} is not in the LOSI values to rank.")
    chart = chart_losi_ranking(losi, title=f"{city_name} among its peers: LOSI ranking", fictional=fictional)
    axes = chart.figure.axes[0]
    marked = f"\u25B6 {city_name}"  # the city stands out by a marker and bold type, not colour alone
    labels = [label.get_text() for label in axes.get_yticklabels()]
    axes.set_yticks(axes.get_yticks(), [marked if text == city_name else text for text in labels])
    for label in axes.get_yticklabels():
        if label.get_text() == marked:
            label.set_fontweight("bold")
    rank, total = int(chart.data.loc[city_name, "rank"]), len(chart.data)
    plain = chart.alt_text.removeprefix("Fictional data. ")
    alt = alt_text_for(f"{city_name} is ranked {rank} of {total} (marked with a triangle). {plain}", fictional)
    return Chart(chart.figure, chart.data, alt, chart.title, chart.source, chart.fictional)
