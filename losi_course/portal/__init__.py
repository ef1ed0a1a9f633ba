"""The fictional sample city's web portal, and a server for it.

Velmora, in the fictional country of Estoria, is an invented city whose municipal website
ships with the course. Participants browse it and assess it with the 95 indicators of the
LOSI 2024 instrument. The site is plain HTML and CSS (no scripts, nothing fetched from
outside), so it works offline, from disk or through :func:`start_portal_server`.

The pages are generated from one layout and the content of each page
(:mod:`losi_course.portal.build`); the generated ``site/`` is committed and tested to be in
sync. The designed answers live with the city's other facts in :mod:`losi_course.velmora`.

Example:
    >>> (portal_path() / "index.html").is_file()
    True
    >>> SAMPLE_CITY["city"], SAMPLE_CITY["country"], SAMPLE_CITY["fictional"]
    ('Velmora', 'Estoria', True)
"""

from __future__ import annotations

from pathlib import Path

from ..course import CourseFolder
from ..errors import LosiInputError
from ..velmora import facts
from . import hub
from .server import SITE_DIR, PortalServer, check_loopback_host, serve_portal, start_portal_server

__all__ = [
    "SAMPLE_CITY",
    "portal_path",
    "open_portal",
    "start_portal_server",
    "serve_portal",
    "PortalServer",
    "check_loopback_host",
]

#: The sample city's facts as the portal shows them (from :mod:`losi_course.velmora.facts`).
SAMPLE_CITY = {
    "city": facts.CITY,
    "country": facts.COUNTRY_NAME,
    "fictional": True,
    "domain": facts.DOMAIN,
    "as_of": facts.AS_OF,
}

_OPEN: list[PortalServer] = []


def portal_path() -> Path:
    """The folder holding the portal's files (``index.html`` is the home page).

    Example:
        >>> sorted(p.name for p in portal_path().glob("*.xml"))
        ['sitemap.xml']
    """
    return SITE_DIR


def open_portal(port: int = facts.PORTAL_PORT) -> PortalServer:
    """Start the fictional Velmora portal on this computer only and print its address.

    Port 8000 is tried first (the evidence in the prepared sheets uses it); if it is taken, a
    free port is used. Running it again stops the server it started before. While nbgrader
    grades, a free port is always used. Call ``server.stop()`` when you are done.

    On a workshop server (JupyterHub with jupyter-server-proxy) the browser is not on the
    server, so the portal is served through the participant's own Jupyter server instead, at
    ``<their server>/velmora/`` (see :mod:`losi_course.portal.hub`); only they can open it.

    Example:
        >>> server = open_portal(port=0)
        The fictional Velmora portal is running on this computer only, at http://127.0.0.1:.../
        Open that address in a new browser tab. Nobody else can reach it.
        >>> server.stop()
    """
    while _OPEN:
        _OPEN.pop().stop()
    if CourseFolder.grading():
        port = 0
    elif hub.on_hub() and hub.proxy_available():
        server = hub.start_hub_portal()
        _OPEN.append(server)
        print(f"The fictional Velmora portal is running in your own Jupyter server, at {server.url}")
        print("Open that address in a new browser tab. Other participants cannot open it.")
        return server
    try:
        server = start_portal_server(port=port)
    except LosiInputError:  # the port is taken (perhaps by `losi-course portal serve`)
        server = start_portal_server(port=0)
    _OPEN.append(server)
    print(f"The fictional Velmora portal is running on this computer only, at {server.url}")
    print("Open that address in a new browser tab. Nobody else can reach it.")
    return server
