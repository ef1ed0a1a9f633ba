"""``losi-course instructor <step>``: the instructor's steps on the command line.

Each step is a sub-command with a ``--root`` option (default: the course folder found from the
current folder upwards). Mistakes exit with code 2 and one paragraph, as everywhere in
``losi-course``; a step that ran but left something failed (a submission nbgrader could not
grade, a notebook that does not validate) exits with 1.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="losi-course")
    >>> add_instructor_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["instructor", "grade", "session1", "--force"]).force
    True
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..course import CourseFolder
from . import STEPS
from .collect import ZIP_NAME_PATTERN, collect
from .export import export
from .feedback import feedback
from .grade import grade
from .lab import instructor_lab
from .release import release
from .solutions import write_solutions
from .validate import validate

__all__ = ["add_instructor_parser", "run_instructor"]


def _course(args) -> CourseFolder:
    return CourseFolder.at(args.root) if args.root else CourseFolder.find()


def _release(args) -> int:
    release(course=_course(args))
    return 0


def _collect(args) -> int:
    collect(course=_course(args), assignment=args.session, downloads=args.downloads, pattern=args.pattern)
    return 0


def _grade(args) -> int:
    report = grade(course=_course(args), assignment=args.session, to=args.to, force=args.force)
    return 1 if report.failed else 0


def _feedback(args) -> int:
    files = feedback(course=_course(args), assignment=args.session)
    print(f"Feedback: {len(files)} file(s) in feedback/<participant>/<session>/.")
    return 0


def _export(args) -> int:
    print(f"Grades written to {export(course=_course(args), to=args.output)}.")
    return 0


def _validate(args) -> int:
    report = validate(course=_course(args), sessions=args.sessions or None)
    for notebook, problems in report.items():
        print(f"{'ok    ' if not problems else 'FAILED'}  {notebook}")
        for problem in problems:
            print(f"          {problem}")
    return 1 if any(report.values()) else 0


def _solutions(args) -> int:
    for path in write_solutions(course=_course(args), sessions=args.sessions or None):
        print(f"  {path}")
    return 0


def _lab(args) -> int:
    return instructor_lab(course=_course(args), port=args.port, dry_run=args.dry_run)


def add_instructor_parser(sub, parser_class: type = argparse.ArgumentParser) -> None:
    """Add ``instructor`` and its steps to a sub-parser collection of ``losi-course``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="the course folder (default: found from the current folder upwards)")
    p = sub.add_parser("instructor", help="the instructor's nbgrader workflow, one step at a time",
                       description=f"The instructor's steps: {', '.join(STEPS)}.")
    steps = p.add_subparsers(dest="step", required=True, metavar="STEP", parser_class=parser_class)

    s = steps.add_parser("release", parents=[common], help="regenerate release/ from source/")
    s.set_defaults(run=_release)
    s = steps.add_parser("collect", parents=[common], help="collect downloaded zip files into submitted/")
    s.add_argument("session")
    s.add_argument("downloads", help="folder with the downloaded zip files or notebooks")
    s.add_argument("--pattern", default=ZIP_NAME_PATTERN,
                   help="nbgrader named_regexp with the groups student_id and file_id")
    s.set_defaults(run=_collect)
    s = steps.add_parser("grade", parents=[common], help="autograde submitted/, write feedback, export grades")
    s.add_argument("session", nargs="?", help="only this session (default: all with submissions)")
    s.add_argument("--to", help="where to export the grades (default: grades.csv in the course folder)")
    s.add_argument("--force", action="store_true", help="regrade submissions already autograded")
    s.set_defaults(run=_grade)
    s = steps.add_parser("feedback", parents=[common], help="write the feedback pages of graded submissions")
    s.add_argument("session", nargs="?")
    s.set_defaults(run=_feedback)
    s = steps.add_parser("export", parents=[common], help="export the gradebook")
    s.add_argument("-o", "--output", help="file to write (default: grades.csv in the course folder)")
    s.set_defaults(run=_export)
    s = steps.add_parser("validate", parents=[common],
                         help="solutions pass, blank release notebooks fail, authoring rules hold")
    s.add_argument("sessions", nargs="*")
    s.set_defaults(run=_validate)
    s = steps.add_parser("solutions", parents=[common], help="executed worked solutions in solution/")
    s.add_argument("sessions", nargs="*")
    s.set_defaults(run=_solutions)
    s = steps.add_parser("lab", parents=[common], help="JupyterLab on the course folder, with Formgrader")
    s.add_argument("--port", type=int, default=8888)
    s.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    s.set_defaults(run=_lab)


def run_instructor(args) -> int:
    """Run the step chosen on the command line; return its exit code."""
    return args.run(args)
