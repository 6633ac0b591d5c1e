"""Optimistic locking for forms: a save must be based on the version the user saw."""

from __future__ import annotations

from typing import Protocol

from .errors import ConflictError


class Versioned(Protocol):
    version: int


def check_version(obj: Versioned, expected_version: int) -> None:
    """Refuse a save based on an out-of-date form.

    The version travels in the form; the mapper's ``version_id_col`` also makes the UPDATE
    conditional on it, which catches a save that races this check.
    """
    if obj.version != expected_version:
        raise ConflictError()
