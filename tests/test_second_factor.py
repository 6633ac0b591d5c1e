"""The second factor (checklist A-7): TOTP with QR enrolment and recovery codes, required for
administrators (or everyone), codes single-use within ±30 s, attempts limited."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from conftest import PASSWORD, login

from wasstraat import create_app
from wasstraat.auth import mfa
from wasstraat.auth.session import PENDING
from wasstraat.config import ConfigError
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, User


def enrol(client, user: User) -> tuple[str, list[str]]:
    """Set up the second factor through the pages, as the user would; the secret and codes."""
    assert client.post("/account/second-factor/begin").status_code == 303
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code
    secret = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")
    response = client.post("/account/second-factor/confirm",
                           data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.data[:300]
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", response.get_data(as_text=True))
    return secret, codes


@pytest.fixture
def enrolled(make_client, create_user) -> tuple[User, str, list[str]]:
    """Someone who set up the second factor (in another browser): them, the secret, the codes."""
    user = create_user()
    first = make_client()
    login(first, user)
    secret, codes = enrol(first, user)
    return user, secret, codes


def sign_in(client, user: User, code: str | None):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].startswith("/login/code")
    return client.post("/login/code", data={"code": code}) if code is not None else response


def code_at(secret: str, seconds_from_now: float) -> str:
    return pyotp.TOTP(secret).at(time.time() + seconds_from_now)


def test_enrolment_shows_a_qr_code_and_a_key_and_needs_a_first_code(client, create_user):
    user = create_user()
    login(client, user)
    assert client.post("/account/second-factor/begin").status_code == 303
    wrong = client.post("/account/second-factor/confirm", data={"code": "000000"})
    assert wrong.status_code == 422 and "klopt niet" in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.has_second_factor
    secret = user.totp_secret
    response = client.post("/account/second-factor/confirm",
                           data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.has_second_factor


def test_signing_in_needs_the_code_after_the_password(make_client, enrolled):
    user, secret, _ = enrolled
    browser = make_client()
    sign_in(browser, user, None)
    assert browser.get("/").status_code == 302  # the password alone opens nothing
    response = browser.post("/login/code", data={"code": code_at(secret, 30)})
    assert response.status_code == 302 and browser.get("/").status_code == 200
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="auth.login")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after == {"second_factor": "totp"}


def test_a_code_works_once(make_client, enrolled):
    user, secret, _ = enrolled
    code = code_at(secret, 30)
    assert sign_in(make_client(), user, code).status_code == 302
    again = sign_in(make_client(), user, code)
    assert again.status_code == 401 and "al gebruikt" in again.get_data(as_text=True)


def test_codes_are_accepted_thirty_seconds_either_side_and_no_further(create_user):
    user = create_user()
    user.totp_secret = pyotp.random_base32()
    now = 1_800_000_015.0  # 15 s into a time step
    totp = pyotp.TOTP(user.totp_secret)
    assert not mfa.use_totp(user, totp.at(now - 60), now=now)
    assert not mfa.use_totp(user, totp.at(now + 60), now=now)
    assert mfa.use_totp(user, totp.at(now - 30), now=now)
    assert mfa.use_totp(user, totp.at(now), now=now)
    assert not mfa.use_totp(user, totp.at(now - 30), now=now)  # an older step after a newer one
    assert mfa.use_totp(user, totp.at(now + 30), now=now)
    assert not mfa.use_totp(user, totp.at(now + 30), now=now)


def test_a_recovery_code_signs_in_once(make_client, enrolled):
    user, _, codes = enrolled
    browser = make_client()
    response = sign_in(browser, user, codes[3].upper().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert "nog 9 over" in browser.get("/").get_data(as_text=True)
    assert sign_in(make_client(), user, codes[3]).status_code == 401


def test_wrong_codes_are_limited_per_account_with_a_clear_message(make_client, enrolled):
    user, secret, _ = enrolled
    browser = make_client()
    sign_in(browser, user, None)
    for _ in range(5):
        assert browser.post("/login/code", data={"code": "123456"}).status_code == 401
    response = browser.post("/login/code", data={"code": code_at(secret, 30)})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    # Counted in the database: another browser (or app process) is held back too.
    assert sign_in(make_client(), user, code_at(secret, 30)).status_code == 429


def test_the_code_step_expires_after_five_minutes(client, enrolled):
    user, secret, _ = enrolled
    sign_in(client, user, None)
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "at": time.time() - 301}
    response = client.post("/login/code", data={"code": code_at(secret, 30)})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_without_a_pending_password_the_code_page_sends_to_login(client):
    assert client.get("/login/code").status_code == 303
    assert client.post("/login/code", data={"code": "123456"}).status_code == 303


@pytest.mark.parametrize("policy", ["admins", "everyone"])
def test_who_must_have_a_second_factor_reaches_nothing_before_enrolling(
        app, client, create_user, policy):
    app.config["MFA_REQUIRED"] = policy
    admin, colleague = create_user(admin=True), create_user()
    login(client, admin)
    for path in ("/", "/admin/users", "/admin/audit", "/tasks"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/account/second-factor"
    assert "verplicht" in client.get("/account/second-factor").get_data(as_text=True)
    enrol(client, admin)
    assert client.get("/admin/users").status_code == 200

    other = app.test_client()
    login(other, colleague)
    expected = 303 if policy == "everyone" else 200
    assert other.get("/").status_code == expected


def test_a_required_second_factor_cannot_be_switched_off(app, client, create_user):
    app.config["MFA_REQUIRED"] = "admins"
    admin = create_user(admin=True)
    login(client, admin)
    secret, _ = enrol(client, admin)
    assert 'action="/account/second-factor/off"' not in client.get(
        "/account/second-factor").get_data(as_text=True)
    response = client.post("/account/second-factor/off", data={"off-code": code_at(secret, 30)})
    assert response.status_code == 403
    db.session.refresh(admin)
    assert admin.has_second_factor


def test_an_optional_second_factor_is_switched_off_with_a_current_code(client, create_user):
    user = create_user()
    login(client, user)
    secret, _ = enrol(client, user)
    assert client.post("/account/second-factor/off",
                       data={"off-code": "000000"}).status_code == 422
    response = client.post("/account/second-factor/off", data={"off-code": code_at(secret, 30)})
    assert response.status_code == 303
    db.session.refresh(user)
    assert not user.has_second_factor and user.totp_secret is None


def test_new_recovery_codes_replace_the_old_ones(client, make_client, create_user):
    user = create_user()
    login(client, user)
    secret, old_codes = enrol(client, user)
    response = client.post("/account/second-factor/recovery-codes",
                           data={"renew-code": code_at(secret, 30)})
    new_codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>",
                           response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert sign_in(make_client(), user, old_codes[0]).status_code == 401
    assert sign_in(make_client(), user, new_codes[0]).status_code == 302


def test_an_administrator_wipes_a_lost_second_factor_and_ends_the_sessions(
        login_as, make_client, create_user):
    user, admin = create_user(), create_user(admin=True)
    user_client = login_as(user)
    enrol(user_client, user)
    admin_client = login_as(admin)
    assert f"/admin/users/{user.id}/second-factor/reset" in admin_client.get(
        f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert admin_client.post(f"/admin/users/{user.id}/second-factor/reset").status_code == 303
    assert user_client.get("/").status_code == 302
    db.session.refresh(user)
    assert not user.has_second_factor
    login(make_client(), user)  # a password alone again, until re-enrolled
    assert db.session.scalars(db.select(AuditEvent).filter_by(action="user.mfa_reset")).one()
    assert admin_client.post(f"/admin/users/{admin.id}/second-factor/reset").status_code == 403


def test_the_secret_and_the_codes_never_reach_the_audit_trail(client, make_client, create_user):
    user = create_user()
    login(client, user)
    secret, codes = enrol(client, user)
    sign_in(make_client(), user, codes[0])
    sign_in(make_client(), user, "654321")
    dump = " ".join(str((e.before, e.after)) for e in db.session.scalars(db.select(AuditEvent)))
    assert secret not in dump and not any(code in dump for code in codes)
    assert "654321" not in dump


def test_production_refuses_to_run_without_a_second_factor_for_administrators(monkeypatch):
    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "q3J9vX0kLr7W_bTz5mNa2Yc8GdHf4Es1UoPi6KwRlQxVjZt-Ae0B_nSy9DhMgFu7")
    monkeypatch.setenv("WASSTRAAT_MFA_REQUIRED", "nobody")
    with pytest.raises(ConfigError):
        create_app()
