"""The database set-up that a multi-user web app needs: SQLite pragmas, write locking, and no
"database is locked" or lost update under concurrent requests."""

from __future__ import annotations

import threading

import pytest
from conftest import BACKEND, PASSWORD
from flask.testing import FlaskClient
from sqlalchemy import text

from wasstraat.extensions import db
from wasstraat.models import Project, StepState, Task
from wasstraat.steps import services as steps
from wasstraat.workflow import Role, Step, StepStatus

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite engine settings")


@sqlite_only
def test_every_sqlite_connection_has_wal_foreign_keys_and_a_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@sqlite_only
def test_concurrent_read_modify_write_transactions_neither_fail_nor_lose_updates(
        app, create_project):
    team = create_project(roles=[Role.PROJECT_LEADER])
    project_id = team.project.id
    db.session.get(Project, project_id).assignment = "0"
    db.session.commit()
    errors: list[BaseException] = []

    def writer() -> None:
        with app.app_context():
            for _ in range(50):
                try:
                    project = db.session.get(Project, project_id)
                    project.assignment = str(int(project.assignment) + 1)
                    db.session.commit()
                except BaseException as error:
                    db.session.rollback()
                    errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert db.session.get(Project, project_id).assignment == "300"


def test_concurrent_requests_on_one_project_get_no_server_errors(app, create_project):
    team = create_project()
    leader = team[Role.PROJECT_LEADER]

    steps.start_step(team.project, Step.TEAM, leader)
    db.session.commit()
    task_ids = [t.id for t in db.session.scalars(
        db.select(Task).where(Task.project_id == team.project.id))]
    project_id, email = team.project.id, leader.email
    db.session.commit()  # the test itself holds no transaction while the requests run
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        client = FlaskClient(app, app.response_class, use_cookies=True)
        client.post("/login", data={"email": email, "password": PASSWORD})
        for i in range(15):
            task_id = task_ids[(n + i) % len(task_ids)]
            responses = [
                client.post(f"/projects/{project_id}/tasks/{task_id}/done",
                            data={"done": str((n + i) % 2)}),
                client.post(f"/projects/{project_id}/steps/1/notes",
                            data={"notes": f"schrijver {n} ronde {i}", "version": "1"}),
                client.get(f"/projects/{project_id}/steps/1"),
            ]
            with lock:
                statuses.extend(r.status_code for r in responses)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 4 * 15 * 3
    assert all(status < 500 for status in statuses), sorted(set(statuses))
    # Notes were saved against version 1 by everyone: exactly one save won, the rest got 409.
    assert statuses.count(409) >= 4 * 15 - 1


def test_a_state_column_holds_its_enum_member_from_the_moment_it_is_set(app):
    """Whether set as a member or as its stored value, the attribute is the member at once
    (code reads ``state.status.is_finished`` before anything is flushed); other values are
    refused where they are set."""
    state = StepState(step=3, status="done")
    assert state.step is Step.PROCESS and state.status is StepStatus.DONE
    state.status = StepStatus.IN_PROGRESS.value
    assert state.status is StepStatus.IN_PROGRESS and not state.status.is_finished
    task = Task(title="Bellen", role="sponsor")
    assert task.role is Role.SPONSOR
    task.role = None
    assert task.role is None
    with pytest.raises(ValueError, match="not a valid StepStatus"):
        state.status = "finished"
