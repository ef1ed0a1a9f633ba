"""Size a workshop server: memory per participant and CPU of the heaviest cell, measured on real servers.

Run as root (it starts the hub with ``make hub`` and makes throw-away Unix accounts, removed at
the end), from the course folder, after ``make venv``::

    .venv/bin/python benchmarks/hub_sizing.py --participants 12 --session session3

What it does:

1. starts the hub and N participants (sign-up, approval, login, JupyterLab), as the hub test does;
2. in one participant's kernel, runs the session's notebook cell by cell (the worked solutions)
   and measures the CPU time of every cell: the costliest is "the heaviest cell";
3. in every participant's kernel, runs the notebook up to just before that cell, then runs the
   heaviest cell in all N kernels at the same moment and measures the CPU time the participants'
   processes used, the machine's CPU use, and how long the last one took;
4. runs the rest of the notebook in every kernel, then measures the memory of each
   participant's processes (their JupyterLab server and kernel, the session worked through):
   PSS, which shares the libraries they have in common fairly, and RSS, which counts them for
   everyone.

It prints the figures and an extrapolation to 40 participants, saying how it is made. Not part
of ``make bench`` (it needs root and a few minutes).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hub_support  # noqa: E402

PASSWORD = "velmora-sizing-7"


def code_cells(session: str) -> list[str]:
    import nbformat

    from losi_course.authoring import without_markers

    notebook = nbformat.read(ROOT / "source" / session / f"{session}.ipynb", as_version=4)
    return [without_markers(c.source) for c in notebook.cells if c.cell_type == "code" and c.source.strip()]


def account_memory(name: str) -> tuple[float, float, int]:
    """(PSS MiB, RSS MiB, number of processes) of the processes running as ``name``."""
    import psutil

    pss = rss = count = 0
    for process in psutil.process_iter(["username"]):
        if process.info["username"] == name:
            info = process.memory_full_info()
            pss, rss, count = pss + info.pss, rss + info.rss, count + 1
    return pss / 2**20, rss / 2**20, count


def account_cpu_seconds(names: set[str]) -> float:
    import psutil

    total = 0.0
    for process in psutil.process_iter(["username", "cpu_times"]):
        if process.info["username"] in names and process.info["cpu_times"]:
            times = process.info["cpu_times"]
            total += times.user + times.system + getattr(times, "children_user", 0) + getattr(times, "children_system", 0)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--session", default="session3")
    args = parser.parse_args()
    reason = hub_support.missing_for_hub()
    if reason:
        print(f"cannot measure here: {reason}")
        return 2
    import psutil

    cells = code_cells(args.session)
    base = Path(tempfile.mkdtemp(prefix="hub-"))
    hub_support.open_to_other_accounts(base, stop_at=Path(tempfile.gettempdir()))
    hub = hub_support.Hub(base, hub_support.account_tag())
    try:
        hub.wait_until_up(900)
        facilitator = hub_support.Browser(hub, hub.instructor)
        assert facilitator.log_in(hub.first_password())
        people = [hub_support.Browser(hub, hub.name(f"p{i}")) for i in range(args.participants)]
        started = time.perf_counter()
        for person in people:
            person.sign_up(PASSWORD)
            facilitator.approve(person.name)
            assert person.log_in(PASSWORD)
            person.start_server()
        print(f"{args.participants} JupyterLab servers started one after another in {time.perf_counter() - started:.0f} s")

        first = {people[0].name}
        with people[0].kernel(timeout=600) as run:
            timings = []  # (CPU seconds, wall seconds, cell): CPU time is steadier than the clock
            for index, code in enumerate(cells):
                begin, cpu_begin = time.perf_counter(), account_cpu_seconds(first)
                run(code)
                timings.append((account_cpu_seconds(first) - cpu_begin, time.perf_counter() - begin, index))
        _, single, heaviest = max(timings)
        print(f"{args.session}: {len(cells)} code cells; heaviest is cell {heaviest + 1} "
              f"({timings[heaviest][0]:.2f} CPU-s, {single:.2f} s alone)")
        print("   " + cells[heaviest].strip().splitlines()[0][:90])

        kernels = [person.kernel(timeout=900) for person in people]
        runners = [k.__enter__() for k in kernels]
        try:
            for run in runners:  # the notebook open, worked through up to the heaviest cell
                for code in cells[:heaviest]:
                    run(code)
            names = {person.name for person in people}
            cpu_before, machine_before = account_cpu_seconds(names), psutil.cpu_times()
            finished: list[float] = []
            begin = time.perf_counter()

            def heavy(run):
                run(cells[heaviest])
                finished.append(time.perf_counter() - begin)
            threads = [threading.Thread(target=heavy, args=(run,)) for run in runners]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = max(finished)
            cpu = account_cpu_seconds(names) - cpu_before
            machine_after = psutil.cpu_times()
            busy = sum(getattr(machine_after, f) - getattr(machine_before, f) for f in ("user", "system", "nice"))
            print(f"heaviest cell in {args.participants} kernels at once: last done after {wall:.1f} s "
                  f"({wall / single:.1f}x alone); {cpu:.1f} CPU-s in all = {cpu / args.participants:.2f} CPU-s "
                  f"per participant; machine busy {busy / wall / psutil.cpu_count() * 100:.0f}% of "
                  f"{psutil.cpu_count()} cores")
            for run in runners:  # ... and to the end of the notebook
                for code in cells[heaviest + 1:]:
                    run(code)
            time.sleep(2)
            memory = [account_memory(person.name) for person in people]
            pss = [m[0] for m in memory]
            rss = [m[1] for m in memory]
            print(f"memory per participant, session worked through (JupyterLab server + kernel, {memory[0][2]} processes): "
                  f"PSS mean {sum(pss) / len(pss):.0f} MiB (min {min(pss):.0f}, max {max(pss):.0f}); "
                  f"RSS mean {sum(rss) / len(rss):.0f} MiB")
            hub_process = psutil.Process(int((hub.prefix / "hub" / "jupyterhub.pid").read_text()))
            proxy_process = psutil.Process(int((hub.prefix / "hub" / "proxy.pid").read_text()))
            hub_mib = sum(p.memory_full_info().pss for p in (hub_process, proxy_process)) / 2**20
            print(f"hub + proxy: PSS {hub_mib:.0f} MiB")

            per_cpu = cpu / args.participants
            mean_pss = sum(pss) / len(pss)
            print("\nExtrapolation to 40 participants (linear in participants, measured per participant above):")
            print(f"  memory: 40 x {mean_pss:.0f} MiB + hub {hub_mib:.0f} MiB = {(40 * mean_pss + hub_mib) / 1024:.1f} GiB")
            for cores in (2, 4, 8):
                print(f"  heaviest cell, all 40 at once on {cores} cores: about {40 * per_cpu / cores:.0f} s")
        finally:
            for kernel in kernels:
                kernel.__exit__(None, None, None)
    finally:
        hub.stop()
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
