"""Scorecard benchmarks: building the page and printing it to PDF, against baselines measured in
the same run (drawing one matplotlib chart; a warm build; Chromium printing an empty page)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import timeit
from pathlib import Path


def _best_of(function, repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other work)."""
    return min(timeit.repeat(function, number=1, repeat=repeats))


# The first scorecard of a fresh Python, as in a participant's kernel: data loaded, then timed.
_FIRST_BUILD = """
import sys, time
from losi_course.report import write_scorecard
from losi_course.velmora.peers import peers
from losi_course.velmora.prepared import team_assessment
team, table = team_assessment(), peers()
start = time.perf_counter()
write_scorecard(team, sys.argv[1], table)
print(time.perf_counter() - start)
"""


def _first_build(page: Path) -> float:
    result = subprocess.run([sys.executable, "-c", _FIRST_BUILD, str(page)], capture_output=True, text=True,
                            check=True)
    return float(result.stdout.split()[-1])


def bench_scorecard() -> list[tuple[str, str]]:
    import pandas as pd

    from losi_course.plots import chart_level_distribution
    from losi_course.report import write_scorecard
    from losi_course.report.pdf import CHROMIUM_FLAGS, find_chromium, html_to_pdf
    from losi_course.velmora.peers import peers
    from losi_course.velmora.prepared import team_assessment

    team, table = team_assessment(), peers()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "scorecard.html"
        write_scorecard(team, page, table)  # warm imports and caches
        build = _best_of(lambda: write_scorecard(team, page, table))
        chart = _best_of(lambda: chart_level_distribution(pd.Series(["High", "Low"])).to_png(dpi=120))
        first = min(_first_build(Path(folder) / "first.html") for _ in range(3))
        lines = [
            ("scorecard of Velmora with 28 peers: page size", f"{page.stat().st_size / 1000:.0f} kB"),
            ("  time to build and write it", f"{build * 1000:.0f} ms = {build / chart:.1f}x drawing one chart"),
            ("  the first one in a fresh Python (a kernel's first)",
             f"{first * 1000:.0f} ms = {first / build:.1f}x a warm build"),
        ]
        chromium = find_chromium()
        if chromium is None:
            return lines + [("  --pdf", "skipped: Debian's chromium is not installed")]
        blank = Path(folder) / "blank.html"
        blank.write_text("<!DOCTYPE html><html lang='en'><title>blank</title></html>", encoding="utf-8")

        def print_blank():
            subprocess.run([str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={folder}/profile",
                            f"--print-to-pdf={folder}/blank.pdf", blank.as_uri()], capture_output=True, check=True)

        pdf = _best_of(lambda: html_to_pdf(page, page.with_suffix(".pdf")))
        bare = _best_of(print_blank)
        size = page.with_suffix(".pdf").stat().st_size
        return lines + [("  time for --pdf (Chromium printing it on A4)",
                         f"{pdf * 1000:.0f} ms = {pdf / bare:.2f}x Chromium printing an empty page; {size / 1000:.0f} kB")]
