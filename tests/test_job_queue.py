"""The job queue on PostgreSQL (Procrastinate): a request only defers the delivery, workers
send it; two workers running the periodic work at once send each digest once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from conftest import Team, organisation_today
from sqlalchemy import text
from test_borging import close, moments, ready_to_close
from test_notification_mail import (  # noqa: F401
    BASE_URL,
    at,
    smtp,
    smtp_port,
    sponsor_wants,
    start_step_1,
)

from wasstraat import jobs
from wasstraat.exports import pdf
from wasstraat.extensions import db
from wasstraat.models import Notification
from wasstraat.notification_kinds import Channel, Reminder
from wasstraat.workflow import Role

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def app_config(smtp_port: int) -> dict:
    return mail_settings(smtp_port) | {"WTF_CSRF_ENABLED": False}


def mail_settings(port: int) -> dict:
    # No schedule: the tests defer the periodic runs themselves, for the moments they choose.
    return {"JOB_QUEUE": jobs.JobQueue.PROCRASTINATE, "JOB_SCHEDULE": "", "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
            "MAIL_TIMEOUT": 5, "BASE_URL": BASE_URL}


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture(autouse=True)
def close_queues(app):
    yield
    if "procrastinate" in app.extensions:
        app.extensions["procrastinate"].close()


def queued() -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT task_name, status::text FROM procrastinate_jobs ORDER BY id"))]


def run_worker(app) -> None:
    jobs.queue(app).run_worker(wait=False, install_signal_handlers=False)


def test_the_periodic_work_is_scheduled_every_minute_unless_switched_off(make_app):
    scheduled = jobs.queue(make_app(JOB_QUEUE=jobs.JobQueue.PROCRASTINATE))
    assert [(task.task.name, task.cron) for task in scheduled.periodic_registry
            .periodic_tasks.values()] == [("wasstraat.periodic", "* * * * *")]
    unscheduled = jobs.queue(make_app(JOB_QUEUE=jobs.JobQueue.PROCRASTINATE, JOB_SCHEDULE=""))
    assert unscheduled.periodic_registry.periodic_tasks == {}


def test_a_request_defers_the_delivery_and_a_worker_sends_it(app, team, login_as, smtp):
    start_step_1(team, login_as)
    assert smtp.messages == []  # not in the request
    assert queued() == [("wasstraat.deliver", "todo")]
    # A second request while the delivery waits adds no second job.
    login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/tasks", data={
            "title": "Nog iets", "step": "1", "assignee_id": team[Role.SPONSOR].id})
    assert queued() == [("wasstraat.deliver", "todo")]

    run_worker(app)
    assert queued() == [("wasstraat.deliver", "succeeded")]
    assert smtp.to(team[Role.SPONSOR].email)
    db.session.expire_all()
    assert set(db.session.scalars(db.select(Notification.mail_state))) == {"sent"}


def test_the_worker_command_runs_what_is_queued(app, team, login_as, smtp, runner):
    start_step_1(team, login_as)
    result = runner.invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert smtp.to(team[Role.SPONSOR].email)


def test_two_workers_running_the_periodic_work_at_once_send_a_digest_once(
        app, make_app, team, login_as, smtp, smtp_port):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    run_worker(app)  # the delivery puts the sponsor's messages aside for the digest
    assert smtp.to(team[Role.SPONSOR].email) == []
    # Two periodic runs for the same moment (as two schedulers would defer them), taken by two
    # workers, each its own process's app and connections, at the same time.
    periodic = jobs.queue(app).open().tasks["wasstraat.periodic"]
    for n in range(2):  # locks of their own, so that nothing keeps them apart
        periodic.configure(queueing_lock=f"periodic-{n}", lock=f"periodic-{n}").defer(
            timestamp=int(at(1, 8).timestamp()))
    workers = [make_app(**mail_settings(smtp_port)) for _ in range(2)]
    threads = [threading.Thread(target=run_worker, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for worker in workers:
        jobs.queue(worker).close()
    assert [status for name, status in queued() if name == "wasstraat.periodic"] == \
        ["succeeded", "succeeded"]
    [digest] = smtp.to(team[Role.SPONSOR].email)
    assert "Uw overzicht van vandaag" in digest["Subject"]


def test_two_workers_give_a_re_measurement_reminder_once(app, make_app, team, login_as,
                                                         smtp_port):
    """Borging: the reminder of a moment whose day has come, with two workers at once."""
    ready_to_close(team)
    assert close(team, login_as).status_code == 303
    first = moments(team)[0]
    first.due_on = organisation_today()  # as if three months went by
    db.session.commit()
    periodic = jobs.queue(app).open().tasks["wasstraat.periodic"]
    now = int(datetime.now(UTC).timestamp())
    for n in range(2):
        periodic.configure(queueing_lock=f"periodic-{n}", lock=f"periodic-{n}").defer(
            timestamp=now)
    workers = [make_app(**mail_settings(smtp_port)) for _ in range(2)]
    threads = [threading.Thread(target=run_worker, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for worker in workers:
        jobs.queue(worker).close()
    db.session.expire_all()
    given = db.session.scalars(db.select(Notification).where(
        Notification.reminder == Reminder.REMEASURE_DUE)).all()
    assert [(n.user_id, n.reminder_key) for n in given] == [
        (team[Role.PROCESS_OWNER].id, f"remeasure_due:{first.id}:{organisation_today().isoformat()}")]


def test_without_postgresql_the_worker_command_explains(app, runner):
    app.config["JOB_QUEUE"] = jobs.JobQueue.IN_PROCESS
    result = runner.invoke(args=["jobs", "worker", "--once"])
    assert result.exit_code != 0 and "needs PostgreSQL" in result.output


def test_an_event_log_is_read_by_a_worker_not_in_the_request(app, create_project, login_as):
    from test_mining import KNOWN, choose, latest, put_in_step, upload

    from wasstraat.workflow import Step

    app.config["EVENT_LOG_INLINE"] = False
    team = create_project()
    put_in_step(team.project, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, KNOWN)
    assert choose(advisor, latest()).status_code == 303
    assert latest().status == "queued"  # the request only deferred it
    assert ("wasstraat.analyse_log", "todo") in queued()
    run_worker(app)
    log = latest()
    assert log.status == "done" and log.result["cases"] == 3


def test_the_signed_documents_pdf_is_queued_once_and_a_worker_makes_it(app, monkeypatch):
    """Approval (and a download asking again) queue one job per document; a worker runs it."""
    made: list[tuple[str, int]] = []
    monkeypatch.setattr(pdf, "available", lambda: True)
    monkeypatch.setattr(jobs.archive, "make_kept_pdf",
                        lambda kind, owner_id: made.append((kind, owner_id)) or True)
    app.config["KEPT_PDF"] = "job"
    jobs.make_kept_pdf("plan_version", 7)
    jobs.make_kept_pdf("plan_version", 7)  # a download asking again while it waits
    jobs.make_kept_pdf("implementation_approval", 7)
    assert queued() == [("wasstraat.keep_pdf", "todo")] * 2
    run_worker(app)
    assert sorted(made) == [("implementation_approval", 7), ("plan_version", 7)]
