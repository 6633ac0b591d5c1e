"""Work outside the request: sending notifications, the digests and the reminders.

The job functions are plain functions on the app's database; where they run depends on the
database the municipality has, so no new infrastructure is needed:

- **in-process** (the embedded default, SQLite): the request that made notifications
  delivers them after its commit, and ``flask jobs periodic`` (cron, or by hand) runs the
  periodic work.
- **queue** (PostgreSQL): Procrastinate keeps the jobs in PostgreSQL itself. Requests only
  defer a delivery; ``flask jobs worker`` processes, on as many machines as wanted, share the
  queue, retry failed jobs, and run the periodic work every minute: Procrastinate records
  each periodic run in the database, so one of the workers runs it, and a lock keeps two
  periodic runs from overlapping. The work itself is safe to run twice as well (deliveries
  claim their messages, digests their period, reminders their occasion).

The queue has a queue per kind of work (``QUEUES``), so a worker can be run per kind with its
own concurrency: a 200 MB event log or a LibreOffice conversion never holds up the mail. A
worker killed in the middle of a job leaves it "doing"; every worker looks for such jobs when
it starts and once a minute (the ``upkeep`` queue, which every worker takes), and puts them
back (``recover_stalled``), so the work behind them never stays blocked.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import make_url

from . import counters, logs, metrics
from .config import JobQueue
from .exports import archive, pdf
from .extensions import db
from .mining import services as mining
from .notifications import mail, reminders
from .zaken import registration as zaak_registration
from .zaken import sending as zaak_sending

log = logging.getLogger(__name__)

# --- The jobs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodicRun:
    sent: int
    retried: int
    failed: int
    reminders: int
    digests: int
    digests_retried: int
    abandoned_logs: int = 0
    zaak_projects: int = 0

    def summary(self) -> str:
        return (f"{self.sent} sent, {self.retried} to retry, {self.failed} given up; "
                f"{self.reminders} new reminders; {self.digests} digests sent, "
                f"{self.digests_retried} to retry; {self.abandoned_logs} abandoned event "
                f"log uploads removed; {self.zaak_projects} projects with parts for Open Zaak")


def deliver_mail() -> None:
    mail.deliver()


def periodic_work(now: datetime | None = None) -> PeriodicRun:
    """What runs on a schedule. Reminders first, so a reminder for someone who wants them at
    once goes with this run's delivery, and one for a digest waits in it."""

    counters.forget_before(now.timestamp() if now else None)
    db.session.commit()
    new_reminders = reminders.send_reminders(now)
    done = mail.deliver(now)
    digests = mail.send_digests(now)
    # End the last read too: on SQLite a transaction outside a request holds the write lock.
    db.session.commit()
    abandoned = mining.forget_abandoned(now)
    # Parts for Open Zaak whose next try is due (Open Zaak was away, or a job got lost).
    due = zaak_registration.due_projects(db.session, now or datetime.now(UTC))
    db.session.commit()
    send_zaak_parts(due, inline=True)
    return PeriodicRun(done.sent, done.retried, done.failed, new_reminders, digests.sent,
                       digests.retried, abandoned, len(due))


def after_commit_delivery() -> None:
    """A request made notifications: deliver them now (in-process) or leave it to a worker.
    A failure is logged, never an error for the person whose action caused the message."""
    try:
        if current_app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
            defer_delivery()
        elif current_app.config["MAIL_AFTER_REQUEST"]:
            deliver_mail()
    except Exception:
        db.session.rollback()
        log.exception("Delivering notifications after the request failed")


# --- The queue (PostgreSQL) --------------------------------------------------------------------

class Queue(StrEnum):
    """The kinds of work, each its own queue, so each can have workers of its own."""

    MAIL = "mail"  # notifications, reminders, digests (the periodic run)
    # PDF/A of the signed documents (LibreOffice), and the parts for Open Zaak (which send
    # those documents)
    DOCUMENTS = "documents"
    EVENT_LOGS = "eventlogs"  # reading and analysing an imported event log
    UPKEEP = "upkeep"  # putting back the jobs of dead workers; every worker takes it


QUEUES = tuple(Queue)

def stalled_after(app: Flask) -> int:
    """Seconds without a heartbeat after which a worker is taken for dead and the jobs it was
    doing are put back (WASSTRAAT_JOB_STALLED_SECONDS)."""
    return app.config["JOB_STALLED_SECONDS"]


def heartbeat_every(app: Flask) -> float:
    """How often a worker sends its heartbeat (Procrastinate's own): three per silence."""
    return stalled_after(app) / 3


def worker_queues(chosen: tuple[str, ...]) -> list[str] | None:
    """The queues a worker started for ``chosen`` takes: those, and the upkeep (None: all)."""
    return [*dict.fromkeys([*chosen, Queue.UPKEEP])] if chosen else None


@dataclass(frozen=True)
class Recovered:
    retried: int = 0  # put back to be done again
    dropped: int = 0  # the same work already waits in another job: that one does it


async def recover_stalled(jobs, silent_for: float) -> Recovered:
    """Put back the jobs of workers that stopped sending their heartbeat (killed, or their
    machine gone), so the lock they hold no longer blocks the work behind them. A job whose
    queueing lock another job waiting already holds is ended instead: the waiting one does
    the same work (a delivery sends whatever is due, a periodic run whatever its moment owes,
    and the work behind both is claimed in the database, so nothing is done twice)."""
    import procrastinate

    manager = jobs.job_manager
    retried = dropped = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=silent_for):
        try:
            await manager.retry_job(job)
            retried += 1
        except procrastinate.exceptions.UniqueViolation:
            await manager.finish_job(job, procrastinate.jobs.Status.FAILED, delete_job=False)
            dropped += 1
        log.warning("Job %s (%s) of a dead worker put back", job.id, job.task_name)
    await manager.prune_stalled_workers(silent_for)
    return Recovered(retried, dropped)


def queue(app: Flask):
    """This Flask app's Procrastinate app, made once per process."""
    if "procrastinate" not in app.extensions:
        app.extensions["procrastinate"] = _make_queue(app)
    return app.extensions["procrastinate"]


def _libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql") \
        .render_as_string(hide_password=False)


def _make_queue(app: Flask):
    import procrastinate

    pgbouncer = app.config["PGBOUNCER"]
    connector = procrastinate.PsycopgConnector(
        conninfo=_libpq_url(app.config["SQLALCHEMY_DATABASE_URI"]), min_size=1, max_size=4,
        kwargs={"prepare_threshold": None} if pgbouncer else None)
    jobs = procrastinate.App(connector=connector, worker_defaults={
        "update_heartbeat_interval": heartbeat_every(app),
        "stalled_worker_timeout": stalled_after(app),
        # A LISTEN needs one server connection for good, which PgBouncer's transaction
        # pooling does not give: behind it the workers poll (every few seconds) instead.
        "listen_notify": not pgbouncer, "fetch_job_polling_interval": 2.0 if pgbouncer else 5.0})

    # A delivery waits at most once in the queue: a request arriving while one waits adds
    # nothing (that one sends its messages too).
    @jobs.task(name="wasstraat.deliver", queue=Queue.MAIL, queueing_lock="deliver",
               lock="deliver",
               retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=4))
    def deliver(request_id: str = "") -> None:
        with _working(app, "wasstraat.deliver", request_id):
            deliver_mail()

    @jobs.task(name="wasstraat.periodic", queue=Queue.MAIL, queueing_lock="periodic",
               lock="periodic")
    def periodic(timestamp: int) -> None:
        # The moment it was scheduled for decides the digest's period and the reminders' day,
        # however late a worker picks it up.
        with _working(app, "wasstraat.periodic"):
            run = periodic_work(datetime.fromtimestamp(timestamp, UTC))
            log.info("Periodic run of %s: %s", timestamp, run.summary())

    @jobs.task(name="wasstraat.keep_pdf", queue=Queue.DOCUMENTS,
               retry=procrastinate.RetryStrategy(max_attempts=3, wait=30))
    def keep_pdf(kind: str, owner_id: int, request_id: str = "") -> None:
        with _working(app, "wasstraat.keep_pdf", request_id):
            _make_kept_pdf(kind, owner_id)

    # One project's parts at a time, in order; a run waiting already sends this one's too.
    @jobs.task(name="wasstraat.zaak_send", queue=Queue.DOCUMENTS, lock="zaak_send",
               retry=procrastinate.RetryStrategy(max_attempts=3, exponential_wait=10))
    def zaak_send(project_id: int, request_id: str = "") -> None:
        with _working(app, "wasstraat.zaak_send", request_id):
            _send_zaak_parts(project_id)

    @jobs.task(name="wasstraat.analyse_log", queue=Queue.EVENT_LOGS,
               retry=procrastinate.RetryStrategy(max_attempts=2))
    def analyse_log(log_id: int, request_id: str = "") -> None:
        with _working(app, "wasstraat.analyse_log", request_id):
            mining.run(log_id)

    # No lock: a worker killed during this job must not block the next check.
    @jobs.task(name="wasstraat.recover_stalled", queue=Queue.UPKEEP,
               queueing_lock="recover_stalled")
    async def recover(timestamp: int | None = None, request_id: str = "") -> None:
        with logs.job("wasstraat.recover_stalled", request_id), \
                metrics.job_run("wasstraat.recover_stalled"):
            done = await recover_stalled(jobs, stalled_after(app))
        if done.retried or done.dropped:
            log.info("Jobs of dead workers: %s put back, %s left to the waiting ones",
                     done.retried, done.dropped)

    if app.config["JOB_SCHEDULE"]:
        jobs.periodic(cron=app.config["JOB_SCHEDULE"])(periodic)
        jobs.periodic(cron=app.config["JOB_SCHEDULE"])(recover)
    return jobs


@contextlib.contextmanager
def _working(app: Flask, task: str, request_id: str = ""):
    """A job's work: in the app, its log lines naming the job and the request behind it,
    counted and timed for the worker's metrics."""
    with app.app_context(), logs.job(task, request_id), metrics.job_run(task):
        yield


def beat_into(jobs, heartbeat_file: Path) -> None:
    """Touch ``heartbeat_file`` whenever this process's worker sends its heartbeat, so a probe
    on the same machine (Kubernetes' exec probe) sees a worker whose loop is stuck."""
    send = jobs.job_manager.update_heartbeat
    register = jobs.job_manager.register_worker

    async def beat(worker_id: int) -> None:
        await send(worker_id)
        heartbeat_file.touch()

    async def registered() -> int:
        worker_id = await register()
        heartbeat_file.touch()
        return worker_id

    jobs.job_manager.update_heartbeat = beat
    jobs.job_manager.register_worker = registered


def heartbeat_age(heartbeat_file: Path) -> float | None:
    """Seconds since the worker's last heartbeat; None when it never sent one."""
    try:
        return datetime.now(UTC).timestamp() - heartbeat_file.stat().st_mtime
    except FileNotFoundError:
        return None


def check_for_stalled_jobs(app: Flask) -> None:
    """Have the first free worker look for the jobs of dead workers now (a worker starting)."""
    _defer_once(app, "wasstraat.recover_stalled")


def analyse_event_log(log_id: int) -> None:
    """Read and analyse an imported event log, away from the request that imported it: a
    worker on PostgreSQL, a thread of this process on the embedded default (or at once, where
    ``EVENT_LOG_INLINE`` is set: the tests)."""

    app = current_app._get_current_object()
    if app.config.get("EVENT_LOG_INLINE"):
        mining.run(log_id)
    elif app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
        queue(app).open().tasks["wasstraat.analyse_log"].defer(
            log_id=log_id, request_id=logs.request_id())
    else:
        _in_a_thread(app, f"event-log-{log_id}", mining.run, log_id)


def _make_kept_pdf(kind: str, owner_id: int) -> None:
    if archive.make_kept_pdf(kind, owner_id):
        log.info("Made the PDF/A of %s %s", kind, owner_id)
    db.session.commit()


def make_kept_pdf(kind: str, owner_id: int) -> None:
    """After an approval is committed: have the PDF/A of the kept .docx made away from any
    request, by a worker on PostgreSQL or a thread of this process on the embedded default.
    Asked again by a download that finds it missing (a lost job); making it twice keeps one.
    A failure is logged, never an error for the person who approved."""
    app = current_app._get_current_object()
    if app.config["KEPT_PDF"] != "job" or not pdf.available():
        return
    try:
        _away(app, "wasstraat.keep_pdf", (f"keep_pdf-{kind}-{owner_id}",
                                          f"pdf-{kind}-{owner_id}"),
              _make_kept_pdf, kind=kind, owner_id=owner_id)
    except Exception:
        log.exception("Asking for the PDF/A of %s %s failed", kind, owner_id)


def _send_zaak_parts(project_id: int) -> None:
    sent = zaak_sending.send(project_id)
    if sent:
        log.info("Sent %s parts of project %s to Open Zaak", sent, project_id)


def send_zaak_parts(project_ids, *, inline: bool = False) -> None:
    """After a commit that wrote parts for Open Zaak (or a periodic run that found some due):
    have them sent away from the request, by a worker on PostgreSQL or a thread of this
    process on the embedded default; ``inline`` (the periodic run's command, the tests'
    ``ZGW_INLINE``) sends them here and now. A failure is logged and kept on the part, never
    an error for the person whose action it follows."""
    app = current_app._get_current_object()
    for project_id in sorted(project_ids):
        try:
            if inline or app.config.get("ZGW_INLINE"):
                _send_zaak_parts(project_id)
            else:
                _away(app, "wasstraat.zaak_send", (f"zaak_send-{project_id}",
                                                   f"zaak-{project_id}"),
                      _send_zaak_parts, project_id=project_id)
        except Exception:
            db.session.rollback()
            log.exception("Sending the parts of project %s to Open Zaak failed", project_id)


def _away(app: Flask, task: str, names: tuple[str, str], work, **arguments: object) -> None:
    """Have ``work(**arguments)`` done away from the request, once at a time: by a worker (the
    queue's job ``task``, under the queueing lock ``names[0]``) on PostgreSQL, by a thread of
    this process (named ``names[1]``) on the embedded default."""
    lock, thread = names
    if app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
        _defer_once(app, task, lock, **arguments)
    else:
        _in_a_thread(app, thread, work, *arguments.values())


_RUNNING: set[str] = set()
_RUNNING_LOCK = threading.Lock()


def _in_a_thread(app: Flask, name: str, work, *args) -> None:
    """Run ``work`` in a thread of this process, once at a time per ``name``."""
    with _RUNNING_LOCK:
        if name in _RUNNING:
            return
        _RUNNING.add(name)

    def run() -> None:
        try:
            with app.app_context():
                work(*args)
        except Exception:
            log.exception("Background work %s failed", name)
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(name)

    threading.Thread(target=run, name=name, daemon=True).start()


def defer_delivery() -> None:
    # A delivery already waiting sends these messages as well (the task's own lock).
    _defer_once(current_app._get_current_object(), "wasstraat.deliver")


def _defer_once(app: Flask, name: str, lock: str | None = None, **arguments: object) -> None:
    """Defer a job unless one with the same queueing lock waits already (``lock``, or the
    task's own)."""
    # Imported here: Procrastinate costs a fifth of a second of start-up, which an app on
    # SQLite never needs.
    import procrastinate.exceptions

    task = queue(app).open().tasks[name]  # the queue opens once per process; then a no-op
    job = task.configure(queueing_lock=lock) if lock else task
    arguments["request_id"] = logs.request_id()
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        job.defer(**arguments)
