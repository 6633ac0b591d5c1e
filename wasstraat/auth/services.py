"""Accounts: create, authenticate, change password, deactivate. Callers commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit
from ..api import tokens
from ..concurrency import check_version
from ..errors import InvalidInput
from ..extensions import db
from ..models import User, utcnow
from ..workflow import SPECIALIST_ROLES, OrgFunction
from . import mfa, throttle
from .passwords import (
    DUMMY_HASH,
    context_words,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)

T = TypeVar("T")


class PasswordPolicyError(InvalidInput):
    """A password the policy refuses, shown at the form's password field."""

    def __init__(self, problems: list[str], field: str = "password") -> None:
        super().__init__(problems, field)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_password_policy(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(
        password,
        email=email,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        max_length=current_app.config["PASSWORD_MAX_LENGTH"],
        context=context_words(current_app.config["WASSTRAAT_ORGANISATION"]),
    )
    if problems:
        raise PasswordPolicyError(problems, field)


def create_user(email: str, name: str, password: str, *, is_admin: bool = False,
                actor: User | None = None, enforce_policy: bool = True,
                must_change: bool = False) -> User:
    """A new account; `must_change` when someone other than its owner chose the password."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise InvalidInput(_("Er bestaat al een account met dit e-mailadres."), "email")
    if enforce_policy:
        check_password_policy(password, email)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                is_admin=is_admin, must_change_password=must_change)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", "user", user.id, None, actor=actor,
                 after={"email": email, "name": user.name, "is_admin": is_admin})
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work is done when the user is unknown."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        _set_quietly(user, password_hash=hash_password(password))
    return user


def _set_quietly(user: User, **values: object) -> None:
    """Bookkeeping on the account that is no edit of it: written without the version check, so
    one person signing in from two browsers at once is not told of a conflict (409)."""
    db.session.execute(update(User.__table__).where(User.__table__.c.id == user.id)
                       .values(**values))
    for name, value in values.items():
        set_committed_value(user, name, value)


def record_login(user: User, *, second_factor: str | None = None,
                 method: str = "password") -> None:
    _set_quietly(user, last_login_at=utcnow())
    details = {"second_factor": second_factor} if second_factor else {}
    if method != "password":
        details["method"] = method
    audit.record("auth.login", "user", user.id, None, actor=user, after=details or None)


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """A sign-in attempt under the throttle: what the check found (the user, the second
    factor's method), or None; ``wait``: refused unseen, blocked for that long."""

    found: T | None
    wait: timedelta | None = None


def throttled_attempt(purpose: throttle.Purpose, subject: str, address: str | None,
                      check: Callable[[], T | None],
                      record_failure: Callable[[bool], None]) -> Attempt[T]:
    """Check a password or a code only while the throttle allows it. A failure is recorded
    and counted; a success clears the account's count."""
    keys = throttle.keys(purpose, subject, address)
    throttle.lock(keys)
    wait = throttle.blocked_for(keys)
    if wait is not None:
        record_failure(True)
        return Attempt(None, wait)
    found = check()
    if found is None:
        record_failure(False)
        throttle.record_failure(keys)
    else:
        throttle.clear_account(keys)
    return Attempt(found)


def confirm_identity(user: User, secret: str, address: str | None) -> Attempt[User]:
    """A signed-in person proves it is them again (making an API token): the second factor
    where they enrolled one, else the password; under the same throttle as signing in."""
    if user.has_second_factor:
        return throttled_attempt(
            throttle.Purpose.SECOND_FACTOR, str(user.id), address,
            lambda: user if mfa.verify_second_factor(user, secret) else None,
            lambda throttled: record_failed_second_factor(user, throttled=throttled))
    return throttled_attempt(
        throttle.Purpose.PASSWORD, user.email, address,
        lambda: user if verify_password(user.password_hash, secret) else None,
        lambda throttled: record_failed_login(user.email, throttled=throttled))


def record_failed_second_factor(user: User, *, throttled: bool = False) -> None:
    audit.record("auth.second_factor_failed", "user", user.id, None, actor=user,
                 result="throttled" if throttled else "denied")


def record_failed_login(email: str, *, throttled: bool = False, invalid: bool = False) -> None:
    # The typed address is not stored: it may be a password typed in the wrong field.
    audit.record("auth.login_failed", "user", None, None,
                 result="throttled" if throttled else "invalid" if invalid else "denied")


def logout(user: User) -> None:
    """Signing out ends every session of the person (one token per account), and so every
    API token they made: a token lives no longer than the sign-in that made it allows."""
    user.rotate_session_token()
    audit.record("auth.logout", "user", user.id, None, actor=user)
    tokens.revoke_all(user, user)


def change_password(user: User, current: str, new: str) -> int:
    """The person's own new password: their other sessions end, and their API tokens stop
    (a password changed because it leaked must not leave a token made with it). Returns
    how many tokens stopped."""
    if not verify_password(user.password_hash, current):
        raise PasswordPolicyError([_("Het huidige wachtwoord klopt niet.")], "current_password")
    if new == current:
        raise PasswordPolicyError([_("Kies een ander wachtwoord dan het huidige.")],
                                  "new_password")
    check_password_policy(new, user.email, "new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.rotate_session_token()
    audit.record("user.password_change", "user", user.id, None, actor=user)
    return tokens.revoke_all(user, user)


def set_password(user: User, new: str, *, actor: User | None, enforce_policy: bool = True) -> None:
    """A password chosen by an administrator: the owner must replace it at the next sign-in."""
    if enforce_policy:
        check_password_policy(new, user.email)
    user.password_hash = hash_password(new)
    user.must_change_password = actor is None or actor.id != user.id
    user.rotate_session_token()
    audit.record("user.password_reset", "user", user.id, None, actor=actor)
    tokens.revoke_all(user, actor)  # a reset password: the account's tokens stop as well


def update_user(user: User, *, actor: User, name: str, email: str, is_admin: bool,
                active: bool) -> None:
    email = normalise_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise InvalidInput(_("Er bestaat al een account met dit e-mailadres."), "email")
    if user.id == actor.id and (not active or not is_admin):
        raise InvalidInput(_("U kunt uw eigen beheerrechten of account niet uitschakelen."))
    changed = audit.apply_changes(
        user, {"name": name, "email": email, "is_admin": is_admin, "active": active},
        action="user.update", object_type="user", project_id=None, actor=actor,
    )
    if changed.keys() & {"active", "is_admin", "email"}:
        # Ends the user's current sessions: a deactivated account is out at once.
        user.rotate_session_token()
    if "active" in changed and not active:
        tokens.revoke_all(user, actor)  # and its tokens stay dead when it comes back


def update_account(user: User, *, actor: User, expected_version: int, name: str, email: str,
                   is_admin: bool, active: bool, specialisms: list[str], password: str,
                   functions: list[str] = ()) -> None:
    """An administrator's edit of an account in one go; a stale form is refused first."""
    check_version(user, expected_version)
    update_user(user, actor=actor, name=name, email=email, is_admin=is_admin, active=active)
    set_specialisms(user, specialisms, actor=actor)
    set_functions(user, list(functions), actor=actor)
    if password:
        set_password(user, password, actor=actor)


def set_specialisms(user: User, roles: list[str], *, actor: User) -> None:
    """The specialist roles the administrator registered this person for."""

    _set_known(user, "specialisms", SPECIALIST_ROLES, roles, actor)


def set_functions(user: User, functions: list[str], *, actor: User) -> None:
    """The organisation's tasks beyond the projects (the archivist) this person has."""

    _set_known(user, "functions", OrgFunction, functions, actor)


def _set_known(user: User, column: str, known, chosen: list[str], actor: User) -> None:
    """Keep of ``chosen`` the values ``known`` has, in its order; audited as user.<column>."""
    values = [member.value for member in known if member.value in chosen]
    audit.apply_changes(user, {column: values}, action=f"user.{column}",
                        object_type="user", project_id=None, actor=actor)


def end_sessions(user: User, *, actor: User) -> None:
    """Sign the user out everywhere: every session cookie carries the old token."""

    user.rotate_session_token()
    audit.record("user.sessions_end", "user", user.id, None, actor=actor)
    tokens.revoke_all(user, actor)  # a suspected account stops on the API too


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
