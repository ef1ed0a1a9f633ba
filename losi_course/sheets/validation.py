"""From a table of cells to a checked :class:`~losi_course.assessment.Assessment`.

Every format reader gives the same thing: the metadata and the rows as ``(number, cells)``.
This module finds the columns (refusing a column named twice, which would leave unclear which
answers count) and checks every row: a known indicator, once; an answer; text a cell can hold;
no cell whose content cannot be taken as written (a formula without its result, a program's
"NaN"). All the problems of a sheet are reported together, with the rows.

Example:
    >>> table = [(1, ["id", "value"]), (2, ["281", "maybe"])]
    >>> build_assessment("s.csv", {}, header_records("s.csv", table))
    Traceback (most recent call last):
    ...
    losi_course.errors.SheetError: s.csv, row 2: the value 'maybe' for indicator 281 is not an answer: ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..assessment import ANSWER_HELP, METADATA_KEYS, Answer, Assessment, clean_text, parse_answer
from ..errors import LosiInputError, SheetError, UnknownIndicatorError
from ..framework import load_instrument
from .limits import LIMITS, SheetLimits, column_letters
from .text import clean_line, quoted

__all__ = ["UnreadableCell", "header_records", "build_assessment", "looks_like_header"]

_MAX_LISTED = 8
_USED = ("id", "value", "evidence", "note")
_MISSING_MARKS = {"nan", "<na>", "none"}  # what programs write for a missing number


class UnreadableCell:
    """A cell whose content cannot be taken as written; ``problem`` says why, ``advice`` what to do.

    Example:
        >>> cell = UnreadableCell("holds a formula (=IF(A2,1,0)) whose result was never saved", "=IF(A2,1,0)")
        >>> str(cell), cell.problem[:16]
        ('=IF(A2,1,0)', 'holds a formula ')
    """

    def __init__(self, problem: str, shown: str = "=formula", advice: str = ""):
        self.problem = problem
        self.shown = shown
        self.advice = advice

    def __str__(self) -> str:
        return self.shown


def looks_like_header(row) -> bool:
    """True if a row names the id and value columns.

    Example:
        >>> looks_like_header(["ID", " Value ", "note"]), looks_like_header(["281", "1"])
        (True, False)
    """
    names = {str(v).strip().lower() for v in row}
    return "id" in names and "value" in names


def header_records(path, table, row_word: str = "row") -> Iterator[tuple[str, int, dict]]:
    """``(row_word, number, {column: cell})`` for every non-blank row after the header row.

    Example:
        >>> list(header_records("s.csv", [(1, ["id", "value"]), (2, ["281", "1"]), (3, ["", ""])]))
        [('row', 2, {'id': '281', 'value': '1'})]
    """
    if not table:
        raise SheetError(path, "the file has no header row and no answers.")
    (_, header), body = table[0], table[1:]
    names = [str(h).strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in ("id", "value") if c not in names]
    if missing:
        shown = [quoted(n, 24) for n in names if n][:_MAX_LISTED]
        found = ", ".join(s.strip("'") for s in shown) or "nothing"
        raise SheetError(path, f"the column{'s' if len(missing) > 1 else ''} {' and '.join(missing)} "
                               f"{'are' if len(missing) > 1 else 'is'} missing. The first row must name the "
                               f"columns id,value (and optionally evidence,note); found: {found}.")
    for name in _USED:
        places = [column_letters(k + 1) for k, n in enumerate(names) if n == name]
        if len(places) > 1:
            raise SheetError(path, f"the column {name} appears {len(places)} times (columns {', '.join(places)}), "
                                   f"so it is not clear which one counts. Keep one {name} column and save again.")
    position = {name: names.index(name) for name in _USED if name in names}
    records = []
    for number, row in body:
        if all(str(v).strip() == "" for v in row):
            continue  # blank lines that spreadsheets leave at the end
        cells = {name: (row[k] if k < len(row) else "") for name, k in position.items()}
        records.append((row_word, number, cells))
    if not records:
        raise SheetError(path, "the sheet has a header but no answers.")
    return iter(records)


def _cell_problem(cells: dict, limits: SheetLimits) -> str | None:
    for name, value in cells.items():
        if isinstance(value, UnreadableCell):
            return f"the {name} cell {value.problem}"
    for name in ("evidence", "note"):
        size = len(clean_text(cells.get(name), limit=None))
        if size > limits.max_text:
            return (f"the {name} has {size:,} characters; a sheet cell holds at most {limits.max_text:,}. "
                    "Shorten it (or keep the long text in a separate document and link to it)")
    return None


def _answer_problem(key: str, raw) -> str | None:
    if (isinstance(raw, float) and raw != raw) or (isinstance(raw, str) and raw.strip().lower() in _MISSING_MARKS):
        return (f"the value {quoted(raw)} for indicator {key} is a program's mark for a missing number, not "
                f"an answer: {ANSWER_HELP}.")
    try:
        parse_answer(raw)
    except ValueError:
        return f"the value {quoted(raw)} for indicator {key} is not an answer: {ANSWER_HELP}."
    return None


def _resolve(instrument, raw_id):
    text = str(raw_id).strip()
    if len(text) > 20 or text != clean_line(text):
        raise UnknownIndicatorError(f"{quoted(raw_id)} is not an indicator of the LOSI {instrument.edition} "
                                    "instrument (ids are short, like 281 or 236-IF).")
    return instrument.resolve_id(raw_id)


def build_assessment(path: str | Path, metadata: dict, records: Iterable, edition: str | None = None,
                     limits: SheetLimits = LIMITS) -> Assessment:
    """The assessment the records describe, or one :class:`~losi_course.errors.SheetError` with every problem.

    Example:
        >>> from losi_course.framework import load_instrument
        >>> table = [(1, ["id", "value"])] + [(n, [i, 1]) for n, i in enumerate(load_instrument().ids, 2)]
        >>> build_assessment("s.csv", {"city": "Velmora"}, header_records("s.csv", table)).city
        'Velmora'
    """
    chosen = str(edition or metadata.pop("edition", "") or "2024")
    metadata.pop("edition", None)
    try:
        instrument = load_instrument(chosen)
        instrument.require_complete("an assessment sheet")
    except LosiInputError as err:
        raise SheetError(path, str(err)) from None
    assessment = Assessment(chosen, **{k: clean_line(v) for k, v in metadata.items() if k in METADATA_KEYS})
    problems: list[tuple[str, int, str]] = []
    advice: list[str] = []  # said once, however many rows need it
    first_seen: dict[str, int] = {}
    for row_word, number, cells in records:
        for cell in cells.values():
            if isinstance(cell, UnreadableCell) and cell.advice and cell.advice not in advice:
                advice.append(cell.advice)
        raw_id = cells.get("id", "")
        if isinstance(raw_id, UnreadableCell) or str(raw_id).strip() == "":
            problems.append((row_word, number, "the id is empty." if str(raw_id).strip() == "" else
                             f"the id cell {raw_id.problem}."))
            continue
        try:
            key = _resolve(instrument, raw_id)
        except UnknownIndicatorError as err:
            problems.append((row_word, number, str(err)))
            continue
        if key in first_seen:
            problems.append((row_word, number, f"indicator {key} appears twice (first on {row_word} {first_seen[key]}); "
                                               "keep one row per indicator."))
            continue
        first_seen[key] = number
        problem = _cell_problem(cells, limits) or _answer_problem(key, cells.get("value", ""))
        if problem:
            problems.append((row_word, number, problem.rstrip(".") + "."))
            continue
        value, not_sure = parse_answer(cells.get("value", ""))
        assessment.answers[key] = Answer(value, not_sure, clean_text(cells.get("evidence")),
                                         clean_text(cells.get("note")))
    absent = [i for i in instrument.ids if i not in first_seen]
    if absent and not problems:
        listed = ", ".join(f"{i} ({instrument[i].label})" for i in absent[:_MAX_LISTED])
        more = f" and {len(absent) - _MAX_LISTED} more" if len(absent) > _MAX_LISTED else ""
        raise SheetError(path, f"{len(absent)} indicator{'s' if len(absent) > 1 else ''} of the LOSI "
                               f"{chosen} instrument {'are' if len(absent) > 1 else 'is'} missing: {listed}{more}. "
                               "Add a row for each (leave the value empty if not assessed yet), or start "
                               "from a blank sheet: losi-course template -o FILE.")
    then = "".join(f" {line}" for line in advice)
    if len(problems) == 1:
        row_word, number, message = problems[0]
        raise SheetError(path, (message if row_word == "row" else f"{row_word} {number}: {message}") + then,
                         row=number if row_word == "row" else None)
    if problems:
        shown = "; ".join(f"{w} {n}: {m.rstrip('.')}" for w, n, m in problems[:_MAX_LISTED])
        more = f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        raise SheetError(path, f"{len(problems)} problems. {shown}{more}.{then}")
    return assessment
