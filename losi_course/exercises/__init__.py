"""The visible checks of the session notebooks, and each session's progress table.

One module per session (``session1`` ...) lists the session's questions: their number, answer
names, points and the checker that judges them. A notebook's check cell calls, for example,
``exercise.check("world_mean", world_mean)``: the checker of :mod:`losi_course.grading`
recomputes what is expected from the shipped data (nothing is written in the notebook), and
says ``✓ world_mean is right.`` or ``✗ Not yet: ...`` with what to look at. The hidden tests run
the same checkers again at grading, with extra checks (for example that an answer was computed
as asked, not typed in). ``exercise.progress()`` lists every question with ✓ / not yet / not
answered and the points so far.

Example:
    >>> from losi_course.exercises import session1 as exercise
    >>> exercise.check("toy_losi", 61 / 86)
    ✓ toy_losi is right.
"""
