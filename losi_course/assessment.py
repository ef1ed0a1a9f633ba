"""Assessments: one answer per indicator for one city, by one assessor.

An answer is 1 (the feature was found), 0 (absent, or could not be found: the LOSI binary
rule), or not given yet. "Not sure" is kept as its own state so an assessor can come back
to it; it counts as not given until it is resolved.

Example:
    >>> a = Assessment(city="Velmora", country="Estoria (fictional)", assessor="A. Tester")
    >>> a.set("281", "yes", evidence="https://velmora.example/")
    >>> a["281"].value, a["281"].state, len(a.unanswered)
    (1, 'yes', 94)
"""

from __future__ import annotations

import copy as _copy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping

from .errors import LosiInputError, UnknownIndicatorError
from .framework import Instrument, load_instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Answer", "Assessment", "AnswerMapping", "parse_answer", "read_answer_mapping",
           "assessment_from_answers", "clean_text", "TEXT_LIMIT", "ANSWER_HELP", "METADATA_KEYS"]

METADATA_KEYS = ("city", "country", "assessor", "date")

_YES = {"1", "yes", "true", "1.0"}
_NO = {"0", "no", "false", "0.0"}
_NOT_SURE = {"not sure", "unsure", "?"}

# What no sheet can hold or read back, removed from every text: control characters other than
# tab and line breaks (Excel refuses them; they arrive by accident when text is pasted), lone
# surrogates (not encodable in UTF-8) and the Unicode non-characters (not allowed in XML).
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef"
                         "\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
                         "\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe"
                         "\U0007ffff\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff"
                         "\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe"
                         "\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
# Line breaks of every kind become "\n": a carriage return does not survive an XLSX round trip,
# and U+0085, U+2028 and U+2029 split lines where a CSV reader does not expect it.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")

#: The longest text a sheet cell holds: Excel's limit, applied in every format.
TEXT_LIMIT = 32_767


def clean_text(value: object, limit: int | None = TEXT_LIMIT) -> str:
    r"""Text for an evidence or note field: what every sheet format can hold and read back.

    Stripped; without invisible control characters, lone surrogates or non-characters; line
    breaks written ``\n``; at most ``limit`` characters (32,767, Excel's limit for a cell;
    ``None`` for no limit).

    Example:
        >>> clean_text("  see page\x0b 3 ")
        'see page 3'
        >>> clean_text("line one\u2028line two\r\n")
        'line one\nline two'
        >>> len(clean_text("x" * 40_000)), clean_text(None)
        (32767, '')
    """
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", _UNSTORABLE.sub("", str(value))).strip()
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip()
    return text


ANSWER_HELP = (
    "use 1 or 0 (or yes/no, true/false, in any case); write 'not sure' or leave it empty "
    "if you have not decided yet"
)


def parse_answer(raw: object) -> tuple[int | None, bool]:
    """Read one answer as ``(value, not_sure)``; raise ``ValueError`` for anything else.

    Example:
        >>> parse_answer("Yes"), parse_answer(0), parse_answer(" TRUE "), parse_answer("")
        ((1, False), (0, False), (1, False), (None, False))
        >>> parse_answer("not sure")
        (None, True)
        >>> parse_answer("maybe")
        Traceback (most recent call last):
        ...
        ValueError: 'maybe' is not an answer
    """
    if raw is None:
        return None, False
    if isinstance(raw, bool):
        return int(raw), False
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw != raw:  # NaN from a spreadsheet: an empty cell
            return None, False
        if raw in (0, 1):
            return int(raw), False
        raise ValueError(f"'{raw}' is not an answer")
    text = str(raw).strip().lower()
    if text == "" or text in ("nan", "<na>", "none"):
        return None, False
    if text in _YES:
        return 1, False
    if text in _NO:
        return 0, False
    if text in _NOT_SURE:
        return None, True
    raise ValueError(f"'{str(raw).strip()}' is not an answer")


@dataclass
class Answer:
    """One indicator's answer with its evidence (a URL) and a free note.

    Example:
        >>> Answer(0, note="Only a PDF form").state
        'no'
    """

    value: int | None = None
    not_sure: bool = False
    evidence: str = ""
    note: str = ""

    @property
    def state(self) -> str:
        """``'yes'``, ``'no'``, ``'not sure'`` or ``''`` (not answered)."""
        if self.value == 1:
            return "yes"
        if self.value == 0:
            return "no"
        return "not sure" if self.not_sure else ""


@dataclass
class Assessment:
    """A city's assessment on a complete LOSI instrument (2024 by default).

    Every indicator of the instrument has an :class:`Answer`, blank until set.

    Example:
        >>> a = Assessment.from_values({i: 1 for i in load_instrument().ids}, city="Velmora")
        >>> a.is_complete, a.values()["281"]
        (True, 1)
    """

    edition: str = "2024"
    metadata: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)

    def __init__(self, edition: str | int = "2024", *, answers: Mapping[str, Answer] | None = None,
                 **metadata: object):
        self.edition = str(edition)
        self.instrument.require_complete("an assessment")
        self.metadata = {k: ("" if v is None else str(v)) for k, v in metadata.items()}
        self.answers = {i: Answer() for i in self.instrument.ids}
        for key, answer in (answers or {}).items():
            self.answers[self.instrument.resolve_id(key)] = answer

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_values(cls, values: Mapping[str, object], edition: str | int = "2024",
                    **metadata: object) -> "Assessment":
        """Build an assessment from ``{indicator_id: answer}``.

        Example:
            >>> Assessment.from_values({"281": "yes", "215": 0}).values()["215"]
            0
        """
        return assessment_from_answers(values, edition=edition, **metadata)

    def copy(self) -> "Assessment":
        """An independent copy.

        Example:
            >>> a = Assessment(); b = a.copy(); b.set("281", 1); a["281"].value is None
            True
        """
        return _copy.deepcopy(self)

    # -- access -------------------------------------------------------------------------
    @property
    def instrument(self) -> Instrument:
        return load_instrument(self.edition)

    def __getitem__(self, indicator_id: str) -> Answer:
        return self.answers[self.instrument.resolve_id(indicator_id)]

    def __getattr__(self, name: str):
        # city, country, assessor, date read from the metadata
        if name in METADATA_KEYS:
            return self.__dict__.get("metadata", {}).get(name, "")
        raise AttributeError(name)

    def set(self, indicator_id: str, value: object, evidence: str | None = None,
            note: str | None = None) -> None:
        """Record an answer; ``evidence``/``note`` left as ``None`` keep what was there.

        Example:
            >>> a = Assessment(); a.set("204", "no", note="Fixed-width layout")
            >>> a.set("204", "not sure"); a["204"].state, a["204"].note
            ('not sure', 'Fixed-width layout')
        """
        key = self.instrument.resolve_id(indicator_id)
        try:
            parsed, not_sure = parse_answer(value)
        except ValueError:
            raise LosiInputError(
                f"'{value}' is not an answer for indicator {key}: {ANSWER_HELP}."
            ) from None
        answer = self.answers[key]
        answer.value, answer.not_sure = parsed, not_sure
        if evidence is not None:
            answer.evidence = clean_text(evidence)
        if note is not None:
            answer.note = clean_text(note)

    def values(self) -> dict[str, int | None]:
        """``{id: 1, 0 or None}`` in catalog order.

        Example:
            >>> list(Assessment().values().items())[0]
            ('281', None)
        """
        return {key: answer.value for key, answer in self.answers.items()}

    @property
    def unanswered(self) -> list[str]:
        """Ids without a 1/0 answer yet (blank or "not sure")."""
        return [key for key, answer in self.answers.items() if answer.value is None]

    @property
    def not_sure(self) -> list[str]:
        """Ids marked "not sure"."""
        return [key for key, answer in self.answers.items() if answer.not_sure and answer.value is None]

    @property
    def is_complete(self) -> bool:
        return not self.unanswered

    def to_frame(self) -> "pd.DataFrame":
        """One row per indicator: id, criterion, label, value (nullable), answer, evidence, note.

        Example:
            >>> Assessment.from_values({"281": 1}).to_frame().iloc[0][["id", "answer"]].tolist()
            ['281', 'yes']
        """
        import pandas as pd

        instrument = self.instrument
        frame = pd.DataFrame([
            {"id": key, "criterion": instrument[key].criterion, "label": instrument[key].label,
             "value": answer.value, "answer": answer.state, "evidence": answer.evidence,
             "note": answer.note}
            for key, answer in self.answers.items()
        ])
        frame["value"] = frame["value"].astype("Int8")
        return frame

    def describe(self) -> str:
        """A one-line summary for people.

        Example:
            >>> Assessment(city="Velmora", assessor="A").describe()
            'Velmora, assessed by A (LOSI 2024): 0 of 95 indicators answered'
        """
        done = len(self.answers) - len(self.unanswered)
        who = f", assessed by {self.assessor}" if self.assessor else ""
        return (f"{self.city or 'Unnamed city'}{who} (LOSI {self.edition}): "
                f"{done} of {len(self.answers)} indicators answered")

    def answered_ids(self) -> Iterable[str]:
        return (key for key, answer in self.answers.items() if answer.value is not None)


@dataclass
class AnswerMapping:
    """What :func:`read_answer_mapping` made of a ``{id: answer}`` mapping.

    ``values`` holds the readable answers as ``(value, not_sure)``; ``unknown`` the keys that are
    not indicators (as given); ``invalid`` ``(id, raw)`` pairs whose answer is not an answer;
    ``blank`` the ids given as ``...`` (the notebooks' placeholder) or left empty.

    Example:
        >>> m = read_answer_mapping({"281": "yes", "999": 1, "215": "maybe", "216": ...})
        >>> m.values, m.unknown, m.invalid, m.blank
        ({'281': (1, False)}, ['999'], [('215', 'maybe')], ['216'])
    """

    values: dict[str, tuple[int | None, bool]]
    unknown: list[str]
    invalid: list[tuple[str, object]]
    blank: list[str]


def read_answer_mapping(answers: Mapping[object, object], edition: str | int = "2024") -> AnswerMapping:
    """Read ``{indicator id: answer}`` the one way the course reads it, keeping every problem.

    Ids may be written ``281``, ``"#281"`` or ``" 281 "``; answers as :func:`parse_answer`
    accepts them; ``...`` means "not answered yet". Nothing is raised: callers decide how to
    word the problems (a notebook check, a sheet error, a command's message).

    Example:
        >>> read_answer_mapping({281: "Yes", "#215": 0}).values
        {'281': (1, False), '215': (0, False)}
    """
    instrument = load_instrument(edition)
    result = AnswerMapping({}, [], [], [])
    for raw_key, raw_value in dict(answers).items():
        try:
            key = instrument.resolve_id(raw_key)
        except UnknownIndicatorError:
            result.unknown.append(str(raw_key))
            continue
        if raw_value is ...:
            result.blank.append(key)
            continue
        try:
            value, not_sure = parse_answer(raw_value)
        except ValueError:
            result.invalid.append((key, raw_value))
            continue
        if value is None and not not_sure:
            result.blank.append(key)
        result.values[key] = (value, not_sure)
    return result


def assessment_from_answers(answers: Mapping[object, object], *, base: Assessment | None = None,
                            edition: str | int = "2024", note: str | None = None,
                            require_answer: bool = False, **metadata: object) -> Assessment:
    """An :class:`Assessment` with the answers of a mapping set (the one way the course does it).

    ``base``: start from a copy of this assessment (it is not changed); otherwise a blank one of
    ``edition`` with ``metadata``. ``note``: written on every indicator set. With
    ``require_answer``, every given indicator needs a yes or no (``...``, blank and "not sure"
    are refused). Unknown ids and unreadable answers raise one
    :class:`~losi_course.errors.LosiInputError` that names them all.

    Example:
        >>> a = assessment_from_answers({"281": "yes", 215: 0}, city="Velmora")
        >>> a.values()["281"], a.values()["215"], a.city
        (1, 0, 'Velmora')
        >>> b = assessment_from_answers({"216": "no"}, base=a, note="Your finding.")
        >>> b["216"].note, a["216"].state
        ('Your finding.', '')
        >>> assessment_from_answers({"281": "maybe", "999": 1})
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: 'maybe' is not an answer for indicator 281: use 1 or 0 (or yes/no, true/false, in any case); write 'not sure' or leave it empty if you have not decided yet. Not an indicator of LOSI 2024: 999.
    """
    result = base.copy() if base is not None else Assessment(edition, **metadata)
    read = read_answer_mapping(answers, result.edition)
    if require_answer:
        problems = [f"Indicator {key} has no yes or no answer (it is {raw!r}): write \"yes\" or \"no\"."
                    for key, raw in read.invalid]
    else:
        problems = [f"'{raw}' is not an answer for indicator {key}: {ANSWER_HELP}." for key, raw in read.invalid]
    if read.unknown:
        problems.append(f"Not an indicator of LOSI {result.edition}: {', '.join(read.unknown)}.")
    if require_answer:
        missing = [k for k in read.blank] + [k for k, (v, unsure) in read.values.items() if v is None and unsure]
        problems += [f"Indicator {key} has no yes or no answer: write \"yes\" or \"no\"." for key in missing]
    if problems:
        raise LosiInputError(" ".join(problems))
    for key, (value, not_sure) in read.values.items():
        answer = result.answers[key]
        answer.value, answer.not_sure = value, not_sure
        if note is not None:
            answer.note = clean_text(note)
    return result
