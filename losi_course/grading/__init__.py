"""The checkers that run in the participant's kernel: hidden tests and the findings checks.

Hidden test cells only *call* these functions (for example
``session1.check_regional_means(regional_means)``), so the feedback HTML that nbgrader shows
participants does not contain the answers (nbgrader issue #917). The checkers compute what
they compare with from the shipped data rather than storing results. The instructor's tools
are in :mod:`losi_course.instructor`.
"""
