"""Build a city's scorecard and write it: the HTML page, and a PDF on request.

:func:`write_scorecard` is what ``losi-course report`` runs; :func:`scorecard` is the notebook
version (``lc.scorecard(...)``): it keeps work files where the notebook keeps them and shows a
summary with a link to the page. Both return a :class:`Scorecard`.

Example:
    >>> import tempfile
    >>> from losi_course.velmora.prepared import team_assessment
    >>> from losi_course.velmora.peers import peers
    >>> card = write_scorecard(team_assessment(), Path(tempfile.mkdtemp()) / "velmora.html", peers())
    >>> card.path.name, card.content.score.level, card.pdf is None
    ('velmora.html', 'High', True)
"""

from __future__ import annotations

import html as html_text
import os
from dataclasses import dataclass
from pathlib import Path

from ..assessment import Assessment
from ..course import CourseFolder
from ..errors import LosiInputError
from ..filesafety import atomic_write
from ..sheets import read_sheet
from .content import DEFAULT_QUICK_WINS, ScorecardContent, scorecard_content
from .page import render_page
from .pdf import CHROMIUM, PdfUnavailableError, html_to_pdf
from .peers import read_peers

__all__ = ["Scorecard", "write_scorecard", "scorecard"]

_PAGE_SUFFIXES = (".html", ".htm")


@dataclass
class Scorecard:
    """A written scorecard: the page's ``path``, the ``pdf`` (or why there is none) and its content.

    In a notebook it shows as a short summary with a link to the page.
    """

    path: Path
    content: ScorecardContent
    pdf: Path | None = None
    pdf_problem: str = ""

    @property
    def size(self) -> int:
        """The page's size in bytes."""
        return self.path.stat().st_size

    def summary(self) -> str:
        """One paragraph for people: what was written and the result.

        Example:
            >>> import tempfile
            >>> from losi_course.velmora.prepared import team_assessment
            >>> card = write_scorecard(team_assessment(), Path(tempfile.mkdtemp()) / "s.html")
            >>> print(card.summary())  # doctest: +ELLIPSIS
            Wrote the scorecard of Velmora (fictional data) to ...s.html (... kB): LOSI 0.6421, level High (its cut-off, 0.50, is assumed by the course: ...). Open it in a web browser; it prints on A4.
        """
        c = self.content
        peers = f", rank {c.rank} of {len(c.peers) + 1} with its peers" if c.peers is not None else ""
        text = (f"Wrote the scorecard of {c.city}{' (fictional data)' if c.fictional else ''} to {self.path} "
                f"({self.size / 1000:.0f} kB): LOSI {c.score.losi:.4f}, level {c.score.level} ({c.level_status})"
                f"{peers}{', provisional' if c.provisional else ''}. Open it in a web browser; it prints on A4.")
        if self.pdf is not None:
            text += f" PDF: {self.pdf}."
        return text

    def __repr__(self) -> str:
        return f"<Scorecard of {self.content.city}: {self.path}>"

    def _repr_html_(self) -> str:
        c = self.content
        escape = html_text.escape
        try:
            href = os.path.relpath(self.path.resolve(), Path.cwd())
            link = (f'<a href="{escape(Path(href).as_posix())}" target="_blank" rel="noopener">{escape(self.path.name)}</a>'
                    if not href.startswith("..") else f"<code>{escape(str(self.path))}</code>")
        except ValueError:  # another drive on Windows
            link = f"<code>{escape(str(self.path))}</code>"
        pdf = ""
        if self.pdf is not None:
            pdf = f" PDF: <code>{escape(str(self.pdf))}</code>."
        elif self.pdf_problem:
            pdf = f"<br>{escape(self.pdf_problem)}"
        fictional = " <strong>(fictional data)</strong>" if c.fictional else ""
        return (f"<div><p><strong>Scorecard of {escape(c.city)}</strong>{fictional}: LOSI {c.score.losi:.4f}, "
                f"level {escape(c.score.level)} ({escape(c.level_status)}).</p>"
                f"<p>Open the page: {link} ({self.size / 1000:.0f} kB; it prints on A4).{pdf}</p></div>")


def _output_path(output: str | os.PathLike) -> Path:
    # Only .html: a mistyped "-o velmora.csv" must never overwrite a sheet.
    path = Path(output)
    if path.suffix.lower() not in _PAGE_SUFFIXES:
        raise LosiInputError(f"The scorecard is a web page: give an output file ending in .html (got '{path.name}').")
    if path.is_dir():
        raise LosiInputError(f"{path} is a folder; give the scorecard a file name ending in .html.")
    return path


def write_scorecard(sheet: str | os.PathLike | Assessment, output: str | os.PathLike, peers: object = None, *,
                    pdf: bool = False, partial: bool = False, quick_wins: int = DEFAULT_QUICK_WINS,
                    chromium: str | os.PathLike = CHROMIUM) -> Scorecard:
    """Write the scorecard of a sheet (a file or an :class:`~losi_course.assessment.Assessment`).

    ``peers``: what :func:`~losi_course.report.peers.read_peers` reads (a CSV table, a folder of
    sheets, a table, assessments); a folder may hold the city's own sheet, which is left out.
    ``partial``: a provisional scorecard, unanswered indicators counted as not found. ``pdf``:
    also print the page to PDF (same name, ``.pdf``) with Debian's Chromium; if that cannot be
    done, ``pdf_problem`` says why and the page is still written.

    Example:
        >>> write_scorecard("velmora.csv", "velmora.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: The scorecard is a web page: give an output file ending in .html (got 'velmora.csv').
    """
    sheet_path = None if isinstance(sheet, Assessment) else Path(sheet)
    path = _output_path(output)
    assessment = sheet if isinstance(sheet, Assessment) else read_sheet(sheet_path)
    group = read_peers(peers, city=assessment.city, exclude=sheet_path, partial=partial,
                       edition=assessment.edition)
    content = scorecard_content(assessment, group, partial=partial, quick_wins=quick_wins)
    atomic_write(path, render_page(content).encode("utf-8"))
    card = Scorecard(path, content)
    if pdf:
        try:
            card.pdf = html_to_pdf(path, path.with_suffix(".pdf"), chromium=chromium)
        except PdfUnavailableError as err:
            card.pdf_problem = str(err)
    return card


def _in_work_folder(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path if path.is_absolute() else CourseFolder.work_folder() / path


def scorecard(sheet: str | os.PathLike | Assessment, peers: object = None, output: str | os.PathLike = "scorecard.html",
              *, pdf: bool = False, partial: bool = False, quick_wins: int = DEFAULT_QUICK_WINS) -> Scorecard:
    """Write a city's scorecard from a notebook and show where it is (``lc.scorecard``).

    ``sheet``: an assessment, or the path of a sheet. ``peers``: e.g. ``sample_city.peers()``, a
    CSV table or a folder of sheets. A relative ``output`` (and a sheet that is not found where
    given) lives in the notebook's work folder (a scratch folder while nbgrader grades). The
    result shows as a summary with a link that opens the page.

    Example:
        >>> import tempfile
        >>> from losi_course.velmora.prepared import team_assessment
        >>> card = scorecard(team_assessment(), output=Path(tempfile.mkdtemp()) / "velmora-scorecard.html")
        >>> card.path.name, "LOSI 0.6421" in card._repr_html_()
        ('velmora-scorecard.html', True)
    """
    if not isinstance(sheet, Assessment):
        given = Path(sheet)
        sheet = given if given.exists() or given.is_absolute() else _in_work_folder(given)
    return write_scorecard(sheet, _in_work_folder(output), peers, pdf=pdf, partial=partial, quick_wins=quick_wins)
