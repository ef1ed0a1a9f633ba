"""``losi-course report SHEET [--peers PEERS] -o scorecard.html [--pdf]``: a city's scorecard page.

PEERS is a CSV table of cities x indicators (0/1) or a folder of assessment sheets (see
:mod:`losi_course.report.peers`). Mistakes exit with code 2 and one paragraph, as everywhere in
``losi-course``; so does ``--pdf`` when no PDF can be made (the page itself is written first).

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="losi-course")
    >>> add_report_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["report", "velmora.csv", "-o", "card.html"]).run is run_report
    True
"""

from __future__ import annotations

import argparse
import sys

from .build import write_scorecard
from .content import DEFAULT_QUICK_WINS
from .pdf import PdfUnavailableError
from .peers import PEERS_HELP

__all__ = ["add_report_parser", "run_report"]


def run_report(args) -> int:
    """Write the scorecard the parsed ``args`` ask for; print what was written.

    Raises :class:`~losi_course.report.pdf.PdfUnavailableError` (exit code 2 through the main
    command) when ``--pdf`` was asked for and no PDF could be made.

    Example:
        >>> import argparse, tempfile
        >>> from pathlib import Path
        >>> from losi_course.sheets import write_sheet
        >>> from losi_course.velmora.prepared import team_assessment
        >>> folder = Path(tempfile.mkdtemp())
        >>> sheet = write_sheet(team_assessment(), folder / "velmora.csv")
        >>> args = argparse.Namespace(sheet=sheet, output=folder / "card.html", peers=None, pdf=False,
        ...                           partial=False, quick_wins=5)
        >>> run_report(args)  # doctest: +ELLIPSIS
        Wrote the scorecard of Velmora (fictional data) to ...card.html (... kB): LOSI 0.6421, level High ...
        0
    """
    card = write_scorecard(args.sheet, args.output, args.peers, pdf=args.pdf, partial=args.partial,
                           quick_wins=args.quick_wins)
    sys.stdout.write(card.summary() + "\n")
    if card.pdf_problem:
        raise PdfUnavailableError(f"{card.pdf_problem} (The page {card.path} was written.)")
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is below 0")
    return value


def add_report_parser(sub, parser_class: type = argparse.ArgumentParser) -> None:
    """Add ``report`` to a sub-parser collection of ``losi-course``.

    ``parser_class`` is taken as :func:`~losi_course.instructor.cli.add_instructor_parser` takes
    it; ``report`` has no sub-commands of its own to make with it.

    Example:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="losi-course")
        >>> add_report_parser(parser.add_subparsers(dest="command"))
        >>> args = parser.parse_args(["report", "velmora.csv", "--peers", "estoria.csv", "-o", "card.html", "--pdf"])
        >>> args.peers, args.output, args.pdf, args.quick_wins
        ('estoria.csv', 'card.html', True, 10)
    """
    p = sub.add_parser("report", help="a city's scorecard: one self-contained HTML page (and a PDF)",
                       description="Write a city's LOSI scorecard as one self-contained, accessible HTML page. "
                                   f"{PEERS_HELP}.")
    p.add_argument("sheet", help="the city's assessment sheet (.csv, .xlsx or .json)")
    p.add_argument("--peers", help="the cities to compare with: a CSV table or a folder of sheets")
    p.add_argument("-o", "--output", required=True, help="the page to write, e.g. scorecard.html")
    p.add_argument("--pdf", action="store_true",
                   help="also print it to PDF (same name, .pdf) with Debian's Chromium")
    p.add_argument("--partial", action="store_true",
                   help="count unanswered indicators as not found (a provisional scorecard)")
    p.add_argument("--quick-wins", type=_count, default=DEFAULT_QUICK_WINS, metavar="N",
                   help=f"how many missed indicators to list with their steps (default {DEFAULT_QUICK_WINS})")
    p.set_defaults(run=run_report)
