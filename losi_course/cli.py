"""The ``losi-course`` command line.

Commands (this contract is relied on by other tools):

* ``losi-course indicators [--edition 2024|2022] [--csv]``
* ``losi-course template [--edition 2024] -o FILE [--force]``
* ``losi-course score SHEET [--json] [--partial]``
* ``losi-course data list | show NAME [--csv] | sources | verify``
* ``losi-course lab`` (what ``make lab`` starts)
* ``losi-course solutions [SESSION ...]`` (worked solutions for self-paced learners)
* ``losi-course portal serve [--port N] | path``
* ``losi-course reconcile SHEET_A SHEET_B [--json] [--consensus FILE [--force]]``
* ``losi-course audit TARGET [--json] [--sheet OUT]`` and ``losi-course audit capture URL -o FILE``
  (the portal pre-check: see :mod:`losi_course.audit`)
* ``losi-course instructor STEP`` (release, pack, roster, due, collect, grade, marks, accept,
  feedback, export, validate, solutions, lab: see :mod:`losi_course.instructor`)

Bad input exits with code 2 and a one-paragraph message, never a traceback; an unexpected
internal error prints one line saying where its details were written, and exits with code 1.
No command replaces a file that may hold answers unless ``--force`` is given, and none ever
writes over a file it is reading. Text taken from files is printed without control characters.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Sequence

from . import data, datafiles, portal
from .version import __version__
from .audit.cli import add_audit_parser
from .course import CourseFolder
from .errors import LosiInputError, report_input_error, report_internal_error, terminal_text
from .framework import load_instrument
from .instructor.cli import add_instructor_parser
from .instructor.lab import instructor_lab
from .instructor.solutions import copy_solutions_for_learners
from .lab import start_lab
from .reconcile import reconcile
from .report.cli import add_report_parser
from .scoring import score_assessment
from .sheets import clean_line, read_sheet, write_sheet, write_template

__all__ = ["main", "build_parser"]


_FORCE_HINT = "add --force"


def _out(text: str = "") -> None:
    text = terminal_text(text)  # sheets come from anyone: no escape sequences reach the terminal
    sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


# ----------------------------------------------------------------------------- commands
def _cmd_indicators(args) -> int:
    instrument = load_instrument(args.edition)
    indicators = instrument.in_criterion(args.criterion) if args.criterion else instrument.indicators
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "criterion", "label", "automation", "adoption_2022", "description"])
        for i in indicators:
            share = "" if i.adoption_2022 is None else f"{i.adoption_2022:.4f}"
            writer.writerow([i.id, i.criterion, i.label, i.automation, share, i.description])
        return 0
    current = None
    for i in indicators:
        if i.criterion != current:
            current = i.criterion
            known = sum(1 for j in instrument.indicators if j.criterion == current)
            size = instrument.criterion_sizes[current]
            count = f"{size} indicators" if known == size else f"{size} indicators, {known} published"
            _out(f"\n{current} ({count})")
        _out(f"  {i.id:<7} {i.label}  [{i.automation}]")
    if not instrument.complete:
        unpublished = [c for c in instrument.criteria if not instrument.in_criterion(c)]
        _out(f"\nNot published: the items of {', '.join(unpublished)} "
             f"({sum(instrument.criterion_sizes[c] for c in unpublished)} indicators). "
             f"LOSI {instrument.edition} has {instrument.size} indicators in all.")
    return 0


def _cmd_template(args) -> int:
    given = {"city": args.city, "country": args.country, "assessor": args.assessor}
    path = write_template(args.output, edition=args.edition, replace=args.force, replace_hint=_FORCE_HINT,
                          **{k: v or "" for k, v in given.items()})
    _out(f"Wrote a blank LOSI {args.edition} sheet to {path}. Fill in the value column with yes or no, "
         f"then run: losi-course score {path}")
    for key, value in given.items():
        if value and clean_line(value) != " ".join(value.split()):
            _out(f"Note: the {key} was written as '{clean_line(value)}': a sheet cannot hold the control "
                 "characters it contained.")
    return 0


def _cmd_score(args) -> int:
    assessment = read_sheet(args.sheet)
    score = score_assessment(assessment, unanswered="not found" if args.partial else "error")
    if args.json:
        _out(json.dumps(score.to_dict(), ensure_ascii=False))
    else:
        if assessment.city:
            _out(assessment.describe())
        _out(score.summary())
    return 0


def _cmd_data(args) -> int:
    if args.data_command == "list":
        width = max(len(n) for n in data.DATASETS)
        for name, dataset in data.DATASETS.items():
            _out(f"{name:<{width}}  {dataset.title}")
        _out("\nShow one with: losi-course data show NAME   Sources: losi-course data sources")
    elif args.data_command == "show":
        frame = data.load_dataset(args.name)
        if args.csv:
            frame.to_csv(sys.stdout, index=False)
        else:
            import pandas as pd

            with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
                _out(frame.to_string(index=False))
            _out(f"\nSource: {data.DATASETS[args.name].source}")
    elif args.data_command == "sources":
        for name, dataset in data.DATASETS.items():
            _out(f"{name} ({dataset.filename}): {dataset.source}")
        _out("")
        _out(data.sources_text())
    elif args.data_command == "verify":
        results = datafiles.verify_data()
        for name, ok in results.items():
            _out(f"{'ok     ' if ok else 'CHANGED'}  {name}")
        if not all(results.values()):
            raise LosiInputError("Some data files do not match their checksums (marked CHANGED above). "
                                 "Restore them from the repository or reinstall the course.")
    return 0


def _cmd_lab(args) -> int:
    if args.instructor:
        return instructor_lab(course=CourseFolder.find(), port=args.port, dry_run=args.dry_run)
    return start_lab(port=args.port, dry_run=args.dry_run)


def _cmd_solutions(args) -> int:
    paths = copy_solutions_for_learners(course=CourseFolder.find(), sessions=args.sessions or None)
    for path in paths:
        _out(f"  {path}")
    _out(f"{len(paths)} worked solution(s) in workspace/solutions/. Try the exercises first, then compare.")
    return 0


def _cmd_portal(args) -> int:
    if args.portal_command == "path":
        _out(str(portal.portal_path()))
    else:
        portal.serve_portal(port=args.port)
    return 0


def _cmd_reconcile(args) -> int:
    result = reconcile(read_sheet(args.sheet_a), read_sheet(args.sheet_b))
    consensus = result.consensus() if args.consensus else None
    if consensus is not None:  # saved first: a refused file leaves no half-done output
        write_sheet(consensus, args.consensus, replace=args.force, replace_hint=_FORCE_HINT,
                    inputs=(args.sheet_a, args.sheet_b))
    if args.json:
        _out(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _out(result.summary())
        if consensus is not None:
            _out(f"Wrote the consensus sheet to {args.consensus} "
                 f"({len(consensus.unanswered)} indicator(s) left blank to resolve).")
    return 0


# ----------------------------------------------------------------------------- parser
def _port(text: str) -> int:
    """A TCP port number given on the command line (0 picks a free one)."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"the port must be a whole number from 0 to 65535, not {text!r}")
    return number


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: same exit code 2, friendlier text
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}. Add --help to see what it accepts.\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation).

    Example:
        >>> build_parser().parse_args(["score", "sheet.csv", "--json"]).json
        True
    """
    parser = _Parser(prog="losi-course",
                     description="Tools of the LOSI training course: indicators, sheets, scores, data.")
    parser.add_argument("--version", action="version", version=f"losi-course {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("indicators", help="list the LOSI indicators")
    p.add_argument("--edition", default="2024", choices=["2024", "2022"])
    p.add_argument("--criterion", help="only one criterion (name or code, e.g. IF)")
    p.add_argument("--csv", action="store_true", help="CSV on standard output")
    p.set_defaults(run=_cmd_indicators)

    p = sub.add_parser("template", help="write a blank assessment sheet (.xlsx, .csv or .json)")
    # 2024 is the only edition whose whole instrument is published; others get an explanation.
    p.add_argument("--edition", default="2024", metavar="2024", help="the LOSI edition (2024)")
    p.add_argument("-o", "--output", required=True, help="file to write; the extension sets the format")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    p.add_argument("--city")
    p.add_argument("--country")
    p.add_argument("--assessor")
    p.set_defaults(run=_cmd_template)

    p = sub.add_parser("score", help="score an assessment sheet")
    p.add_argument("sheet")
    p.add_argument("--json", action="store_true", help="one JSON object on standard output")
    p.add_argument("--partial", action="store_true",
                   help="count unanswered indicators as not found (provisional score)")
    p.set_defaults(run=_cmd_score)

    p = sub.add_parser("data", help="the shipped data and its sources")
    data_sub = p.add_subparsers(dest="data_command", required=True, parser_class=_Parser, metavar="ACTION")
    data_sub.add_parser("list", help="list the datasets")
    show = data_sub.add_parser("show", help="print a dataset")
    show.add_argument("name")
    show.add_argument("--csv", action="store_true")
    data_sub.add_parser("sources", help="where every figure comes from")
    data_sub.add_parser("verify", help="check the data files against their checksums")
    p.set_defaults(run=_cmd_data)

    p = sub.add_parser("lab", help="start JupyterLab on the course notebooks")
    p.add_argument("--port", type=_port, default=8888)
    p.add_argument("--instructor", action="store_true",
                   help="open the whole course folder (source notebooks, formgrader) instead of the participants' view")
    p.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    p.set_defaults(run=_cmd_lab)

    p = sub.add_parser("solutions", help="copy worked solutions into workspace/solutions/ (self-paced study)")
    p.add_argument("sessions", nargs="*", help="e.g. session1 (default: all)")
    p.set_defaults(run=_cmd_solutions)

    p = sub.add_parser("portal", help="the fictional sample city's portal")
    portal_sub = p.add_subparsers(dest="portal_command", required=True, parser_class=_Parser, metavar="ACTION")
    serve = portal_sub.add_parser("serve", help="serve it on 127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000, help="0 to 65535 (0 picks a free one)")
    portal_sub.add_parser("path", help="print where its files are")
    p.set_defaults(run=_cmd_portal)

    p = sub.add_parser("reconcile", help="compare two assessors' sheets of the same city")
    p.add_argument("sheet_a")
    p.add_argument("sheet_b")
    p.add_argument("--json", action="store_true")
    p.add_argument("--consensus", help="write a consensus sheet (agreed answers; disagreements left blank)")
    p.add_argument("--force", action="store_true", help="replace the consensus FILE if it already exists")
    p.set_defaults(run=_cmd_reconcile)

    add_instructor_parser(sub, parser_class=_Parser)
    add_report_parser(sub, parser_class=_Parser)
    add_audit_parser(sub, parser_class=_Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input).

    Example:
        >>> main(["indicators", "--edition", "2022", "--csv"])  # doctest: +ELLIPSIS
        id,criterion,label,automation,adoption_2022,description
        PE1,Participation and Engagement,E-voting,HINT,0.1918,...
        0
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except LosiInputError as err:
        return report_input_error("losi-course", err)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except Exception as err:  # a bug: one line for the user, the traceback in a log file
        return report_internal_error("losi-course", err)
