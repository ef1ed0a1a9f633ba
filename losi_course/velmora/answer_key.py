"""The designed answers for the fictional Velmora portal, one per LOSI 2024 indicator.

The key is data (``losi_course/data/velmora/answer_key.csv``, under the checksum manifest), so
an edited key is noticed before it can grade anyone. It is for instructors and the checkers;
notebooks never print it. The participants' pack (``losi-course instructor pack``) leaves it
out: there, asking for it says so kindly (:func:`has_answer_key` is False).

Example:
    >>> key = load_answer_key()
    >>> len(key), int(key.loc["281", "value"]), key.loc["206", "accept"]
    (95, 1, '0')
    >>> accepted("either"), accepted("0")
    ({0, 1}, {0})
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..datafiles import manifest_entries, verified_path
from ..errors import LosiInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KEY_FILE", "has_answer_key", "load_answer_key", "accepted", "evidence_pages"]

KEY_FILE = "velmora/answer_key.csv"


def has_answer_key() -> bool:
    """Whether this copy of the course ships the answer key (the participants' pack does not).

    Example:
        >>> has_answer_key()
        True
    """
    return KEY_FILE in manifest_entries()


@lru_cache(maxsize=1)
def _key() -> "pd.DataFrame":
    import pandas as pd

    if not has_answer_key():
        raise LosiInputError(
            "This copy of the course has no answer key for the fictional Velmora portal: it is the "
            "participants' edition. Your findings are compared with the designed portal when your "
            "notebook is graded, and the feedback explains every difference.")
    key = pd.read_csv(verified_path(KEY_FILE), dtype=str, keep_default_na=False)
    key["value"] = key["value"].astype(int)
    return key.set_index("id")


def load_answer_key() -> "pd.DataFrame":
    """The designed answers, indexed by indicator id (a fresh copy).

    Columns: ``value`` (1 met, 0 not met), ``accept`` (``"1"``, ``"0"`` or ``"either"`` for a
    borderline item where both answers count as right), ``evidence`` (site-relative pages
    separated by ``;``) and ``note`` (one sentence for a learner who answered differently).

    Example:
        >>> int((load_answer_key()["accept"] == "either").sum())
        8
    """
    return _key().copy()


def accepted(accept: str) -> set[int]:
    """The answers (0, 1) that count as right for an ``accept`` value of the key."""
    return {0, 1} if accept == "either" else {int(accept)}


def evidence_pages(indicator_id: str) -> list[str]:
    """The portal pages (site-relative) that show the evidence for an indicator, if any.

    Example:
        >>> evidence_pages("281")
        ['index.html', 'about.html']
    """
    return [page for page in _key().loc[indicator_id, "evidence"].split(";") if page]
