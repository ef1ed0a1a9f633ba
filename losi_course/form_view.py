"""The text of the assessment form: header, provisional score, page titles, indicator text.

Pure functions from an assessment to HTML strings, kept apart from the widgets and the file
handling of :mod:`losi_course.widgets`, so they can be read and tested without a notebook.

Example:
    >>> from losi_course.assessment import Assessment
    >>> "Velmora" in header_html(Assessment(city="Velmora"), "velmora.csv")
    True
    >>> criterion_titles(Assessment())[0]
    'Institutional Framework — answered 0 / 6'
"""

from __future__ import annotations

import html

from .assessment import Assessment
from .framework import Indicator
from .scoring import LosiScore

__all__ = ["header_html", "score_html", "criterion_titles", "indicator_html", "HELP_HTML"]

HELP_HTML = (
    "<small>Choose <b>Yes</b> if you found the feature on the portal, <b>No</b> if it is absent or you "
    "could not find it, <b>Not sure</b> to come back to it later. Every change is saved to the file at "
    "once; in the text boxes, press Enter or click elsewhere to save what you typed.</small>")


def header_html(sheet: Assessment, path: object) -> str:
    """The form's title line: city, country, assessor, date and the file it saves to."""
    meta = sheet.metadata
    city = html.escape(meta.get("city", "") or "(city not given)")
    country = f" ({html.escape(meta['country'])})" if meta.get("country") else ""
    rows = [
        ("Assessor", meta.get("assessor", "") or "(not given)"),
        ("Date", meta.get("date", "") or "(not given)"),
        ("Saved to", str(path)),
    ]
    details = " &nbsp;·&nbsp; ".join(f"<b>{k}:</b> {html.escape(v)}" for k, v in rows)
    return (f"<h3 style='margin:0.2em 0'>LOSI {html.escape(sheet.edition)} assessment: "
            f"{city}{country}</h3><div>{details}</div>")


def score_html(score: LosiScore) -> str:
    """The provisional score with its criterion table, and the assumption about levels."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td style='text-align:right'>{score.criteria_met[name]} of "
        f"{score.criteria_total[name]}</td><td style='text-align:right'>{value:.2f}</td></tr>"
        for name, value in score.criteria.items())
    return (f"<div><b>Provisional LOSI: {score.losi:.4f} ({html.escape(score.level)})</b> — "
            f"{score.indicators_met} of {score.indicators_total} indicators met.<br>"
            "<small>Provisional: indicators not answered yet, or marked Not sure, count as not found "
            "until you answer them. Only the 'Very high' level (above 0.75) is published; the other "
            "level cut-offs are an assumption.</small>"
            "<table style='margin-top:0.3em'><tr><th style='text-align:left'>Criterion</th>"
            f"<th>met</th><th>sub-score</th></tr>{rows}</table></div>")


def criterion_titles(sheet: Assessment, criteria: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """One title per criterion page, with how many of its indicators are answered."""
    titles = []
    for criterion in criteria or sheet.instrument.criteria:
        ids = [i.id for i in sheet.instrument.in_criterion(criterion)]
        done = sum(1 for i in ids if sheet.answers[i].value is not None)
        unsure = sum(1 for i in ids if sheet.answers[i].state == "not sure")
        extra = f", {unsure} not sure" if unsure else ""
        titles.append(f"{criterion} — answered {done} / {len(ids)}{extra}")
    return tuple(titles)


def indicator_html(indicator: Indicator) -> str:
    """The text above an indicator's buttons: id, label, what to look for, how a city meets it.

    Example:
        >>> from losi_course.framework import load_instrument
        >>> indicator_html(load_instrument()["206"]).startswith("<div><b>206 · Search function")
        True
    """
    steps = "".join(f"<li>{html.escape(step)}</li>" for step in indicator.steps)
    steps_html = (f"<div><i>How a city can meet it:</i><ul style='margin:0.2em 0'>{steps}</ul></div>"
                  if steps else "")
    return (f"<div><b>{html.escape(indicator.id)} · {html.escape(indicator.label)}</b></div>"
            f"<div>{html.escape(indicator.description)}</div>{steps_html}")
