"""The organisation's time: the zone in which its days begin (reminders count days in it,
digests have their hour in it, an event log without an offset is read in it, and the reports
count dates, years and quarters in it). A leaf, so any feature can ask without importing
another feature."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today() -> date:
    """The organisation's calendar day now. Servers run in UTC: between midnight in Amsterdam
    and midnight in UTC, ``date.today()`` there is still yesterday."""
    return datetime.now(organisation_zone()).date()


def local_date(moment: datetime) -> date:
    """The organisation's calendar day of a stored (UTC) moment: 00:30 on 1 January in
    Amsterdam is 1 January, not the 31 December it is in UTC."""
    return moment.astimezone(organisation_zone()).date()


def start_of_day(day: date) -> datetime:
    """The moment the organisation's day begins, in UTC as the database stores moments."""
    return datetime.combine(day, time(0), organisation_zone()).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 March + 1
    month is 30 April)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
