"""The scorecard as one self-contained HTML page: Jinja2 templates, charts inlined as data URIs.

``templates/scorecard.html`` lays out a :class:`~losi_course.report.content.ScorecardContent`;
``templates/scorecard.css`` is inlined into it (with its print rules for A4). Every value is
HTML-escaped (evidence and notes are whatever an assessor typed); only ``http(s)`` evidence
addresses become links. The page loads nothing: no script, no font, no other file.

Example:
    >>> from losi_course.velmora.prepared import team_assessment
    >>> from losi_course.report.content import scorecard_content
    >>> html = render_page(scorecard_content(team_assessment()))
    >>> html.startswith("<!DOCTYPE html>"), '<html lang="en">' in html, "<script" in html
    (True, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..version import __version__
from .charts import chart_criteria_against_peers, chart_rank_among_peers, data_uri
from .content import ScorecardContent

__all__ = ["render_page", "TEMPLATES_DIR", "CHART_DPI"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Pixels per inch of the embedded charts: sharp on screen and on an A4 print, and small.
CHART_DPI = 120
_CSS_PIXELS_PER_INCH = 96


@dataclass(frozen=True)
class _Figure:
    uri: str
    alt: str
    title: str
    width: int
    height: int
    rows: list


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    return environment


def _figure(chart, dpi: int, rows: list | None = None) -> _Figure:
    width, height = chart.figure.get_size_inches()
    figure = _Figure(data_uri(chart, dpi), chart.alt_text, chart.title,
                     round(width * _CSS_PIXELS_PER_INCH), round(height * _CSS_PIXELS_PER_INCH), rows or [])
    chart.figure.clear()  # the picture is in the URI; free the figure's memory at once
    return figure


def _charts(content: ScorecardContent, dpi: int) -> dict[str, _Figure]:
    import pandas as pd

    city = pd.Series({k.name: k.score for k in content.criteria})
    peers = None if content.peer_scores is None else content.peer_scores
    charts = {"criteria": _figure(chart_criteria_against_peers(
        city, peers, city_name=content.city, fictional=content.fictional), dpi)}
    if content.peer_scores is not None:
        losi = content.peer_scores["losi"].copy()
        losi.loc[content.city] = content.score.losi
        ranking = chart_rank_among_peers(losi, content.city, fictional=content.fictional)
        rows = [(str(name), {"rank": int(row["rank"]), "losi": float(row["losi"]), "level": str(row["level"])})
                for name, row in ranking.data.iterrows()]
        charts["ranking"] = _figure(ranking, dpi, rows)
    return charts


def render_page(content: ScorecardContent, *, lang: str = "en", dpi: int = CHART_DPI) -> str:
    """The scorecard page as HTML text (UTF-8, one file, nothing to load).

    ``lang``: the page's language tag (its text is English).

    Example:
        >>> from losi_course.velmora.prepared import team_assessment
        >>> from losi_course.report.content import scorecard_content
        >>> "Fictional data." in render_page(scorecard_content(team_assessment()))
        True
    """
    template = _environment().get_template("scorecard.html")
    return template.render(c=content, charts=_charts(content, dpi), version=__version__, lang=lang)
