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
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy.engine import make_url

from . import counters
from .config import JobQueue
from .exports import archive, pdf
from .extensions import db
from .mining import services as mining
from .notifications import mail, reminders

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

    def summary(self) -> str:
        return (f"{self.sent} sent, {self.retried} to retry, {self.failed} given up; "
                f"{self.reminders} new reminders; {self.digests} digests sent, "
                f"{self.digests_retried} to retry; {self.abandoned_logs} abandoned event "
                "log uploads removed")


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
    return PeriodicRun(done.sent, done.retried, done.failed, new_reminders, digests.sent,
                       digests.retried, abandoned)


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

    connector = procrastinate.PsycopgConnector(
        conninfo=_libpq_url(app.config["SQLALCHEMY_DATABASE_URI"]), min_size=1, max_size=4)
    jobs = procrastinate.App(connector=connector)

    # A delivery waits at most once in the queue: a request arriving while one waits adds
    # nothing (that one sends its messages too).
    @jobs.task(name="wasstraat.deliver", queueing_lock="deliver", lock="deliver",
               retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=4))
    def deliver() -> None:
        with app.app_context():
            deliver_mail()

    @jobs.task(name="wasstraat.periodic", queueing_lock="periodic", lock="periodic")
    def periodic(timestamp: int) -> None:
        # The moment it was scheduled for decides the digest's period and the reminders' day,
        # however late a worker picks it up.
        with app.app_context():
            run = periodic_work(datetime.fromtimestamp(timestamp, UTC))
            log.info("Periodic run of %s: %s", timestamp, run.summary())

    @jobs.task(name="wasstraat.keep_pdf", retry=procrastinate.RetryStrategy(max_attempts=3,
                                                                          wait=30))
    def keep_pdf(kind: str, owner_id: int) -> None:
        with app.app_context():
            _make_kept_pdf(kind, owner_id)

    @jobs.task(name="wasstraat.analyse_log", retry=procrastinate.RetryStrategy(max_attempts=2))
    def analyse_log(log_id: int) -> None:
        with app.app_context():
            mining.run(log_id)

    if app.config["JOB_SCHEDULE"]:
        jobs.periodic(cron=app.config["JOB_SCHEDULE"])(periodic)
    return jobs


def analyse_event_log(log_id: int) -> None:
    """Read and analyse an imported event log, away from the request that imported it: a
    worker on PostgreSQL, a thread of this process on the embedded default (or at once, where
    ``EVENT_LOG_INLINE`` is set: the tests)."""

    app = current_app._get_current_object()
    if app.config.get("EVENT_LOG_INLINE"):
        mining.run(log_id)
    elif app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
        queue(app).open().tasks["wasstraat.analyse_log"].defer(log_id=log_id)
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
        if app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
            _defer_once(app, "wasstraat.keep_pdf", f"keep_pdf-{kind}-{owner_id}",
                        kind=kind, owner_id=owner_id)
        else:
            _in_a_thread(app, f"pdf-{kind}-{owner_id}", _make_kept_pdf, kind, owner_id)
    except Exception:
        log.exception("Asking for the PDF/A of %s %s failed", kind, owner_id)


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
    with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
        job.defer(**arguments)
