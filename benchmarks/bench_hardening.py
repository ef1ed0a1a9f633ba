"""Hostile sheets: how long the course takes to refuse them, and how much memory that costs.

Each file is read in a fresh interpreter (so one measurement cannot inherit another's memory):
the wall time of ``read_sheet``, how far the peak resident memory rose above the memory of the
interpreter with everything imported (``VmHWM`` after resetting it, minus ``VmRSS``), and the peak of Python's own allocations
(``tracemalloc``, in a second read: tracing slows it down). The target for the three worst files (the sparse workbook, the zip bomb and
``/dev/zero``) is a clear error within 5 s and under 300 MB; the ratios compare with reading the
course's own blank workbook in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

_CHILD = r"""
import json, sys, time, tracemalloc
import defusedxml.ElementTree, openpyxl, openpyxl.reader.excel
from losi_course.framework import load_instrument
from losi_course.sheets import read_sheet

def status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

load_instrument()  # the catalog is read once per interpreter: not part of any one sheet
try:  # start the peak ("high water mark") afresh, so the imports' own peak does not hide the reading's
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
except OSError:
    pass
before = status_kb("VmRSS")

def read():
    try:
        read_sheet(sys.argv[1])
        return "read"
    except Exception as err:
        return f"{type(err).__name__}: {err}"

start = time.perf_counter()
outcome = read()
seconds = time.perf_counter() - start
rss_mb = max(status_kb("VmHWM") - before, 0) / 1024
tracemalloc.start()  # a second read, traced (tracing slows it down, so it is not the one timed)
read()
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "traced_mb": traced / 2**20, "outcome": outcome}))
"""


def _measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120)
    if done.returncode:
        return {"seconds": float("nan"), "rss_mb": float("nan"), "traced_mb": float("nan"),
                "outcome": f"the reader died: {done.stderr.strip().splitlines()[-1:]}"}
    return json.loads(done.stdout)


def _cases(folder: Path) -> list[tuple[str, Path]]:
    import hostile_files

    from losi_course.sheets import write_template

    zero, pipe = folder / "zero.csv", folder / "pipe.csv"
    zero.symlink_to("/dev/zero")
    os.mkfifo(pipe)
    sparse = hostile_files.sparse_xlsx(folder / "sparse.xlsx")
    bomb = hostile_files.zip_bomb_xlsx(folder / "bomb.xlsx")
    return [
        ("baseline: the course's blank workbook", write_template(folder / "blank.xlsx")),
        (f"sparse XLSX ({sparse.stat().st_size / 1024:.1f} KB, one cell at XFD1048576)", sparse),
        (f"zip bomb ({bomb.stat().st_size / 2**20:.1f} MB expanding to 1.5 GB)", bomb),
        ("/dev/zero (through a link named zero.csv)", zero),
        ("a pipe (FIFO) named pipe.csv", pipe),
        ("XLSX padded with 15 MB of empty XML elements", hostile_files.padded_xlsx(folder / "padded.xlsx")),
        ("CSV of 1,000,000 rows", hostile_files.many_rows_csv(folder / "rows.csv")),
        ("JSON nested 200,000 deep", hostile_files.deep_json(folder / "deep.json")),
    ]


def bench_hostile_sheets() -> list[tuple[str, str]]:
    if not sys.platform.startswith("linux"):
        return [("hostile sheets", "skipped: needs Linux (FIFO, /dev/zero, /proc)")]
    lines = []
    with tempfile.TemporaryDirectory() as temporary:
        cases = _cases(Path(temporary))
        base = None
        for label, path in cases:
            figures = _measure(path)
            base = base or figures["seconds"]
            outcome = figures["outcome"].split(": ", 1)[0]
            lines.append((label, f"{figures['seconds'] * 1000:8.1f} ms = {figures['seconds'] / base:5.2f}x baseline, "
                                 f"+{figures['rss_mb']:6.1f} MB peak RSS, {figures['traced_mb']:6.1f} MB traced; "
                                 f"{outcome}"))
    lines.append(("target for the sparse XLSX, the zip bomb and /dev/zero", "a SheetError within 5 s, under 300 MB"))
    return lines
