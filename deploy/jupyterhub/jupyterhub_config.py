"""JupyterHub for a LOSI workshop on one machine: `make hub` starts it (see course/deploy-guide.md).

Participants sign up and the facilitator approves them; each account runs its own JupyterLab as
a Unix account of the same name, from the course's environment; assignments go out and come
back through nbgrader's exchange; the sample portal is served through each participant's own
server. The settings come from LOSI_HUB_* environment variables (workshop.WorkshopSettings).
"""

import os
import sys

import nativeauthenticator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from workshop import WorkshopAuthenticator, WorkshopSettings, make_pre_spawn_hook, prepare_hub  # noqa: E402

c = get_config()  # noqa: F821  (provided by the traitlets config loader)
settings = WorkshopSettings.from_env()
prepare_hub(settings)

# -- where the hub listens and keeps its state ---------------------------------------------
c.JupyterHub.bind_url = settings.bind_url
c.JupyterHub.public_url = settings.public_url
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API stays on this machine
c.JupyterHub.hub_port = settings.hub_api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = str(settings.state / "proxy.pid")
c.JupyterHub.pid_file = str(settings.state / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")

# -- accounts: sign-up, approval by the facilitator, nbgrader's groups ----------------------
c.JupyterHub.authenticator_class = WorkshopAuthenticator
c.JupyterHub.template_paths = [os.path.join(os.path.dirname(nativeauthenticator.__file__), "templates")]
c.WorkshopAuthenticator.instructor = settings.instructor
c.WorkshopAuthenticator.course_id = settings.course_id
c.WorkshopAuthenticator.unix_group = settings.unix_group
c.WorkshopAuthenticator.first_password_file = str(settings.password_file)
c.Authenticator.admin_users = {settings.instructor}
c.Authenticator.allow_all = True  # who may log in is decided by the facilitator's approval
c.Authenticator.manage_groups = True
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 60

# -- one JupyterLab per account, as that Unix account, from the course's environment --------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(settings.venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.pre_spawn_hook = make_pre_spawn_hook(settings)
# A room starting at once on a small machine: give servers time to come up.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
# nbgrader's JupyterHubAuthPlugin reads the account's groups through the hub's API.
c.Spawner.server_token_scopes = [
    "users:activity!user", "access:servers!server", "read:users:name!user", "read:users:groups!user",
]
