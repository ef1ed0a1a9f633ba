"""Graded kernels forked from a warm parent: each one a fresh process, behaving as a kernel started anew."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from conftest import ROOT
from losi_course.instructor import forked_kernels
from losi_course.instructor.forked_kernels import WARM_MODULES, ForkedKernelManager, KernelParent


def _run(cells, folder, **options):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=ForkedKernelManager, shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(folder)}}, **options).execute()
    return ["".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream") for cell in nb.cells]


def _facts(folder, first_cell=""):
    code = ("import os, sys, json, signal, numpy\n"
            "print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'cwd': os.getcwd(), 'path': sys.path,\n"
            "                  'mark': os.environ.get('LOSI_TEST_MARK'), 'random': numpy.random.random(),\n"
            "                  'seen': 'left_over' in globals(), 'session_leader': os.getsid(0) == os.getpid(),\n"
            "                  'sigpipe': str(signal.getsignal(signal.SIGPIPE)),\n"
            "                  'hints': [e.__name__ for e in get_ipython().custom_exceptions],\n"
            "                  'np_repr': repr(numpy.int64(12)),\n"
            "                  'course_modules': sorted(m for m in sys.modules if m.startswith('losi_course')),\n"
            "                  'patched': getattr(sys.modules.get('losi_course.checks'), 'check', 0) is None}))")
    return json.loads(_run([first_cell, code] if first_cell else [code], folder)[-1])


def test_each_notebook_runs_in_a_new_process_that_knows_nothing_of_the_last(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSI_TEST_MARK", "graded")
    first = _run(["import os, losi_course.checks as ch\nch.check = None\nleft_over = 1\nprint(os.getpid())"], tmp_path)[0]
    second = _facts(tmp_path)
    third = _facts(tmp_path)
    parent = KernelParent.shared().pid
    assert int(first) != second["pid"] != third["pid"]
    assert second["ppid"] == third["ppid"] == parent != os.getpid()
    assert not second["seen"] and not second["patched"]      # the last notebook's names and patches are gone
    assert second["random"] != third["random"]                # numpy is seeded afresh in each kernel
    assert second["cwd"] == str(tmp_path) and "" in second["path"]   # the notebook's folder, as ipykernel sets it
    assert second["mark"] == "graded"                         # the environment of this launch, not the parent's


def test_a_runaway_cell_is_interrupted_and_the_notebook_goes_on(tmp_path):
    outputs = _run(["while True:\n    pass", "print('after')"], tmp_path, timeout=2, interrupt_on_timeout=True,
                   allow_errors=True)
    assert outputs[1] == "after\n"


def test_what_a_kernel_writes_on_its_own_standard_output_does_not_disturb_the_parent(tmp_path):
    # ipykernel normally takes over the kernel's file descriptor 1: let the write reach it
    _run(["import os\nos.write(1, b'{\"pid\": 1}\\n')"], tmp_path,
         extra_arguments=["--IPKernelApp.capture_fd_output=False"])
    assert _facts(tmp_path)["pid"] not in (1, os.getpid())


def test_a_kernel_ends_when_its_parent_ends_and_a_new_parent_takes_over(tmp_path):
    code = "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)"
    nb = new_notebook(cells=[new_code_cell(code)])
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=ForkedKernelManager,
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        kernel = client.km.provisioner.process.pid
        os.kill(KernelParent.shared().pid, 9)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(kernel):
            time.sleep(0.1)
        assert not _alive(kernel), "the kernel outlived its parent"
    assert _facts(tmp_path)["ppid"] == KernelParent.shared().pid


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("session", ["session1", "session4"])
def test_after_the_first_cell_a_forked_kernel_is_as_one_started_the_usual_way(tmp_path, monkeypatch, session):
    first = next(c for c in nbformat.read(ROOT / "source" / session / f"{session}.ipynb", as_version=4).cells
                 if c.cell_type == "code").source
    forked = _facts(tmp_path, first)
    monkeypatch.setattr(forked_kernels, "forkable", lambda cmd: False)
    usual = _facts(tmp_path, first)
    assert usual["ppid"] == os.getpid() != forked["ppid"]
    for fact in ("path", "session_leader", "sigpipe", "hints", "np_repr", "course_modules"):
        assert forked[fact] == usual[fact], fact
    assert forked["hints"] == ["Exception"] and forked["np_repr"] == "12"   # the beginners' hints are on


def test_nbgraders_execute_step_runs_notebooks_in_forked_kernels(tmp_path):
    from losi_course.instructor.preprocessors import ExecuteGraded

    nb = new_notebook(cells=[new_code_cell("import os\nprint(os.getppid())")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    ExecuteGraded(kernel_name="python3").preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert int(nb.cells[0].outputs[0]["text"]) == KernelParent.shared().pid


def test_the_warm_modules_import_and_none_of_them_is_the_courses():
    # The course's modules set things up when imported (the hints need the kernel's shell) and
    # bind the checkers: imported in the parent, they would do so before the kernel and before
    # any answer cell, unlike in a kernel started anew.
    probe = ("import importlib, sys\n"
             f"for name in {WARM_MODULES!r}:\n    importlib.import_module(name)\n"
             "print([m for m in sys.modules if m.startswith('losi_course')])")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_a_forked_kernel_starts_with_none_of_the_courses_modules(tmp_path):
    listed = _run(["import sys\nprint([m for m in sys.modules if m.startswith('losi_course')])"], tmp_path)
    assert listed == ["[]\n"]


def test_graded_kernels_talk_over_unix_sockets_in_a_folder_only_this_user_can_enter(tmp_path):
    shown = _run(["from ipykernel.kernelapp import IPKernelApp\n"
                  "app = IPKernelApp.instance()\nprint(app.transport, app.ip)"], tmp_path)[0].split()
    assert shown[0] == "ipc"
    folder = Path(shown[1]).parent
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    assert not list(tmp_path.iterdir())            # nothing of the kernel's in the notebook's folder
