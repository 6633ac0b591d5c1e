"""The app's log lines: one JSON object per line on stdout in production, for the platform's
log collector; readable text in development.

Each line says which request (its X-Request-Id) or which job it belongs to, and whose action
it was by the person's id, never their e-mail or name: the log leaves the app's access
control, and an id means nothing without the database. A job carries the id of the request
that deferred it, so a delivery's failure leads back to the click that caused it.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, g, has_request_context

_JOB: ContextVar[dict[str, str] | None] = ContextVar("wasstraat_job", default=None)


def context() -> dict[str, object]:
    """What the current line belongs to: the request and its person, or the job."""
    if has_request_context():
        found: dict[str, object] = {"request_id": g.get("request_id", "")}
        user = g.get("_login_user")  # only once loaded: a log line never costs a query
        if user is not None and getattr(user, "is_authenticated", False):
            found["user_id"] = user.id
        return found
    return dict(_JOB.get() or {})


def request_id() -> str:
    """The id to hand on to a job deferred now (empty outside a request)."""
    return str(context().get("request_id", ""))


@contextmanager
def job(task: str, request_id: str = "") -> Iterator[None]:
    """Log lines inside are the job's, with the id of the request that asked for it."""
    token = _JOB.set({"job": task, "request_id": request_id})
    try:
        yield
    finally:
        _JOB.reset(token)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """JSON lines on stdout where WASSTRAAT_LOG_FORMAT is "json" (the default in production)."""
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h.formatter, JsonLines)]
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.handlers.clear()  # Flask's own handler would write each line twice
    app.logger.propagate = True
