"""Do we work as agreed? Each case of a log checked against the desired process of step 8.

The desired process is the model: its activities in order, each of which may be left out
(``optional``), may occur more than once (``may_repeat``) or may run alongside the one before it,
in either order (``parallel``). The log's activity names are matched to the model's by name
(case and spaces aside); a name that matches none is an activity outside the model.

A case deviates in four ways, each named with its activity:

- **missing**: a required activity of the model does not occur;
- **repeated**: an activity occurs more than once where the model does not allow it (rework);
- **order**: an activity occurs (for the first time) after one the model puts later;
- **extra**: an activity outside the model occurs.

A case conforms when it has none. Each path of the log is checked once and its cases counted,
so the cost is the total length of the distinct paths, whatever the number of cases.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import CaseTable

TOP_DEVIATIONS = 10  # the deviations shown, with their effect; the rest counted
KINDS = ("missing", "repeated", "order", "extra")


@dataclass(frozen=True)
class ModelActivity:
    name: str
    optional: bool = False
    may_repeat: bool = False
    parallel: bool = False


@dataclass(frozen=True, order=True)
class Deviation:
    kind: str
    activity: str
    other: str = ""  # for "order": the activity it came after, which the model puts later

    @property
    def key(self) -> str:
        """How an accepted deviation is kept (``AcceptedDeviation.key``)."""
        return json.dumps([self.kind, self.activity, self.other], ensure_ascii=False)

    @classmethod
    def from_key(cls, key: str) -> Deviation:
        """ValueError where the key is no deviation's."""
        try:
            kind, activity, other = json.loads(key)
        except (TypeError, ValueError) as error:
            raise ValueError(key) from error
        if kind not in KINDS or not all(isinstance(v, str) for v in (activity, other)):
            raise ValueError(key)
        return cls(kind, activity, other)


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


def matched(log_names: Iterable[str], model: Sequence[ModelActivity]) -> dict[str, str | None]:
    """Each name of the log and the model activity it is (None: outside the model)."""
    by_name = {_normal(activity.name): activity.name for activity in model}
    return {name: by_name.get(_normal(name)) for name in log_names}


def deviations(path: Sequence[str], model: Sequence[ModelActivity],
               names: dict[str, str | None]) -> frozenset[Deviation]:
    """How one path differs from the model (empty: it conforms)."""
    group, previous = {}, -1
    for activity in model:
        previous = previous if activity.parallel and previous >= 0 else previous + 1
        group[activity.name] = previous
    found: set[Deviation] = set()
    mapped = [names.get(name) for name in path]
    found |= {Deviation("extra", name) for name, to in zip(path, mapped, strict=True)
              if to is None}
    counts = Counter(to for to in mapped if to is not None)
    for activity in model:
        if counts[activity.name] == 0 and not activity.optional:
            found.add(Deviation("missing", activity.name))
        elif counts[activity.name] > 1 and not activity.may_repeat:
            found.add(Deviation("repeated", activity.name))
    latest, latest_name, seen = -1, "", set()
    for to in mapped:
        if to is None or to in seen:
            continue
        seen.add(to)
        if group[to] < latest:
            found.add(Deviation("order", to, latest_name))
        elif group[to] > latest:
            latest, latest_name = group[to], to
    return frozenset(found)


@dataclass(frozen=True)
class DeviationShare:
    deviation: Deviation
    cases: int
    share: float
    lead_with: float | None  # median lead time of the cases with it, in days
    lead_without: float | None  # and of the cases without it
    accepted: bool


@dataclass(frozen=True)
class Conformance:
    cases: int
    conforming: int
    deviations: list[DeviationShare]  # the commonest first, at most TOP_DEVIATIONS
    more_deviations: int
    unmatched: list[str]  # names of the log outside the model
    commonest_paths: list[tuple[list[str], int]]  # the paths of the commonest deviation
    names: dict[str, str | None]  # each name of the log and the model activity it is
    activities: list[str]  # the model's activities, in order

    @property
    def rate(self) -> float:
        return self.conforming / self.cases if self.cases else 0.0


def check(table: CaseTable, model: Sequence[ModelActivity], accepted: set[str],
          lead: np.ndarray | None = None,
          chosen: dict[str, str | None] | None = None) -> Conformance:
    """Every case of a log against the model; deviations in ``accepted`` (their keys) count
    as conforming and are listed as such. ``lead``: the cases' lead times (calendar days
    unless given); ``chosen``: the names the team matched (the rest by name)."""
    lead = table.lead if lead is None else lead
    paths = table.paths()
    names = _names(paths, model, chosen or {})
    per_path = [deviations(path, model, names) for path in paths]
    cases_per_path = np.bincount(table.path, minlength=len(paths)).tolist()
    ranked = _ranked(per_path, cases_per_path)
    return Conformance(
        len(table.path), _conforming(per_path, cases_per_path, accepted),
        [_share(deviation, count, table, per_path, lead, accepted, len(table.path))
         for deviation, count in ranked[:TOP_DEVIATIONS]],
        max(0, len(ranked) - TOP_DEVIATIONS),
        sorted(name for name, to in names.items() if to is None),
        _paths_with(ranked[0][0], paths, per_path, cases_per_path) if ranked else [],
        dict(sorted(names.items())), [activity.name for activity in model])


def _names(paths: list[list[str]], model: Sequence[ModelActivity],
           chosen: dict[str, str | None]) -> dict[str, str | None]:
    """Each name of the log and the model activity it is: as the team chose (where that is
    still in the model), else by name."""
    in_model = {activity.name for activity in model}
    names = {name: to if to in in_model else None for name, to in chosen.items()}
    seen = {name for path in paths for name in path}
    return names | matched(sorted(seen - set(names)), model)


def _conforming(per_path, cases_per_path: list[int], accepted: set[str]) -> int:
    """The cases whose path has no deviation but accepted ones."""
    return sum(count for count, found in zip(cases_per_path, per_path, strict=True)
               if all(deviation.key in accepted for deviation in found))


def _ranked(per_path, cases_per_path: list[int]) -> list[tuple[Deviation, int]]:
    """Each deviation with its number of cases, the commonest first."""
    counted: Counter[Deviation] = Counter()
    for count, found in zip(cases_per_path, per_path, strict=True):
        for deviation in found:
            counted[deviation] += count
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


def _paths_with(deviation: Deviation, paths, per_path,
                cases_per_path: list[int]) -> list[tuple[list[str], int]]:
    """The five commonest paths that have this deviation, with their cases."""
    having = [(paths[n], cases_per_path[n]) for n, found in enumerate(per_path)
              if deviation in found]
    return sorted(having, key=lambda pc: -pc[1])[:5]


def _share(deviation: Deviation, count: int, table: CaseTable, per_path, lead: np.ndarray,
           accepted: set[str], cases: int) -> DeviationShare:
    """A deviation's share of the cases, and the median lead time with and without it."""
    paths_with = np.array([deviation in found for found in per_path], dtype=bool)
    with_it = paths_with[table.path] if len(paths_with) else np.zeros(0, dtype=bool)
    return DeviationShare(deviation, count, count / cases if cases else 0.0,
                          _median(lead[with_it]), _median(lead[~with_it]),
                          deviation.key in accepted)


def _median(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return round(float(np.median(values)), 4) if len(values) else None
