"""Running an audit end to end, and capturing a live portal to a WARC file.

:func:`run_audit` reads a target (an address, a saved folder, a page, a WARC), runs the
optional deeper checks that are installed (the W3C validator, the browser checks), and judges
every indicator. :func:`audit_portal` is the same for a notebook, returning a table.
:func:`capture_site` saves what a live audit reads, so it can be repeated offline.

Example:
    >>> from losi_course.portal import portal_path
    >>> result = run_audit(portal_path() / "about.html", validator=False, browser=False)
    >>> result.kind, result["204"].outcome, len(result.indicators)
    ('file', 'met', 95)
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LosiInputError
from .browser import run_browser_checks
from .crawling import Progress, collect_site
from .evidence import Context
from .keywords import load_vocabulary
from .pagefacts import page_facts
from .policy import CrawlPolicy
from .results import AuditResult
from .rules_hints import judge
from .snapshots import RecordingTransport, Source, open_target
from .validator import MarkupReport, validate_documents

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_audit", "audit_portal", "capture_site", "Capture"]

# Links about these are followed first, so a bounded crawl reaches what LOSI asks about.
_PRIORITY_TOPICS = ("contact", "privacy", "accessibility", "sitemap", "faq", "open_data", "consultation",
                    "council", "online_payment", "apply_online", "feedback", "search")


@dataclass
class Capture:
    """A finished capture: the WARC file, the pages read and the responses recorded.

    Example:
        >>> Capture(Path("site.warc.gz"), 12, 15).pages
        12
    """

    path: Path
    pages: int
    records: int


def _policy(max_pages, delay, timeout, max_bytes) -> CrawlPolicy:
    return CrawlPolicy(max_pages=max_pages, delay=delay, timeout=timeout, max_bytes=max_bytes)


def _readers(vocabulary):
    search_words = vocabulary.pattern("search", vocabulary.languages)

    def facts_of(fetched, html: str | None = None):
        return page_facts(fetched.text() if html is None else html, fetched.url, fetched.status,
                          search_words=search_words, networks=vocabulary.networks, truncated=fetched.truncated)

    decided: dict[tuple, bool] = {}  # a menu repeats the same links on every page: judge each once

    def prioritise(link) -> bool:
        key = (link.hreflang, link.lang, link.text)
        if key not in decided:
            decided[key] = bool(link.hreflang or link.lang or vocabulary.language_of_name(link.text or "")
                                or any(vocabulary.find(topic, link.text, vocabulary.languages)
                                       for topic in _PRIORITY_TOPICS))
        return decided[key]

    return facts_of, prioritise


def _deeper_markup(site, wanted: bool) -> MarkupReport:
    if not wanted:
        return MarkupReport({}, problem="the validator was switched off for this audit")
    documents = [("home", "html", site.home.body)]
    documents += [(f"css{n}", "css", sheet.body) for n, sheet in enumerate(site.stylesheets) if sheet.ok]
    return validate_documents(documents)


def _deeper_browser(site, source: Source, facts_of, wanted: bool):
    from .browser import BrowserReport

    if not wanted:
        return BrowserReport(problem="the browser checks were switched off for this audit")
    shells = [fetched.url for fetched, facts in site.pages if facts.needs_browser and fetched.ok]
    # a live site is read by the browser itself; anything else (saved pages, a socket) through
    # the transport that read it
    live = source.kind == "url" and not source.shown_base
    report = run_browser_checks(site.home.url, shells, None if live else source.transport)
    for number, (fetched, facts) in enumerate(site.pages):
        if fetched.url in report.rendered:
            rendered = facts_of(fetched, report.rendered[fetched.url])
            rendered.rendered, rendered.needs_browser = True, True
            site.pages[number] = (fetched, rendered)
    return report


def _notes(site, policy: CrawlPolicy, markup, browser) -> list[str]:
    notes = []
    if markup.problem:
        notes.append(f"W3C validator not run: {markup.problem} (208 and 209 are not assessed).")
    else:
        notes.append(f"W3C validator ({markup.version or 'vnu'}) checked the home page and "
                     f"{sum(1 for s in site.stylesheets if s.ok)} style sheet(s).")
    if browser.problem and not (browser.axe_ran or browser.layout_width):
        notes.append(f"Browser checks not run: {browser.problem}.")
    else:
        ran = ([browser.axe_version] if browser.axe_ran else []) + (["phone layout"] if browser.layout_width else [])
        ran += [f"{len(browser.rendered)} page(s) rendered"] if browser.rendered else []
        notes.append("Browser checks (Chromium): " + ", ".join(ran) + (f"; {browser.problem}" if browser.problem else "") + ".")
    if site.not_read:
        notes.append(f"{site.not_read} more page(s) were linked but not read (limit: {policy.max_pages} pages; "
                     "raise it with --max-pages).")
    shells = sum(1 for _, f in site.pages if f.needs_browser and not f.rendered)
    if shells:
        notes.append(f"{shells} page(s) are script shells that need a browser to show anything; their "
                     "indicators are not assessed from them.")
    return notes


def run_audit(target, *, max_pages: int = 100, delay: float = 1.0, timeout: float = 10.0,
              max_bytes: int = 5_000_000, keywords=None, search_term: str | None = None,
              validator: bool = True, browser: bool = True, progress: bool = False) -> AuditResult:
    """Audit a portal: an ``http(s)://`` address, a folder of saved pages, an ``.html`` file or a WARC.

    The practice portal's running server can be given itself (``run_audit(server)``): it is then
    read wherever it listens, on a workshop server too (see :func:`~losi_course.audit.snapshots.open_target`).

    Live sites are read politely (robots.txt, ``delay`` seconds between requests to a host,
    ``timeout`` and ``max_bytes`` per response, at most ``max_pages`` pages, same host only).
    ``keywords`` is a folder of extra word lists (see :mod:`losi_course.audit.keywords`);
    ``validator`` and ``browser`` switch the deeper checks off; ``progress`` shows a progress
    bar on a terminal. Raises :class:`~losi_course.errors.LosiInputError` when the target
    cannot be audited at all (unreachable, not a page, disallowed by robots.txt...).

    Example:
        >>> from losi_course.portal import start_portal_server
        >>> with start_portal_server() as server:
        ...     result = run_audit(server.url, delay=0, max_pages=3, validator=False, browser=False)
        >>> len(result.pages), result["212"].outcome
        (3, 'met')
    """
    policy = _policy(max_pages, delay, timeout, max_bytes)
    vocabulary = load_vocabulary(keywords)
    source = open_target(target, policy)
    facts_of, prioritise = _readers(vocabulary)
    bar = Progress(policy.max_pages, enabled=None if progress else False)
    site = collect_site(source, policy, facts_of, prioritise=prioritise, search_term=search_term, progress=bar)
    markup = _deeper_markup(site, validator)
    report = _deeper_browser(site, source, facts_of, browser)
    context = Context(site, vocabulary, source.display, facts_of, markup, report)
    indicators = judge(context)
    pages = [dataclasses.replace(facts, url=source.display(facts.url), feeds=[source.display(f) for f in facts.feeds])
             for _, facts in site.pages]
    return AuditResult(source.target, source.kind, pages, indicators, site.problems,
                       _notes(site, policy, markup, report))


def audit_portal(target, sheet: str | os.PathLike | None = None, **options) -> "pd.DataFrame":
    """Audit a portal (see :func:`run_audit` for ``options``) and return one row per indicator.

    With ``sheet``, also write the pre-filled assessment sheet there (.csv, .xlsx or .json),
    ready for ``lc.assessment_form(sheet)``; ``city``, ``country``, ``assessor`` and ``date``
    options go into the sheet.

    Example:
        >>> from losi_course.portal import portal_path
        >>> table = audit_portal(portal_path() / "contact.html", validator=False, browser=False)
        >>> table.set_index("id").loc["214", "outcome"], len(table)
        ('met', 95)
    """
    metadata = {k: options.pop(k) for k in ("city", "country", "assessor", "date") if k in options}
    result = run_audit(target, **options)
    if sheet is not None:
        result.write_sheet(sheet, **metadata)
    return result.to_frame()


def capture_site(url: str, output: str | os.PathLike, *, max_pages: int = 100, delay: float = 1.0,
                 timeout: float = 10.0, max_bytes: int = 5_000_000, keywords=None,
                 search_term: str | None = None, progress: bool = False) -> Capture:
    """Read a live portal as :func:`run_audit` does and save every response to a WARC file.

    ``output`` ends in ``.warc.gz`` (compressed) or ``.warc``. Auditing the file later
    (``run_audit("site.warc.gz")``) replays exactly what was read, offline.

    Example:
        >>> import tempfile
        >>> from losi_course.portal import start_portal_server
        >>> out = Path(tempfile.mkdtemp()) / "velmora.warc.gz"
        >>> with start_portal_server() as server:
        ...     capture = capture_site(server.url, out, delay=0, max_pages=4)
        >>> capture.pages, run_audit(out, validator=False, browser=False)["214"].outcome
        (4, 'met')
    """
    output = Path(output)
    if not output.name.endswith((".warc", ".warc.gz")):
        raise LosiInputError(f"{output}: a capture is a WARC file; give it a name ending in .warc.gz (or .warc).")
    policy = _policy(max_pages, delay, timeout, max_bytes)
    vocabulary = load_vocabulary(keywords)
    source = open_target(url, policy)
    if source.kind != "url":
        raise LosiInputError(f"'{url}' is not a live address: only an http(s):// portal can be captured.")
    source.transport.close()
    recorder = RecordingTransport(policy, output, source.start_url)
    source = Source("url", source.target, source.start_url, recorder)
    facts_of, prioritise = _readers(vocabulary)
    bar = Progress(policy.max_pages, enabled=None if progress else False)
    try:
        site = collect_site(source, policy, facts_of, prioritise=prioritise, search_term=search_term, progress=bar)
    except BaseException:
        recorder.finish(keep=False)
        raise
    recorder.finish(keep=True)
    return Capture(output, len(site.pages), recorder.records)
