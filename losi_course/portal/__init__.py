"""The fictional sample city's web portal, its answer key, and a server for it.

Velmora, in the fictional country of Estoria, is an invented city whose municipal website
ships with the course. Participants browse it and assess it with the 95 indicators of the
LOSI 2024 instrument, then compare their answers with the designed answer key. The site is
plain HTML and CSS (no scripts, nothing fetched from outside), so it works offline, from disk
or through :func:`start_portal_server`.

The portal was designed as a mix: about 64% of the indicators are met, every criterion has
met and unmet items, and nine borderline cases accept either answer. The key explains each
value in one sentence; it is for instructors and the autograder, not for participants.

Example:
    >>> (portal_path() / "index.html").is_file()
    True
    >>> SAMPLE_CITY["city"], SAMPLE_CITY["country"], SAMPLE_CITY["fictional"]
    ('Velmora', 'Estoria', True)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .server import PortalServer, check_loopback_host, serve_portal, start_portal_server

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SAMPLE_CITY",
    "portal_path",
    "answer_key_path",
    "load_answer_key",
    "start_portal_server",
    "serve_portal",
    "PortalServer",
    "check_loopback_host",
]

SAMPLE_CITY = {
    "city": "Velmora",
    "country": "Estoria",
    "fictional": True,
    "domain": "www.velmora.gov.example",
    # The site is frozen at this date: "upcoming" events and "stale" news are judged against it.
    "as_of": "2026-11-30",
}

_HERE = Path(__file__).resolve().parent


def portal_path() -> Path:
    """Return the folder holding the portal's files (``index.html`` is the home page).

    Example:
        >>> sorted(p.name for p in portal_path().glob("*.xml"))
        ['sitemap.xml']
    """
    return _HERE / "site"


def answer_key_path() -> Path:
    """Return the path of ``answer_key.csv`` (for instructors; do not hand it out).

    Example:
        >>> answer_key_path().name
        'answer_key.csv'
    """
    return _HERE / "answer_key.csv"


def load_answer_key() -> "pd.DataFrame":
    """Read the designed answers for the Velmora portal, one row per LOSI 2024 indicator.

    Returns:
        A DataFrame indexed by indicator id (strings such as ``"281"``, ``"225a"``,
        ``"236-IF"``), with columns ``value`` (int, 1 = met, 0 = not met), ``accept``
        (``"1"``, ``"0"`` or ``"either"``: a borderline item where both answers count as
        right), ``evidence`` (site-relative paths separated by ``;``, or ``""``) and ``note``
        (one sentence of feedback for a learner who answered differently).

    Example:
        >>> key = load_answer_key()
        >>> len(key), int(key.loc["281", "value"]), key.loc["206", "accept"]
        (95, 1, '0')
        >>> int((key["accept"] == "either").sum())
        9
    """
    import pandas as pd

    key = pd.read_csv(answer_key_path(), dtype=str, keep_default_na=False)
    key["value"] = key["value"].astype(int)
    return key.set_index("id")
