"""Velmora, the course's fictional sample city: its facts, designed answers, prepared sheets and peers.

Velmora and its country Estoria are invented; so are the two assessors whose sheets the course
prepares. The modules, by job:

* :mod:`~losi_course.velmora.facts`: the one place that names the city, its country, the date
  the portal is frozen at, the portal's address and the graded samples of the sessions;
* :mod:`~losi_course.velmora.answer_key`: the designed answer of each indicator (for the
  checkers and instructors; notebooks never print it);
* :mod:`~losi_course.velmora.prepared`: the two fictional assessors' sheets and the team's
  reconciled sheet, built from the answer key and the checksummed CSV files of their
  disagreements and notes;
* :mod:`~losi_course.velmora.peers`: Velmora's fictional peers, the municipalities of Estoria;
* :mod:`~losi_course.velmora.answer_cells`: dictionaries printed for a participant to paste.

Example:
    >>> from losi_course.velmora import facts
    >>> facts.CITY, facts.COUNTRY
    ('Velmora', 'Estoria (fictional)')
"""
