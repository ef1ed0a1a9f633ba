"""The city scorecard: one self-contained, accessible HTML page of a city's LOSI assessment.

``losi-course report SHEET [--peers PEERS] -o scorecard.html [--pdf]`` on the command line,
``lc.scorecard(sheet, peers)`` in a notebook. The page shows the LOSI and level (the assumed
cut-offs labelled), the criterion scores against the peers, every indicator met and missed with
its evidence links, the quick wins with the toolkit's steps, and the method with its
assumptions; it says "fictional" wherever the data are. It needs no network to open: the style
sheet and the charts (inline SVG, named by their description, each followed by its figures as a
table) are inside it, and it prints on A4.

The modules, by job:

* :mod:`~losi_course.report.peers`: what PEERS can be (a CSV table, a folder of sheets...);
* :mod:`~losi_course.report.content`: the scores, tables and sentences of the page;
* :mod:`~losi_course.report.charts`: its two charts (data, description), in the Okabe-Ito palette;
* :mod:`~losi_course.report.svgcharts`: where each bar, line and label of a chart goes;
* :mod:`~losi_course.report.page`: the HTML and SVG, from the Jinja2 templates in ``templates/``;
* :mod:`~losi_course.report.pdf`: printing to PDF with Debian's Chromium;
* :mod:`~losi_course.report.build`: writing the files (:func:`write_scorecard`, :func:`scorecard`);
* :mod:`~losi_course.report.cli`: the ``losi-course report`` command.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from losi_course.velmora.prepared import team_assessment
    >>> from losi_course.velmora.peers import peers
    >>> card = write_scorecard(team_assessment(), Path(tempfile.mkdtemp()) / "velmora.html", peers())
    >>> card.content.rank, card.content.fictional
    (13, True)
"""

from .build import Scorecard, scorecard, write_scorecard
from .peers import PeerGroup, read_peers, write_peer_table

__all__ = ["Scorecard", "scorecard", "write_scorecard", "PeerGroup", "read_peers", "write_peer_table"]
