"""What an event log says about the process, from its events in any order.

Events are held compactly (a number per case and activity, the times as floats; about 30
bytes an event) and sorted per case by numpy, so a million events fit in some tens of
megabytes; names of cases are never kept (only their order of first appearance), resources
only where the team chose to keep them. Definitions, in days:

- a case's lead time: from its first event's start to its last event's end (or start);
- the wait before an event: from the end (or, without one, the start) of the case's previous
  event to this event's start; the first event of a case waits for nothing;
- work: an event's end minus its start, where the log has end times;
- rework: an activity that occurs more than once in one case (the repeats are counted);
- a variant: the sequence of activities of a case; the directly-follows graph: how often one
  activity directly follows another in a case, with the median wait between them.

Medians and 90th percentiles interpolate linearly between ranks (as the reports do): the
90th percentile of 1, 2, 3, 4 and 10 days is 7,6 days. Events at the same moment in a case keep
the file's order.

The cost is bounded whatever the file: sorting is n log n in events, everything else linear in
events and in activities; a log with more than ``MAX_ACTIVITIES`` distinct activities is
refused, or (as the team chose at the upload) its rarest activities are taken together as one.
What is kept is bounded too: the commonest variants (each its first steps) and arcs, the rest
counted.
"""

from __future__ import annotations

import io
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from flask_babel import gettext as _

from ..workflow import DurationUnit
from ..working_time import WorkingCalendar, local_days
from .parse import Event, LogError

DAY = 86_400.0
VARIANTS_KEPT = 50
VARIANT_STEPS_KEPT = 60  # the steps of a variant that are kept (and shown); the rest counted
EDGES_KEPT = 60
MAX_ACTIVITIES = 500
DOTTED_CASES = 150  # the cases drawn in the dotted chart, evenly over the log's period
DOTTED_ACTIVITIES = 8  # the activities the dotted chart marks apart; the rest as one
DOTTED_EVENTS = 30  # the events drawn of one case
WEEKDAY_ACTIVITIES = 20  # the activities whose events per day of the week are kept
RESOURCES_KEPT = 100  # the resources whose number of events is kept
MATRIX_RESOURCES = 12  # the resources the hand-over matrix names; the rest are "overige"
# An attribute column with more distinct values than this, or with a value for about every
# other case, is not kept: it reads like case numbers or names, not a channel or a team (and
# would not make a useful filter).
MAX_ATTRIBUTE_VALUES = 50
BINS = 12
START, END = "▶", "■"  # the graph's start and end nodes


def stats(values: list[float] | np.ndarray) -> dict[str, float | None]:
    if len(values) == 0:
        return {"median": None, "p90": None, "mean": None}
    array = np.asarray(values, dtype=float)
    return {"median": round(float(np.median(array)), 4),
            "p90": round(float(np.percentile(array, 90)), 4),
            "mean": round(float(array.mean()), 4)}


def histogram(days: np.ndarray) -> list[dict[str, float | int]]:
    """Lead times in twelve equal bins from 0 to the longest (a single bin when all equal)."""
    if len(days) == 0:
        return []
    top = float(days.max())
    if top <= 0:
        return [{"from": 0.0, "to": 0.0, "cases": int(len(days))}]
    counts, edges = np.histogram(days, bins=BINS, range=(0.0, top))
    return [{"from": round(float(edges[i]), 3), "to": round(float(edges[i + 1]), 3),
             "cases": int(counts[i])} for i in range(BINS)]


def _too_many() -> LogError:
    return LogError(_("Het bestand heeft meer dan %(max)d verschillende activiteiten. Kies een "
                      "kolom met minder verschillende waarden (de status of stap, niet een "
                      "omschrijving), of importeer het opnieuw met „zeldzame activiteiten "
                      "samenvoegen”.", max=MAX_ACTIVITIES))


class Collector:
    """Takes events one by one; ``result()`` analyses them."""

    def __init__(self, keep_resources: bool = False, group_rare: bool = False,
                 calendar: WorkingCalendar | None = None,
                 attributes: tuple[str, ...] = ()) -> None:
        self.group_rare, self.calendar = group_rare, calendar
        self.attributes = _CaseAttributes(attributes)
        self.case_table: CaseTable | None = None
        self.cases: dict[str, int] = {}
        self.activities: dict[str, int] = {}
        self.resources: dict[str, int] = {}
        self.keep_resources = keep_resources
        # Typed arrays: 8 bytes a time, not a Python float object each.
        self.case_ids = array("q")
        self.activity_ids = array("i")
        self.starts = array("d")
        self.ends = array("d")
        self.resource_ids = array("i")
        self.has_end = False
        self.has_resource = False

    def add(self, event: Event) -> None:
        new = len(self.cases)
        case = self.cases.setdefault(event.case, new)
        if case == new:
            self.attributes.add(event.attributes)
        self.case_ids.append(case)
        activity = self.activities.setdefault(event.activity, len(self.activities))
        if activity == MAX_ACTIVITIES and not self.group_rare:
            raise _too_many()
        self.activity_ids.append(activity)
        self.starts.append(event.start)
        self.ends.append(event.end if event.end is not None else math.nan)
        self.has_end = self.has_end or event.end is not None
        resource = -1
        if event.resource is not None:
            self.has_resource = True
            resource = self.resources.setdefault(event.resource, len(self.resources))
        self.resource_ids.append(resource)

    def result(self) -> dict[str, Any]:
        if not self.case_ids:
            raise LogError(_("Het bestand bevat geen gebeurtenissen."))
        activity_ids, activities, grouped = _grouped(
            np.frombuffer(self.activity_ids, dtype=np.int32), list(self.activities))
        result, self.case_table = analyse_arrays(
            np.frombuffer(self.case_ids, dtype=np.int64), activity_ids,
            np.frombuffer(self.starts, dtype=float), np.frombuffer(self.ends, dtype=float),
            np.frombuffer(self.resource_ids, dtype=np.int32),
            activities=activities, resources=list(self.resources),
            has_end=self.has_end, has_resource=self.has_resource,
            keep_resources=self.keep_resources, calendar=self.calendar)
        self.case_table = self.attributes.kept_in(self.case_table)
        result |= self.attributes.summary()
        return {**result, "grouped_activities": grouped} if grouped else result


class _CaseAttributes:
    """The attribute columns the team kept, per case the value of its first event (how the
    case came in), as a code per column; a column with too many values is dropped."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.values: list[dict[str, int]] = [{} for _name in names]
        self.codes = [array("h") for _name in names]
        self.dropped: set[int] = set()

    def add(self, values: tuple[str, ...]) -> None:
        for index, seen in enumerate(self.values):
            if index in self.dropped:
                continue
            value = values[index] if index < len(values) else ""
            code = seen.setdefault(value, len(seen))
            if len(seen) > MAX_ATTRIBUTE_VALUES:
                self.dropped.add(index)
                seen.clear()
            self.codes[index].append(code)

    def _kept(self) -> list[int]:
        for index, seen in enumerate(self.values):
            cases = len(self.codes[index])
            if index not in self.dropped and len(seen) > max(5, cases // 2):
                self.dropped.add(index)
        return [i for i in range(len(self.names)) if i not in self.dropped]

    def kept_in(self, table: CaseTable) -> CaseTable:
        kept = self._kept()
        if not kept:
            return table
        labels = [list(self.values[i]) for i in kept]
        return replace(
            table, attribute_names=np.array([self.names[i] for i in kept], dtype=str),
            attribute_codes=np.stack([np.frombuffer(self.codes[i], dtype=np.int16)
                                      for i in kept]),
            attribute_labels=np.array([label for column in labels for label in column],
                                      dtype=str),
            attribute_offsets=np.cumsum([0, *map(len, labels)]).astype(np.int64))

    def summary(self) -> dict[str, Any]:
        """The kept columns with their values and cases (commonest first), and those
        dropped: what the filters offer."""
        if not self.names:
            return {}
        kept: list[dict[str, Any]] = []
        for index in self._kept():
            counts = np.bincount(np.frombuffer(self.codes[index], dtype=np.int16),
                                 minlength=len(self.values[index]))
            values = sorted(zip(self.values[index], counts.tolist(), strict=True),
                            key=lambda pair: -pair[1])
            kept.append({"name": self.names[index], "values": [list(v) for v in values]})
        return {"attributes": kept,
                "attributes_dropped": [self.names[i] for i in sorted(self.dropped)]}


def _grouped(ids: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str], int]:
    """At most ``MAX_ACTIVITIES`` activities: the commonest keep their names (ties: the first
    seen), the rest become one "other" activity. Returns the ids, the names and how many
    were taken together."""
    if len(names) <= MAX_ACTIVITIES:
        return ids, names, 0
    counts = np.bincount(ids, minlength=len(names))
    kept = np.sort(np.argsort(-counts, kind="stable")[:MAX_ACTIVITIES - 1])
    renumbered = np.full(len(names), len(kept), dtype=np.int32)  # the rest: the last id
    renumbered[kept] = np.arange(len(kept), dtype=np.int32)
    rest = len(names) - len(kept)
    other = _("Overige activiteiten (%(n)d samengevoegd)", n=rest)
    return renumbered[ids], [names[i] for i in kept.tolist()] + [other], rest


def analyse(events: Iterable[Event], keep_resources: bool = False,
            progress: Callable[[int], None] | None = None, every: int = 50_000, *,
            group_rare: bool = False, calendar: WorkingCalendar | None = None) -> dict:
    return analyse_with_cases(events, keep_resources, progress, every, group_rare=group_rare,
                              calendar=calendar)[0]


def analyse_with_cases(events: Iterable[Event], keep_resources: bool = False,
                       progress: Callable[[int], None] | None = None, every: int = 50_000, *,
                       group_rare: bool = False, calendar: WorkingCalendar | None = None,
                       attributes: tuple[str, ...] = ()) -> tuple[dict, CaseTable]:
    """The figures of a log, and its table of cases (``CaseTable``). ``attributes``: the
    names of the attribute columns the events carry, kept per case for filters."""
    collector = Collector(keep_resources, group_rare, calendar, attributes)
    for n, event in enumerate(events, start=1):
        collector.add(event)
        if progress is not None and n % every == 0:
            progress(n)
    return collector.result(), collector.case_table


@dataclass
class _Paths:
    """What the walk through the cases counts: their paths, repeats, steps between activities
    and hand-overs (activities and resources as their indexes; -1 start, -2 end)."""

    variants: Counter[tuple[int, ...]] = field(default_factory=Counter)
    variant_leads: dict[tuple[int, ...], list[float]] = field(
        default_factory=lambda: defaultdict(list))
    rework_cases: Counter[int] = field(default_factory=Counter)
    repeats: Counter[int] = field(default_factory=Counter)
    edges: Counter[tuple[int, int]] = field(default_factory=Counter)
    edge_waits: dict[tuple[int, int], list[float]] = field(
        default_factory=lambda: defaultdict(list))
    handovers: list[int] = field(default_factory=list)
    # Hand-overs between resources (from, to) within a case, and the waits at them.
    handover_pairs: Counter[tuple[int, int]] = field(default_factory=Counter)
    handover_at: dict[tuple[int, int], list[int]] = field(  # the events taken over
        default_factory=lambda: defaultdict(list))
    # Each case's path, as the number of its variant in order of first appearance.
    variant_ids: dict[tuple[int, ...], int] = field(default_factory=dict)
    case_variant: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CaseTable:
    """Per case, without its number (in the order the cases first appear): when it began
    (seconds since 1970, UTC), its lead time in calendar days and in working days (NaN
    without a calendar), and the rank of its variant among the kept ones (-1: a rarer one).
    Kept beside the figures for comparisons; stored compressed (``packed``)."""

    start: np.ndarray
    lead: np.ndarray
    lead_working: np.ndarray
    variant: np.ndarray
    # Every path (not only the kept ones), for the check against the desired process: each
    # case's path number, the paths' activities end to end, where each path begins in them
    # (one more than there are paths), and the activities' names.
    path: np.ndarray
    path_steps: np.ndarray
    path_offsets: np.ndarray
    activities: np.ndarray
    # The attribute columns kept for filters (channel, team, zaaktype): their names, per
    # column a code per case, and the codes' values end to end with where each column's
    # begin (one more than there are columns).
    attribute_names: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    attribute_codes: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.int16))
    attribute_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))
    attribute_offsets: np.ndarray = field(
        default_factory=lambda: np.zeros(1, dtype=np.int64))

    def packed(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(out, **{name: getattr(self, name) for name in _CASE_ARRAYS})
        return out.getvalue()

    @classmethod
    def unpacked(cls, data: bytes) -> CaseTable:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return cls(**{name: arrays[name] for name in _CASE_ARRAYS if name in arrays},
                       **{name: empty for name, empty in _EMPTY_PATHS.items()
                          if name not in arrays})  # the attributes: their defaults

    def lead_in(self, unit: DurationUnit) -> np.ndarray:
        """The cases' lead times in this unit (calendar days where the log has no working
        days, as ``in_unit`` shows its figures)."""
        if unit is DurationUnit.WORKING and not np.isnan(self.lead_working).all():
            return self.lead_working
        return self.lead

    def attribute(self, name: str) -> tuple[np.ndarray, list[str]] | None:
        """A kept column's code per case and the codes' values (None: not kept)."""
        names = self.attribute_names.tolist()
        if name not in names:
            return None
        index = names.index(name)
        low, high = self.attribute_offsets[index:index + 2].tolist()
        return self.attribute_codes[index], self.attribute_labels[low:high].tolist()

    def subset(self, keep: np.ndarray) -> CaseTable:
        """The table of the cases ``keep`` (a mask) selects; the paths' names stay whole."""
        codes = self.attribute_codes[:, keep] if len(self.attribute_codes) else \
            self.attribute_codes
        return replace(self, start=self.start[keep], lead=self.lead[keep],
                       lead_working=self.lead_working[keep], variant=self.variant[keep],
                       path=self.path[keep] if len(self.path) else self.path,
                       attribute_codes=codes)

    def paths(self) -> list[list[str]]:
        """Each path's activities by name (in path number order)."""
        names = self.activities.tolist()
        steps, offsets = self.path_steps.tolist(), self.path_offsets.tolist()
        return [[names[i] for i in steps[offsets[n]:offsets[n + 1]]]
                for n in range(len(offsets) - 1)]


_CASE_ARRAYS = ("start", "lead", "lead_working", "variant", "path", "path_steps",
                "path_offsets", "activities", "attribute_names", "attribute_codes",
                "attribute_labels", "attribute_offsets")
# A table kept before the paths were: no paths (its log is checked after a new import).
_EMPTY_PATHS = {"path": np.zeros(0, dtype=np.int32), "path_steps": np.zeros(0, dtype=np.int32),
                "path_offsets": np.zeros(1, dtype=np.int64), "activities": np.zeros(0, dtype=str)}


def _case_table(start, lead, lead_working, paths: _Paths, ranked,
                activities: list[str]) -> CaseTable:
    sequences = list(paths.variant_ids)  # in path number order (first appearance)
    lengths = np.array([len(sequence) for sequence in sequences], dtype=np.int64)
    return CaseTable(
        start, lead, lead_working, _case_variants(paths, ranked),
        path=np.asarray(paths.case_variant, dtype=np.int32),
        path_steps=np.fromiter((i for sequence in sequences for i in sequence), dtype=np.int32,
                               count=int(lengths.sum())),
        path_offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        activities=np.array(activities, dtype=str))


def _per_activity(activity, waits, work, activities: list[str],
                  has_end: bool) -> dict[str, Any]:
    """Each activity's figures, from its own slice of the events sorted by activity (one sort,
    then linear; not a pass over all events per activity)."""
    order = np.argsort(activity, kind="stable")
    edges = np.searchsorted(activity[order], np.arange(len(activities) + 1))
    waits, work = waits[order], work[order]
    per_activity: dict[str, Any] = {}
    for index, name in enumerate(activities):
        low, high = int(edges[index]), int(edges[index + 1])
        waited = waits[low:high]
        waited = waited[~np.isnan(waited)]
        worked = work[low:high]
        worked = worked[~np.isnan(worked)]
        per_activity[name] = {"count": high - low, "wait": stats(waited),
                              "wait_total": round(float(waited.sum()), 4),
                              "work": stats(worked) if has_end else None,
                              "work_total": round(float(worked.sum()), 4) if has_end else None}
    return per_activity


def _walk(bounds, last, lead, activity, resource, waits,
          has_resource: bool) -> _Paths:
    paths = _Paths()
    sequence_of, resource_of, wait_of = activity.tolist(), resource.tolist(), waits.tolist()
    for number, (low, high) in enumerate(zip(bounds.tolist(), last.tolist(), strict=True)):
        sequence = tuple(sequence_of[low:high + 1])
        paths.variants[sequence] += 1
        paths.case_variant.append(paths.variant_ids.setdefault(sequence,
                                                               len(paths.variant_ids)))
        paths.variant_leads[sequence].append(float(lead[number]))
        for index, times in Counter(sequence).items():
            if times > 1:
                paths.rework_cases[index] += 1
                paths.repeats[index] += times - 1
        paths.edges[(-1, sequence[0])] += 1
        paths.edges[(sequence[-1], -2)] += 1
        for position in range(low + 1, high + 1):
            pair = (sequence_of[position - 1], sequence_of[position])
            paths.edges[pair] += 1
            paths.edge_waits[pair].append(wait_of[position])
        if has_resource:
            paths.handovers.append(_hand_overs(paths, resource_of, low, high))
    return paths


def _hand_overs(paths: _Paths, resource_of: list[int], low: int, high: int) -> int:
    """A case's hand-overs (the resource changes, both known), counted into the matrix."""
    count = 0
    for position in range(low + 1, high + 1):
        pair = (resource_of[position - 1], resource_of[position])
        if pair[0] != pair[1] and pair[0] >= 0 and pair[1] >= 0:
            count += 1
            paths.handover_pairs[pair] += 1
            paths.handover_at[pair].append(position)
    return count


def _handover_matrix(paths: _Paths, resources: list[str], waits: np.ndarray) -> dict[str, Any]:
    """Who hands over to whom, how often and after what median wait (``waits``: each event's,
    in calendar or working days): the ``MATRIX_RESOURCES`` most involved resources by name,
    the rest as one "other"."""
    involved: Counter[int] = Counter()
    for (giver, taker), count in paths.handover_pairs.items():
        involved[giver] += count
        involved[taker] += count
    named = [index for index, _count in involved.most_common(MATRIX_RESOURCES)]
    other = _("overige")

    def name(index: int) -> str:
        return resources[index] if index in named else other

    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    counts: Counter[tuple[str, str]] = Counter()
    for pair, count in paths.handover_pairs.items():
        key = (name(pair[0]), name(pair[1]))
        counts[key] += count
        cells[key].extend(paths.handover_at[pair])
    labels = [resources[index] for index in named] + (
        [other] if len(involved) > len(named) else [])
    return {"resources": labels,
            "cells": [{"from": giver, "to": taker, "count": count,
                       "wait": stats(_known(waits[cells[(giver, taker)]]))["median"]}
                      for (giver, taker), count in sorted(counts.items())]}


def _known(values: np.ndarray) -> np.ndarray:
    return values[~np.isnan(values)]


def _ranked(paths: _Paths, activities: list[str]) -> list[tuple[tuple[int, ...], int]]:
    """The variants, commonest first (ties: by their activities' names)."""
    return sorted(paths.variants.items(), key=lambda kv: (-kv[1], [activities[i]
                                                                    for i in kv[0]]))


def _case_variants(paths: _Paths, ranked) -> np.ndarray:
    """Each case's variant as its rank among the kept ones, -1 for a rarer one."""
    rank_of = np.full(len(paths.variant_ids), -1, dtype=np.int32)
    for rank, (sequence, _count) in enumerate(ranked[:VARIANTS_KEPT]):
        rank_of[paths.variant_ids[sequence]] = rank
    return rank_of[np.asarray(paths.case_variant, dtype=np.int64)]


def _paths_result(paths: _Paths, activities: list[str], ranked) -> dict[str, Any]:
    def name(index: int) -> str:
        return START if index == -1 else END if index == -2 else activities[index]

    repeats = paths.repeats
    return {
        "rework": {activities[i]: {"cases": paths.rework_cases[i], "repeats": repeats[i]}
                   for i in sorted(paths.rework_cases, key=lambda i: (-repeats[i],
                                                                     activities[i]))},
        "rework_cases": sum(n for seq, n in paths.variants.items() if len(set(seq)) < len(seq)),
        "variant_count": len(paths.variants),
        "variants": [{"activities": [activities[i] for i in sequence[:VARIANT_STEPS_KEPT]],
                      "steps": len(sequence), "cases": count,
                      "lead_time": stats(paths.variant_leads[sequence])}
                     for sequence, count in ranked[:VARIANTS_KEPT]],
        "edges": [{"from": name(a), "to": name(b), "count": count,
                   "wait": stats([w for w in paths.edge_waits.get((a, b), []) if w == w])}
                  for (a, b), count in sorted(paths.edges.items(),
                                              key=lambda kv: (-kv[1], name(kv[0][0]),
                                                              name(kv[0][1])))[:EDGES_KEPT]],
    }


def analyse_arrays(case, activity, start, end, resource, *, activities: list[str],
                   resources: list[str], has_end: bool, has_resource: bool,
                   keep_resources: bool, calendar: WorkingCalendar | None = None
                   ) -> tuple[dict[str, Any], CaseTable]:
    """The figures, and the table of cases a comparison needs."""
    order = np.lexsort((start, case))  # per case, by start; stable: ties keep the file order
    case, activity, start, end, resource = (case[order], activity[order], start[order],
                                            end[order], resource[order])
    finish = np.where(np.isnan(end), start, end)
    first = np.ones(len(case), dtype=bool)
    first[1:] = case[1:] != case[:-1]
    bounds = np.flatnonzero(first)
    last = np.append(bounds[1:], len(case)) - 1
    # A case's lead time: its last finish (the latest, events may overlap) minus its first start.
    latest = np.maximum.reduceat(finish, bounds)
    lead = (latest - start[bounds]) / DAY
    waits = np.full(len(case), np.nan)
    waits[1:] = (start[1:] - finish[:-1]) / DAY
    waits[first] = np.nan
    work = (end - start) / DAY

    paths = _walk(bounds, last, lead, activity, resource, waits, has_resource)
    ranked = _ranked(paths, activities)
    total_work = float(np.nansum(work)) if has_end else None
    result: dict[str, Any] = {
        "events": int(len(case)),
        "cases": int(len(bounds)),
        "first": float(start.min()),
        "last": float(np.nanmax(finish)),
        "has_end_times": bool(has_end),
        "lead_time": stats(lead),
        "histogram": histogram(lead),
        "activities": _per_activity(activity, waits, work, activities, has_end),
        "waiting_days": round(float(np.nansum(waits)), 4),
        "work_days": round(total_work, 4) if total_work is not None else None,
        **_paths_result(paths, activities, ranked),
        "handovers": stats(paths.handovers) if has_resource else None,
    }
    result["dotted"] = _dotted(start, activity, bounds, last, activities)
    if calendar is not None:
        result["weekdays"] = _weekdays(start, activity, activities, calendar.zone)
    lead_working, working_waits = np.full(len(lead), np.nan), None
    if calendar is not None:
        working = _in_working_days(calendar, start, finish, end, bounds, first,
                                   activity, activities, has_end)
        if working is not None:
            result["working"], lead_working, working_waits = working
    if keep_resources and has_resource:
        _add_resources(result, paths, resource, resources, waits, working_waits)
    return result, _case_table(start[bounds], lead, lead_working, paths, ranked, activities)


def _add_resources(result: dict[str, Any], paths: _Paths, resource, resources: list[str],
                   waits, working_waits) -> None:
    """The events per resource, and the hand-over matrix (in working days too)."""
    per_resource = Counter(resource.tolist())
    known = [(resources[i], n) for i, n in per_resource.most_common() if i >= 0]
    result["resources"] = dict(known[:RESOURCES_KEPT])
    result["handover_matrix"] = _handover_matrix(paths, resources, waits)
    if working_waits is not None:
        result["working"]["handover_matrix"] = _handover_matrix(paths, resources,
                                                                working_waits)


def _dotted(start, activity, bounds, last, activities: list[str]) -> dict[str, Any]:
    """The dotted chart: for a sample of cases spread evenly over the period (by their first
    event), each event as (days since the log's first event, activity). Batches show as
    columns of dots, queues as gaps. The commonest activities are told apart, the rest not."""
    first = float(start.min())
    counts = np.bincount(activity, minlength=len(activities))
    marked = [int(i) for i in np.argsort(-counts, kind="stable")[:DOTTED_ACTIVITIES]]
    mark_of = {index: number for number, index in enumerate(marked)}
    by_start = np.argsort(start[bounds], kind="stable")
    picked = by_start[np.unique(np.linspace(0, len(bounds) - 1, min(DOTTED_CASES, len(bounds)))
                                .astype(np.int64))]
    cases = []
    for number in picked.tolist():
        low, high = int(bounds[number]), min(int(last[number]), int(bounds[number])
                                             + DOTTED_EVENTS - 1)
        cases.append([[round((float(start[i]) - first) / DAY, 3),
                       mark_of.get(int(activity[i]), -1)] for i in range(low, high + 1)])
    return {"activities": [activities[i] for i in marked],
            "others": len(activities) > len(marked),
            "span_days": round((float(start.max()) - first) / DAY, 3), "cases": cases}


def _weekdays(start, activity, activities: list[str], zone) -> dict[str, list[int]]:
    """Per activity its events on each day of the week (Monday first), in the organisation's
    days: work done in batches shows as one busy day. The ``WEEKDAY_ACTIVITIES`` commonest."""
    weekday = (local_days(start, zone).astype(np.int64) + 3) % 7  # 1 January 1970: Thursday
    table = np.zeros((len(activities), 7), dtype=np.int64)
    np.add.at(table, (activity, weekday), 1)
    commonest = np.argsort(-table.sum(axis=1), kind="stable")[:WEEKDAY_ACTIVITIES]
    return {activities[index]: table[index].tolist() for index in commonest.tolist()}


def _in_working_days(calendar: WorkingCalendar, start, finish, end, bounds, first,
                     activity, activities: list[str], has_end: bool
                     ) -> tuple[dict[str, Any], np.ndarray, np.ndarray] | None:
    """The durations again, in the organisation's working days, each case's lead time and
    each event's wait in them (None: the log spans too many years to convert)."""
    placed = calendar.positions(start, finish, end)
    if placed is None:
        return None
    began, finished, ended = placed
    # The axis only moves forward, so the latest finish has the latest place.
    lead = np.maximum.reduceat(finished, bounds) - began[bounds]
    waits = np.full(len(start), np.nan)
    waits[1:] = began[1:] - finished[:-1]
    waits[first] = np.nan
    work = ended - began
    total_work = float(np.nansum(work)) if has_end else None
    return {"day_hours": calendar.day_hours, "calendar": calendar.fingerprint,
            "lead_time": stats(lead),
            "histogram": histogram(lead),
            "waiting_days": round(float(np.nansum(waits)), 4),
            "work_days": round(total_work, 4) if total_work is not None else None,
            "activities": _per_activity(activity, waits, work, activities, has_end)}, lead, waits


def in_unit(result: dict[str, Any], unit: DurationUnit) -> dict[str, Any]:
    """A result with its durations in this unit (calendar days where there are no working
    days: a log read before the working calendar, or spanning too many years)."""
    if unit is DurationUnit.WORKING and "working" in result:
        # A log read before the matrix was kept in working days shows none rather than
        # calendar days under a working-day label.
        return {**result, "handover_matrix": None, **result["working"],
                "unit": DurationUnit.WORKING}
    return {**result, "unit": DurationUnit.CALENDAR}


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The process after the change against before: lead times, the paths no longer taken and
    the waiting per case removed, in total and per activity."""
    def per_case(result: dict[str, Any], activity: str) -> float:
        row = result["activities"].get(activity)
        return row["wait_total"] / result["cases"] if row else 0.0

    paths_after = {tuple(v["activities"]) for v in after["variants"]}
    gone = [v for v in before["variants"] if tuple(v["activities"]) not in paths_after]
    names = list(dict.fromkeys([*before["activities"], *after["activities"]]))
    waiting = [{"activity": name, "before": round(per_case(before, name), 2),
                "after": round(per_case(after, name), 2)} for name in names]
    waiting.sort(key=lambda w: w["after"] - w["before"])
    return {
        "lead_time": {"before": before["lead_time"], "after": after["lead_time"]},
        "waiting_per_case": {"before": round(before["waiting_days"] / before["cases"], 2),
                             "after": round(after["waiting_days"] / after["cases"], 2)},
        "variants_gone": gone,
        "cases_on_gone_paths": sum(v["cases"] for v in gone),
        "waiting": waiting,
    }
