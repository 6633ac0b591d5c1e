"""Requests per minute through the API, per person (all their tokens together) and per
token (``counters``, kept in the database so the limits hold across every app instance).
Over either limit: 429 with Retry-After."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app

from .. import counters


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_seconds: int  # until the next minute starts

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def count(person: str, caller: str, now: float | None = None) -> Quota:
    """Count this request for the person and for the token (``caller``); the quota is the
    tighter of the two."""
    now = time.time() if now is None else now
    limits = (current_app.config["API_RATE_LIMIT"],
              current_app.config.get("API_TOKEN_RATE_LIMIT") or
              current_app.config["API_RATE_LIMIT"])
    used = counters.count_in_minute(person, caller, now=now)
    limit, spent = min(zip(limits, used, strict=True), key=lambda pair: pair[0] - pair[1])
    return Quota(limit, limit - spent, counters.seconds_left(now))
