"""nbgrader configuration: this folder is the nbgrader course directory.

source/   instructor notebooks (solutions, hidden tests)   -> nbgrader generate_assignment
release/  participant notebooks (committed, kept in sync by tests)
submitted/, autograded/, feedback/, gradebook.db are learner data and stay out of git.
"""

import os

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.CourseDirectory.course_id = "losi-course"
# Per-cell limit while autograding or validating; course computations take seconds,
# so a minute only ever stops a runaway loop.
c.Execute.timeout = 60
# A participant who deletes a graded cell still gets it graded (nbgrader #1682).
c.OverwriteCells.add_missing_cells = True
c.ExecutePreprocessor.kernel_name = "python3"
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.db"]
# Participants' notebooks carry on past unanswered questions when run top to bottom
# (the cells get the "raises-exception" tag; grading is unaffected).
c.GenerateAssignment.preprocessors.append("losi_course.run_all.KeepRunAllGoing")

# The gradebook is SQLite in this folder (gradebook.db), right for one machine. A workshop
# server keeps it in PostgreSQL instead (SQLite is not safe for several graders at once), e.g.
# LOSI_GRADEBOOK_URL=postgresql+psycopg://facilitator@/losi_gradebook?host=/var/run/postgresql
if os.environ.get("LOSI_GRADEBOOK_URL"):
    c.CourseDirectory.db_url = os.environ["LOSI_GRADEBOOK_URL"]

# Tamper-evident autograding (losi_course.instructor.preprocessors): a capture cell records
# the values each test reads, the grading process runs every passing test again on them where
# no answer cell can reach, and the participant's own code is read for tampering; findings
# flag the submission. nbgrader's own steps keep their order, two of them in a faster form:
# the metadata check builds its schema validator once, and each notebook runs in a new kernel
# forked from a parent that has imported IPython and pandas once. The second metadata check is
# left out (the sanitizing pass has just checked it, and running the notebook cannot change it).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "losi_course.instructor.preprocessors.CheckMetadata",
]
c.Autograde.autograde_preprocessors = [
    "losi_course.instructor.preprocessors.CaptureAnswers",
    "losi_course.instructor.preprocessors.ExecuteGraded",
    "losi_course.instructor.preprocessors.RecheckAnswers",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "losi_course.instructor.preprocessors.RecordFlags",
    "nbgrader.preprocessors.AssignLatePenalties",
]
# Feedback says "not yet marked" on answers no one has marked yet.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "losi_course.instructor.preprocessors.NoteUnmarked",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# nbgrader makes a new exporter for every feedback page: this one compiles the templates once.
c.GenerateFeedback.exporter_class = "losi_course.instructor.feedback_page.FeedbackPageExporter"
# A graded kernel is stopped at once when its notebook is done (nothing in it needs a clean exit).
c.Execute.shutdown_kernel = "immediate"
# Graded kernels keep their input history in memory: nothing of a participant's code is written to
# the grader's ~/.ipython, and graders running side by side do not share one history database.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
