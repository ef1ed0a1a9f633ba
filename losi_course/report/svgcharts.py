"""The scorecard's two charts as drawings: every bar, line and label placed, ready for SVG.

Pure geometry in CSS pixels (no matplotlib, no pandas): :func:`criteria_drawing` and
:func:`ranking_drawing` return a :class:`Drawing`, a list of shapes in paint order that the
Jinja2 macro in ``templates/charts.svg.html`` writes out as one ``<svg>``. Text stays text
(selectable, sharp in print). Its width is estimated from the advance widths of DejaVu Sans,
the widest font the page asks for, so a label that fits here fits on screen and paper; a
name too long for its column is shortened with "…" and keeps its full text in a tooltip.

Example:
    >>> drawing = criteria_drawing(["Technology", "Services Provision"], [0.5, 0.25], city_name="Velmora")
    >>> bars = drawing.of_kind("bar city")
    >>> bars[0].width == 2 * bars[1].width == round(drawing.scale(0.5) - drawing.scale(0), 1), drawing.width
    (True, 816)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar, Sequence

from ..chart_parts import FICTIONAL_NOTE, LEVEL_COLOURS, OKABE_ITO, TEXT_GREY

__all__ = ["Text", "Rect", "Line", "Marker", "Drawing", "Scale", "text_width", "fit_text", "wrap_text",
           "ticks", "criteria_drawing", "ranking_drawing", "WIDTH"]

#: Width of both charts in CSS pixels: 8.5 inches, as the figures were when drawn by matplotlib.
WIDTH = 816
TEXT = "#1a1a1a"
GRID = "#d9d9d9"
CITY_COLOUR = OKABE_ITO["blue"]
PEER_COLOUR = OKABE_ITO["orange"]
# The Okabe-Ito vermillion darkened for text, as in the page's style sheet (WCAG AA on white).
MARK_TEXT = "#a13f00"
TITLE_SIZE, LABEL_SIZE, TICK_SIZE, VALUE_SIZE, LEGEND_SIZE, NOTE_SIZE, MARK_SIZE = 18, 15, 14, 13, 13, 12, 15
MARGIN = 10
PUBLISHED_DASH, ASSUMED_DASH = "6 4", "2 3"  # the published cut-off dashed, the assumed ones dotted
ELLIPSIS = "\u2026"

# Advance widths of DejaVu Sans and DejaVu Sans Bold for the characters " " to "~", in hundredths
# of an em, rounded up (measured from the fonts matplotlib ships).
_REGULAR = (
    "32 41 46 84 64 95 78 28 39 39 50 84 32 37 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 54 "
    "100 69 69 70 77 64 58 78 76 30 30 66 56 87 75 79 61 79 70 64 62 74 69 99 69 62 69 39 34 39 84 50 "
    "50 62 64 55 64 62 36 64 64 28 28 58 28 98 64 62 64 64 42 53 40 64 60 82 60 60 53 64 34 64 84")
_BOLD = (
    "35 46 53 84 70 101 88 31 46 46 53 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 58 "
    "100 78 77 74 83 69 69 83 84 38 38 78 64 100 84 85 74 85 77 72 69 82 78 111 78 73 73 46 37 46 84 50 "
    "50 68 72 60 72 68 44 72 72 35 35 67 35 105 72 69 72 72 50 60 48 72 66 93 65 66 59 72 37 72 84")
_WIDTHS = {bold: {chr(32 + k): int(w) / 100 for k, w in enumerate(table.split())}
           for bold, table in ((False, _REGULAR), (True, _BOLD))}
# The ellipsis is an em wide; wide (CJK) characters an em too, and the rest, generously, as "W".
_WIDTHS[False][ELLIPSIS] = _WIDTHS[True][ELLIPSIS] = 1.0
_WIDE, _OTHER = 1.0, {False: 1.0, True: 1.11}


@dataclass(frozen=True)
class Text:
    """A line of text; ``y`` is its baseline. ``full`` is the whole text when ``text`` is shortened.

    Example:
        >>> Text(10, 24, "Velmora", 15, anchor="end").shape
        'text'
    """

    shape: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"
    bold: bool = False
    fill: str = TEXT
    kind: str = ""
    full: str = ""


@dataclass(frozen=True)
class Rect:
    """A bar, a legend swatch, a label's backing or the "Fictional data" box.

    Example:
        >>> Rect(0, 0, 120, 20, CITY_COLOUR, kind="bar city").hatched
        False
    """

    shape: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    kind: str = ""
    hatched: bool = False
    stroke: str = ""
    stroke_width: float = 0.6
    opacity: float = 1.0
    rx: float = 0.0


@dataclass(frozen=True)
class Line:
    """A straight line; ``dash`` is an SVG ``stroke-dasharray`` ("" for solid).

    Example:
        >>> Line(50, 0, 50, 100, dash=PUBLISHED_DASH, kind="cutoff").dash
        '6 4'
    """

    shape: ClassVar[str] = "line"
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = TEXT
    width: float = 1.0
    dash: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Marker:
    """A filled triangle pointing right at (``x``, ``y``), its tip: it marks the city."""

    shape: ClassVar[str] = "marker"
    x: float
    y: float
    size: float = 10.0
    fill: str = TEXT
    kind: str = "marker"

    @property
    def points(self) -> str:
        """The triangle's corners for an SVG ``points`` attribute.

        Example:
            >>> Marker(20, 50).points
            '10.0,45.0 20.0,50.0 10.0,55.0'
        """
        back, half = _r(self.x - self.size), self.size / 2
        return f"{back},{_r(self.y - half)} {_r(self.x)},{_r(self.y)} {back},{_r(self.y + half)}"


@dataclass(frozen=True)
class Drawing:
    """A chart ready to write as SVG: its size and its shapes, the first painted first.

    ``scale`` places the values on the x axis; ``hatch`` is the fill colour of the hatched bars
    (drawn with a diagonal pattern on it).
    """

    width: float
    height: float
    shapes: tuple = field(default_factory=tuple)
    scale: "Scale | None" = None
    hatch: str = PEER_COLOUR

    @property
    def hatching(self) -> bool:
        """Whether any bar is hatched (the SVG then needs its pattern).

        Example:
            >>> criteria_drawing(["Technology"], [0.5], city_name="Velmora").hatching
            False
        """
        return any(getattr(s, "hatched", False) for s in self.shapes)

    def of_kind(self, kind: str) -> list:
        """The shapes whose ``kind`` is ``kind`` (e.g. ``"bar city"``), in paint order.

        Example:
            >>> drawing = ranking_drawing(["A", "Velmora"], [0.8, 0.6], ["Very high", "High"], city_name="Velmora")
            >>> [bar.fill for bar in drawing.of_kind("bar city")]
            ['#56B4E9']
        """
        return [s for s in self.shapes if s.kind == kind]


def _r(value: float) -> float:
    return round(float(value), 1)


@dataclass(frozen=True)
class Scale:
    """Maps a value between ``low`` and ``high`` to an x between ``start`` and ``end``.

    Example:
        >>> scale = Scale(100, 300)
        >>> scale(0), scale(0.5), scale(1), scale(1.7)
        (100.0, 200.0, 300.0, 300.0)
    """

    start: float
    end: float
    low: float = 0.0
    high: float = 1.0

    def __call__(self, value: float) -> float:
        share = (min(max(float(value), self.low), self.high) - self.low) / (self.high - self.low)
        return _r(self.start + share * (self.end - self.start))


def ticks(low: float = 0.0, high: float = 1.0, step: float = 0.2) -> list[float]:
    """The tick values from ``low`` to ``high`` (both included) every ``step``.

    Example:
        >>> ticks()
        [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    count = round((high - low) / step)
    return [round(low + k * step, 10) for k in range(count + 1)]


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` at ``size`` pixels, in pixels.

    Accented letters count as their base letter, the ellipsis and wide (CJK) characters a full em,
    other characters as wide as "W".

    Example:
        >>> text_width("Velmora", 10), text_width("Velmora", 10, bold=True) > text_width("Velmora", 10)
        (42.3, True)
    """
    widths = _WIDTHS[bold]
    total = 0.0
    for char in text:
        if char in widths:
            total += widths[char]
        elif unicodedata.combining(char):
            continue
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += _WIDE
        else:
            base = unicodedata.normalize("NFKD", char)[:1]
            total += widths.get(base, _OTHER[bold])
    return round(total * size, 1)


def fit_text(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` as it is if it fits in ``width`` pixels, else shortened to fit with "…".

    Example:
        >>> fit_text("Participation and Engagement", 120, 15)
        'Participation…'
        >>> fit_text("Technology", 120, 15)
        'Technology'
    """
    if text_width(text, size, bold=bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size, bold=bold)
    kept = ""
    for char in text:
        if text_width(kept + char, size, bold=bold) > room:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def wrap_text(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines of at most ``width`` pixels at word ends (a too long word is shortened).

    Example:
        >>> wrap_text("Score = share of the indicators met (0 to 1).", 200, 12)
        ['Score = share of the indicators', 'met (0 to 1).']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(fit_text(word, width, size, bold=bold))
    return lines or [""]


# -- pieces both charts share ----------------------------------------------------------------

def _baseline(top: float, size: float) -> float:
    return _r(top + 0.8 * size)  # DejaVu's ascent is about 0.76 em


def _heading(title: str, fictional: bool) -> tuple[list, float]:
    """The title (wrapped) at top left and the "Fictional data" box at top right; the y under them."""
    shapes: list = []
    room = WIDTH - 2 * MARGIN
    bottom = MARGIN
    if fictional:
        mark_width = _r(text_width(FICTIONAL_NOTE, MARK_SIZE, bold=True) + 16)
        x = WIDTH - MARGIN - mark_width
        shapes += [Rect(x, MARGIN, mark_width, 26, "#ffffff", kind="fictional-mark",
                        stroke=OKABE_ITO["vermillion"], stroke_width=1.5, rx=5),
                   Text(_r(x + 8), _baseline(MARGIN + 5, MARK_SIZE), FICTIONAL_NOTE, MARK_SIZE, bold=True,
                        fill=MARK_TEXT, kind="fictional-mark")]
        room -= mark_width + 12
        bottom = MARGIN + 26
    for k, line in enumerate(wrap_text(title, room, TITLE_SIZE, bold=True)):
        top = MARGIN + k * 1.3 * TITLE_SIZE
        shapes.append(Text(MARGIN, _baseline(top, TITLE_SIZE), line, TITLE_SIZE, bold=True, kind="title"))
        bottom = max(bottom, top + 1.3 * TITLE_SIZE)
    return shapes, _r(bottom + 14)


def _x_axis(scale: Scale, top: float, bottom: float, label: str, *, grid: bool) -> tuple[list, list, float]:
    """Gridlines (painted under the bars), and the axis lines, ticks and labels (over them)."""
    under, over = [], [Line(scale.start, top, scale.start, bottom, kind="axis"),
                       Line(scale.start, bottom, scale.end, bottom, kind="axis")]
    for value in ticks(scale.low, scale.high):
        x = scale(value)
        if grid and value > scale.low:
            under.append(Line(x, top, x, bottom, stroke=GRID, kind="grid"))
        over += [Line(x, bottom, x, bottom + 5, kind="tick"),
                 Text(x, _baseline(bottom + 8, TICK_SIZE), f"{value:.1f}", TICK_SIZE, anchor="middle", kind="tick")]
    title_top = bottom + 8 + 1.3 * TICK_SIZE
    over.append(Text(_r((scale.start + scale.end) / 2), _baseline(title_top, LABEL_SIZE), label, LABEL_SIZE,
                     anchor="middle", kind="axis-title"))
    return under, over, _r(title_top + 1.3 * LABEL_SIZE + 8)


def _value_label(x: float, middle: float, value: float) -> list:
    """The value at a bar's end, on a pale box so a line crossing it does not hide it."""
    text = f"{value:.2f}"
    width = text_width(text, VALUE_SIZE)
    return [Rect(_r(x + 2), _r(middle - 0.6 * VALUE_SIZE), _r(width + 4), _r(1.2 * VALUE_SIZE), "#ffffff",
                 kind="value-back", opacity=0.8),
            Text(_r(x + 4), _r(middle + 0.36 * VALUE_SIZE), text, VALUE_SIZE, fill=TEXT_GREY, kind="value")]


def _legend_item(x: float, middle: float, item: tuple[str, str, str], text: str) -> list:
    """A legend entry: its swatch (``style`` "box", "hatched" or a line's dashes) and ``text``."""
    style, colour, full = item
    if style in ("box", "hatched"):
        swatch = Rect(x, _r(middle - 7), 24, 14, colour, kind="swatch", hatched=style == "hatched",
                      stroke="#333333" if style == "hatched" else "")
    else:
        swatch = Line(x, middle, x + 24, middle, stroke=colour, width=1.2, dash=style, kind="swatch")
    return [swatch, Text(_r(x + 30), _r(middle + 0.36 * LEGEND_SIZE), text, LEGEND_SIZE, kind="legend",
                         full=full if text != full else "")]


def _legend_row(items: list[tuple], y: float) -> tuple[list, float]:
    """Legend items (style, colour, text) side by side, centred, on as many rows as they need."""
    room = WIDTH - 2 * MARGIN
    rows: list[list[tuple[tuple, str, float]]] = [[]]
    used = 0.0
    for item in items:
        text = fit_text(item[2], room - 30, LEGEND_SIZE)
        width = 30 + text_width(text, LEGEND_SIZE)
        if rows[-1] and used + 24 + width > room:
            rows.append([])
            used = 0.0
        used += (24 if rows[-1] else 0) + width
        rows[-1].append((item, text, width))
    shapes: list = []
    for row in rows:
        x = MARGIN + (room - sum(w for _, _, w in row) - 24 * (len(row) - 1)) / 2
        middle = y + 10
        for item, text, width in row:
            shapes += _legend_item(_r(x), _r(middle), item, text)
            x += width + 24
        y += 22
    return shapes, _r(y + 6)


def _notes(notes: Sequence[str], y: float) -> tuple[list, float]:
    shapes = []
    for note in notes:
        for line in wrap_text(note, WIDTH - 2 * MARGIN, NOTE_SIZE):
            shapes.append(Text(MARGIN, _baseline(y, NOTE_SIZE), line, NOTE_SIZE, fill=TEXT_GREY, kind="note"))
            y += 1.3 * NOTE_SIZE
    return shapes, _r(y + MARGIN)


def _row_label(name: str, right: float, middle: float, room: float, *, bold: bool = False) -> Text:
    text = fit_text(name, room, LABEL_SIZE, bold=bold)
    return Text(_r(right), _r(middle + 0.36 * LABEL_SIZE), text, LABEL_SIZE, anchor="end", bold=bold,
                kind="row-label city" if bold else "row-label", full=name if text != name else "")


def _label_column(names: Sequence[str], extra: float = 0.0, bold: str | None = None) -> float:
    """Width of the names' column: the longest name, at most 40% of the chart."""
    widest = max(text_width(n, LABEL_SIZE, bold=n == bold) + (extra if n == bold else 0) for n in names)
    return _r(min(widest, 0.4 * WIDTH))


# -- the two charts --------------------------------------------------------------------------

def criteria_drawing(names: Sequence[str], scores: Sequence[float], *, city_name: str,
                     peers: Sequence[tuple[float, float, float]] | None = None, peer_count: int = 0,
                     title: str = "", notes: Sequence[str] = (), fictional: bool = False) -> Drawing:
    """One row per criterion: the city's bar and, with ``peers`` (average, lowest, highest per
    criterion), the peers' average as a hatched bar with a line from their lowest to highest.

    Example:
        >>> drawing = criteria_drawing(["Technology"], [0.5], city_name="Velmora", peers=[(0.4, 0.2, 0.6)],
        ...                            peer_count=28, fictional=True)
        >>> [(b.kind, b.hatched, round(b.x + b.width, 1)) for b in drawing.shapes if b.kind.startswith("bar")] == [
        ...     ("bar city", False, drawing.scale(0.5)), ("bar peers", True, drawing.scale(0.4))]
        True
        >>> [(line.x1, line.x2) for line in drawing.of_kind("range")] == [(drawing.scale(0.2), drawing.scale(0.6))]
        True
        >>> [t.text for t in drawing.of_kind("fictional-mark") if t.shape == "text"]
        ['Fictional data']
    """
    heading, top = _heading(title, fictional)
    column = _label_column(names)
    value_room = text_width("0.00", VALUE_SIZE) + 10
    scale = Scale(_r(MARGIN + column + 12), _r(WIDTH - MARGIN - value_room))
    pitch, height = (58, 20) if peers is not None else (40, 24)
    bottom = _r(top + 8 + pitch * len(names) + 8)
    under, axis, y = _x_axis(scale, top, bottom, "Share of indicators met", grid=True)
    bars, overlays, value_labels, labels = [], [], [], []
    for k, name in enumerate(names):
        row_top = top + 8 + k * pitch
        city_top = row_top + (pitch - (2 * height if peers is not None else height)) / 2
        bars.append(Rect(scale.start, _r(city_top), _r(scale(scores[k]) - scale.start), height, CITY_COLOUR,
                         kind="bar city"))
        value_labels += _value_label(scale(scores[k]), city_top + height / 2, scores[k])
        if peers is not None:
            average, lowest, highest = peers[k]
            peer_top, middle = city_top + height, _r(city_top + 1.5 * height)
            bars.append(Rect(scale.start, _r(peer_top), _r(scale(average) - scale.start), height, PEER_COLOUR,
                             kind="bar peers", hatched=True, stroke="#333333"))
            overlays += [Line(scale(lowest), middle, scale(highest), middle, width=1.2, kind="range")]
            overlays += [Line(scale(end), _r(middle - 4), scale(end), _r(middle + 4), width=1.2, kind="range-cap")
                         for end in (lowest, highest)]
            value_labels += _value_label(scale(average), middle, average)
        labels.append(_row_label(name, scale.start - 8, row_top + pitch / 2, column))
    items = [("box", CITY_COLOUR, city_name)]
    if peers is not None:
        items.append(("hatched", PEER_COLOUR, f"Average of {peer_count} peers (line: lowest to highest)"))
    legend, y = _legend_row(items, y)
    notes_shapes, y = _notes(notes, y)
    shapes = heading + under + bars + overlays + value_labels + axis + labels + legend + notes_shapes
    return Drawing(WIDTH, y, tuple(shapes), scale)


def ranking_drawing(names: Sequence[str], values: Sequence[float], levels: Sequence[str], *, city_name: str,
                    cutoffs: Sequence[tuple[float, bool]] = ((0.75, True), (0.5, False), (0.25, False)),
                    title: str = "", notes: Sequence[str] = (), fictional: bool = False) -> Drawing:
    """Every city's LOSI bar in the order given (best first), coloured by level; the city's name
    bold with a triangle; ``cutoffs`` as (value, published) lines, dashed if published, else dotted.

    Example:
        >>> drawing = ranking_drawing(["A", "Velmora", "B"], [0.8, 0.6, 0.3], ["Very high", "High", "Middle"],
        ...                           city_name="Velmora")
        >>> [(bar.fill, bar.kind) for bar in drawing.shapes if bar.kind.startswith("bar")]
        [('#0072B2', 'bar'), ('#56B4E9', 'bar city'), ('#E69F00', 'bar')]
        >>> [(line.x1, line.dash) for line in drawing.of_kind("cutoff")] == [
        ...     (drawing.scale(0.75), "6 4"), (drawing.scale(0.5), "2 3"), (drawing.scale(0.25), "2 3")]
        True
        >>> [t.text for t in drawing.of_kind("legend")][-2:]
        ['0.75 cut-off (published)', '0.50 and 0.25 (assumed)']
    """
    heading, top = _heading(title, fictional)
    entries = [("box", LEVEL_COLOURS[level], level) for level in LEVEL_COLOURS if level in set(levels)]
    for dash, published, words in ((PUBLISHED_DASH, True, "cut-off (published)"), (ASSUMED_DASH, False, "(assumed)")):
        values_of_kind = [f"{c:.2f}" for c, is_published in cutoffs if is_published == published]
        if values_of_kind:
            entries.append((dash, TEXT_GREY, f"{' and '.join(values_of_kind)} {words}"))
    legend_width = _r(min(30 + max(text_width(e[2], LEGEND_SIZE) for e in entries), 0.3 * WIDTH))
    legend_x = WIDTH - MARGIN - legend_width
    column = _label_column(names, extra=16, bold=city_name)
    scale = Scale(_r(MARGIN + column + 12), _r(legend_x - 16 - text_width("0.00", VALUE_SIZE) - 10))
    pitch, height = 26, 20
    legend_bottom = top + 1.6 * LEGEND_SIZE + 22 * len(entries)
    bottom = _r(max(top + 10 + pitch * len(names) + 10, legend_bottom))
    _, axis, y = _x_axis(scale, top, bottom, "LOSI (share of indicators met, 0 to 1)", grid=False)
    bars, rules, value_labels, labels = [], [], [], []
    for k, (name, value, level) in enumerate(zip(names, values, levels)):
        middle = top + 10 + k * pitch + pitch / 2
        is_city = name == city_name
        bars.append(Rect(scale.start, _r(middle - height / 2), _r(scale(value) - scale.start), height,
                         LEVEL_COLOURS.get(level, OKABE_ITO["black"]), kind="bar city" if is_city else "bar"))
        value_labels += _value_label(scale(value), middle, value)
        label = _row_label(name, scale.start - 8, middle, column - (16 if is_city else 0), bold=is_city)
        labels.append(label)
        if is_city:
            width = text_width(label.text, LABEL_SIZE, bold=True)
            labels.append(Marker(_r(scale.start - 8 - width - 6), _r(middle)))
    for value, is_published in cutoffs:
        rules.append(Line(scale(value), top, scale(value), bottom, stroke=TEXT_GREY, width=1.2,
                          dash=PUBLISHED_DASH if is_published else ASSUMED_DASH, kind="cutoff"))
    legend = [Text(legend_x, _baseline(top, LEGEND_SIZE), "Level", LEGEND_SIZE, bold=True, kind="legend-title")]
    for k, entry in enumerate(entries):
        middle = _r(top + 1.6 * LEGEND_SIZE + k * 22 + 10)
        legend += _legend_item(legend_x, middle, entry, fit_text(entry[2], legend_width - 30, LEGEND_SIZE))
    notes_shapes, y = _notes(notes, y)
    shapes = heading + bars + rules + value_labels + axis + labels + legend + notes_shapes
    return Drawing(WIDTH, y, tuple(shapes), scale)
