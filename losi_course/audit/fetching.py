"""Reading a portal politely: one request at a time, robots.txt respected, every response bounded.

Two layers, so that a live portal, a saved folder and a WARC capture are read by the same code:

* a **transport** answers one request with one :class:`Hop` (status, headers, body) and never
  follows a redirect: :class:`LiveTransport` asks the server over HTTP(S) with httpx;
  :mod:`losi_course.audit.snapshots` has the transports that answer from saved pages;
* the :class:`Fetcher` puts the rules on top: robots.txt (read with protego, per host), the
  delay between two requests to one host, redirects followed one by one (loops and chains
  that are too long are stopped), and nothing fetched from another host unless asked.

A failure never raises: the :class:`Fetched` result carries a one-sentence ``error`` (the host
cannot be reached, the certificate is not valid, the server is too slow...), so one broken page
never stops an audit.

Example:
    >>> hop = Hop("http://127.0.0.1/", 200, {"content-type": "text/html; charset=utf-8"}, b"<p>ol\\xc3\\xa1</p>")
    >>> decode_body(hop.body, hop.headers)
    '<p>olá</p>'
"""

from __future__ import annotations

import codecs
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from .policy import CrawlPolicy

__all__ = ["Hop", "Fetched", "LiveTransport", "Fetcher", "decode_body", "origin_of", "normalise_url",
           "HTML_TYPES"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
_ROBOTS_TOKEN = "losi-course-audit"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


@dataclass
class Hop:
    """One request and its answer, without following redirects.

    ``status`` is None when there was no answer; ``error`` then says why. ``truncated`` is
    True when the body was cut at the size limit.

    Example:
        >>> Hop("http://127.0.0.1:9/", None, error="the server could not be reached.").status is None
        True
    """

    url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    error: str | None = None


@dataclass
class Fetched:
    """A page as the audit got it, after redirects.

    Attributes:
        requested: the address asked for.
        url: the address finally answered (the last redirect's target).
        status: the final HTTP status, or None when nothing answered.
        redirects: ``(status, location)`` of every redirect followed.
        error: why the page could not be read (None when it was).
        skipped: why it was not requested at all (robots.txt, another host...).

    Example:
        >>> Fetched("http://a/", "http://a/", 200, {"content-type": "text/html"}).is_html
        True
    """

    requested: str
    url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    redirects: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case (``"text/html"``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def is_html(self) -> bool:
        """True when the answer is an HTML page (by its type, or by its first bytes if untyped)."""
        if self.content_type in HTML_TYPES:
            return True
        if self.content_type:
            return False
        start = self.body[:512].lstrip().lower()
        return start.startswith((b"<!doctype html", b"<html"))

    def text(self) -> str:
        """The body as text, decoded as :func:`decode_body` does."""
        return decode_body(self.body, self.headers)

    @property
    def problem(self) -> str | None:
        """One sentence on why this page gives nothing to analyse, or None."""
        if self.skipped:
            return f"{self.requested} was not read: {self.skipped}"
        if self.error:
            return f"{self.requested} could not be read: {self.error}"
        return None


def decode_body(body: bytes, headers: dict[str, str]) -> str:
    """Bytes to text: the charset of the headers, else of a ``<meta>``, else UTF-8.

    An unknown charset name or bytes that do not fit it never fail: undecodable bytes become
    U+FFFD, as a browser shows them.

    Example:
        >>> decode_body(b"caf\\xe9", {"content-type": "text/html; charset=latin-1"})
        'café'
        >>> decode_body(b"caf\\xe9", {"content-type": "text/html; charset=no-such-charset"})
        'caf\\ufffd'
    """
    candidates = []
    declared = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", headers.get("content-type", ""), re.IGNORECASE)
    if declared:
        candidates.append(declared.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        if body.startswith(codecs.BOM_UTF8):
            return body.decode("utf-8-sig", errors="replace")
        return body.decode(name, errors="replace")
    return body.decode("utf-8-sig", errors="replace")


def normalise_url(url: str) -> str:
    """An address in one spelling: no fragment, lower-case scheme and host, a path.

    Example:
        >>> normalise_url("HTTP://Example.ORG#top")
        'http://example.org/'
    """
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an address (what robots.txt and the delay apply to).

    Example:
        >>> origin_of("https://www.city.example:8443/a/b?c=1")
        'https://www.city.example:8443'
    """
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _network_error(err: Exception) -> str:
    """One sentence for a failed request, as a person can act on it."""
    import httpx

    cause = err
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
        if isinstance(cause, (ssl.SSLError, socket.gaierror)):
            break
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not valid ({cause.verify_message or 'verification failed'})."
    if isinstance(cause, ssl.SSLError) or "SSL" in str(err):
        return "the secure (TLS) connection failed: the server does not speak HTTPS correctly."
    if isinstance(cause, socket.gaierror) or "Name or service not known" in str(err):
        return "the host name could not be found (check the address, or the computer is offline)."
    if isinstance(err, httpx.TimeoutException):
        return "the server did not answer in time."
    if isinstance(err, httpx.ConnectError):
        return "the server could not be reached (connection refused or no route to it)."
    if isinstance(err, httpx.UnsupportedProtocol):
        return "only http:// and https:// addresses can be read."
    if isinstance(err, (httpx.RemoteProtocolError, httpx.LocalProtocolError)):
        return "the server's answer is not valid HTTP."
    return f"the request failed ({type(err).__name__})."


class LiveTransport:
    """Ask a web server over HTTP(S), one request at a time, without following redirects.

    The body is read in chunks and cut at ``policy.max_bytes``; a response that takes longer
    than ``policy.timeout`` in all (a server that trickles bytes) is abandoned too.

    Example:
        >>> transport = LiveTransport(CrawlPolicy(timeout=2))
        >>> transport.get("ftp://example.org/").error
        'only http:// and https:// addresses can be read.'
        >>> transport.close()
    """

    name = "live"
    respects_robots = True
    answers_queries = True
    polite = True

    def __init__(self, policy: CrawlPolicy, uds: str | None = None):
        import httpx

        self.policy = policy
        # uds: a server on this machine's Unix socket (the practice portal on a workshop server)
        self._client = httpx.Client(
            transport=httpx.HTTPTransport(uds=uds) if uds else None,
            follow_redirects=False, timeout=policy.timeout,
            headers={"User-Agent": policy.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    def get(self, url: str) -> Hop:
        import httpx

        deadline = time.monotonic() + self.policy.timeout
        try:
            with self._client.stream("GET", url) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                chunks, size, truncated = [], 0, False
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.policy.max_bytes:
                        truncated = True
                        break
                    if time.monotonic() > deadline:
                        return Hop(url, None, error="the server took too long to send the page.")
                body = b"".join(chunks)[: self.policy.max_bytes]
                return Hop(url, response.status_code, headers, body, truncated)
        except (httpx.HTTPError, httpx.InvalidURL, ssl.SSLError, OSError, ValueError) as err:
            return Hop(url, None, error=_network_error(err))

    def close(self) -> None:
        self._client.close()


class Fetcher:
    """A transport with the crawl's rules: robots.txt, the delay, redirects, one host.

    ``fetch(url)`` returns a :class:`Fetched` and never raises for a network problem.
    Redirects are followed one by one (each hop is checked against robots.txt and the host
    rule); a redirect loop or a chain longer than ``policy.max_redirects`` is reported as an
    error. ``allowed_hosts`` is the site's host, set after the start page answered.

    Example:
        >>> from losi_course.audit.snapshots import open_target
        >>> from losi_course.portal import portal_path
        >>> fetcher = Fetcher(open_target(portal_path()).transport, CrawlPolicy())
        >>> fetcher.fetch("http://saved-site.invalid/es/").status, fetcher.fetch("http://saved-site.invalid/x").status
        (200, 404)
    """

    def __init__(self, transport, policy: CrawlPolicy):
        self.transport = transport
        self.policy = policy
        self.allowed_hosts: set[str] = set()
        self._robots: dict[str, object] = {}
        self._robots_text: dict[str, Fetched] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests = 0

    # -- robots.txt ---------------------------------------------------------------------
    def robots(self, url: str) -> Fetched | None:
        """The robots.txt answer for the host of ``url`` (fetched once per host)."""
        self._robots_for(url)
        return self._robots_text.get(origin_of(url))

    def _robots_for(self, url: str):
        from protego import Protego

        origin = origin_of(url)
        if origin not in self._robots:
            if not self.transport.respects_robots:
                self._robots[origin] = None
                return None
            hop = self._hop(f"{origin}/robots.txt")
            answer = Fetched(hop.url, hop.url, hop.status, hop.headers, hop.body, hop.truncated, error=hop.error)
            self._robots_text[origin] = answer
            if hop.status is not None and 200 <= hop.status < 300:
                rules = Protego.parse(decode_body(hop.body, hop.headers))
            elif hop.status is not None and 400 <= hop.status < 500:
                rules = None  # no robots.txt: everything is allowed (RFC 9309, 2.3.1.3)
            else:
                # Unreachable or a server error: assume complete disallow (RFC 9309, 2.3.1.4).
                rules = Protego.parse("User-agent: *\nDisallow: /\n")
            self._robots[origin] = rules
        return self._robots[origin]

    def disallowed(self, url: str) -> bool:
        """True when the host's robots.txt forbids the audit to read ``url``."""
        rules = self._robots_for(url)
        return rules is not None and not rules.can_fetch(url, _ROBOTS_TOKEN)

    def _delay_for(self, origin: str) -> float:
        rules = self._robots.get(origin)
        asked = rules.crawl_delay(_ROBOTS_TOKEN) if rules is not None else None
        return max(self.policy.delay, float(asked or 0))

    # -- requests -----------------------------------------------------------------------
    def _hop(self, url: str) -> Hop:
        origin = origin_of(url)
        if self.transport.polite:
            with self._lock:
                wait = self._last_request.get(origin, -1e9) + self._delay_for(origin) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        hop = self.transport.get(url)
        with self._lock:
            self._last_request[origin] = time.monotonic()
            self.requests += 1
        return hop

    def fetch(self, url: str, *, other_host: bool = False) -> Fetched:
        """Read ``url`` (following redirects within the rules); never raises for the network."""
        requested = url
        redirects: list[tuple[int, str]] = []
        seen = {normalise_url(url)}
        while True:
            host = urlsplit(url).netloc.lower()
            if self.allowed_hosts and host not in self.allowed_hosts and not other_host:
                return Fetched(requested, url, None, redirects=redirects,
                               skipped=f"it leads to another host ({host}), and the audit stays on the site.")
            if self.disallowed(url):
                robots = self._robots_text.get(origin_of(url))
                if robots is not None and robots.status is None:  # the host itself cannot be reached
                    return Fetched(requested, url, None, redirects=redirects, error=robots.error)
                if robots is not None and robots.status >= 500:
                    return Fetched(requested, url, None, redirects=redirects,
                                   skipped=f"the site's robots.txt answers with a server error ({robots.status}); "
                                           "crawlers must then read nothing (RFC 9309).")
                return Fetched(requested, url, None, redirects=redirects,
                               skipped="the site's robots.txt asks crawlers not to read it.")
            hop = self._hop(url)
            location = hop.headers.get("location")
            if hop.status in (301, 302, 303, 307, 308) and location:
                target = urljoin(url, location.strip())
                redirects.append((hop.status, target))
                if normalise_url(target) in seen:
                    return Fetched(requested, url, None, redirects=redirects,
                                   error="the server redirects in a loop.")
                if len(redirects) > self.policy.max_redirects:
                    return Fetched(requested, url, None, redirects=redirects,
                                   error=f"the server redirects more than {self.policy.max_redirects} times.")
                seen.add(normalise_url(target))
                url = target
                continue
            return Fetched(requested, hop.url, hop.status, hop.headers, hop.body, hop.truncated,
                           redirects, hop.error)

    def close(self) -> None:
        self.transport.close()
