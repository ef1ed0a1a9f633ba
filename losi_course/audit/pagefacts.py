"""The facts of one page that every outcome of the audit rests on (parsed with bs4 and lxml).

:func:`page_facts` reads one HTML page into a :class:`PageFacts`. The fields named in
:data:`CONTRACT_FIELDS` are the JSON contract of ``losi-course audit TARGET --json`` (other
tools rely on these names); the other fields are working material for the indicator rules
(links with their text, headings, forms, short text blocks).

What counts, as real portals need it:

* a link is an ``<a href>`` (or ``<area>``) that leads somewhere: ``href="#"``, an empty
  ``href`` and ``javascript:`` are placeholders, kept only as controls with a text;
* ``<button>`` texts are kept too, because many portals use buttons for their online services;
* ``images_without_alt`` counts ``<img>`` with no ``alt`` attribute (``alt=""`` marks a
  decorative image and is not counted);
* a form field is labelled by a ``<label for>`` with text, a wrapping label with text,
  ``aria-label``, ``aria-labelledby`` pointing to text, or ``title``;
* ``needs_browser`` marks a script shell: almost no text and links, and scripts that would
  build the page in a browser.

Example:
    >>> facts = page_facts('<html lang="fr"><title>Accueil</title><img src="a.png">'
    ...                    '<a href="#">Facebook</a><a href="https://www.facebook.com/ville"><svg/></a>',
    ...                    "https://ville.example/", networks=("facebook.com",))
    >>> facts.lang, facts.lang_valid, facts.images_without_alt, facts.social
    ('fr', True, 1, ['facebook.com'])
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from .keywords import fold
from .policy import MAX_ANALYSED_TAGS
from .tagindex import TagIndex

__all__ = ["PageFacts", "Link", "Form", "page_facts", "CONTRACT_FIELDS", "social_host", "cut_for_analysis"]

CONTRACT_FIELDS = ("url", "status", "lang", "lang_valid", "title", "viewport", "images", "images_without_alt",
                   "form_fields", "unlabelled_fields", "search_form", "mailto", "tel", "social", "feeds",
                   "hreflang", "needs_browser")

_NOT_FIELDS = {"hidden", "submit", "button", "image", "reset"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}
_FEED_PATH = re.compile(r"(\.rss|/rss|rss\.xml|atom\.xml|/feed/?)$", re.IGNORECASE)
_SEARCH_NAMES = {"q", "query", "search", "searchterm", "search_api_fulltext", "keys", "keywords", "term"}
_TRANSLATE_MARKERS = ("translate.google", "goog-te-", "gtranslate", "google_translate_element")
_BLOCKS = ["p", "li", "address", "td", "th", "dd", "dt", "label", "figcaption", "h1", "h2", "h3", "h4"]
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_SECTION_HEADINGS = {"h2", "h3", "h4", "h5"}
_SHELL_TEXT = 200  # characters: a page with less text than this, scripts and no links is a shell
_MAX_BLOCK = 300
_MAX_ITEMS = 400


@dataclass
class Link:
    """A link or a button with its visible name.

    ``url`` is the absolute target, or None for a placeholder (``href="#"``, a button).
    ``context`` is the heading of the section holding it ("Follow us"), if any.

    Example:
        >>> page_facts('<a href="/contact">Contact us</a>', "https://town.example/").links[0].url
        'https://town.example/contact'
    """

    url: str | None
    text: str
    element: str = "a"
    hreflang: str | None = None
    lang: str | None = None
    context: str = ""


@dataclass
class Form:
    """A form: where it sends, how, and what it asks for.

    Example:
        >>> form = page_facts('<form method="post"><input type="password" name="p"></form>', "https://t.example/").forms[0]
        >>> form.method, form.password
        ('post', True)
    """

    action: str | None
    method: str
    fields: list[tuple[str, str, str]]  # (name, type, value)
    search: bool = False
    password: bool = False
    text: str = ""


@dataclass
class PageFacts:
    """What one page shows. The first block of fields is the JSON contract (see the module).

    Example:
        >>> page_facts('<meta name="viewport" content="width=device-width">', "https://t.example/").viewport
        True
    """

    url: str
    status: int | None
    lang: str | None = None
    lang_valid: bool = False
    title: str | None = None
    viewport: bool = False
    images: int = 0
    images_without_alt: int = 0
    form_fields: int = 0
    unlabelled_fields: int = 0
    search_form: bool = False
    mailto: int = 0
    tel: int = 0
    social: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    hreflang: list[str] = field(default_factory=list)
    needs_browser: bool = False
    # working material for the rules (not part of the JSON contract)
    viewport_content: str = ""
    images_without_name: int = 0
    nameless_fields: int = 0
    links: list[Link] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    search_outside_form: bool = False
    stylesheets: list[str] = field(default_factory=list)
    inline_styles: int = 0
    embeds: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    translate_widget: bool = False
    legacy: list[str] = field(default_factory=list)
    html5_doctype: bool = False
    addresses: list[str] = field(default_factory=list)
    text_length: int = 0
    scripts: int = 0
    truncated: bool = False
    rendered: bool = False

    def contract(self) -> dict:
        """The JSON contract fields, in their fixed order.

        Example:
            >>> list(page_facts("<p>x</p>", "https://a.example/").contract())[:3]
            ['url', 'status', 'lang']
        """
        data = asdict(self)
        return {name: data[name] for name in CONTRACT_FIELDS}


def cut_for_analysis(text: str, max_tags: int = MAX_ANALYSED_TAGS) -> tuple[str, bool]:
    """The start of a page up to ``max_tags`` tags, and whether it was cut.

    A page built to exhaust a parser (endless nesting, millions of elements) is analysed up to
    this bound; real portal pages have a few thousand tags.

    Example:
        >>> cut_for_analysis("<b>1</b><b>2</b>", max_tags=2)
        ('<b>1</b>', True)
    """
    if text.count("<") <= max_tags:
        return text, False
    position = -1
    for _ in range(max_tags + 1):
        position = text.find("<", position + 1)
    return text[:position], True


def _words(element) -> str:
    """Visible text of an element, with the text alternatives of images and its ARIA name."""
    parts = list(element.stripped_strings) if hasattr(element, "stripped_strings") else []
    for image in element.find_all("img") if hasattr(element, "find_all") else []:
        if image.get("alt"):
            parts.append(image["alt"])
    for attribute in ("aria-label", "title"):
        value = element.get(attribute) if hasattr(element, "get") else None
        if isinstance(value, str) and value.strip():
            parts.append(value)
    return " ".join(" ".join(parts).split())


def social_host(url: str | None, networks) -> str | None:
    """The social network host of ``url`` (``www.`` and ``m.`` removed), if it is one.

    Example:
        >>> social_host("https://m.facebook.com/city", {"facebook.com"})
        'facebook.com'
        >>> social_host("https://notfacebook.com/x", {"facebook.com"}) is None
        True
    """
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    for network in networks:
        if host == network or host.endswith("." + network):
            return network
    return None


def _target(base: str, href) -> str | None:
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "data:")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:  # an address that cannot be an address, e.g. "http://[bad"
        return None


def _context(element) -> str:
    """The heading (or ARIA label) of the nearest section around a link, up to four levels up."""
    node = element
    for _ in range(4):
        node = node.parent
        if node is None or node.name in (None, "body", "[document]"):
            return ""
        label = node.get("aria-label")
        if node.name in ("nav", "section", "aside", "footer", "ul") and isinstance(label, str) and label.strip():
            return label.strip()
        heading = next((child for child in node.children if getattr(child, "name", None) in _SECTION_HEADINGS), None)
        if heading is not None:
            return _words(heading)[:80]
    return ""


def _field_labelled(field_tag, labels_for: dict[str, str], texts_by_id) -> bool:
    ident = field_tag.get("id")
    if isinstance(ident, str) and labels_for.get(ident):
        return True
    for attribute in ("aria-label", "title"):
        value = field_tag.get(attribute)
        if isinstance(value, str) and value.strip():
            return True
    labelledby = field_tag.get("aria-labelledby")
    if isinstance(labelledby, str) and any(texts_by_id(ref) for ref in labelledby.split()):
        return True
    wrapper = field_tag.find_parent("label")
    if wrapper is not None:
        own = " ".join(s for s in wrapper.find_all(string=True)
                       if s.find_parent(["select", "textarea", "option"]) is None and s.strip())
        return bool(own.strip())
    return False


def page_facts(html: str, url: str, status: int | None = 200, *, search_words=None, networks=(),
               truncated: bool = False) -> PageFacts:
    """Read one page's facts. ``search_words`` is a compiled pattern of localised "search" words
    (from :mod:`losi_course.audit.keywords`); ``networks`` the social network hosts.

    Example:
        >>> f = page_facts('<form action="/buscar"><input name="texto"></form><a href="tel:+34 900">call</a>',
        ...                "https://a.example/", search_words=re.compile("buscar"))
        >>> f.search_form, f.tel, f.form_fields, f.unlabelled_fields
        (True, 1, 1, 1)
    """
    from bs4 import BeautifulSoup, Doctype

    html, cut = cut_for_analysis(html)
    soup = BeautifulSoup(html, "lxml")
    facts = PageFacts(url=url, status=status, truncated=truncated or cut)
    index = TagIndex(soup)
    root = index.first("html")
    lang = root.get("lang") if root is not None else None
    if isinstance(lang, str):
        import langcodes

        facts.lang = lang.strip()
        facts.lang_valid = bool(facts.lang) and langcodes.tag_is_valid(facts.lang)
    facts.html5_doctype = any(isinstance(item, Doctype) and str(item).strip().lower() == "html" for item in soup.contents)
    title = index.first("title")
    if title is not None:
        facts.title = " ".join(title.get_text().split()) or None

    base = url
    base_tag = next((b for b in index.tags("base") if b.has_attr("href")), None)
    if base_tag is not None:
        base = _target(url, base_tag["href"]) or url

    for meta in index.tags("meta"):
        name = str(meta.get("name", "")).lower()
        content = str(meta.get("content", ""))
        if name == "viewport":
            facts.viewport_content = content
            facts.viewport = "width=device-width" in content.lower().replace(" ", "")
        elif str(meta.get("http-equiv", "")).lower() == "refresh" and _REFRESH.search(content):
            target = _target(base, _REFRESH.search(content).group(1).strip())
            facts.links.append(Link(target, "(automatic redirect)", "meta"))
        elif str(meta.get("http-equiv", "")).lower() == "x-ua-compatible":
            facts.legacy.append(f'<meta http-equiv="X-UA-Compatible" content="{content[:40]}">')

    for link in (t for t in index.tags("link") if t.has_attr("href")):
        rel = [r.lower() for r in (link.get("rel") or [])]
        target = _target(base, link["href"])
        if target is None:
            continue
        if "stylesheet" in rel:
            facts.stylesheets.append(target)
        if "alternate" in rel and str(link.get("type", "")).lower() in _FEED_TYPES:
            facts.feeds.append(target)
        if "alternate" in rel and link.get("hreflang"):
            facts.hreflang.append(str(link["hreflang"]).strip())
    facts.inline_styles = len(index.tags("style"))

    scripts = index.tags("script")
    facts.scripts = len(scripts)
    for script in scripts:
        source = script.get("src")
        if isinstance(source, str) and _target(base, source):
            facts.embeds.append(_target(base, source))
        body = script.string or ""
        if any(marker in (source or "") or marker in body[:5000] for marker in _TRANSLATE_MARKERS):
            facts.translate_widget = True
        if str(script.get("type", "")).lower() == "application/ld+json":
            facts.same_as.extend(_same_as(body))
    for frame in index.tags("iframe", "embed", "object"):
        source = frame.get("src") or frame.get("data")
        if frame.name in ("embed", "object"):
            kind = str(frame.get("type", "")) or str(source or "")
            if any(word in kind.lower() for word in ("flash", "shockwave", ".swf", "silverlight", "java")):
                facts.legacy.append(f"<{frame.name}> plug-in content ({kind[:40]})")
        target = _target(base, source)
        if target:
            facts.embeds.append(target)
    if index.any_attribute("id", lambda v: "google_translate" in v) or index.any_attribute(
            "class", lambda v: v.startswith("goog-te")):
        facts.translate_widget = True
    if re.search(r"<!--\[if\s+[^\]]*IE", html[:200_000], re.IGNORECASE):
        facts.legacy.append("Internet Explorer conditional comments")

    for tag in index.tags("script", "style", "template", "noscript"):
        tag.decompose()
    index = TagIndex(soup)  # the page as people read it: without scripts, styles, templates
    body = soup.body or soup
    text = " ".join(body.get_text(" ").split())
    facts.text_length = len(text)

    for image in index.tags("img"):
        facts.images += 1
        if not image.has_attr("alt"):
            facts.images_without_alt += 1
            named = any(str(image.get(a, "")).strip() for a in ("aria-label", "aria-labelledby", "title"))
            if not named and str(image.get("role", "")).lower() not in ("presentation", "none"):
                facts.images_without_name += 1

    _read_links(index, base, facts, networks)
    _read_forms(index, base, facts, search_words)

    facts.headings = [_words(h)[:120] for h in index.tags("h1", "h2", "h3", limit=_MAX_ITEMS)]
    facts.headings = [h for h in facts.headings if h]
    for block in index.tags(*_BLOCKS, limit=_MAX_ITEMS * 5):
        words = " ".join(block.get_text(" ").split())
        if words and len(facts.blocks) < _MAX_ITEMS * 2:
            facts.blocks.append(words[:_MAX_BLOCK])
    facts.addresses = [" ".join(a.get_text(" ").split())[:_MAX_BLOCK] for a in index.tags("address", limit=20)]
    facts.addresses = [a for a in facts.addresses if a]

    real_links = sum(1 for link in facts.links if link.url and link.element == "a")
    facts.needs_browser = facts.text_length < _SHELL_TEXT and facts.scripts > 0 and real_links < 3
    facts.feeds = sorted(set(facts.feeds))
    facts.hreflang = sorted(set(facts.hreflang))
    facts.social = sorted(set(facts.social))
    return facts


def _same_as(body: str) -> list[str]:
    """``sameAs`` addresses in a JSON-LD block (schema.org), ignoring anything malformed."""
    try:
        data = json.loads(body[:200_000])
    except ValueError:
        return []
    found: list[str] = []
    stack = [data]
    while stack and len(found) < 50:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("sameAs")
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _read_links(index: TagIndex, base: str, facts: PageFacts, networks) -> None:
    for anchor in index.tags("a", "area", limit=_MAX_ITEMS * 10):
        href = anchor.get("href")
        target = _target(base, href)
        if target is None and href is None and anchor.name == "a" and not anchor.get("role"):
            continue  # a named anchor (<a name=...>), not a control
        lowered = (target or "").lower()
        if lowered.startswith("mailto:") and len(lowered) > 7:
            facts.mailto += 1
        elif lowered.startswith("tel:") and len(lowered) > 4:
            facts.tel += 1
        network = social_host(target, networks)
        if network:
            facts.social.append(network)
        if target and _FEED_PATH.search(urlsplit(target).path or ""):
            facts.feeds.append(target)
        if anchor.get("hreflang"):
            facts.hreflang.append(str(anchor["hreflang"]).strip())
        if len(facts.links) < _MAX_ITEMS * 3:
            lang = anchor.get("lang")
            facts.links.append(Link(target, _words(anchor)[:120], "a",
                                    str(anchor.get("hreflang")).strip() if anchor.get("hreflang") else None,
                                    lang.strip() if isinstance(lang, str) else None, _context(anchor)))
    for button in index.tags("button", "input", limit=_MAX_ITEMS * 2):
        if button.name == "input" and str(button.get("type", "")).lower() not in ("button", "submit"):
            continue
        label = _words(button) or str(button.get("value", "")).strip()
        if label and len(facts.links) < _MAX_ITEMS * 3:
            facts.links.append(Link(None, label[:120], "button", context=_context(button)))


def _read_forms(index: TagIndex, base: str, facts: PageFacts, search_words) -> None:
    labels_for = {}
    for label in index.tags("label"):
        target = label.get("for")
        if isinstance(target, str) and _words(label):
            labels_for[target] = True
    def texts_by_id(ref: str) -> bool:
        node = index.by_id.get(ref)
        return node is not None and bool(_words(node))

    def is_search(tag) -> bool:
        if tag.name == "input" and str(tag.get("type", "")).lower() == "search":
            return True
        if str(tag.get("role", "")).lower() == "search":
            return True
        if tag.name == "input" and str(tag.get("name", "")).lower() in _SEARCH_NAMES:
            return True
        names = " ".join(str(tag.get(a, "")) if not isinstance(tag.get(a), list) else " ".join(tag.get(a))
                         for a in ("name", "id", "class", "action", "aria-label", "placeholder"))
        return bool(search_words and names.strip() and search_words.search(fold(names)))

    for form in index.tags("form", limit=_MAX_ITEMS):
        fields = [(str(f.get("name", "")), str(f.get("type", f.name)).lower(), str(f.get("value", "")))
                  for f in form.find_all(["input", "select", "textarea"])]
        searchy = is_search(form) or any(is_search(f) for f in form.find_all("input"))
        facts.forms.append(Form(_target(base, form.get("action")) if form.get("action") else base,
                                str(form.get("method", "get")).lower(), fields, searchy,
                                any(t == "password" for _, t, _ in fields), _words(form)[:200]))
        facts.search_form = facts.search_form or searchy
    for element in index.tags("search") + [t for t in index.all if t.get("role") == "search"]:
        if element.name != "form":
            facts.search_form = True
            if element.find_parent("form") is None and element.find("form") is None:
                facts.search_outside_form = True
    for tag in index.tags("input"):
        if tag.find_parent("form") is None and is_search(tag):
            facts.search_form = facts.search_outside_form = True
    if index.any_attribute("class", lambda v: v.startswith("gcse-search")):
        facts.search_form = facts.search_outside_form = True

    for tag in index.tags("input", "select", "textarea"):
        if tag.name == "input" and str(tag.get("type", "text")).lower() in _NOT_FIELDS:
            continue
        facts.form_fields += 1
        if not _field_labelled(tag, labels_for, texts_by_id):
            facts.unlabelled_fields += 1
            if not str(tag.get("placeholder", "")).strip():
                facts.nameless_fields += 1
