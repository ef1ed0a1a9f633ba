"""Portal pre-check benchmarks: the static audit of Velmora's saved pages, and memory on a 50 MB page.

Figures are measured in one run against baselines of the same run: parsing the same pages with
BeautifulSoup alone (the floor of any bs4-based check), and a fresh interpreter that only
imports the audit (the floor of the memory figure).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

_MEMORY_PROBE = textwrap.dedent("""
    import resource, sys
    from losi_course.audit import run_audit
    target = sys.argv[1]
    if target != "none":
        if target.startswith("http"):
            sys.path.insert(0, sys.argv[2])
            from loopback_site import LoopbackSite
            def huge(query):
                def body():
                    yield b'<!DOCTYPE html><html lang="en"><title>Huge (fictional)</title><body>'
                    for _ in range(5000):  # 50 MB of small elements if nobody stopped reading
                        yield b'<div><a href="/p">a link</a></div>' * 286
                return 200, {"Content-Type": "text/html"}, body()
            with LoopbackSite(routes={"/": huge}) as site:
                run_audit(site.url, delay=0, validator=False, browser=False)
        else:
            run_audit(target, validator=False, browser=False)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def _peak_kib(target: str) -> int:
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    done = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, target, tests], capture_output=True, text=True,
                          check=True)
    return int(done.stdout.strip().splitlines()[-1])


def bench_velmora_static() -> list[tuple[str, str]]:
    from bs4 import BeautifulSoup

    from losi_course.audit import run_audit
    from losi_course.portal import portal_path

    site = portal_path()
    pages = sorted(site.rglob("*.html"))
    start = time.perf_counter()
    first = run_audit(site, validator=False, browser=False)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        run_audit(site, validator=False, browser=False)
        warm.append(time.perf_counter() - start)
    start = time.perf_counter()
    for page in pages:
        BeautifulSoup(page.read_bytes(), "lxml")
    parse = time.perf_counter() - start
    median = statistics.median(warm)
    return [
        (f"audit of Velmora's {len(first.pages)} saved pages, static checks (first run)",
         f"{cold:.2f} s (target <= 2 s)"),
        ("  later runs (median of 3)", f"{median:.2f} s = {median / len(first.pages) * 1000:.1f} ms per page"),
        ("  vs BeautifulSoup parsing alone (floor)", f"{median / parse:.1f}x"),
    ]


def bench_huge_page() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="losi-bench-") as folder:
        page = Path(folder, "huge.html")
        with page.open("wb") as stream:
            stream.write(b'<!DOCTYPE html><html lang="en"><title>Huge (fictional)</title><body>')
            for _ in range(5000):  # 10 kB of small elements each time: millions of tags in all
                stream.write(b'<div><a href="/p">a link</a></div>' * 286)
        size = page.stat().st_size
        baseline = _peak_kib("none")
        from_file = _peak_kib(str(page))
    over_http = _peak_kib("http://loopback")
    return [
        (f"peak memory, audit of a {size / 1e6:.0f} MB saved page", f"{(from_file - baseline) / 1024:.0f} MB above "
                                                                   f"the import alone ({baseline / 1024:.0f} MB)"),
        ("peak memory, the same page streamed over HTTP", f"{(over_http - baseline) / 1024:.0f} MB above the import "
                                                          "alone (read up to the 5 MB limit)"),
    ]


def bench_velmora_http() -> list[tuple[str, str]]:
    from losi_course.audit import run_audit
    from losi_course.audit.browser import browser_missing
    from losi_course.audit.validator import validator_missing
    from losi_course.portal import start_portal_server

    with start_portal_server() as server:
        start = time.perf_counter()
        static = run_audit(server.url, delay=0, validator=False, browser=False)
        plain = time.perf_counter() - start
        start = time.perf_counter()
        run_audit(server.url, delay=0)
        deep = time.perf_counter() - start
    tools = [name for name, missing in (("validator", validator_missing()), ("browser", browser_missing()))
             if missing is None]
    return [
        (f"audit of Velmora over loopback HTTP ({len(static.pages)} pages, no delay), static", f"{plain:.2f} s"),
        (f"  with the deeper checks ({', '.join(tools) or 'none installed'})", f"{deep:.2f} s = {deep / plain:.1f}x"),
    ]
