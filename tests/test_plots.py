"""Chart helpers: the plotted data, titles and labels, alt text, the fictional note."""

import matplotlib

matplotlib.use("Agg")  # tests only: the library never chooses a backend

import pandas as pd
import pytest

from losi_course import plots
from losi_course.data import load_egdi_2022, load_losi_2022_participation
from losi_course.errors import LosiInputError
from losi_course.fictional import load_fictional_country
from losi_course.scoring import score_table


@pytest.fixture(scope="module")
def egdi():
    return load_egdi_2022()


@pytest.fixture(scope="module")
def estoria_scores():
    return score_table(load_fictional_country().consensus)


@pytest.fixture
def close_all():
    charts = []
    yield charts.append
    for chart in charts:
        chart.figure.clear()


def texts_of(chart) -> list[str]:
    figure = chart.figure
    found = [t.get_text() for t in figure.texts]
    for axes in figure.axes:
        found += [axes.get_title(loc=loc) for loc in ("left", "center", "right")]
        found += [t.get_text() for t in axes.texts]
    if figure.get_suptitle():
        found.append(figure.get_suptitle())
    return found


def has_fictional_note(chart) -> bool:
    return any(plots.FICTIONAL_NOTE in text for text in texts_of(chart))


def assert_labelled(chart, title):
    axes = chart.figure.axes[0]
    assert chart.figure.get_suptitle() == chart.title == title
    assert axes.get_xlabel() or axes.get_ylabel()
    assert chart.alt_text and len(chart.alt_text.split(". ")) <= 4
    assert chart.to_png().startswith(b"\x89PNG")


def test_egdi_by_region(egdi, close_all):
    chart = plots.bar_chart_egdi_by_region(egdi)
    close_all(chart)
    expected = egdi.groupby("region")["egdi_2022"].mean().sort_values(ascending=False)
    pd.testing.assert_series_equal(chart.data, expected, check_names=False)
    assert_labelled(chart, "EGDI 2022: average by region")
    assert "Average EGDI 2022" in chart.figure.axes[0].get_xlabel()
    assert "Europe" in chart.alt_text and "Africa" in chart.alt_text and "0.61" in chart.alt_text
    assert not has_fictional_note(chart)
    assert any("Source:" in t for t in texts_of(chart))


def test_participation_rebuilds_figure_3_10(close_all):
    chart = plots.chart_participation_adoption_2022()
    close_all(chart)
    table = load_losi_2022_participation()
    assert len(chart.data) == 17
    assert chart.data.to_dict() == dict(zip(table["label"], table["pct_cities_2022"]))
    assert chart.data.is_monotonic_decreasing
    assert_labelled(chart, "Participation and engagement features, LOSI 2022")
    assert "146" in chart.figure.axes[0].get_xlabel()
    assert "e-voting" in chart.alt_text and "social networking" in chart.alt_text
    below = int((table["pct_cities_2022"] < 50).sum())
    assert f"{below} of the 17" in chart.alt_text
    assert any("Figure 3.10" in t and "page 99" in t for t in texts_of(chart))


def test_level_distribution_from_labels_and_from_counts(estoria_scores, close_all):
    chart = plots.chart_level_distribution(estoria_scores["level"], title="Levels", fictional=True)
    close_all(chart)
    expected = estoria_scores["level"].astype(str).value_counts()
    assert list(chart.data.index) == ["Very high", "High", "Middle", "Low"]
    assert all(chart.data[lv] == expected.get(lv, 0) for lv in chart.data.index)
    assert_labelled(chart, "Levels")
    assert chart.figure.axes[0].get_ylabel() == "Number of cities"
    assert has_fictional_note(chart) and chart.alt_text.startswith("Fictional data.")
    assert "assume" in chart.alt_text and any("not published" in t for t in texts_of(chart))

    counts = plots.chart_level_distribution({"Very high": 38, "High": 36, "Middle": 45, "Low": 27})
    close_all(counts)
    assert counts.data.tolist() == [38, 36, 45, 27] and not has_fictional_note(counts)
    assert "146 cities" in counts.alt_text and "38 very high" in counts.alt_text


def test_egdi_level_chart_says_bands_are_published(egdi, close_all):
    chart = plots.chart_level_distribution(egdi["egdi_level"], index="EGDI")
    close_all(chart)
    assert int(chart.data.sum()) == 193
    assert "countries" in chart.alt_text and "assume" not in chart.alt_text
    assert any("published bands" in t for t in texts_of(chart))


def test_level_distribution_refuses_unknown_levels():
    with pytest.raises(LosiInputError, match="Unknown level"):
        plots.chart_level_distribution(pd.Series(["High", "Excellent"]))
    with pytest.raises(LosiInputError, match="index"):
        plots.chart_level_distribution(pd.Series(["High"]), index="OSI")


def test_criterion_scores_from_table_detects_fictional_attrs(estoria_scores, close_all):
    criteria = ["Institutional Framework", "Content Provision", "Services Provision",
                "Participation and Engagement", "E-Government Literacy", "Technology"]
    table = estoria_scores.copy()
    table.attrs["fictional"] = True
    chart = plots.chart_criterion_scores(table)
    close_all(chart)
    pd.testing.assert_series_equal(chart.data, estoria_scores[criteria].mean(), check_names=False)
    assert_labelled(chart, "Average criterion scores")
    assert "Share of indicators met" in chart.figure.axes[0].get_xlabel()
    weakest = chart.data.idxmin()
    assert f"weakest is {weakest}" in chart.alt_text
    assert has_fictional_note(chart)


def test_criterion_scores_from_series_without_note(close_all):
    chart = plots.chart_criterion_scores(pd.Series({"Technology": 0.7, "Services Provision": 0.4}),
                                         title="National averages")
    close_all(chart)
    assert chart.data.to_dict() == {"Technology": 0.7, "Services Provision": 0.4}
    assert not has_fictional_note(chart)
    with pytest.raises(LosiInputError):
        plots.chart_criterion_scores(pd.DataFrame({"losi": [0.5]}))


def test_ranking_full_and_top(estoria_scores, close_all):
    chart = plots.chart_losi_ranking(estoria_scores, fictional=True)
    close_all(chart)
    assert len(chart.data) == len(estoria_scores)
    assert chart.data["losi"].is_monotonic_decreasing
    assert chart.data["rank"].iloc[0] == 1
    assert set(chart.data.index) == set(estoria_scores.index)
    assert_labelled(chart, "LOSI ranking")
    assert "LOSI" in chart.figure.axes[0].get_xlabel()
    assert has_fictional_note(chart) and "assumed" in chart.alt_text
    best = estoria_scores["losi"].idxmax()
    assert best in chart.alt_text

    top = plots.chart_losi_ranking(estoria_scores, top=5)
    close_all(top)
    assert len(top.data) == 5 and "top 5 of" in top.alt_text
    pd.testing.assert_frame_equal(top.data, chart.data.head(5))
    assert has_fictional_note(top)  # score_table keeps the fictional flag of its input


def test_ranking_from_series_and_bad_input(close_all):
    chart = plots.chart_losi_ranking(pd.Series({"North": 0.8, "South": 0.3, "East": 0.3}))
    close_all(chart)
    assert chart.data["rank"].to_dict() == {"North": 1, "South": 2, "East": 2}
    assert chart.data["level"].tolist() == ["Very high", "Middle", "Middle"]
    with pytest.raises(LosiInputError):
        plots.chart_losi_ranking(pd.Series({"North": 0.8}), top=0)
    with pytest.raises(LosiInputError):
        plots.chart_losi_ranking(pd.DataFrame({"score": [0.5]}))


def test_show_prints_the_description(capsys, close_all):
    chart = plots.chart_level_distribution(pd.Series(["Low", "High"]))
    close_all(chart)
    chart.show()
    assert f"Chart description: {chart.alt_text}" in capsys.readouterr().out
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/plain"} and bundle["text/plain"] == chart.alt_text


def test_while_grading_a_chart_is_described_not_drawn(monkeypatch, close_all):
    chart = plots.chart_level_distribution(pd.Series(["Low", "High"]))
    close_all(chart)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and bundle["text/plain"].endswith(chart.alt_text)
    assert "not drawn while grading" in bundle["text/plain"]


def test_import_losi_course_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, losi_course, losi_course.plots, losi_course.fictional; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
