"""What the probes ask: is this process alive, may it take requests, has it started.

- **live**: the process answers; no input or output, so a slow database never gets an
  instance restarted (that would only add load).
- **ready**: the database answers, and the job queue's tables where the queue runs on it. An
  instance that is not ready gets no requests from the load balancer until it is again.
- **started**: the database's schema is at the migrations' head: a new release's instances
  take requests only after its migrations Job ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..config import JobQueue
from ..extensions import db


@dataclass(frozen=True)
class Health:
    checks: dict[str, str] = field(default_factory=dict)  # name: "ok" or what is wrong

    @property
    def ok(self) -> bool:
        return all(outcome == "ok" for outcome in self.checks.values())

    def as_json(self) -> dict:
        return {"status": "ok" if self.ok else "unavailable", "checks": self.checks}


def ready() -> Health:
    checks = {"database": "ok"}
    queries = {"database": "SELECT 1"}
    if current_app.config["JOB_QUEUE"] == JobQueue.PROCRASTINATE:
        checks["queue"] = "ok"
        queries["queue"] = "SELECT 1 FROM procrastinate_workers LIMIT 1"
    try:
        with db.engine.connect() as connection:
            for name, query in queries.items():
                _check(connection, name, query, checks)
    except SQLAlchemyError as error:
        checks["database"] = _reason(error)
    return Health(checks)


def _check(connection, name: str, query: str, checks: dict[str, str]) -> None:
    try:
        connection.execute(text(query))
    except SQLAlchemyError as error:
        checks[name] = _reason(error)
        connection.rollback()


def started() -> Health:
    """Ready, and the schema at the head of this release's migrations."""
    health = ready()
    if not health.ok:
        return health
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    wanted = _heads(current_app._get_current_object())
    schema = "ok" if current == wanted else (f"schema at {_names(current)}, "
                                             f"release wants {_names(wanted)}")
    return Health(health.checks | {"schema": schema})


def _heads(app: Flask) -> set[str]:
    """The migrations' head of this release (read from its files once per process)."""
    if "wasstraat_heads" not in app.extensions:
        directory = app.extensions["migrate"].directory
        app.extensions["wasstraat_heads"] = set(ScriptDirectory(directory).get_heads())
    return app.extensions["wasstraat_heads"]


def _names(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions)) or "nothing"


def _reason(error: SQLAlchemyError) -> str:
    # The class of the error only: a probe's answer is public, the message may name hosts.
    return f"unavailable ({type(getattr(error, 'orig', None) or error).__name__})"
