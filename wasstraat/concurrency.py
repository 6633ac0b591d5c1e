"""Optimistic locking for forms: a save must be based on the version the user saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from .errors import ConflictError, WorkflowError
from .extensions import db
from .forms import FlaskForm


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


def save_form(form: FlaskForm, save: Callable[[], object],
              reload: Callable[[], FlaskForm]) -> tuple[FlaskForm, int | None]:
    """Validate a submitted edit form and save it in one transaction.

    Returns the form to show and its status, or status None when the save was committed. A
    refused save (a stale version, a state rule) is rolled back and answered with the current
    data, loaded afresh by ``reload``, and the reason on top of the form.
    """
    if not form.validate_on_submit():
        return form, (422 if form.is_submitted() else 200)
    try:
        save()
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        current = reload()
        current.form_errors.append(error.message)
        return current, error.status_code
    return form, None
