"""The instructor's tools, one module per step of the nbgrader workflow.

Every step is a keyword-only function and a ``losi-course instructor <step>`` command:

=============  =========================================================================
``release``    :func:`~losi_course.instructor.release.release`: ``source/`` to ``release/``
``collect``    :func:`~losi_course.instructor.collect.collect`: downloads to ``submitted/``
               (safely: a participant is named by the outer file name only)
``grade``      :func:`~losi_course.instructor.grade.grade`: grade what changed (keeping hand
               marks), feedback, export
``feedback``   :func:`~losi_course.instructor.feedback.feedback`: feedback pages only
``export``     :func:`~losi_course.instructor.export.export`: the gradebook, with what is final
``roster``     :func:`~losi_course.instructor.roster.import_roster`: the class list from a CSV
``marks``      :func:`~losi_course.instructor.marks.import_marks`: written marks from a CSV
``due``        :func:`~losi_course.instructor.due.set_due_date`: a session's due date
``accept``     :func:`~losi_course.instructor.accept.accept_flags`: let a flagged grade stand
``pack``       :func:`~losi_course.instructor.pack.write_pack`: the participants' pack
``validate``   :func:`~losi_course.instructor.validate.validate`: solutions pass, blanks fail,
               notebooks follow the authoring rules
``solutions``  :func:`~losi_course.instructor.solutions.write_solutions`: worked solutions
``lab``        :func:`~losi_course.instructor.lab.instructor_lab`: JupyterLab on the course
               folder, with Formgrader
=============  =========================================================================

nbgrader runs in-process through :mod:`~losi_course.instructor.nbgrader_tools` (one adapter
for the whole package), with the course folder of :class:`~losi_course.course.CourseFolder`
as its root. Grading is tamper-evident (:mod:`~losi_course.instructor.preprocessors`,
:mod:`~losi_course.instructor.recheck`, :mod:`~losi_course.instructor.scan`) and runs side by side
(:mod:`~losi_course.instructor.workers`), its feedback pages from templates compiled once
(:mod:`~losi_course.instructor.feedback_page`); the grading records
(:mod:`~losi_course.instructor.records`) say what each grade was given for.
"""

STEPS = ("release", "collect", "grade", "feedback", "export", "roster", "marks", "due", "accept", "validate",
         "solutions", "pack", "lab")
