"""The deeper checks: the W3C Nu validator (Java) and Chromium (axe-core, phone layout, rendered pages).

Each part runs where its tools are installed (``.ci/run`` installs them: Debian's chromium and
default-jre-headless, the Python packages from pyproject) and is skipped cleanly elsewhere.
"""

import asyncio
import shutil
from pathlib import Path

import pytest
from loopback_site import LoopbackSite

from losi_course.audit import capture_site, run_audit
from losi_course.audit.browser import browser_missing, run_browser_checks
from losi_course.audit.validator import validate_documents, validator_missing
from losi_course.portal import portal_path, start_portal_server
from losi_course.velmora.answer_key import accepted, load_answer_key

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
needs_validator = pytest.mark.skipif(validator_missing() is not None, reason=str(validator_missing()))
needs_browser = pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
pytestmark = pytest.mark.slow


def snippets(result, indicator):
    return " | ".join(e.snippet for e in result[indicator].evidence)


@needs_validator
def test_the_validator_finds_markup_and_css_errors_in_one_run():
    report = validate_documents([
        ("good", "html", b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ok</title></head>'
                         b"<body><p>Fine.</p></body></html>"),
        ("bad", "html", b'<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><img src="a.png">'
                        b"<p style='colr: red'>x</body></html>"),
        ("sheet", "css", b"body { colr: red; }\n"),
    ])
    assert report.problem is None and report.version.startswith("vnu")
    assert report.errors("good") == []
    assert any("alt" in m.text for m in report.errors("bad"))
    assert any(m.text.startswith("CSS:") for m in report.errors("bad"))
    assert [m.line for m in report.errors("sheet")] == [1]


@needs_validator
def test_without_java_208_and_209_are_not_assessed(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run_audit(FIXTURES / "plain.html", browser=False)
    assert result["208"].outcome == result["209"].outcome == "not_assessed"
    assert "no Java runtime" in result["208"].method


@pytest.fixture(scope="module")
def velmora_deep(tmp_path_factory):
    if validator_missing() and browser_missing():
        pytest.skip("neither the validator nor the browser is installed")
    warc = tmp_path_factory.mktemp("deep") / "velmora.warc.gz"
    with start_portal_server() as server:
        http = run_audit(server.url, delay=0)
        capture_site(server.url, warc, delay=0)
    return {"http": http, "folder": run_audit(portal_path()), "warc": run_audit(warc)}


def test_velmora_with_the_deeper_checks_agrees_with_the_key_in_all_three_readings(velmora_deep):
    key = load_answer_key()
    for name, result in velmora_deep.items():
        wrong = {r.id for r in result.indicators if r.value is not None
                 and r.value not in accepted(key.loc[r.id, "accept"])}
        assert wrong == set(), name
    outcomes = [[(r.id, r.outcome) for r in result.indicators] for result in velmora_deep.values()]
    assert outcomes[0] == outcomes[1] == outcomes[2]


@needs_validator
def test_velmora_markup_has_the_designed_error_and_its_css_none(velmora_deep):
    result = velmora_deep["http"]
    assert result["208"].outcome == "not_met" and "alt" in snippets(result, "208")
    assert result["209"].outcome == "met" and "css/style.css" in snippets(result, "209")


@needs_browser
def test_velmora_in_chromium_fits_a_phone_and_axe_sees_the_missing_alt(velmora_deep):
    result = velmora_deep["http"]
    assert result["204"].outcome == "met" and "393-pixel phone screen" in snippets(result, "204")
    assert result["210"].outcome == "not_met" and "image-alt" in snippets(result, "210")


@needs_browser
def test_a_fixed_width_layout_is_seen_only_in_a_browser():
    with LoopbackSite(FIXTURES / "kessel") as site:
        result = run_audit(site.url, delay=0, validator=False)
    assert result["204"].outcome == "not_met" and "wider than the screen" in snippets(result, "204")
    assert "axe-core" in snippets(result, "210")


@needs_browser
def test_a_script_shell_is_rendered_and_nothing_leaves_the_snapshot(tmp_path):
    folder = tmp_path / "shell"
    shutil.copytree(FIXTURES / "shell", folder)
    with LoopbackSite(routes={}) as outside:
        page = folder / "index.html"
        page.write_text(page.read_text().replace(
            "</head>", f'<script src="{outside.url}tracker.js"></script></head>'), encoding="utf-8")
        result = run_audit(folder, validator=False)
        assert outside.requests == []  # saved pages are served from the snapshot, all else refused
    home = result.pages[0]
    assert home.needs_browser and home.rendered and home.viewport and home.tel == 1
    assert result["214"].outcome == "met" and result["273"].outcome == "met" and result["204"].outcome == "met"


@needs_browser
def test_the_browser_checks_run_inside_a_running_event_loop_as_in_jupyter():
    async def in_a_kernel():
        with LoopbackSite(FIXTURES / "orvane") as site:
            return run_browser_checks(site.url)

    report = asyncio.run(in_a_kernel())
    assert report.problem is None and report.axe_ran and report.layout_width == 393
