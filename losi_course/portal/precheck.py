"""The portal pre-check's result on the fictional Velmora portal, kept as checksummed data.

Sessions 4 and 6 run the pre-check (:mod:`losi_course.audit`) on the served portal; their
checkers compare with this stored result instead of reading the whole site again. A test keeps it
equal to a fresh pre-check of the saved pages (the same outcomes as through HTTP), and
``make portal`` rewrites it with the site.

Example:
    >>> table = load_precheck()
    >>> len(table), table.set_index("id").loc["204", "outcome"]
    (95, 'met')
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ..datafiles import data_dir, verified_path
from ..filesafety import atomic_write
from .server import SITE_DIR

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

__all__ = ["PRECHECK_FILE", "fresh_precheck", "load_precheck", "write_precheck"]

PRECHECK_FILE = "velmora/precheck.csv"
_COLUMNS = ("id", "tier", "outcome", "value")


def fresh_precheck() -> list[dict[str, str]]:
    """The pre-check of the saved Velmora pages now (static checks only), as CSV rows."""
    from ..audit import run_audit  # reading the whole site: only when asked, not to load the result

    result = run_audit(SITE_DIR, validator=False, browser=False)
    values = {"met": "1", "not_met": "0"}
    return [{"id": i.id, "tier": i.tier, "outcome": i.outcome, "value": values.get(i.outcome, "")}
            for i in result.indicators]


def write_precheck() -> "Path":
    """Rewrite the stored pre-check (then ``make manifest`` records its checksum)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(fresh_precheck())
    target = data_dir() / PRECHECK_FILE
    atomic_write(target, buffer.getvalue().encode("utf-8"))
    return target


def load_precheck() -> "pd.DataFrame":
    """The stored pre-check: one row per indicator with its tier, outcome and value (1, 0 or empty)."""
    import pandas as pd

    table = pd.read_csv(verified_path(PRECHECK_FILE), dtype=str, keep_default_na=False)
    table["value"] = pd.array([int(v) if v else None for v in table["value"]], dtype="Int64")
    return table


if __name__ == "__main__":  # python -m losi_course.portal.precheck
    print(write_precheck())
