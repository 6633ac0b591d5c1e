"""Requests per caller per minute, counted in the database (one row per caller and minute,
incremented in one statement), so the limit holds across every app instance. Over the
limit: 429 with Retry-After. Old minutes are removed by the periodic job."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete

from ..extensions import db
from ..models import ApiRateWindow


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_seconds: int  # until the next minute starts

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def _upsert(caller: str, window: int) -> int:
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ApiRateWindow).values(caller=caller, window=window, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["caller", "window"],
        set_={"count": ApiRateWindow.count + 1}).returning(ApiRateWindow.count)
    return int(db.session.execute(statement).scalar_one())


def count(caller: str, now: float | None = None) -> Quota:
    """Count this request for the caller; committed with the request (or on its own)."""
    now = time.time() if now is None else now
    window = int(now // 60)
    limit = current_app.config["API_RATE_LIMIT"]
    used = _upsert(caller, window)
    db.session.commit()
    return Quota(limit, limit - used, 60 - int(now % 60))


def forget_before(now: float | None = None) -> int:
    """Remove the counts of minutes gone by (the periodic job)."""
    now = time.time() if now is None else now
    result = db.session.execute(delete(ApiRateWindow).where(
        ApiRateWindow.window < int(now // 60) - 1))
    return result.rowcount or 0
