"""The portal pre-check: what a machine can decide about a city portal, with evidence.

Officials who leave the course want to assess their own city. This package does the
mechanical part of a LOSI assessment: it reads the portal (a live address, read politely; a
folder of saved pages; one saved page; or a WARC capture), decides the indicators a machine
can decide, gathers candidate evidence for the others, and pre-fills an assessment sheet in
which a person keeps the last word.

Every indicator of the LOSI 2024 instrument gets an outcome (``met``, ``not_met``, ``review``
or ``not_assessed``), its automation tier, its evidence (pages and short snippets) and one
sentence saying how it was checked. The modules, by job:

* :mod:`~losi_course.audit.policy`: the limits of a crawl (pages, delay, time, size);
* :mod:`~losi_course.audit.fetching`: polite requests (robots.txt, redirects, errors);
* :mod:`~losi_course.audit.snapshots`: saved folders, single pages and WARC files, and capture;
* :mod:`~losi_course.audit.crawling`: the bounded crawl and the extra files checks need;
* :mod:`~losi_course.audit.pagefacts`: the facts of one page (the JSON contract);
* :mod:`~losi_course.audit.keywords`: the word lists per language, and adding one's own;
* :mod:`~losi_course.audit.rules_decided`, :mod:`~losi_course.audit.rules_hints`: one rule
  per indicator;
* :mod:`~losi_course.audit.validator`, :mod:`~losi_course.audit.browser`: the optional deeper
  checks (W3C validator; axe-core and the phone layout in Chromium);
* :mod:`~losi_course.audit.results`: the JSON object, the table and the pre-filled sheet;
* :mod:`~losi_course.audit.run`: :func:`run_audit`, :func:`audit_portal`, :func:`capture_site`;
* :mod:`~losi_course.audit.cli`: ``losi-course audit``.

Example:
    >>> from losi_course.portal import portal_path
    >>> result = run_audit(portal_path(), validator=False, browser=False)
    >>> result["273"].outcome, result["214"].outcome
    ('review', 'met')
"""

from __future__ import annotations

from .results import AuditResult
from .run import Capture, audit_portal, capture_site, run_audit

__all__ = ["run_audit", "audit_portal", "capture_site", "AuditResult", "Capture"]
