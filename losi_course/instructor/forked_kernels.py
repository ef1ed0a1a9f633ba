"""Graded kernels forked from a warm parent: each still a fresh process, without paying the imports again.

Every submission runs in a kernel of its own, so nothing one participant's code does can reach
the next one. Starting such a kernel costs about 0.7 s of CPU, most of it importing IPython,
pandas and the course library, the same work for every submission. Here a *kernel parent*
process imports those modules once and never runs notebook code; each kernel is a child forked
from it (its own memory and process group) that then starts an ordinary ipykernel, exactly as
``python -m ipykernel_launcher`` would. What differs from a kernel started from scratch, and why
it does not matter for grading:

* the warm modules are already imported: a notebook's ``import pandas`` finds them loaded, as it
  would after a first cell;
* the children share the parent's hash seed (set iteration order of strings is the same in
  every kernel; nothing graded may depend on it);
* numpy's global random state is seeded afresh in each child, as Python's ``random`` is.

:class:`ForkedKernelManager` is the kernel manager nbgrader's ``Execute`` uses while grading
(``losi_course.instructor.preprocessors.ExecuteGraded``). It forks a kernel only when the
kernel's command is this Python running ``ipykernel_launcher``; any other kernel starts the usual
way. It also waits for a kernel less idly than jupyter_client's defaults: ready as soon as the
kernel has answered on both channels (not after 0.2 s of silence), and gone as soon as the process
has ended (checked every 5 ms, not every 100 ms).

Example:
    >>> forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"])
    True
    >>> forkable(["/usr/bin/R", "--slave", "-e", "IRkernel::main()"])
    False
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import importlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type

__all__ = ["WARM_MODULES", "forkable", "ParentStopped", "KernelParent", "ForkedKernel", "ForkedProvisioner",
           "ForkedKernelManager", "PromptKernelClient"]

# What a graded kernel imports before any participant's code runs: the kernel itself and the
# session notebooks' first cell (the instructor's). The checks' own entry points (the exercise
# and grading modules of a session) are left to the kernel, imported by the test cells as in a
# fresh kernel, so anything an answer cell does to the library meets them in the same order.
# The portal pre-check of sessions 4 and 6 is warm as well: it reaches none of the checks.
WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython", "pandas", "numpy",
    "losi_course", "losi_course.plots", "losi_course.sample_city", "losi_course.fictional",
    "losi_course.reconcile",
    "losi_course.audit", "losi_course.portal.server", "httpx", "bs4", "langcodes", "protego",
)

_POLL_SECONDS = 0.005


def forkable(cmd: list[str]) -> bool:
    """Whether a kernel command is this very Python starting ipykernel (so a fork can stand in for it)."""
    return (hasattr(os, "fork") and len(cmd) >= 3 and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable)
            and cmd[1:3] == ["-m", "ipykernel_launcher"])


class ParentStopped(RuntimeError):
    """The kernel parent process is gone (its kernels end by themselves)."""


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class KernelParent:
    """The warm parent process, and the requests it answers: start a kernel, tell whether one ended.

    One parent serves a whole grading process; it stops when that process ends (its input closes).
    """

    _shared: "KernelParent | None" = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._process = subprocess.Popen(
            [sys.executable, "-m", "losi_course.instructor.forked_kernels"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        ready = self._process.stdout.readline()
        if not ready.startswith("{"):
            self.close()
            raise RuntimeError("the kernel parent did not start")
        atexit.register(self.close)

    @classmethod
    def shared(cls) -> "KernelParent":
        """This process's kernel parent, started on first use (and again if it stopped)."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared._stopped or cls._shared._process.poll() is not None:
                cls._shared = cls()
            return cls._shared

    def _ask(self, request: dict) -> dict:
        with self._lock:
            try:
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
                answer = self._process.stdout.readline()
            except (OSError, ValueError):
                answer = ""
        if not answer:
            self._stopped = True
            raise ParentStopped("the kernel parent stopped")
        return json.loads(answer)

    def start(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel started with ``ipykernel_launcher`` arguments ``argv``; its process id."""
        answer = self._ask({"start": argv, "cwd": cwd, "env": env})
        if "error" in answer:
            raise RuntimeError(f"the kernel parent could not start a kernel: {answer['error']}")
        return answer["pid"]

    def exit_code(self, pid: int) -> int | None:
        """A forked kernel's exit code, or None while it runs."""
        return self._ask({"poll": pid})["code"]

    def close(self) -> None:
        self._stopped = True
        if self._process.stdin and not self._process.stdin.closed:
            try:
                self._process.stdin.close()
            except OSError:
                pass    # it had stopped already
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()


class ForkedKernel:
    """A forked kernel as its manager sees it: the parts of :class:`subprocess.Popen` it uses."""

    stdin = stdout = stderr = None

    def __init__(self, parent: KernelParent, pid: int):
        self._parent, self.pid, self.returncode = parent, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self._parent.exit_code(self.pid)
            except ParentStopped:   # the kernel is an orphan now: it ends by itself (it watches its parent)
                self.returncode = None if _exists(self.pid) else -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(_POLL_SECONDS)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with ipykernel forked from the warm parent."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if not forkable(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        parent = KernelParent.shared()
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = parent.start(cmd[3:], cwd, dict(kwargs.get("env") or os.environ))
        self.process = ForkedKernel(parent, pid)
        self.pid = self.pgid = pid   # the child leads a process group of its own
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if isinstance(self.process, ForkedKernel):
            while self.process.poll() is None:
                await asyncio.sleep(_POLL_SECONDS)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()


class PromptKernelClient(AsyncKernelClient):
    """A kernel client that is ready once the kernel has answered on shell and spoken on IOPub.

    jupyter_client's own client then listens until IOPub has been quiet for 0.2 s; the notebook
    runner reads only the replies to its own requests, so that wait buys nothing here.
    """

    def start_channels(self, *args, **kwargs) -> None:
        # The channels connect before the new kernel listens: retry after 10 ms, not zmq's 100 ms.
        self.context.setsockopt(zmq.RECONNECT_IVL, 10)
        super().start_channels(*args, **kwargs)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        replied = heard = False
        while not (replied and heard):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            # Asked again every 50 ms: IOPub may connect after a reply was sent, and then
            # only a new request shows that it is connected.
            request = self.kernel_info()
            until = time.monotonic() + 0.05
            while not (replied and heard) and time.monotonic() < until:
                replied = replied or await self._kernel_info_reply(request)
                heard = heard or await self._message_on(self.iopub_channel)

    wait_for_ready = _async_wait_for_ready   # the asynchronous client binds its own copy of the base one

    async def _kernel_info_reply(self, request: str) -> bool:
        try:
            msg = await self.shell_channel.get_msg(timeout=0.01)
        except Empty:
            return False
        if msg["msg_type"] == "kernel_info_reply":
            self._handle_kernel_info_reply(msg)
            return True
        return False

    @staticmethod
    async def _message_on(channel) -> bool:
        try:
            await channel.get_msg(timeout=0.01)
        except Empty:
            return False
        return True


class ForkedKernelManager(AsyncKernelManager):
    """The kernel manager for graded notebooks: forked kernels, prompt start and stop."""

    client_class = DottedObjectName("losi_course.instructor.forked_kernels.PromptKernelClient")
    client_factory = Type(klass=PromptKernelClient)

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or _new_id()
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                 parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = _POLL_SECONDS) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, _POLL_SECONDS))


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


# --- the kernel parent process ---------------------------------------------------------------

def _run_kernel(argv: list[str], cwd: str, env: dict[str, str], answers: int) -> None:
    """In a forked child: become a fresh kernel process, run ipykernel, and never return."""
    code = 1
    try:
        os.setpgid(0, 0)
        os.close(answers)  # the parent's channel to the grading process is not the kernel's
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
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


def _serve() -> int:
    """The kernel parent: import the warm modules, then answer one JSON request per line."""
    # Answers go out on a channel of their own: whatever the imports or the kernels print on
    # the standard output goes where the standard error goes.
    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.getcwd():
        del sys.path[0]   # as ipykernel_launcher does; the kernel puts the notebook's folder back
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
            try:
                pid = os.fork()
            except OSError as error:
                answers.write(json.dumps({"error": str(error)}) + "\n")
                answers.flush()
                continue
            if pid == 0:
                _run_kernel(request["start"], request["cwd"], request["env"], answers.fileno())
            try:
                os.setpgid(pid, pid)   # also here, so the group exists before the manager signals it
            except OSError:
                pass                   # the child already did it (or already ended)
            answers.write(json.dumps({"pid": pid}) + "\n")
        else:
            pid = request["poll"]
            if pid not in ended:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done, status = pid, 0
                if done:
                    ended[pid] = os.waitstatus_to_exitcode(status)
            answers.write(json.dumps({"code": ended.get(pid)}) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_serve())
