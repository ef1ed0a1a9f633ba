"""Errors that describe a user's mistake rather than a bug.

Everything the course raises for bad input derives from :class:`LosiInputError`, so the
command line and the notebooks can show the message as a short paragraph instead of a
traceback.
"""

from __future__ import annotations

import re
import textwrap

__all__ = [
    "report_input_error",
    "report_internal_error",
    "terminal_text",
    "LosiInputError",
    "UnknownIndicatorError",
    "SheetError",
    "SaveError",
    "ChangedOutsideError",
    "DataIntegrityError",
]

# What a terminal would act on instead of showing: C0 and C1 control characters (ANSI escape
# sequences start with ESC or CSI) and the bidirectional overrides that reorder a line.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class LosiInputError(Exception):
    """A problem with what the user supplied (a file, an id, an option).

    In Jupyter the message is shown on its own, without a traceback
    (``_render_traceback_``), because it is about the input, not the code.

    Example:
        >>> try:
        ...     raise LosiInputError("The port 80 is already in use.")
        ... except LosiInputError as err:
        ...     print(err)
        The port 80 is already in use.
        >>> LosiInputError("The file is empty.")._render_traceback_()
        ['⚠ The file is empty.']
    """

    def _render_traceback_(self):  # IPython shows these lines instead of a traceback
        return [f"⚠ {self}"]


class UnknownIndicatorError(LosiInputError, KeyError):
    """An indicator id that the chosen LOSI instrument does not contain.

    ``KeyError`` is a base class too, so code that looks indicators up like a dictionary
    keeps working; ``str()`` gives the plain message (``KeyError`` would quote it).

    Example:
        >>> str(UnknownIndicatorError("'999' is not an indicator of the LOSI 2024 instrument."))
        "'999' is not an indicator of the LOSI 2024 instrument."
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SheetError(LosiInputError):
    """An assessment sheet that cannot be read or does not validate.

    The message names the file, the row (when there is one) and the problem.

    Example:
        >>> print(SheetError("sheet.csv", "the value 'maybe' is not an answer.", row=7))
        sheet.csv, row 7: the value 'maybe' is not an answer.
    """

    def __init__(self, path, problem: str, row: int | None = None):
        self.path = str(path)
        self.row = row
        self.problem = problem
        where = self.path if row is None else f"{self.path}, row {row}"
        super().__init__(f"{where}: {problem}")


class SaveError(LosiInputError):
    """A file that was not written: it must not be replaced, or the system refused the write.

    The message names the file, says why and how to proceed; nothing was changed on disk.

    Example:
        >>> print(SaveError("team.csv", "it already exists. Add --force to replace it."))
        Not saved to team.csv: it already exists. Add --force to replace it.
    """

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"Not saved to {self.path}: {problem}")


class ChangedOutsideError(SaveError):
    """A file changed by someone else since it was last read or written, so it was not replaced.

    Example:
        >>> issubclass(ChangedOutsideError, SaveError)
        True
    """


class DataIntegrityError(LosiInputError):
    """A shipped data file whose checksum no longer matches the manifest.

    Example:
        >>> issubclass(DataIntegrityError, LosiInputError)
        True
    """


def report_input_error(program: str, error: Exception, stream=None) -> int:
    """Write a user's mistake as one wrapped paragraph (no traceback); return exit code 2.

    Example:
        >>> import sys
        >>> report_input_error("losi-course", LosiInputError("The file   is  empty."), sys.stdout)
        losi-course: The file is empty.
        2
    """
    import sys

    stream = stream or sys.stderr
    sys.stdout.flush()
    message = " ".join(terminal_text(str(error)).split())
    # Paths stay whole (never broken at a hyphen), so they can be copied from the message.
    stream.write(textwrap.fill(f"{program}: {message}", width=100, break_on_hyphens=False,
                               break_long_words=False) + "\n")
    return 2


def terminal_text(text: str) -> str:
    r"""``text`` without the control characters a terminal would obey (colours, cursor moves).

    Sheets and their metadata come from anyone; printing them must not repaint the screen.
    Tabs and line breaks are kept.

    Example:
        >>> terminal_text("Velmora\x1b[2J\x1b[31m red\u202e")
        'Velmora[2J[31m red'
    """
    return _TERMINAL_CONTROLS.sub("", text)


def report_internal_error(program: str, error: BaseException, stream=None) -> int:
    r"""Report a bug (not the user's mistake) in one line; the traceback goes to a log file.

    The log is a new private file in the temporary folder (``tempfile.gettempdir()``); the line
    says where, so it can be sent to whoever maintains the course. Returns exit code 1.

    Example:
        >>> import io, pathlib
        >>> out = io.StringIO()
        >>> report_internal_error("losi-course", ZeroDivisionError("division by zero"), out)
        1
        >>> line = out.getvalue(); line.count("\n"), "ZeroDivisionError" in line
        (1, True)
        >>> log = pathlib.Path(line.split("written to ")[1].split(";")[0])
        >>> "ZeroDivisionError: division by zero" in log.read_text(); log.unlink()
        True
    """
    import os
    import platform
    import sys
    import tempfile
    import traceback

    stream = stream or sys.stderr
    try:
        handle, name = tempfile.mkstemp(prefix=f"{program}-error-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as log:
            log.write(f"{program} on Python {platform.python_version()} ({platform.platform()})\n")
            log.write(f"command: {' '.join(sys.argv)}\n\n")
            log.write("".join(traceback.format_exception(error)))
        where = f"the details were written to {name}"
    except OSError:
        where = "the details could not be written to a log file"
    sys.stdout.flush()
    stream.write(f"{program}: internal error ({type(error).__name__}): this is a bug in the course, "
                 f"not a mistake of yours; {where}; please send it to the course maintainers.\n")
    return 1
