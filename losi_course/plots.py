"""Chart helpers for the course notebooks.

Every helper returns a :class:`Chart`: the matplotlib ``figure`` (drawn when first needed), the ``data`` it plots (so
tests and checkers look at numbers, not pixels) and an ``alt_text`` of one or two sentences
that describes the chart for screen readers and for the notebook text. ``chart.show()``
displays the picture with its description underneath.

Charts use the Okabe-Ito colour-blind-safe palette, large fonts, a title and labelled
axes. A chart of fictional data (a table with ``attrs["fictional"]``, or
``fictional=True``) carries a visible "Fictional data" note. LOSI level charts say that
only the "Very high" cut-off (0.75) is published and the other cut-offs are assumed.

matplotlib is imported inside the helpers, so ``import losi_course`` stays light. Figures
are built without pyplot: nothing is left open in a global figure list, and no backend is
chosen here.

Example:
    >>> import pandas as pd
    >>> chart = chart_level_distribution(pd.Series(["High", "Low", "High"]), fictional=True)
    >>> chart.data.to_dict()
    {'Very high': 0, 'High': 2, 'Middle': 0, 'Low': 1}
    >>> chart.alt_text.startswith("Fictional data.")
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .chart_parts import (FICTIONAL_NOTE, LEVEL_COLOURS, LOSI_CUTOFF_NOTE, OKABE_ITO, TEXT_GREY, Chart,
                          alt_text_for, finish_chart, is_fictional, label_bars, new_figure)
from .data import load_losi_2022_participation
from .errors import LosiInputError
from .framework import CRITERIA_2024
from .scoring import DEFAULT_LEVELS, LEVEL_ASSUMPTION, LEVEL_NAMES, rank_cities

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Chart",
    "OKABE_ITO",
    "LEVEL_COLOURS",
    "FICTIONAL_NOTE",
    "bar_chart_egdi_by_region",
    "chart_participation_adoption_2022",
    "chart_level_distribution",
    "chart_criterion_scores",
    "chart_losi_ranking",
]

_SURVEY_2022 = "UN E-Government Survey 2022"


# -- EGDI -------------------------------------------------------------------------------

def bar_chart_egdi_by_region(egdi: "pd.DataFrame", *, title: str | None = None,
                             fictional: bool | None = None) -> Chart:
    """Average EGDI 2022 by region, highest first, with the world average marked.

    ``egdi``: the table from :func:`losi_course.data.load_egdi_2022` (columns ``region``
    and ``egdi_2022``).

    Example:
        >>> from losi_course.data import load_egdi_2022
        >>> chart = bar_chart_egdi_by_region(load_egdi_2022())
        >>> chart.data.index[0], round(float(chart.data.iloc[0]), 4)
        ('Europe', 0.8305)
    """
    _require_columns(egdi, ["region", "egdi_2022"], "the EGDI table")
    fictional = is_fictional(egdi, fictional)
    means = egdi.groupby("region")["egdi_2022"].mean().sort_values(ascending=False)
    means = means.rename("mean_egdi_2022")
    world = float(egdi["egdi_2022"].mean())
    title = title or "EGDI 2022: average by region"

    source = (f"Source: {_SURVEY_2022} data ({len(egdi)} Member States); "
              "regional averages are the course's own calculation.")

    def draw():
        figure, axes = new_figure(8, 4.6)
        ordered = means[::-1]  # barh draws from the bottom up: highest on top
        bars = axes.barh(list(ordered.index), ordered.to_numpy(), color=OKABE_ITO["blue"])
        label_bars(axes, bars, "%.2f")
        axes.axvline(world, color=OKABE_ITO["black"], linestyle="--", linewidth=1.2,
                     label=f"Average of all {len(egdi)} countries: {world:.2f}")
        axes.set_xlim(0, 1)
        axes.legend(loc="lower right", frameon=False)
        finish_chart(figure, axes, title=title, xlabel="Average EGDI 2022 (0 = lowest, 1 = highest)",
                     ylabel="Region", notes=[source], fictional=fictional)
        return figure

    alt = (f"Horizontal bar chart of the average EGDI 2022 in {len(means)} regions. "
           f"{means.index[0]} has the highest average ({means.iloc[0]:.2f}) and "
           f"{means.index[-1]} the lowest ({means.iloc[-1]:.2f}); the average of all "
           f"{len(egdi)} countries is {world:.2f}.")
    return Chart(draw, means, alt_text_for(alt, fictional), title, source, fictional)


# -- LOSI 2022 participation (Figure 3.10) ------------------------------------------------

def chart_participation_adoption_2022(participation: "pd.DataFrame | None" = None, *,
                                      title: str | None = None) -> Chart:
    """Rebuild the Survey 2022 Figure 3.10: the 17 participation-and-engagement features,
    with the share of the 146 assessed cities offering each, most common first.

    Example:
        >>> chart = chart_participation_adoption_2022()
        >>> len(chart.data), chart.data.index[0], float(chart.data.iloc[-1])
        (17, 'Social networking features', 19.18)
    """
    if participation is None:

        participation = load_losi_2022_participation()
    _require_columns(participation, ["label", "pct_cities_2022"], "the participation table")
    shares = (participation.set_index("label")["pct_cities_2022"].astype(float)
              .sort_values(ascending=False).rename("pct_cities_2022"))
    title = title or "Participation and engagement features, LOSI 2022"
    below_half = int((shares < 50).sum())
    source = (f"Source: {_SURVEY_2022}, Figure 3.10 (report page 99). Shares of the 146 cities "
              "with an assessed portal. Orange: fewer than half of the cities.")

    def draw():
        figure, axes = new_figure(9, 6.4)
        ordered = shares[::-1]
        colours = [OKABE_ITO["blue"] if v >= 50 else OKABE_ITO["orange"] for v in ordered]
        bars = axes.barh(list(ordered.index), ordered.to_numpy(), color=colours)
        label_bars(axes, bars, "%.0f%%")
        axes.axvline(50, color=OKABE_ITO["black"], linestyle=":", linewidth=1)
        axes.set_xlim(0, 100)
        finish_chart(figure, axes, title=title, xlabel="Share of the 146 assessed cities (%)",
                     ylabel="", notes=[source], fictional=False)
        return figure

    alt = (f"Horizontal bar chart of the {len(shares)} participation and engagement features of "
           f"LOSI 2022 and the share of the 146 assessed cities that offered each. The most common "
           f"is {shares.index[0].lower()} ({shares.iloc[0]:.0f}%) and the least common "
           f"{shares.index[-1].lower()} ({shares.iloc[-1]:.0f}%); {below_half} of the "
           f"{len(shares)} features were found in fewer than half of the cities.")
    return Chart(draw, shares, alt, title, source, False)


# -- levels -----------------------------------------------------------------------------

def _level_counts(levels) -> "pd.Series":
    import pandas as pd

    if isinstance(levels, dict):
        levels = pd.Series(levels)
    if not isinstance(levels, pd.Series):
        levels = pd.Series(list(levels))
    index_is_levels = set(map(str, levels.index)) <= set(LEVEL_NAMES)
    if index_is_levels and pd.api.types.is_numeric_dtype(levels) and len(levels):
        counts = levels.copy()  # already counts per level
        counts.index = counts.index.map(str)
    else:
        names = levels.astype(str)
        unknown = sorted(set(names) - set(LEVEL_NAMES))
        if unknown:
            raise LosiInputError(
                f"Unknown level name(s): {', '.join(unknown)}. The levels are: {', '.join(LEVEL_NAMES)}."
            )
        counts = names.value_counts()
    counts = counts.reindex(list(LEVEL_NAMES), fill_value=0).astype(int)
    counts.index.name = "level"
    return counts.rename("count")


def chart_level_distribution(levels, *, title: str | None = None, index: str = "LOSI",
                             fictional: bool | None = None, source: str = "") -> Chart:
    """How many cities (or countries) are at each level: Very high, High, Middle, Low.

    ``levels``: one level name per city (e.g. the ``level`` column of
    :func:`losi_course.scoring.score_table`), or counts per level (a Series or dict
    indexed by level name). ``index`` is ``"LOSI"`` (only the "Very high" cut-off is
    published; the others are assumed, and the chart says so) or ``"EGDI"`` (the
    Survey's published bands).

    Example:
        >>> chart = chart_level_distribution({"Very high": 38, "High": 36, "Middle": 45, "Low": 27})
        >>> int(chart.data.sum()), "assumed" in chart.alt_text
        (146, True)
    """
    if index not in ("LOSI", "EGDI"):
        raise LosiInputError("index must be 'LOSI' or 'EGDI'.")
    fictional = is_fictional(levels, fictional)
    counts = _level_counts(levels)
    total = int(counts.sum())
    noun = "countries" if index == "EGDI" else "cities"
    title = title or f"{index} levels"

    if index == "LOSI":
        band_note = ("LOSI levels: 'Very high' means LOSI above 0.75 (published). The cut-offs between "
                     "High, Middle and Low were not published; the course assumes 0.50 and 0.25, as for EGDI.")
    else:
        band_note = "EGDI levels: the Survey's published bands (above 0.75, 0.50-0.75, 0.25-0.50, below 0.25)."
    notes = [n for n in (source, band_note) if n]

    def draw():
        figure, axes = new_figure(8, 4.6)
        bars = axes.bar(list(counts.index), counts.to_numpy(),
                        color=[LEVEL_COLOURS[n] for n in counts.index])
        label_bars(axes, bars, "%d")
        axes.set_ylim(0, max(1, counts.max()) * 1.15)
        finish_chart(figure, axes, title=title, xlabel=f"{index} level",
                     ylabel=f"Number of {noun}", notes=notes, fictional=fictional)
        return figure

    parts = ", ".join(f"{n} {name.lower()}" for name, n in counts.items())
    alt = f"Bar chart of {total} {noun} by {index} level: {parts}."
    if index == "LOSI":
        alt += " " + LOSI_CUTOFF_NOTE
    return Chart(draw, counts, alt_text_for(alt, fictional), title, " ".join(notes), fictional)


# -- criteria ---------------------------------------------------------------------------

def _criterion_means(scores) -> "pd.Series":
    import pandas as pd


    if isinstance(scores, dict):
        scores = pd.Series(scores)
    if isinstance(scores, pd.DataFrame):
        columns = [c for c in scores.columns if c in CRITERIA_2024]
        if not columns:
            raise LosiInputError(
                "The table has no criterion columns; pass the result of score_table() "
                "or a Series of criterion averages."
            )
        scores = scores[columns].mean()
    if not isinstance(scores, pd.Series) or not pd.api.types.is_numeric_dtype(scores):
        raise LosiInputError("Pass criterion scores as a Series (criterion -> number between 0 and 1).")
    return scores.astype(float)


def chart_criterion_scores(scores, *, title: str | None = None,
                           fictional: bool | None = None, source: str = "") -> Chart:
    """Criterion sub-scores as bars (e.g. national averages), the weakest highlighted.

    ``scores``: a Series ``criterion -> share met`` (0 to 1), or a
    :func:`~losi_course.scoring.score_table` result (its criterion columns are averaged).

    Example:
        >>> import pandas as pd
        >>> chart = chart_criterion_scores(pd.Series({"Technology": 0.7, "Services Provision": 0.4}))
        >>> chart.alt_text
        'Horizontal bar chart of the average share of indicators met in 2 criteria. The weakest is Services Provision (0.40) and the strongest Technology (0.70).'
    """
    fictional = is_fictional(scores, fictional)
    means = _criterion_means(scores).rename("score")
    means.index.name = "criterion"
    title = title or "Average criterion scores"
    weakest, strongest = means.idxmin(), means.idxmax()

    notes = [n for n in (source, "Score = share of the criterion's indicators met. "
                         "Highlighted: the weakest criterion.") if n]

    def draw():
        figure, axes = new_figure(8, 4.6)
        ordered = means[::-1]  # first criterion on top
        colours = [OKABE_ITO["vermillion"] if name == weakest else OKABE_ITO["blue"] for name in ordered.index]
        bars = axes.barh(list(ordered.index), ordered.to_numpy(), color=colours)
        label_bars(axes, bars, "%.2f")
        axes.set_xlim(0, 1)
        finish_chart(figure, axes, title=title, xlabel="Share of indicators met (0 to 1)", ylabel="",
                     notes=notes, fictional=fictional)
        return figure

    alt = (f"Horizontal bar chart of the average share of indicators met in {len(means)} criteria. "
           f"The weakest is {weakest} ({means[weakest]:.2f}) and the strongest "
           f"{strongest} ({means[strongest]:.2f}).")
    return Chart(draw, means, alt_text_for(alt, fictional), title, " ".join(notes), fictional)


# -- ranking ----------------------------------------------------------------------------

def chart_losi_ranking(scores, top: int | None = None, *, title: str | None = None,
                       fictional: bool | None = None, source: str = "") -> Chart:
    """Cities ranked by LOSI, best on top, coloured by level, with the level cut-offs.

    ``scores``: a :func:`~losi_course.scoring.score_table` result (``losi`` column, and
    ``level`` if present) or a Series of LOSI values indexed by city. ``top`` keeps only
    the best ``top`` cities.

    Example:
        >>> import pandas as pd
        >>> chart = chart_losi_ranking(pd.Series({"North": 0.8, "South": 0.3, "East": 0.6}), fictional=True)
        >>> chart.data["rank"].to_dict()
        {'North': 1, 'East': 2, 'South': 3}
    """
    import pandas as pd

    fictional = is_fictional(scores, fictional)
    if isinstance(scores, pd.DataFrame):
        _require_columns(scores, ["losi"], "the scores table")
        values = scores["losi"].astype(float)
        levels = scores["level"].astype(str) if "level" in scores else None
    elif isinstance(scores, pd.Series) and pd.api.types.is_numeric_dtype(scores):
        values, levels = scores.astype(float), None
    else:
        raise LosiInputError("Pass the scores table from score_table(), or a Series of LOSI values.")
    if levels is None:
        levels = pd.Series(DEFAULT_LEVELS.levels(values.to_numpy()), index=values.index).astype(str)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise LosiInputError("top must be a whole number, 1 or more (or None for all cities).")
    data = pd.DataFrame({"losi": values, "level": levels, "rank": rank_cities(values)})
    data = data.sort_values(["losi"], ascending=False, kind="stable")
    if top is not None:
        data = data.head(top)
    data.index.name = values.index.name or "city"
    shown = len(data)
    title = title or (f"LOSI ranking: top {shown}" if top is not None else "LOSI ranking")

    present = [lv for lv in LEVEL_NAMES if lv in set(data["level"])]
    notes = [n for n in (source, LEVEL_ASSUMPTION) if n]

    def draw():
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        figure, axes = new_figure(8.5, max(3.8, 0.3 * shown + 1.8))
        ordered = data[::-1]
        bars = axes.barh([str(i) for i in ordered.index], ordered["losi"].to_numpy(),
                         color=[LEVEL_COLOURS.get(lv, OKABE_ITO["black"]) for lv in ordered["level"]])
        label_bars(axes, bars, "%.2f")
        for cut in DEFAULT_LEVELS.cutoffs:
            published = cut == DEFAULT_LEVELS.very_high
            axes.axvline(cut, color=TEXT_GREY, linestyle="--" if published else ":", linewidth=1.2)
        axes.set_xlim(0, 1.08)
        handles = [Patch(color=LEVEL_COLOURS[lv], label=lv) for lv in present]
        handles += [
            Line2D([], [], color=TEXT_GREY, linestyle="--",
                   label=f"{DEFAULT_LEVELS.very_high:.2f} cut-off (published)"),
            Line2D([], [], color=TEXT_GREY, linestyle=":",
                   label=f"{DEFAULT_LEVELS.high:.2f} and {DEFAULT_LEVELS.middle:.2f} (assumed)"),
        ]
        # Outside the axes, so it never hides a bar.
        figure.legend(handles=handles, title="Level", loc="outside right upper", frameon=False)
        finish_chart(figure, axes, title=title, xlabel="LOSI (share of indicators met, 0 to 1)", ylabel="",
                     notes=notes, fictional=fictional)
        return figure

    best, worst = data.index[0], data.index[-1]
    counts = data["level"].value_counts()
    level_text = ", ".join(f"{int(counts[lv])} {lv.lower()}" for lv in present)
    scope = f"the top {shown} of {len(values)}" if top is not None else f"{shown}"
    alt = (f"Horizontal bar chart ranking {scope} cities by LOSI, best on top. {best} is first "
           f"({data['losi'].iloc[0]:.2f}) and {worst} is last shown ({data['losi'].iloc[-1]:.2f}); "
           f"levels shown: {level_text}. {LOSI_CUTOFF_NOTE}")
    return Chart(draw, data, alt_text_for(alt, fictional), title, " ".join(notes), fictional)


def _require_columns(table, columns, what: str) -> None:
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise LosiInputError(f"Expected {what} as a pandas table (DataFrame).")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise LosiInputError(f"{what.capitalize()} lacks the column(s) {', '.join(missing)}.")
