"""The city scorecard (``losi-course report``, ``lc.scorecard``), tested as a user meets it.

The sample is the team's full fictional sheet of Velmora with Estoria's fictional peers,
written to files and run through the command line. The expected figures are computed here from
the scoring functions, never copied from the page. The browser tests (axe, no request leaving
the page, the PDF) drive Debian's Chromium and are skipped without it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import run_cli_in_process

import losi_course as lc
from losi_course.assessment import Assessment
from losi_course.fictional import load_fictional_country
from losi_course.framework import load_instrument
from losi_course.report import pdf as report_pdf
from losi_course.report import read_peers, write_peer_table, write_scorecard
from losi_course.report.build import scorecard
from losi_course.chart_parts import LEVEL_COLOURS
from losi_course.report import svgcharts
from losi_course.report.charts import chart_criteria_against_peers, scorecard_charts
from losi_course.report.content import scorecard_content
from losi_course.report.page import render_chart
from losi_course.scoring import LEVEL_ASSUMPTION, gap_analysis, rank_cities, score_assessment, score_table
from losi_course.sheets import write_sheet
from losi_course.velmora.peers import peers as velmora_peers
from losi_course.velmora.prepared import team_assessment

INSTRUMENT = load_instrument()
CHROMIUM = Path(report_pdf.CHROMIUM)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def run(*args, cwd=None):
    return run_cli_in_process("report", *args, cwd=cwd)


@pytest.fixture(scope="module")
def velmora(tmp_path_factory):
    """The sheet, the peers table and the page written from them by the command line."""
    folder = tmp_path_factory.mktemp("scorecard")
    sheet = write_sheet(team_assessment(), folder / "velmora.csv")
    peers = write_peer_table(velmora_peers(), folder / "estoria-peers.csv")
    result = run(sheet, "--peers", peers, "-o", folder / "scorecard.html")
    assert result.returncode == 0, result.stderr
    page = folder / "scorecard.html"
    return {"folder": folder, "sheet": sheet, "peers": peers, "page": page, "stdout": result.stdout,
            "html": page.read_text(encoding="utf-8"), "soup": BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")}


def _section(soup, heading_id):
    return soup.find(id=heading_id).find_parent("section")


def _one_paragraph_error(result):
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert result.stderr.strip().count("\n\n") == 0
    return " ".join(result.stderr.split())


# -- content ----------------------------------------------------------------------------------

def test_the_page_gives_the_losi_and_the_level_with_the_assumed_cutoffs_labelled(velmora):
    score = score_assessment(team_assessment())
    result = _section(velmora["soup"], "result")
    text = " ".join(result.get_text(" ").split())
    assert f"{score.losi:.4f}" in text and score.level in text
    assert f"{score.indicators_met} of {score.indicators_total} indicators met" in text
    bands = {row.th.get_text(" ", strip=True).split(" (")[0]: row.find_all("td")[-1].get_text(strip=True)
             for row in result.find("table").tbody.find_all("tr")}
    assert bands == {"Very high": "published", "High": "assumed by the course",
                     "Middle": "assumed by the course", "Low": "assumed by the course"}
    current = result.find("tr", class_="current").th.get_text(strip=True)
    assert current.startswith(score.level)
    assert "0.50, is assumed by the course" in text  # Velmora is "High": its own cut-off is assumed
    assert f"LOSI {score.losi:.4f}, level {score.level}" in velmora["stdout"]


def test_the_criterion_scores_are_set_against_the_peers(velmora):
    score = score_assessment(team_assessment())
    peers = score_table(velmora_peers())
    rows = _section(velmora["soup"], "criteria").find("table").tbody.find_all("tr")
    assert [r.th.get_text(strip=True) for r in rows] == list(INSTRUMENT.criteria)
    for row in rows:
        name = row.th.get_text(strip=True)
        cells = [td.get_text(strip=True) for td in row.find_all("td")]
        assert cells == [f"{score.criteria_met[name]} of {score.criteria_total[name]}", f"{score.criteria[name]:.2f}",
                         f"{peers[name].mean():.2f}", f"{peers[name].min():.2f}", f"{peers[name].max():.2f}"]


def test_the_rank_among_the_peers_is_shown_and_the_city_marked(velmora):
    losi = score_table(velmora_peers())["losi"].copy()
    losi.loc["Velmora"] = score_assessment(team_assessment()).losi
    expected = int(rank_cities(losi)["Velmora"])
    ranking = _section(velmora["soup"], "ranking")
    marked = ranking.find("tr", class_="current")
    assert marked.th.get_text(strip=True) == "Velmora (this city)"
    assert marked.td.get_text(strip=True) == str(expected)
    assert len(ranking.tbody.find_all("tr")) == len(losi)
    assert f"rank {expected} of {len(losi)}" in velmora["stdout"]


def test_every_indicator_is_listed_met_or_missed_with_its_evidence_links(velmora):
    team = team_assessment()
    table_rows = _section(velmora["soup"], "indicators").find_all("tr")
    rows = {r.td.get_text(strip=True): r for r in table_rows if r.td is not None}
    assert list(rows) == list(INSTRUMENT.ids)
    for key, row in rows.items():
        answer = team[key]
        state = row.find("span", class_="state").get_text(strip=True)
        assert state.endswith("Not met" if answer.value == 0 else "Met")
        links = [a["href"] for a in row.find_all("a")]
        assert links == [url.strip() for url in answer.evidence.split("|") if url.strip()]
    met = sum(1 for r in rows.values() if r.find("span", class_="state met"))
    assert met == score_assessment(team).indicators_met


def test_quick_wins_are_the_gaps_most_peers_meet_with_the_toolkit_steps(velmora):
    expected = gap_analysis(team_assessment(), velmora_peers()).head(10)
    wins = _section(velmora["soup"], "quick-wins").find("ol", class_="wins").find_all("li", recursive=False)
    assert [w.h3.find("span").get_text(strip=True) for w in wins] == list(expected["id"])
    for win, row in zip(wins, expected.itertuples()):
        steps = [li.get_text(strip=True) for li in win.find("ol").find_all("li")]
        assert steps == list(INSTRUMENT[row.id].steps) and steps
        assert f"Met by {100 * row.peer_share:.0f}%" in win.get_text(" ")


def test_the_method_and_its_assumptions_are_stated(velmora):
    method = " ".join(_section(velmora["soup"], "method").get_text(" ").split())
    assert "LOSI is the share of indicators met (the course's inference)" in method
    score = score_assessment(team_assessment())
    assert f"{score.indicators_met}/{score.indicators_total} = {score.losi:.4f}" in method
    assert LEVEL_ASSUMPTION in method
    assert "not a UN DESA ranking" in method and "28 peers" in method


def test_fictional_data_is_labelled_wherever_it_is_shown(velmora):
    soup = velmora["soup"]
    assert "(fictional data)" in soup.title.get_text()
    assert "Fictional data." in soup.find(class_="fictional").get_text()
    assert "Estoria is a fictional country" in soup.find(class_="fictional").get_text()
    charts = soup.find_all("svg")
    assert len(charts) == 2 and all(svg.title.get_text().startswith("Fictional data.") for svg in charts)
    assert all(svg.find("text", class_="fictional-mark").get_text() == "Fictional data" for svg in charts)
    assert all("fictional" in c.get_text() for c in soup.find_all("caption")[1:])  # the level bands are not data
    assert "Fictional data." in soup.footer.get_text()
    assert "(fictional data)" in velmora["stdout"]


def test_a_city_not_marked_fictional_gets_no_fictional_label(tmp_path):
    ids = INSTRUMENT.ids
    city = Assessment.from_values({i: int(k % 3 != 0) for k, i in enumerate(ids)}, city="North", country="")
    import pandas as pd

    table = pd.DataFrame([[1] * 95, [k % 2 for k in range(95)]], index=["East", "West"], columns=ids)
    card = write_scorecard(city, tmp_path / "north.html", table)
    assert card.content.fictional is False
    soup = BeautifulSoup(card.path.read_text(encoding="utf-8"), "html.parser")
    soup.style.decompose()  # the style sheet names the class the label would use
    assert "fictional" not in str(soup).lower()


# -- accessibility and self-containment (in the file) -------------------------------------------

def _chart_of(soup, heading_id):
    svg = _section(soup, heading_id).find("svg")
    assert svg.find_parent("figure").find_next_sibling("table") is not None  # its figures, as a table
    return svg, _section(soup, heading_id).find("table").tbody.find_all("tr")


def _name(svg):
    """The accessible name of a chart: the text of the element its aria-labelledby points to."""
    assert svg["role"] == "img"
    label = svg.find(id=svg["aria-labelledby"])
    assert label is not None and label.name == "title" and label.parent is svg
    return label.get_text()


def _texts(svg, kind):
    return [t.find(string=True, recursive=False) for t in svg.find_all("text", class_=kind)]


def _x_of(svg):
    """Where the chart puts 0 and 1 on its x axis, read from its tick labels."""
    ticks = {t.get_text(): float(t["x"]) for t in svg.find_all("text", class_="tick")}
    return ticks["0.0"], ticks["1.0"]


def test_every_chart_is_an_inline_svg_named_by_its_description_with_its_data_as_a_table(velmora):
    soup = velmora["soup"]
    assert soup.html["lang"] == "en" and not soup.find_all("img")
    expected = scorecard_charts(scorecard_content(team_assessment(), velmora_peers()))
    score, peers = score_assessment(team_assessment()), score_table(velmora_peers())
    criteria, rows = _chart_of(soup, "criteria")
    assert _name(criteria) == expected["criteria"].alt_text
    assert "28 peers" in _name(criteria) and "Services Provision" in _name(criteria)
    # One city bar and one hatched peer bar per criterion, in the table's order, as long as the score.
    names = [r.th.get_text(strip=True) for r in rows]
    assert _texts(criteria, "row-label") == names
    assert len(criteria.find_all("rect", class_="bar")) == 2 * len(rows)
    zero, one = _x_of(criteria)
    city_bars, peer_bars = criteria.find_all("rect", class_="city"), criteria.find_all("rect", class_="peers")
    assert len(city_bars) == len(peer_bars) == len(rows)
    for name, city_bar, peer_bar in zip(names, city_bars, peer_bars):
        assert float(city_bar["x"]) == float(peer_bar["x"]) == zero
        assert float(city_bar["width"]) == pytest.approx((one - zero) * score.criteria[name], abs=0.2)
        assert float(peer_bar["width"]) == pytest.approx((one - zero) * peers[name].mean(), abs=0.2)
        assert city_bar["fill"] == "#0072B2" and peer_bar["fill"] == "url(#criteria-chart-hatch)"
    assert criteria.find("pattern", id="criteria-chart-hatch") is not None
    assert len(criteria.find_all("line", class_="range")) == len(rows)
    assert _texts(criteria, "tick") == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert _texts(criteria, "legend") == ["Velmora", "Average of 28 peers (line: lowest to highest)"]
    assert _texts(criteria, "note") == ["Score = share of the criterion's indicators met (0 to 1)."]

    ranking, rows = _chart_of(soup, "ranking")
    assert _name(ranking) == expected["ranking"].alt_text and "Velmora is ranked 13 of 29" in _name(ranking)
    bars = ranking.find_all("rect", class_="bar")
    assert len(bars) == len(rows) == 29
    names = [r.th.get_text(strip=True).removesuffix(" (this city)") for r in rows]
    assert _texts(ranking, "row-label") == names
    losi = peers["losi"].copy()
    losi.loc["Velmora"] = score.losi
    zero, one = _x_of(ranking)
    assert [float(b["width"]) for b in bars] == pytest.approx([(one - zero) * losi[n] for n in names], abs=0.2)
    # The city is marked by a triangle and bold type, not by colour alone.
    position = [r.get("class") == ["current"] for r in rows].index(True)
    assert [k for k, b in enumerate(bars) if "city" in b["class"]] == [position]
    label = ranking.find("text", class_="city")
    assert label.get_text() == "Velmora" and label["font-weight"] == "bold"
    assert len(ranking.find_all("polygon", class_="marker")) == 1
    assert [line.get("stroke-dasharray") for line in ranking.find_all("line", class_="cutoff")] == ["6 4", "2 3", "2 3"]
    assert _texts(ranking, "legend")[-2:] == ["0.75 cut-off (published)", "0.50 and 0.25 (assumed)"]
    assert _texts(ranking, "note") == [LEVEL_ASSUMPTION]


def test_the_page_loads_nothing_from_anywhere(velmora):
    soup = velmora["soup"]
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "video", "audio", "source"])
    for tag in soup.find_all(True):
        for attribute in ("src", "srcset", "poster", "data", "background"):
            value = tag.get(attribute)
            assert value is None or value.startswith("data:"), (tag.name, attribute, value)
        if tag.name != "a":
            assert tag.get("href") is None or tag["href"].startswith("#"), tag
    css = soup.style.get_text()
    assert "url(" not in css and "@import" not in css
    links = [a["href"] for a in soup.find_all("a")]
    assert any(h.startswith("http://127.0.0.1:8000/") for h in links)  # evidence stays a link to follow


def test_hostile_evidence_and_notes_are_shown_as_text(tmp_path):
    sheet = team_assessment()
    sheet.set("281", 1, evidence="javascript:alert(1) <script>alert(2)</script>",
              note='<img src="https://tracker.example/x.png" onerror="alert(3)">')
    sheet.set("215", 0, evidence="https://city.example/org.html?a=1&b=<b>")
    card = write_scorecard(sheet, tmp_path / "s.html")
    soup = BeautifulSoup(card.path.read_text(encoding="utf-8"), "html.parser")
    assert not soup.find_all("script") and not soup.find_all("img") and len(soup.find_all("svg")) == 1
    assert all(not a["href"].startswith("javascript") for a in soup.find_all("a"))
    assert "<script>alert(2)</script>" in soup.get_text()
    assert [a["href"] for a in soup.find_all("a") if "city.example" in a["href"]] == ["https://city.example/org.html?a=1&b="]


# -- the charts' drawings ----------------------------------------------------------------------

HOSTILE_CITY = '<script>alert(1)</script> "Q" & Söhne: Saint-Jean-de-la-Très-Longue-Dénomination-du-Grand-Nord'
HOSTILE_PEERS = ["East", "</svg><img src=x onerror=alert(2)>", "Wéstminster-upon-the-Extremely-Long-River-Borough",
                 "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "Ōsaka-Ærø", "x"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A page for a city whose name (and its peers') is markup, quotes and far too long."""
    import pandas as pd

    ids = INSTRUMENT.ids
    city = Assessment.from_values({i: int(k % 3 != 0) for k, i in enumerate(ids)}, city=HOSTILE_CITY, country="")
    table = pd.DataFrame([[int((k + j) % (j + 2) != 0) for k in range(len(ids))] for j in range(len(HOSTILE_PEERS))],
                         index=HOSTILE_PEERS, columns=ids)
    card = write_scorecard(city, tmp_path_factory.mktemp("hostile") / "card.html", table)
    return {"page": card.path, "html": card.path.read_text(encoding="utf-8"), "content": card.content}


def _extent(text):
    """The x range a chart text takes by the page's own (generous) width estimate."""
    width = svgcharts.text_width(text.text, text.size, bold=text.bold)
    start = {"start": text.x, "middle": text.x - width / 2, "end": text.x - width}[text.anchor]
    return start, start + width


def test_hostile_and_long_names_stay_text_and_stay_inside_the_charts(hostile):
    soup = BeautifulSoup(hostile["html"], "html.parser")
    assert not soup.find_all(["script", "img", "iframe", "object", "embed", "foreignobject"])
    charts = soup.find_all("svg")
    assert len(charts) == 2 and all(svg.find_parent("figure") for svg in charts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile["html"]
    assert HOSTILE_CITY in _name(charts[0]) and f"{HOSTILE_CITY} is ranked" in _name(charts[1])
    labels = charts[1].find_all("text", class_="row-label")
    shown = [t.find(string=True, recursive=False) for t in labels]
    full = [t.title.get_text() if t.title else t.get_text() for t in labels]
    assert sorted(full) == sorted([HOSTILE_CITY, *HOSTILE_PEERS])
    shortened = [(s, f) for s, f in zip(shown, full) if s != f]
    assert len(shortened) >= 2 and all(s.endswith("…") and f.startswith(s[:-1]) for s, f in shortened)
    for chart in scorecard_charts(hostile["content"]).values():
        drawing = chart.drawing
        for text in drawing.of_kind("row-label") + drawing.of_kind("row-label city") + drawing.of_kind("title"):
            start, end = _extent(text)
            assert 0 <= start and end <= drawing.width, text
        marker, = drawing.of_kind("marker") or [None]
        if marker is not None:
            assert 0 <= marker.x - marker.size
            assert marker.x < _extent(drawing.of_kind("row-label city")[0])[0]


def test_bars_are_as_long_as_their_values_on_an_axis_from_0_to_1():
    values = [0.0, 0.25, 0.5, 1.0]
    drawing = svgcharts.criteria_drawing(["a", "b", "c", "d"], values, city_name="North")
    scale = drawing.scale
    bars = drawing.of_kind("bar city")
    assert [b.x for b in bars] == [scale(0)] * 4
    assert [b.width for b in bars] == pytest.approx([(scale(1) - scale(0)) * v for v in values], abs=0.1)
    assert all(b.y < later.y for b, later in zip(bars, bars[1:]))  # the first criterion on top
    ticks = drawing.of_kind("tick")
    assert [t.text for t in ticks if t.shape == "text"] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
    assert [t.x for t in ticks if t.shape == "text"] == [scale(v) for v in svgcharts.ticks()]
    assert [g.x1 for g in drawing.of_kind("grid")] == [scale(v) for v in svgcharts.ticks()[1:]]
    labels = drawing.of_kind("value")
    assert [t.text for t in labels] == ["0.00", "0.25", "0.50", "1.00"]
    assert all(t.x > b.x + b.width for t, b in zip(labels, bars))
    assert _extent(labels[-1])[1] <= drawing.width  # the value of a full bar still fits
    assert not drawing.hatching and not drawing.of_kind("bar peers") and not drawing.of_kind("fictional-mark")
    assert [t.text for t in drawing.of_kind("legend")] == ["North"]
    assert all(0 <= getattr(s, "y", 0) <= drawing.height for s in drawing.shapes)


def test_the_peers_are_a_hatched_bar_with_a_line_from_their_lowest_to_their_highest():
    drawing = svgcharts.criteria_drawing(["a", "b"], [0.5, 0.9], city_name="North", peers=[(0.4, 0.1, 0.7), (0.6, 0.6, 0.6)],
                                         peer_count=5, fictional=True)
    scale = drawing.scale
    peers = drawing.of_kind("bar peers")
    assert [p.hatched for p in peers] == [True, True] and drawing.hatching
    assert [p.x + p.width for p in peers] == pytest.approx([scale(0.4), scale(0.6)])
    ranges = drawing.of_kind("range")
    assert [(r.x1, r.x2) for r in ranges] == [(scale(0.1), scale(0.7)), (scale(0.6), scale(0.6))]
    assert [r.y1 for r in ranges] == [p.y + p.height / 2 for p in peers]
    assert len(drawing.of_kind("range-cap")) == 4
    assert [t.text for t in drawing.of_kind("legend")] == ["North", "Average of 5 peers (line: lowest to highest)"]
    swatches = drawing.of_kind("swatch")
    assert [s.hatched for s in swatches] == [False, True]
    mark = [s for s in drawing.of_kind("fictional-mark") if s.shape == "text"]
    title_end = max(_extent(t)[1] for t in drawing.of_kind("title"))
    assert [t.text for t in mark] == ["Fictional data"] and title_end < mark[0].x


def test_the_ranking_colours_each_level_and_marks_the_city():
    names, values = ["A", "Velmora", "B", "C"], [0.9, 0.6, 0.3, 0.1]
    drawing = svgcharts.ranking_drawing(names, values, ["Very high", "High", "Middle", "Unheard of"],
                                        city_name="Velmora", notes=[LEVEL_ASSUMPTION])
    bars = [s for s in drawing.shapes if s.kind in ("bar", "bar city")]
    assert [b.fill for b in bars] == [LEVEL_COLOURS["Very high"], LEVEL_COLOURS["High"], LEVEL_COLOURS["Middle"], "#000000"]
    assert [b.kind for b in bars] == ["bar", "bar city", "bar", "bar"]
    assert [b.width for b in bars] == pytest.approx([(drawing.scale(1) - drawing.scale(0)) * v for v in values], abs=0.1)
    city, = drawing.of_kind("row-label city")
    marker, = drawing.of_kind("marker")
    assert city.bold and city.text == "Velmora" and marker.y == bars[1].y + bars[1].height / 2
    assert [t.bold for t in drawing.of_kind("row-label")] == [False, False, False]
    assert [t.text for t in drawing.of_kind("legend")] == ["Very high", "High", "Middle", "0.75 cut-off (published)",
                                                         "0.50 and 0.25 (assumed)"]
    cutoffs = drawing.of_kind("cutoff")
    assert [c.x1 for c in cutoffs] == [drawing.scale(0.75), drawing.scale(0.5), drawing.scale(0.25)]
    assert all(c.y1 < bars[0].y and c.y2 > bars[-1].y + bars[-1].height for c in cutoffs)
    notes = drawing.of_kind("note")
    assert " ".join(t.text for t in notes) == LEVEL_ASSUMPTION and notes[-1].y < drawing.height


def test_long_names_are_shortened_to_their_column_and_keep_their_whole_text():
    long = "The criterion with a name that goes on and on well past any sensible length for a label"
    drawing = svgcharts.criteria_drawing([long, "Technology"], [0.4, 0.6], city_name="A" * 200,
                                         title="A" * 200 + ": criterion scores")
    first, second = drawing.of_kind("row-label")
    assert first.text.endswith("…") and first.full == long and long.startswith(first.text[:-1])
    assert second.text == "Technology" and second.full == ""
    assert _extent(first)[0] >= 0 and _extent(first)[1] - _extent(first)[0] <= 0.4 * drawing.width
    assert first.x < drawing.scale(0)
    legend, = drawing.of_kind("legend")
    assert legend.text.endswith("…") and legend.full == "A" * 200 and _extent(legend)[1] <= drawing.width
    titles = drawing.of_kind("title")
    assert len(titles) == 2 and all(_extent(t)[1] <= drawing.width for t in titles)


@pytest.mark.parametrize("bold", [False, True])
def test_the_width_estimate_is_never_narrower_than_dejavu_sans_draws_it(bold):
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal", size=15)
    samples = [*INSTRUMENT.criteria, *velmora_peers().index, *HOSTILE_PEERS, HOSTILE_CITY, "WWWW…", "mmmm",
               "0.75 cut-off (published)", "Zürich-Ærø Ōsaka Łódź"]
    for text in samples:
        drawn = TextToPath().get_text_width_height_descent(text, font, ismath=False)[0]
        assert drawn <= svgcharts.text_width(text, 15, bold=bold) <= 1.15 * drawn + 1, text


def test_a_chart_is_written_as_svg_with_every_name_escaped():
    import pandas as pd

    name = '</text></svg><script>alert(1)</script>"&'
    svg = render_chart(chart_criteria_against_peers(pd.Series({name: 0.5}), city_name=name), id="c1")
    soup = BeautifulSoup(svg, "html.parser")
    assert not soup.find_all("script") and len(soup.find_all("svg")) == 1
    assert _name(soup.svg).startswith(f"Horizontal bar chart of the share of indicators met by {name}")
    assert [t.find(string=True, recursive=False) for t in soup.find_all("text", class_="legend")] == [name]
    assert soup.find("pattern") is None  # no peers, nothing hatched


# -- peers ------------------------------------------------------------------------------------

def test_a_folder_of_sheets_is_a_peer_group_and_the_city_s_own_sheet_is_left_out(tmp_path):
    estoria = load_fictional_country()
    names = estoria.assessed[:4]
    for name in names:
        write_sheet(estoria.assessment(name), tmp_path / f"{name.lower()}.json")
    sheet = write_sheet(team_assessment(), tmp_path / "velmora.xlsx")
    (tmp_path / "notes.txt").write_text("not a sheet")
    result = run(sheet, "--peers", tmp_path, "-o", tmp_path / "card.html")
    assert result.returncode == 0, result.stderr
    text = BeautifulSoup((tmp_path / "card.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    assert "velmora.xlsx (the city's own sheet)" in text and "4 sheets in the folder" in text
    group = read_peers(tmp_path, exclude=sheet)
    assert group.names == sorted(names, key=str.lower) and group.fictional
    assert group.answers.loc[names[0]].tolist() == estoria.consensus.loc[names[0]].tolist()


def test_a_peer_table_round_trips_with_its_fictional_flag(tmp_path):
    table = velmora_peers()
    group = read_peers(write_peer_table(table, tmp_path / "peers.csv"))
    assert group.fictional and group.names == list(table.index)
    assert (group.answers.to_numpy() == table.to_numpy()).all()


def test_a_semicolon_peer_table_with_yes_no_answers_is_read(tmp_path):
    ids = INSTRUMENT.ids
    lines = ["city;" + ";".join(f"#{i}" for i in ids), "East;" + ";".join("yes" for _ in ids),
             "West;" + ";".join("no" if k % 2 else "1" for k in range(len(ids)))]
    (tmp_path / "peers.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    group = read_peers(tmp_path / "peers.csv")
    assert group.names == ["East", "West"] and not group.fictional
    assert int(group.answers.loc["West"].sum()) == (len(ids) + 1) // 2


def test_the_command_runs_from_a_shell(tmp_path):
    sheet = write_sheet(team_assessment(), tmp_path / "velmora.json")
    result = subprocess.run([sys.executable, "-m", "losi_course", "report", str(sheet), "-o", "card.html"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Wrote the scorecard of Velmora" in result.stdout and (tmp_path / "card.html").stat().st_size > 0


# -- mistakes: exit 2, one paragraph -----------------------------------------------------------

@pytest.fixture
def inputs(tmp_path):
    sheet = write_sheet(team_assessment(), tmp_path / "velmora.csv")
    return tmp_path, sheet


def _peer_csv(folder, header, *rows):
    path = folder / "peers.csv"
    path.write_text("\n".join([",".join(header), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case, expected", [
    ("missing sheet", "the file does not exist"),
    ("output not html", "ending in .html"),
    ("missing peers", "PEERS can be a CSV table"),
    ("unknown column", "not an indicator"),
    ("not an answer", "'maybe' in column 215 is not an answer"),
    ("blank answer", "--partial"),
    ("a sheet as peers", "looks like one assessment sheet"),
    ("empty folder", "holds no assessment sheet"),
    ("the city among its peers", "include Velmora, the city of the scorecard itself"),
    ("xlsx peers", "is not a .csv table"),
])
def test_bad_input_gets_one_clear_paragraph(inputs, case, expected):
    folder, sheet = inputs
    ids = list(INSTRUMENT.ids)
    out = folder / "card.html"
    peers = {
        "missing peers": folder / "nowhere.csv",
        "unknown column": lambda: _peer_csv(folder, ["city", *ids[:-1], "999"], ["East", *["1"] * 95]),
        "not an answer": lambda: _peer_csv(folder, ["city", *ids], ["East", "1", "maybe", *["0"] * 93]),
        "blank answer": lambda: _peer_csv(folder, ["city", *ids], ["East", "", *["0"] * 94]),
        "a sheet as peers": lambda: sheet,
        "empty folder": lambda: (folder / "empty").mkdir() or folder / "empty",
        "the city among its peers": lambda: _peer_csv(folder, ["city", *ids], ["Velmora", *["1"] * 95]),
        "xlsx peers": lambda: write_sheet(team_assessment(), folder / "other.xlsx"),
    }.get(case)
    args = {"missing sheet": [folder / "none.csv", "-o", out],
            "output not html": [sheet, "-o", folder / "card.csv"]}.get(case, [sheet, "-o", out])
    if peers is not None:
        args += ["--peers", peers() if callable(peers) else peers]
    before = sheet.read_bytes()
    message = _one_paragraph_error(run(*args))
    assert expected in message
    assert sheet.read_bytes() == before and not out.exists()


def test_an_unfinished_sheet_needs_partial_and_then_says_provisional(tmp_path):
    sheet = write_sheet(team_assessment(leave_blank=["221", "255"]), tmp_path / "velmora.csv")
    assert "--partial" in _one_paragraph_error(run(sheet, "-o", tmp_path / "card.html"))
    result = run(sheet, "-o", tmp_path / "card.html", "--partial", "--quick-wins", "3")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "card.html").read_text(encoding="utf-8"), "html.parser")
    assert "2 indicator(s) have no yes/no answer yet" in soup.find(class_="provisional").get_text()
    assert len(soup.find("ol", class_="wins").find_all("li", recursive=False)) == 3
    assert soup.find_all("span", string=re.compile("Not answered"))


def test_a_negative_number_of_quick_wins_is_refused(inputs):
    folder, sheet = inputs
    assert _one_paragraph_error(run(sheet, "-o", folder / "c.html", "--quick-wins", "-1"))


def test_pdf_without_chromium_says_so_and_keeps_the_page(inputs, monkeypatch):
    folder, sheet = inputs
    monkeypatch.setattr(report_pdf, "find_chromium", lambda executable=None: None)
    message = _one_paragraph_error(run(sheet, "-o", folder / "card.html", "--pdf"))
    assert "Chromium is not installed" in message and "apt-get install chromium" in message
    assert (folder / "card.html").stat().st_size > 0 and not (folder / "card.pdf").exists()


# -- the notebook ---------------------------------------------------------------------------

def test_lc_scorecard_writes_the_page_in_the_work_folder_and_links_to_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert lc.scorecard is scorecard
    card = lc.scorecard(team_assessment(), velmora_peers())
    assert card.path.resolve() == (tmp_path / "scorecard.html").resolve() and card.size > 0
    shown = BeautifulSoup(card._repr_html_(), "html.parser")
    assert shown.a["href"] == "scorecard.html" and "fictional data" in shown.get_text()
    assert f"LOSI {score_assessment(team_assessment()).losi:.4f}" in shown.get_text()
    sheet = write_sheet(team_assessment(), tmp_path / "velmora.csv")
    assert lc.scorecard("velmora.csv", output="again.html").content.city == "Velmora" and sheet.exists()


def test_a_scorecard_is_built_without_matplotlib(tmp_path):
    # Its charts are drawn as SVG text, so a participant's kernel never pays for matplotlib here.
    code = ("import sys, losi_course as lc; from losi_course import sample_city; "
            "card = lc.scorecard(sample_city.team_assessment(), peers=sample_city.peers(), output='s.html'); "
            "print(card.content.rank, sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["13", "[]"] and (tmp_path / "s.html").stat().st_size > 0


# -- in a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=[f for f in report_pdf.CHROMIUM_FLAGS if f != "--headless"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.mark.slow
@needs_chromium
def test_axe_finds_no_serious_or_critical_violation_and_nothing_is_requested(velmora, browser):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(velmora["page"].as_uri(), wait_until="load")
    charts = velmora["soup"].find_all("svg")
    assert [page.get_by_role("img", name=_name(svg), exact=True).count() for svg in charts] == [1, 1]
    assert [u for u in requests if not (u == velmora["page"].as_uri() or u.startswith("data:"))] == []
    results = axe_module.Axe().run(page)
    severe = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
              if v["impact"] in ("serious", "critical")]
    assert severe == []
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.contents')).display") == "none"
    # The same check on a page with known faults finds them: axe really ran.
    page.set_content('<html><body><img src="data:,"><a href="#x"></a></body></html>')
    found = {v["id"] for v in axe_module.Axe().run(page).response["violations"]}
    assert {"html-has-lang", "image-alt", "link-name"} <= found
    page.close()


@pytest.mark.slow
@needs_chromium
def test_the_chart_text_fits_where_it_was_placed_in_chromium(hostile, velmora, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for card in (hostile, velmora):
        page.goto(card["page"].as_uri(), wait_until="load")
        texts = page.eval_on_selector_all("svg.chart text", """els => els.map(e => {
            const box = e.getBBox(), view = e.ownerSVGElement.viewBox.baseVal;
            return [e.firstChild.textContent, +e.getAttribute("font-size"), e.getAttribute("font-weight") === "bold",
                    e.getComputedTextLength(), box.x >= 0 && box.x + box.width <= view.width
                    && box.y >= 0 && box.y + box.height <= view.height];
        })""")
        assert len(texts) > 50
        for text, size, bold, drawn, inside in texts:
            assert drawn <= svgcharts.text_width(text, size, bold=bold) + 0.5 and inside, text
    page.close()


@pytest.mark.slow
@needs_chromium
def test_pdf_is_printed_on_a4_by_debian_chromium(velmora):
    result = run(velmora["sheet"], "--peers", velmora["peers"], "-o", velmora["folder"] / "print.html", "--pdf")
    assert result.returncode == 0, result.stderr
    pdf = (velmora["folder"] / "print.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)
