"""Hostile and broken portals: each gives a clear outcome or message, never a crash (all on 127.0.0.1)."""

import gzip
import socket
import time

import pytest
from loopback_site import LoopbackSite

from losi_course.audit import capture_site, run_audit
from losi_course.audit.crawling import SAME_PATH_QUERIES
from losi_course.audit.policy import USER_AGENT
from losi_course.cli import main
from losi_course.errors import LosiInputError

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = b'<!DOCTYPE html><html lang="en"><title>Town of Ostra (fictional)</title><body><p>Ostra.</p></body></html>'


def audit(target, **options):
    return run_audit(target, delay=0, validator=False, browser=False, **options)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_host_is_one_clear_sentence():
    with pytest.raises(LosiInputError, match="could not be reached"):
        audit(f"http://127.0.0.1:{_closed_port()}/")


def test_a_tls_failure_says_so():
    with LoopbackSite(routes={"/": (200, HTML, PAGE)}) as site:
        with pytest.raises(LosiInputError, match="secure \\(TLS\\) connection failed"):
            audit(f"https://127.0.0.1:{site.port}/")


@pytest.mark.parametrize("routes, message", [
    ({"/": (302, {"Location": "/a"}, b""), "/a": (301, {"Location": "/"}, b"")}, "redirects in a loop"),
    ({"/": (302, {"Location": "/r0"}, b""),
      **{f"/r{n}": (302, {"Location": f"/r{n + 1}"}, b"") for n in range(40)}}, "more than 10 times"),
    ({"/": (404, HTML, b"<html><title>Not found</title></html>")}, "answered with the HTTP status 404"),
    ({"/": (500, HTML, b"oops")}, "answered with the HTTP status 500"),
    ({"/": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ...")}, "not a web page \\(it is application/pdf\\)"),
    ({"/": (200, HTML, PAGE), "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /\n")},
     "robots.txt asks crawlers not to read it"),
    ({"/": (200, HTML, PAGE), "/robots.txt": (503, {}, b"")}, "robots.txt answers with a server error \\(503\\)"),
])
def test_a_start_page_that_cannot_be_audited_is_refused_clearly(routes, message):
    with LoopbackSite(routes=routes) as site:
        with pytest.raises(LosiInputError, match=message):
            audit(site.url)
        assert len(site.requests) < 20  # the redirect chain was cut, not followed to its end


def test_the_command_line_reports_it_in_one_paragraph(capsys):
    assert main(["audit", f"http://127.0.0.1:{_closed_port()}/", "--no-browser", "--no-validator"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("losi-course: The audit could not read") and "Traceback" not in error


@pytest.mark.slow  # it waits for the time-out it tests
def test_a_server_that_trickles_is_abandoned_in_time():
    def trickle(query):
        def body():
            yield b"<html><body>"
            for _ in range(50):
                time.sleep(0.2)
                yield b"x"
        return 200, HTML, body()

    with LoopbackSite(routes={"/": trickle}) as site:
        with pytest.raises(LosiInputError, match="took too long"):
            audit(site.url, timeout=1)


def test_a_huge_page_is_read_up_to_the_size_limit():
    sent = []

    def huge(query):
        def body():
            yield b'<!DOCTYPE html><html lang="en"><title>Huge (fictional)</title><body>'
            for _ in range(2000):  # 20 MB if nobody stopped reading
                sent.append(1)
                yield b"<p>" + b"x" * 10_000 + b"</p>"
        return 200, HTML, body()

    with LoopbackSite(routes={"/": huge}) as site:
        result = audit(site.url, max_bytes=200_000)
    assert result.pages[0].truncated and result.pages[0].title == "Huge (fictional)"
    assert len(sent) < 2000


def test_an_endlessly_nested_page_is_analysed_up_to_a_bound():
    nested = b'<!DOCTYPE html><html lang="en"><title>Nested</title><body>' + b"<div>" * 300_000 + b"end"
    with LoopbackSite(routes={"/": (200, HTML, nested)}) as site:
        result = audit(site.url)
    assert result.pages[0].truncated and result["204"].outcome == "not_met"


@pytest.mark.parametrize("content_type, body, title", [
    ("text/html; charset=utf-8", '<html><title>Caf\xe9 Ostra</title></html>'.encode("latin-1"), "Caf\ufffd Ostra"),
    ("text/html; charset=no-such-charset", "<html><title>Ostra ✓</title></html>".encode("utf-8"), "Ostra ✓"),
    ("text/html", b'<meta charset="windows-1252"><title>Ostra \x96 home</title>', "Ostra – home"),
    ("text/html; charset=utf-8", b"<html><title>Ostra\x00\xff\xfe</title><p>\x00\x01</p></html>", "Ostra\ufffd\ufffd\ufffd"),
])
def test_invalid_or_mislabelled_encodings_are_decoded_without_failing(content_type, body, title):
    with LoopbackSite(routes={"/": (200, {"Content-Type": content_type}, body)}) as site:
        result = audit(site.url)
    assert result.pages[0].title == title


def test_broken_inner_pages_never_stop_the_crawl():
    home = (b'<!DOCTYPE html><html lang="en"><title>Ostra (fictional)</title><body>'
            b'<a href="/missing">Missing</a><a href="/error">Error</a><a href="/file">File</a>'
            b'<a href="/loop">Loop</a><a href="/ok">OK</a><a href="/forbidden">Forbidden</a></body></html>')
    routes = {"/": (200, HTML, home), "/error": (500, HTML, b"<html>Server error</html>"),
              "/file": (200, {"Content-Type": "application/zip"}, b"PK\x03\x04"),
              "/loop": (302, {"Location": "/loop"}, b""), "/ok": (200, HTML, PAGE),
              "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /forbidden\n")}
    with LoopbackSite(routes=routes) as site:
        result = audit(site.url)
        assert "/forbidden" not in site.requests
    statuses = sorted(p.status for p in result.pages)
    assert statuses == [200, 200, 404, 500]
    assert any("loop" in problem for problem in result.problems)
    assert any("robots.txt" in problem for problem in result.problems)


def test_the_crawl_stays_on_the_host_and_within_its_limits():
    links = "".join(f'<a href="/p{n}">Page {n}</a>' for n in range(30))

    def calendar(query):
        month = int(query.split("=")[1]) if query else 0
        return 200, HTML, f'<html lang="en"><a href="/calendar?month={month + 1}">Next</a></html>'.encode()

    home = (f'<!DOCTYPE html><html lang="en"><title>Ostra</title><body><a href="/calendar?month=0">Events</a>'
            f'<a href="http://localhost:{{port}}/other-name">Same server, other host name</a>'
            f'<a href="https://www.facebook.com/ostra">Facebook</a>{links}</body></html>')
    routes = {"/calendar": calendar, **{f"/p{n}": (200, HTML, PAGE.replace(b"Ostra.", f"Page {n}".encode()))
                                         for n in range(30)}}
    with LoopbackSite(routes=routes) as site:
        site.routes["/"] = (200, HTML, home.replace("{port}", str(site.port)).encode())
        result = audit(site.url, max_pages=12)
        assert not any(path.startswith("/other-name") for path in site.requests)
        assert sum(path.startswith("/calendar") for path in site.requests) <= SAME_PATH_QUERIES
        assert all(headers.get("User-Agent") == USER_AGENT for _, _, headers in site.log)
    assert len(result.pages) == 12
    assert any("linked but not read" in note for note in result.notes)


@pytest.mark.slow  # it waits out the delays it measures
def test_requests_to_one_host_are_spaced_by_the_delay_and_by_robots_crawl_delay():
    home = b'<html lang="en"><a href="/a">A</a><a href="/b">B</a></html>'
    routes = {"/": (200, HTML, home), "/a": (200, HTML, PAGE), "/b": (200, HTML, PAGE + b" ")}
    with LoopbackSite(routes=routes) as site:
        run_audit(site.url, delay=0.25, validator=False, browser=False)
        times = [t for t, _, _ in site.log]
    assert len(times) >= 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.2
    routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 0.4\n")
    with LoopbackSite(routes=routes) as site:
        run_audit(site.url, delay=0, validator=False, browser=False)
        times = [t for t, _, _ in site.log]
    assert min(b - a for a, b in zip(times[1:], times[2:])) >= 0.35


@pytest.mark.parametrize("name, content, message", [
    ("broken.warc.gz", b"\x1f\x8b this is not gzip", "WARC"),
    ("random.warc", b"hello world\r\n\r\n", "WARC"),
    ("empty.warc.gz", gzip.compress(b""), "holds no web page"),
])
def test_a_damaged_warc_is_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LosiInputError, match=message):
        audit(path)


@pytest.mark.parametrize("target, message", [
    ("ftp://town.example/", "http:// or https://"),
    ("www.town.example", "write the whole address, e.g. https://www.town.example"),
    ("no/such/folder", "not a web address, a folder or a file"),
])
def test_targets_that_are_not_a_portal(target, message):
    with pytest.raises(LosiInputError, match=message):
        audit(target)


def test_folders_and_files_that_hold_no_page(tmp_path):
    with pytest.raises(LosiInputError, match="holds no saved web page"):
        audit(tmp_path)
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    with pytest.raises(LosiInputError, match="not a web page or a capture"):
        audit(tmp_path / "report.pdf")


def test_a_saved_folder_never_serves_files_outside_itself(tmp_path):
    (tmp_path / "secret.html").write_text("<title>secret</title>")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="en"><a href="../secret.html">x</a><a href="/../../secret.html">y</a>'
                                     '<p>A fictional saved page.</p></html>')
    result = audit(site)
    assert [p.url for p in result.pages] == ["index.html"]


def test_a_failed_capture_leaves_no_file(tmp_path):
    out = tmp_path / "site.warc.gz"
    with pytest.raises(LosiInputError):
        capture_site(f"http://127.0.0.1:{_closed_port()}/", out, delay=0)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(LosiInputError, match="ending in .warc.gz"):
        capture_site("http://127.0.0.1/", tmp_path / "site.zip")
