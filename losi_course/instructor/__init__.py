"""The instructor's tools, one module per step of the nbgrader workflow.

Every step is a keyword-only function and a ``losi-course instructor <step>`` command:

=============  =========================================================================
``release``    :func:`~losi_course.instructor.release.release`: ``source/`` to ``release/``
``collect``    :func:`~losi_course.instructor.collect.collect`: downloads to ``submitted/``
``grade``      :func:`~losi_course.instructor.grade.grade`: autograde, feedback, export
``feedback``   :func:`~losi_course.instructor.feedback.feedback`: feedback pages only
``export``     :func:`~losi_course.instructor.export.export`: the gradebook to a file
``validate``   :func:`~losi_course.instructor.validate.validate`: solutions pass, blanks fail,
               notebooks follow the authoring rules
``solutions``  :func:`~losi_course.instructor.solutions.write_solutions`: worked solutions
``lab``        :func:`~losi_course.instructor.lab.instructor_lab`: JupyterLab on the course
               folder, with Formgrader
=============  =========================================================================

nbgrader runs in-process through :mod:`~losi_course.instructor.nbgrader_tools` (one adapter
for the whole package), with the course folder of :class:`~losi_course.course.CourseFolder`
as its root.
"""

STEPS = ("release", "collect", "grade", "feedback", "export", "validate", "solutions", "lab")
