"""Cached results of heavy page sections, in this process.

An entry's key holds everything its content depends on: the revision counters of the data it
shows (revisions.py), the language, the day, and for a section whose content differs between
people what the person may see or do there. So an entry is never invalidated: a write raises
a counter and the next view asks a new key; old entries fall out as the least recently used.

Each instance keeps its own entries (an instance behind a load balancer builds a section once,
then serves it until the data changes); the counters live in the shared database, so no
instance serves another's old state. A shared cache (Redis, memcached) would save the first
build per instance only, and is not needed.

Bounded by size: HTML counts its characters (a kept page its body and headers), other values
count as one ``UNIT`` each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from flask_babel import get_locale

from . import revisions

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
UNIT = 4096  # what a non-text entry is taken to cost, in characters


def _size(value: object) -> int:
    """Characters of HTML, or UNIT for anything else; a kept page's body and headers count."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(part) for part in value)
    if isinstance(value, dict):
        return sum(len(str(k)) + len(str(v)) for k, v in value.items())
    return UNIT


class Fragments:
    """A least-recently-used map bounded by the total size of its values."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: object) -> None:
        size = _size(value)
        if size > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self.budget:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0


def store() -> Fragments:
    return current_app.extensions["fragments"]


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """The value under ``key``, built (and kept, where the transaction may keep it) when
    missing."""
    fragments = store()
    found = fragments.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    value = build()
    if revisions.may_store():
        fragments.put(key, value)
    return value


def cached_many(keys: dict[K, Hashable], build: Callable[[list[K]], dict[K, T]]) -> dict[K, T]:
    """For each item, the value under its key; the missing ones built together by ``build``
    (one pass over what is missing: a page's rows in one go) and kept as :func:`cached` does."""
    fragments = store()
    found = {item: fragments.get(key) for item, key in keys.items()}
    missing = [item for item, value in found.items() if value is None]
    if missing:
        built = build(missing)
        keep = revisions.may_store()
        for item in missing:
            found[item] = built[item]
            if keep:
                fragments.put(keys[item], built[item])
    return found  # type: ignore[return-value]


def project_state(project_id: int) -> tuple:
    """What every cached section of one project's pages depends on: the project, its and the
    organisation's revision counters, and the language (one query). A key adds the section's
    kind and whatever else it depends on."""
    organisation, numbers = revisions.current([project_id])
    return (project_id, numbers[project_id], organisation, str(get_locale()))


def init_app(app) -> None:
    app.extensions["fragments"] = Fragments(app.config["FRAGMENT_CACHE_CHARS"])
