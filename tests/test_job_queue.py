"""The job queue on PostgreSQL (Procrastinate): a request only defers the delivery, workers
send it; two workers running the periodic work at once send each digest once."""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from conftest import Team, organisation_today
from flask import g
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
from zgw_mock import SECRET

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
            .periodic_tasks.values()] == [("wasstraat.periodic", "* * * * *"),
                                          ("wasstraat.recover_stalled", "* * * * *")]
    unscheduled = jobs.queue(make_app(JOB_QUEUE=jobs.JobQueue.PROCRASTINATE, JOB_SCHEDULE=""))
    assert unscheduled.periodic_registry.periodic_tasks == {}


def test_a_request_defers_the_delivery_and_a_worker_sends_it(app, team, login_as, smtp):
    start_step_1(team, login_as)
    assert smtp.messages == []  # not in the request
    assert queued() == [("wasstraat.deliver", "todo")]
    # A second request while the delivery waits adds no second job.
    assert login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/tasks/new", data={
            "title": "Nog iets", "step": "1", "assignee_id": team[Role.SPONSOR].id}
    ).status_code == 303
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


@pytest.fixture
def made(app, monkeypatch) -> list[tuple[str, int]]:
    """The PDF/A jobs a worker ran, recorded instead of calling LibreOffice."""
    made: list[tuple[str, int]] = []
    monkeypatch.setattr(pdf, "available", lambda: True)
    monkeypatch.setattr(jobs.archive, "make_kept_pdf",
                        lambda kind, owner_id: made.append((kind, owner_id)) or True)
    app.config["KEPT_PDF"] = "job"
    return made


def test_the_signed_documents_pdf_is_queued_once_and_a_worker_makes_it(app, made):
    """Approval (and a download asking again) queue one job per document; a worker runs it."""
    jobs.make_kept_pdf("plan_version", 7)
    jobs.make_kept_pdf("plan_version", 7)  # a download asking again while it waits
    jobs.make_kept_pdf("implementation_approval", 7)
    assert queued() == [("wasstraat.keep_pdf", "todo")] * 2
    run_worker(app)
    assert sorted(made) == [("implementation_approval", 7), ("plan_version", 7)]


# --- Workers that die --------------------------------------------------------------------------

def dead_worker_takes(task_name: str) -> int:
    """What a worker killed in the middle of a job leaves behind: the job "doing" under its
    worker, whose heartbeat stopped a while ago. Returns the job's id."""
    worker = db.session.execute(text("SELECT procrastinate_register_worker_v1()")).scalar()
    job = db.session.execute(text(
        "SELECT id, task_name FROM procrastinate_fetch_job_v2(NULL, :worker)"),
        {"worker": worker}).one()
    assert job.task_name == task_name
    db.session.execute(text(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '5 minutes' "
        "WHERE id = :worker"), {"worker": worker})
    db.session.commit()
    return job.id


def live_worker_takes(task_name: str) -> int:
    worker = db.session.execute(text("SELECT procrastinate_register_worker_v1()")).scalar()
    job = db.session.execute(text(
        "SELECT id, task_name FROM procrastinate_fetch_job_v2(NULL, :worker)"),
        {"worker": worker}).one()
    assert job.task_name == task_name
    db.session.commit()
    return job.id


def test_a_delivery_whose_worker_was_killed_no_longer_blocks_later_mail(
        app, team, login_as, smtp):
    start_step_1(team, login_as)
    dead_worker_takes("wasstraat.deliver")
    leader = login_as(team[Role.PROJECT_LEADER])
    assert leader.post(f"/projects/{team.project.id}/tasks/new", data={
        "title": "Nog iets", "step": "1", "assignee_id": team[Role.PROCESS_OWNER].id}
    ).status_code == 303
    run_worker(app)  # the new delivery waits behind the dead one's lock
    assert smtp.messages == []

    jobs.check_for_stalled_jobs(app)  # what a worker does when it starts, and every minute
    run_worker(app)
    assert smtp.to(team[Role.PROCESS_OWNER].email) and smtp.to(team[Role.SPONSOR].email)
    statuses = dict(Counter(queued()))
    assert statuses == {("wasstraat.deliver", "failed"): 1,  # its work went with the next one
                        ("wasstraat.deliver", "succeeded"): 1,
                        ("wasstraat.recover_stalled", "succeeded"): 1}


def test_a_periodic_run_whose_worker_was_killed_no_longer_stops_the_periodic_work(
        app, team, login_as, smtp):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    run_worker(app)  # the sponsor's messages wait for the digest
    periodic = jobs.queue(app).open().tasks["wasstraat.periodic"]
    periodic.defer(timestamp=int(at(1, 8).timestamp()))
    dead_worker_takes("wasstraat.periodic")
    periodic.defer(timestamp=int(at(1, 8).timestamp()) + 60)  # the next minute's run waits
    run_worker(app)
    assert smtp.to(team[Role.SPONSOR].email) == []  # blocked behind the dead run's lock

    jobs.check_for_stalled_jobs(app)
    run_worker(app)
    [digest] = smtp.to(team[Role.SPONSOR].email)
    assert "Uw overzicht van vandaag" in digest["Subject"]
    # The schedule goes on: a later run is taken at once.
    jobs.queue(app).open()
    periodic.defer(timestamp=int(at(1, 8).timestamp()) + 120)
    run_worker(app)
    assert [status for name, status in queued() if name == "wasstraat.periodic"] == \
        ["failed", "succeeded", "succeeded"]


def test_only_the_jobs_of_dead_workers_are_put_back_and_done_again(app, made):
    jobs.make_kept_pdf("plan_version", 7)
    killed = dead_worker_takes("wasstraat.keep_pdf")
    jobs.make_kept_pdf("plan_version", 8)
    busy = live_worker_takes("wasstraat.keep_pdf")  # still at it, heartbeat fresh

    jobs.check_for_stalled_jobs(app)
    run_worker(app)
    assert made == [("plan_version", 7)]  # the dead worker's job, done again
    states = dict(db.session.execute(text(
        "SELECT id, status::text FROM procrastinate_jobs WHERE id IN (:a, :b)"),
        {"a": killed, "b": busy}).all())
    assert states == {killed: "succeeded", busy: "doing"}


# --- Queues and probes -------------------------------------------------------------------------

def test_each_kind_of_work_has_its_own_queue_and_every_worker_takes_the_upkeep(app):
    tasks = jobs.queue(app).tasks
    assert {name: task.queue for name, task in tasks.items() if name.startswith("wasstraat.")} \
        == {"wasstraat.deliver": "mail", "wasstraat.periodic": "mail",
            "wasstraat.keep_pdf": "documents", "wasstraat.zaak_send": "documents",
            "wasstraat.analyse_log": "eventlogs", "wasstraat.recover_stalled": "upkeep"}
    assert jobs.worker_queues(("documents",)) == ["documents", "upkeep"]
    assert jobs.worker_queues(()) is None  # all of them


def test_a_worker_for_one_queue_leaves_the_others_work(app, team, login_as, smtp, runner, made):
    start_step_1(team, login_as)
    jobs.make_kept_pdf("plan_version", 7)
    result = runner.invoke(args=["jobs", "worker", "--once", "--queue", "documents"])
    assert result.exit_code == 0, result.output
    assert smtp.messages == []
    assert set(queued()) == {("wasstraat.deliver", "todo"), ("wasstraat.keep_pdf", "succeeded"),
                             ("wasstraat.recover_stalled", "succeeded")}
    result = runner.invoke(args=["jobs", "worker", "--once", "--queue", "mail"])
    assert result.exit_code == 0, result.output
    assert smtp.to(team[Role.SPONSOR].email)


def test_a_worker_s_heartbeat_can_be_probed(app, runner, tmp_path):
    beat = tmp_path / "heartbeat"
    assert runner.invoke(args=["jobs", "probe", "--heartbeat-file", str(beat)]).exit_code == 1
    result = runner.invoke(args=["jobs", "worker", "--once", "--heartbeat-file", str(beat)])
    assert result.exit_code == 0, result.output
    probe = runner.invoke(args=["jobs", "probe", "--heartbeat-file", str(beat)])
    assert probe.exit_code == 0 and "alive" in probe.output
    old = beat.stat().st_mtime - 120
    os.utime(beat, (old, old))  # a worker whose loop is stuck stops touching it
    probe = runner.invoke(args=["jobs", "probe", "--heartbeat-file", str(beat)])
    assert probe.exit_code == 1 and "120 s ago" in probe.output


def test_a_job_carries_the_id_of_the_request_that_deferred_it(app):
    with app.test_request_context():
        g.request_id = "verzoek-789"
        jobs.defer_delivery()
    [args] = db.session.scalars(text("SELECT args FROM procrastinate_jobs")).all()
    assert args == {"request_id": "verzoek-789"}


def test_a_worker_serves_its_metrics_only_behind_the_scrapers_token(app, runner):
    result = runner.invoke(args=["jobs", "worker", "--once", "--metrics-port", "9102"])
    assert result.exit_code == 1
    assert "needs WASSTRAAT_METRICS_TOKEN" in result.output
    assert queued() == []  # it did not start without them


def test_a_project_started_on_postgresql_reaches_open_zaak_through_a_worker(
        app, connected, open_zaak, create_user, login_as):
    """The request only defers the sending; a worker on the documents queue sends it."""
    app.config["ZGW_SECRET"] = SECRET
    leader = login_as(create_user("Sanne Bakker"))
    assert leader.post("/projects/new", data={
        "name": "Verhuizing doorgeven", "product": "Adreswijziging", "process_type": "primary",
        "assignment": "Binnen een dag verwerkt.", "my_roles": ["process_advisor"]}
    ).status_code == 303
    assert queued() == [("wasstraat.zaak_send", "todo")]
    assert open_zaak.calls == []
    run_worker(app)
    assert len(open_zaak.created("/zaken")) == 1 and len(open_zaak.created("/rollen")) == 1
    assert queued() == [("wasstraat.zaak_send", "succeeded")]
