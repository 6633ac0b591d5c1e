"""One Prometheus scrape: this instance's counters (every gunicorn worker's, in multiprocess
mode) and what the database knows at this moment (jobs per queue, projects per step)."""

from __future__ import annotations

import os

from flask import current_app
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from ..config import JobQueue
from ..extensions import db
from ..jobs import QUEUES, stalled_after
from ..models import EventLog, Notification, ProjectPosition
from ..notification_kinds import MailState
from ..workflow import EventLogStatus

JOB_STATES = ("todo", "doing", "failed")

JOBS_BY_QUEUE = text("""
    SELECT queue_name, status::text AS status, count(*) AS jobs,
           max(extract(epoch FROM now() - coalesce(scheduled_at, (
               SELECT max(event.at) FROM procrastinate_events event
                WHERE event.job_id = job.id
                  AND event.type IN ('deferred', 'deferred_for_retry')))))
             FILTER (WHERE status = 'todo'
                       AND coalesce(scheduled_at, now()) <= now()) AS oldest_seconds
      FROM procrastinate_jobs job
     WHERE status IN ('todo', 'doing', 'failed')
  GROUP BY queue_name, status""")

LIVE_WORKERS = text("""
    SELECT count(*) FROM procrastinate_workers
     WHERE last_heartbeat >= now() - make_interval(secs => :silent_for)""")


class DatabaseCollector:
    """Gauges read from the database at each scrape, so every instance reports the same."""

    def collect(self):
        yield self._projects_per_step()
        yield self._mail_waiting()
        yield from self._event_logs()
        if current_app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
            yield from self._jobs()

    @staticmethod
    def _projects_per_step() -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "wasstraat_projects", "Projects by the step they are in (none: finished)",
            labels=["step"])
        counts = dict(db.session.execute(
            select(ProjectPosition.step, func.count()).group_by(ProjectPosition.step)).all())
        for step in range(1, 11):
            family.add_metric([str(step)], counts.get(step, 0))
        family.add_metric(["none"], counts.get(None, 0))
        return family

    @staticmethod
    def _mail_waiting() -> GaugeMetricFamily:
        """The e-mails not (yet) sent: a backlog or a failing mail server shows here, whichever
        worker delivers. Sent ones are not counted: that number only grows."""
        family = GaugeMetricFamily(
            "wasstraat_notification_mails_waiting",
            "Notification e-mails waiting (pending, sending, digest) or given up (failed)",
            labels=["state"])
        states = [MailState.PENDING, MailState.SENDING, MailState.DIGEST, MailState.FAILED]
        counts = dict(db.session.execute(
            select(Notification.mail_state, func.count())
            .where(Notification.mail_state.in_(states)).group_by(Notification.mail_state)).all())
        for state in states:
            family.add_metric([str(state)], counts.get(state, 0))
        return family

    @staticmethod
    def _event_logs():
        logs = GaugeMetricFamily("wasstraat_event_logs", "Imported event logs by status",
                                 labels=["status"])
        rows = db.session.execute(select(EventLog.status, func.count(),
                                         func.coalesce(func.sum(EventLog.events_read), 0))
                                  .group_by(EventLog.status)).all()
        counts = {status: (count, read) for status, count, read in rows}
        for status in EventLogStatus:
            logs.add_metric([str(status)], counts.get(status, (0, 0))[0])
        events = GaugeMetricFamily("wasstraat_event_log_events_read",
                                   "Events read from the imported event logs kept")
        events.add_metric([], sum(read for _count, read in counts.values()))
        yield from (logs, events)

    @staticmethod
    def _jobs():
        jobs = GaugeMetricFamily("wasstraat_jobs", "Jobs in the queue by state",
                                 labels=["queue", "state"])
        oldest = GaugeMetricFamily(
            "wasstraat_job_oldest_waiting_seconds",
            "How long the oldest job that is due has waited, per queue", labels=["queue"])
        rows = {(row.queue_name, row.status): row for row in db.session.execute(JOBS_BY_QUEUE)}
        for queue in QUEUES:
            for state in JOB_STATES:
                row = rows.get((str(queue), state))
                jobs.add_metric([str(queue), state], row.jobs if row else 0)
            waiting = rows.get((str(queue), "todo"))
            oldest.add_metric([str(queue)], float(waiting.oldest_seconds or 0) if waiting else 0)
        workers = GaugeMetricFamily("wasstraat_job_workers",
                                    "Workers whose heartbeat is recent")
        workers.add_metric([], db.session.scalar(LIVE_WORKERS,
                                                 {"silent_for": stalled_after(current_app)}))
        yield from (jobs, oldest, workers)


def scrape() -> bytes:
    """The text a Prometheus scrape gets."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    known = CollectorRegistry(auto_describe=False)
    known.register(DatabaseCollector())
    try:
        return generate_latest(counted) + generate_latest(known)
    finally:
        db.session.rollback()  # end the read: no transaction left open between scrapes
