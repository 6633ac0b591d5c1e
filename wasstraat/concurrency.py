"""Optimistic locking for forms: a save must be based on the version the user saw."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.exc import IntegrityError

from .errors import ConflictError
from .extensions import db


class Versioned(Protocol):
    version: int


def check_version(obj: Versioned, expected_version: int) -> None:
    """Refuse a save based on an out-of-date form.

    The version travels in the form; the mapper's ``version_id_col`` also makes the UPDATE
    conditional on it, which catches a save that races this check.
    """
    if obj.version != expected_version:
        raise ConflictError()


def add_once(obj: object, message: str | None = None) -> None:
    """Insert a row a unique constraint allows only once (a sign-off, an approval): when
    someone else inserted it first, the loser gets a 409 instead of a second record or a 500.
    The savepoint keeps the rest of the transaction usable."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        raise ConflictError(message) from None
