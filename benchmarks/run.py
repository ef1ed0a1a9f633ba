"""Run the benchmarks and print what was measured (`make bench`).

Benchmarks live here, not in the tests: timings vary from machine to machine, so each line
reports a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_audit  # noqa: E402
import bench_hardening  # noqa: E402
import bench_library  # noqa: E402
import bench_report  # noqa: E402

SUITES = [("Library", [bench_library.bench_import, bench_library.bench_scoring]),
          ("Portal pre-check", [bench_audit.bench_velmora_static, bench_audit.bench_huge_page,
                                bench_audit.bench_velmora_http]),
          ("Hostile sheets", [bench_hardening.bench_hostile_sheets])]
SUITES.append(("Scorecard report", [bench_report.bench_scorecard]))

try:
    import bench_notebooks  # noqa: E402

    SUITES.append(("Notebooks and grading", [bench_notebooks.bench_run_all, bench_notebooks.bench_autograde]))
except ImportError:
    pass

try:
    import bench_grading  # noqa: E402

    SUITES.append(("Grading a class", [bench_grading.bench_grade_class]))
except ImportError:
    pass


def main() -> int:
    for title, benches in SUITES:
        print(f"\n== {title}")
        for bench in benches:
            for name, figure in bench():
                print(f"{name:<60} {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
