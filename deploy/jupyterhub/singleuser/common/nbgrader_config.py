"""nbgrader on the workshop hub, for every account (the hub gives this folder in JUPYTER_CONFIG_PATH).

The exchange and the course come from the server's environment (set by the hub). The
facilitator's server also has LOSI_COURSE_ROOT: their course folder, whose own
nbgrader_config.py (timeouts, stubs, gradebook) is loaded too.
"""

import os

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.CourseDirectory.course_id = os.environ.get("LOSI_COURSE_ID", "losi-course")
c.Exchange.root = os.environ.get("LOSI_EXCHANGE_ROOT", "/srv/losi-course/exchange")
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"

course_root = os.environ.get("LOSI_COURSE_ROOT")
if course_root:
    c.CourseDirectory.root = course_root
    load_subconfig(os.path.join(course_root, "nbgrader_config.py"))  # noqa: F821
