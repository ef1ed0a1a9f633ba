"""A real workshop hub on this machine, driven as its users would drive it (for ``test_hub.py``).

* :func:`missing_for_hub` says what this machine lacks to run the hub (root, the proxy,
  PostgreSQL, a Python every account can run), so the test can skip with that reason;
* :class:`Postgres` is a throw-away PostgreSQL server (its own data folder, a socket, peer
  login: the facilitator's Unix account is their database role, no password);
* :class:`Hub` runs ``make hub`` as the guide says, with throw-away accounts, folders and ports,
  and stops it and everything it started;
* :class:`Browser` is one person's browser: forms with their ``_xsrf`` field, cookies, the
  requests that JupyterLab's buttons send (the nbgrader Assignments tab, Formgrader, saving a
  notebook, running a cell in a kernel).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (``initdb``, ``postgres``), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing_for_hub() -> str:
    """Why a real hub cannot run here ("" if it can): what ``.ci/run`` would install."""
    if os.name != "posix" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the hub test needs root (it makes Unix accounts for the participants)"
    for tool in ("useradd", "userdel", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            return f"the hub test needs {tool}"
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is not installed (npm install -g configurable-http-proxy)"
    if postgres_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "PostgreSQL's 'postgres' account is missing (apt-get install postgresql)"
    check = subprocess.run(["runuser", "-u", "nobody", "--", str(SYSTEM_PYTHON), "-c",
                            "import sys, ensurepip; sys.exit(sys.version_info < (3, 11))"], capture_output=True)
    if check.returncode:
        return f"{SYSTEM_PYTHON} (3.11 or newer, with venv) is needed for the participants' environment"
    return ""


def open_to_other_accounts(folder: Path, stop_at: Path) -> None:
    """Let other accounts pass through ``folder`` and its parents up to ``stop_at`` (test folders are 0700)."""
    for path in [folder, *folder.parents]:
        os.chmod(path, os.stat(path).st_mode | 0o711)
        if path == stop_at:
            return


class Postgres:
    """A PostgreSQL server for one test run, as the ``postgres`` account; stop it with :meth:`stop`."""

    def __init__(self, base: Path):
        import pwd

        self.bin = postgres_bin()
        self.data, self.sockets = base / "pg-data", base / "pg-socket"
        self.port = free_port()
        account = pwd.getpwnam("postgres")
        for folder, mode in ((self.data, 0o700), (self.sockets, 0o755)):
            folder.mkdir()
            os.chown(folder, account.pw_uid, account.pw_gid)
            os.chmod(folder, mode)
        subprocess.run([str(self.bin / "initdb"), "-D", str(self.data), "--auth-local=peer", "--auth-host=reject",
                        "-U", "postgres"], user="postgres", check=True, capture_output=True)
        self.log = open(base / "postgres.log", "w")
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(self.data), "-k", str(self.sockets), "-p", str(self.port),
             "-c", "listen_addresses="], user="postgres", stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            if self.sql("SELECT 1", check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start: " + (base / "postgres.log").read_text()[-2000:])

    def sql(self, statement: str, database: str = "postgres", check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["psql", "-h", str(self.sockets), "-p", str(self.port), "-d", database, "-At",
                               "-v", "ON_ERROR_STOP=1", "-c", statement],
                              user="postgres", capture_output=True, text=True, check=check)

    def database_for(self, owner: str, name: str) -> str:
        """A database owned by role ``owner`` (the Unix account that logs in); its SQLAlchemy address."""
        self.sql(f'CREATE ROLE "{owner}" LOGIN')
        self.sql(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return f"postgresql+psycopg://{owner}@/{name}?host={self.sockets}&port={self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown: ends open connections
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def account_tag() -> str:
    """A random prefix for throw-away account names (``lt`` and six hex digits)."""
    return "lt" + secrets.token_hex(3)


class Hub:
    """``make hub`` with throw-away accounts (``<tag>-fac``, ``<tag>-<role>``), folders and ports."""

    def __init__(self, base: Path, tag: str, gradebook_url: str = ""):
        self.tag = tag
        self.instructor = f"{tag}-fac"
        self.group = f"{self.tag}-grp"
        self.base = base
        self.prefix = base / "srv"
        self.homes = base / "h"  # short: a Unix socket path must stay under 108 bytes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = base / "hub.log"
        self.log = open(self.log_path, "w")
        env = {**os.environ, "LOSI_HUB_UNIX_GROUP": self.group, "LOSI_HUB_HOME_BASE": str(self.homes),
               "LOSI_HUB_API_PORT": str(free_port()), "LOSI_HUB_PROXY_API_PORT": str(free_port())}
        self.process = subprocess.Popen(
            ["make", "-C", str(REPO), "--no-print-directory", "hub", f"HUB_PREFIX={self.prefix}",
             f"HUB_PORT={self.port}", f"HUB_INSTRUCTOR={self.instructor}", f"GRADEBOOK_URL={gradebook_url}"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def name(self, role: str) -> str:
        return f"{self.tag}-{role}"

    def log_tail(self, chars: int = 4000) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_until_up(self, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make hub exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(1)
        raise RuntimeError(f"the hub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def first_password(self) -> str:
        return (self.prefix / "hub" / f"{self.instructor}-first-password.txt").read_text().strip()

    def account_processes(self) -> list:
        """Processes running as the hub's throw-away accounts (single-user servers, kernels)."""
        import psutil

        return [p for p in psutil.process_iter(["username"]) if (p.info["username"] or "").startswith(self.tag)]

    def stop(self) -> None:
        """Stop the hub (it stops the proxy and the single-user servers), then remove its accounts."""
        import psutil

        pid_file = self.prefix / "hub" / "jupyterhub.pid"
        if self.process.poll() is None:
            hub_pid = int(pid_file.read_text()) if pid_file.is_file() else self.process.pid
            os.kill(hub_pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        leftovers = self.account_processes()
        for process in leftovers:  # only processes of the accounts this test made
            process.kill()
        psutil.wait_procs(leftovers, timeout=10)
        import grp
        import pwd

        for account in pwd.getpwall():
            if account.pw_name.startswith(self.tag + "-"):
                subprocess.run(["userdel", account.pw_name], capture_output=True)
        try:
            grp.getgrnam(self.group)
            subprocess.run(["groupdel", self.group], capture_output=True)
        except KeyError:
            pass
        self.leftovers = leftovers


def _form_xsrf(page: str) -> str:
    match = re.search(r'name="_xsrf" value="([^"]+)"', page)
    assert match, "the page has no _xsrf field"
    return match.group(1)


class Browser:
    """One person's browser on the hub: cookies, forms, and the requests JupyterLab sends."""

    def __init__(self, hub: Hub, name: str):
        import requests

        self.hub, self.name = hub, name
        self.session = requests.Session()
        self.server = f"{hub.url}/user/{name}"

    # -- the hub's pages ---------------------------------------------------------------------
    def sign_up(self, password: str) -> str:
        page = self.session.get(self.hub.url + "/hub/signup").text
        response = self.session.post(self.hub.url + "/hub/signup", data={
            "_xsrf": _form_xsrf(page), "username": self.name,
            "signup_password": password, "signup_password_confirmation": password})
        response.raise_for_status()
        return response.text

    def log_in(self, password: str) -> bool:
        """Submit the login form; True if the hub let the person in."""
        page = self.session.get(self.hub.url + "/hub/login").text
        response = self.session.post(self.hub.url + "/hub/login", allow_redirects=False, data={
            "_xsrf": _form_xsrf(page), "username": self.name, "password": password})
        return response.status_code == 302

    def approve(self, name: str) -> None:
        """The facilitator's "Authorize" button on /hub/authorize."""
        response = self.session.get(f"{self.hub.url}/hub/authorize/{name}", allow_redirects=False)
        assert response.status_code == 302, f"approving {name}: {response.status_code}"

    def _xsrf(self, path: str) -> str:
        cookies = [c for c in self.session.cookies if c.name == "_xsrf" and path.startswith(c.path)]
        return max(cookies, key=lambda c: len(c.path)).value

    def start_server(self, timeout: float = 180) -> None:
        """"Start My Server", wait until it is ready, then open JupyterLab (logs in to the server)."""
        response = self.session.post(f"{self.hub.url}/hub/api/users/{self.name}/server",
                                     headers={"X-XSRFToken": self._xsrf("/hub/")})
        assert response.status_code in (201, 202, 400), response.text  # 400: already running
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.session.get(f"{self.hub.url}/hub/api/users/{self.name}").json()
            if (model.get("servers", {}).get("") or {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"{self.name}'s server did not start:\n{self.hub.log_tail()}")
        lab = self.session.get(self.server + "/lab")
        assert lab.status_code == 200, lab.status_code

    # -- the single-user server ----------------------------------------------------------------
    def get(self, path: str, **kwargs):
        return self.session.get(self.server + path, **kwargs)

    def post(self, path: str, **kwargs):
        headers = {"X-XSRFToken": self._xsrf(f"/user/{self.name}/"), **kwargs.pop("headers", {})}
        return self.session.post(self.server + path, headers=headers, **kwargs)

    def put(self, path: str, **kwargs):
        return self.session.put(self.server + path, headers={"X-XSRFToken": self._xsrf(f"/user/{self.name}/")},
                                **kwargs)

    def ok_json(self, response) -> dict:
        assert response.status_code == 200, f"{response.request.method} {response.url}: {response.status_code}"
        body = response.json()
        if isinstance(body, dict) and body.get("success") is False:
            raise AssertionError(f"{response.url}: {body.get('value') or body.get('log') or body}")
        return body

    def assignment_action(self, action: str, course_id: str, assignment: str) -> dict:
        """The Assignments tab's Fetch / Submit / Fetch Feedback buttons."""
        return self.ok_json(self.post(f"/assignments/{action}",
                                      data={"course_id": course_id, "assignment_id": assignment}))

    def formgrader(self, method: str, path: str, **kwargs) -> dict:
        send = {"GET": self.get, "POST": self.post, "PUT": self.put}[method]
        return self.ok_json(send("/formgrader/api/" + path, **kwargs))

    def save_notebook(self, path: str, notebook) -> None:
        response = self.put(f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": notebook})
        assert response.status_code in (200, 201), response.text

    def read_notebook(self, path: str):
        import nbformat

        model = self.ok_json(self.get(f"/api/contents/{path}", params={"type": "notebook", "content": 1}))
        return nbformat.from_dict(model["content"])

    @contextlib.contextmanager
    def kernel(self, timeout: float = 120):
        """A kernel in the person's server; yields ``run(code) -> output``, as a notebook runs cells.

        The cells go over the kernel's websocket, as JupyterLab sends them; the kernel is shut
        down at the end of the ``with`` block.
        """
        import websocket

        started = self.post("/api/kernels", json={"name": "python3"})
        assert started.status_code == 201, started.text
        kernel = started.json()["id"]
        prefix = f"/user/{self.name}/"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies if prefix.startswith(c.path))
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.hub.port}{prefix}api/kernels/{kernel}/channels",
                                         cookie=cookie, origin=self.hub.url, timeout=timeout)
        try:
            yield lambda code: self._execute(ws, code)
        finally:
            ws.close()
            self.session.delete(f"{self.server}/api/kernels/{kernel}", headers={"X-XSRFToken": self._xsrf(prefix)})

    @staticmethod
    def _execute(ws, code: str) -> str:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "", "session": uuid.uuid4().hex,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        output = []
        while True:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                output.append(message["content"]["text"])
            elif kind == "error":
                output.append(f"{message['content']['ename']}: {message['content']['evalue']}")
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                return "".join(output)
