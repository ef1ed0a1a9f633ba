"""A small HTTP server for the fictional Velmora portal, reachable from this computer only.

Participants can open the portal's files straight from disk, but a real web address makes the
exercise closer to assessing a live portal (and lets browser tools and scripts fetch pages).
The server is the standard library's :class:`http.server.ThreadingHTTPServer` with a few
safeguards:

* it binds to a loopback address only (``127.0.0.0/8``, ``localhost`` or ``::1``), so nobody
  else on the network can reach it;
* it serves nothing outside the site folder (``..`` segments, encoded or not, and symbolic
  links that lead out of the folder answer 404);
* folders without an ``index.html`` answer 404 instead of listing their files;
* unknown paths answer 404 with the site's own "page not found" page; a path with a control
  character (``%00``) or one the system cannot name answers 400, so every request is answered;
* a client that sends nothing for :attr:`_PortalRequestHandler.timeout` seconds, or takes
  longer than :attr:`_PortalRequestHandler.request_deadline` seconds in all (a slow client
  trickling a request byte by byte), is disconnected, so no client holds a thread forever;
* the per-request log lines are silenced.

Example:
    >>> import urllib.request
    >>> with start_portal_server() as server:
    ...     with urllib.request.urlopen(server.url + "about.html") as response:
    ...         response.status, "fictional" in response.read().decode("utf-8")
    (200, True)
"""

from __future__ import annotations

import errno
import http.server
import ipaddress
import os
import socket
import socketserver
import threading
import urllib.parse
from functools import partial
from http import HTTPStatus
from pathlib import Path

from ..errors import LosiInputError

__all__ = ["PortalServer", "start_portal_server", "start_portal_socket", "serve_portal", "check_loopback_host"]

SITE_DIR = Path(__file__).resolve().parent / "site"

# Content types for every kind of file the site ships; text types say they are UTF-8.
_CONTENT_TYPES = {
    "": "application/octet-stream",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
}


def check_loopback_host(host: str) -> tuple[str, int]:
    """Return ``(address, address_family)`` for a loopback *host*, or raise ``ValueError``.

    Accepted: ``"localhost"``, any IPv4 address in ``127.0.0.0/8`` and ``"::1"`` (also written
    ``"[::1]"``). Anything else, including ``"0.0.0.0"`` and the machine's network address, is
    refused, because the practice portal must not be reachable from other computers.

    Example:
        >>> check_loopback_host("localhost")[0]
        '127.0.0.1'
        >>> check_loopback_host("0.0.0.0")
        Traceback (most recent call last):
        ...
        ValueError: The portal must only be reachable from this computer, so host must be a loopback address ('127.0.0.1', 'localhost' or '::1'), not '0.0.0.0'.
    """
    name = str(host).strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.lower() == "localhost":
        return "127.0.0.1", socket.AF_INET
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(
            "The portal must only be reachable from this computer, so host must be a loopback "
            f"address ('127.0.0.1', 'localhost' or '::1'), not {host!r}."
        )
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return str(address), family


class _PortalRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the site folder read-only, with no listings, no escapes and no log lines."""

    server_version = "VelmoraPortal/1.0"
    sys_version = ""
    extensions_map = _CONTENT_TYPES
    #: Seconds a connection may stay silent (the socket timeout of every read and write).
    timeout = 20
    #: Seconds a connection may last in all, however busy (one request per connection).
    request_deadline = 60.0

    def setup(self):
        super().setup()
        # The socket timeout bounds each wait; this bounds the whole exchange.
        self._deadline = threading.Timer(self.request_deadline, self._disconnect)
        self._deadline.daemon = True
        self._deadline.start()

    def finish(self):
        self._deadline.cancel()
        try:
            super().finish()
        except OSError:
            pass  # the client went away, or was disconnected

    def _disconnect(self):
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        """Stay quiet: no line per request."""

    def end_headers(self):
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def _inside_site(self, path: str) -> bool:
        root = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        return real == root or real.startswith(root + os.sep)

    def send_head(self):
        wanted = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0], errors="surrogatepass")
        if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in wanted):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request: the address holds a control character")
            return None
        try:
            return self._send_file_head()
        except (OSError, ValueError):  # a name the file system refuses: there is no such page
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None

    def _send_file_head(self):
        path = self.translate_path(self.path)
        if not self._inside_site(path):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) and not os.path.isfile(os.path.join(path, "index.html")):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):
        """Never list a folder's files."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory, "404.html")
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", _CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _PortalHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # On Windows SO_REUSEADDR would let two servers share a port; elsewhere it only skips TIME_WAIT.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address, handler, family):
        self.address_family = family
        super().__init__(address, handler)

    def server_bind(self):
        # Skip HTTPServer.server_bind's reverse DNS lookup (slow or hanging on some offline machines).
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def handle_error(self, request, client_address):
        """A browser closing a connection early is normal; keep the console clean."""


class _PortalUnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The same handler on a Unix socket (a file only its owner can open), for a JupyterHub proxy."""

    daemon_threads = True
    server_name = "localhost"
    server_port = 0

    def handle_error(self, request, client_address):
        """A browser closing a connection early is normal; keep the console clean."""


class PortalServer:
    """A running portal server; stop it with :meth:`stop` or use it in a ``with`` block.

    Attributes:
        url: the address of the home page, e.g. ``"http://127.0.0.1:54321/"``.
        host: the loopback address the server listens on.
        port: the port it listens on.
        socket_path: the Unix socket it listens on instead, or None
            (see :func:`start_portal_socket`).

    Example:
        >>> server = start_portal_server()
        >>> server.url == f"http://127.0.0.1:{server.port}/"
        True
        >>> server.stop()
        >>> server.running
        False
    """

    def __init__(self, httpd: _PortalHTTPServer, thread: threading.Thread, url: str | None = None):
        self._httpd = httpd
        self._thread = thread
        self.socket_path: Path | None = None
        self._socket_inode = None
        if isinstance(httpd, _PortalUnixServer):
            self.socket_path = Path(httpd.server_address)
            self._socket_inode = self.socket_path.stat().st_ino
            self.host, self.port = "localhost", 0
            self.url = url or f"http+unix://{self.socket_path}/"
            return
        self.host = httpd.server_address[0]
        self.port = int(httpd.server_address[1])
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = url or f"http://{shown}:{self.port}/"

    @property
    def running(self) -> bool:
        """True until :meth:`stop` has been called (or the serving thread has ended)."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and free the port; calling it twice is harmless."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()
        if self.socket_path is not None:
            # Remove the socket file only if it is still ours (a newer server may have replaced it).
            try:
                if self.socket_path.stat().st_ino == self._socket_inode:
                    self.socket_path.unlink()
            except FileNotFoundError:
                pass

    def wait(self, poll_seconds: float = 0.5) -> None:
        """Block until the server stops; Ctrl+C raises ``KeyboardInterrupt`` here."""
        while self._thread.is_alive():
            self._thread.join(timeout=poll_seconds)

    def __enter__(self) -> "PortalServer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<PortalServer {self.url} ({state})>"


def _start(directory: Path, port: int, host: str) -> PortalServer:
    address, family = check_loopback_host(host)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(
            f"port must be a whole number from 0 to 65535 (0 picks a free port), not {port!r}."
        )
    handler = partial(_PortalRequestHandler, directory=str(directory))
    try:
        httpd = _PortalHTTPServer((address, port), handler, family)
    except OSError as err:
        if err.errno in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1)):
            reason = "is already in use" if err.errno != errno.EACCES else "needs special rights"
            raise LosiInputError(
                f"Port {port} on {address} {reason}. Choose another port, for example "
                f"`losi-course portal serve --port {port + 1 if port < 65535 else 8000}` "
                "(or port=0 in Python to pick a free one)."
            ) from err
        raise
    return _serve_in_thread(httpd, f"velmora-portal-{httpd.server_address[1]}")


def _serve_in_thread(httpd, name: str, url: str | None = None) -> PortalServer:
    # A short poll interval makes stop() return quickly; the idle cost is negligible.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True)
    thread.start()
    return PortalServer(httpd, thread, url)


def start_portal_socket(path: str | os.PathLike, url: str | None = None) -> PortalServer:
    """Serve the Velmora portal on the Unix socket ``path`` (for a proxy on the same machine).

    On a workshop server (JupyterHub) a participant's browser cannot reach ``127.0.0.1`` of the
    server; the participant's own Jupyter server forwards its ``velmora/`` address to this
    socket instead (see :mod:`losi_course.portal.hub`). The socket file is readable and
    writable by its owner only, and it replaces a stale socket left at ``path``. ``url`` is
    the address a browser uses (kept as the server's ``url``).

    Example:
        >>> import http.client, socket, tempfile
        >>> path = Path(tempfile.mkdtemp()) / "portal.sock"
        >>> server = start_portal_socket(path, url="https://hub.example/user/amina/velmora/")
        >>> client = http.client.HTTPConnection("localhost")
        >>> client.sock = socket.socket(socket.AF_UNIX); client.sock.connect(str(path))
        >>> client.request("GET", "/about.html"); client.getresponse().status
        200
        >>> server.url, oct(path.stat().st_mode & 0o777)
        ('https://hub.example/user/amina/velmora/', '0o600')
        >>> server.stop(); path.exists()
        False
    """
    path = Path(path)
    if path.is_socket():
        path.unlink()  # left by a kernel that ended without stopping its server
    handler = partial(_PortalRequestHandler, directory=str(SITE_DIR))
    httpd = _PortalUnixServer(str(path), handler)
    os.chmod(path, 0o600)  # only its owner can connect (its folder should be private too)
    return _serve_in_thread(httpd, f"velmora-portal-{path.name}", url)


def start_portal_server(port: int = 0, host: str = "127.0.0.1") -> PortalServer:
    """Start serving the Velmora portal in a background thread and return at once.

    Args:
        port: the port to listen on; ``0`` (the default) lets the system pick a free one.
        host: a loopback address (``"127.0.0.1"``, ``"localhost"`` or ``"::1"``). Any other
            address raises ``ValueError``: the portal must stay private to this computer.

    Returns:
        A :class:`PortalServer` with ``.url``, ``.port`` and ``.stop()``; it also works as a
        context manager that stops the server at the end of the ``with`` block.

    Raises:
        ValueError: *host* is not a loopback address, or *port* is out of range.
        losi_course.errors.LosiInputError: the port is already in use.

    Example:
        >>> import urllib.request
        >>> with start_portal_server() as server, urllib.request.urlopen(server.url) as response:
        ...     page = response.read().decode("utf-8")
        >>> "Welcome to the City of Velmora" in page
        True
    """
    return _start(SITE_DIR, port, host)


def serve_portal(port: int = 8000, host: str = "127.0.0.1") -> None:
    """Serve the Velmora portal until Ctrl+C is pressed (this call blocks).

    Prints the address to open in a browser, then serves until interrupted, and stops cleanly.
    This is what ``losi-course portal serve [--port N]`` runs.

    Raises:
        ValueError: *host* is not a loopback address.
        losi_course.errors.LosiInputError: the port is already in use (the message suggests
            ``--port``).

    Example (not run here, because it waits for Ctrl+C)::

        >>> serve_portal(port=8000)  # doctest: +SKIP
        The fictional Velmora portal is at http://127.0.0.1:8000/ - press Ctrl+C to stop.
    """
    server = start_portal_server(port=port, host=host)
    try:  # Ctrl+C may come as soon as the address is shown, even before print returns
        print(f"The fictional Velmora portal is at {server.url} - press Ctrl+C to stop.", flush=True)
        server.wait()
    except KeyboardInterrupt:
        print("\nStopping the Velmora portal. Goodbye!", flush=True)
    finally:
        server.stop()
