"""JSON sheets: ``{"edition": "2024", "city": ..., "answers": [{"id": ..., "value": ...}]}``.

``answers`` may also be a mapping ``{id: value}``. Reading is strict, because a quietly wrong
reading would give a wrong score: a key given twice in one object (JSON readers usually keep
the last), ``NaN`` or ``Infinity``, a number longer than
:attr:`~losi_course.sheets.limits.SheetLimits.json_max_number_length` characters and nesting
deeper than :attr:`~losi_course.sheets.limits.SheetLimits.max_depth` are clear errors.

Example:
    >>> json_table("s.json", b'{"answers": {"281": 1, "281": 0}}')
    Traceback (most recent call last):
    ...
    losi_course.errors.SheetError: s.json: the key '281' appears twice in one object, so it is not clear which one counts; keep one.
"""

from __future__ import annotations

import json

from ..assessment import METADATA_KEYS, Assessment
from ..errors import SheetError
from .formats import COLUMNS, sheet_metadata
from .limits import LIMITS, SheetLimits
from .source import utf8_problem
from .text import quoted

__all__ = ["json_table", "json_bytes"]

_SCALARS = (str, int, float, bool, type(None))


class _Refused(ValueError):
    """A problem found while the JSON text is parsed (raised from the parser's hooks)."""


def _depth(document, limit: int) -> bool:
    """True if ``document`` nests deeper than ``limit`` (checked without recursion)."""
    level = [document]
    for _ in range(limit + 1):
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return True


def _parse(raw: bytes, path, limits: SheetLimits):
    def number(convert):
        def parse(text: str):
            if len(text) > limits.json_max_number_length:
                raise _Refused(f"the file holds a number {len(text):,} characters long; a sheet needs no number longer "
                               f"than {limits.json_max_number_length}")
            return convert(text)
        return parse

    def unique(pairs):
        document = {}
        for key, value in pairs:
            if key in document:
                raise _Refused(f"the key {quoted(key)} appears twice in one object, so it is not clear which one "
                               "counts; keep one")
            document[key] = value
        return document

    def constant(name: str):
        raise _Refused(f"the file holds {name}, which is not a value a sheet can hold; leave the value empty (null) instead")

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SheetError(path, f"the file is not UTF-8 text, so it cannot be JSON: {utf8_problem(raw, err)}.") from None
    too_deep = (f"the JSON is nested more than {limits.max_depth} levels deep; a sheet needs three "
                "(the sheet, its answers, one answer)")
    try:
        document = json.loads(text, object_pairs_hook=unique, parse_int=number(int),
                              parse_float=number(float), parse_constant=constant)
    except _Refused as problem:
        raise SheetError(path, f"{problem}.") from None
    except RecursionError:
        raise SheetError(path, f"{too_deep}.") from None
    except json.JSONDecodeError as err:
        raise SheetError(path, f"the file is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}).") from None
    if _depth(document, limits.max_depth):
        raise SheetError(path, f"{too_deep}.")
    return document


def _scalar(path, value, what: str, number: int | None = None):
    if isinstance(value, _SCALARS):
        return "" if value is None else value
    where = f"answer {number}: " if number is not None else ""
    kind = "an object" if isinstance(value, dict) else "a list" if isinstance(value, list) else type(value).__name__
    raise SheetError(path, f"{where}{what} must be text or a number, not {kind}.")


def json_table(path, raw: bytes, limits: SheetLimits = LIMITS) -> tuple[dict, list]:
    """``(metadata, [(answer number, cells), ...])`` of a JSON sheet, a header row first.

    Example:
        >>> json_table("s.json", b'{"city": "Velmora", "answers": {"281": 1}}')
        ({'city': 'Velmora'}, [(0, ['id', 'criterion', 'label', 'value', 'evidence', 'note']), (1, ['281', '', '', 1, '', ''])])
    """
    document = _parse(raw, path, limits)
    if not isinstance(document, dict) or "answers" not in document:
        raise SheetError(path, 'a JSON sheet must be an object with an "answers" list, for example '
                               '{"city": "Velmora", "answers": [{"id": "281", "value": 1}]}.')
    metadata = {k: str(_scalar(path, document[k], f'"{k}"')) for k in (*METADATA_KEYS, "edition")
                if document.get(k) is not None}
    answers = document["answers"]
    if isinstance(answers, (dict, list)) and len(answers) > limits.max_rows:
        raise SheetError(path, f'"answers" holds {len(answers):,} answers; a sheet holds at most {limits.max_rows:,} '
                               "(a LOSI sheet has one per indicator: 95).")
    table: list[tuple[int, list]] = [(0, list(COLUMNS))]
    if isinstance(answers, dict):
        for number, (key, value) in enumerate(answers.items(), start=1):
            table.append((number, [key, "", "", _scalar(path, value, "the value", number), "", ""]))
    elif isinstance(answers, list):
        for number, item in enumerate(answers, start=1):
            if not isinstance(item, dict):
                raise SheetError(path, f'each answer must be an object like {{"id": "281", "value": 1}}; '
                                       f"got {quoted(json.dumps(item, ensure_ascii=False))}.", row=number)
            table.append((number, [_scalar(path, item.get("id", ""), "the id", number), "", "",
                                   _scalar(path, item.get("value", ""), "the value", number),
                                   _scalar(path, item.get("evidence", ""), "the evidence", number),
                                   _scalar(path, item.get("note", ""), "the note", number)]))
    else:
        raise SheetError(path, '"answers" must be a list of {"id", "value"} objects or an {id: value} mapping.')
    return metadata, table


def json_bytes(assessment: Assessment) -> bytes:
    """The JSON file of an assessment.

    Example:
        >>> json.loads(json_bytes(Assessment(city="Velmora")))["answers"][0]
        {'id': '281', 'value': None, 'evidence': '', 'note': ''}
    """
    document: dict = dict(sheet_metadata(assessment))
    document["answers"] = [
        {"id": key, "value": ("not sure" if a.state == "not sure" else a.value), "evidence": a.evidence, "note": a.note}
        for key, a in assessment.answers.items()
    ]
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
