"""The organisation's time: the zone in which its days begin (reminders count days in it,
digests have their hour in it, an event log without an offset is read in it). A leaf, so any
feature can ask without importing another feature."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
