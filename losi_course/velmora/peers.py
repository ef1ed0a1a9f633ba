"""Velmora's fictional peers: the other municipalities of the fictional country Estoria.

Example:
    >>> table = peers()
    >>> table.shape[1], "Velmora" in table.index, table.attrs["fictional"]
    (95, False, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..fictional import load_fictional_country

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["peers"]


def peers() -> "pd.DataFrame":
    """The reconciled answers of Estoria's assessed municipalities (Velmora is not among them).

    One row per municipality, one column per LOSI 2024 indicator, 0 or 1. Use it with
    ``lc.score_table(peers())`` or ``lc.gap_analysis(velmora, peers=peers())``.

    Example:
        >>> len(peers()) == len(load_fictional_country().assessed)
        True
    """
    return load_fictional_country().consensus
