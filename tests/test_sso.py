"""Single sign-on (OpenID Connect) against a real provider on loopback that signs real ID
tokens: a person is issuer + subject, linked once with an administrator's permission; a token
from another issuer, for another audience, expired, badly signed, or a replayed state or nonce
is refused."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from conftest import needs_chromium
from joserfc.jwk import RSAKey
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

from wasstraat.config import ConfigError, check_oidc_metadata_url
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, ExternalIdentity, User


@pytest.fixture
def provider() -> Iterator[Provider]:
    with Provider() as running:
        yield running


@pytest.fixture
def app_config(provider: Provider) -> dict:
    return {"WTF_CSRF_ENABLED": False, "OIDC_METADATA_URL": provider.metadata_url,
            "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_LABEL": "het Gemeente Voorbeeld-account"}


@pytest.fixture
def colleague(create_user, login_as, provider: Provider) -> User:
    """An account whose first single sign-on an administrator allowed."""
    user = create_user("Fatima El Amrani", email=provider.person["email"])
    admin = login_as(create_user(admin=True))
    assert admin.post(f"/admin/users/{user.id}/sso/allow").status_code == 303
    return user


def to_provider_and_back(client) -> str:
    """Start at the login page's button, let the provider approve; the callback address."""
    start = client.get("/login/sso")
    assert start.status_code == 302 and start.headers["Location"].startswith("http://127.0.0.1")
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    return f"{back.path}?{back.query}"


def sso_login(client):
    return client.get(to_provider_and_back(client))


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_the_login_page_offers_single_sign_on(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/sso"' in page and "Inloggen met het Gemeente Voorbeeld-account" in page


def test_a_first_sign_in_links_the_account_the_administrator_allowed(client, colleague,
                                                                     provider):
    response = sso_login(client)
    assert response.status_code == 302 and signed_in(client)
    identity = db.session.scalars(db.select(ExternalIdentity)).one()
    assert (identity.user_id, identity.issuer, identity.subject) == (
        colleague.id, provider.url, provider.person["sub"])
    db.session.refresh(colleague)
    assert not colleague.sso_link_allowed  # the permission is used up
    login_event = db.session.scalars(db.select(AuditEvent).filter_by(action="auth.login")
                                     .order_by(AuditEvent.id.desc())).first()
    assert login_event.actor_id == colleague.id and login_event.after == {"method": "sso"}


def test_the_person_is_the_subject_never_the_email_address(make_client, colleague, provider):
    assert sso_login(make_client()).status_code == 302
    # The provider changes the e-mail address: still the same person.
    provider.person = {**provider.person, "email": "fatima@nieuw.example"}
    client = make_client()
    assert sso_login(client).status_code == 302 and signed_in(client)
    # Someone else at the provider with the linked person's e-mail address: not let in.
    provider.person = {**provider.person, "sub": "iemand-anders",
                       "email": colleague.email}
    intruder = make_client()
    response = sso_login(intruder)
    assert response.status_code == 403 and not signed_in(intruder)


def test_without_the_administrators_permission_there_is_no_link(client, create_user, provider):
    create_user("Fatima El Amrani", email=provider.person["email"])
    response = sso_login(client)
    assert response.status_code == 403
    assert "Vraag de beheerder om koppelen toe te staan" in response.get_data(as_text=True)
    assert not signed_in(client) and db.session.scalar(
        db.select(db.func.count(ExternalIdentity.id))) == 0
    refused = db.session.scalars(db.select(AuditEvent).filter_by(action="auth.sso_failed")).one()
    assert refused.result == "denied" and refused.after == {"reason": "not_linked"}


def refusal_reason() -> str:
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="auth.sso_failed")
                               .order_by(AuditEvent.id.desc())).first()
    return event.after["reason"]


@pytest.mark.parametrize(("claims", "reason"), [
    ({"iss": "https://login.evil.example/"}, "InvalidClaimError"),
    ({"aud": "another-application"}, "InvalidClaimError"),
    ({"aud": ["another-application"], "azp": CLIENT_ID}, "InvalidClaimError"),
    ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}, "ExpiredTokenError"),
    ({"nonce": "a-nonce-from-another-sign-in"}, "InvalidClaimError"),
], ids=["another issuer", "another audience", "another audience naming us as azp", "expired",
     "a replayed nonce"])
def test_a_token_that_does_not_hold_is_refused(client, colleague, provider, claims, reason):
    provider.tamper = claims
    response = sso_login(client)
    assert response.status_code == 400
    assert "niet gelukt" in response.get_data(as_text=True)
    assert refusal_reason() == reason
    assert not signed_in(client)
    assert db.session.scalar(db.select(db.func.count(ExternalIdentity.id))) == 0


def test_a_token_signed_with_another_key_is_refused(client, colleague, provider):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test"})
    assert sso_login(client).status_code == 400 and not signed_in(client)
    assert refusal_reason() == "BadSignatureError"


def test_a_replayed_callback_is_refused(client, make_client, colleague):
    callback = to_provider_and_back(client)
    assert client.get(callback).status_code == 302
    client.post("/logout")
    assert client.get(callback).status_code == 400  # the state was used up
    assert refusal_reason() == "MismatchingStateError"
    stranger = make_client()
    assert stranger.get(callback).status_code == 400  # no state of theirs at all
    assert not signed_in(stranger)


def test_a_second_factor_at_the_provider_counts_otherwise_ours_is_asked(make_client, colleague,
                                                                        provider):
    from wasstraat.auth import mfa
    from wasstraat.models import utcnow

    colleague.totp_secret, colleague.totp_confirmed_at = mfa.pyotp.random_base32(), utcnow()
    db.session.commit()
    without = make_client()
    response = sso_login(without)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login/code")
    assert not signed_in(without)
    provider.person = {**provider.person, "amr": ["pwd", "mfa"]}
    with_mfa = make_client()
    assert sso_login(with_mfa).status_code == 302 and signed_in(with_mfa)


def test_a_deactivated_account_cannot_sign_in_through_the_provider(make_client, colleague,
                                                                   login_as, create_user):
    assert sso_login(make_client()).status_code == 302
    colleague.active = False
    db.session.commit()
    client = make_client()
    assert sso_login(client).status_code == 403 and not signed_in(client)


def test_only_administrators_allow_a_link(login_as, create_user, provider):
    user, other = create_user(), create_user()
    assert login_as(other).post(f"/admin/users/{user.id}/sso/allow").status_code == 403
    db.session.refresh(user)
    assert not user.sso_link_allowed


@pytest.mark.parametrize("url", [
    "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
])
def test_the_multi_tenant_endpoint_is_refused(monkeypatch, url):
    monkeypatch.setenv("WASSTRAAT_OIDC_CLIENT_ID", CLIENT_ID)
    with pytest.raises(ConfigError):
        check_oidc_metadata_url(url, production=False)
    tenant = "https://login.microsoftonline.com/4f1c-tenant/v2.0/.well-known/openid-configuration"
    check_oidc_metadata_url(tenant, production=True)
    with pytest.raises(ConfigError):
        check_oidc_metadata_url("http://keycloak.example/realms/x/.well-known/openid-configuration",
                                production=True)


def test_without_configuration_there_is_no_single_sign_on(make_app):
    client = make_app(WTF_CSRF_ENABLED=False, OIDC_METADATA_URL="").test_client()
    assert 'href="/login/sso"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").headers["Location"] == "/login"
    assert client.get("/login/sso/callback?code=x&state=y").headers["Location"] == "/login"


@pytest.fixture
def browser_to_provider(request, provider: Provider) -> None:
    request.node.allowed_origins = [provider.url]


@needs_chromium
def test_single_sign_on_in_a_real_browser(browser_to_provider, page, colleague,
                                          provider):
    """The button, the provider, back signed in; the login and refusal pages pass axe."""
    from playwright.sync_api import expect
    from test_browser import axe_violations

    email = colleague.email
    db.session.commit()
    page.goto("/login")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Inloggen met het Gemeente Voorbeeld-account").click()
    expect(page.get_by_role("heading", name=re.compile("^Welkom"))).to_be_visible()
    assert email
    page.get_by_role("button", name="Uitloggen").click()
    provider.tamper = {"aud": "another-application"}
    page.get_by_role("link", name="Inloggen met het Gemeente Voorbeeld-account").click()
    expect(page.get_by_role("heading", name="Inloggen niet gelukt")).to_be_visible()
    assert axe_violations(page) == []
