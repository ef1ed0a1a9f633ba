"""The scorecard as one self-contained HTML page: Jinja2 templates, charts as inline SVG.

``templates/scorecard.html`` lays out a :class:`~losi_course.report.content.ScorecardContent`;
``templates/scorecard.css`` is inlined into it (with its print rules for A4), and the macro in
``templates/charts.svg.html`` writes each chart's drawing as an ``<svg>`` whose accessible name
is the chart's alt text. Every value is HTML-escaped (city names, evidence and notes are
whatever an assessor typed); only ``http(s)`` evidence addresses become links. The page loads
nothing: no script, no font, no other file.

Example:
    >>> from losi_course.velmora.prepared import team_assessment
    >>> from losi_course.report.content import scorecard_content
    >>> html = render_page(scorecard_content(team_assessment()))
    >>> html.startswith("<!DOCTYPE html>"), '<html lang="en">' in html, "<script" in html, "<svg" in html
    (True, True, False, True)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..version import __version__
from .charts import ScorecardChart, scorecard_charts
from .content import ScorecardContent

__all__ = ["render_page", "render_chart", "TEMPLATES_DIR"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    # One environment per process: Jinja2 then compiles each template once.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return environment


def _ranking_rows(chart: ScorecardChart) -> list:
    return [(str(name), {"rank": int(row["rank"]), "losi": float(row["losi"]), "level": str(row["level"])})
            for name, row in chart.data.iterrows()]


def render_chart(chart: ScorecardChart, id: str = "chart") -> str:
    """One chart as an inline ``<svg>`` element, named by its alt text (``id`` must be unique in the page).

    Example:
        >>> import pandas as pd
        >>> from losi_course.report.charts import chart_criteria_against_peers
        >>> svg = render_chart(chart_criteria_against_peers(pd.Series({"Technology": 0.5}), city_name="A & B"))
        >>> svg.startswith('<svg class="chart" id="chart" role="img" aria-labelledby="chart-title"'), "A &amp; B" in svg
        (True, True)
    """
    return str(_environment().get_template("charts.svg.html").module.svg_chart(chart, id))


def render_page(content: ScorecardContent, *, lang: str = "en") -> str:
    """The scorecard page as HTML text (UTF-8, one file, nothing to load).

    ``lang``: the page's language tag (its text is English).

    Example:
        >>> from losi_course.velmora.prepared import team_assessment
        >>> from losi_course.report.content import scorecard_content
        >>> "Fictional data." in render_page(scorecard_content(team_assessment()))
        True
    """
    charts = scorecard_charts(content)
    rows = _ranking_rows(charts["ranking"]) if "ranking" in charts else []
    template = _environment().get_template("scorecard.html")
    return template.render(c=content, charts=charts, ranking_rows=rows, version=__version__, lang=lang)
