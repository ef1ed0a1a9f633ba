"""Print a scorecard page to PDF with Debian's Chromium (headless), when it is installed.

The course never downloads a browser: it uses ``/usr/bin/chromium`` (Debian's ``chromium``
package) with the flags that keep it off the network, and a throw-away profile. The page's
print style sets A4. Without Chromium, :class:`PdfUnavailableError` says what to do instead.

Example:
    >>> find_chromium("/no/such/chromium") is None
    True
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ..errors import LosiInputError
from ..filesafety import atomic_write

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "PdfUnavailableError", "find_chromium", "html_to_pdf"]

CHROMIUM = "/usr/bin/chromium"
#: No network, no first-run or sync chatter; no sandbox, because CI and the course machines run as root.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic")
_TIMEOUT_SECONDS = 120


class PdfUnavailableError(LosiInputError):
    """No PDF could be made (Chromium is missing or failed); the HTML page is still there.

    Example:
        >>> issubclass(PdfUnavailableError, LosiInputError)
        True
    """


def find_chromium(executable: str | os.PathLike = CHROMIUM) -> Path | None:
    """Debian's Chromium if it is installed (an executable file at ``executable``), else None.

    Example:
        >>> find_chromium(__file__) is None  # a file, but not an executable one
        True
    """
    path = Path(executable)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def html_to_pdf(html: str | os.PathLike, pdf: str | os.PathLike, *, chromium: str | os.PathLike = CHROMIUM,
                timeout: float = _TIMEOUT_SECONDS) -> Path:
    """Print the page ``html`` to ``pdf`` (A4, no header or footer lines) with headless Chromium.

    Raises :class:`PdfUnavailableError` when Chromium is not installed or does not produce a PDF;
    an existing ``pdf`` is replaced only by a complete new one.

    Example:
        >>> html_to_pdf("scorecard.html", "scorecard.pdf", chromium="/no/such/chromium")
        Traceback (most recent call last):
        ...
        losi_course.report.pdf.PdfUnavailableError: No PDF was made: Debian's Chromium is not installed (/no/such/chromium). Install it with 'apt-get install chromium', or open scorecard.html in a web browser and print it to PDF (the page is laid out for A4).
    """
    html, pdf = Path(html), Path(pdf)
    browser = find_chromium(chromium)
    if browser is None:
        raise PdfUnavailableError(
            f"No PDF was made: Debian's Chromium is not installed ({chromium}). Install it with "
            f"'apt-get install chromium', or open {html.name} in a web browser and print it to PDF "
            "(the page is laid out for A4)."
        )
    with tempfile.TemporaryDirectory(prefix="losi-course-pdf-") as scratch:
        out = Path(scratch) / "page.pdf"
        command = [str(browser), *CHROMIUM_FLAGS, f"--user-data-dir={Path(scratch) / 'profile'}",
                   "--no-pdf-header-footer", f"--print-to-pdf={out}", html.resolve().as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfUnavailableError(f"No PDF was made: Chromium did not finish within {timeout:.0f} s.") from None
        data = out.read_bytes() if out.is_file() else b""
        if not data.startswith(b"%PDF"):
            last = [line for line in result.stderr.splitlines() if line.strip()][-1:] or ["no message"]
            raise PdfUnavailableError(
                f"No PDF was made: Chromium exited with code {result.returncode} ({last[0].strip()}). The HTML page "
                f"{html.name} is complete: open it in a web browser and print it to PDF."
            )
    atomic_write(pdf, data)
    return pdf
