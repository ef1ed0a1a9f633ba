"""The facts of Velmora, the fictional sample city, defined once for the whole course.

The portal pages, the prepared sheets, the notebooks and the checkers all take the city's name,
country, domain and assessment date from here.

Example:
    >>> CITY, COUNTRY, AS_OF
    ('Velmora', 'Estoria (fictional)', '2026-11-30')
    >>> velmora_indicators("IF")
    ['281', '215', '216', '224', '236-IF', '242']
"""

from __future__ import annotations

from typing import Iterable

from ..fictional import COUNTRY_NAME
from ..framework import load_instrument

__all__ = [
    "CITY", "COUNTRY", "COUNTRY_NAME", "DOMAIN", "AS_OF", "ASSESSMENT_DATE", "PORTAL_PORT", "PORTAL_URL",
    "ASSESSOR_A", "ASSESSOR_B", "CONTENT_SAMPLE", "SERVICES_SAMPLE", "INSTITUTIONAL_SAMPLE",
    "TECHNOLOGY_SAMPLE", "PARTICIPATION_SAMPLE",
    "velmora_indicators",
]

CITY = "Velmora"
#: How the city's country is written on sheets: the country of the fictional generator, marked.
COUNTRY = f"{COUNTRY_NAME} (fictional)"
#: The portal's own (fictional) address, shown in its footer.
DOMAIN = "www.velmora.gov.example"
#: The date the fictional portal is frozen at; "upcoming" and "stale" are judged against it.
AS_OF = "2026-11-30"
#: Assessments of Velmora are dated on the day the portal is frozen at.
ASSESSMENT_DATE = AS_OF
#: The port ``losi-course portal serve`` uses first; the prepared sheets' evidence points there.
PORTAL_PORT = 8000
PORTAL_URL = f"http://127.0.0.1:{PORTAL_PORT}/"
ASSESSOR_A = "Amara Voss"   # fictional
ASSESSOR_B = "Teodor Lind"  # fictional

#: Session 3: content-provision indicators whose findings are graded.
CONTENT_SAMPLE = ("221", "228", "232", "243", "292", "294", "296")
#: Session 3: services-provision indicators whose findings are graded.
SERVICES_SAMPLE = ("255", "256", "257", "259", "260", "262", "268")
#: Session 5: the six institutional-framework indicators, all graded.
INSTITUTIONAL_SAMPLE = ("281", "215", "216", "224", "236-IF", "242")
#: Session 6: technology indicators whose findings are graded.
TECHNOLOGY_SAMPLE = ("204", "205", "207", "208", "210", "288")
#: Session 6: participation-and-engagement indicators whose findings are graded.
PARTICIPATION_SAMPLE = ("267", "271", "274", "275", "278", "279", "280")


def velmora_indicators(criteria: str | Iterable[str]) -> list[str]:
    """The indicator ids of one or more criteria (names or short codes), in catalog order.

    Example:
        >>> velmora_indicators(["SP"])[:3]
        ['253', '254', '255']
        >>> len(velmora_indicators(["Content Provision", "SP"]))
        52
    """
    instrument = load_instrument("2024")
    if isinstance(criteria, str):
        criteria = [criteria]
    names = {instrument.criterion_name(c) for c in criteria}
    return [i.id for i in instrument if i.criterion in names]
