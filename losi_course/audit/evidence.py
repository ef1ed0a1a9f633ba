"""Outcomes and evidence: what each indicator rule returns, and the search for candidate evidence.

An indicator's outcome is one of :data:`OUTCOMES`:

* ``met`` / ``not_met``: decided by the machine, with the evidence it rests on;
* ``review``: evidence was found, a person must confirm it;
* ``not_assessed``: nothing a machine can say (a person's judgement, a page that needs a
  browser, a check whose tool is not installed, or no candidate found).

The binary LOSI value is taken only from ``met`` (1) and ``not_met`` (0).

:class:`Context` is what every rule reads: the pages and their facts, the word lists, and the
results of the optional deeper checks. Its :meth:`Context.candidates` finds the links,
buttons, headings and titles that mention a topic, in the language of each page.

Example:
    >>> Evidence("index.html", 'link "Privacy" -> privacy.html').to_dict()
    {'url': 'index.html', 'snippet': 'link "Privacy" -> privacy.html'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .crawling import Site
from .keywords import Vocabulary, fold
from .pagefacts import PageFacts

__all__ = ["MET", "NOT_MET", "REVIEW", "NOT_ASSESSED", "OUTCOMES", "Evidence", "Verdict", "IndicatorResult",
           "Context", "MAX_EVIDENCE", "short", "unique"]

MET, NOT_MET, REVIEW, NOT_ASSESSED = "met", "not_met", "review", "not_assessed"
OUTCOMES = (MET, NOT_MET, REVIEW, NOT_ASSESSED)
MAX_EVIDENCE = 5
_SNIPPET = 160


def short(text: str, size: int = _SNIPPET) -> str:
    """Text in one line, cut to ``size`` characters with an ellipsis.

    Example:
        >>> short("A  very   long sentence", 10)
        'A very lo…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def unique(evidence) -> list:
    """Evidence with each snippet once (the same footer link is on every page: keep the first).

    Example:
        >>> unique([Evidence("a", "x"), Evidence("b", "x"), Evidence("b", "y")])
        [Evidence(url='a', snippet='x'), Evidence(url='b', snippet='y')]
    """
    kept, seen = [], set()
    for item in evidence:
        if item.snippet not in seen:
            seen.add(item.snippet)
            kept.append(item)
    return kept


@dataclass(frozen=True)
class Evidence:
    """Where something was seen (a page address or path) and a short snippet of it.

    Example:
        >>> Evidence("contact.html", "a contact form").url
        'contact.html'
    """

    url: str
    snippet: str

    def to_dict(self) -> dict:
        return {"url": self.url, "snippet": self.snippet}


@dataclass
class Verdict:
    """What a rule decides: an outcome, its evidence and the one sentence of method.

    Example:
        >>> Verdict(NOT_ASSESSED, [], "Only a person can judge it.").outcome
        'not_assessed'
    """

    outcome: str
    evidence: list[Evidence]
    method: str


@dataclass
class IndicatorResult:
    """One indicator's result in an audit.

    Example:
        >>> r = IndicatorResult("206", "Search function on the homepage", "E-Government Literacy", "AUTO",
        ...                     "review", [Evidence("index.html", "search box")], "Looked for a search box.")
        >>> r.value, r.to_dict()["outcome"]
        (None, 'review')
    """

    id: str
    label: str
    criterion: str
    tier: str
    outcome: str
    evidence: list[Evidence]
    method: str

    @property
    def value(self) -> int | None:
        """The LOSI value the machine gives: 1 (met), 0 (not met) or None (a person decides)."""
        return {MET: 1, NOT_MET: 0}.get(self.outcome)

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "tier": self.tier, "outcome": self.outcome,
                "evidence": [e.to_dict() for e in self.evidence], "method": self.method}


def _href_words(url: str | None) -> str:
    """The words of an address's path and query ("/privacy-policy" -> "privacy policy")."""
    if not url or url.startswith(("mailto:", "tel:")):
        return ""
    parts = urlsplit(url)
    return " ".join(re.split(r"[\W_]+", unquote(f"{parts.path} {parts.query}"))).strip()


@dataclass
class Context:
    """What the rules read (see the module notes).

    Example:
        >>> from losi_course.audit.crawling import collect_site
        >>> from losi_course.audit.keywords import load_vocabulary
        >>> from losi_course.audit.pagefacts import page_facts
        >>> from losi_course.audit.policy import CrawlPolicy
        >>> from losi_course.audit.snapshots import open_target
        >>> from losi_course.portal import portal_path
        >>> source = open_target(portal_path() / "privacy.html")
        >>> read = lambda f: page_facts(f.text(), f.url, f.status)
        >>> context = Context(collect_site(source, CrawlPolicy(), read), load_vocabulary(), source.display, read)
        >>> context.candidates("privacy", limit=1)
        [Evidence(url='privacy.html', snippet='page title "Privacy statement | City of Velmora"')]
    """

    site: Site
    vocabulary: Vocabulary
    display: object  # url -> text shown to a person
    facts_of: object  # Fetched -> PageFacts
    markup: object | None = None  # validator.MarkupReport
    browser: object | None = None  # browser.BrowserReport
    _found: dict = field(default_factory=dict, repr=False)

    @property
    def pages(self) -> list[PageFacts]:
        """Facts of the pages a check can judge: answered 2xx, and readable without a browser
        (or rendered by one)."""
        return [f for f in self.site.readable() if not f.needs_browser or f.rendered]

    @property
    def home(self) -> PageFacts:
        return self.site.home_facts

    @property
    def home_judgeable(self) -> bool:
        """False when the home page is a script shell that no browser rendered."""
        return not self.home.needs_browser or self.home.rendered

    def languages(self, facts: PageFacts) -> tuple[str, ...]:
        return self.vocabulary.languages_for(facts.lang)

    def show(self, url: str | None) -> str:
        return self.display(url) if url else ""

    def _index(self, pages) -> list[tuple[int, str, tuple[str, ...], str, str]]:
        """(kind rank, folded text, languages, page shown, snippet) of every title, heading, link
        and link address of the pages, each snippet once (menus repeat on every page)."""
        key = None if pages is None else tuple(id(p) for p in pages)
        if ("index", key) in self._found:
            return self._found[("index", key)]
        entries, seen = [], set()
        for facts in self.pages if pages is None else pages:
            langs = self.languages(facts)
            href_langs = tuple(dict.fromkeys(langs + ("en",)))
            where = self.show(facts.url)
            items: list[tuple[int, str, str, tuple[str, ...]]] = []
            if facts.title:
                items.append((0, facts.title, f'page title "{short(facts.title, 80)}"', langs))
            items.extend((1, h, f'heading "{short(h, 80)}"', langs) for h in facts.headings)
            for link in facts.links:
                if link.url and link.url.startswith(("mailto:", "tel:")):
                    continue  # an address is not a page about a topic
                if link.url:
                    snippet = f'link "{short(link.text or "(no text)", 70)}" -> {self.show(link.url)}'
                    items.append((2, link.text, snippet, langs))
                    items.append((3, _href_words(link.url), snippet, href_langs))
                else:
                    snippet = f'{link.element} "{short(link.text, 70)}" (no address: a script control)'
                    items.append((2, link.text, snippet, langs))
            for rank, text, snippet, item_langs in items:
                if not text or (rank, snippet) in seen:
                    continue
                seen.add((rank, snippet))
                entries.append((rank, fold(text), item_langs, where, snippet))
        self._found[("index", key)] = entries
        return entries

    def candidates(self, topic: str, limit: int = MAX_EVIDENCE, pages=None, kinds=("title", "heading", "link")
                   ) -> list[Evidence]:
        """Links, buttons, headings and titles that mention ``topic``; titles and headings first.

        Links are matched on their text and on the words of their address; the words of the
        page's language are used (and English too for addresses). Placeholders (``href="#"``)
        and buttons are kept, marked as controls without an address.
        """
        key = (topic, limit, kinds, None if pages is None else tuple(id(p) for p in pages))
        if key in self._found:
            return self._found[key]
        wanted = {0} if "title" in kinds else set()
        wanted |= {1} if "heading" in kinds else set()
        wanted |= {2, 3} if "link" in kinds else set()
        scored = []
        for order, (rank, text, langs, where, snippet) in enumerate(self._index(pages)):
            if rank not in wanted:
                continue
            pattern = self.vocabulary.pattern(topic, langs)
            match = pattern.search(text) if pattern is not None else None
            if match:
                scored.append((min(rank, 2), -len(match.group(0)), order, Evidence(where, snippet)))
        scored.sort(key=lambda item: item[:3])
        found, shown = [], set()
        for *_, evidence in scored:
            if evidence.snippet in shown:
                continue
            shown.add(evidence.snippet)
            found.append(evidence)
            if len(found) >= limit:
                break
        self._found[key] = found
        return found

    def text_hits(self, topic: str, limit: int = MAX_EVIDENCE) -> list[Evidence]:
        """Short text blocks (paragraphs, list items, table cells) that mention ``topic``."""
        found, seen = [], set()
        for facts in self.pages:
            for block in facts.blocks:
                if block in seen:
                    continue
                if self.vocabulary.find(topic, block, self.languages(facts)):
                    seen.add(block)
                    found.append(Evidence(self.show(facts.url), f'text "{short(block)}"'))
                    if len(found) >= limit:
                        return found
        return found

    def folded_blocks(self, facts: PageFacts) -> set[str]:
        return {fold(b) for b in facts.blocks}
