"""Optimistic locking for forms: a save must be based on the version the user saw."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import audit
from .errors import ConflictError
from .extensions import db
from .models import User


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


def save_the_only_row(model: type, actor: User, *, expected_version: int,
                      values: dict[str, Any], action: str, object_type: str) -> tuple[Any, bool]:
    """Save an organisation-wide row of which there is one (a model's settings): made by the
    first save, whose form carries version 0; later changed only from the version the form
    was loaded with. Audited either way. The row, and whether this save made it."""
    row = db.session.scalar(select(model).order_by(model.id).limit(1))
    if row is None:
        if expected_version != 0:
            raise ConflictError()
        row = model(**values)
        db.session.add(row)
        db.session.flush()
        audit.record(action, object_type, row.id, None, actor=actor, after=values)
        return row, True
    check_version(row, expected_version)
    audit.apply_changes(row, values, action=action, object_type=object_type, project_id=None,
                        actor=actor)
    return row, False
