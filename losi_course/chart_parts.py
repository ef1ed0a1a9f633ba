"""The parts every course chart is made of: the :class:`Chart` result, colours, style, notes.

:mod:`losi_course.plots` (the notebooks' charts) and :mod:`losi_course.report.charts` (the
scorecard's) both build on these, so every chart has the same palette (Okabe-Ito, safe for
colour blindness), fonts, title placement, notes and "Fictional data" mark.

Example:
    >>> figure, axes = new_figure(6, 4)
    >>> bars = axes.barh(["Velmora"], [0.62], color=OKABE_ITO["blue"])
    >>> label_bars(axes, bars, "%.2f")
    >>> finish_chart(figure, axes, title="LOSI", xlabel="LOSI", ylabel="", notes=[], fictional=True)
    >>> chart = Chart(figure, None, alt_text_for("One bar: Velmora, 0.62.", True), "LOSI", fictional=True)
    >>> chart
    <Chart: LOSI, fictional data>
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .course import CourseFolder

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["Chart", "OKABE_ITO", "LEVEL_COLOURS", "FICTIONAL_NOTE", "LOSI_CUTOFF_NOTE", "TEXT_GREY", "is_fictional",
           "new_figure", "finish_chart", "alt_text_for", "label_bars"]

# Okabe & Ito (2008): eight colours that stay distinct for the common forms of colour blindness.
OKABE_ITO = {
    "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7", "black": "#000000",
}
LEVEL_COLOURS = {
    "Very high": OKABE_ITO["blue"], "High": OKABE_ITO["sky blue"],
    "Middle": OKABE_ITO["orange"], "Low": OKABE_ITO["vermillion"],
}
FICTIONAL_NOTE = "Fictional data"
#: What every LOSI level chart says about its cut-offs.
LOSI_CUTOFF_NOTE = ("Only the 'Very high' cut-off (LOSI above 0.75) is published; the other "
                         "cut-offs were not published and are assumed by the course.")
TEXT_GREY = "#333333"
_STYLE = {
    "font.size": 12, "axes.titlesize": 14, "axes.labelsize": 12, "xtick.labelsize": 11,
    "ytick.labelsize": 11, "legend.fontsize": 10, "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(eq=False, repr=False)
class Chart:
    """A chart: its drawing, the plotted data and a text description.

    ``drawing`` is the matplotlib figure, or a function that draws it: then the figure is
    drawn the first time it is needed (``figure``, shown, saved), so a chart built only for
    its data or its description (as when nbgrader grades a notebook) costs no drawing.

    Example:
        >>> import pandas as pd
        >>> from losi_course.plots import chart_criterion_scores
        >>> chart = chart_criterion_scores(pd.Series({"Technology": 0.7, "Services Provision": 0.4}))
        >>> chart.title, chart.to_png()[:4]
        ('Average criterion scores', b'\\x89PNG')
    """

    drawing: "Figure | Callable[[], Figure]"
    data: "pd.Series | pd.DataFrame"
    alt_text: str
    title: str = ""
    source: str = ""
    fictional: bool = False

    @property
    def figure(self) -> "Figure":
        """The matplotlib figure, drawn now if it has not been yet."""
        if callable(self.drawing):
            self.drawing = self.drawing()
        return self.drawing

    def __repr__(self) -> str:
        note = ", fictional data" if self.fictional else ""
        return f"<Chart: {self.title}{note}>"

    def to_png(self, dpi: int = 100) -> bytes:
        """The chart as PNG bytes.

        Example:
            >>> import pandas as pd
            >>> from losi_course.plots import chart_level_distribution
            >>> chart_level_distribution(pd.Series(["Low"])).to_png()[:4]
            b'\\x89PNG'
        """
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Jupyter shows the picture; plain-text front ends get the description instead.
        if CourseFolder.grading():
            # nbgrader runs every submission: drawing would be most of its time, and nobody looks
            return {"text/plain": f"(The chart is not drawn while grading.) {self.alt_text}"}
        return {"image/png": base64.b64encode(self.to_png()).decode("ascii"),
                "text/plain": self.alt_text}

    def show(self) -> None:
        """Display the chart in a notebook, with its description printed underneath.

        Example:
            >>> import pandas as pd
            >>> from losi_course.plots import chart_level_distribution
            >>> chart_level_distribution(pd.Series(["Low", "Low"]), index="EGDI").show()
            <Chart: EGDI levels>
            Chart description: Bar chart of 2 countries by EGDI level: 0 very high, 0 high, 0 middle, 2 low.
        """
        try:
            from IPython.display import display
        except ImportError:  # outside Jupyter: the description is still useful
            display = None
        if display is not None:
            display(self)
        print(f"Chart description: {self.alt_text}")

    def save(self, path: str | Path, dpi: int = 150) -> Path:
        """Save the chart as an image file (PNG, SVG or PDF, from the file ending).

        Example:
            >>> import tempfile, pandas as pd
            >>> from losi_course.plots import chart_level_distribution
            >>> chart = chart_level_distribution(pd.Series(["Low"]))
            >>> chart.save(Path(tempfile.mkdtemp()) / "levels.png").stat().st_size > 0
            True
        """
        path = Path(path)
        self.figure.savefig(path, dpi=dpi, facecolor="white")
        return path


# -- the parts every chart is built from ------------------------------------------------

def is_fictional(obj: object, fictional: bool | None) -> bool:
    """Whether to mark a chart fictional: as asked, else from the table's ``attrs["fictional"]``.

    Example:
        >>> import pandas as pd
        >>> table = pd.Series([0.5]); table.attrs["fictional"] = True
        >>> is_fictional(table, None), is_fictional(table, False)
        (True, False)
    """
    if fictional is not None:
        return bool(fictional)
    return bool(getattr(obj, "attrs", {}).get("fictional", False))


def new_figure(width: float, height: float):
    """A figure of ``width`` x ``height`` inches in the course's style, with one axes (no pyplot).

    Example:
        >>> figure, axes = new_figure(8, 4.6)
        >>> figure.get_size_inches().tolist()
        [8.0, 4.6]
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
    return figure, axes


def finish_chart(figure, axes, *, title: str, xlabel: str, ylabel: str, notes: list[str],
                 fictional: bool) -> None:
    """Title, axis labels, the notes under the chart and, for fictional data, the visible mark.

    Example:
        >>> figure, axes = new_figure(8, 4.6)
        >>> finish_chart(figure, axes, title="Levels", xlabel="level", ylabel="cities",
        ...              notes=["Source: fictional."], fictional=True)
        >>> figure.texts[-1].get_text(), axes.get_title(loc="right")
        ('Source: fictional.', 'Fictional data')
    """
    width, height = figure.get_size_inches()
    # The title sits on the figure (not the axes) so long tick labels cannot push it off the edge.
    figure.suptitle(title, x=0.01, ha="left", fontsize=14, fontweight="bold")
    axes.set_xlabel(xlabel, fontsize=12)
    axes.set_ylabel(ylabel, fontsize=12)
    axes.tick_params(labelsize=11)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    # Reserve room under the axes for the notes (about 14 characters per inch at 9 pt).
    lines = sum(math.ceil(len(n) / (width * 14)) for n in notes)
    bottom = min(0.4, (0.1 + 0.16 * lines) / height) if notes else 0
    figure.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))  # (left, bottom, width, height)
    if notes:
        figure.text(0.01, 0.01, "\n".join(notes), ha="left", va="bottom", fontsize=9,
                    color=TEXT_GREY, wrap=True)
    if fictional:
        # An axes title takes part in the layout, so the note never covers a legend.
        axes.set_title(FICTIONAL_NOTE, loc="right", fontsize=12, fontweight="bold",
                       color=OKABE_ITO["vermillion"], pad=12,
                       bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                             "edgecolor": OKABE_ITO["vermillion"]})


def alt_text_for(text: str, fictional: bool) -> str:
    """A chart's description, starting "Fictional data." when it shows invented figures.

    Example:
        >>> alt_text_for("Bar chart of 3 cities.", fictional=True)
        'Fictional data. Bar chart of 3 cities.'
    """
    return f"{FICTIONAL_NOTE}. {text}" if fictional else text


def label_bars(axes, bars, fmt: str) -> None:
    """Write each bar's value at its end (``fmt`` as in ``"%.2f"``), on a pale box so lines do not hide it.

    Example:
        >>> figure, axes = new_figure(4, 3)
        >>> label_bars(axes, axes.bar(["a", "b"], [0.25, 0.5]), "%.2f")
        >>> [t.get_text() for t in axes.texts]
        ['0.25', '0.50']
    """
    labels = axes.bar_label(bars, fmt=fmt, padding=3, fontsize=10, color=TEXT_GREY)
    for label in labels:  # keep labels readable where they cross a reference line
        label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8})
