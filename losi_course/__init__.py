"""losi_course: the helper library of the LOSI training course.

The course teaches officials to assess city web portals with the UN DESA Local Online
Service Index (LOSI). Notebooks call this library; the logic, data and checks live here.

Names are imported on first use, so ``import losi_course`` stays light (plots and widgets
pull in matplotlib and ipywidgets only when a chart or a form is made). In a notebook, importing
the library also installs short hints for beginners' errors (:mod:`losi_course.friendly`).

Example:
    >>> import losi_course as lc
    >>> lc.load_instrument("2024").size
    95
"""

from __future__ import annotations

import importlib

from . import friendly as _friendly
from .version import __version__  # noqa: F401 - re-exported

# public name -> module that defines it
_EXPORTS = {
    "LosiInputError": "errors", "SheetError": "errors", "UnknownIndicatorError": "errors",
    "DataIntegrityError": "errors",
    "Indicator": "framework", "Instrument": "framework", "load_instrument": "framework",
    "Answer": "assessment", "Assessment": "assessment",
    "read_sheet": "sheets", "write_sheet": "sheets", "write_template": "sheets",
    "LevelScheme": "scoring", "DEFAULT_LEVELS": "scoring", "LosiScore": "scoring",
    "score_assessment": "scoring", "score_table": "scoring", "score_counts": "scoring",
    "losi_level": "scoring", "rank_cities": "scoring", "gap_analysis": "scoring",
    "counts_that_fit": "scoring", "fits_share_of": "scoring",
    "load_egdi_2022": "data", "load_losi_2022_aggregates": "data", "load_losi_2022_cities": "data",
    "load_losi_2022_participation": "data", "load_losi_2024_indicators": "data",
    "load_pilots": "data", "load_losi_2024_cities": "data", "load_dataset": "data", "losi_2022_check_value": "data",
    "egdi_level": "data",
    "assessment_form": "widgets",
    "make_fictional_country": "fictional", "load_fictional_country": "fictional",
    "FictionalCountry": "fictional",
    "scorecard": "report",
    "audit_portal": "audit",
    # reconciliation: `from losi_course.reconcile import reconcile` (a module of the same name
    # would shadow a package-level function once imported)
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'losi_course' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


_friendly.install()  # only does something inside a notebook kernel
