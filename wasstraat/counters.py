"""Counts per minute kept in the database (one row per key and minute, incremented in one
statement and committed on its own), so a limit holds across every app process and server:
the API's requests per person and per token, a person's document exports. Counting is the
reservation: parallel requests each get their own number, so none passes a limit another
already reached. Old minutes are removed by the periodic job."""

from __future__ import annotations

import time

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from .database import write_apart
from .extensions import db
from .models import ApiRateWindow


def _upsert(key: str, window: int) -> int:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ApiRateWindow).values(caller=key, window=window, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["caller", "window"],
        set_={"count": ApiRateWindow.count + 1}).returning(ApiRateWindow.count)
    return int(db.session.execute(statement).scalar_one())


def count_in_minute(*keys: str, now: float | None = None) -> tuple[int, ...]:
    """This request counted for each key in the current minute; the counts including it."""
    window = int((time.time() if now is None else now) // 60)
    return write_apart(db.session, lambda: tuple(_upsert(key, window) for key in keys))


def seconds_left(now: float | None = None) -> int:
    """Until the next minute starts (when the counts begin again)."""
    return 60 - int((time.time() if now is None else now) % 60)


def forget_before(now: float | None = None) -> int:
    """Remove the counts of minutes gone by (the periodic job)."""
    now = time.time() if now is None else now
    result = db.session.execute(delete(ApiRateWindow).where(
        ApiRateWindow.window < int(now // 60) - 1))
    return result.rowcount or 0
