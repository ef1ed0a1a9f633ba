"""Graded kernels forked from a warm parent: each a new process, without paying the same imports again.

Every submission runs in a kernel of its own. Starting one costs about 0.7 s of CPU, most of it
importing IPython and pandas, the same work for every submission. Here a *kernel parent* process
imports those third-party modules once and never runs notebook code; each kernel is a child
forked from it, in a session of its own, that then starts an ordinary ipykernel as
``python -m ipykernel_launcher`` would. It is a new process: names, patched modules and all else
one notebook leaves in memory are gone for the next. The course's own modules are not warm: the
notebook imports them itself, so they run their import-time set-up (the beginners' hints, for
one) in the kernel, in the same order as in the participant's own kernel. Other differences from
a kernel started anew, none of which grading depends on:

* the warm modules are already imported, so a notebook's ``import pandas`` takes no time;
* the children share the parent's hash seed (the order of a set of strings is the same in every
  kernel);
* numpy's global random state is seeded afresh in each child, as Python's ``random`` is.

Like any kernel, a forked one runs as the grading user (see the instructor guide on what is and
is not protected). The parent process is not readable or traceable by its kernels (Linux's
"dumpable" flag is off), so a notebook cannot change what later kernels start from.

:class:`ForkedKernelManager` is the kernel manager nbgrader's ``Execute`` uses while grading
(``losi_course.instructor.preprocessors.ExecuteGraded``). It forks a kernel only on Linux, and
only when the kernel's command is this Python running ``ipykernel_launcher``; any other kernel
starts the usual way. A forked kernel talks over Unix sockets in a folder only this user can
enter, not over TCP ports (which two grading processes could pick alike before either kernel
bound them). The manager also waits for a kernel less idly than jupyter_client's defaults: ready
as soon as the kernel has answered on both channels (not after 0.2 s of silence), and gone as
soon as the process has ended (checked every 5 ms, not every 100 ms).

Example:
    >>> forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]) == sys.platform.startswith("linux")
    True
    >>> forkable(["/usr/bin/R", "--slave", "-e", "IRkernel::main()"])
    False
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type

from ..course import CourseFolder
from .kernel_parent import ANSWER_SECONDS, WARM_MODULES

__all__ = ["WARM_MODULES", "forkable", "ParentStopped", "KernelParent", "ForkedKernel", "ForkedProvisioner",
           "ForkedKernelManager", "PromptKernelClient"]

_POLL_SECONDS = 0.005
# Run as a script, not as a module of the course: the parent imports nothing of the course, whose
# modules set themselves up on import (the beginners' hints need the kernel's shell).
_PARENT_SCRIPT = str(Path(__file__).with_name("kernel_parent.py"))
# Set for one notebook by nbgrader and the answer capture; the parent outlives that notebook.
_PER_NOTEBOOK = ("NBGRADER_EXECUTION", "TMPDIR")


def forkable(cmd: list[str]) -> bool:
    """Whether a kernel command is this very Python starting ipykernel, on Linux (so a fork can stand in)."""
    return (sys.platform.startswith("linux") and len(cmd) >= 3
            and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable)
            and cmd[1:3] == ["-m", "ipykernel_launcher"])


class ParentStopped(RuntimeError):
    """The kernel parent process is gone or stuck (its kernels end by themselves)."""


class KernelParent:
    """The warm parent process, and the requests it answers: start a kernel, give a kernel's exit code.

    One parent serves a whole grading process; it stops when that process ends (its input closes).
    """

    _shared: "KernelParent | None" = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        env = {k: v for k, v in os.environ.items() if k not in _PER_NOTEBOOK}
        self._process = subprocess.Popen(
            [sys.executable, _PARENT_SCRIPT], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
        atexit.register(self.close)
        self._answer()   # "ready", once the warm modules are imported

    @classmethod
    def shared(cls) -> "KernelParent":
        """This process's kernel parent, started on first use (and again if it stopped)."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared._stopped or cls._shared._process.poll() is not None:
                cls._shared = cls()
            return cls._shared

    @property
    def pid(self) -> int:
        return self._process.pid

    def _answer(self) -> dict:
        ready, _, _ = select.select([self._process.stdout], [], [], ANSWER_SECONDS)
        line = self._process.stdout.readline() if ready else ""
        if not line:
            raise ParentStopped("the kernel parent stopped answering")
        return json.loads(line)

    def _ask(self, request: dict) -> dict:
        with self._lock:
            try:
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
                return self._answer()
            except BaseException as error:
                # Whatever broke the exchange (a stopped parent, Ctrl-C between question and
                # answer), the next answer could belong to this question: start a new parent.
                self.close(kill=True)
                if isinstance(error, (OSError, ValueError)):
                    raise ParentStopped(f"the kernel parent stopped ({error})") from None
                raise

    def start(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel started with ``ipykernel_launcher`` arguments ``argv``; its process id."""
        answer = self._ask({"start": argv, "cwd": cwd, "env": env})
        if "error" in answer:
            raise RuntimeError(f"the kernel parent could not start a kernel: {answer['error']}")
        return answer["pid"]

    def exit_code(self, pid: int) -> int | None:
        """A forked kernel's exit code, or None while it runs."""
        return self._ask({"poll": pid})["code"]

    def close(self, kill: bool = False) -> None:
        self._stopped = True
        if kill and self._process.poll() is None:
            self._process.kill()
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
    """A forked kernel as its manager sees it: the parts of :class:`subprocess.Popen` it uses.

    It is watched through a process file descriptor where Linux has them, so that it is never
    confused with a later process given the same id.
    """

    stdin = stdout = stderr = None

    def __init__(self, parent: KernelParent, pid: int):
        self._parent, self.pid, self.returncode = parent, pid, None
        try:
            self._handle: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._handle = None

    def _ended(self) -> bool:
        if self._handle is not None:
            return bool(select.select([self._handle], [], [], 0)[0])
        return True   # no handle: the parent's answer says

    def poll(self) -> int | None:
        if self.returncode is None and self._ended():
            try:
                self.returncode = self._parent.exit_code(self.pid)
            except ParentStopped:
                # The kernel watches its parent and ends with it; its exit code is lost.
                self.returncode = -signal.SIGKILL if self._handle is not None else None
            if self.returncode is not None and self._handle is not None:
                os.close(self._handle)
                self._handle = None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            return
        if self._handle is not None:
            signal.pidfd_send_signal(self._handle, signum)
        else:
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
        self.pid = self.pgid = pid   # the child leads a session (and process group) of its own
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if not isinstance(self.process, ForkedKernel):
            return await super().wait()
        kernel = self.process
        while kernel.poll() is None:
            await asyncio.sleep(_POLL_SECONDS)
        self.process = None
        return kernel.returncode


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
                raise RuntimeError(f"The graded kernel did not answer within {timeout:g} s of starting")
            if not await self._async_is_alive():
                raise RuntimeError("The graded kernel stopped before it answered")
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
        # A kernel spec that names a provisioner of its own keeps it.
        if self.provisioner is None and not self.kernel_spec.metadata.get("kernel_provisioner"):
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                 parent=self)
            if self.transport == "tcp" and forkable(self.format_kernel_cmd()):
                # Unix sockets in a private folder instead of TCP ports: a port that one grading
                # process has picked cannot be picked by another before its kernel binds it, and
                # no other user of the machine can connect.
                self.transport = "ipc"
                sockets = CourseFolder.scratch() / "kernel-sockets"
                sockets.mkdir(mode=0o700, exist_ok=True)
                self.ip = str(sockets / self.kernel_id[:8])
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = _POLL_SECONDS) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, _POLL_SECONDS))
