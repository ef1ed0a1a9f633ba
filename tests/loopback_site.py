"""A web server on 127.0.0.1 for the audit tests: fixture folders, and routes that misbehave on purpose.

``LoopbackSite(folder=..., routes=...)`` serves the files of ``folder`` and, first, the ``routes``:
``{path: answer}`` where an answer is ``(status, headers, body)``, or a function of the query
string that returns one. A body may be an iterable of byte chunks (sent one by one, for huge or
trickling pages). Nothing listens beyond the loopback address, and the server stops at the end of
a ``with`` block.
"""

from __future__ import annotations

import http.server
import mimetypes
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet test output
        pass

    def do_GET(self):  # noqa: N802 - the name http.server calls
        site = self.server.site
        parts = urlsplit(self.path)
        site.requests.append(self.path)
        site.log.append((time.monotonic(), self.path, dict(self.headers)))
        answer = site.routes.get(parts.path)
        if callable(answer):
            answer = answer(parts.query)
        if answer is None and site.folder is not None:
            path = (site.folder / unquote(parts.path).lstrip("/")).resolve()
            if path.is_dir():
                path = path / "index.html"
            if path.is_file() and site.folder in path.parents:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                answer = (200, {"Content-Type": kind + ("; charset=utf-8" if kind.startswith("text/") else "")},
                          path.read_bytes())
        if answer is None:
            answer = (404, {"Content-Type": "text/html; charset=utf-8"}, b"<!DOCTYPE html><title>Not found</title>")
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if isinstance(body, bytes):
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for chunk in body:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what the size and time limits are for
        self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client hanging up early is expected here."""


class LoopbackSite:
    """A running test server; ``url`` is its home address."""

    def __init__(self, folder: Path | None = None, routes: dict | None = None):
        self.folder = Path(folder).resolve() if folder else None
        self.routes = dict(routes or {})
        self.requests: list[str] = []
        self.log: list[tuple[float, str, dict]] = []  # (time, path, request headers)
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.site = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> "LoopbackSite":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
