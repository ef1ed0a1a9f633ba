"""Page facts: the JSON contract's fields, each on the markup real portals use."""

import re

import pytest

from losi_course.audit.keywords import load_vocabulary
from losi_course.audit.pagefacts import CONTRACT_FIELDS, cut_for_analysis, page_facts

VOCABULARY = load_vocabulary()
SEARCH = VOCABULARY.pattern("search", VOCABULARY.languages)


def facts(body: str, head: str = "", lang: str | None = "en", url: str = "https://town.example/"):
    opening = f'<html lang="{lang}">' if lang is not None else "<html>"
    return page_facts(f"<!DOCTYPE html>{opening}<head>{head}</head><body>{body}</body></html>", url,
                      search_words=SEARCH, networks=VOCABULARY.networks)


def test_the_contract_has_exactly_the_agreed_names_in_order():
    assert list(facts("<p>x</p>").contract()) == [
        "url", "status", "lang", "lang_valid", "title", "viewport", "images", "images_without_alt",
        "form_fields", "unlabelled_fields", "search_form", "mailto", "tel", "social", "feeds", "hreflang",
        "needs_browser"]
    assert CONTRACT_FIELDS == tuple(facts("<p>x</p>").contract())


@pytest.mark.parametrize("lang, value, valid", [
    ("es-MX", "es-MX", True), ("english", "english", False), ("", "", False), (None, None, False)])
def test_lang_is_the_html_attribute_and_its_validity(lang, value, valid):
    page = facts("<p>x</p>", lang=lang)
    assert (page.lang, page.lang_valid) == (value, valid)


def test_viewport_needs_width_device_width():
    assert facts("", '<meta name="viewport" content="width = device-width, initial-scale=1">').viewport
    assert not facts("", '<meta name="viewport" content="width=1024">').viewport
    assert not facts("").viewport


def test_decorative_images_are_not_missing_alt():
    page = facts('<img src="a.png" alt=""><img src="b.png"><img src="c.png" alt="Town hall">'
                 '<img src="d.png" aria-label="Map">')
    assert (page.images, page.images_without_alt, page.images_without_name) == (4, 2, 1)


def test_field_labels_every_accepted_way_and_the_ones_that_do_not_count():
    page = facts("""
      <form>
        <label for="a">Name</label><input id="a">
        <label>Town <input name="b"></label>
        <input aria-label="Phone">
        <span id="lbl">Street</span><input aria-labelledby="lbl">
        <input title="Postcode">
        <label for="f"></label><input id="f">
        <input aria-labelledby="nowhere">
        <input placeholder="E-mail">
        <label>  <select name="s"><option>One</option></select></label>
        <input type="hidden" name="h"><input type="submit"><input type="image" src="go.png" alt="Go">
        <textarea name="t"></textarea>
      </form>""")
    assert page.form_fields == 10
    # empty label for=, labelledby to nothing, a placeholder only, an option text posing as a label, a bare textarea
    assert page.unlabelled_fields == 5
    assert page.nameless_fields == 4  # the placeholder gives a (weak) accessible name


@pytest.mark.parametrize("markup", [
    '<form action="/search"><input name="x"></form>',
    '<form><input type="search" name="x"></form>',
    '<div role="search"><input name="x"></div>',
    '<search><form><input name="x"></form></search>',
    '<form action="/recherche"><input name="mots"></form>',
    '<form action="/buscar"><input name="texto"></form>',
    '<form id="suche"><input name="begriff"></form>',
    '<form><input name="q"></form>',
    '<input type="search" aria-label="Rechercher">',
    '<div class="gcse-search"></div>',
])
def test_search_forms_as_real_portals_write_them(markup):
    assert facts(markup).search_form


def test_a_newsletter_form_is_not_a_search_form():
    assert not facts('<form action="/subscribe"><input type="email" name="email"></form>').search_form


def test_a_search_box_outside_any_form_is_seen_and_marked():
    page = facts('<div class="site-search"><input type="search" aria-label="Search"></div>')
    assert page.search_form and page.search_outside_form and not page.forms


def test_placeholder_links_are_not_links():
    page = facts('<a href="#">Facebook</a><a href="javascript:void(0)">Twitter</a><a href="">YouTube</a>'
                 '<a href="mailto:">Mail</a><a href="tel:">Call</a>')
    assert page.social == [] and page.mailto == 0 and page.tel == 0


def test_icon_only_social_links_count_by_their_address():
    page = facts('<a href="https://www.facebook.com/town"><svg aria-hidden="true"></svg></a>'
                 '<a href="https://m.youtube.com/@town"><i class="icon-yt"></i></a>'
                 '<a href="https://notfacebook.com/x">x</a>')
    assert page.social == ["facebook.com", "youtube.com"]
    assert {link.text for link in page.links if link.url and "www.facebook.com" in link.url} == {""}


def test_mailto_and_tel_links_are_counted():
    page = facts('<a href="mailto:info@town.example">Write</a><a href="tel:+999 1234">Call</a>'
                 '<a href="TEL:+999 5678">Helpdesk</a>')
    assert (page.mailto, page.tel) == (1, 2)


def test_feeds_and_hreflang_from_head_and_anchors():
    page = facts('<a href="/news/feed/">Feed</a><a href="/fr/" hreflang="fr">Français</a>',
                 '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
                 '<link rel="alternate" hreflang="es" href="/es/">')
    assert page.feeds == ["https://town.example/news/feed/", "https://town.example/rss.xml"]
    assert page.hreflang == ["es", "fr"]


def test_a_base_element_moves_where_links_point():
    page = facts('<a href="contact.html">Contact</a>', '<base href="https://town.example/portal/">')
    assert page.links[0].url == "https://town.example/portal/contact.html"


def test_buttons_are_kept_as_controls_with_their_text():
    page = facts('<button type="button" onclick="pay()">Pay online</button><input type="submit" value="Apply now">')
    assert [(link.element, link.text, link.url) for link in page.links] == [
        ("button", "Pay online", None), ("button", "Apply now", None)]


def test_a_script_shell_needs_a_browser_and_a_short_real_page_does_not():
    shell = facts('<div id="root"></div><noscript>Enable JavaScript</noscript><script src="/app.js"></script>')
    assert shell.needs_browser
    short = facts('<p>Page moved.</p><a href="/a">A</a><a href="/b">B</a><a href="/c">C</a><script>track()</script>')
    assert not short.needs_browser
    assert not facts("<p>Only text, no script.</p>").needs_browser


def test_section_headings_give_links_their_context():
    page = facts('<footer><section><h2>Follow us</h2><ul><li><a href="https://chirp.example/t">Chirp</a></li></ul>'
                 '</section></footer>')
    assert page.links[0].context == "Follow us"


def test_json_ld_same_as_is_read_and_broken_json_ignored():
    good = facts('<script type="application/ld+json">{"@type": "GovernmentOrganization", '
                 '"sameAs": ["https://www.instagram.com/town"]}</script><p>x</p>')
    assert good.same_as == ["https://www.instagram.com/town"]
    assert facts('<script type="application/ld+json">{"sameAs": [</script>').same_as == []


def test_legacy_browser_signals():
    page = facts('<!--[if IE 8]><p>Old</p><![endif]--><object type="application/x-shockwave-flash" data="a.swf">'
                 '</object>', '<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    assert len(page.legacy) == 3


def test_pages_built_to_exhaust_a_parser_are_cut():
    text, cut = cut_for_analysis("<div>" * 100_000)
    assert cut and text.count("<") == 60_000
    deep = page_facts("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000, "https://t.example/")
    assert deep.truncated


def test_bad_attribute_values_never_break_the_reader():
    page = facts('<a href="http://[broken">odd</a><img alt><meta name="viewport"><input type>'
                 '<form action=""><input name=""></form>')
    assert page.images == 1 and page.images_without_alt == 0
    assert all(re.match(r"https?://|mailto:|tel:", link.url) for link in page.links if link.url)
