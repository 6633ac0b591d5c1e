"""Failed sign-ins limited, counted in the database so the limits hold across every app
process behind the load balancer.

Each purpose (the password, the second factor) has its own key space: a key is the HMAC of a
structured value (purpose, kind, values), so nothing typed into one form can name a key of
another. Keys are stored as keyed hashes, never as typed e-mail or IP addresses: what someone
typed may be a password in the wrong field.

The limits, within a 15-minute window:
- one account from one address: 5 failures, then that pair waits;
- one account from all addresses: 20 failures, then the account waits (a spread-out guess);
- one address over all accounts: never a lock-out (an office shares one address), but after 10
  failures each next attempt from it waits a little longer (2, 4, 8 ... up to 60 seconds).

Checking and counting happen under a lock per account (PostgreSQL: an advisory lock for the
transaction; SQLite: the write lock a POST takes), so parallel attempts cannot overrun a limit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, func, select

from ..database import lock_until_commit
from ..extensions import db
from ..models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = 5
PER_ACCOUNT = 20
SLOW_DOWN_AFTER = 10  # failures from one address before it is slowed down
LONGEST_PAUSE = timedelta(seconds=60)


class Purpose(StrEnum):
    PASSWORD = "password"  # noqa: S105  # nosec B105 (a purpose, not a secret)
    SECOND_FACTOR = "second-factor"


@dataclass(frozen=True)
class Keys:
    account: str
    account_address: str
    address: str


def _digest(*parts: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    value = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(secret, value, hashlib.sha256).hexdigest()


def keys(purpose: Purpose, subject: str, address: str | None) -> Keys:
    """The keys of one attempt: ``subject`` is the typed e-mail address (password) or the
    account id (second factor)."""
    subject, address = subject.strip().lower(), address or "-"
    return Keys(_digest(purpose.value, "account", subject),
                _digest(purpose.value, "account-address", subject, address),
                _digest(purpose.value, "address", address))


def lock(found: Keys) -> None:
    """Hold the account's attempts in line until the transaction ends (the lock's key: the
    account key's first 60 bits, a positive bigint)."""
    lock_until_commit(db.session, int(found.account[:15], 16))


def _failures(key: str, since) -> tuple[int, object]:
    count, latest, oldest = db.session.execute(
        select(func.count(), func.max(LoginFailure.failed_at), func.min(LoginFailure.failed_at))
        .where(LoginFailure.key == key, LoginFailure.failed_at > since)).one()
    return count, (oldest, latest)


def _aware(moment, like):
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def blocked_for(found: Keys) -> timedelta | None:
    """How long this attempt must still wait, or None when it may go ahead."""
    now = utcnow()
    since = now - WINDOW
    for key, limit in ((found.account_address, PER_ACCOUNT_AND_ADDRESS),
                       (found.account, PER_ACCOUNT)):
        count, (oldest, _latest) = _failures(key, since)
        if count >= limit:
            return _aware(oldest, now) + WINDOW - now
    count, (_oldest, latest) = _failures(found.address, since)
    if count >= SLOW_DOWN_AFTER:
        pause = min(timedelta(seconds=2 ** (count - SLOW_DOWN_AFTER + 1)), LONGEST_PAUSE)
        wait = _aware(latest, now) + pause - now
        if wait > timedelta(0):
            return wait
    return None


def record_failure(found: Keys) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW))
    db.session.add_all([LoginFailure(key=key, failed_at=now)
                        for key in (found.account, found.account_address, found.address)])
    db.session.flush()


def record_address_failure(purpose: Purpose, address: str | None) -> None:
    """A sign-in refused before any account was named (not an e-mail address at all): it
    counts for the address, so sending junk is slowed down like guessing."""
    now = utcnow()
    db.session.add(LoginFailure(key=keys(purpose, "", address).address, failed_at=now))
    db.session.flush()


def clear_account(found: Keys) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.key.in_([found.account, found.account_address])))
