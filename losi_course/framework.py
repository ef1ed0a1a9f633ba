"""The LOSI framework as data: criteria, indicators and the two instrument editions.

* **2024**: the 95 indicators of the current guidance in six criteria (paraphrased).
  Code 236 appears twice in the source (once under Institutional Framework, once under
  Participation and Engagement), so the course gives those two rows the ids ``236-IF`` and
  ``236-PE``; every other indicator's id is its code (``"281"``, ``"225a"``). A bare
  ``"236"`` is refused as ambiguous rather than guessed.
* **2022**: the edition of the E-Government Survey 2022, 86 indicators in five criteria. Only
  the 17 participation-and-engagement items and their adoption shares were published; the
  other 69 items are not public, so the edition is modelled as *known items + counts per
  criterion* and never padded with guesses.

Example:
    >>> losi = load_instrument("2024")
    >>> losi.size, len(losi.criteria)
    (95, 6)
    >>> losi["281"].label
    'Official city government website'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Iterable

from .datafiles import read_records
from .errors import LosiInputError, UnknownIndicatorError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Indicator",
    "Instrument",
    "load_instrument",
    "EDITIONS",
    "CRITERIA_2024",
    "CRITERIA_2022",
    "CRITERION_CODES",
    "AUTOMATION_TIERS",
    "criteria_of",
]

EDITIONS = ("2024", "2022")

CRITERIA_2024 = (
    "Institutional Framework",
    "Content Provision",
    "Services Provision",
    "Participation and Engagement",
    "E-Government Literacy",
    "Technology",
)
CRITERIA_2022 = (
    "Institutional Framework",
    "Content Provision",
    "Services Provision",
    "Participation and Engagement",
    "Technology",
)
CRITERION_CODES = {
    "Institutional Framework": "IF",
    "Content Provision": "CP",
    "Services Provision": "SP",
    "Participation and Engagement": "PE",
    "E-Government Literacy": "EGL",
    "Technology": "TEC",
}

AUTOMATION_TIERS = {
    "AUTO": "a program can check it from the portal's pages",
    "HINT": "a program can point to likely evidence; a person decides",
    "HUMAN": "only a person can judge it",
}

# Published sizes of the 2022 criteria (egovkb LOSI page); see data/SOURCES.md.
_SIZES_2022_ROWS = {
    "Institutional Framework": "losi2022_n_indicators_institutional_framework",
    "Content Provision": "losi2022_n_indicators_content_provision",
    "Services Provision": "losi2022_n_indicators_services_provision",
    "Participation and Engagement": "losi2022_n_indicators_participation_engagement",
    "Technology": "losi2022_n_indicators_technology",
}


@dataclass(frozen=True)
class Indicator:
    """One LOSI indicator.

    ``value`` in an assessment is 1 when the feature is found on the portal and 0 when it
    is absent *or could not be found* (the LOSI binary rule).

    Example:
        >>> ind = load_instrument("2024")["204"]
        >>> ind.criterion, ind.automation
        ('Technology', 'AUTO')
    """

    id: str
    criterion: str
    label: str
    description: str
    rationale: str = ""
    steps: tuple[str, ...] = ()
    example: str = ""
    automation: str = "HUMAN"
    code: str = ""
    edition: str = "2024"
    in_2022: str = "unknown"
    adoption_2022: float | None = None  # share of the 146 assessed cities (0-1), where published

    def summary(self) -> str:
        """A one-paragraph description for a form or a hint.

        Example:
            >>> print(load_instrument("2024")["206"].summary().splitlines()[0])
            206 - Search function on the homepage (E-Government Literacy)
        """
        lines = [f"{self.id} - {self.label} ({self.criterion})", self.description]
        if self.steps:
            lines.append("How a city can meet it: " + "; ".join(self.steps) + ".")
        if self.adoption_2022 is not None:
            lines.append(f"In 2022, {self.adoption_2022:.0%} of the 146 assessed cities met it.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Instrument:
    """A LOSI edition: its indicators, criteria and criterion sizes.

    ``complete`` is False for an edition whose item list was not fully published (2022):
    such an instrument can describe and score *counts*, but cannot produce an assessment
    sheet.

    Example:
        >>> losi22 = load_instrument("2022")
        >>> losi22.size, losi22.complete, len(losi22.indicators)
        (86, False, 17)
        >>> losi22.criterion_sizes["Content Provision"]
        25
    """

    edition: str
    criteria: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    criterion_sizes: dict[str, int] = field(hash=False)
    complete: bool = True

    @property
    def size(self) -> int:
        """Number of indicators in the edition (including unpublished ones)."""
        return sum(self.criterion_sizes.values())

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids in catalog order.

        Example:
            >>> load_instrument("2024").ids[:3]
            ('281', '215', '216')
        """
        return tuple(ind.id for ind in self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self):
        return iter(self.indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return isinstance(indicator_id, str) and indicator_id in self._by_id

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self._by_id[self.resolve_id(indicator_id)]

    def resolve_id(self, raw: object) -> str:
        """Turn what a person typed into a valid id, or raise a helpful error.

        Accepts ``"#281"``, ``" 281 "``, ``281`` (a number) and any case of a suffix.

        Example:
            >>> losi = load_instrument("2024")
            >>> losi.resolve_id("#225A"), losi.resolve_id(281.0)
            ('225a', '281')
            >>> losi.resolve_id("236")
            Traceback (most recent call last):
            ...
            losi_course.errors.UnknownIndicatorError: '236' is ambiguous in the LOSI 2024 instrument: use 236-IF (Open government data) or 236-PE (Open data in open formats).
        """
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = str(raw).strip().lstrip("#").strip()
        code, dash, suffix = text.partition("-")
        text = f"{code.lower()}{dash}{suffix.upper()}"
        if text in self._by_id:
            return text
        candidates = [i for i in self.indicators if i.code == text]
        if len(candidates) > 1:
            options = " or ".join(f"{c.id} ({c.label})" for c in candidates)
            raise UnknownIndicatorError(
                f"'{text}' is ambiguous in the LOSI {self.edition} instrument: use {options}."
            )
        close = difflib.get_close_matches(text, self._by_id, n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownIndicatorError(
            f"'{raw}' is not an indicator of the LOSI {self.edition} instrument.{hint} "
            "Run 'losi-course indicators' for the list."
        )

    def in_criterion(self, criterion: str) -> tuple[Indicator, ...]:
        """The (published) indicators of one criterion, by name or short code.

        Example:
            >>> [i.id for i in load_instrument("2024").in_criterion("IF")]
            ['281', '215', '216', '224', '236-IF', '242']
        """
        name = self.criterion_name(criterion)
        return tuple(i for i in self.indicators if i.criterion == name)

    def criterion_name(self, criterion: str) -> str:
        """Full criterion name from a name or short code (any case).

        Example:
            >>> load_instrument("2024").criterion_name("egl")
            'E-Government Literacy'
        """
        wanted = criterion.strip().lower()
        for name in self.criteria:
            if wanted in (name.lower(), CRITERION_CODES[name].lower()):
                return name
        raise LosiInputError(
            f"'{criterion}' is not a criterion of the LOSI {self.edition} instrument. "
            f"The criteria are: {', '.join(self.criteria)}."
        )

    def require_complete(self, purpose: str) -> None:
        """Refuse an operation that needs every item of the edition.

        Example:
            >>> load_instrument("2022").require_complete("a blank sheet")
            Traceback (most recent call last):
            ...
            losi_course.errors.LosiInputError: The LOSI 2022 instrument cannot be used for a blank sheet: only 17 of its 86 indicators were published (the participation and engagement items). Use the 2024 instrument.
        """
        if not self.complete:
            raise LosiInputError(
                f"The LOSI {self.edition} instrument cannot be used for {purpose}: only "
                f"{len(self.indicators)} of its {self.size} indicators were published (the "
                "participation and engagement items). Use the 2024 instrument."
            )

    def to_frame(self) -> "pd.DataFrame":
        """The indicators as a table, one row per indicator, in catalog order.

        Example:
            >>> frame = load_instrument("2024").to_frame()
            >>> list(frame.columns[:4])
            ['id', 'criterion', 'label', 'description']
        """
        import pandas as pd

        rows = [
            {
                "id": i.id, "criterion": i.criterion, "label": i.label,
                "description": i.description, "rationale": i.rationale,
                "steps": " | ".join(i.steps), "example": i.example,
                "automation": i.automation, "code": i.code, "in_2022": i.in_2022,
                "adoption_2022": i.adoption_2022,
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows)

    def membership(self) -> tuple[list[str], list[str], list[int]]:
        """(ids, criteria, criterion index of each id): the shape scoring works on.

        Example:
            >>> ids, criteria, which = load_instrument("2024").membership()
            >>> len(ids), criteria[which[0]]
            (95, 'Institutional Framework')
        """
        position = {c: k for k, c in enumerate(self.criteria)}
        return list(self.ids), list(self.criteria), [position[i.criterion] for i in self.indicators]


def _split_steps(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split("|") if s.strip())


def _pct(text: str) -> float | None:
    return round(float(text) / 100, 4) if text.strip() else None


def _load_2024() -> Instrument:
    rows = read_records("losi2024_indicators.csv")
    codes = [r["code"] for r in rows]
    indicators = []
    for row in rows:
        code = row["code"].strip()
        criterion = row["criterion"].strip()
        ident = code
        if codes.count(code) > 1:  # the duplicated 236: disambiguate by criterion code
            ident = f"{code}-{CRITERION_CODES[criterion]}"
        indicators.append(Indicator(
            id=ident, criterion=criterion, label=row["label"], description=row["description"],
            rationale=row["rationale"], steps=_split_steps(row["steps"]), example=row["example"],
            automation=row["automation"], code=code, edition="2024", in_2022=row["in_2022"],
            adoption_2022=_pct(row["pct_cities_2022"]),
        ))
    sizes = {c: sum(1 for i in indicators if i.criterion == c) for c in CRITERIA_2024}
    return Instrument("2024", CRITERIA_2024, tuple(indicators), sizes, complete=True)


def _load_2022() -> Instrument:
    aggregates = {r["name"]: r["value"] for r in read_records("losi2022_aggregates.csv")}
    sizes = {c: int(aggregates[key]) for c, key in _SIZES_2022_ROWS.items()}
    # Automation tier: that of the matching 2024 item (our own match), else a person judges.
    tiers_2024 = {i.code: i.automation for i in _cached("2024").indicators}
    indicators = []
    for row in read_records("losi2022_indicators.csv"):
        code = row["losi2024_code_match"].lstrip("#")
        indicators.append(Indicator(
            id=row["id"], criterion="Participation and Engagement", label=row["label"],
            description=row["description"], code=code, edition="2022", in_2022="yes",
            automation=tiers_2024.get(code, "HUMAN"), adoption_2022=_pct(row["pct_cities_2022"]),
        ))
    return Instrument("2022", CRITERIA_2022, tuple(indicators), sizes, complete=False)


@lru_cache(maxsize=None)
def _cached(edition: str) -> Instrument:
    return _load_2024() if edition == "2024" else _load_2022()


def load_instrument(edition: str | int = "2024") -> Instrument:
    """The LOSI instrument of an edition (``"2024"`` or ``"2022"``).

    Example:
        >>> load_instrument(2022).criterion_sizes["Technology"]
        18
        >>> load_instrument("2020")
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: There is no LOSI 2020 instrument in the course. Choose one of: 2024, 2022.
    """
    key = str(edition).strip()
    if key not in EDITIONS:
        raise LosiInputError(
            f"There is no LOSI {key} instrument in the course. Choose one of: {', '.join(EDITIONS)}."
        )
    return _cached(key)


def criteria_of(ids: Iterable[str], edition: str = "2024") -> dict[str, str]:
    """Map indicator ids to their criterion.

    Example:
        >>> criteria_of(["281", "204"])
        {'281': 'Institutional Framework', '204': 'Technology'}
    """
    instrument = load_instrument(edition)
    return {i: instrument[i].criterion for i in ids}


