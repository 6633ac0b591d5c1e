"""Single sign-on through the municipality's identity provider (OpenID Connect, Authlib).

Optional: on when ``WASSTRAAT_OIDC_METADATA_URL`` is set. Use the tenant-specific metadata
(Entra ID: ``https://login.microsoftonline.com/<tenant-id>/v2.0/.well-known/openid-
configuration``; Keycloak: ``https://<host>/realms/<realm>/.well-known/openid-configuration``);
the multi-tenant endpoints are refused, because their issuer cannot be checked. Authlib checks
the ID token's signature (the provider's published keys), issuer, audience, expiry and nonce,
and the state parameter against the one in this person's session.

A person is the pair issuer + subject, never an e-mail address: the first sign-in links to an
existing account only when an administrator allowed that account to be linked, and only when
the provider vouches for the same e-mail address. Roles stay in Wasstraat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from flask_babel import gettext as _
from joserfc.errors import JoseError
from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import ExternalIdentity, User, utcnow

PROVIDER = "municipality"
MULTI_TENANT = ("/common/", "/organizations/", "/consumers/")
# What a failed exchange with the provider raises: a state or nonce that does not match, a
# token that does not verify (issuer, audience, expiry, signature), the provider unreachable.
PROVIDER_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError, KeyError)
# Authentication methods (RFC 8176) that count as a second factor done at the provider.
MFA_METHODS = {"mfa", "otp", "hwk", "swk", "fido", "sms"}


class SsoRefused(Exception):
    """The provider's answer does not let this person in; the message says why (in Dutch)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message, self.reason = message, reason


@dataclass(frozen=True)
class SignedIn:
    user: User
    second_factor_done: bool


def configured() -> bool:
    return bool(current_app.config.get("OIDC_METADATA_URL"))


def init_sso(app: Flask) -> None:
    url = app.config.get("OIDC_METADATA_URL")
    if not url:
        return
    # One registry per app: Authlib caches the provider's metadata in its clients.
    oauth = OAuth(app)
    app.extensions["wasstraat_sso"] = oauth
    oauth.register(PROVIDER, server_metadata_url=url,
                   client_id=app.config["OIDC_CLIENT_ID"],
                   client_secret=app.config["OIDC_CLIENT_SECRET"],
                   client_kwargs={"scope": "openid email profile"})


def client() -> Any:
    return current_app.extensions["wasstraat_sso"].create_client(PROVIDER)


def claims_options() -> dict[str, Any]:
    """The ID token must come from the configured issuer and be meant for this application.

    Authlib checks the issuer by itself, but the audience only through ``azp``; a token meant
    for another application that names us as authorised party would pass. So both are given.
    """
    issuer = client().load_server_metadata()["issuer"]
    return {"iss": {"essential": True, "values": [issuer]},
            "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]}}


def sign_in(userinfo: dict[str, Any]) -> SignedIn:
    """The account for these verified ID-token claims, linking it the first time if allowed."""
    issuer, subject = str(userinfo.get("iss", "")), str(userinfo.get("sub", ""))
    if not issuer or not subject:
        raise SsoRefused(_("De identiteitsprovider gaf geen geldige identiteit terug."),
                         "no_subject")
    identity = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))
    if identity is None:
        identity = _link_first_time(issuer, subject, userinfo)
    user = identity.user
    if not user.active:
        raise SsoRefused(_("Dit account is gedeactiveerd. Vraag de beheerder om hulp."),
                         "inactive")
    methods = set(userinfo.get("amr") or [])
    return SignedIn(user, second_factor_done=bool(methods & MFA_METHODS))


def _link_first_time(issuer: str, subject: str, userinfo: dict[str, Any]) -> ExternalIdentity:
    email = str(userinfo.get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if (user is None or not user.sso_link_allowed or userinfo.get("email_verified") is False):
        raise SsoRefused(_(
            "Er is nog geen Wasstraat-account aan uw organisatie-account gekoppeld. Vraag de "
            "beheerder om koppelen toe te staan; daarna kunt u hier inloggen."), "not_linked")
    identity = ExternalIdentity(user=user, issuer=issuer, subject=subject,
                                linked_at=utcnow())
    db.session.add(identity)
    user.sso_link_allowed = False  # once: a second identity needs a new permission
    db.session.flush()
    audit.record("user.sso_linked", "user", user.id, None, actor=user,
                 after={"issuer": issuer})
    return identity


def allow_link(user: User, *, actor: User) -> None:
    user.sso_link_allowed = True
    audit.record("user.sso_link_allowed", "user", user.id, None, actor=actor)


def identities(user: User) -> list[ExternalIdentity]:
    return list(db.session.scalars(select(ExternalIdentity).where(
        ExternalIdentity.user_id == user.id).order_by(ExternalIdentity.id)))


def record_refusal(reason: str) -> None:
    audit.record("auth.sso_failed", "user", None, None, result="denied",
                 after={"reason": reason})
