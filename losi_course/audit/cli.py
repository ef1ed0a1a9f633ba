"""``losi-course audit``: the portal pre-check on the command line.

Two forms::

    losi-course audit TARGET [--json] [--sheet OUT] [options]
    losi-course audit capture URL -o site.warc.gz [options]

TARGET is an ``http(s)://`` address, a folder of saved pages, an ``.html`` file or a WARC file
(a folder that happens to be named ``capture`` is written ``./capture``). Mistakes exit with
code 2 and one paragraph, as everywhere in ``losi-course``.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="losi-course")
    >>> _ = add_audit_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["audit", "https://www.city.example", "--max-pages", "5", "--json"])
    >>> args.target, args.max_pages, args.json
    ('https://www.city.example', 5, True)
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import LosiInputError

__all__ = ["add_audit_parser", "run_audit_command"]

_DESCRIPTION = """\
Pre-check a city portal against the LOSI 2024 indicators: decide what a machine can decide,
gather evidence for the rest, and (with --sheet) pre-fill an assessment sheet in which you keep
the last word. TARGET is an http(s):// address (read politely: robots.txt, 1 request per second,
at most --max-pages pages, same host only), a folder of saved pages, an .html file or a WARC file.
'losi-course audit capture URL -o site.warc.gz' saves what an audit reads, to audit it offline."""


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def _seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None


def add_audit_parser(sub, parser_class=argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Register ``audit`` on the sub-command set ``sub`` of the main parser; return its parser.

    Example:
        >>> import argparse
        >>> sub = argparse.ArgumentParser(prog="losi-course").add_subparsers()
        >>> add_audit_parser(sub).parse_args(["capture", "https://city.example", "-o", "c.warc.gz"]).url
        'https://city.example'
    """
    p = sub.add_parser("audit", help="pre-check a portal (URL, saved folder, .html or WARC) for the LOSI indicators",
                       description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
                       usage="%(prog)s TARGET [options] | %(prog)s capture URL -o FILE.warc.gz [options]")
    p.add_argument("target", help="an http(s) address, a folder, an .html file, a .warc(.gz) file, or 'capture'")
    p.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    p.add_argument("-o", "--output", help="with 'capture': the WARC file to write (.warc.gz or .warc)")
    p.add_argument("--json", action="store_true", help='print one JSON object {"target", "pages", "indicators"}')
    p.add_argument("--sheet", metavar="OUT", help="write the pre-filled assessment sheet (.csv, .xlsx or .json)")
    p.add_argument("--city")
    p.add_argument("--country")
    p.add_argument("--assessor")
    p.add_argument("--max-pages", type=_positive_int, default=100, help="most pages to read (default 100)")
    p.add_argument("--delay", type=_seconds, default=1.0,
                   help="seconds between two requests to the site (default 1; robots.txt may ask for more)")
    p.add_argument("--timeout", type=_seconds, default=10.0, help="seconds allowed for each response (default 10)")
    p.add_argument("--keywords", metavar="FOLDER",
                   help="a folder of extra word lists (keywords/<language>.csv, social_networks.csv)")
    p.add_argument("--search-term", help="the word for the test search (default: from the home page's title)")
    p.add_argument("--no-validator", action="store_true", help="do not run the W3C validator (208, 209)")
    p.add_argument("--no-browser", action="store_true", help="do not run the checks in Chromium (axe-core, phone layout)")
    p.set_defaults(run=run_audit_command)
    return p


def run_audit_command(args) -> int:
    """Run ``losi-course audit`` (or ``audit capture``) with parsed arguments; return the exit code.

    Example:
        >>> import argparse
        >>> from losi_course.portal import portal_path
        >>> parser = argparse.ArgumentParser(prog="losi-course")
        >>> _ = add_audit_parser(parser.add_subparsers())
        >>> args = parser.parse_args(["audit", str(portal_path() / "contact.html"), "--no-browser", "--no-validator"])
        >>> run_audit_command(args)  # doctest: +ELLIPSIS
        Audit of .../contact.html (saved page): 1 page(s) read.
        ...
        0
    """
    from .run import capture_site, run_audit

    progress = not args.json and sys.stderr.isatty()
    if args.target == "capture":
        if not args.url or not args.output:
            raise LosiInputError("Write it as: losi-course audit capture URL -o site.warc.gz")
        capture = capture_site(args.url, args.output, max_pages=args.max_pages, delay=args.delay,
                               timeout=args.timeout, keywords=args.keywords, search_term=args.search_term,
                               progress=progress)
        print(f"Saved {capture.pages} page(s) ({capture.records} responses) to {capture.path}. "
              f"Audit it offline with: losi-course audit {capture.path}")
        return 0
    if args.url:
        raise LosiInputError(f"'audit' takes one target; '{args.url}' is one too many. To save a portal to a WARC "
                             "file write: losi-course audit capture URL -o site.warc.gz")
    if args.output:
        raise LosiInputError("-o/--output is for 'losi-course audit capture'; to write a sheet use --sheet OUT.")
    result = run_audit(args.target, max_pages=args.max_pages, delay=args.delay, timeout=args.timeout,
                       keywords=args.keywords, search_term=args.search_term, validator=not args.no_validator,
                       browser=not args.no_browser, progress=progress)
    if args.sheet:
        path = result.write_sheet(args.sheet, city=args.city or "", country=args.country or "",
                                  assessor=args.assessor or "")
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        for line in result.notes + result.problems:
            sys.stderr.write(f"losi-course audit: {line}\n")
    else:
        sys.stdout.write(result.summary() + "\n")
        if args.sheet:
            sys.stdout.write(f"\nWrote the pre-filled sheet to {path}: machine decisions as yes/no, the rest "
                             "'not sure' with the evidence in the notes. Open it with lc.assessment_form or a "
                             "spreadsheet, check every row, then: losi-course score " + str(path) + "\n")
    return 0
