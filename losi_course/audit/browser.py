"""Checks in a real browser, when installed: axe-core (210), the phone layout (204), rendered pages.

Debian's Chromium (``/usr/bin/chromium``, ``apt-get install chromium``) is driven through
Playwright; no browser is ever downloaded (never ``playwright install``). The Python packages
``playwright`` and ``axe-playwright-python`` (which ships axe-core) must be installed. One
browser start serves every check of an audit:

* **axe-core** on the home page: its ``critical`` and ``serious`` violations are reliable
  evidence of WCAG failures (an empty list is *not* evidence of conformance);
* **the phone layout**: the home page in a 393-pixel-wide phone screen; a page whose layout is
  wider than the screen (no viewport, a fixed-width table) does not adapt;
* **rendered pages**: a page that is only a script shell is rendered, and its facts are read
  from what the browser shows.

Saved pages (a folder, a WARC) are served to the browser from the snapshot itself and every
other request is refused, so nothing leaves the computer. Playwright's synchronous API cannot
run inside a running event loop (a Jupyter kernel has one), so the browser runs in a thread.

Example:
    >>> browser_missing() is None or isinstance(browser_missing(), str)
    True
"""

from __future__ import annotations

import importlib.util
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BrowserReport", "browser_missing", "run_browser_checks", "CHROMIUM", "PHONE"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]
#: A common phone screen (the Pixel 5 of Playwright's device list).
PHONE = {"viewport": {"width": 393, "height": 851}, "device_scale_factor": 2.75, "is_mobile": True,
         "has_touch": True}
_TIMEOUT_MS = 20_000
_MAX_RENDERED = 5
_SERIOUS = ("critical", "serious")


@dataclass
class BrowserReport:
    """What the browser found. ``problem`` says why a part could not run (None when all ran).

    Example:
        >>> report = BrowserReport(violations=[{"id": "image-alt", "impact": "critical"},
        ...                                    {"id": "region", "impact": "moderate"}])
        >>> [v["id"] for v in report.serious]
        ['image-alt']
    """

    axe_version: str = ""
    violations: list[dict] = field(default_factory=list)
    axe_ran: bool = False
    phone_width: int | None = None
    layout_width: int | None = None
    viewport_width: int | None = None
    rendered: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @property
    def serious(self) -> list[dict]:
        """axe violations of impact critical or serious."""
        return [v for v in self.violations if v.get("impact") in _SERIOUS]


def browser_missing() -> str | None:
    """None when the browser checks can run, else what is missing.

    Example:
        >>> isinstance(browser_missing() or "", str)
        True
    """
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed (on Debian or Ubuntu: apt-get install chromium)"
    for module, package in (("playwright", "playwright"), ("axe_playwright_python", "axe-playwright-python")):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {package} is not installed"
    return None


def _route_from_snapshot(transport):
    def handle(route):
        url = route.request.url
        hop = transport.get(url) if url.startswith(("http://", "https://")) else None
        if hop is None or hop.status is None:
            route.abort()
            return
        headers = {k: v for k, v in hop.headers.items() if k not in ("content-length", "content-encoding",
                                                                     "transfer-encoding")}
        route.fulfill(status=hop.status, headers=headers, body=hop.body)
    return handle


def _checks(home_url: str, shells: list[str], transport, report: BrowserReport) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            def open_page(url: str, **context_options):
                context = browser.new_context(**context_options)
                if transport is not None:
                    context.route("**/*", _route_from_snapshot(transport))
                page = context.new_page()
                page.set_default_timeout(_TIMEOUT_MS)
                page.goto(url, wait_until="load", timeout=_TIMEOUT_MS)
                return context, page

            problems = []
            try:
                context, page = open_page(home_url, viewport={"width": 1280, "height": 800})
                axe = Axe()
                result = axe.run(page)
                report.violations = [
                    {"id": v.get("id"), "impact": v.get("impact"), "help": v.get("help"), "nodes": len(v.get("nodes", []))}
                    for v in result.response.get("violations", [])]
                report.axe_version = "axe-core " + str(result.response.get("testEngine", {}).get("version", ""))
                report.axe_ran = True
                context.close()
            except PlaywrightError as err:
                problems.append(f"axe-core could not check the home page ({str(err).splitlines()[0][:120]})")
            try:
                context, page = open_page(home_url, **PHONE)
                sizes = page.evaluate("() => [window.innerWidth, document.documentElement.scrollWidth]")
                report.viewport_width, report.layout_width = int(sizes[0]), int(sizes[1])
                report.phone_width = PHONE["viewport"]["width"]
                context.close()
            except PlaywrightError as err:
                problems.append(f"the phone layout could not be measured ({str(err).splitlines()[0][:120]})")
            for url in shells[:_MAX_RENDERED]:
                try:
                    context, page = open_page(url, viewport={"width": 1280, "height": 800})
                    try:
                        page.wait_for_load_state("networkidle", timeout=5000)
                    except PlaywrightError:
                        pass  # a page that keeps polling: take what is shown
                    report.rendered[url] = page.content()
                    context.close()
                except PlaywrightError as err:
                    problems.append(f"{url} could not be rendered ({str(err).splitlines()[0][:120]})")
            report.problem = "; ".join(problems) or None
        finally:
            browser.close()


def run_browser_checks(home_url: str, shells: list[str] = (), transport=None) -> BrowserReport:
    """Run axe-core and the phone layout on ``home_url`` and render the ``shells``.

    ``transport`` serves a snapshot's pages to the browser (None for a live site). Never
    raises: what could not run is in the report's ``problem``.

    Example (not run here: it starts Chromium, a few seconds)::

        >>> from losi_course.portal import start_portal_server
        >>> with start_portal_server() as server:  # doctest: +SKIP
        ...     report = run_browser_checks(server.url)
        >>> report.axe_ran, report.layout_width, [v["id"] for v in report.serious]  # doctest: +SKIP
        (True, 393, ['image-alt'])
    """
    missing = browser_missing()
    if missing:
        return BrowserReport(problem=missing)
    report = BrowserReport()
    failure: list[BaseException] = []

    def work():
        try:
            _checks(home_url, list(shells), transport, report)
        except Exception as err:  # the browser failed to start or died: report it, never crash the audit
            failure.append(err)

    thread = threading.Thread(target=work, name="losi-audit-browser", daemon=True)
    thread.start()
    thread.join(timeout=180)
    if thread.is_alive():
        report.problem = "the browser checks did not finish within 3 minutes"
    elif failure:
        first = str(failure[0]).splitlines()[0][:160] if str(failure[0]) else type(failure[0]).__name__
        report.problem = f"the browser could not run ({first})"
    return report
