"""Working time: what a duration is in the organisation's working days.

Awb deadlines and service norms count working days, and so does the team's estimate of its
process; waiting over a weekend or a holiday is no waste of a working day. A working day here is
a weekday that is not a Dutch public holiday (from the ``holidays`` package, not a hand-kept
list) and not one of the organisation's own closing days, between its office hours (08:30 to
17:00 unless the administrator sets others). A duration in working days is the office time it
spans divided by one day's office time: Friday 16:00 to Tuesday 10:00 over a Monday holiday is
1 + 1,5 hours, 0,29 working days of 8,5 hours.

Vectorised for event logs: a moment's place on the working-time axis is the office time of the
days before its own (a running sum over the log's days) plus its office time that day, so a
million events cost a few array operations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np
from flask_babel import gettext as _

from . import duties
from .clock import organisation_zone

DAY = 86_400
# A log spanning more than this is not converted (its figures stay in calendar days): the
# table of days would be larger than the log could need.
MAX_SPAN_DAYS = 50 * 366
DEFAULT_OPENS, DEFAULT_CLOSES = time(8, 30), time(17, 0)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def public_holiday_names(years: Iterable[int]) -> dict[date, str]:
    """The Dutch public holidays of these years, by their Dutch names."""
    found = holidays.country_holidays("NL", years=list(years), language="nl")
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class WorkingCalendar:
    opens: time = DEFAULT_OPENS
    closes: time = DEFAULT_CLOSES
    closed_on: frozenset[date] = frozenset()
    zone: ZoneInfo = ZoneInfo("Europe/Amsterdam")

    @property
    def day_seconds(self) -> int:
        return _seconds(self.closes) - _seconds(self.opens)

    @property
    def day_hours(self) -> float:
        return round(self.day_seconds / 3600, 2)

    @property
    def fingerprint(self) -> str:
        """The office hours and closing days, short: logs counted in working days by the
        same calendar compare."""
        days = ",".join(sorted(day.isoformat() for day in self.closed_on))
        return (f"{self.opens:%H:%M}-{self.closes:%H:%M}/"
                f"{hashlib.sha256(days.encode()).hexdigest()[:10]}")

    def is_working_day(self, day: date) -> bool:
        return (day.weekday() < 5 and day not in self.closed_on
                and day not in _public_holidays(day.year))

    def working_days(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
        """The working days from each start to its end (seconds since 1970, UTC; NaN where
        there is no moment). None when the moments span more than ``MAX_SPAN_DAYS``."""
        placed = self.positions(starts, ends)
        return None if placed is None else placed[1] - placed[0]

    def positions(self, *moments: np.ndarray) -> list[np.ndarray] | None:
        """Each moment's place on one working-time axis, in working days since the start of
        their common range (NaN stays NaN): a difference of two places is the working days
        between them, and the axis is built once for all of them. None past
        ``MAX_SPAN_DAYS``."""
        arrays = [np.asarray(m, dtype=float) for m in moments]
        known = np.concatenate([m[~np.isnan(m)] for m in arrays])
        if len(known) == 0:
            return [np.full(len(m), np.nan) for m in arrays]
        axis = self._axis(float(known.min()), float(known.max()))
        if axis is None:
            return None
        return [axis(m) / self.day_seconds for m in arrays]

    def _axis(self, first: float, last: float):
        """A function: moments to office seconds since the first day of this range."""
        first_day = int(first // DAY) - 1  # a day either side: the zone's offset
        days = int(last // DAY) + 2 - first_day
        if days > MAX_SPAN_DAYS:
            return None
        calendar_days = [date(1970, 1, 1) + timedelta(days=first_day + n) for n in range(days)]
        office = np.array([self.day_seconds if self.is_working_day(day) else 0
                           for day in calendar_days], dtype=float)
        before = np.concatenate([[0.0], np.cumsum(office)[:-1]])
        opens, closes = _seconds(self.opens), _seconds(self.closes)

        def axis(moments: np.ndarray) -> np.ndarray:
            result = np.full(len(moments), np.nan)
            known = ~np.isnan(moments)
            local = local_seconds(moments[known], self.zone)
            day = (local // DAY).astype(np.int64) - first_day
            within = np.clip(local - (day + first_day) * DAY, opens, closes) - opens
            result[known] = before[day] + np.where(office[day] > 0, within, 0.0)
            return result

        return axis


def local_seconds(moments: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """Moments (seconds since 1970, UTC) as the zone's wall-clock seconds since 1970. The
    offset is the zone's at noon of the moment's UTC day: a change of summer time falls in
    the night, outside any office hours."""
    days, inverse = np.unique((moments // DAY).astype(np.int64), return_inverse=True)
    offsets = np.array([zone.utcoffset(datetime(1970, 1, 1, 12) + timedelta(days=int(day)))
                        .total_seconds() for day in days])
    return moments + offsets[inverse.reshape(-1)]


def local_days(moments: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """The zone's calendar day of each moment."""
    return (local_seconds(moments, zone) // DAY).astype(np.int64).astype("datetime64[D]")


def organisation_calendar() -> WorkingCalendar:
    """The calendar the administrator set (office hours, closing days), in the organisation's
    time zone."""
    rules = duties.settings()
    return WorkingCalendar(time.fromisoformat(rules.office_opens),
                           time.fromisoformat(rules.office_closes),
                           frozenset(date.fromisoformat(day) for day in rules.closing_days),
                           organisation_zone())


MAX_CLOSING_DAYS = 400


def closing_days(text: str) -> tuple[list[str], list[str]]:
    """Closing days typed one a line (24-12-2026 or 2026-12-24): the days as ISO dates,
    sorted and once each, and what is wrong with the lines that are not a day."""
    days, problems = set(), []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        day = _day(line.strip())
        if day is None:
            problems.append(_("Regel %(n)d: geen datum. Schrijf één datum per regel, "
                              "bijvoorbeeld 24-12-2026.", n=number))
        else:
            days.add(day.isoformat())
    if len(days) > MAX_CLOSING_DAYS:
        problems.append(_("Hoogstens %(max)d sluitingsdagen.", max=MAX_CLOSING_DAYS))
    return sorted(days), problems


def _day(text: str) -> date | None:
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60

