"""Run All keeps going in the participants' notebooks, past the questions not answered yet.

``nbgrader generate_assignment`` runs :class:`KeepRunAllGoing` last (see ``nbgrader_config.py``):
it tags every code cell from the first answer cell on with ``raises-exception``. JupyterLab's
"Run All", nbclient and nbval then carry on after a cell that stops with an error (an answer
still to write, a check that says "not yet"), so a half-finished notebook runs to its last
cell and shows, at each open question, that it is not done yet. The tag changes nothing for
grading: nbgrader still scores a failing test cell 0. The instructor's ``source/`` notebooks
are not tagged, so nbval still stops at any error in them.

Example:
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> answer = new_code_cell("x = 1", metadata={"nbgrader": {"solution": True, "grade_id": "x_answer"}})
    >>> nb = new_notebook(cells=[new_code_cell("import losi_course"), answer, new_code_cell("print(x)")])
    >>> tagged, _ = KeepRunAllGoing().preprocess(nb, {})
    >>> [cell.metadata.get("tags", []) for cell in tagged.cells]
    [[], ['raises-exception'], ['raises-exception']]
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

__all__ = ["KeepRunAllGoing", "TAG"]

TAG = "raises-exception"


class KeepRunAllGoing(Preprocessor):
    """Tag the code cells from the first autograded answer on with ``raises-exception``."""

    enabled = Bool(True, help="nbgrader registers it by name; nbconvert's default is off").tag(config=True)

    def preprocess(self, nb, resources):
        started = False
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
            started = started or (cell.cell_type == "code" and bool(meta.get("solution")))
            if started and cell.cell_type == "code":
                tags = list(cell.metadata.get("tags", []))
                if TAG not in tags:
                    cell.metadata["tags"] = tags + [TAG]
        return nb, resources
