"""The indicators a machine can decide: one rule per indicator, each with its sentence of method.

Each rule reads a :class:`~losi_course.audit.evidence.Context` and returns a
:class:`~losi_course.audit.evidence.Verdict`. A rule decides (``met`` / ``not_met``) only where
the evidence is unambiguous the way real portals are built; where it is not (a search box whose
results cannot be tried, a social link to a network not on the list, a page that needs a
browser) it says ``review`` or ``not_assessed`` and shows what it saw. No rule knows any
particular portal.

Example:
    >>> sorted(DECIDING_RULES)
    ['204', '206', '208', '209', '210', '212', '214', '273']
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .evidence import MET, NOT_ASSESSED, NOT_MET, REVIEW, Context, Evidence, Verdict, short, unique
from .keywords import fold

__all__ = ["DECIDING_RULES", "find_phone_numbers", "find_emails"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)\d[\d\s().\-/]{6,18}\d")
_NATIONAL = re.compile(r"(?<![\w+])\(?\d{2,5}\)?[\s.\-/]\d{2,4}(?:[\s.\-/]\d{2,4}){1,3}(?!\d)")
_SHARE_PATH = re.compile(r"(sharer|share\b|/share|/intent/|sharearticle|/send\?|\?text=|/shareurl)", re.IGNORECASE)
_LANG_SEGMENT = re.compile(r"^/([a-z]{2})(?:[-_][a-z]{2})?(?:/|$)", re.IGNORECASE)
_OTHER_LANGUAGE_TEXT = 150  # characters: a page in another language must carry real text


def find_emails(text: str) -> list[str]:
    """E-mail addresses written in a text.

    Example:
        >>> find_emails("Write to info@city.example or mayor@city.example.")
        ['info@city.example', 'mayor@city.example']
    """
    return [m.rstrip(".") for m in _EMAIL.findall(text)]


def find_phone_numbers(text: str, labelled: bool) -> list[str]:
    """Phone numbers in a text: international ones always, national ones only next to a label
    such as "Phone:" (``labelled``), because dates and codes look like them.

    Example:
        >>> find_phone_numbers("Call +33 1 42 76 40 40 today", labelled=False)
        ['+33 1 42 76 40 40']
        >>> find_phone_numbers("Updated 2026-11-24", labelled=False), find_phone_numbers("Tel. 01 42 76 40 40", True)
        ([], ['01 42 76 40 40'])
    """
    found = [m.strip() for m in _INTERNATIONAL.findall(text)]
    if labelled:
        found += [m.strip() for m in _NATIONAL.findall(text) if sum(c.isdigit() for c in m) >= 7
                  and not any(m.strip() in f for f in found)]
    return [f for f in found if 7 <= sum(c.isdigit() for c in f) <= 15]


def _primary(tag: str | None) -> str | None:
    tag = (tag or "").strip().lower().replace("_", "-")
    return tag.split("-")[0] or None


# ----------------------------------------------------------------------------- 204
def rule_204(ctx: Context) -> Verdict:
    method = ("Checked that every page read declares a viewport meta tag with width=device-width (a layout "
              "that adapts to the screen) and, where Chromium is installed, that the home page shown on a "
              "393-pixel-wide phone screen is no wider than the screen.")
    if not ctx.home_judgeable:
        return Verdict(NOT_ASSESSED, [Evidence(ctx.show(ctx.home.url), "the home page is a script shell")],
                       method + " The home page needs a browser to show anything.")
    home, pages = ctx.home, ctx.pages
    evidence = []
    browser = ctx.browser
    if browser is not None and browser.layout_width is not None:
        shown = (f"on a {browser.phone_width}-pixel phone screen the page is laid out {browser.viewport_width} px "
                 f"wide and its content is {browser.layout_width} px wide")
        if browser.viewport_width > browser.phone_width + 1 or browser.layout_width > browser.viewport_width + 1:
            return Verdict(NOT_MET, [Evidence(ctx.show(home.url), shown + " (wider than the screen)")], method)
        evidence.append(Evidence(ctx.show(home.url), shown + " (it fits)"))
    if not home.viewport:
        declared = f'<meta name="viewport" content="{short(home.viewport_content, 60)}">' if home.viewport_content \
            else "no <meta name=\"viewport\">"
        return Verdict(NOT_MET, [Evidence(ctx.show(home.url), f"{declared}: the page keeps a desktop width on phones")]
                       + evidence, method)
    missing = [f for f in pages if not f.viewport]
    evidence.insert(0, Evidence(ctx.show(home.url), f'<meta name="viewport" content="{short(home.viewport_content, 60)}">'))
    if "user-scalable=no" in home.viewport_content.replace(" ", "").lower():
        evidence.append(Evidence(ctx.show(home.url), "the viewport forbids zooming (user-scalable=no): an "
                                                     "accessibility problem, not a mobile one"))
    if missing:
        evidence += [Evidence(ctx.show(f.url), "this page declares no mobile viewport") for f in missing[:3]]
        return Verdict(REVIEW, evidence, method + f" {len(missing)} of {len(pages)} pages do not declare one.")
    evidence.append(Evidence(ctx.show(home.url), f"all {len(pages)} pages read declare a mobile viewport"))
    return Verdict(MET, evidence, method)


# ----------------------------------------------------------------------------- 206
def rule_206(ctx: Context) -> Verdict:
    method = ("Looked for a search box on the home page (a search input, role=search, a <search> element, or a "
              "form or field named for searching in the page's language) and ran one test search through it "
              "where the site allows it; a search counts as working when its results page lists result links.")
    home = ctx.home
    where = ctx.show(home.url)
    if not ctx.home_judgeable:
        return Verdict(NOT_ASSESSED, [Evidence(where, "the home page is a script shell")],
                       method + " The home page needs a browser to show anything.")
    if not home.search_form:
        controls = ctx.candidates("search", pages=[home], kinds=("link",))
        if controls:
            return Verdict(REVIEW, controls, method + " There is no search box in the page, but a control named "
                                                      "for searching may open one with scripts.")
        return Verdict(NOT_MET, [Evidence(where, "no search box on the home page")], method)
    evidence = [Evidence(where, "a search box is on the home page")]
    test = ctx.site.search
    if test is None or test.fetched is None:
        evidence.append(Evidence(where, f"test search not run: {test.skipped if test else 'no form to send'}"))
        return Verdict(REVIEW, evidence, method)
    results = test.fetched
    shown = ctx.show(results.url)
    evidence.append(Evidence(shown, f'test search for "{test.term}"'))
    if not results.ok or not results.is_html:
        evidence.append(Evidence(shown, f"the results page answered {results.status} ({results.content_type or 'no type'})"))
        return Verdict(REVIEW, evidence, method)
    facts = ctx.facts_of(results)
    template = ctx.folded_blocks(home)
    own_blocks = [b for b in facts.blocks if fold(b) not in template]
    failure = next((b for b in own_blocks if ctx.vocabulary.find("search_failure", b, ctx.languages(facts))), None)
    if failure:
        evidence.append(Evidence(shown, f'the results page says "{short(failure)}"'))
        return Verdict(REVIEW, evidence, method + " The results page reports a problem or no result.")
    home_targets = {link.url for link in home.links if link.url}
    site_host = urlsplit(results.url).netloc
    found = [link for link in facts.links if link.url and link.url not in home_targets
             and urlsplit(link.url).netloc == site_host and not link.url.startswith(test.url or "\0")]
    if found:
        evidence.append(Evidence(shown, f"{len(found)} result link(s) not on the home page, e.g. "
                                        f'"{short(found[0].text, 60)}" -> {ctx.show(found[0].url)}'))
        return Verdict(MET, evidence, method)
    evidence.append(Evidence(shown, "the results page lists no result link"))
    return Verdict(REVIEW, evidence, method)


# ----------------------------------------------------------------------------- 208 / 209
def _markup_missing(ctx: Context, method: str) -> Verdict | None:
    report = ctx.markup
    if report is None or report.problem:
        why = report.problem if report is not None else "the validator was not asked to run"
        return Verdict(NOT_ASSESSED, [], f"{method} Not run: {why}.")
    return None


def rule_208(ctx: Context) -> Verdict:
    method = ("Ran the W3C Nu HTML Checker (the engine of validator.w3.org, default options) on the home page "
              "as it was received; any error means not met.")
    skipped = _markup_missing(ctx, method)
    if skipped:
        return skipped
    where = ctx.show(ctx.home.url)
    if ctx.site.home.truncated:
        return Verdict(REVIEW, [Evidence(where, "the home page is larger than the size limit, so only its start "
                                                "was checked")], method)
    errors = ctx.markup.errors("home")
    tool = f" ({ctx.markup.version})" if ctx.markup.version else ""
    if errors:
        evidence = [Evidence(where, f"line {m.line}: {short(m.text, 120)}") for m in errors[:4]]
        return Verdict(NOT_MET, [Evidence(where, f"{len(errors)} error(s){tool}")] + evidence, method)
    return Verdict(MET, [Evidence(where, f"no error{tool}")], method)


def rule_209(ctx: Context) -> Verdict:
    method = ("Ran the CSS checks of the W3C Nu HTML Checker on the home page's own style sheets and on the CSS "
              "written inside the page; any error means not met.")
    skipped = _markup_missing(ctx, method)
    if skipped:
        return skipped
    home = ctx.home
    evidence, errors = [], 0
    for number, sheet in enumerate(ctx.site.stylesheets):
        if not sheet.ok:
            return Verdict(REVIEW, [Evidence(ctx.show(sheet.requested), f"this style sheet could not be read "
                                                                         f"({sheet.problem or sheet.status})")], method)
        found = ctx.markup.errors(f"css{number}")
        errors += len(found)
        evidence += [Evidence(ctx.show(sheet.url), f"line {m.line}: {short(m.text, 120)}") for m in found[:3]]
    inline = [m for m in ctx.markup.errors("home") if m.text.startswith("CSS:")]
    errors += len(inline)
    evidence += [Evidence(ctx.show(home.url), f"line {m.line}: {short(m.text, 120)}") for m in inline[:3]]
    outside = [u for u in home.stylesheets if urlsplit(u).netloc.lower() != urlsplit(home.url).netloc.lower()]
    if errors:
        return Verdict(NOT_MET, [Evidence(ctx.show(home.url), f"{errors} CSS error(s)")] + evidence[:5], method)
    if outside:
        return Verdict(REVIEW, [Evidence(ctx.show(home.url), f"style sheet on another site, not checked: "
                                                             f"{u}") for u in outside[:3]], method)
    if not ctx.site.stylesheets and not home.inline_styles:
        return Verdict(REVIEW, [Evidence(ctx.show(home.url), "the home page has no style sheet to check")], method)
    checked = [ctx.show(s.url) for s in ctx.site.stylesheets] + (["CSS inside the page"] if home.inline_styles else [])
    return Verdict(MET, [Evidence(ctx.show(home.url), "no CSS error in: " + ", ".join(checked))], method)


# ----------------------------------------------------------------------------- 210
def rule_210(ctx: Context) -> Verdict:
    method = ("Looked for failures that WCAG 2.1 names and a machine can see for certain: images with no text "
              "alternative (F65) and form fields with no accessible name (F68) on every page read, and axe-core's "
              "critical and serious violations on the home page where Chromium is installed; passing these is "
              "not conformance, so without a failure a person reviews.")
    if not ctx.pages:
        return Verdict(NOT_ASSESSED, [Evidence(ctx.show(ctx.home.url), "no page could be read without a browser")],
                       method)
    evidence, weaker = [], []
    for facts in ctx.pages:
        if facts.images_without_name:
            evidence.append(Evidence(ctx.show(facts.url), f"{facts.images_without_name} image(s) with no text "
                                                          "alternative (no alt attribute)"))
        if facts.nameless_fields:
            evidence.append(Evidence(ctx.show(facts.url), f"{facts.nameless_fields} form field(s) with no label "
                                                          "or accessible name"))
        placeholder_only = facts.unlabelled_fields - facts.nameless_fields
        if placeholder_only:
            # A placeholder gives a field a name (axe accepts it) but vanishes on typing: a person judges it.
            weaker.append(Evidence(ctx.show(facts.url), f"{placeholder_only} form field(s) with no label, only a "
                                                        "placeholder text"))
    browser = ctx.browser
    if browser is not None and browser.axe_ran:
        for violation in browser.serious[:4]:
            evidence.append(Evidence(ctx.show(ctx.home.url), f"{browser.axe_version}: {violation['id']} "
                                                             f"({violation['impact']}, {violation['nodes']} element(s)): "
                                                             f"{short(violation.get('help') or '', 80)}"))
    if evidence:
        return Verdict(NOT_MET, (evidence + weaker)[:6], method)
    statement = ctx.candidates("accessibility", limit=3)
    checked = f"no such failure on {len(ctx.pages)} page(s)"
    if browser is not None and browser.axe_ran:
        checked += f"; {browser.axe_version} found no critical or serious violation on the home page"
    return Verdict(REVIEW, [Evidence(ctx.show(ctx.home.url), checked)] + weaker[:2] + statement, method)


# ----------------------------------------------------------------------------- 212
def rule_212(ctx: Context) -> Verdict:
    method = ("Took the home page's declared language (<html lang>) as the portal's main one and looked for pages "
              "read that declare another language and carry real text; hreflang alternates, language switcher "
              "links and translation widgets are shown for a person to check.")
    home = ctx.home
    main = _primary(home.lang) if home.lang_valid else None
    others = [f for f in ctx.pages if f.lang_valid and _primary(f.lang) != main and f.text_length >= _OTHER_LANGUAGE_TEXT]
    if main and others:
        evidence = [Evidence(ctx.show(f.url), f'lang="{f.lang}": "{short(f.title or "", 60)}" '
                                              f"({f.text_length} characters of text)") for f in others[:3]]
        return Verdict(MET, [Evidence(ctx.show(home.url), f'the home page declares lang="{home.lang}"')] + evidence,
                       method)
    hints = []
    for facts in ctx.pages:
        for value in facts.hreflang:
            if _primary(value) not in (main, "x"):
                hints.append(Evidence(ctx.show(facts.url), f'hreflang="{value}" alternate'))
        for link in facts.links:
            named = ctx.vocabulary.language_of_name(link.text) if link.text else None
            declared = _primary(link.hreflang or link.lang)
            segment = _LANG_SEGMENT.match(urlsplit(link.url).path) if link.url else None
            code = _primary(link.text) if len(link.text) in (2, 3) and segment and _primary(segment.group(1)) == _primary(link.text) else None
            language = named or declared or code
            if language and language != main:
                hints.append(Evidence(ctx.show(facts.url), f'language switcher "{short(link.text, 40)}" -> '
                                                           f"{ctx.show(link.url) or 'no address (a script control)'}"))
        if facts.translate_widget:
            hints.append(Evidence(ctx.show(facts.url), "a machine-translation widget (e.g. Google Translate)"))
    hints = unique(hints)[:5]
    if not ctx.home_judgeable and not hints:
        return Verdict(NOT_ASSESSED, [Evidence(ctx.show(home.url), "the home page is a script shell")], method)
    if main is None:
        langs = sorted({f.lang for f in ctx.pages if f.lang_valid})
        return Verdict(REVIEW if (hints or len(langs) > 1) else NOT_ASSESSED,
                       [Evidence(ctx.show(home.url), "the home page declares no valid language, so the main one is "
                                                     f"not known (languages declared: {', '.join(langs) or 'none'})")]
                       + hints, method)
    if hints:
        return Verdict(REVIEW, hints, method + " No page read in another language confirms these.")
    return Verdict(NOT_MET, [Evidence(ctx.show(home.url), f'every page read is in "{main}": no hreflang alternate, '
                                                          "no language switcher, no translation widget")], method)


# ----------------------------------------------------------------------------- 214
def rule_214(ctx: Context) -> Verdict:
    method = ("Looked on every page read for ways to reach the city: e-mail and phone links, <address> blocks, "
              "e-mail addresses and phone numbers written as text (national numbers only next to a word such as "
              "'Phone'), and a contact form.")
    evidence = []
    for facts in ctx.pages:
        where = ctx.show(facts.url)
        if facts.mailto:
            first = next(l.url for l in facts.links if l.url and l.url.lower().startswith("mailto:"))
            evidence.append(Evidence(where, f"{facts.mailto} e-mail link(s), e.g. {short(first[7:], 60)}"))
        if facts.tel:
            first = next(l.url for l in facts.links if l.url and l.url.lower().startswith("tel:"))
            evidence.append(Evidence(where, f"{facts.tel} phone link(s), e.g. {short(first[4:], 40)}"))
        for address in facts.addresses[:1]:
            evidence.append(Evidence(where, f'postal address "{short(address, 100)}"'))
        for block in facts.blocks:
            labelled = bool(ctx.vocabulary.find("phone", block, ctx.languages(facts)))
            phones = find_phone_numbers(block, labelled)
            emails = find_emails(block)
            if phones or emails:
                evidence.append(Evidence(where, f'written in the text: "{short(block, 100)}"'))
                break
        if any(kind == "textarea" for form in facts.forms for _, kind, _ in form.fields) and (
                ctx.vocabulary.find("contact", facts.title or "", ctx.languages(facts))):
            evidence.append(Evidence(where, "a contact form"))
        if len(evidence) >= 5:
            break
    if evidence:
        return Verdict(MET, evidence[:5], method)
    contact = ctx.candidates("contact", limit=3)
    if contact:
        return Verdict(REVIEW, contact, method + " A contact page is linked but its details were not found.")
    if not ctx.home_judgeable and len(ctx.pages) == 0:
        return Verdict(NOT_ASSESSED, [Evidence(ctx.show(ctx.home.url), "the home page is a script shell")], method)
    return Verdict(NOT_MET, [Evidence(ctx.show(ctx.home.url), f"no contact details on the {len(ctx.pages)} page(s) read")],
                   method)


# ----------------------------------------------------------------------------- 273
def rule_273(ctx: Context) -> Verdict:
    method = ("Looked for links to the city's own accounts on social networks (the hosts of the course's list, "
              "which a participant can extend), icons included, and for schema.org sameAs links; 'share this "
              "page' buttons and off-site links under a 'Follow us' heading go to a person.")
    networks = ctx.vocabulary.networks
    from .pagefacts import social_host

    profiles, shares, unlisted = [], [], []
    for facts in ctx.pages:
        where = ctx.show(facts.url)
        home_host = urlsplit(facts.url).netloc
        for link in facts.links:
            if not link.url or not link.url.startswith(("http://", "https://")):
                continue
            network = social_host(link.url, networks)
            label = short(link.text or "an icon without text", 50)
            if network and _SHARE_PATH.search(link.url):
                shares.append(Evidence(where, f'"share" link to {network}: {short(link.url, 70)}'))
            elif network:
                profiles.append(Evidence(where, f'link "{label}" -> {short(link.url, 70)}'))
            elif urlsplit(link.url).netloc != home_host and (
                    ctx.vocabulary.find("social", link.context, ctx.languages(facts))
                    or ctx.vocabulary.find("social", link.text, ctx.languages(facts))):
                unlisted.append(Evidence(where, f'link "{label}" under "{short(link.context, 30)}" -> '
                                                f"{urlsplit(link.url).netloc} (not on the list of social networks)"))
        for url in facts.same_as:
            network = social_host(url, networks)
            if network:
                profiles.append(Evidence(where, f"schema.org sameAs {short(url, 70)}"))
    profiles, shares, unlisted = (unique(x) for x in (profiles, shares, unlisted))
    if profiles:
        return Verdict(MET, profiles[:5], method)
    if shares or unlisted:
        return Verdict(REVIEW, (unlisted + shares)[:5], method + " If a host is a social network, add it to the "
                                                                 "list (--keywords FOLDER/social_networks.csv).")
    if not ctx.home_judgeable and len(ctx.pages) == 0:
        return Verdict(NOT_ASSESSED, [Evidence(ctx.show(ctx.home.url), "the home page is a script shell")], method)
    return Verdict(NOT_MET, [Evidence(ctx.show(ctx.home.url), f"no link to a social network on the {len(ctx.pages)} "
                                                              "page(s) read")], method)


DECIDING_RULES = {"204": rule_204, "206": rule_206, "208": rule_208, "209": rule_209, "210": rule_210,
                  "212": rule_212, "214": rule_214, "273": rule_273}
