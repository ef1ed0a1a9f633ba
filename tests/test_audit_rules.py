"""The indicator rules on fictional portals that behave like real ones (saved, and served on 127.0.0.1)."""

from pathlib import Path

import pytest
from loopback_site import LoopbackSite

from losi_course.audit import run_audit
from losi_course.audit.evidence import OUTCOMES
from losi_course.framework import load_instrument

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
STATIC = {"validator": False, "browser": False}


def audit(target, **options):
    return run_audit(target, delay=0, **{**STATIC, **options})


@pytest.fixture(scope="module")
def orvane():
    return audit(FIXTURES / "orvane")


@pytest.fixture(scope="module")
def orvane_served():
    with LoopbackSite(FIXTURES / "orvane") as site:
        yield audit(site.url)


@pytest.fixture(scope="module")
def kessel():
    return audit(FIXTURES / "kessel")


@pytest.fixture(scope="module")
def plain():
    return audit(FIXTURES / "plain.html")


def snippets(result, indicator):
    return " | ".join(e.snippet for e in result[indicator].evidence)


def test_every_indicator_has_an_outcome_a_tier_and_a_method(plain):
    instrument = load_instrument()
    assert [r.id for r in plain.indicators] == list(instrument.ids)
    for r in plain.indicators:
        assert r.outcome in OUTCOMES and r.tier == instrument[r.id].automation and r.method.endswith(".")
        if r.outcome in ("met", "not_met"):
            assert r.evidence, r.id
        if r.tier == "HUMAN":
            assert r.outcome == "not_assessed"


def test_a_bare_page_fails_every_decided_indicator(plain):
    assert {i: plain[i].outcome for i in ("204", "206", "212", "214", "273")} == dict.fromkeys(
        ("204", "206", "212", "214", "273"), "not_met")


@pytest.mark.parametrize("which", ["orvane", "orvane_served"])
def test_orvane_as_real_portals_build_it(which, request):
    result = request.getfixturevalue(which)
    # a phone number written as plain text is a contact detail, though there is no tel: link
    assert result["214"].outcome == "met" and "09 99 12 34 56" in snippets(result, "214")
    assert result.pages[0].tel == 0 and result.pages[0].mailto == 0
    # an icon-only link counts, the placeholder "Instagram" (href="#") does not
    assert result["273"].outcome == "met" and result.pages[0].social == ["facebook.com"]
    # a language switcher without hreflang still leads to a page in English
    assert result["212"].outcome == "met" and 'lang="en"' in snippets(result, "212")
    assert result.pages[0].hreflang == []
    # a search box outside any form cannot be tried without a browser: a person reviews
    assert result["206"].outcome == "review" and "not inside a form" in snippets(result, "206")
    assert result.pages[0].search_form
    assert result["204"].outcome == "met"


def test_buttons_and_placeholders_are_evidence_for_a_person(orvane):
    assert orvane["269a"].outcome == "review"
    assert 'button "Payer en ligne" (no address: a script control)' in snippets(orvane, "269a")
    assert orvane["234"].outcome == "review" and "confidentialit" in snippets(orvane, "234").lower()
    assert orvane["205"].outcome == "review" and "Plan du site" in snippets(orvane, "205")


def test_kessel_shows_what_older_portals_get_wrong(kessel):
    assert kessel["210"].outcome == "not_met"
    assert "no text alternative" in snippets(kessel, "210") and "no label" in snippets(kessel, "210")
    # a "Search" link to a page is not a search box, but may open one: a person looks
    assert kessel["206"].outcome == "review" and 'link "Search"' in snippets(kessel, "206")
    # "share this page" buttons are not the city's own accounts
    assert kessel["273"].outcome == "review" and "share" in snippets(kessel, "273")
    # the contact page it links to does not exist in the saved copy
    assert kessel["214"].outcome == "review"
    assert kessel["212"].outcome == "not_met"
    # statically the viewport is declared; only a browser sees the fixed 1200-pixel table
    assert kessel["204"].outcome == "met"


def test_a_script_shell_is_not_assessed_without_a_browser():
    result = audit(FIXTURES / "shell")
    assert result.pages[0].needs_browser
    assert {i: result[i].outcome for i in ("204", "206", "212", "214", "273", "210")} == dict.fromkeys(
        ("204", "206", "212", "214", "273", "210"), "not_assessed")
    assert any("script shells" in note for note in result.notes)


def test_deeper_checks_switched_off_leave_208_and_209_not_assessed(plain):
    assert plain["208"].outcome == plain["209"].outcome == "not_assessed"
    assert "switched off" in plain["208"].method


# ----------------------------------------------------------------------------- search
def _search_site(results, method="get", robots=b"", action="/search"):
    home = (f'<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
            f'<title>Town of Brenna (fictional)</title></head><body><h1>Brenna</h1>'
            f'<form action="{action}" method="{method}" role="search"><label for="q">Search</label>'
            f'<input id="q" name="q"><input type="hidden" name="lang" value="en"></form>'
            f'<a href="/about">About</a></body></html>').encode()
    routes = {"/": (200, {"Content-Type": "text/html; charset=utf-8"}, home), "/search": results}
    if robots:
        routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, robots)
    return LoopbackSite(routes=routes)


def _results(body: str):
    return lambda query: (200, {"Content-Type": "text/html; charset=utf-8"},
                          f'<!DOCTYPE html><html lang="en"><title>Results</title><body>{body.format(query=query)}'
                          f'<a href="/about">About</a></body></html>'.encode())


def test_a_working_search_is_met():
    with _search_site(_results('<h1>Results</h1><ul><li><a href="/news/brenna-fair">Brenna fair</a></li></ul>')) as site:
        result = audit(site.url)
        assert result["206"].outcome == "met"
        assert any(path.startswith("/search?q=Brenna&lang=en") for path in site.requests)


def test_a_search_that_says_it_is_unavailable_goes_to_a_person():
    with _search_site(_results("<p>Search is temporarily unavailable.</p>")) as site:
        result = audit(site.url)
    assert result["206"].outcome == "review" and "temporarily unavailable" in snippets(result, "206")


def test_a_search_with_no_result_link_goes_to_a_person():
    with _search_site(_results("<p>Here is what we found for {query}.</p>")) as site:
        assert audit(site.url)["206"].outcome == "review"


@pytest.mark.parametrize("kwargs, reason", [
    ({"method": "post"}, "POST"),
    ({"robots": b"User-agent: *\nDisallow: /search\n"}, "robots.txt"),
    ({"action": "https://search.elsewhere.example/find"}, "another site"),
])
def test_a_search_the_audit_may_not_run_goes_to_a_person(kwargs, reason):
    with _search_site(_results("<a href='/x'>x</a>"), **kwargs) as site:
        result = audit(site.url)
        assert not any(path.startswith("/search") for path in site.requests)
    assert result["206"].outcome == "review" and reason in snippets(result, "206")


def test_a_saved_copy_cannot_run_a_test_search(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<html lang="en"><title>Brenna</title><form action="search.html"><input name="q"></form>'
                    '<p>Brenna, a fictional town.</p></html>')
    (tmp_path / "search.html").write_text('<html lang="en"><a href="a.html">Result</a></html>')
    result = audit(tmp_path)
    assert result["206"].outcome == "review" and "saved copy" in snippets(result, "206")
