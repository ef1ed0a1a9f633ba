"""The pieces of the workshop hub that ``jupyterhub_config.py`` puts together.

One JupyterHub on one machine, for a room of participants and their facilitator:

* **accounts**: participants sign up on the hub's sign-up page and the facilitator approves
  them (NativeAuthenticator). The facilitator's own account is made when the hub first starts,
  with a random first password in a file only root can read. Every hub account runs as a Unix
  account of the same name, made on first start and kept in one Unix group, so the hub never
  runs a server as an account it did not make (``root``, ``postgres`` ...);
* **groups** for nbgrader's ``JupyterHubAuthPlugin``: participants are in ``nbgrader-<course>``,
  the facilitator in ``formgrade-<course>`` and ``nbgrader-<course>``;
* **the exchange**: one world-writable folder with the sticky bit, whose course folder is made
  by the hub (so no participant can take its name first) and handed to the facilitator;
* **the facilitator's course folder**: a copy of the course (``nbgrader_config.py``, ``source/``,
  ``release/``) in their home, which is private to them;
* **single-user settings**: the files of ``singleuser/`` are copied into the hub's folder, where
  every account can read them, and given to each server through ``JUPYTER_CONFIG_PATH``.

Everything is set from environment variables (``LOSI_HUB_*``, see :meth:`WorkshopSettings.from_env`),
which ``deploy/jupyterhub/start-hub`` (``make hub``) sets from its make variables.

Example:
    >>> settings = WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "/srv/losi-course"})
    >>> settings.bind_url, str(settings.exchange_root)
    ('http://127.0.0.1:8000/', '/srv/losi-course/exchange')
    >>> check_account_name("amina-k")
    'amina-k'
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from nativeauthenticator import NativeAuthenticator
from traitlets import Unicode

HERE = Path(__file__).resolve().parent
#: Unix account names: lower-case letters, digits and single dashes, starting with a letter.
ACCOUNT_NAME = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,31}$")
#: The parts of the course that the facilitator's copy needs.
COURSE_PARTS = ("nbgrader_config.py", "source", "release")
COURSE_FOLDER = "losi-course"


class WorkshopSetupError(RuntimeError):
    """The hub's settings or the machine cannot run the workshop; the message says what to change."""


def check_account_name(name: str) -> str:
    """``name`` if it can be a hub account and a Unix account, else :class:`WorkshopSetupError`.

    Example:
        >>> check_account_name("Root!")
        Traceback (most recent call last):
        ...
        workshop.WorkshopSetupError: 'Root!' cannot be an account name: use lower-case letters, digits and single dashes, starting with a letter (at most 32 characters).
    """
    if not ACCOUNT_NAME.match(name or ""):
        raise WorkshopSetupError(
            f"{name!r} cannot be an account name: use lower-case letters, digits and single dashes, "
            "starting with a letter (at most 32 characters).")
    return name


def _port(value: str, what: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise WorkshopSetupError(f"{what} must be a port number from 1 to 65535, not {value!r}.")
    return int(value)


@dataclass(frozen=True)
class WorkshopSettings:
    """Where the hub lives and who teaches; built by :meth:`from_env`.

    Example:
        >>> s = WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "/srv/w", "LOSI_HUB_IP": "0.0.0.0",
        ...                                "LOSI_HUB_PUBLIC_URL": "https://workshop.example"})
        >>> s.bind_url, s.public_url, s.home("amina")
        ('http://0.0.0.0:8000/', 'https://workshop.example/', PosixPath('/home/amina'))
    """

    prefix: Path
    ip: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    instructor: str = "facilitator"
    unix_group: str = "losi-workshop"
    home_base: Path = Path("/home")
    hub_api_port: int = 8081
    proxy_api_port: int = 8001
    gradebook_url: str = ""
    course_repo: Path = HERE.parent.parent
    course_id: str = "losi-course"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "WorkshopSettings":
        """Read the ``LOSI_HUB_*`` variables (and ``LOSI_GRADEBOOK_URL``); defaults for the rest.

        ``LOSI_HUB_PREFIX`` is required: the folder holding the hub's environment, state and
        exchange. With ``LOSI_HUB_IP=0.0.0.0`` (every network address) the address that
        participants type must be given as ``LOSI_HUB_PUBLIC_URL``.

        Example:
            >>> WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "/srv/w", "LOSI_HUB_IP": "0.0.0.0"})
            Traceback (most recent call last):
            ...
            workshop.WorkshopSetupError: The hub listens on every address (0.0.0.0): say which address participants type, e.g. HUB_PUBLIC_URL=http://192.0.2.10:8000/
        """
        env = dict(os.environ if env is None else env)
        prefix = env.get("LOSI_HUB_PREFIX", "")
        if not prefix or not os.path.isabs(prefix):
            raise WorkshopSetupError(
                f"LOSI_HUB_PREFIX must be an absolute folder for the hub (e.g. /srv/losi-course), not {prefix!r}.")
        ip = env.get("LOSI_HUB_IP") or "127.0.0.1"
        port = _port(env.get("LOSI_HUB_PORT") or "8000", "LOSI_HUB_PORT")
        public_url = env.get("LOSI_HUB_PUBLIC_URL", "")
        if not public_url:
            if ip in ("0.0.0.0", "::", ""):
                raise WorkshopSetupError(
                    "The hub listens on every address (0.0.0.0): say which address participants type, "
                    f"e.g. HUB_PUBLIC_URL=http://192.0.2.10:{port}/")
            public_url = f"http://{'[' + ip + ']' if ':' in ip else ip}:{port}/"
        if not public_url.endswith("/"):
            public_url += "/"
        repo = Path(env.get("LOSI_COURSE_REPO") or cls.course_repo)
        return cls(
            prefix=Path(prefix), ip=ip, port=port, public_url=public_url,
            instructor=check_account_name(env.get("LOSI_HUB_INSTRUCTOR") or "facilitator"),
            unix_group=check_account_name(env.get("LOSI_HUB_UNIX_GROUP") or "losi-workshop"),
            home_base=Path(env.get("LOSI_HUB_HOME_BASE") or "/home"),
            hub_api_port=_port(env.get("LOSI_HUB_API_PORT") or "8081", "LOSI_HUB_API_PORT"),
            proxy_api_port=_port(env.get("LOSI_HUB_PROXY_API_PORT") or "8001", "LOSI_HUB_PROXY_API_PORT"),
            gradebook_url=env.get("LOSI_GRADEBOOK_URL", ""),
            course_repo=repo,
            course_id=course_id_of(repo),
        )

    # -- the hub's folder ------------------------------------------------------------------
    @property
    def bind_url(self) -> str:
        shown = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"http://{shown}:{self.port}/"

    @property
    def venv(self) -> Path:
        """The Python environment every account runs (the course installed, not editable)."""
        return self.prefix / "venv"

    @property
    def state(self) -> Path:
        """The hub's database, cookie secret and the facilitator's first password (root only)."""
        return self.prefix / "hub"

    @property
    def exchange_root(self) -> Path:
        return self.prefix / "exchange"

    @property
    def singleuser_config(self) -> Path:
        return self.prefix / "config"

    @property
    def password_file(self) -> Path:
        return self.state / f"{self.instructor}-first-password.txt"

    def home(self, name: str) -> Path:
        return self.home_base / name

    def course_root(self) -> Path:
        """The facilitator's course folder (nbgrader's course directory)."""
        return self.home(self.instructor) / COURSE_FOLDER


def course_groups(name: str, instructor: str, course_id: str) -> list[str]:
    """The hub groups of an account, as nbgrader's ``JupyterHubAuthPlugin`` reads them.

    The facilitator grades (``formgrade-``) and, like everyone, takes the course (``nbgrader-``).

    Example:
        >>> course_groups("facilitator", "facilitator", "losi-course")
        ['formgrade-losi-course', 'nbgrader-losi-course']
        >>> course_groups("amina", "facilitator", "losi-course")
        ['nbgrader-losi-course']
    """
    groups = [f"nbgrader-{course_id}"]
    if name == instructor:
        groups.insert(0, f"formgrade-{course_id}")
    return groups


def course_id_of(repo: Path) -> str:
    """The ``CourseDirectory.course_id`` in the course's ``nbgrader_config.py``.

    Example:
        >>> course_id_of(HERE.parent.parent)
        'losi-course'
    """
    from traitlets.config.loader import PyFileConfigLoader

    config_file = Path(repo) / "nbgrader_config.py"
    if not config_file.is_file():
        raise WorkshopSetupError(f"{repo} is not the course folder: it has no nbgrader_config.py.")
    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    course_id = config.CourseDirectory.get("course_id") or ""
    if not course_id:
        raise WorkshopSetupError(f"{config_file} sets no CourseDirectory.course_id.")
    return course_id


# ----------------------------------------------------------------------------- Unix accounts
def _run(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise WorkshopSetupError(f"{' '.join(command)} failed: {result.stderr.strip()}")


def ensure_unix_group(name: str) -> int:
    """The id of the Unix group ``name``, made if missing."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run("groupadd", name)
        return grp.getgrnam(name).gr_gid


def hub_made_account(name: str, group: str) -> bool | None:
    """True if Unix account ``name`` is in the hub's group, False if it is someone else's, None if absent.

    Example:
        >>> hub_made_account("root", "losi-workshop")
        False
    """
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        return None
    try:
        return account.pw_gid == grp.getgrnam(group).gr_gid
    except KeyError:
        return False


def ensure_unix_account(name: str, settings: WorkshopSettings) -> pwd.struct_passwd:
    """The Unix account for hub account ``name``: made on first use, home private (``0700``).

    An existing account outside the hub's group (a system account, a colleague's login) is
    refused, so a participant who signs up as ``postgres`` never gets that account's rights.
    """
    check_account_name(name)
    made = hub_made_account(name, settings.unix_group)
    if made is False:
        raise WorkshopSetupError(
            f"The Unix account {name!r} already exists and was not made by this hub; "
            "this hub account cannot start a server. Sign up with another name.")
    if made is None:
        ensure_unix_group(settings.unix_group)
        settings.home_base.mkdir(parents=True, exist_ok=True)
        _run("useradd", "--create-home", "--base-dir", str(settings.home_base), "--gid", settings.unix_group,
             "--shell", "/bin/bash", "--comment", "LOSI workshop", name)
    account = pwd.getpwnam(name)
    os.chmod(account.pw_dir, 0o700)  # participants never read each other's notebooks
    return account


def _chown_tree(top: Path, account: pwd.struct_passwd) -> None:
    for folder, _dirs, files in os.walk(top):
        os.chown(folder, account.pw_uid, account.pw_gid)
        for name in files:
            os.chown(os.path.join(folder, name), account.pw_uid, account.pw_gid, follow_symlinks=False)


# ----------------------------------------------------------------------------- the hub's folder
def prepare_hub(settings: WorkshopSettings) -> None:
    """Make the hub's folders with their modes, and copy the single-user settings into it.

    ``exchange/`` is world-writable with the sticky bit (as ``/tmp``), and its course folder is
    made here by root, so that only the facilitator (who gets it on first start) can release
    assignments. ``config/`` and ``venv/`` are readable by every account; ``hub/`` by root only.
    """
    settings.prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.prefix, 0o755)
    settings.state.mkdir(exist_ok=True)
    os.chmod(settings.state, 0o700)
    settings.exchange_root.mkdir(exist_ok=True)
    os.chmod(settings.exchange_root, 0o1777)
    course = settings.exchange_root / settings.course_id
    if not course.exists():
        course.mkdir(mode=0o755)
    shutil.copytree(HERE / "singleuser", settings.singleuser_config, dirs_exist_ok=True)
    for folder, _dirs, files in os.walk(settings.singleuser_config):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    ensure_unix_group(settings.unix_group)


def prepare_instructor(settings: WorkshopSettings, account: pwd.struct_passwd) -> Path:
    """Give the facilitator the exchange's course folder and a course folder in their home.

    The copy is made once; it holds the gradebook (with SQLite) and the participants'
    submissions, so later starts never overwrite it.
    """
    exchange_course = settings.exchange_root / settings.course_id
    os.chown(exchange_course, account.pw_uid, account.pw_gid)
    root = settings.course_root()
    if not root.exists():
        root.mkdir()
        for part in COURSE_PARTS:
            source = settings.course_repo / part
            if source.is_dir():
                shutil.copytree(source, root / part,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            else:
                shutil.copy2(source, root / part)
        _chown_tree(root, account)
    return root


def spawner_environment(settings: WorkshopSettings, name: str) -> dict[str, str]:
    """The environment of a single-user server: the course's Python, nbgrader settings, role.

    Participants also read ``config/participant`` (no Formgrader, no Create Assignment); the
    facilitator gets the course folder and, if set, the gradebook address (only they do).

    Example:
        >>> s = WorkshopSettings(prefix=Path("/srv/w"))
        >>> env = spawner_environment(s, "amina")
        >>> env["JUPYTER_CONFIG_PATH"], "LOSI_COURSE_ROOT" in env
        ('/srv/w/config/participant:/srv/w/config/common', False)
        >>> spawner_environment(s, "facilitator")["LOSI_COURSE_ROOT"]
        '/home/facilitator/losi-course'
    """
    config = settings.singleuser_config
    env = {
        "PATH": f"{settings.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "LOSI_COURSE_ID": settings.course_id,
        "LOSI_EXCHANGE_ROOT": str(settings.exchange_root),
        "JUPYTER_CONFIG_PATH": f"{config / 'participant'}:{config / 'common'}",
    }
    if name == settings.instructor:
        env["JUPYTER_CONFIG_PATH"] = str(config / "common")
        env["LOSI_COURSE_ROOT"] = str(settings.course_root())
        if settings.gradebook_url:
            env["LOSI_GRADEBOOK_URL"] = settings.gradebook_url
    return env


def make_pre_spawn_hook(settings: WorkshopSettings):
    """The hub's ``Spawner.pre_spawn_hook``: the Unix account, the course folder, the environment."""

    def pre_spawn_hook(spawner) -> None:
        name = spawner.user.name
        account = ensure_unix_account(name, settings)
        if name == settings.instructor:
            prepare_instructor(settings, account)
        spawner.environment = {**spawner.environment, **spawner_environment(settings, name)}

    return pre_spawn_hook


# ----------------------------------------------------------------------------- sign-up
class WorkshopAuthenticator(NativeAuthenticator):
    """NativeAuthenticator for a workshop: approval by the facilitator, course groups, safe names.

    * names must be valid Unix account names, and not the name of an account on the machine
      that the hub did not make;
    * at login the account's hub groups are set (``manage_groups``) for nbgrader;
    * on first start the facilitator's account is made with a random password written to
      ``first_password_file``, so nobody can sign up under the facilitator's name first.
    """

    instructor = Unicode("facilitator", config=True, help="The facilitator's account name.")
    course_id = Unicode("losi-course", config=True, help="nbgrader's course id.")
    unix_group = Unicode("losi-workshop", config=True, help="The Unix group of the hub's accounts.")
    first_password_file = Unicode("", config=True, help="Where the facilitator's first password is written.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._make_instructor_account()

    def _make_instructor_account(self) -> None:
        if self.user_exists(self.instructor):
            return
        password = secrets.token_urlsafe(12)
        if self.create_user(self.instructor, password) is None:
            raise WorkshopSetupError(f"The facilitator's account {self.instructor!r} could not be made.")
        path = Path(self.first_password_file)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(password + "\n")
        self.log.info("The facilitator's account %r was made; its first password is in %s. "
                      "Log in and change it at /hub/change-password.", self.instructor, path)

    def validate_username(self, username: str) -> bool:
        if not ACCOUNT_NAME.match(username):
            return False
        if hub_made_account(username, self.unix_group) is False:
            return False  # a system account or someone's own login on this machine
        return super().validate_username(username)

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        if name is None:
            return None
        return {"name": name, "groups": course_groups(name, self.instructor, self.course_id)}
