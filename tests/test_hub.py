"""The workshop server (deploy/jupyterhub/, ``make hub``), for real, on this machine.

The slow tests start the hub as ``course/deploy-guide.md`` says (``make hub``, with the gradebook
on a PostgreSQL server of their own), then act as its users through the same requests a browser
sends: the facilitator logs in with the first password, three participants sign up and are
approved, session 1 goes out through nbgrader's exchange, comes back blank, complete and half
done, is autograded (0, the maximum, in between), and the feedback comes back. A participant is
refused the facilitator's pages and files, and opens the Velmora portal through their own
server. Everything the tests start (hub, proxy, servers, kernels, PostgreSQL) is stopped and
the Unix accounts they make are removed.

The fast tests check the hub's settings and the portal's proxy entry without a hub.
"""

from __future__ import annotations

import doctest
import re
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

import hub_support
import nbgrader_support as support

DEPLOY = support.REPO / "deploy" / "jupyterhub"
sys.path.insert(0, str(DEPLOY))
with warnings.catch_warnings():  # NativeAuthenticator 1.3.0 calls locale.getdefaultlocale()
    warnings.simplefilter("ignore", DeprecationWarning)
    import workshop  # noqa: E402  (the hub's own module, beside its jupyterhub_config.py)

SESSION = "session1"
PASSWORD = "velmora-workshop-7"
#: the first run builds the participants' environment (pip, from the wheel cache in CI)
HUB_START_TIMEOUT = 600


# ----------------------------------------------------------------------------- fast
def test_workshop_module_examples_run():
    result = doctest.testmod(workshop, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


def test_settings_refuse_what_cannot_work():
    with pytest.raises(workshop.WorkshopSetupError, match="absolute folder"):
        workshop.WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "srv"})
    with pytest.raises(workshop.WorkshopSetupError, match="port number"):
        workshop.WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "/srv/w", "LOSI_HUB_PORT": "80000"})
    with pytest.raises(workshop.WorkshopSetupError, match="cannot be an account name"):
        workshop.WorkshopSettings.from_env({"LOSI_HUB_PREFIX": "/srv/w", "LOSI_HUB_INSTRUCTOR": "Dr Voss"})
    for bad in ("", "1st", "ab--c", "a-", "x" * 33, "amina.k", "root;"):
        assert not workshop.ACCOUNT_NAME.match(bad), bad


def test_only_the_facilitator_gets_the_course_folder_and_gradebook():
    settings = workshop.WorkshopSettings.from_env({
        "LOSI_HUB_PREFIX": "/srv/w", "LOSI_GRADEBOOK_URL": "postgresql+psycopg://facilitator@/gb"})
    participant = workshop.spawner_environment(settings, "amina")
    facilitator = workshop.spawner_environment(settings, "facilitator")
    assert "LOSI_GRADEBOOK_URL" not in participant and "LOSI_COURSE_ROOT" not in participant
    assert "participant" in participant["JUPYTER_CONFIG_PATH"]
    assert facilitator["LOSI_GRADEBOOK_URL"].startswith("postgresql+psycopg://")
    assert "participant" not in facilitator["JUPYTER_CONFIG_PATH"]
    assert participant["PATH"].startswith("/srv/w/venv/bin:")


def test_hub_url_of_the_portal_and_the_404_page_behind_the_proxy(monkeypatch):
    from losi_course.portal import hub

    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/amina/")
    monkeypatch.delenv("JUPYTERHUB_PUBLIC_URL", raising=False)
    assert hub.hub_portal_url() == "/user/amina/velmora/"
    entry = hub.server_proxy_entry()

    class Response:
        code, body = 404, b'<html><head><base href="/"></head></html>'
    page = Response()
    entry["rewrite_response"](response=page)
    assert b'<base href="/user/amina/velmora/">' in page.body


def test_open_portal_on_a_hub_serves_on_a_private_socket(monkeypatch, capsys):
    import http.client
    import socket

    from losi_course import sample_city
    from losi_course.portal import hub

    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/amina/")
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "https://workshop.example/user/amina/")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", tempfile.mkdtemp())
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    if not hub.proxy_available():
        pytest.skip("jupyter-server-proxy is not installed")
    first = sample_city.open_portal()
    server = sample_city.open_portal()  # a second call replaces the first
    try:
        assert not first.running and server.url == "https://workshop.example/user/amina/velmora/"
        assert "https://workshop.example/user/amina/velmora/" in capsys.readouterr().out
        client = http.client.HTTPConnection("localhost")
        client.sock = socket.socket(socket.AF_UNIX)
        client.sock.connect(str(hub.portal_socket_path()))
        client.request("GET", "/")
        assert "Velmora" in client.getresponse().read().decode()
    finally:
        server.stop()
    assert not hub.portal_socket_path().exists()


# ----------------------------------------------------------------------------- the real hub
@pytest.fixture(scope="module")
def workshop_hub():
    """The hub with its gradebook on PostgreSQL; yields (hub, postgres, browsers by role)."""
    reason = hub_support.missing_for_hub()
    if reason:
        pytest.skip(reason)
    base = Path(tempfile.gettempdir()) / "hub"  # short: Unix socket paths under the homes stay short
    base.mkdir()
    hub_support.open_to_other_accounts(base, stop_at=Path(tempfile.gettempdir()))
    postgres = hub_support.Postgres(base)
    hub = None
    try:
        tag = hub_support.account_tag()
        gradebook = postgres.database_for(f"{tag}-fac", "losi_gradebook")
        hub = hub_support.Hub(base, tag, gradebook_url=gradebook)
        hub.wait_until_up(HUB_START_TIMEOUT)
        yield hub, postgres, gradebook
    finally:
        if hub is not None:
            hub.stop()
            assert not hub.leftovers, f"the hub left processes running: {hub.leftovers}"
        postgres.stop()


@pytest.fixture(scope="module")
def people(workshop_hub):
    """The facilitator (logged in) and three approved, logged-in participants with servers."""
    hub, _, _ = workshop_hub
    facilitator = hub_support.Browser(hub, hub.instructor)
    assert facilitator.log_in(hub.first_password())
    participants = {role: hub_support.Browser(hub, hub.name(role)) for role in ("blank", "full", "part")}
    for person in participants.values():
        person.sign_up(PASSWORD)
        facilitator.approve(person.name)
        assert person.log_in(PASSWORD)
    facilitator.start_server()
    for person in participants.values():
        person.start_server()
    return facilitator, participants


@pytest.mark.slow
def test_sign_up_waits_for_the_facilitators_approval(workshop_hub):
    hub, _, _ = workshop_hub
    newcomer = hub_support.Browser(hub, hub.name("late"))
    newcomer.sign_up(PASSWORD)
    assert not newcomer.log_in(PASSWORD), "logged in before the facilitator approved the sign-up"
    squatter = hub_support.Browser(hub, "root")
    squatter.sign_up(PASSWORD)
    assert not hub_support.Browser(hub, hub.instructor).log_in("not-the-first-password")
    facilitator = hub_support.Browser(hub, hub.instructor)
    assert facilitator.log_in(hub.first_password())
    facilitator.approve(newcomer.name)
    assert newcomer.log_in(PASSWORD)
    assert not squatter.log_in(PASSWORD), "a machine account name was accepted at sign-up"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Object of type .* not in session")
def test_session_goes_out_and_comes_back_graded_through_the_exchange(workshop_hub, people):
    hub, postgres, _ = workshop_hub
    facilitator, participants = people
    course = workshop.course_id_of(support.REPO)

    generated = facilitator.formgrader("POST", f"assignment/{SESSION}/assign")
    assert "success" in generated
    facilitator.formgrader("POST", f"assignment/{SESSION}/release")

    source = support.read(support.REPO / "source" / SESSION / f"{SESSION}.ipynb")
    questions = support.autograded_questions(source)
    half = questions[: len(questions) // 2]
    fill = {"blank": None, "full": ([q.stem for q in questions], True), "part": ([q.stem for q in half], False)}
    notebook = f"{SESSION}/{SESSION}.ipynb"
    for role, person in participants.items():
        listed = person.ok_json(person.get("/assignments", params={"course_id": course}))["value"]
        assert [(a["assignment_id"], a["status"]) for a in listed] == [(SESSION, "released")]
        person.assignment_action("fetch", course, SESSION)
        if fill[role]:
            stems, written = fill[role]
            person.save_notebook(notebook, support.answered(person.read_notebook(notebook), source, stems, written))
        person.assignment_action("submit", course, SESSION)

    facilitator.formgrader("POST", f"assignment/{SESSION}/collect")
    for person in participants.values():
        facilitator.formgrader("POST", f"submission/{SESSION}/{person.name}/autograde")
    scores = {row["student"]: row for row in facilitator.formgrader("GET", f"submissions/{SESSION}")}
    blank, full, part = (scores[participants[role].name] for role in ("blank", "full", "part"))
    max_code = sum(q.points for q in questions)
    assert blank["score"] == 0
    assert full["code_score"] == full["max_code_score"] == max_code
    assert part["code_score"] == sum(q.points for q in half) and 0 < part["score"] < full["max_score"]

    # The facilitator marks the complete submission's written answers in Formgrader.
    notebooks = facilitator.formgrader("GET", f"submitted_notebooks/{SESSION}/{SESSION}")
    full_id = next(n["id"] for n in notebooks if n["student"] == participants["full"].name)
    for grade in facilitator.formgrader("GET", "grades", params={"submission_id": full_id}):
        if grade["needs_manual_grade"]:
            facilitator.formgrader("PUT", f"grade/{grade['id']}", json={"manual_score": grade["max_score"]})
    full = next(r for r in facilitator.formgrader("GET", f"submissions/{SESSION}")
                if r["student"] == participants["full"].name)
    assert full["score"] == full["max_score"] > max_code

    # The gradebook is the PostgreSQL database, not a file in the course folder.
    graded = postgres.sql("SELECT count(*) FROM submitted_assignment", database="losi_gradebook").stdout.strip()
    assert graded == "3"
    assert not (workshop.WorkshopSettings(prefix=hub.prefix, home_base=hub.homes, instructor=hub.instructor)
                .course_root() / "gradebook.db").exists()

    facilitator.formgrader("POST", f"assignment/{SESSION}/generate_feedback")
    facilitator.formgrader("POST", f"assignment/{SESSION}/release_feedback")
    for role, person in participants.items():
        person.assignment_action("fetch_feedback", course, SESSION)
        folders = person.ok_json(person.get(f"/api/contents/{SESSION}/feedback"))["content"]
        assert len(folders) == 1, folders
        page = person.ok_json(person.get(f"/api/contents/{folders[0]['path']}/{SESSION}.html",
                                         params={"type": "file", "format": "text"}))["content"]
        shown = re.search(r"Score: ([\d.]+) / ([\d.]+)", page)
        assert shown, f"{role}: no score in the feedback"
        expected = {"blank": 0, "full": full["max_score"], "part": part["score"]}[role]
        assert (float(shown.group(1)), float(shown.group(2))) == (expected, full["max_score"]), role


@pytest.mark.slow
def test_participants_are_refused_the_facilitators_pages_and_files(workshop_hub, people):
    hub, _, _ = workshop_hub
    facilitator, participants = people
    amina = participants["blank"]
    assert amina.session.get(f"{facilitator.server}/formgrader").status_code == 403
    assert amina.session.get(f"{facilitator.server}/api/contents/losi-course/source").status_code == 403
    assert amina.get("/formgrader").status_code == 404  # not even on her own server
    assert facilitator.get("/formgrader/manage_assignments").status_code == 200
    home = hub.homes / hub.instructor
    exchange_inbound = hub.prefix / "exchange" / workshop.course_id_of(support.REPO) / "inbound"
    with amina.kernel() as run:
        output = run(
        "import os\n"
        f"for path in [{str(home)!r}, {str(exchange_inbound)!r}, {str(hub.homes / participants['full'].name)!r}]:\n"
        "    try:\n"
        "        os.listdir(path); print('READ', path)\n"
        "    except PermissionError:\n"
        "        print('refused')\n")
    assert output.split() == ["refused"] * 3, output


@pytest.mark.slow
def test_velmora_portal_opens_through_the_participants_own_server(workshop_hub, people):
    _, participants = people
    amina, bruno = participants["blank"], participants["full"]
    with amina.kernel() as run:
        printed = run("from losi_course import sample_city\nserver = sample_city.open_portal()")
        found = re.search(r" at (\S+)", printed)
        assert found, printed
        address = found.group(1)
        assert address == f"{amina.server}/velmora/", printed  # the hub's public address, her server
        home = amina.session.get(address)
        assert home.status_code == 200 and "Welcome to the City of Velmora" in home.text
        assert amina.session.get(address + "services/index.html").status_code == 200
        missing = amina.session.get(address + "no/such/page.html")
        assert missing.status_code == 404 and '<base href="/user/' in missing.text  # its links still work
        assert bruno.session.get(address).status_code == 403  # another participant is refused
        run("server.stop()")
        assert amina.session.get(address).status_code >= 500  # stopped means stopped
