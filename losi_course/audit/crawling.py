"""Gathering a portal's pages: a bounded crawl from the home page, and the few extra files the checks need.

:func:`collect_site` reads the start page, then (for a live site or a WARC capture) follows
the site's own links breadth first, up to ``policy.max_pages`` pages, links that look like
what LOSI asks about first (a language switcher, contact, privacy...). A saved folder is read
page by page instead. Then it reads what some indicators need: ``robots.txt`` and the XML
sitemap, the home page's own style sheets (for the CSS validator) and, where the site answers
queries, one test search through the home page's search form.

Traps are bounded: a calendar that makes endless ``?month=`` links gives at most
:data:`SAME_PATH_QUERIES` addresses per path, and files that are not pages (PDF, images,
data files) are listed by the links that lead to them, not downloaded. A page met twice under
two addresses (``/`` and ``/index.html``) is read once.

Example:
    >>> choose_search_term("City of Velmora | Home", "Welcome to the City of Velmora")
    'Velmora'
"""

from __future__ import annotations

import hashlib
import heapq
import re
import sys
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..errors import LosiInputError
from .fetching import Fetched, Fetcher, normalise_url, origin_of
from .pagefacts import PageFacts
from .policy import CrawlPolicy

__all__ = ["Site", "SearchTest", "collect_site", "choose_search_term", "Progress", "SAME_PATH_QUERIES"]

SAME_PATH_QUERIES = 5
_NOT_PAGES = re.compile(
    r"\.(pdf|docx?|xlsx?|odt|ods|odp|pptx?|csv|json|geojson|xml|rss|atom|zip|gz|rar|7z|jpe?g|png|gif|svg|webp|"
    r"ico|bmp|tiff?|mp[34]|avi|mov|wmv|webm|ogg|wav|css|js|ics|txt|rdf|ttl|kml|kmz|shp|exe|dmg|apk)$", re.IGNORECASE)
_MAX_STYLESHEETS = 10


@dataclass
class SearchTest:
    """The test search through the home page's search form.

    ``fetched`` is the results page when the search was run; otherwise ``skipped`` says why not
    (no form that can be sent, robots.txt, a saved copy that cannot answer a query...).

    Example:
        >>> SearchTest("Velmora", skipped="the home page has no search box.").fetched is None
        True
    """

    term: str
    url: str | None = None
    fetched: Fetched | None = None
    skipped: str | None = None


@dataclass
class Site:
    """Everything read from one portal, with the facts of each HTML page.

    Example:
        >>> from losi_course.audit.snapshots import open_target
        >>> from losi_course.audit.pagefacts import page_facts
        >>> from losi_course.portal import portal_path
        >>> source = open_target(portal_path() / "help.html")
        >>> site = collect_site(source, CrawlPolicy(), lambda f: page_facts(f.text(), f.url, f.status))
        >>> len(site.pages), site.home_facts.title, site.search.skipped[:26]
        (1, 'Help and frequently asked questions | City of Velmora', 'a saved copy of a site can')
    """

    kind: str
    start_url: str
    home: Fetched
    pages: list[tuple[Fetched, PageFacts]]
    robots: Fetched | None = None
    sitemap: Fetched | None = None
    stylesheets: list[Fetched] = field(default_factory=list)
    search: SearchTest | None = None
    problems: list[str] = field(default_factory=list)
    not_read: int = 0
    answers_queries: bool = True

    @property
    def home_facts(self) -> PageFacts:
        return self.pages[0][1]

    def readable(self) -> list[PageFacts]:
        """Facts of the pages that answered 2xx (the ones the checks judge)."""
        return [facts for fetched, facts in self.pages if fetched.ok]


class Progress:
    """A one-line progress bar on a terminal (nothing elsewhere, so logs stay clean).

    Example:
        >>> import io
        >>> bar = Progress(10, stream=io.StringIO(), enabled=True)
        >>> bar.update(5, "https://a.example/page"); print(bar.stream.getvalue().strip())
        [##########----------]  5/10 pages  a.example/page
    """

    def __init__(self, total: int, stream=None, enabled: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._shown = False

    def update(self, done: int, url: str = "") -> None:
        if not self.enabled:
            return
        filled = int(20 * min(done, self.total) / max(self.total, 1))
        where = url.split("://", 1)[-1][:50]
        clear = "\x1b[K" if self.stream.isatty() else ""  # erase the rest of a longer previous line
        self.stream.write(f"\r[{'#' * filled}{'-' * (20 - filled)}] {done:>2}/{self.total} pages  {where}{clear}")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\n")
            self.stream.flush()


def choose_search_term(title: str | None, heading: str | None = None) -> str:
    """A word for the test search: a word of the home page's title, preferring one that its main
    heading repeats (usually the city's name), then the longest.

    Example:
        >>> choose_search_term("Town of Brenna (fictional)", "Welcome to Brenna")
        'Brenna'
        >>> choose_search_term(None)
        'information'
    """
    words = re.findall(r"[^\W\d_]{4,}", title or "")
    if not words:
        return "information"
    repeated = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", heading or "")}
    return max(words, key=lambda w: (w.casefold() in repeated, len(w)))


def _refuse_start(fetched: Fetched, start_url: str) -> None:
    where = fetched.requested
    if fetched.skipped:
        raise LosiInputError(f"The audit did not read {where}: {fetched.skipped} Ask the site's owner for a "
                             "saved copy, or audit a folder of pages you saved yourself.")
    if fetched.error:
        raise LosiInputError(f"The audit could not read {where}: {fetched.error}")
    if fetched.status is None or fetched.status >= 400:
        raise LosiInputError(f"{where} answered with the HTTP status {fetched.status}, so there is no home page to "
                             "audit. Check the address (it is the portal's home page that the audit starts from).")
    if not fetched.is_html:
        raise LosiInputError(f"{where} is not a web page (it is {fetched.content_type or 'of an unknown type'}): "
                             "give the address, folder or file of the portal's home page.")


def _search_request(home: PageFacts, term: str) -> tuple[str | None, str | None]:
    """(results address, None) for the home page's first GET search form, or (None, why not)."""
    forms = [f for f in home.forms if f.search]
    if not forms:
        if home.search_form:
            return None, ("the search box is not inside a form (it works through scripts), so no test search "
                          "could be sent; try it in a browser.")
        return None, "the home page has no search box."
    form = forms[0]
    if form.method not in ("", "get"):
        return None, "the search form sends with POST, which the audit does not do; try it in a browser."
    if not form.action or not form.action.startswith(("http://", "https://")):
        return None, "the search form has no address to send to."
    params, placed = [], False
    for name, kind, value in form.fields:
        if not name or kind in ("submit", "button", "image", "reset", "checkbox", "radio"):
            continue
        if not placed and kind in ("search", "text", "input", ""):
            params.append((name, term))
            placed = True
        else:
            params.append((name, value))
    if not placed:
        return None, "the search form has no text field to type a word into."
    parts = urlsplit(form.action)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(params), "")), None


def collect_site(source, policy: CrawlPolicy, facts_of, *, prioritise=None, search_term: str | None = None,
                 progress: Progress | None = None) -> Site:
    """Read a portal as described in the module notes; return the :class:`Site`.

    ``facts_of(fetched)`` turns an HTML answer into :class:`PageFacts` (the caller chooses the
    word lists); ``prioritise(link)`` tells which links to follow first. Raises
    :class:`~losi_course.errors.LosiInputError` when the start page itself cannot be read.

    Example:
        >>> from losi_course.audit.snapshots import open_target
        >>> from losi_course.audit.pagefacts import page_facts
        >>> from losi_course.portal import portal_path
        >>> site = collect_site(open_target(portal_path()), CrawlPolicy(max_pages=5),
        ...                     lambda f: page_facts(f.text(), f.url, f.status))
        >>> len(site.pages), site.not_read, site.sitemap.ok
        (5, 52, True)
    """
    fetcher = Fetcher(source.transport, policy)
    try:
        start = fetcher.fetch(source.start_url)
        _refuse_start(start, source.start_url)
        fetcher.allowed_hosts = {urlsplit(start.url).netloc.lower(), urlsplit(start.requested).netloc.lower()}
        home_facts = facts_of(start)
        site = Site(source.kind, source.start_url, start, [(start, home_facts)],
                    answers_queries=source.transport.answers_queries)
        progress = progress or Progress(policy.max_pages, enabled=False)
        progress.update(1, start.url)
        _crawl(source, fetcher, policy, facts_of, prioritise, site, progress)
        progress.close()
        _extras(fetcher, site, search_term)
        return site
    finally:
        fetcher.close()


def _crawl(source, fetcher: Fetcher, policy: CrawlPolicy, facts_of, prioritise, site: Site, progress) -> None:
    seen = {normalise_url(site.home.url), normalise_url(site.home.requested)}
    bodies = {hashlib.sha256(site.home.body).digest()}  # "/" and "/index.html" are one page
    per_path: dict[str, int] = {}
    queue: list[tuple[int, int, int, str]] = []
    counter = 0

    def offer(url: str, depth: int, first: bool) -> None:
        nonlocal counter
        key = normalise_url(url)
        parts = urlsplit(key)
        if key in seen or parts.scheme not in ("http", "https") or _NOT_PAGES.search(parts.path):
            return
        if parts.netloc not in fetcher.allowed_hosts:
            return
        if parts.query:
            path = f"{parts.netloc}{parts.path}"
            per_path[path] = per_path.get(path, 0) + 1
            if per_path[path] > SAME_PATH_QUERIES:
                return
        seen.add(key)
        counter += 1
        heapq.heappush(queue, (depth, 0 if first else 1, counter, url))

    def offer_links(facts: PageFacts, depth: int) -> None:
        for link in facts.links:
            if link.url:
                offer(link.url, depth, bool(prioritise and prioritise(link)))

    if source.follow_links:
        offer_links(site.home_facts, 1)
    else:
        for url in source.seeds:
            offer(url, 1, False)
    while queue:
        if len(site.pages) >= policy.max_pages:
            site.not_read = len(queue)
            break
        depth, _, _, url = heapq.heappop(queue)
        fetched = fetcher.fetch(url)
        if fetched.problem:
            if fetched.skipped and "robots.txt" in fetched.skipped:
                site.problems.append(f"{source.display(url)}: not read, robots.txt asks crawlers not to read it.")
            elif fetched.error:
                site.problems.append(f"{source.display(url)}: {fetched.error}")
            continue
        for _, target in fetched.redirects:
            seen.add(normalise_url(target))
        if not fetched.is_html:
            continue
        digest = hashlib.sha256(fetched.body).digest()
        if fetched.ok and digest in bodies:
            continue
        bodies.add(digest)
        facts = facts_of(fetched)
        site.pages.append((fetched, facts))
        progress.update(len(site.pages), fetched.url)
        if source.follow_links and fetched.ok:
            offer_links(facts, depth + 1)


def _extras(fetcher: Fetcher, site: Site, search_term: str | None) -> None:
    home = site.home_facts
    origin = origin_of(site.home.url)
    site.robots = fetcher.robots(site.home.url)
    from protego import Protego

    candidates = []
    if site.robots is not None and site.robots.ok:
        rules = Protego.parse(site.robots.text())
        candidates = [u for u in rules.sitemaps if urlsplit(u).netloc.lower() in fetcher.allowed_hosts]
    candidates.append(f"{origin}/sitemap.xml")
    for url in candidates[:3]:
        answer = fetcher.fetch(url)
        if answer.ok:
            site.sitemap = answer
            break
        site.sitemap = site.sitemap or answer
    for url in home.stylesheets[:_MAX_STYLESHEETS]:
        if urlsplit(url).netloc.lower() in fetcher.allowed_hosts:
            site.stylesheets.append(fetcher.fetch(url))
    term = search_term or choose_search_term(home.title, home.headings[0] if home.headings else None)
    site.search = SearchTest(term)
    url, why_not = _search_request(home, term)
    site.search.url = url
    if url is None:
        site.search.skipped = why_not
    elif not site.answers_queries:
        site.search.skipped = "a saved copy of a site cannot answer a query, so no test search was run."
    elif urlsplit(url).netloc.lower() not in fetcher.allowed_hosts:
        site.search.skipped = f"the search is run by another site ({urlsplit(url).netloc}), which the audit does not query."
    elif fetcher.disallowed(url):
        site.search.skipped = "the site's robots.txt asks crawlers not to read its search results, so no test search was run."
    else:
        answer = fetcher.fetch(url)
        if answer.problem:
            site.search.skipped = answer.problem
        else:
            site.search.fetched = answer
