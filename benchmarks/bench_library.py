"""Library benchmarks: import cost and vectorised scoring. Ratios are measured in one run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _import_seconds(statement: str, repeats: int = 7) -> float:
    """Median wall time of a fresh interpreter running ``statement`` (minus a bare start)."""
    def once(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    once(statement)  # warm the file cache
    bare = statistics.median(once("pass") for _ in range(repeats))
    return max(statistics.median(once(statement) for _ in range(repeats)) - bare, 1e-6)


def bench_import() -> list[tuple[str, str]]:
    pandas = _import_seconds("import pandas")
    package = _import_seconds("import losi_course")
    # First real use: pandas comes in, the instrument and one data file are read and checked.
    working = _import_seconds("import losi_course as lc; lc.load_instrument(); lc.load_egdi_2022()")
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, losi_course as lc; lc.score_table; lc.read_sheet; lc.load_egdi_2022;"
                               "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"],
        capture_output=True, text=True, check=True).stdout.strip()
    return [
        ("import pandas", f"{pandas * 1000:.0f} ms"),
        ("import losi_course", f"{package * 1000:.0f} ms = {package / pandas:.2f}x pandas (target <= 1.3x)"),
        ("import + load_instrument() + load_egdi_2022()", f"{working * 1000:.0f} ms = {working / pandas:.2f}x pandas"),
        ("heavy modules loaded by those imports", heavy),
    ]


def bench_scoring(n_cities: int = 10_000) -> list[tuple[str, str]]:
    import numpy as np
    import pandas as pd

    from losi_course.assessment import Assessment
    from losi_course.framework import load_instrument
    from losi_course.scoring import score_assessment, score_table

    ids = load_instrument().ids
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.integers(0, 2, size=(n_cities, len(ids))), columns=ids)
    score_table(table.head(10))  # warm caches (instrument, imports)

    def best_of(function, repeats=5):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return min(times)

    vectorised = best_of(lambda: score_table(table))
    bare = best_of(lambda: table.to_numpy().mean(axis=1))
    sample = table.head(200)
    loop = best_of(lambda: [score_assessment(Assessment.from_values(row)) for row in sample.to_dict("records")], 1)
    loop_full = loop * n_cities / len(sample)
    return [
        (f"score_table, {n_cities:,} cities x {len(ids)} indicators", f"{vectorised * 1000:.1f} ms (target <= 100 ms)"),
        ("  vs bare numpy row means (lower bound)", f"{vectorised / bare:.1f}x"),
        ("  vs scoring one Assessment at a time (extrapolated)", f"{loop_full / vectorised:.0f}x slower")
    ]
