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
from .accept import accept_flags
from .collect import OUTER_NAME_PATTERN, collect
from .due import set_due_date
from .export import export
from .feedback import UPLOAD_FOLDER, feedback
from .grade import grade
from .lab import instructor_lab
from .marks import import_marks
from .nbgrader_tools import InstructorError
from .pack import PACK_NAME, write_pack
from .release import release
from .roster import import_roster
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
    report = grade(course=_course(args), assignment=args.session, to=args.to,
                   regrade_autograded=args.regrade_autograded or args.force, jobs=args.jobs)
    return 1 if report.failed else 0


def _feedback(args) -> int:
    files = feedback(course=_course(args), assignment=args.session, force=args.force, jobs=args.jobs)
    print(f"Feedback: {len(files)} page(s) in feedback/<participant>/<session>/; for a bulk upload, named "
          f"<participant>_<notebook>.html in {UPLOAD_FOLDER}/<session>/ (and zipped as {UPLOAD_FOLDER}/<session>.zip).")
    return 0


def _export(args) -> int:
    print(f"Grades written to {export(course=_course(args), to=args.output)}.")
    return 0


def _pack(args) -> int:
    write_pack(course=_course(args), output=args.output)
    return 0


def _roster(args) -> int:
    import_roster(course=_course(args), path=args.file)
    return 0


def _marks(args) -> int:
    import_marks(course=_course(args), path=args.file)
    return 0


def _due(args) -> int:
    if (args.when is None) == (not args.clear):
        raise InstructorError("Give the due date (e.g. \"2026-12-01 17:00\") or --clear, not both.")
    set_due_date(course=_course(args), assignment=args.session, when=args.when)
    return 0


def _accept(args) -> int:
    accept_flags(course=_course(args), participant=args.participant, assignment=args.session)
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
    s.add_argument("--pattern", default=OUTER_NAME_PATTERN,
                   help="regular expression with a student_id group, applied to each download's outer name "
                        "(default: everything before the first underscore)")
    s.set_defaults(run=_collect)
    s = steps.add_parser("grade", parents=[common], help="grade what changed, write feedback, export grades")
    s.add_argument("session", nargs="?", help="only this session (default: all with submissions)")
    s.add_argument("--to", help="where to export the grades, .csv or .xlsx (default: grades.csv in the course folder)")
    s.add_argument("--regrade-autograded", action="store_true",
                   help="run the autograder again on every submission (after a fixed test); hand marks are kept")
    s.add_argument("--force", action="store_true", help="the same as --regrade-autograded")
    s.add_argument("--jobs", type=int, help="grading processes side by side (default: one per core)")
    s.set_defaults(run=_grade)
    s = steps.add_parser("feedback", parents=[common], help="write the feedback pages that changed")
    s.add_argument("session", nargs="?")
    s.add_argument("--force", action="store_true", help="write every page again")
    s.add_argument("--jobs", type=int, help="processes side by side (default: one per core)")
    s.set_defaults(run=_feedback)
    s = steps.add_parser("export", parents=[common], help="export the gradebook with what is final (.csv or .xlsx)")
    s.add_argument("-o", "--output", help="file to write, .csv or .xlsx (default: grades.csv in the course folder)")
    s.set_defaults(run=_export)
    s = steps.add_parser("pack", parents=[common], help="the participants' pack: notebooks, readings, library, no answers")
    s.add_argument("-o", "--output", help=f"zip file to write (default: dist/{PACK_NAME})")
    s.set_defaults(run=_pack)
    for step, what, table, run in (
            ("roster", "the class list", "add or update participants from a CSV (participant, first_name, "
             "last_name, email)", _roster),
            ("marks", "written marks without clicking", "set marks from a CSV (participant, session, grade_id, "
             "points, comment)", _marks)):
        actions = steps.add_parser(step, parents=[common], help=what).add_subparsers(
            dest="action", required=True, metavar="ACTION", parser_class=parser_class)
        s = actions.add_parser("import", parents=[common], help=table)
        s.add_argument("file")
        s.set_defaults(run=run)
    s = steps.add_parser("due", parents=[common], help="a session's due date (local time), for late submissions")
    s.add_argument("session")
    s.add_argument("when", nargs="?", help='e.g. "2026-12-01 17:00"')
    s.add_argument("--clear", action="store_true", help="remove the due date")
    s.set_defaults(run=_due)
    s = steps.add_parser("accept", parents=[common], help="let a flagged submission's grade stand, after looking at it")
    s.add_argument("participant")
    s.add_argument("session")
    s.set_defaults(run=_accept)
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
