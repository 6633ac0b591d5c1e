"""Synthetic event logs of a permit process, without personal data: for the demo, the tests
and the benchmark. Deterministic for a given seed. ``after`` is the same process after the
improvements (the licence plate checked automatically, no request for missing documents,
shorter waits)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import quoteattr  # nosec B406 - writes XML, parses none

TEAMS = ["Team Vergunningen A", "Team Vergunningen B", "Team Parkeren", "KCC"]


def cases(count: int, *, seed: int = 7, after: bool = False,
          start: datetime = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)) -> Iterator[list[tuple]]:
    """Per case its events: (case id, activity, start, end, resource)."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311 - synthetic data, not a secret
    for n in range(count):
        moment = start + timedelta(minutes=rng.randint(0, 60 * 24 * 150))
        yield _one_case(rng, f"Z-{2026_000_000 + n}", moment, after)


def _one_case(rng: random.Random, case: str, moment: datetime, after: bool) -> list[tuple]:
    events: list[tuple] = []

    def step(activity: str, wait_days: float, work_minutes: int, who: str) -> None:
        nonlocal moment
        moment += timedelta(days=wait_days)
        end = moment + timedelta(minutes=work_minutes)
        events.append((case, activity, moment, end, who))
        moment = end

    step("Aanvraag ontvangen", 0, 2, "KCC")
    step("Volledigheid controleren", rng.uniform(0.5, 2) if after else rng.uniform(2, 6), 15,
         rng.choice(TEAMS[:2]))
    if not after and rng.random() < 0.3:
        step("Aanvulling opvragen", rng.uniform(0.2, 1), 10, rng.choice(TEAMS[:2]))
        step("Volledigheid controleren", rng.uniform(4, 10), 15, rng.choice(TEAMS[:2]))
    if not after and rng.random() < 0.9:
        step("Kenteken controleren", rng.uniform(1, 4), 20, "Team Parkeren")
    step("Beoordelen", rng.uniform(0.5, 2) if after else rng.uniform(2, 7), 30,
         rng.choice(TEAMS[:3]))
    if not after and rng.random() < 0.08:
        step("Beoordelen", rng.uniform(3, 8), 30, "Team Parkeren")  # a second opinion
    step("Besluit nemen", rng.uniform(0.2, 1) if after else rng.uniform(1, 3), 10,
         "Team Parkeren")
    step("Besluit verzenden", rng.uniform(0, 0.5), 5, "KCC")
    return events


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def channel(case: str) -> str:
    """How the application came in: one in four at the counter (from the case number, so the
    seeded figures stay as they were)."""
    return "Balie" if int(case[-2:]) % 4 == 0 else "Digitaal"


def csv_text(rows: Iterator[list[tuple]], *, delimiter: str = ";") -> Iterator[str]:
    yield delimiter.join(["zaaknummer", "activiteit", "starttijd", "eindtijd", "behandelaar",
                          "kanaal"]) + "\n"
    for events in rows:
        for case, activity, begin, end, who in events:
            yield delimiter.join([case, activity, _iso(begin), _iso(end), who,
                                  channel(case)]) + "\n"


def xes_text(rows: Iterator[list[tuple]]) -> Iterator[str]:
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n')
    for events in rows:
        yield f'  <trace><string key="concept:name" value={quoteattr(events[0][0])}/>\n'
        for _case, activity, begin, end, who in events:
            for transition, moment in (("start", begin), ("complete", end)):
                yield ("    <event>"
                       f'<string key="concept:name" value={quoteattr(activity)}/>'
                       f'<string key="lifecycle:transition" value="{transition}"/>'
                       f'<string key="org:resource" value={quoteattr(who)}/>'
                       f'<date key="time:timestamp" value="{_iso(moment)}"/>'
                       "</event>\n")
        yield "  </trace>\n"
    yield "</log>\n"
