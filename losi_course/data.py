"""The catalog of the real, sourced datasets shipped with the course, loaded by function.

Each dataset is a file in ``losi_course/data/``, read through :mod:`losi_course.datafiles`,
which checks it against the checksum manifest first. ``SOURCES.md`` beside the files says
where every figure comes from.

Example:
    >>> egdi = load_egdi_2022()
    >>> len(egdi), egdi.loc[egdi["egdi_rank_2022"] == 1, "country"].item()
    (193, 'Denmark')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .datafiles import read_text, verified_path
from .errors import LosiInputError
from .framework import load_instrument

if TYPE_CHECKING:  # pandas is imported lazily to keep ``import losi_course`` light
    import pandas as pd

__all__ = [
    "DATASETS",
    "Dataset",
    "load_dataset",
    "load_egdi_2022",
    "load_losi_2022_aggregates",
    "load_losi_2022_cities",
    "load_losi_2022_participation",
    "load_losi_2024_indicators",
    "load_pilots",
    "load_losi_2024_cities",
    "losi_2022_check_value",
    "egdi_level",
    "EGDI_LEVELS",
    "sources_text",
]

# The Survey's own EGDI bands (published): very high above 0.75, high 0.50-0.75,
# middle 0.25-0.50, low below 0.25.
EGDI_LEVELS = (("Very high", 0.75), ("High", 0.50), ("Middle", 0.25), ("Low", float("-inf")))


def _read_csv(filename: str, **kwargs) -> "pd.DataFrame":
    import pandas as pd

    return pd.read_csv(verified_path(filename), keep_default_na=False, na_values=[""], **kwargs)


def _yes_no(frame: "pd.DataFrame", columns) -> "pd.DataFrame":
    for column in columns:
        frame[column] = frame[column].map({"yes": True, "no": False})
    return frame


def egdi_level(value: float) -> str:
    """The E-Government Survey's EGDI level for a value (bands published by the Survey).

    Example:
        >>> egdi_level(0.9717), egdi_level(0.61), egdi_level(0.30), egdi_level(0.1)
        ('Very high', 'High', 'Middle', 'Low')
    """
    for name, lower in EGDI_LEVELS:
        if value > lower:
            return name
    return "Low"


def load_egdi_2022() -> "pd.DataFrame":
    """EGDI 2022 and its components for the 193 UN Member States.

    Columns: country, iso3, m49, region, subregion, egdi_2022, egdi_rank_2022, osi_2022,
    hci_2022, tii_2022, epi_2022, ldc_2022, lldc, sids (booleans), note, egdi_level.

    Example:
        >>> egdi = load_egdi_2022()
        >>> float(round(egdi["egdi_2022"].mean(), 4))
        0.6102
        >>> int(egdi["ldc_2022"].sum()), int(egdi["sids"].sum())
        (46, 37)
    """
    import pandas as pd

    frame = _read_csv("egdi2022_countries.csv", dtype={"m49": str, "note": str})
    frame = _yes_no(frame, ["ldc_2022", "lldc", "sids"])
    frame["note"] = frame["note"].fillna("")
    frame["egdi_level"] = pd.Categorical(
        frame["egdi_2022"].map(egdi_level),
        categories=[name for name, _ in EGDI_LEVELS][::-1], ordered=True,
    )
    return frame


def load_losi_2022_aggregates() -> "pd.DataFrame":
    """Published LOSI 2022 figures (check values), one row per figure with its source.

    Example:
        >>> agg = load_losi_2022_aggregates()
        >>> agg.loc["losi2022_cities_with_accessible_portal_assessed", "value"]
        '146'
    """
    return _read_csv("losi2022_aggregates.csv", dtype=str).set_index("name")


def losi_2022_check_value(name: str) -> float | str:
    """One published LOSI 2022 figure by name, as a number when it is one.

    Example:
        >>> losi_2022_check_value("dubai_losi2022")
        0.9186
        >>> losi_2022_check_value("losi2022_n_indicators")
        86
    """
    table = load_losi_2022_aggregates()
    if name not in table.index:
        raise LosiInputError(
            f"'{name}' is not one of the published LOSI 2022 figures; "
            "see load_losi_2022_aggregates() for the list."
        )
    raw = table.loc[name, "value"]
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and "." not in raw else number


def load_losi_2022_cities() -> "pd.DataFrame":
    """The few LOSI 2022 city results that were published (5 of 193 cities).

    Values marked ``derived`` in ``value_basis`` are arithmetic on published counts.

    Example:
        >>> cities = load_losi_2022_cities()
        >>> cities.set_index("city").loc["Dubai", "losi_2022"]
        np.float64(0.9186)
    """
    frame = _read_csv("losi2022_cities.csv")
    return _yes_no(frame, ["ldc_2022", "lldc", "sids"])


def load_losi_2022_participation() -> "pd.DataFrame":
    """The 17 participation-and-engagement indicators of LOSI 2022 with adoption shares.

    ``pct_cities_2022`` is the share of the 146 assessed cities (Survey 2022, Figure 3.10);
    ``cities_meeting_2022`` is that share times 146.

    Example:
        >>> pe = load_losi_2022_participation()
        >>> len(pe), pe["label"].iloc[0], pe["pct_cities_2022"].iloc[0]
        (17, 'E-voting', np.float64(19.18))
    """
    return _read_csv("losi2022_indicators.csv", dtype={"losi2024_code_match": str})


def load_losi_2024_indicators() -> "pd.DataFrame":
    """The 95 indicators of the LOSI 2024 instrument as a table (paraphrased catalog).

    Same content as :func:`losi_course.framework.load_instrument` ``("2024").to_frame()``.

    Example:
        >>> load_losi_2024_indicators().shape[0]
        95
    """
    return load_instrument("2024").to_frame()


def load_pilots() -> "pd.DataFrame":
    """What is known about the LOSI country pilots and related national studies.

    Example:
        >>> pilots = load_pilots().set_index("country")
        >>> int(pilots.loc["Jordan", "cities_assessed"])
        19
    """
    return _read_csv("pilots.csv", dtype={"year": "Int64", "cities_assessed": "Int64"})


def load_losi_2024_cities() -> "pd.DataFrame":
    """The few LOSI 2024 city results found: 13 values (a secondary transcription) and 3 ranks.

    ``losi_2024`` is empty where only a rank was reported in the press; ``value_basis`` says what
    each row rests on. Treat the values as transcribed, not re-read from the Survey (SOURCES.md).

    Example:
        >>> cities = load_losi_2024_cities()
        >>> len(cities), int(cities["losi_2024"].notna().sum())
        (16, 13)
        >>> float(cities.set_index("city").loc["Copenhagen", "losi_2024"])
        0.9063
    """
    return _read_csv("losi2024_cities.csv", dtype={"rank_2024": "Int64"})


@dataclass(frozen=True)
class Dataset:
    """One shipped dataset: its file, a one-line description, its source and its loader.

    Example:
        >>> DATASETS["pilots"].filename
        'pilots.csv'
    """

    name: str
    filename: str
    title: str
    source: str
    loader: Callable[[], "pd.DataFrame"]


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("egdi_2022", "egdi2022_countries.csv",
                "E-Government Development Index 2022 for the 193 UN Member States, with region and LDC/LLDC/SIDS flags",
                "UN DESA E-Government Survey 2022 data centre export (EGDI, OSI, HCI, TII, EPI, rank); regions and "
                "flags from the UNSD M49 table; Bhutan counted as LDC in 2022", load_egdi_2022),
        Dataset("losi_2022_aggregates", "losi2022_aggregates.csv",
                "Published LOSI 2022 figures: cities assessed, level shares, indicator counts, check values",
                "UN E-Government Survey 2022, chapter 3 and annex (page given on each row); a few press reports",
                load_losi_2022_aggregates),
        Dataset("losi_2022_cities", "losi2022_cities.csv",
                "The five LOSI 2022 city results found in public sources (Berlin, Madrid, Tallinn, Copenhagen, Dubai)",
                "Press reports cited on each row; values marked 'derived' are counts divided by 86",
                load_losi_2022_cities),
        Dataset("losi_2022_participation", "losi2022_indicators.csv",
                "The 17 LOSI 2022 participation-and-engagement indicators with the share of cities meeting each",
                "UN E-Government Survey 2022, Figure 3.10 (report page 99); descriptions paraphrased",
                load_losi_2022_participation),
        Dataset("losi_2024_indicators", "losi2024_indicators.csv",
                "The 95 indicators of the LOSI 2024 instrument in 6 criteria, paraphrased, with automation tiers",
                "LOSI 2024 guidance modules (What / Why / How per indicator), paraphrased in the course's own words",
                load_losi_2024_indicators),
        Dataset("pilots", "pilots.csv",
                "LOSI Network pilots and national applications (Jordan, Palestine, Brazil, Greece, Uzbekistan, "
                "India, Mozambique, Tunisia) and related studies",
                "UN DESA and UNU-EGOV pages, webinar and forum reports, press articles: cited on each row",
                load_pilots),
        Dataset("losi_2024_cities", "losi2024_cities.csv",
                "The LOSI 2024 city results found: 13 values and 3 press-reported ranks",
                "UN E-Government Survey 2024 Technical Appendix Table 12, as transcribed in an open dataset; "
                "press reports for the three ranks without values", load_losi_2024_cities),
    ]
}


def load_dataset(name: str) -> "pd.DataFrame":
    """Load a shipped dataset by its name in :data:`DATASETS`.

    Example:
        >>> load_dataset("pilots").shape[0] >= 3
        True
    """
    try:
        return DATASETS[name].loader()
    except KeyError:
        known = ", ".join(DATASETS)
        raise LosiInputError(f"There is no dataset called '{name}'. The datasets are: {known}.") from None


def sources_text() -> str:
    """Where every shipped figure comes from (the text of ``data/SOURCES.md``).

    Example:
        >>> "EGDI" in sources_text()
        True
    """
    return read_text("SOURCES.md")
