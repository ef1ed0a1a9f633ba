"""Candidate evidence for the indicators a person decides, and the one list of every indicator's rule.

A HINT indicator gets the links, headings and titles that mention its topic (in the page's
language, from the word lists of :mod:`losi_course.audit.keywords`), plus what a few need
more: data files for open data, password fields for a sign-in, a feed for news, the XML
sitemap. With candidates its outcome is ``review``; without, ``not_assessed`` (a bounded crawl
that found nothing is not proof that a feature is absent). A HUMAN indicator is
``not_assessed``: only a person can judge it.

:func:`judge` runs the rule of every indicator of the LOSI 2024 instrument.

Example:
    >>> from losi_course.framework import load_instrument
    >>> covered = set(TOPICS) | set(SPECIAL_RULES) | set(DECIDING_RULES)
    >>> sorted(i.id for i in load_instrument() if i.automation != "HUMAN" and i.id not in covered)
    []
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..framework import load_instrument
from .evidence import MET, NOT_ASSESSED, NOT_MET, REVIEW, Context, Evidence, IndicatorResult, Verdict, short, unique
from .rules_decided import DECIDING_RULES, find_phone_numbers

__all__ = ["TOPICS", "SPECIAL_RULES", "judge", "DATA_FORMATS"]

#: File endings of machine-readable, open data formats.
DATA_FORMATS = ("csv", "json", "geojson", "xml", "ods", "rdf", "ttl", "jsonld", "kml", "gpx", "parquet", "xlsx")
_DATA_FILE = re.compile(r"\.(" + "|".join(DATA_FORMATS) + r")$", re.IGNORECASE)
_GOVERNMENT_MARKERS = {"gov", "gob", "gouv", "govt", "gv", "gub", "go", "govern", "admin", "municipio", "mairie"}
_APP_STORES = ("apps.apple.com", "itunes.apple.com", "play.google.com", "appgallery.huawei.com")

#: indicator id -> (word-list topics, what the rule looks for, in words).
TOPICS = {
    "236-IF": (("open_data",), "an open data page or portal"),
    "242": (("agencies",), "a page linking to other government bodies"),
    "217": (("city_info",), "general information about the city"),
    "218": (("alerts",), "a subscription to emergency alerts"),
    "220": (("procurement",), "procurement announcements"),
    "221": (("procurement_results",), "procurement results (contract awards)"),
    "226": (("health",), "health information"),
    "227": (("environment",), "environmental information"),
    "228": (("education",), "education information"),
    "229": (("welfare",), "social welfare information"),
    "230": (("leisure",), "leisure, culture and sport information"),
    "231": (("vulnerable",), "information for vulnerable groups"),
    "232": (("justice",), "justice-related information (appeals, mediation)"),
    "233": (("employment",), "employment information"),
    "238": (("smart_city",), "smart city initiatives"),
    "243": (("sdg",), "figures on the Sustainable Development Goals"),
    "282": (("transport",), "public transport information"),
    "284": (("waste",), "waste and recycling information"),
    "285": (("roads",), "road and traffic information"),
    "290": (("emergency",), "an emergency and disaster section"),
    "291": (("air_policy",), "the city's air quality policy"),
    "295": (("events",), "an events section"),
    "253": (("police_report",), "reporting an incident to the municipal police online"),
    "254": (("driving_licence",), "a driving licence application"),
    "255": (("building_permit",), "a building permit application"),
    "256": (("environmental_permit",), "an environmental permit application"),
    "257": (("business_licence",), "a business licence application"),
    "258": (("residence_permit",), "a residence permit application"),
    "259": (("birth_certificate",), "a birth certificate request"),
    "260": (("death_certificate",), "a death certificate request"),
    "261": (("marriage_certificate",), "a marriage certificate request"),
    "262": (("address_change",), "a change-of-address notification"),
    "263": (("land_title",), "land title registration"),
    "264": (("vehicle_registration",), "vehicle registration"),
    "265": (("e_procurement",), "an e-procurement platform"),
    "266": (("job_application",), "online applications for city jobs"),
    "268": (("tax_filing",), "online tax filing"),
    "269a": (("online_payment",), "online payment of fees"),
    "269b": (("fines",), "online payment of fines"),
    "286": (("water_bill",), "online payment of water bills"),
    "287": (("energy_bill",), "online payment of electricity or gas bills"),
    "297": (("homeless",), "services for homeless people"),
    "298": (("lost_found",), "lost and found"),
    "299": (("housing",), "housing information and services"),
    "219": (("budget",), "budget information"),
    "267": (("discrimination",), "an online channel to report discrimination"),
    "270b": (("chatbot",), "an AI chatbot"),
    "272": (("consultation",), "online tools for giving views on policies"),
    "274": (("report_problem",), "reporting problems in public spaces"),
    "275": (("participatory_budget",), "participatory budgeting"),
    "276": (("land_use",), "participation in land-use planning"),
    "277": (("participation_announcements", "consultation"), "announcements of e-participation activities"),
    "279": (("e_voting",), "electronic voting on local decisions"),
    "280": (("council",), "information on council meetings"),
    "225a": (("free_internet",), "free public internet access"),
    "234": (("privacy",), "a privacy statement"),
    "240": (("faq",), "a help or FAQ section"),
    "241": (("guidance",), "guidance on using online services"),
    "270a": (("live_chat",), "a live chat with staff"),
    "246": (("own_data",), "looking up one's own records online"),
    "247": (("update_data",), "updating one's own records online"),
}


def _method(what: str, pages: int, found: bool) -> str:
    end = ("a person must open the candidates and confirm." if found else
           "none was found, which is not proof of absence: a person must look.")
    return (f"Looked for links, buttons, headings and page titles about {what}, in the words of each page's "
            f"language, on the {pages} page(s) read; {end}")


def _topic_rule(topics: tuple[str, ...], what: str, extra=()):
    def rule(ctx: Context) -> Verdict:
        found = []
        for topic in topics:
            found += [e for e in ctx.candidates(topic) if e not in found]
        found = list(extra(ctx)) + found if extra else found
        found = unique(found)[:5]
        if not ctx.pages:
            return Verdict(NOT_ASSESSED, [], _method(what, 0, False) + " No page could be read without a browser.")
        return Verdict(REVIEW if found else NOT_ASSESSED, found, _method(what, len(ctx.pages), bool(found)))
    return rule


def _data_files(ctx: Context, keep=lambda url: True) -> list[Evidence]:
    found = []
    for facts in ctx.pages:
        for link in facts.links:
            if link.url and _DATA_FILE.search(urlsplit(link.url).path) and keep(link.url):
                found.append(Evidence(ctx.show(facts.url), f'data file "{short(link.text, 50)}" -> {ctx.show(link.url)}'))
    return unique(found)[:3]


def _password_fields(ctx: Context) -> list[Evidence]:
    return [Evidence(ctx.show(f.url), "a sign-in form (password field)") for f in ctx.pages
            if any(form.password for form in f.forms)][:2]


def _forms_on_topic_pages(topic: str):
    def extra(ctx: Context) -> list[Evidence]:
        found = []
        for facts in ctx.pages:
            named = ctx.vocabulary.find(topic, " ".join([facts.title or ""] + facts.headings[:3]), ctx.languages(facts))
            forms = [f for f in facts.forms if not f.search and len(f.fields) > 1]
            if named and forms:
                found.append(Evidence(ctx.show(facts.url), f'a form with {len(forms[0].fields)} field(s) on a page '
                                                           f'about "{named}"'))
        return found[:2]
    return extra


def _app_links(ctx: Context) -> list[Evidence]:
    return [Evidence(ctx.show(f.url), f"link to an app store: {short(link.url, 70)}") for f in ctx.pages
            for link in f.links if link.url and urlsplit(link.url).netloc.lower() in _APP_STORES][:3]


def _feeds(ctx: Context) -> list[Evidence]:
    feeds = sorted({feed for f in ctx.pages for feed in f.feeds})
    return [Evidence(ctx.show(ctx.home.url), f"news feed {ctx.show(feed)}") for feed in feeds[:2]]


def _chat_embeds(ctx: Context) -> list[Evidence]:
    return [Evidence(ctx.show(f.url), f"embedded chat service {short(url, 70)}") for f in ctx.pages for url in f.embeds
            if ctx.vocabulary.find("live_chat", " ".join(re.split(r"[\W_]+", url)), ("en",))][:2]


# ----------------------------------------------------------------------------- special hints
def rule_281(ctx: Context) -> Verdict:
    method = ("Looked at the portal's host name for a government marker (gov, gob, gouv...) and at the pages' "
              "copyright lines and official-site wording; a person confirms that the site is the city's own.")
    evidence = []
    host = (urlsplit(ctx.site.home.url).hostname or "")
    if ctx.site.kind in ("url", "warc") and set(re.split(r"[.\-]", host.lower())) & _GOVERNMENT_MARKERS:
        evidence.append(Evidence(ctx.show(ctx.home.url), f"the host name {host} carries a government marker"))
    for facts in ctx.pages[:10]:
        for block in facts.blocks:
            if "©" in block or "copyright" in block.lower():
                evidence.append(Evidence(ctx.show(facts.url), f'"{short(block, 120)}"'))
                break
        if len(evidence) >= 2:
            break
    evidence += ctx.text_hits("official", limit=2)
    evidence = unique(evidence)[:5]
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence, method)


def rule_205(ctx: Context) -> Verdict:
    method = ("Read the XML sitemap (as listed in robots.txt, or /sitemap.xml) and looked for a site map or "
              "A to Z page linked from the pages; a person confirms that it shows the site's structure.")
    evidence = []
    sitemap = ctx.site.sitemap
    if sitemap is not None and sitemap.ok:
        count = len(re.findall(rb"<loc>", sitemap.body[:5_000_000]))
        evidence.append(Evidence(ctx.show(sitemap.url), f"XML sitemap with {count} address(es)"))
    evidence += ctx.candidates("sitemap", limit=3)
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence[:5], method)


def rule_201(ctx: Context) -> Verdict:
    method = ("Looked for signs that the portal depends on one browser (plug-ins such as Flash, Internet Explorer "
              "conditional comments, X-UA-Compatible, 'best viewed with' notices) and for the HTML5 doctype; "
              "LOSI tests the three most used browsers, which a person does.")
    pages = ctx.pages
    evidence = [Evidence(ctx.show(f.url), signal) for f in pages for signal in f.legacy][:3]
    evidence += ctx.text_hits("browser_warning", limit=2)
    if pages:
        html5 = sum(1 for f in pages if f.html5_doctype)
        evidence.append(Evidence(ctx.show(ctx.home.url), f"{html5} of {len(pages)} page(s) use the HTML5 doctype; "
                                                         f"{'no' if not evidence else 'some'} browser-specific code found"))
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence[:5], method)


def rule_207(ctx: Context) -> Verdict:
    method = ("Looked for advanced search options (filters, date ranges, exact phrase) on the pages and on the "
              "test search's results page; a person tries them.")
    evidence = list(ctx.candidates("advanced_search", limit=3))
    test = ctx.site.search
    if test is not None and test.fetched is not None and test.fetched.ok and test.fetched.is_html:
        results = ctx.facts_of(test.fetched)
        filters = [f for f in results.forms for _, kind, _ in f.fields if kind in ("select", "date", "checkbox", "radio")]
        if filters:
            evidence.append(Evidence(ctx.show(test.fetched.url), "the results page has filters (lists, dates or boxes)"))
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence[:5], method)


def rule_288(ctx: Context) -> Verdict:
    method = ("Looked for a helpdesk or support line named next to a phone number, on the pages read; a person "
              "confirms it helps with the digital services.")
    evidence = []
    for facts in ctx.pages:
        for block in facts.blocks:
            if ctx.vocabulary.find("helpdesk", block, ctx.languages(facts)) and find_phone_numbers(block, True):
                evidence.append(Evidence(ctx.show(facts.url), f'"{short(block, 120)}"'))
                break
    evidence = unique(evidence)[:3] + ctx.candidates("helpdesk", limit=2)
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence[:5], method)


def rule_237(ctx: Context) -> Verdict:
    method = ("Looked, on the pages that offer data files, for their metadata (description, date, publisher, "
              "licence); LOSI asks for metadata on every dataset, which a person checks file by file.")
    pages = [f for f in ctx.pages if any(l.url and _DATA_FILE.search(urlsplit(l.url).path) for l in f.links)]
    evidence = []
    for facts in pages:
        hits = [b for b in facts.blocks if ctx.vocabulary.find("metadata", b, ctx.languages(facts))]
        files = sum(1 for l in facts.links if l.url and _DATA_FILE.search(urlsplit(l.url).path))
        evidence.append(Evidence(ctx.show(facts.url), f"{files} data file link(s); {len(hits)} text block(s) "
                                                      "naming metadata (licence, date, publisher...)"))
    evidence += ctx.candidates("metadata", limit=2, kinds=("heading",))
    return Verdict(REVIEW if evidence else NOT_ASSESSED, evidence[:5], method)


SPECIAL_RULES = {
    "281": rule_281, "205": rule_205, "201": rule_201, "207": rule_207, "288": rule_288, "237": rule_237,
    "236-PE": _topic_rule(("open_data",), "datasets in open formats",
                          lambda ctx: _data_files(ctx)),
    "292": _topic_rule(("air_data",), "published air quality measurements",
                       lambda ctx: _data_files(ctx, lambda url: "air" in url.lower())),
    "296": _topic_rule(("news",), "a news section", _feeds),
    "283": _topic_rule(("mobile_app",), "municipal mobile apps", _app_links),
    "245": _topic_rule(("login",), "a sign-in with a digital identity", _password_fields),
    "271": _topic_rule(("feedback",), "sending feedback or complaints online", _forms_on_topic_pages("feedback")),
    "293": _topic_rule(("satisfaction",), "a way to rate satisfaction", _forms_on_topic_pages("satisfaction")),
}
SPECIAL_RULES["270a"] = _topic_rule(("live_chat",), "a live chat with staff", _chat_embeds)

_HUMAN = ("No machine check: this needs a person's judgement of what the portal says or does (see the "
          "indicator's description).")


def judge(ctx: Context, edition: str = "2024") -> list[IndicatorResult]:
    """The result of every indicator of the instrument, in catalog order.

    Example:
        >>> from losi_course.audit.run import run_audit
        >>> from losi_course.portal import portal_path
        >>> results = run_audit(portal_path() / "help.html", validator=False, browser=False).indicators
        >>> [(r.id, r.outcome) for r in results if r.id in ("240", "215")]
        [('215', 'not_assessed'), ('240', 'review')]
    """
    results = []
    for indicator in load_instrument(edition):
        rule = DECIDING_RULES.get(indicator.id) or SPECIAL_RULES.get(indicator.id)
        if rule is None and indicator.id in TOPICS:
            rule = _topic_rule(*TOPICS[indicator.id])
        if rule is None or indicator.automation == "HUMAN":
            verdict = Verdict(NOT_ASSESSED, [], _HUMAN)
        else:
            verdict = rule(ctx)
        if verdict.outcome in (MET, NOT_MET) and not verdict.evidence:
            verdict = Verdict(REVIEW, verdict.evidence, verdict.method)  # never a decision without evidence
        results.append(IndicatorResult(indicator.id, indicator.label, indicator.criterion, indicator.automation,
                                       verdict.outcome, verdict.evidence, verdict.method))
    return results
