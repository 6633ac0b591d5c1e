"""Many people on one project at once, through two app processes on one database (as behind a
load balancer): simultaneous edits and step moves lose no update, give no server error, and no
"database is locked" ever reaches a user. Runs on SQLite (WAL) and on PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from conftest import PASSWORD, Team
from lxml import html

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Project, StepState, Task
from wasstraat.workflow import Role, Step, StepStatus

SERVER = """
import sys
from werkzeug.serving import make_server
from wasstraat import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "WTF_CSRF_ENABLED": False})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture
def app_servers(database_url: str, app) -> Iterator[list[str]]:
    """Two separate app processes on the test database."""
    db.session.commit()
    processes = [subprocess.Popen([sys.executable, "-c", SERVER, database_url],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    try:
        yield [f"http://127.0.0.1:{p.stdout.readline().strip()}" for p in processes]
    finally:
        for process in processes:
            process.terminate()
        logs = [process.communicate(timeout=10)[1] for process in processes]
        assert not any("database is locked" in log for log in logs), [
            line for log in logs for line in log.splitlines() if "Error" in line or "locked" in line]


@dataclass
class Browser:
    """One person's browser: cookies, and every status code it saw."""

    base: str
    statuses: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        self.statuses.append(status)
        assert "database is locked" not in text
        return status, text

    def log_in(self, email: str) -> None:
        assert self.request("/login", {"email": email, "password": PASSWORD})[0] == 302


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def form_values(page: str, action_suffix: str) -> dict[str, str | list[str]]:
    """What the browser would send back from the form as it is on the page."""
    form = next(f for f in html.fromstring(page).forms
                if f.method == "POST" and (f.action or action_suffix).endswith(action_suffix))
    return {k: v for k, v in form.form_values()}


def test_simultaneous_edits_and_step_moves_lose_nothing_and_fail_no_one(
        create_project, app_servers):
    team: Team = create_project()
    project = team.project
    project.assignment = "0"
    project.step_state(Step.TEAM).status = StepStatus.DONE.value
    project_id = project.id
    editors = [team[r].email for r in (Role.PROJECT_LEADER, Role.PROCESS_OWNER)]
    # Someone who may not edit keeps trying too: the refusals are written to the audit trail
    # by page views, which must wait for the write lock like any save.
    refused = [team[Role.SPONSOR].email]
    movers = [team[r].email for r in (Role.PROJECT_LEADER, Role.PROJECT_LEADER)]
    db.session.commit()
    edits_per_editor = 12
    browsers: list[Browser] = []
    saved = []
    lock = threading.Lock()

    def edit(n: int, email: str) -> None:
        """Read the project form, add one to the assignment, send it; when someone else was
        first (409), read again and retry, as a person would."""
        browser = Browser(app_servers[n % 2])
        browsers.append(browser)
        browser.log_in(email)
        done = 0
        while done < edits_per_editor:
            _, page = browser.request(f"/projects/{project_id}/edit")
            values = form_values(page, f"/projects/{project_id}/edit")
            values["assignment"] = str(int(values["assignment"]) + 1)
            status, _ = browser.request(f"/projects/{project_id}/edit", values)
            assert status in (303, 409), status
            if status == 303:
                done += 1
                with lock:
                    saved.append(email)

    def move(n: int, email: str) -> None:
        """Start step 2, as the other mover does at the same moment; then one mover skips
        step 4 while the other starts it."""
        browser = Browser(app_servers[n % 2])
        browsers.append(browser)
        browser.log_in(email)
        browser.request(f"/projects/{project_id}/steps/2/start", {})
        if n == 0:
            browser.request(f"/projects/{project_id}/steps/4/skip",
                            {"reason": "De klantreis van de VNG wordt gebruikt."})
        else:
            browser.request(f"/projects/{project_id}/steps/4/start", {})
        for number in (2, 4):
            browser.request(f"/projects/{project_id}/steps/{number}")

    def be_refused(n: int, email: str) -> None:
        browser = Browser(app_servers[n % 2])
        browsers.append(browser)
        browser.log_in(email)
        for _ in range(edits_per_editor):
            assert browser.request(f"/projects/{project_id}/edit")[0] == 403
            browser.request(f"/projects/{project_id}/documents/improvement-plan.docx")

    threads = [threading.Thread(target=edit, args=(n, e)) for n, e in enumerate(editors)]
    threads += [threading.Thread(target=be_refused, args=(n, e)) for n, e in enumerate(refused)]
    threads += [threading.Thread(target=move, args=(n, e)) for n, e in enumerate(movers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)

    statuses = [s for b in browsers for s in b.statuses]
    assert all(s < 500 for s in statuses), sorted(set(statuses))
    # No lost update: every accepted save counted.
    db.session.expire_all()
    assert len(saved) == len(editors) * edits_per_editor
    assert db.session.get(Project, project_id).assignment == str(len(saved))
    # Each step moved exactly once, with one audit event and one set of tasks.
    states = {s.step: s.status for s in db.session.scalars(
        db.select(StepState).where(StepState.project_id == project_id))}
    assert states[2] == StepStatus.IN_PROGRESS.value
    assert states[4] in (StepStatus.IN_PROGRESS.value, StepStatus.SKIPPED.value)
    moves = db.session.execute(db.select(AuditEvent.object_id, AuditEvent.action).where(
        AuditEvent.project_id == project_id, AuditEvent.action.in_(["step.start", "step.skip"]))
        .order_by(AuditEvent.id)).all()
    assert [action for step, action in moves if step == 2] == ["step.start"]
    # Step 4: skipped, or started and then skipped (a started step may be skipped), or started;
    # the state is the one the last recorded move left, never a mix of both.
    step_4 = [action for step, action in moves if step == 4]
    assert step_4 in (["step.skip"], ["step.start", "step.skip"], ["step.start"])
    assert states[4] == {"step.start": StepStatus.IN_PROGRESS,
                         "step.skip": StepStatus.SKIPPED}[step_4[-1]].value
    tasks = db.session.execute(db.select(Task.title, Task.assignee_id).where(
        Task.project_id == project_id, Task.step == Step.KPIS.value)).all()
    assert tasks and len(set(tasks)) == len(tasks), tasks
    # Two processes wrote the audit trail at once, and its hash chain still holds.
    from wasstraat import audit

    assert list(audit.verify()) == []
