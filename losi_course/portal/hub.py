"""The Velmora portal on a workshop server (JupyterHub), through the participant's own Jupyter server.

On a laptop the portal listens on ``127.0.0.1`` and the browser runs on the same computer. On a
JupyterHub the browser runs on the participant's computer, where ``127.0.0.1`` of the server
cannot be reached. There, :func:`start_hub_portal` serves the portal on a Unix socket in the
participant's private Jupyter runtime folder, and jupyter-server-proxy (the ``velmora`` entry
point in ``pyproject.toml``, :func:`server_proxy_entry`) forwards ``<their server>/velmora/`` to
it. The hub lets only the logged-in participant open that address, so the portal stays as
private as it is on a laptop, and nothing is listening on a network port.

Example:
    >>> env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/amina/",
    ...        "JUPYTERHUB_PUBLIC_URL": "https://workshop.example/user/amina/"}
    >>> on_hub(env), hub_portal_url(env)
    (True, 'https://workshop.example/user/amina/velmora/')
    >>> on_hub({})
    False
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import LosiInputError
from .server import PortalServer, start_portal_socket

__all__ = ["PROXY_NAME", "on_hub", "proxy_available", "hub_portal_url", "portal_socket_path",
           "start_hub_portal", "server_proxy_entry"]

#: The path, under the participant's Jupyter server, where the portal is served on a hub.
PROXY_NAME = "velmora"
_SOCKET_NAME = "velmora.sock"
#: The longest path a Unix socket can have (Linux: 108 bytes with the final zero).
_SOCKET_PATH_MAX = 107


def on_hub(env: Mapping[str, str] | None = None) -> bool:
    """True inside a single-user server started by JupyterHub (it sets ``JUPYTERHUB_SERVICE_PREFIX``).

    Example:
        >>> on_hub({"JUPYTERHUB_SERVICE_PREFIX": "/user/amina/"})
        True
    """
    return bool((os.environ if env is None else env).get("JUPYTERHUB_SERVICE_PREFIX"))


def proxy_available() -> bool:
    """True when jupyter-server-proxy is installed (it forwards ``velmora/`` to the portal).

    Example:
        >>> isinstance(proxy_available(), bool)
        True
    """
    return importlib.util.find_spec("jupyter_server_proxy") is not None


def hub_portal_url(env: Mapping[str, str] | None = None) -> str:
    """The portal's address under the participant's Jupyter server.

    A full address when the hub knows its public address (``JUPYTERHUB_PUBLIC_URL``), else
    the path on the workshop server, e.g. ``/user/amina/velmora/``.

    Example:
        >>> hub_portal_url({"JUPYTERHUB_SERVICE_PREFIX": "/user/amina/"})
        '/user/amina/velmora/'
    """
    env = os.environ if env is None else env
    base = env.get("JUPYTERHUB_PUBLIC_URL") or env.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return base.rstrip("/") + f"/{PROXY_NAME}/"


def portal_socket_path() -> Path:
    """Where the portal's socket lives: the user's own Jupyter runtime folder (private to them).

    The Jupyter server (for the proxy) and the notebook's kernel compute the same path, because
    both run as the same user with the same environment.

    Example:
        >>> portal_socket_path().name
        'velmora.sock'
    """
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / _SOCKET_NAME


def start_hub_portal(env: Mapping[str, str] | None = None) -> PortalServer:
    """Serve the portal for the proxy (on :func:`portal_socket_path`); ``url`` is its hub address.

    The runtime folder is created private (``0700``) if it is missing. A newer call (from
    another notebook of the same participant) takes the address over.

    Example:
        >>> import tempfile
        >>> os.environ["JUPYTER_RUNTIME_DIR"] = tempfile.mkdtemp()
        >>> server = start_hub_portal({"JUPYTERHUB_SERVICE_PREFIX": "/user/amina/"})
        >>> server.url, server.socket_path == portal_socket_path()
        ('/user/amina/velmora/', True)
        >>> server.stop(); del os.environ["JUPYTER_RUNTIME_DIR"]
    """
    path = portal_socket_path()
    if len(os.fsencode(path)) > _SOCKET_PATH_MAX:
        raise LosiInputError(
            f"The portal cannot be served from {path.parent}: the path is too long for a Unix socket "
            f"(at most {_SOCKET_PATH_MAX} bytes). Ask the workshop's facilitator to give home folders a "
            "shorter path, or set JUPYTER_RUNTIME_DIR to a shorter private folder before starting JupyterLab.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return start_portal_socket(path, url=hub_portal_url(env))


def _base_tag_rewriter(prefix: str):
    """A rewrite for the proxy: the 404 page's ``<base href="/">`` becomes the proxied root."""
    proxied_root = prefix.rstrip("/") + f"/{PROXY_NAME}/"

    def rewrite(response):
        if response.code == 404 and b'<base href="/">' in response.body:
            response.body = response.body.replace(b'<base href="/">',
                                                  f'<base href="{proxied_root}">'.encode())
    return rewrite


def server_proxy_entry() -> dict:
    """jupyter-server-proxy's settings for ``velmora/`` (the ``jupyter_serverproxy_servers`` entry point).

    No process is started by the proxy: the notebook's ``open_portal()`` serves the portal on
    the socket, and ``server.stop()`` really stops it. There is no launcher tile, because the
    address is only useful while a notebook serves it.

    Example:
        >>> entry = server_proxy_entry()
        >>> entry["unix_socket"] == str(portal_socket_path()), entry["launcher_entry"]["enabled"]
        (True, False)
    """
    return {
        "unix_socket": str(portal_socket_path()),
        "launcher_entry": {"enabled": False, "title": "Velmora portal (fictional)"},
        "new_browser_tab": True,
        "rewrite_response": _base_tag_rewriter(os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")),
    }
