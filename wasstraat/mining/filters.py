"""Which cases of a log to look at: named filters that stack.

A filter selects cases by when they began (a period of the organisation's days), by their
path through the process, by the attribute columns kept at import (channel, team, zaaktype:
the value of each case's first event), and finally the slowest share of what is left. It
works on the table of cases kept with the log (``analysis.CaseTable``), since the events
themselves are not kept: the figures per activity and the process graph stay those of the
whole log.

A before-and-after comparison applies the same filter to both logs. What cannot apply to
both is refused with the reason: a period (each log covers its own), an attribute one log
did not keep, a filter that leaves too few cases in a log, or logs counted in working days
by different calendars.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from flask_babel import format_date
from flask_babel import gettext as _

from ..errors import InvalidInput
from ..working_time import local_days
from .analysis import VARIANT_STEPS_KEPT, CaseTable, histogram, stats

MAX_FILTERS = 20  # per log
PATHS_SHOWN = 10
MIN_CASES = 10  # a side of a comparison needs at least this many cases


class FilterMismatch(InvalidInput):
    """A filter that does not fit a log, with the reason."""


@dataclass(frozen=True)
class Criteria:
    """What a filter selects; empty parts select every case."""

    first_day: date | None = None
    last_day: date | None = None
    path: tuple[str, ...] = ()
    path_steps: int = 0  # the whole path's length (a kept variant may show only its start)
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # column, values allowed
    slowest: int | None = None  # percent of the cases left, the slowest

    @property
    def has_period(self) -> bool:
        return self.first_day is not None or self.last_day is not None

    def as_stored(self) -> dict[str, Any]:
        return {"first_day": self.first_day.isoformat() if self.first_day else None,
                "last_day": self.last_day.isoformat() if self.last_day else None,
                "path": list(self.path), "path_steps": self.path_steps,
                "attributes": {column: list(values) for column, values in self.attributes},
                "slowest": self.slowest}

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Criteria:
        def day(key: str) -> date | None:
            return date.fromisoformat(stored[key]) if stored.get(key) else None

        return cls(day("first_day"), day("last_day"), tuple(stored.get("path", ())),
                   int(stored.get("path_steps", 0)),
                   tuple((column, tuple(values))
                         for column, values in stored.get("attributes", {}).items()),
                   stored.get("slowest"))

    def digest(self) -> str:
        """Short and stable: what a kept comparison is made for."""
        text = json.dumps(self.as_stored(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def describe(criteria: Criteria) -> list[str]:
    """The parts of a filter in Dutch, in the order they apply."""
    parts = []
    if criteria.has_period:
        parts.append(_("begonnen %(first)s t/m %(last)s",
                       first=format_date(criteria.first_day, "d MMMM y")
                       if criteria.first_day else "…",
                       last=format_date(criteria.last_day, "d MMMM y")
                       if criteria.last_day else "…"))
    if criteria.path:
        more = criteria.path_steps - len(criteria.path)
        parts.append(_("pad %(path)s", path=" → ".join(criteria.path) + (" …" if more else "")))
    for column, values in criteria.attributes:
        parts.append(f"{column}: {', '.join(value or _('(leeg)') for value in values)}")
    if criteria.slowest:
        parts.append(_("daarvan de %(pct)d%% traagste zaken", pct=criteria.slowest))
    return parts


def selected(table: CaseTable, criteria: Criteria, zone: ZoneInfo,
             leads: np.ndarray, side: str = "") -> np.ndarray:
    """A mask of the cases the filter selects (``leads``: the cases' lead times in the unit
    the slowest share is taken in). ``side``: the log's name in a refusal."""
    keep = np.ones(len(table.start), dtype=bool)
    if criteria.has_period:
        days = local_days(table.start, zone)
        if criteria.first_day:
            keep &= days >= np.datetime64(criteria.first_day, "D")
        if criteria.last_day:
            keep &= days <= np.datetime64(criteria.last_day, "D")
    if criteria.path:
        keep &= _on_path(table, criteria, side)
    for column, values in criteria.attributes:
        kept = table.attribute(column)
        if kept is None:
            raise FilterMismatch(_("Het eventlog %(side)s heeft geen kenmerk „%(column)s”: "
                                   "kies bij het importeren dezelfde kolommen om op te "
                                   "filteren.", side=side or _("zelf"), column=column))
        codes, labels = kept
        keep &= np.isin(codes, [labels.index(v) for v in values if v in labels])
    if criteria.slowest and keep.any():
        threshold = np.percentile(leads[keep], 100 - criteria.slowest)
        keep &= leads >= threshold
    return keep


def _on_path(table: CaseTable, criteria: Criteria, side: str) -> np.ndarray:
    if len(table.path) == 0:
        raise FilterMismatch(_("Het eventlog %(side)s is gelezen voordat de paden per zaak "
                               "werden bewaard; importeer het opnieuw om op een pad te "
                               "filteren.", side=side or _("zelf")))
    wanted, length = list(criteria.path), max(criteria.path_steps, len(criteria.path))
    numbers = [n for n, path in enumerate(table.paths())
               if len(path) == length and path[:len(wanted)] == wanted]
    return np.isin(table.path, numbers)


def summary(table: CaseTable, keep: np.ndarray, leads: np.ndarray) -> dict[str, Any]:
    """The selected cases' figures: how many of all, their lead times, and their paths."""
    chosen = leads[keep]
    chosen = chosen[~np.isnan(chosen)]
    paths: list[dict[str, Any]] = []
    if len(table.path):
        names = table.paths()
        numbers, lead_of = table.path[keep], leads[keep]
        for number, cases in Counter(numbers.tolist()).most_common(PATHS_SHOWN):
            path = names[number]
            paths.append({"activities": path[:VARIANT_STEPS_KEPT], "steps": len(path),
                          "cases": cases,
                          "lead_time": stats(lead_of[numbers == number])["median"]})
    return {"cases": int(keep.sum()), "of": len(keep), "lead_time": stats(chosen),
            "histogram": histogram(chosen), "paths": paths}


def comparable(criteria: Criteria | None, results: tuple[dict, dict], working: bool) -> None:
    """Refuse, with the reason, what cannot be applied alike to the logs before and after
    (``results``: their stored figures)."""
    if criteria is not None and criteria.has_period:
        raise FilterMismatch(_("Een filter op periode past niet bij een vergelijking: de "
                               "logs van voor en na de verandering beslaan elk hun eigen "
                               "periode. Kies een filter zonder periode."))
    if working:
        calendars = [(result.get("working") or {}).get("calendar") for result in results]
        if None not in calendars and calendars[0] != calendars[1]:
            raise FilterMismatch(_("De logs zijn in werkdagen geteld met verschillende "
                                   "kantoortijden of sluitingsdagen: de beheerder heeft de "
                                   "werkkalender tussendoor gewijzigd. Vergelijk in "
                                   "kalenderdagen."))


def enough(keep: np.ndarray, side: str) -> None:
    """A side of a comparison with too few cases left is refused."""
    if int(keep.sum()) < MIN_CASES:
        raise FilterMismatch(_("Dit filter laat in het eventlog %(side)s %(n)d zaken over; "
                               "te weinig om te vergelijken (minstens %(min)d).", side=side,
                               n=int(keep.sum()), min=MIN_CASES))
