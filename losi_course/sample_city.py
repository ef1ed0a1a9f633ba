"""The notebook helpers of the Velmora sessions (3 and 5), in one import.

``from losi_course import sample_city`` gives a notebook everything it uses on Velmora, the
course's fictional sample city. Each name is defined in the module of its job:

* the city's facts and graded samples: :mod:`losi_course.velmora.facts`;
* the prepared sheets of the two fictional assessors, the team's sheet and
  :func:`with_findings`: :mod:`losi_course.velmora.prepared`;
* the fictional peers: :mod:`losi_course.velmora.peers`;
* dictionaries to paste (:func:`form_findings`, :func:`resolution_template`):
  :mod:`losi_course.velmora.answer_cells`;
* the visible check of findings and, for self-study after answering, :func:`explain_findings`:
  :mod:`losi_course.grading.findings`;
* the portal server (:func:`open_portal`): :mod:`losi_course.portal`;
* where work files go (:func:`work_folder`, :func:`work_path`): :mod:`losi_course.course`.

Example:
    >>> velmora_indicators("IF")
    ['281', '215', '216', '224', '236-IF', '242']
    >>> work_path("velmora.csv").name
    'velmora.csv'
"""

from __future__ import annotations

from pathlib import Path

from .course import CourseFolder
from .grading.findings import FULL_POINTS_SHARE, explain_findings, parse_findings, review_findings
from .portal import open_portal
from .velmora.answer_cells import form_findings, resolution_template
from .velmora.facts import (ASSESSMENT_DATE, ASSESSOR_A, ASSESSOR_B, CITY, CONTENT_SAMPLE, COUNTRY,
                            INSTITUTIONAL_SAMPLE, PARTICIPATION_SAMPLE, PORTAL_URL, SERVICES_SAMPLE,
                            TECHNOLOGY_SAMPLE, velmora_indicators)
from .velmora.peers import peers
from .velmora.prepared import (assessor_assessments, assessor_sheets, designed_disagreements,
                               team_assessment, team_sheet, with_findings)

__all__ = [
    "CITY", "COUNTRY", "ASSESSMENT_DATE", "PORTAL_URL", "ASSESSOR_A", "ASSESSOR_B",
    "CONTENT_SAMPLE", "SERVICES_SAMPLE", "INSTITUTIONAL_SAMPLE", "TECHNOLOGY_SAMPLE",
    "PARTICIPATION_SAMPLE", "FULL_POINTS_SHARE",
    "velmora_indicators", "work_folder", "work_path", "open_portal", "form_findings",
    "parse_findings", "review_findings", "explain_findings", "assessor_assessments",
    "assessor_sheets", "designed_disagreements", "team_assessment", "team_sheet", "with_findings",
    "resolution_template", "peers",
]


def work_folder() -> Path:
    """The folder where a notebook keeps its work files (see :meth:`CourseFolder.work_folder`).

    Example:
        >>> work_folder().is_dir()
        True
    """
    return CourseFolder.work_folder()


def work_path(name: str) -> Path:
    """The path of a work file called ``name`` in :func:`work_folder`."""
    return work_folder() / name
