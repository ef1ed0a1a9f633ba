"""The kernel parent: a process that imports what every graded kernel imports, then forks the kernels.

It is run as a script (``python kernel_parent.py``) by
:class:`~losi_course.instructor.forked_kernels.KernelParent`, and imports nothing of the course:
only the standard library here, and the third-party :data:`WARM_MODULES` once it runs. It reads
one request per line (JSON) on its input and answers one line each: ``{"start": ARGS, "cwd":
..., "env": {...}}`` forks a kernel (``{"pid": N}``), ``{"poll": N}`` gives its exit code
(``{"code": null}`` while it runs). It ends when its input closes.

Example:
    >>> "pandas" in WARM_MODULES and not any(m.startswith("losi_course") for m in WARM_MODULES)
    True
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib
import importlib.util
import json
import os
import select
import signal
import sys
import traceback

__all__ = ["WARM_MODULES", "ANSWER_SECONDS"]

# Third-party modules every graded kernel imports: the kernel itself and pandas (the first cell
# of every session), and what the portal pre-check of sessions 4 and 6 reads pages with.
WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython", "pandas", "numpy",
    "httpx", "bs4", "langcodes", "protego",
)

ANSWER_SECONDS = 30        # the parent answers in milliseconds; this long means it is stuck


def _set_dumpable(on: bool) -> None:
    """Linux's per-process "dumpable" flag: off, other processes of the user cannot trace or read it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, int(on), 0, 0, 0)   # 4: PR_SET_DUMPABLE
    except (OSError, AttributeError):
        pass


def _run_kernel(argv: list[str], cwd: str, env: dict[str, str], answers: int, ready: int) -> None:
    """In a forked child: become a new kernel process, run ipykernel, and never return."""
    code = 1
    try:
        os.setsid()        # a session of its own, as jupyter_client starts kernels: no terminal
        os.write(ready, b".")
        os.close(ready)
        _set_dumpable(True)
        os.close(answers)  # the parent's channel to the grading process is not the kernel's
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        signal.signal(signal.SIGINT, signal.default_int_handler)   # the parent ignores it
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env, JPY_PARENT_PID=str(os.getppid()))
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()
        # The kernel ends if its parent does; ipykernel read JPY_PARENT_PID when the parent imported it.
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *argv,
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - the kernel's own failure, shown in the grading log
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _warm_tracebacks() -> None:
    """Show one error as a kernel would, so that its highlighter is compiled once, here."""
    try:
        from IPython.core.ultratb import AutoFormattedTB
    except ImportError:
        return
    try:
        raise NameError("warm-up")
    except NameError:
        AutoFormattedTB(mode="Context").structured_traceback(*sys.exc_info())


def _fork_kernel(request: dict, answers) -> dict:
    ready_in, ready_out = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:
        os.close(ready_in)
        os.close(ready_out)
        return {"error": str(error)}
    if pid == 0:
        os.close(ready_in)
        _run_kernel(request["start"], request["cwd"], request["env"], answers.fileno(), ready_out)
    os.close(ready_out)
    # Answer once the child leads its own session, so that signalling its group reaches only it.
    select.select([ready_in], [], [], ANSWER_SECONDS)
    os.close(ready_in)
    return {"pid": pid}


def _serve() -> int:
    """The kernel parent: import the warm modules, then answer one JSON request per line."""
    _set_dumpable(False)
    # Answers go out on a channel of their own: whatever the imports or the kernels print on
    # the standard output goes where the standard error goes.
    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]   # this script's folder; the kernel puts the notebook's folder in, as ipykernel does
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C stops the grading; this parent ends with its input
    # A kernel imports its debugger once its output goes to the notebook, where the debugger's
    # note about frozen modules is dropped; imported here, the note would reach the terminal.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass          # a kernel that needs it imports it itself (and fails the same way)
    _warm_tracebacks()
    gc.freeze()       # the children's collector then leaves the parent's objects (and their pages) alone
    ended: dict[int, int] = {}
    print("{}", file=answers, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "start" in request:
            answer = _fork_kernel(request, answers)
        else:
            pid = request["poll"]
            if pid not in ended:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done, status = pid, 0
                if done:
                    ended[pid] = os.waitstatus_to_exitcode(status)
            answer = {"code": ended.get(pid)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_serve())
