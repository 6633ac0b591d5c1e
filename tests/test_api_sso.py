"""The API with OAuth 2 bearer tokens of the municipality's identity provider (a real
provider on loopback that signs real tokens): signature, issuer, audience and expiry checked,
and the token acts as the person linked to its subject."""

from __future__ import annotations

import time

import pytest
from joserfc.jwk import RSAKey
from test_sso import app_config, provider  # noqa: F401 - fixtures: the same provider

from wasstraat.extensions import db
from wasstraat.models import ExternalIdentity, utcnow
from wasstraat.workflow import Role


@pytest.fixture
def linked(create_project, provider):
    team = create_project()
    db.session.add(ExternalIdentity(user=team[Role.SPONSOR], issuer=provider.url,
                                    subject=provider.person["sub"], linked_at=utcnow()))
    db.session.commit()
    return team


def ask(client, token: str):
    return client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"})


def test_a_provider_token_acts_as_the_linked_person(client, provider, linked):
    response = ask(client, provider.access_token())
    assert response.status_code == 200
    assert [p["id"] for p in response.json["items"]] == [linked.project.id]


@pytest.mark.parametrize("claims", [
    {"aud": "another-application"},
    {"iss": "https://elders.example"},
    {"exp": int(time.time()) - 10},
    {"exp": None},
    {"sub": "someone-not-linked"},
    {"aud": None},
    {"iss": None},
    {"sub": None},
], ids=["audience", "issuer", "expired", "no-expiry", "unlinked", "no-audience", "no-issuer",
        "no-subject"])
def test_a_provider_token_that_is_not_for_us_is_refused(client, provider, linked, claims):
    # A link made under another issuer (an earlier provider) must not make its tokens count.
    db.session.add(ExternalIdentity(user=linked[Role.SPONSOR], issuer="https://elders.example",
                                    subject=provider.person["sub"], linked_at=utcnow()))
    db.session.commit()
    refused = ask(client, provider.access_token(**claims))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"


def test_a_token_signed_with_another_key_is_refused(client, provider, linked):
    forger = RSAKey.generate_key(2048, parameters={"kid": "test", "alg": "RS256"})
    assert ask(client, provider.access_token(key=forger)).status_code == 401


def test_without_single_sign_on_a_jwt_is_no_credential(make_app, provider, linked):
    app = make_app(TESTING=True, OIDC_METADATA_URL="")
    assert ask(app.test_client(), provider.access_token()).status_code == 401


def test_a_rolled_key_is_fetched_again_at_most_once_a_minute(client, provider, linked):
    assert ask(client, provider.access_token()).status_code == 200  # the key set is cached

    def roll() -> None:
        provider.key = provider.signing_key = RSAKey.generate_key(
            2048, parameters={"kid": "test", "alg": "RS256", "use": "sig"})

    roll()  # the provider signs with a new key: the app fetches the set again, once
    assert ask(client, provider.access_token()).status_code == 200
    roll()  # again within the minute: not fetched, so refused for now
    assert ask(client, provider.access_token()).status_code == 401
    client.application.extensions["wasstraat_jwks"]["fetched"] -= 61  # a minute later
    assert ask(client, provider.access_token()).status_code == 200
