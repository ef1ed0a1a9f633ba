"""Dictionaries printed for a participant to paste into an answer cell.

The graded answer of a findings question is the dictionary the participant pastes and
completes, never the form or a file: nbgrader grades what is in the notebook.

Example:
    >>> from losi_course.assessment import Assessment
    >>> form_findings(Assessment.from_values({"221": "no"}), ["221", "228"], name="content_findings")
    content_findings = {
        "221": "no",  # Public procurement results
        "228": ...,  # Education information
    }
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable

from ..assessment import Assessment
from ..errors import LosiInputError
from ..framework import load_instrument
from ..sheets import read_sheet

if TYPE_CHECKING:
    from ..reconcile import Reconciliation

__all__ = ["as_sheet", "form_findings", "resolution_template"]


def as_sheet(source: Any) -> Assessment:
    """An assessment from an assessment form, an assessment or the path of a sheet file.

    Example:
        >>> as_sheet(42)
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: Give an assessment form, an assessment or the path of a sheet file; got int.
    """
    if isinstance(source, Assessment):
        return source
    sheet = getattr(source, "sheet", None)   # an assessment form
    if isinstance(sheet, Assessment):
        return sheet
    if isinstance(source, (str, os.PathLike)):
        return read_sheet(source)
    raise LosiInputError("Give an assessment form, an assessment or the path of a sheet file; "
                         f"got {type(source).__name__}.")


def _label(indicator_id: str) -> str:
    return load_instrument("2024")[indicator_id].label


def form_findings(source: Any, ids: Iterable[str], name: str = "findings") -> None:
    """Print the answers of a form (or sheet) for ``ids`` as a dictionary to paste in a cell.

    Unanswered and "not sure" indicators show as ``...``: replace them with "yes" or "no".
    Nothing is returned on purpose: the graded answer is the dictionary you paste.
    """
    sheet = as_sheet(source)
    print(f"{name} = {{")
    for key in ids:
        value = {"yes": '"yes"', "no": '"no"'}.get(sheet[key].state, "...")
        print(f'    "{key}": {value},  # {_label(key)}')
    print("}")


def resolution_template(result: "Reconciliation", name: str = "resolutions") -> None:
    """Print a dictionary to paste and complete: one line per disagreement, with both answers.

    Example:
        >>> from losi_course.reconcile import reconcile
        >>> from losi_course.velmora.prepared import assessor_assessments
        >>> resolution_template(reconcile(*assessor_assessments()))  # doctest: +ELLIPSIS
        resolutions = {
            "216": ...,  # Names and contacts of department heads (Amara Voss: no, Teodor Lind: yes)
            "224": ...,  # Right of access to information (Amara Voss: yes, Teodor Lind: no)
        ...
            "237": ...,  # Open data metadata (Amara Voss: yes, Teodor Lind: no)
        }
    """
    print(f"{name} = {{")
    for key in result.disagreements:
        print(f'    "{key}": ...,  # {_label(key)} ({result.name_a}: {result.a[key].state}, '
              f"{result.name_b}: {result.b[key].state})")
    print("}")
