"""A session's questions: the visible check of each, and the progress table.

Example:
    >>> from losi_course.checks import CheckFailed, answer_right
    >>> def check_double(double):
    ...     if double != 4:
    ...         raise CheckFailed("Not yet: double is not 2 x 2.")
    ...     answer_right("double")
    >>> practice = Questions("practice", [Question(1, "double", 1, check_double)])
    >>> practice.check("double", 4)
    ✓ double is right.
    >>> practice.progress({"double": 5})
    Progress in practice (the visible checks):
      not yet       Question 1  double   (1 point)
    Points so far: 0 of 1.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from ..checks import CheckFailed, visible_mode
from ..friendly import register_answer_names

__all__ = ["Question", "Questions"]

_DONE, _NOT_YET, _OPEN, _ANSWERED = "✓", "not yet", "not answered", "answered"


@dataclass(frozen=True)
class Question:
    """One autograded question of a session notebook.

    ``stem`` is the answer's name and the stem of its nbgrader grade ids (``<stem>_answer``,
    ``<stem>_check``); ``names`` are the notebook variables its checker reads, the answer first
    (by default just ``stem``); ``shape_only`` marks the findings questions, whose visible check
    looks at the form of the answer and never at the designed answers.
    """

    number: int
    stem: str
    points: float
    checker: Callable[..., None]
    names: tuple[str, ...] = ()
    shape_only: bool = False

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.names or (self.stem,)


class Questions:
    """The questions of one session, in the order of the notebook."""

    def __init__(self, session: str, questions: Iterable[Question], written_points: float = 0):
        self.session = session
        self.questions = list(questions)
        self.written_points = written_points
        self._by_stem = {q.stem: q for q in self.questions}
        register_answer_names({name: q.number for q in self.questions for name in q.inputs})

    @property
    def points(self) -> float:
        """The points of the autograded questions."""
        return sum(q.points for q in self.questions)

    def question(self, stem: str) -> Question:
        try:
            return self._by_stem[stem]
        except KeyError:
            raise KeyError(f"{self.session} has no question {stem!r}") from None

    def check(self, stem: str, *values: Any) -> None:
        """The visible check of question ``stem`` with the notebook's values of its names.

        A wrong type of answer never crashes the check: it fails with a kind message instead.
        """
        question = self.question(stem)
        if values and values[0] is ...:
            raise CheckFailed(f"Not yet: {question.stem} has no answer yet: replace the ... with your answer, "
                              "run the answer cell, then run this check again.")
        with visible_mode():
            try:
                question.checker(*values)
            except CheckFailed:
                raise
            except Exception as err:  # a checker meeting an answer of a kind it did not expect
                kind = type(values[0]).__name__ if values else "nothing"
                raise CheckFailed(
                    f"Not yet: {question.stem} is not what question {question.number} asks for (it is "
                    f"{kind}, and checking it stopped with {type(err).__name__}). Read the question again "
                    "and follow the shape shown in the comment of the answer cell.") from None

    def _state(self, question: Question, namespace: Mapping[str, Any]) -> str:
        values = [namespace.get(name, ...) for name in question.inputs]
        if values[0] is ...:
            return _OPEN
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self.check(question.stem, *values)
        except CheckFailed:
            return _NOT_YET
        return _ANSWERED if question.shape_only else _DONE

    def states(self, namespace: Mapping[str, Any] | None = None) -> list[tuple[int, str, str]]:
        """``[(question number, stem, state), ...]``, the state being ✓, not yet, not answered or answered.

        ``namespace`` defaults to the notebook's variables (the running IPython kernel's).
        """
        if namespace is None:
            namespace = _notebook_namespace()
        return [(q.number, q.stem, self._state(q, namespace)) for q in self.questions]

    def progress(self, namespace: Mapping[str, Any] | None = None) -> None:
        """Print each question with ✓ / not yet / not answered, and the points so far.

        Run it at any time; ``namespace`` defaults to the notebook's variables.
        """
        rows = self.states(namespace)
        width = max(len(q.stem) for q in self.questions)
        print(f"Progress in {self.session} (the visible checks):")
        earned = later = 0.0
        for question, (_, _, state) in zip(self.questions, rows):
            unit = "point" if question.points == 1 else "points"
            print(f"  {state:<12}  Question {question.number}  {question.stem:<{width}}   "
                  f"({question.points:g} {unit})")
            if state == _DONE:
                earned += question.points
            elif state == _ANSWERED:
                later += question.points
        line = f"Points so far: {earned:g} of {self.points:g}."
        if later:
            line += (f" Your findings ({later:g} points) have an answer; they are compared with the "
                     "designed portal when your notebook is graded.")
        if self.written_points:
            line += f" The written answer ({self.written_points:g} points) is marked by your facilitator."
        print(line)


def _notebook_namespace() -> Mapping[str, Any]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}

