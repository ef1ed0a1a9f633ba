"""Errors that describe a user's mistake rather than a bug.

Everything the course raises for bad input derives from :class:`LosiInputError`, so the
command line and the notebooks can show the message as a short paragraph instead of a
traceback.
"""

from __future__ import annotations

import textwrap

__all__ = [
    "report_input_error",
    "LosiInputError",
    "UnknownIndicatorError",
    "SheetError",
    "DataIntegrityError",
]


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
    message = " ".join(str(error).split())
    stream.write(textwrap.fill(f"{program}: {message}", width=100) + "\n")
    return 2
