"""Reconciling two assessors' sheets of the same city.

In a LOSI assessment two researchers assess each city independently and then agree on
one answer per indicator. :func:`reconcile` compares the two sheets: how often they
agree, Cohen's kappa (agreement corrected for chance), where they differ, and what is
still unanswered. :meth:`Reconciliation.consensus` then builds the agreed sheet.

Only indicators that **both** assessors answered yes or no are compared; the others
(blank or "not sure" in either sheet) are listed in ``unanswered``.

**Kappa convention.** Cohen's kappa is ``(p_o - p_e) / (1 - p_e)``, where ``p_o`` is the
observed agreement and ``p_e`` the agreement expected by chance from each assessor's
shares of yes and no. When ``p_e`` is 1 (both assessors gave the same answer, yes or no,
to every compared item) the formula is 0 / 0 and kappa is **undefined**: it is then
``None`` on the object, ``<NA>`` in the ``by_criterion`` table and ``null`` in JSON, and
:meth:`Reconciliation.summary` says why. Look at the agreement instead in that case.

Example:
    >>> ids = load_instrument().ids
    >>> a = Assessment.from_values({i: 1 for i in ids[:10]}, city="Velmora", assessor="Ana")
    >>> b = Assessment.from_values({i: int(k != 3) for k, i in enumerate(ids[:10])},
    ...                            city="Velmora", assessor="Ben")
    >>> result = reconcile(a, b)
    >>> result.n_compared, result.agreement, result.kappa, result.disagreements
    (10, 0.9, 0.0, ['224'])
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Iterable, Mapping

from .assessment import Assessment
from .errors import LosiInputError
from .framework import load_instrument  # noqa: F401 - the examples use it
from .sheets import read_sheet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["reconcile", "Reconciliation", "cohen_kappa", "kappa_words", "UNDEFINED_KAPPA"]

UNDEFINED_KAPPA = (
    "kappa is undefined when both assessors gave the same answer to every item (there is no "
    "variation left to compare with chance); look at the agreement instead"
)


def _counts(pairs: Iterable[tuple[int, int]]) -> tuple[int, int, int, int]:
    """(both yes, A yes B no, A no B yes, both no)."""
    n11 = n10 = n01 = n00 = 0
    for x, y in pairs:
        if x and y:
            n11 += 1
        elif x:
            n10 += 1
        elif y:
            n01 += 1
        else:
            n00 += 1
    return n11, n10, n01, n00


def _kappa_from_counts(n11: int, n10: int, n01: int, n00: int) -> float | None:
    # Exact arithmetic, so "p_e == 1" is tested exactly and never divides by zero.
    n = n11 + n10 + n01 + n00
    p_o = Fraction(n11 + n00, n)
    a_yes, b_yes = Fraction(n11 + n10, n), Fraction(n11 + n01, n)
    p_e = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if p_e == 1:
        return None
    return float((p_o - p_e) / (1 - p_e))


def cohen_kappa(a: Iterable[object], b: Iterable[object]) -> float | None:
    """Cohen's kappa of two assessors' 0/1 answers to the same items, in the same order.

    ``None`` when kappa is undefined (both gave one and the same answer to every item).

    Example:
        >>> cohen_kappa([1, 1, 0, 0], [1, 1, 0, 0])
        1.0
        >>> cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1])
        -1.0
        >>> print(cohen_kappa([1, 1, 1], [1, 1, 1]))
        None
    """
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise LosiInputError(f"The two lists of answers have different lengths ({len(a)} and {len(b)}).")
    if not a:
        raise LosiInputError("There are no answers to compare.")
    for value in (*a, *b):
        if value not in (0, 1):  # True and False count as 1 and 0
            raise LosiInputError(f"Kappa compares 0/1 answers; {value!r} is not 0 or 1.")
    return _kappa_from_counts(*_counts(zip((int(x) for x in a), (int(y) for y in b))))


def kappa_words(kappa: float | None) -> str:
    """Kappa in words, after Landis and Koch's widely used rule of thumb.

    Example:
        >>> kappa_words(0.4), kappa_words(0.85), kappa_words(-0.2)
        ('fair', 'almost perfect', 'poor')
    """
    if kappa is None:
        return "undefined"
    for limit, words in ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"),
                         (0.60, "moderate"), (0.80, "substantial")):
        if kappa <= limit + 1e-12:
            return words
    return "almost perfect"


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _as_assessment(value: object, letter: str) -> Assessment:
    if isinstance(value, Assessment):
        return value
    if isinstance(value, (str, os.PathLike)):
        return read_sheet(value)
    raise LosiInputError(
        f"Sheet {letter} must be an assessment (from read_sheet) or the path of a sheet file; "
        f"got {type(value).__name__}.")


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def _kappa_text(kappa: float | None) -> str:
    return "undefined*" if kappa is None else f"{kappa:.4f}"


@dataclass(repr=False)
class Reconciliation:
    """The comparison of two sheets of one city; made by :func:`reconcile`.

    ``agreement`` and ``kappa`` are over the ``n_compared`` indicators that both assessors
    answered yes or no; ``kappa`` is ``None`` when undefined (see the module notes).
    ``disagreements`` and ``unanswered`` are indicator ids in catalog order.

    Example:
        >>> ids = load_instrument().ids
        >>> a = Assessment.from_values({i: k % 2 for k, i in enumerate(ids)}, assessor="Ana")
        >>> result = reconcile(a, a.copy())
        >>> result
        <Reconciliation: 95 compared, agreement 1.0000, kappa 1.0000, 0 disagreements, 0 unanswered>
    """

    a: Assessment
    b: Assessment
    n_compared: int
    agreement: float
    kappa: float | None
    disagreements: list[str]
    unanswered: list[str]
    by_criterion: "pd.DataFrame"
    counts: tuple[int, int, int, int] = field(default=(0, 0, 0, 0))

    @property
    def name_a(self) -> str:
        """Assessor A's name (or "Assessor A")."""
        return self.a.assessor or "Assessor A"

    @property
    def name_b(self) -> str:
        """Assessor B's name (or "Assessor B")."""
        return self.b.assessor or "Assessor B"

    def __repr__(self) -> str:
        kappa = "undefined" if self.kappa is None else f"{self.kappa:.4f}"
        return (f"<Reconciliation: {self.n_compared} compared, agreement {self.agreement:.4f}, kappa {kappa}, "
                f"{len(self.disagreements)} disagreements, {len(self.unanswered)} unanswered>")

    def crosstab(self) -> "pd.DataFrame":
        """The 2 x 2 table of the compared answers (rows: A, columns: B).

        Example:
            >>> ids = load_instrument().ids
            >>> a = Assessment.from_values({i: 1 for i in ids[:4]})
            >>> b = Assessment.from_values(dict(zip(ids[:4], [1, 1, 0, 1])))
            >>> reconcile(a, b).crosstab()
                    B: yes  B: no
            A: yes       3      1
            A: no        0      0
        """
        import pandas as pd

        n11, n10, n01, n00 = self.counts
        return pd.DataFrame([[n11, n10], [n01, n00]], index=["A: yes", "A: no"], columns=["B: yes", "B: no"])

    def disagreement_table(self) -> "pd.DataFrame":
        """One row per disagreement, with both answers, evidences and notes side by side.

        Example:
            >>> ids = load_instrument().ids
            >>> a = Assessment.from_values({ids[0]: 1, ids[1]: 1})
            >>> b = Assessment.from_values({ids[0]: 1, ids[1]: 0})
            >>> b.set(ids[1], "no", note="Only a phone number")
            >>> reconcile(a, b).disagreement_table()[["id", "answer_a", "answer_b", "note_b"]]
                id answer_a answer_b               note_b
            0  215      yes       no  Only a phone number
        """
        import pandas as pd

        instrument = self.a.instrument
        rows = []
        for key in self.disagreements:
            x, y = self.a.answers[key], self.b.answers[key]
            rows.append({"id": key, "criterion": instrument[key].criterion, "label": instrument[key].label,
                         "answer_a": x.state, "answer_b": y.state, "evidence_a": x.evidence,
                         "evidence_b": y.evidence, "note_a": x.note, "note_b": y.note})
        columns = ["id", "criterion", "label", "answer_a", "answer_b", "evidence_a", "evidence_b",
                   "note_a", "note_b"]
        return pd.DataFrame(rows, columns=columns)

    def consensus(self, resolutions: Mapping[str, object] | None = None) -> Assessment:
        """The agreed sheet: agreed answers kept, the rest blank unless resolved.

        * agreed indicators keep the answer, with both evidences (and notes) merged;
        * disagreements, and indicators not answered by both, stay blank, with a note of
          what each assessor said, unless ``resolutions`` gives the answer
          (``{id: "yes" | "no" | 1 | 0}``); a resolution wins over everything else;
        * city and country come from the sheets, the assessor is
          ``"A + B (consensus)"`` and the date is today's.

        Example:
            >>> ids = load_instrument().ids
            >>> a = Assessment.from_values({ids[0]: 1, ids[1]: 1}, city="Velmora", assessor="Ana")
            >>> b = Assessment.from_values({ids[0]: 1, ids[1]: 0}, city="Velmora", assessor="Ben")
            >>> agreed = reconcile(a, b).consensus()
            >>> agreed.assessor, agreed[ids[0]].state, agreed[ids[1]].state, agreed[ids[1]].note
            ('Ana + Ben (consensus)', 'yes', '', 'To resolve: Ana answered yes; Ben answered no.')
            >>> reconcile(a, b).consensus({ids[1]: "no"})[ids[1]].state
            'no'
        """
        instrument = self.a.instrument
        resolved = {}
        for key, value in (resolutions or {}).items():
            resolved[instrument.resolve_id(key)] = value
        result = Assessment(
            self.a.edition,
            city=self.a.city or self.b.city,
            country=self.a.country or self.b.country,
            assessor=f"{self.name_a} + {self.name_b} (consensus)",
            date=_dt.date.today().isoformat(),
        )
        for key in instrument.ids:
            x, y = self.a.answers[key], self.b.answers[key]
            answer = result.answers[key]
            answer.evidence = _merge([x.evidence, y.evidence])
            notes = _merge_notes(x.note, y.note, self.name_a, self.name_b)
            agreed = x.value is not None and x.value == y.value
            if agreed:
                answer.value = x.value
                answer.note = notes
            else:
                said = (f"{self.name_a} answered {x.state or 'nothing'}; "
                        f"{self.name_b} answered {y.state or 'nothing'}.")
                prefix = "Resolved" if key in resolved else "To resolve"
                answer.note = " ".join(part for part in (f"{prefix}: {said}", notes) if part)
            if key in resolved:
                result.set(key, resolved[key])
        return result

    def to_dict(self) -> dict:
        """The JSON shape of ``losi-course reconcile --json`` (undefined kappa is ``None``).

        Example:
            >>> ids = load_instrument().ids
            >>> a = Assessment.from_values({i: 1 for i in ids})
            >>> d = reconcile(a, a.copy()).to_dict()
            >>> d["agreement"], d["kappa"], d["n_compared"], d["disagreements"]
            (1.0, None, 95, [])
        """
        def rounded(value):
            return None if value is None else round(float(value), 4)

        by_criterion = {}
        for name, row in self.by_criterion.iterrows():
            by_criterion[name] = {
                "n": int(row["n"]),
                "agreement": None if _missing(row["agreement"]) else rounded(row["agreement"]),
                "kappa": None if _missing(row["kappa"]) else rounded(row["kappa"]),
            }
        return {
            "city": self.a.city or self.b.city,
            "edition": self.a.edition,
            "assessor_a": self.a.assessor,
            "assessor_b": self.b.assessor,
            "n_compared": self.n_compared,
            "n_agreed": self.n_compared - len(self.disagreements),
            "agreement": rounded(self.agreement),
            "kappa": rounded(self.kappa),
            "disagreements": list(self.disagreements),
            "unanswered": list(self.unanswered),
            "by_criterion": by_criterion,
        }

    def summary(self) -> str:
        """A short report for people.

        Example:
            >>> ids = load_instrument().ids
            >>> a = Assessment.from_values({i: 1 for i in ids[:10]}, city="Velmora", assessor="Ana")
            >>> b = Assessment.from_values({i: int(k != 3) for k, i in enumerate(ids[:10])},
            ...                            city="Velmora", assessor="Ben")
            >>> print(reconcile(a, b).summary().splitlines()[2])
            Agreement: 9 of 10 (90.0%).
        """
        instrument = self.a.instrument
        city = self.a.city or self.b.city or "Unnamed city"
        agreed = self.n_compared - len(self.disagreements)
        lines = [
            f"{city}, LOSI {self.a.edition}: {self.name_a} (A) and {self.name_b} (B)",
            f"Compared the {self.n_compared} indicators that both answered yes or no; "
            f"{len(self.unanswered)} left out (blank or not sure in one or both sheets).",
            f"Agreement: {agreed} of {self.n_compared} ({_pct(self.agreement)}).",
        ]
        if self.kappa is None:
            lines.append(f"Cohen's kappa: undefined. Note: {UNDEFINED_KAPPA}.")
        else:
            chance = ", no better than chance" if self.kappa <= 0 else ""
            lines.append(f"Cohen's kappa: {self.kappa:.4f} ({kappa_words(self.kappa)} agreement{chance}, "
                         "on Landis and Koch's rule of thumb).")
        lines.append("By criterion (n = indicators both answered):")
        width = max(len(name) for name in self.by_criterion.index)
        undefined_here = False
        for name, row in self.by_criterion.iterrows():
            share = None if _missing(row["agreement"]) else float(row["agreement"])
            kappa = None if _missing(row["kappa"]) else float(row["kappa"])
            undefined_here |= kappa is None and int(row["n"]) > 0
            kappa_text = "—" if int(row["n"]) == 0 else _kappa_text(kappa)
            lines.append(f"  {name:<{width}}  n={int(row['n']):<3} agreement {_pct(share):>6}  kappa {kappa_text}")
        if undefined_here:
            lines.append(f"  * {UNDEFINED_KAPPA}.")
        if self.disagreements:
            lines.append(f"Disagreements to resolve ({len(self.disagreements)}):")
            for key in self.disagreements:
                lines.append(f"  {key:<7} {instrument[key].label}: A {self.a.answers[key].state}, "
                             f"B {self.b.answers[key].state}")
        else:
            lines.append("No disagreements on the compared indicators.")
        if self.unanswered:
            only_a = sum(1 for k in self.unanswered if self.b.answers[k].value is None
                         and self.a.answers[k].value is not None)
            only_b = sum(1 for k in self.unanswered if self.a.answers[k].value is None
                         and self.b.answers[k].value is not None)
            neither = len(self.unanswered) - only_a - only_b
            lines.append(f"Not compared ({len(self.unanswered)}: {only_a} answered only by A, "
                         f"{only_b} only by B, {neither} by neither): {', '.join(self.unanswered)}")
        lines.append("Next: talk the disagreements through, then build the consensus sheet "
                     "(result.consensus({...}) in a notebook, or --consensus FILE on the command line).")
        return "\n".join(lines)


def _missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _merge(parts: Iterable[str]) -> str:
    seen: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and part not in seen:
            seen.append(part)
    return " | ".join(seen)


def _merge_notes(note_a: str, note_b: str, name_a: str, name_b: str) -> str:
    note_a, note_b = (note_a or "").strip(), (note_b or "").strip()
    if note_a and note_b and note_a != note_b:
        return f"{name_a}: {note_a} | {name_b}: {note_b}"
    return note_a or note_b


def reconcile(a: Assessment | str | os.PathLike, b: Assessment | str | os.PathLike) -> Reconciliation:
    """Compare two assessors' sheets of the same city (assessments, or paths of sheet files).

    Raises :class:`~losi_course.errors.LosiInputError` when the sheets use different
    editions, name different cities, or have no indicator that both answered.

    Example:
        >>> ids = load_instrument().ids
        >>> a = Assessment.from_values({i: 1 for i in ids[:5]}, city="Velmora")
        >>> b = Assessment.from_values({i: 1 for i in ids[:5]}, city="Lumen")
        >>> reconcile(a, b)
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: The two sheets are about different cities: 'Velmora' (sheet A) and 'Lumen' (sheet B). Reconcile two assessments of the same city.
    """
    import pandas as pd

    a, b = _as_assessment(a, "A"), _as_assessment(b, "B")
    if a.edition != b.edition:
        raise LosiInputError(
            f"The two sheets use different LOSI instruments: {a.edition} (sheet A) and {b.edition} "
            "(sheet B). Compare two sheets of the same edition.")
    if a.city.strip() and b.city.strip() and _norm(a.city) != _norm(b.city):
        raise LosiInputError(
            f"The two sheets are about different cities: '{a.city.strip()}' (sheet A) and "
            f"'{b.city.strip()}' (sheet B). Reconcile two assessments of the same city.")
    instrument = a.instrument
    both = [k for k in instrument.ids if a.answers[k].value is not None and b.answers[k].value is not None]
    unanswered = [k for k in instrument.ids if k not in set(both)]
    if not both:
        raise LosiInputError(
            "There is nothing to compare: no indicator has a yes or no answer in both sheets "
            f"(sheet A has {len(a.answers) - len(a.unanswered)} answered, sheet B "
            f"{len(b.answers) - len(b.unanswered)}). Reconcile the sheets once both assessors have answered.")
    disagreements = [k for k in both if a.answers[k].value != b.answers[k].value]

    def stats(keys: list[str]):
        if not keys:
            return 0, None, None, (0, 0, 0, 0)
        counts = _counts((a.answers[k].value, b.answers[k].value) for k in keys)
        agree = (counts[0] + counts[3]) / len(keys)
        return len(keys), agree, _kappa_from_counts(*counts), counts

    n, agreement, kappa, counts = stats(both)
    rows = []
    for criterion in instrument.criteria:
        keys = [k for k in both if instrument[k].criterion == criterion]
        size, share, value, _ = stats(keys)
        rows.append({"criterion": criterion, "n": size, "agreement": share, "kappa": value})
    table = pd.DataFrame(rows).set_index("criterion")
    table["n"] = table["n"].astype(int)
    table["agreement"] = pd.array([r["agreement"] for r in rows], dtype="Float64")
    table["kappa"] = pd.array([r["kappa"] for r in rows], dtype="Float64")
    return Reconciliation(a=a, b=b, n_compared=n, agreement=agreement, kappa=kappa,
                          disagreements=disagreements, unanswered=unanswered, by_criterion=table,
                          counts=counts)
