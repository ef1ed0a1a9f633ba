"""What an audit can read: a live address, a saved folder, one saved page, or a WARC capture.

:func:`open_target` turns what the user typed into a :class:`Source`: a start address and a
transport that answers requests (see :mod:`losi_course.audit.fetching`). Saved pages are
answered by transports with the same interface as the live one, so the same crawl and the same
checks run on all four:

* :class:`FolderTransport` serves a folder of saved pages under the reserved address
  ``http://saved-site.invalid/`` (``.invalid`` never resolves, so nothing can leak out);
* :class:`WarcTransport` replays a WARC file (every response with its status and headers);
* :class:`RecordingTransport` wraps the live transport and writes every request and response
  to a WARC (``losi-course audit capture URL -o site.warc.gz``), so an audit can be repeated
  offline and checked by someone else.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "index.html").write_text("<title>Home</title>")
    >>> source = open_target(folder)
    >>> source.kind, source.start_url, source.display(source.start_url)
    ('folder', 'http://saved-site.invalid/index.html', 'index.html')
"""

from __future__ import annotations

import mimetypes
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..version import __version__
from ..errors import LosiInputError
from .fetching import Hop, LiveTransport, normalise_url
from .policy import CrawlPolicy

__all__ = ["Source", "open_target", "FolderTransport", "WarcTransport", "RecordingTransport",
           "SAVED_SITE", "WARC_SUFFIXES", "HTML_SUFFIXES"]

SAVED_SITE = "http://saved-site.invalid/"
_SOCKET_SITE = "http://localhost/"  # the name sent to a server on a Unix socket (any would do)
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_MAX_SAVED_PAGES = 5000
_WARC_TOTAL_BYTES = 400_000_000  # a capture bigger than this is read only up to here
_DROPPED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


@dataclass
class Source:
    """A target ready to be read: where to start and who answers.

    Attributes:
        kind: ``"url"``, ``"folder"``, ``"file"`` or ``"warc"``.
        target: what the user gave, as text.
        start_url: the first address to read.
        transport: answers requests (live, folder or WARC).
        seeds: further pages to read whatever links say (every page of a saved folder).
        follow_links: whether pages are found by following links (a crawl).
        shown_base: for a server read through a local socket, the address people use for it
            (its ``start_url`` is shown as this).

    Example:
        >>> Source("url", "https://city.example", "https://city.example/", None).display("https://city.example/a")
        'https://city.example/a'
    """

    kind: str
    target: str
    start_url: str
    transport: object
    seeds: list[str] = field(default_factory=list)
    follow_links: bool = True
    shown_base: str | None = None

    def display(self, url: str) -> str:
        """How to show an address to a person: saved pages by their path in the folder."""
        if url.startswith(SAVED_SITE):
            return unquote(url[len(SAVED_SITE):]) or "index.html"
        if self.shown_base and url.startswith(self.start_url):
            return self.shown_base + url[len(self.start_url):]
        return url


# ----------------------------------------------------------------------------- saved folder
def _content_type(path: Path) -> str:
    if path.suffix.lower() in HTML_SUFFIXES:
        return "text/html"
    guessed = mimetypes.guess_type(path.name)[0]
    return guessed or "application/octet-stream"


class FolderTransport:
    """Answer requests for ``http://saved-site.invalid/PATH`` from the files of a folder.

    Paths that leave the folder (``..``, links out of it) answer 404, like missing files; a
    folder answers with its ``index.html``. A saved file cannot answer a query, so a test
    search is not run on it (``answers_queries`` is False).

    Example:
        >>> from losi_course.portal import portal_path
        >>> transport = FolderTransport(portal_path(), CrawlPolicy())
        >>> transport.get(SAVED_SITE + "government/").status, transport.get(SAVED_SITE + "../pyproject.toml").status
        (200, 404)
    """

    name = "saved folder"
    respects_robots = False  # reading files on one's own disk is not crawling a server
    answers_queries = False
    polite = False

    def __init__(self, root: Path, policy: CrawlPolicy):
        self.root = Path(root).resolve()
        self.policy = policy

    def url_of(self, path: Path) -> str:
        return SAVED_SITE + quote(Path(path).resolve().relative_to(self.root).as_posix())

    def path_of(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != SAVED_SITE:
            return None
        path = (self.root / unquote(parts.path).lstrip("/")).resolve()
        if path != self.root and self.root not in path.parents:
            return None
        if path.is_dir():
            path = path / "index.html"
        return path if path.is_file() else None

    def get(self, url: str) -> Hop:
        path = self.path_of(url)
        if path is None:
            return Hop(url, 404, {"content-type": "text/plain"}, b"")
        try:
            with path.open("rb") as handle:
                body = handle.read(self.policy.max_bytes + 1)
        except OSError as err:
            return Hop(url, None, error=f"the saved file cannot be read ({err.strerror or err}).")
        truncated = len(body) > self.policy.max_bytes
        return Hop(url, 200, {"content-type": _content_type(path)}, body[: self.policy.max_bytes], truncated)

    def pages(self) -> list[str]:
        """Addresses of the saved HTML pages, ``index.html`` first, then in path order."""
        found = []
        for folder, subfolders, files in os.walk(self.root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(HTML_SUFFIXES):
                    found.append(Path(folder, name))
                    if len(found) >= _MAX_SAVED_PAGES:
                        break
        home = self.root / "index.html"
        found.sort(key=lambda p: (p != home, p.relative_to(self.root).as_posix()))
        return [self.url_of(p) for p in found]

    def close(self) -> None:
        """Nothing to release."""


# ----------------------------------------------------------------------------- WARC
class WarcTransport:
    """Replay the responses of a WARC file (the first response for each address wins).

    A missing ``robots.txt`` answers 404 (no rules), so a capture made by another tool, which
    may not hold one, is read as it was captured.

    Example:
        >>> import tempfile
        >>> WarcTransport(Path(tempfile.mkdtemp()) / "missing.warc", CrawlPolicy())
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: ...missing.warc cannot be read as a WARC file (FileNotFoundError: ...); it may be damaged or cut short.
    """

    name = "WARC capture"
    respects_robots = True
    answers_queries = True
    polite = False

    def __init__(self, path: Path, policy: CrawlPolicy):
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        self.path = Path(path)
        self.policy = policy
        self.start_url: str | None = None
        self._records: dict[str, Hop] = {}
        first_html = None
        total = 0
        try:
            with self.path.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type == "warcinfo" and self.start_url is None:
                        self.start_url = _warcinfo_start(record.content_stream().read(65536))
                        continue
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
                    if not uri.startswith(("http://", "https://")):
                        continue
                    key = normalise_url(uri)
                    body = record.content_stream().read(policy.max_bytes + 1)
                    total += len(body)
                    if key in self._records:
                        continue
                    headers = {k.lower(): v for k, v in record.http_headers.headers}
                    status = int(record.http_headers.get_statuscode() or 0) or None
                    truncated = len(body) > policy.max_bytes or bool(record.rec_headers.get_header("WARC-Truncated"))
                    self._records[key] = Hop(uri, status, headers, body[: policy.max_bytes], truncated)
                    if first_html is None and status == 200 and "html" in headers.get("content-type", ""):
                        first_html = uri
                    if total > _WARC_TOTAL_BYTES or len(self._records) >= _MAX_SAVED_PAGES * 4:
                        break
        except ArchiveLoadFailed as err:
            raise LosiInputError(f"{self.path} is not a readable WARC file ({err.msg}). Make one with "
                                 "'losi-course audit capture URL -o site.warc.gz'.") from None
        except (OSError, EOFError, ValueError) as err:
            raise LosiInputError(f"{self.path} cannot be read as a WARC file ({type(err).__name__}: {err}); "
                                 "it may be damaged or cut short.") from None
        self.start_url = self.start_url or first_html
        if not self.start_url:
            raise LosiInputError(f"{self.path} holds no web page: a WARC capture needs at least one HTML response.")

    def get(self, url: str) -> Hop:
        hop = self._records.get(normalise_url(url))
        if hop is not None:
            return Hop(url, hop.status, dict(hop.headers), hop.body, hop.truncated)
        if urlsplit(url).path == "/robots.txt":
            return Hop(url, 404, {"content-type": "text/plain"}, b"")
        return Hop(url, None, error="the capture does not hold this address.")

    def close(self) -> None:
        """Nothing to release (the file was read when the transport was made)."""


def _warcinfo_start(payload: bytes) -> str | None:
    for line in payload.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "start-url" and value.strip():
            return value.strip()
    return None


class RecordingTransport:
    """A live transport that also writes every answer to a WARC file.

    The file is written under a temporary name and takes its final name on :meth:`close`, so an
    interrupted capture never leaves half a WARC in its place (:meth:`finish`). Bodies are stored as decoded
    (``Content-Encoding`` dropped, ``Content-Length`` set to what is stored); a body cut at the
    size limit carries ``WARC-Truncated: length``.

    Example (see :func:`losi_course.audit.run.capture_site`, which uses it)::

        >>> recorder = RecordingTransport(CrawlPolicy(), Path("site.warc.gz"), "https://city.example/")  # doctest: +SKIP
        >>> recorder.get("https://city.example/").status; recorder.finish()  # doctest: +SKIP
        200
    """

    name = "live (recording)"
    respects_robots = True
    answers_queries = True
    polite = True

    def __init__(self, policy: CrawlPolicy, output: Path, start_url: str):
        from warcio.warcwriter import WARCWriter

        self.output = Path(output)
        self.output.parent.mkdir(parents=True, exist_ok=True)
        handle, self._temporary = tempfile.mkstemp(prefix=f".{self.output.name}.", suffix=".tmp",
                                                   dir=self.output.parent)
        self._stream = os.fdopen(handle, "wb")
        self._writer = WARCWriter(self._stream, gzip=self.output.name.endswith(".gz"))
        self._live = LiveTransport(policy)
        self.records = 0
        info = {"software": f"losi-course {__version__} (portal pre-check)", "format": "WARC File Format 1.0",
                "start-url": start_url, "captured": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self._writer.write_record(self._writer.create_warcinfo_record(self.output.name, info))

    def get(self, url: str) -> Hop:
        from io import BytesIO

        from warcio.statusandheaders import StatusAndHeaders

        hop = self._live.get(url)
        if hop.status is None:
            return hop
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = StatusAndHeaders(f"GET {target} HTTP/1.1",
                                   [("Host", parts.netloc), ("User-Agent", self._live.policy.user_agent)],
                                   is_http_request=True)
        headers = [(k, v) for k, v in hop.headers.items() if k not in _DROPPED_HEADERS]
        headers.append(("content-length", str(len(hop.body))))
        status = StatusAndHeaders(f"{hop.status} {_reason(hop.status)}", headers, protocol="HTTP/1.1")
        extra = {"WARC-Truncated": "length"} if hop.truncated else None
        response = self._writer.create_warc_record(url, "response", payload=BytesIO(hop.body),
                                                   length=len(hop.body), http_headers=status,
                                                   warc_headers_dict=extra)
        self._writer.write_request_response_pair(
            self._writer.create_warc_record(url, "request", http_headers=request), response)
        self.records += 1
        return hop

    def close(self) -> None:
        """End the connections (the crawl is over); the file is finished by :meth:`finish`."""
        self._live.close()

    def finish(self, keep: bool = True) -> None:
        """Finish the file and give it its name (``keep=False`` throws it away)."""
        self._live.close()
        if self._stream.closed:
            return
        self._stream.close()
        if keep:
            os.replace(self._temporary, self.output)
        else:
            Path(self._temporary).unlink(missing_ok=True)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


# ----------------------------------------------------------------------------- targets
def _saved_folder_root(folder: Path) -> Path:
    if (folder / "index.html").is_file():
        return folder
    inner = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    # A mirror made by wget keeps the pages in a folder named after the host.
    if len(inner) == 1 and (inner[0] / "index.html").is_file():
        return inner[0]
    return folder


def open_target(target, policy: CrawlPolicy | None = None) -> Source:
    """Recognise a target: an ``http(s)://`` address, a folder, an ``.html`` file or a WARC.

    A running server object (with ``url`` and ``socket_path``, as the practice portal's
    server has) is read at its ``url``, or through its Unix socket when it has one (on a
    workshop server the portal listens on a private socket, and its ``url`` is the address
    for the participant's browser).

    Raises :class:`~losi_course.errors.LosiInputError` with what to type instead when the
    target is none of these.

    Example:
        >>> open_target("https://www.city.example").kind
        'url'
        >>> open_target("www.city.example")
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: 'www.city.example' is not a web address, a folder or a file. For a live portal write the whole address, e.g. https://www.city.example
    """
    policy = policy or CrawlPolicy()
    if hasattr(target, "url") and hasattr(target, "socket_path"):
        if target.socket_path is None:
            target = target.url
        else:
            return Source("url", str(target.url), _SOCKET_SITE, LiveTransport(policy, uds=str(target.socket_path)),
                          shown_base=str(target.url))
    text = str(target).strip()
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme not in ("http", "https") or not urlsplit(text).netloc:
            raise LosiInputError(f"'{text}' is not a web address the audit can read: use an http:// or "
                                 "https:// address, a folder of saved pages, an .html file or a WARC file.")
        return Source("url", text, normalise_url(text), LiveTransport(policy))
    path = Path(os.path.expanduser(text))
    if not path.exists():
        hint = f" For a live portal write the whole address, e.g. https://{text}" if "." in text and "/" not in text else ""
        raise LosiInputError(f"'{text}' is not a web address, a folder or a file.{hint}")
    if path.is_dir():
        root = _saved_folder_root(path)
        transport = FolderTransport(root, policy)
        pages = transport.pages()
        if not pages:
            raise LosiInputError(f"The folder {path} holds no saved web page (.html or .htm file).")
        return Source("folder", text, pages[0], transport, seeds=pages[1:policy.max_pages], follow_links=False)
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        transport = WarcTransport(path, policy)
        return Source("warc", text, normalise_url(transport.start_url), transport)
    if name.endswith(HTML_SUFFIXES):
        transport = FolderTransport(path.parent, policy)
        return Source("file", text, transport.url_of(path), transport, follow_links=False)
    raise LosiInputError(f"{path} is not a web page or a capture: give a folder of saved pages, an .html file, "
                         "a .warc or .warc.gz file, or an http(s) address.")
