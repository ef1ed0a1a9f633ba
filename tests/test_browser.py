"""The participant's view in a real browser: JupyterLab, the assessment form, a real click.

Runs when Debian's Chromium (``/usr/bin/chromium``) and the Playwright package are present
(``.ci/run`` installs Chromium); it never downloads a browser. Elsewhere it is skipped.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from losi_course.sheets import read_sheet

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]
# Waiting on the kernel through the app object avoids racing the kernel's start (a DOM
# indicator can say "idle" before the kernel is connected).
KERNEL_READY = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    nb = new_notebook(cells=[new_code_cell(
        'from losi_course import assessment_form\n'
        'form = assessment_form("velmora.csv", city="Velmora", assessor="Test assessor")\n'
        'form')], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, folder / "form.ipynb")
    port, token = _free_port(), "browser-test"
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.expose_app_in_browser=True"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            request = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.3)
    yield base, token, folder
    server.terminate()
    server.wait(timeout=30)


def test_a_click_on_the_form_in_jupyterlab_is_saved_to_the_sheet(lab):
    base, token, folder = lab
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            console = []  # the browser's own errors, to say why a form did not appear
            page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: console.append(str(error)))
            page.goto(f"{base}/lab/tree/form.ipynb?reset&token={token}")
            page.wait_for_function(KERNEL_READY, timeout=90_000)
            # Started, not awaited: the command's promise can wait on a dialog, and evaluate has no timeout.
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            try:
                playwright.expect(page.get_by_text("Provisional LOSI")).to_be_visible(timeout=60_000)
            except AssertionError as err:
                raise AssertionError(f"the form did not appear; browser errors: {console[-5:]}") from err
            # The first criterion's page is open: answer its third indicator (216) with a real click.
            page.locator("button[data-value='Yes']:visible").nth(2).click()
            playwright.expect(page.get_by_text("1 of 95 answered")).to_be_visible(timeout=30_000)
        finally:
            browser.close()
    sheet = read_sheet(folder / "velmora.csv")
    assert sheet["216"].value == 1
    assert sheet.city == "Velmora" and len(sheet.unanswered) == 94
