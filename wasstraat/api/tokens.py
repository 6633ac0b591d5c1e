"""Personal access tokens, and OAuth 2 bearer tokens of the single sign-on provider.

A personal token is made by its person on their account page: named, with an expiry, shown
once. Only its SHA-256 is stored: the token is 256 random bits, so a fast hash is enough to
make a stolen database useless (a password needs a slow one; this is no password). Making and
revoking one is in the audit trail; ending someone's sessions or deactivating them stops
their tokens too.

Where single sign-on is configured, a JSON Web Token from the same provider is accepted as
well: its signature against the provider's published keys, its issuer, audience
(``WASSTRAAT_OIDC_API_AUDIENCE``, by default the client id) and expiry are checked, and it
acts as the person linked to its issuer and subject, never by e-mail address.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update

from .. import audit
from ..auth import sso
from ..database import write_apart
from ..errors import WorkflowError
from ..extensions import db
from ..forms import choices
from ..models import ApiToken, ExternalIdentity, User, utcnow

PREFIX = "wst_"
LIFETIMES_DAYS = (30, 90, 180, 365)
MAX_PER_PERSON = 20
# last_used_at is written at most this often, not on every call.
USE_RESOLUTION = timedelta(minutes=5)
KEY_REFRESH_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]


class TokenRefused(Exception):
    """Why a presented token does not let its caller in (shown in the 401's detail)."""


@dataclass(frozen=True)
class Caller:
    user: User
    key: str  # whom the rate limit counts: a token's id, or the provider's subject
    token: ApiToken | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for this person; returns the row and the token, which is never shown
    again."""

    if days not in LIFETIMES_DAYS:
        raise WorkflowError(_("Kies een van de aangeboden geldigheidsduren."))
    usable = [t for t in tokens_of(user) if t.usable(utcnow())]
    if len(usable) >= MAX_PER_PERSON:
        raise WorkflowError(_("U heeft al %(count)d geldige tokens. Trek er eerst een in.",
                              count=MAX_PER_PERSON))
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip(), token_hash=digest(token),
                   hint=token[:len(PREFIX) + 4], expires_at=utcnow() + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.create", "api_token", row.id, None, actor=user,
                 after={"name": row.name, "hint": row.hint,
                        "expires_at": row.expires_at.isoformat()})
    return row, token


def revoke(row: ApiToken, actor: User) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    audit.record("api_token.revoke", "api_token", row.id, None, actor=actor,
                 after={"name": row.name, "hint": row.hint})


def revoke_all(user: User, actor: User) -> int:
    """Every usable token of this person stops (their sessions ended, or deactivated)."""
    now = utcnow()
    ids = list(db.session.scalars(select(ApiToken.id).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)))
    if ids:
        db.session.execute(update(ApiToken).where(ApiToken.id.in_(ids)).values(revoked_at=now))
        audit.record("api_token.revoke_all", "user", user.id, None, actor=actor,
                     after={"tokens": len(ids)})
    return len(ids)


def authenticate(presented: str) -> Caller:
    if presented.startswith(PREFIX):
        return _personal(presented)
    if current_app.config.get("OIDC_METADATA_URL") and presented.count(".") == 2:
        return _provider(presented)
    raise TokenRefused(_("Onbekend token."))


def _usable_user(user: User) -> User:
    if not user.active:
        raise TokenRefused(_("Dit account is gedeactiveerd."))
    if user.must_change_password:
        raise TokenRefused(_("Dit account moet eerst een nieuw wachtwoord kiezen."))
    return user


def _personal(presented: str) -> Caller:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(presented)))
    now = utcnow()
    if row is None:
        raise TokenRefused(_("Onbekend token."))
    if row.revoked_at is not None:
        raise TokenRefused(_("Dit token is ingetrokken."))
    if now >= row.expires_at:
        raise TokenRefused(_("Dit token is verlopen."))
    user = _usable_user(db.session.get(User, row.user_id))
    caller = Caller(user, f"token:{row.id}", row)
    if row.last_used_at is None or now - row.last_used_at >= USE_RESOLUTION:
        write_apart(db.session, lambda: db.session.execute(
            update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)))
    return caller


def _key_set(force: bool = False) -> KeySet:
    client = sso.client()
    return KeySet.import_key_set(client.fetch_jwk_set(force=force))


def _decode(presented: str) -> Any:
    try:
        return jwt.decode(presented, _key_set(), algorithms=SIGNING_ALGORITHMS)
    except (JoseError, ValueError):
        # A key the cached set does not know yet: the provider may have rolled its keys. At
        # most once a minute, so that bad tokens cannot make us hammer the provider.
        state = current_app.extensions.setdefault("wasstraat_jwks", {"fetched": 0.0})
        if time.monotonic() - state["fetched"] < KEY_REFRESH_SECONDS:
            raise
        state["fetched"] = time.monotonic()
        return jwt.decode(presented, _key_set(force=True), algorithms=SIGNING_ALGORITHMS)


def _provider(presented: str) -> Caller:
    try:
        token = _decode(presented)
        issuer = sso.client().load_server_metadata()["issuer"]
        audience = (current_app.config.get("OIDC_API_AUDIENCE")
                    or current_app.config["OIDC_CLIENT_ID"])
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": issuer},
                              aud={"essential": True, "value": audience},
                              exp={"essential": True},
                              sub={"essential": True}).validate(token.claims)
    except sso.PROVIDER_ERRORS as error:
        raise TokenRefused(_("Het token van de identiteitsprovider is ongeldig of verlopen."
                             )) from error
    identity = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == token.claims["iss"],
        ExternalIdentity.subject == str(token.claims["sub"])))
    if identity is None:
        raise TokenRefused(_("Aan deze identiteit is geen Wasstraat-account gekoppeld."))
    subject = hashlib.sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()
    return Caller(_usable_user(identity.user), f"sso:{subject[:40]}")


def expiry_choices():
    from flask_babel import ngettext


    return choices((days, ngettext("%(num)d dag", "%(num)d dagen", days))
                   for days in LIFETIMES_DAYS)


def describe_state(row: ApiToken, now: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if now >= row.expires_at else "active"
