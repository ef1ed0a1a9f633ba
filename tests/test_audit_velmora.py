"""The fictional Velmora portal, audited through HTTP, from its saved folder and from a WARC capture.

The answer key is a check, not a target: every decision the machine takes must agree with it,
and the same portal must give the same outcomes however it is read.
"""

import json

import pytest

from losi_course.audit import capture_site, run_audit
from losi_course.audit.pagefacts import CONTRACT_FIELDS
from losi_course.cli import main
from losi_course.portal import portal_path, start_portal_server
from losi_course.portal.server import start_portal_socket
from losi_course.sheets import read_sheet
from losi_course.velmora.answer_key import accepted, load_answer_key

STATIC = {"validator": False, "browser": False}
HUB_ADDRESS = "https://workshop.example/user/amina/velmora/"


@pytest.fixture(scope="module")
def velmora(tmp_path_factory):
    """The readings of Velmora, static checks only (the deeper ones are in test_audit_deeper).

    "socket" is the portal as served on a workshop server: on a private Unix socket, with the
    participant's proxied address as its url, read by handing the server object to the audit.
    """
    warc = tmp_path_factory.mktemp("capture") / "velmora.warc.gz"
    with start_portal_server() as server:
        http = run_audit(server.url, delay=0, **STATIC)
        capture = capture_site(server.url, warc, delay=0)
    with start_portal_socket(tmp_path_factory.mktemp("run") / "velmora.sock", url=HUB_ADDRESS) as server:
        socket = run_audit(server, delay=0, **STATIC)
    return {"http": http, "folder": run_audit(portal_path(), **STATIC), "warc": run_audit(warc, **STATIC),
            "capture": capture, "socket": socket}


def wrong_decisions(result):
    key = load_answer_key()
    return {r.id: r.outcome for r in result.indicators
            if r.value is not None and r.value not in accepted(key.loc[r.id, "accept"])}


@pytest.mark.parametrize("reading", ["http", "folder", "warc", "socket"])
def test_no_decision_disagrees_with_the_answer_key(velmora, reading):
    result = velmora[reading]
    assert wrong_decisions(result) == {}
    assert {i for i, v in result.decided().items()} >= {"204", "212", "214", "210"}


def test_the_readings_give_the_same_outcomes(velmora):
    readings = ("http", "folder", "warc", "socket")
    outcomes = {name: [(r.id, r.outcome) for r in velmora[name].indicators] for name in readings}
    assert outcomes["http"] == outcomes["folder"] == outcomes["warc"] == outcomes["socket"]


def test_a_portal_on_a_socket_is_shown_at_the_address_its_participant_opens(velmora):
    socket = velmora["socket"]
    assert socket.target == HUB_ADDRESS
    assert {p.url for p in socket.pages} == {HUB_ADDRESS + p.url.split("/", 3)[3] for p in velmora["http"].pages}
    assert all(e.url.startswith(HUB_ADDRESS) for e in socket["210"].evidence)


def test_http_reading_respects_robots_and_reads_each_page_once(velmora):
    http = velmora["http"]
    paths = [p.url.split("/", 3)[3] for p in http.pages]
    assert "search.html" not in paths and "thank-you.html" not in paths  # disallowed by robots.txt
    assert len(paths) == len(set(paths)) and "index.html" not in paths  # "/" and "/index.html" are one page
    assert velmora["capture"].pages == len(http.pages)
    # the broken link to a page leads to the site's 404 page, listed with its status (the other
    # broken link is to a PDF, which is not downloaded)
    assert [(p.url.rsplit("/", 1)[1], p.status) for p in http.pages if p.status != 200] == [("dog-licence.html", 404)]


def test_search_that_robots_forbids_to_try_goes_to_a_person(velmora):
    """The box exists but the results page is disallowed (HTTP, WARC) or cannot answer (folder)."""
    for name, reason in (("http", "robots.txt"), ("warc", "robots.txt"), ("folder", "saved copy")):
        result = velmora[name]["206"]
        assert result.outcome == "review" and reason in " ".join(e.snippet for e in result.evidence)


def test_invented_social_networks_go_to_a_person_with_the_links(velmora):
    result = velmora["folder"]["273"]
    assert result.outcome == "review"
    assert "chirper.example" in result.evidence[0].snippet and "Follow us" in result.evidence[0].snippet


def test_the_designed_flaws_are_the_evidence_of_210(velmora):
    evidence = {e.url: e.snippet for e in velmora["folder"]["210"].evidence}
    assert "index.html" in evidence and "no text alternative" in evidence["index.html"]
    assert "no label, only a placeholder" in evidence["services/building-permit-apply.html"]


def test_json_output_is_the_agreed_contract(capsys):
    assert main(["audit", str(portal_path()), "--json", "--no-validator", "--no-browser"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    assert list(document) == ["target", "pages", "indicators"]
    assert len(document["pages"]) == 57
    assert all(list(page) == list(CONTRACT_FIELDS) for page in document["pages"])
    home = document["pages"][0]
    assert home["url"] == "index.html" and home["lang"] == "en" and home["images_without_alt"] == 1
    assert home["hreflang"] == ["es"] and home["feeds"] == ["news/rss.xml"] and home["search_form"]
    first = document["indicators"][0]
    assert {"id", "outcome", "tier", "evidence"} <= set(first) and len(document["indicators"]) == 95


def test_the_summary_names_what_was_decided_and_what_to_review(capsys):
    assert main(["audit", str(portal_path()), "--no-validator", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "57 page(s) read" in out and "Decided by the machine:" in out and "For a person to review:" in out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_the_prefilled_sheet_opens_as_any_sheet(tmp_path, suffix, velmora):
    sheet = tmp_path / f"velmora{suffix}"
    velmora["folder"].write_sheet(sheet, city="Velmora", country="Estoria (fictional)")
    assessment = read_sheet(sheet)
    assert assessment.city == "Velmora"
    assert assessment["204"].state == "yes" and assessment["210"].state == "no"
    assert assessment["206"].state == "not sure" and "robots" not in assessment["206"].note
    assert assessment["273"].evidence == "index.html" and "Pre-check: review" in assessment["273"].note
    assert assessment["215"].state == "not sure"


def test_the_command_writes_the_sheet_and_the_form_opens_it(tmp_path, capsys):
    sheet = tmp_path / "velmora.csv"
    assert main(["audit", str(portal_path()), "--sheet", str(sheet), "--city", "Velmora",
                 "--no-validator", "--no-browser"]) == 0
    assert "Wrote the pre-filled sheet" in capsys.readouterr().out
    from losi_course.widgets import assessment_form

    form = assessment_form(sheet)
    assert form.sheet.city == "Velmora" and form.sheet["214"].state == "yes"


def test_the_notebook_api_returns_a_table(tmp_path):
    import losi_course as lc

    table = lc.audit_portal(portal_path(), sheet=tmp_path / "v.json", city="Velmora", **STATIC)
    assert list(table.columns) == ["id", "criterion", "label", "tier", "outcome", "value", "evidence", "method"]
    assert table.set_index("id").loc["214", "value"] == 1
    assert read_sheet(tmp_path / "v.json").city == "Velmora"


def test_capture_from_the_command_line_then_audit_offline(tmp_path, capsys):
    warc = tmp_path / "site.warc.gz"
    with start_portal_server() as server:
        assert main(["audit", "capture", server.url, "-o", str(warc), "--delay", "0", "--max-pages", "5"]) == 0
    assert "Saved 5 page(s)" in capsys.readouterr().out
    assert main(["audit", str(warc), "--json", "--no-validator", "--no-browser"]) == 0
    assert len(json.loads(capsys.readouterr().out)["pages"]) == 5


@pytest.mark.parametrize("argv, message", [
    (["audit", "capture", "http://127.0.0.1:9/"], "losi-course audit capture URL -o site.warc.gz"),
    (["audit", "a", "b"], "one too many"),
    (["audit", "x", "-o", "y.warc.gz"], "-o/--output is for 'losi-course audit capture'"),
    (["audit", "x", "--max-pages", "0"], "number of pages must be a whole number from 1 to 5000"),
])
def test_command_line_mistakes_exit_2_with_a_hint(argv, message, capsys):
    assert main(argv) == 2
    assert message in " ".join(capsys.readouterr().err.split())
