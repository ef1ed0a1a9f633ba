"""LOSI scores, levels, ranks and gap analysis.

LOSI is the share of the instrument's indicators that a city meets; a criterion's
sub-score is the share met within that criterion. This reading fits the published values:
Berlin was reported to meet 84 of 86 indicators with LOSI 0.97 (84/86 = 0.9767), and Dubai's
published 0.9186 is exactly 79/86 to four decimals (no other count of 86 gives it). The
Survey's annex text that would state the rule was not available, so it is a well-supported
inference, not a quotation.

LOSI 2024: the published city values are exact multiples of 1/96 to four decimals (for
example Copenhagen's 0.9063 = 87/96), not of 1/95, while the 2024 catalog the course has lists
95 indicators. The course scores on its 95 indicators and says so; why the published scores
look like shares of 96 items is not known (:func:`counts_that_fit` lets participants check).

Levels: "Very high" means LOSI above 0.75 (published). The cut-offs between high, middle
and low (0.50 and 0.25) were *not* published: the course assumes them by analogy with the
EGDI bands. They are configurable (:class:`LevelScheme`) and labelled as an assumption
wherever they are shown.

Example:
    >>> round(score_counts(79, edition="2022").losi, 4)
    0.9186
    >>> score_counts(79, edition="2022").level
    'Very high'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Mapping

from .assessment import Assessment, assessment_from_answers
from .errors import LosiInputError
from .framework import Instrument, load_instrument

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "LevelScheme",
    "DEFAULT_LEVELS",
    "LEVEL_NAMES",
    "LEVEL_ASSUMPTION",
    "LosiScore",
    "score_assessment",
    "score_table",
    "score_counts",
    "losi_level",
    "rank_cities",
    "gap_analysis",
    "answer_matrix",
    "counts_that_fit",
    "fits_share_of",
]

LEVEL_NAMES = ("Very high", "High", "Middle", "Low")
LEVEL_ASSUMPTION = (
    "Only 'Very high' (LOSI > 0.75) is published; the high/middle/low cut-offs "
    "are an assumption by analogy with the EGDI bands."
)


@dataclass(frozen=True)
class LevelScheme:
    """Cut-offs between LOSI levels: a value *above* a cut-off reaches that level.

    ``very_high = 0.75`` is published; ``high`` and ``middle`` are assumptions
    (``assumed`` says which ones are).

    Example:
        >>> DEFAULT_LEVELS.level(0.76), DEFAULT_LEVELS.level(0.75), DEFAULT_LEVELS.level(0.2)
        ('Very high', 'High', 'Low')
        >>> LevelScheme(high=0.6).level(0.55)
        'Middle'
    """

    very_high: float = 0.75
    high: float = 0.50
    middle: float = 0.25
    assumed: tuple[str, ...] = ("high", "middle")

    def __post_init__(self):
        if not (1 >= self.very_high > self.high > self.middle >= 0):
            raise LosiInputError(
                "Level cut-offs must satisfy 1 >= very_high > high > middle >= 0; got "
                f"very_high={self.very_high}, high={self.high}, middle={self.middle}."
            )

    @property
    def cutoffs(self) -> tuple[float, float, float]:
        return (self.very_high, self.high, self.middle)

    def level(self, value: float) -> str:
        """The level of one LOSI value."""
        for name, cut in zip(LEVEL_NAMES, self.cutoffs):
            if value > cut:
                return name
        return LEVEL_NAMES[-1]

    def levels(self, values) -> "np.ndarray":
        """The levels of many values at once (vectorised).

        Example:
            >>> DEFAULT_LEVELS.levels([0.9, 0.6, 0.3, 0.1]).tolist()
            ['Very high', 'High', 'Middle', 'Low']
        """
        import numpy as np

        values = np.asarray(values, dtype=float)
        conditions = [values > cut for cut in self.cutoffs]
        return np.select(conditions, LEVEL_NAMES[:3], default=LEVEL_NAMES[3]).astype(object)

    def describe(self) -> str:
        """The bands in words, with the assumption stated.

        Example:
            >>> print(DEFAULT_LEVELS.describe())
            Very high: LOSI > 0.75 (published); High: > 0.50 (assumed); Middle: > 0.25 (assumed); Low: the rest (assumed)
        """
        names = ("very_high", "high", "middle")
        parts = []
        for label, name, cut in zip(LEVEL_NAMES, names, self.cutoffs):
            tag = "assumed" if name in self.assumed else "published"
            parts.append(f"{label}: {'LOSI ' if not parts else ''}> {cut:.2f} ({tag})")
        tag = "assumed" if self.assumed else "published"
        parts.append(f"Low: the rest ({tag})")
        return "; ".join(parts)


DEFAULT_LEVELS = LevelScheme()


def losi_level(value: float, levels: LevelScheme | None = None) -> str:
    """The LOSI level of a value ("Very high" above 0.75 is published; the rest assumed).

    Example:
        >>> losi_level(0.9186)
        'Very high'
    """
    return (levels or DEFAULT_LEVELS).level(value)


@dataclass(frozen=True)
class LosiScore:
    """The result of scoring one assessment.

    Example:
        >>> s = score_counts(84, edition="2022")
        >>> s.indicators_met, s.indicators_total, round(s.losi, 4)
        (84, 86, 0.9767)
    """

    losi: float
    level: str
    indicators_met: int
    indicators_total: int
    criteria: dict[str, float] = field(default_factory=dict)
    criteria_met: dict[str, int] = field(default_factory=dict)
    criteria_total: dict[str, int] = field(default_factory=dict)
    city: str = ""
    edition: str = "2024"
    unanswered: tuple[str, ...] = ()
    level_note: str = LEVEL_ASSUMPTION

    def to_dict(self) -> dict:
        """The five-key JSON shape of ``losi-course score --json``.

        Example:
            >>> sorted(score_counts(79, edition="2022").to_dict())
            ['criteria', 'indicators_met', 'indicators_total', 'level', 'losi']
        """
        return {
            "losi": round(self.losi, 4),
            "level": self.level,
            "indicators_met": self.indicators_met,
            "indicators_total": self.indicators_total,
            "criteria": {name: round(value, 4) for name, value in self.criteria.items()},
        }

    def summary(self) -> str:
        """A short text report for people.

        Example:
            >>> print(score_counts(79, edition="2022").summary().splitlines()[0])
            LOSI 0.9186 (Very high): 79 of 86 indicators met
        """
        lines = [f"LOSI {self.losi:.4f} ({self.level}): {self.indicators_met} of "
                 f"{self.indicators_total} indicators met"]
        width = max((len(n) for n in self.criteria), default=0)
        for name, value in self.criteria.items():
            lines.append(f"  {name:<{width}}  {value:.4f}  ({self.criteria_met[name]} of {self.criteria_total[name]})")
        if self.unanswered:
            lines.append(f"  {len(self.unanswered)} unanswered indicator(s) counted as not found.")
        lines.append(f"Levels: {self.level_note}")
        return "\n".join(lines)


def score_assessment(assessment: "Assessment", *, levels: LevelScheme | None = None,
                     unanswered: str = "error") -> LosiScore:
    """Score one assessment: LOSI, level and criterion sub-scores.

    ``unanswered="error"`` (default) refuses an assessment with blank or "not sure"
    answers; ``unanswered="not found"`` counts them as 0, as the LOSI rule does for
    features that cannot be found (useful for a provisional score).

    Example:
        >>> ids = load_instrument().ids
        >>> a = Assessment.from_values({i: int(k < 60) for k, i in enumerate(ids)}, city="Velmora")
        >>> s = score_assessment(a)
        >>> round(s.losi, 4), s.level, s.criteria["Institutional Framework"]
        (0.6316, 'High', 1.0)
    """
    if unanswered not in ("error", "not found"):
        raise LosiInputError("unanswered must be 'error' or 'not found'.")
    missing = tuple(assessment.unanswered)
    if missing and unanswered == "error":
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise LosiInputError(
            f"{assessment.city or 'This assessment'} has {len(missing)} indicator(s) without a yes/no "
            f"answer yet ({shown}). Answer them, or score provisionally counting them as not found "
            "(unanswered='not found'; on the command line: --partial)."
        )
    instrument = assessment.instrument
    values = {key: (value or 0) for key, value in assessment.values().items()}
    met = {c: 0 for c in instrument.criteria}
    for key, value in values.items():
        met[instrument[key].criterion] += value
    total = instrument.criterion_sizes
    losi = sum(met.values()) / instrument.size
    return LosiScore(
        losi=losi, level=losi_level(losi, levels), indicators_met=sum(met.values()),
        indicators_total=instrument.size,
        criteria={c: met[c] / total[c] for c in instrument.criteria},
        criteria_met=met, criteria_total=dict(total), city=assessment.city,
        edition=instrument.edition, unanswered=missing,
    )


def score_counts(indicators_met: int, edition: str = "2022", *,
                 by_criterion: Mapping[str, int] | None = None,
                 levels: LevelScheme | None = None, city: str = "") -> LosiScore:
    """Score from counts of indicators met (how published results are given).

    Example:
        >>> s = score_counts(79, by_criterion={"Institutional Framework": 8}, city="Dubai")
        >>> s.criteria["Institutional Framework"]
        1.0
    """
    instrument = load_instrument(edition)
    if isinstance(indicators_met, bool) or not float(indicators_met).is_integer():
        raise LosiInputError(f"The number of indicators met must be a whole number; got {indicators_met}.")
    indicators_met = int(indicators_met)
    if not 0 <= indicators_met <= instrument.size:
        raise LosiInputError(
            f"A city can meet between 0 and {instrument.size} indicators of LOSI {instrument.edition}; "
            f"got {indicators_met}."
        )
    criteria, met_counts = {}, {}
    for name, count in (by_criterion or {}).items():
        name = instrument.criterion_name(name)
        size = instrument.criterion_sizes[name]
        if not 0 <= count <= size:
            raise LosiInputError(f"{name} has {size} indicators; {count} cannot be met.")
        criteria[name], met_counts[name] = count / size, count
    losi = indicators_met / instrument.size
    return LosiScore(losi=losi, level=losi_level(losi, levels), indicators_met=indicators_met,
                     indicators_total=instrument.size, criteria=criteria, criteria_met=met_counts,
                     criteria_total={n: instrument.criterion_sizes[n] for n in criteria},
                     city=city, edition=instrument.edition)


def answer_matrix(answers: "pd.DataFrame", instrument: Instrument) -> "np.ndarray":
    """Check a cities x indicators table of 0/1 answers; return it as a float matrix.

    Columns are indicator ids (any order; ``#281`` or ``281`` accepted); every indicator of
    the instrument must be present and every cell 0 or 1 (True/False accepted).

    Example:
        >>> import pandas as pd
        >>> ids = load_instrument().ids
        >>> answer_matrix(pd.DataFrame([[1] * 95], columns=ids), load_instrument()).shape
        (1, 95)
    """
    import numpy as np

    instrument.require_complete("scoring a table of answers")
    try:
        resolved = [instrument.resolve_id(c) for c in answers.columns]
    except LosiInputError as err:
        raise LosiInputError(f"The answers table has a column that is not an indicator: {err}") from None
    if len(set(resolved)) != len(resolved):
        raise LosiInputError("The answers table has the same indicator in two columns.")
    absent = [i for i in instrument.ids if i not in set(resolved)]
    if absent:
        raise LosiInputError(
            f"The answers table lacks {len(absent)} indicator column(s): {', '.join(absent[:8])}"
            f"{' ...' if len(absent) > 8 else ''}."
        )
    order = [resolved.index(i) for i in instrument.ids]
    try:
        matrix = answers.iloc[:, order].to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise LosiInputError(
            "Every answer in the table must be 0 or 1 (True/False accepted); the table holds text. "
            "Convert yes/no answers first, e.g. table.replace({'yes': 1, 'no': 0})."
        ) from None
    bad = ~np.isin(matrix, (0.0, 1.0))
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        raise LosiInputError(
            f"Every answer must be 0 or 1; {answers.index[row]!r} has "
            f"{answers.iloc[row, order[col]]!r} for indicator {instrument.ids[col]} "
            f"({int(bad.sum())} such cell(s) in all)."
        )
    return matrix


def score_table(answers: "pd.DataFrame", edition: str = "2024", *,
                levels: LevelScheme | None = None) -> "pd.DataFrame":
    """Score many cities at once: one row per city, vectorised.

    ``answers``: rows = cities (the index names them), columns = indicator ids, cells 0/1.
    Returns columns ``losi``, ``level``, ``indicators_met`` and one sub-score column per
    criterion.

    Example:
        >>> import pandas as pd
        >>> ids = load_instrument().ids
        >>> table = pd.DataFrame([[1] * 95, [0] * 95], index=["North", "South"], columns=ids)
        >>> score_table(table)[["losi", "level", "indicators_met"]]
               losi      level  indicators_met
        North   1.0  Very high              95
        South   0.0        Low               0
    """
    import numpy as np
    import pandas as pd

    instrument = load_instrument(edition)
    matrix = answer_matrix(answers, instrument)
    _, criteria, which = instrument.membership()
    membership = np.zeros((len(which), len(criteria)))
    membership[np.arange(len(which)), which] = 1.0
    met_by_criterion = matrix @ membership
    sizes = membership.sum(axis=0)
    met = matrix.sum(axis=1)
    losi = met / instrument.size
    result = pd.DataFrame(met_by_criterion / sizes, index=answers.index, columns=criteria)
    result.insert(0, "indicators_met", met.astype(int))
    result.insert(0, "level", pd.Categorical((levels or DEFAULT_LEVELS).levels(losi),
                                             categories=LEVEL_NAMES[::-1], ordered=True))
    result.insert(0, "losi", losi)
    result.attrs.update(answers.attrs)  # keeps e.g. the "fictional" flag for charts and tables
    return result


def rank_cities(scores: "pd.DataFrame | pd.Series", by: str = "losi") -> "pd.Series":
    """Rank cities from best (1) down; equal scores share the better rank.

    Example:
        >>> import pandas as pd
        >>> rank_cities(pd.Series({"A": 0.5, "B": 0.9, "C": 0.5})).tolist()
        [2, 1, 2]
    """
    import pandas as pd

    column = scores[by] if isinstance(scores, pd.DataFrame) else scores
    missing = column[column.isna()]
    if len(missing):
        raise LosiInputError(
            f"{len(missing)} city(ies) have no score to rank ({', '.join(map(str, missing.index[:5]))}); "
            "score them first or leave them out, e.g. scores.dropna()."
        )
    return column.rank(ascending=False, method="min").astype(int).rename("rank")


def gap_analysis(assessment: "Assessment | pd.Series | Mapping[str, int]",
                 peers: "pd.DataFrame | None" = None, *, edition: str = "2024") -> "pd.DataFrame":
    """The indicators a city misses, most common among its peers first ("quick wins").

    ``peers``: a cities x indicators table of 0/1 answers (e.g. the other municipalities of
    the country). Without it, the published 2022 adoption shares are used where known and
    the other indicators come last, in catalog order. Each row carries the toolkit's steps.

    Example:
        >>> ids = load_instrument().ids
        >>> a = Assessment.from_values({i: 1 for i in ids} | {"273": 0, "279": 0})
        >>> gap_analysis(a)[["id", "label", "peer_share"]]
            id                        label  peer_share
        0  273           Social media features      0.8630
        1  279  E-voting for local decisions      0.1918
    """
    import pandas as pd

    if not isinstance(assessment, Assessment):
        assessment = assessment_from_answers(dict(assessment), edition=edition)
    instrument = assessment.instrument
    values = assessment.values()
    # Blank or "not sure" counts as not met, as the LOSI rule does for features not found.
    missed = [i for i in instrument.ids if values.get(i) != 1]
    if peers is not None:
        matrix = answer_matrix(peers, instrument)
        shares = dict(zip(instrument.ids, matrix.mean(axis=0)))
        basis = f"share of {len(peers)} peer cities"
    else:
        shares = {i.id: i.adoption_2022 for i in instrument}
        basis = "share of the 146 cities assessed in 2022 (published)"
    rows = []
    for position, key in enumerate(missed):
        indicator = instrument[key]
        share = shares.get(key)
        rows.append({
            "id": key, "criterion": indicator.criterion, "label": indicator.label,
            "peer_share": None if share is None else round(float(share), 4),
            "basis": basis if share is not None else "no peer figure",
            "steps": "; ".join(indicator.steps), "_order": position,
        })
    frame = pd.DataFrame(rows, columns=["id", "criterion", "label", "peer_share", "basis", "steps", "_order"])
    frame = frame.sort_values(["peer_share", "_order"], ascending=[False, True], na_position="last")
    return frame.drop(columns="_order").reset_index(drop=True)


def counts_that_fit(value: float, total: int, decimals: int = 4) -> list[int]:
    """The whole numbers of indicators ``k`` whose share ``k / total`` rounds to ``value``.

    A published score rounded to ``decimals`` places is "a share of ``total`` items" only if such
    a ``k`` exists; one fitting ``k`` does not prove the rule, no fitting ``k`` rules it out.
    Shares are rounded half up, as published tables do (87/96 = 0.90625 gives 0.9063).

    Example:
        >>> counts_that_fit(0.9186, 86), counts_that_fit(0.9063, 96), counts_that_fit(0.9063, 95)
        ([79], [87], [])
    """
    if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
        raise LosiInputError(f"total must be a positive whole number of indicators; got {total!r}.")
    try:
        target = Decimal(str(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except (TypeError, ValueError, ArithmeticError):
        raise LosiInputError(f"{value!r} is not a score (a number between 0 and 1).") from None
    step = Decimal(1).scaleb(-decimals)
    return [k for k in range(total + 1)
            if (Decimal(k) / Decimal(total)).quantize(step, rounding=ROUND_HALF_UP) == target]


def fits_share_of(values, total: int, decimals: int = 4) -> "pd.Series":
    """For each score, the one whole count out of ``total`` it is a rounded share of (else missing).

    Example:
        >>> import pandas as pd
        >>> fits_share_of(pd.Series([0.9063, 0.8854, 0.5]), 96).tolist()
        [87, 85, 48]
        >>> fits_share_of(pd.Series([0.9063, None]), 95).isna().tolist()
        [True, True]
    """
    import pandas as pd

    series = pd.Series(values)
    found = [None if pd.isna(v) else (counts_that_fit(v, total, decimals) or [None])[0] for v in series]
    return pd.Series(pd.array(found, dtype="Int64"), index=series.index, name=f"count_of_{total}")
