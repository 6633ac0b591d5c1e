"""Failed sign-ins limited per account and per address, counted in the database so the limit
holds across every app process behind the load balancer.

Keys are stored as keyed hashes (HMAC with the app's secret), not as typed e-mail addresses
or IP addresses: what someone typed may be a password in the wrong field.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures per account within the window
PER_ADDRESS = 20  # failures from one address within the window (many accounts tried)


@dataclass(frozen=True)
class Keys:
    account: str
    address: str


def keys(email: str, address: str | None) -> Keys:
    secret = current_app.config["SECRET_KEY"].encode()

    def digest(kind: str, value: str) -> str:
        return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    return Keys(digest("account", email.strip().lower()), digest("address", address or "-"))


def blocked_for(found: Keys) -> timedelta | None:
    """How long this account or address must still wait, or None when it may try."""
    since = utcnow() - WINDOW
    for key, limit in ((found.account, PER_ACCOUNT), (found.address, PER_ADDRESS)):
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginFailure.failed_at))
            .where(LoginFailure.key == key, LoginFailure.failed_at > since)).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=since.tzinfo)
            return oldest + WINDOW - utcnow()
    return None


def record_failure(found: Keys) -> None:
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW))
    db.session.add_all([LoginFailure(key=found.account, failed_at=now),
                        LoginFailure(key=found.address, failed_at=now)])
    db.session.flush()


def clear_account(found: Keys) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == found.account))
