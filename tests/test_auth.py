"""Signing in and out, passwords and sessions, as a security officer would test them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import PASSWORD, login

from wasstraat import create_app
from wasstraat.auth import passwords
from wasstraat.config import ConfigError
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, User


def session_cookie(client) -> str:
    cookie = client.get_cookie("wasstraat")
    assert cookie is not None
    return cookie.value


def test_login_with_the_right_password_opens_the_dashboard(client, create_user):
    user = create_user("Sanne Bakker")
    response = login(client, user)
    assert response.headers["Location"] == "/"
    assert "Welkom, Sanne Bakker" in client.get("/").get_data(as_text=True)


def test_email_is_matched_without_regard_to_case_or_spaces(client, create_user):
    user = create_user(email="sanne@gemeente.example")
    response = client.post("/login", data={"email": "  Sanne@Gemeente.EXAMPLE ",
                                           "password": PASSWORD})
    assert response.status_code == 302
    assert user.last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(client, create_user):
    user = create_user()
    wrong = client.post("/login", data={"email": user.email, "password": "niet het wachtwoord"})
    unknown = client.post("/login", data={"email": "niemand@gemeente.example",
                                          "password": "niet het wachtwoord"})
    assert wrong.status_code == unknown.status_code == 401
    message = "Het e-mailadres of wachtwoord is onjuist."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    failures = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
    assert len(failures) == 2 and all(f.result == "denied" for f in failures)


def test_an_empty_login_form_is_refused_with_a_message_per_field(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.count("Dit veld is verplicht.") >= 2
    assert 'aria-invalid="true"' in body and 'aria-describedby="email-error"' in body


def test_a_deactivated_account_cannot_log_in(client, create_user):
    user = create_user()
    user.active = False
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example",
    "javascript:alert(1)",
])
def test_next_never_leaves_the_app(client, create_user, target):
    user = create_user()
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_next_inside_the_app_is_followed(client, create_user):
    user = create_user()
    response = client.post("/login", query_string={"next": "/tasks"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/tasks"


def test_pages_need_a_login_and_come_back_after_it(client):
    response = client.get("/tasks")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_session_changes_at_login(client, create_user):
    user = create_user()
    client.get("/login")
    before = client.get_cookie("wasstraat")
    login(client, user)
    after = session_cookie(client)
    assert before is None or before.value != after


def test_there_is_no_remember_me_cookie(client, create_user):
    """Sessions end with the browser; no long-lived login cookie is ever set (checklist S-8)."""
    response = login(client, create_user())
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any("remember" in c.lower() for c in cookies)
    assert all("expires" not in c.lower() and "max-age" not in c.lower() for c in cookies)


def test_a_cookie_copied_before_logout_no_longer_works(client, make_client, create_user):
    user = create_user()
    login(client, user)
    stolen = session_cookie(client)
    assert client.post("/logout").status_code == 302

    attacker = make_client()
    attacker.set_cookie("wasstraat", stolen)
    response = attacker.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(make_client, create_user):
    user = create_user()
    laptop, phone = make_client(), make_client()
    login(laptop, user)
    login(phone, user)
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "een heel nieuw en lang wachtwoord",
        "confirm_password": "een heel nieuw en lang wachtwoord"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    fresh = make_client()
    assert fresh.post("/login", data={"email": user.email,
                                      "password": "een heel nieuw en lang wachtwoord"}).status_code == 302


def test_changing_the_password_needs_the_current_one(client, create_user):
    user = create_user()
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": "fout", "new_password": "een heel nieuw en lang wachtwoord",
        "confirm_password": "een heel nieuw en lang wachtwoord"})
    assert response.status_code == 422
    assert "Het huidige wachtwoord klopt niet." in response.get_data(as_text=True)
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


@pytest.mark.parametrize(("new", "accepted"), [
    ("fiets naar hui", False),  # 14 characters
    ("fiets naar huis", True),  # 15: length is the rule, no composition rules
    ("paard batterij nietje correct " * 2, True),
    ("de kat van de buren zit elke ochtend op de schutting te kijken!!", True),  # 64
    ("regenboog " * 12 + "fietsje!", True),  # 128 characters
    ("ik ben de Projectleider van 2026", False),  # a role of the method
    ("mooie wasstraat in de zomer", False),  # the application's name
    ("gemeente voorbeeld 2026 !!", False),  # the organisation's name
    ("z" * 257, False),
    ("🚲🚲🚲 fiets naar het stadskantoor 🚲", True),
    ("  spaties tellen ook mee  ", True),
    ("Welkom2026!!!!!!", False),  # long enough, but first on every attacker's list
    ("wachtwoordwachtwoord", False),
    ("123456789012345", False),
    ("a" * 20, False),
    # The security round's finds: a keyboard walk, a keyboard-column walk, a season and year.
    ("qwertyuiopasdfgh", False),
    ("1qaz2wsx3edc4rfv", False),
    ("Summer2026Summer2026", False),
    ("starwars12345678", False),  # among the 30,000 most common leaked passwords, padded
])
def test_password_policy_is_length_and_not_a_known_password(client, create_user, new, accepted):
    user = create_user(email="medewerker@gemeente.example")
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert (response.status_code == 302) is accepted
    stored = db.session.get(User, user.id).password_hash
    assert passwords.verify_password(stored, new) is accepted
    if accepted:
        assert not passwords.verify_password(stored, new.strip().lower() + "x")


def test_a_password_containing_the_email_name_is_refused(client, create_user):
    user = create_user(email="jansen@gemeente.example")
    login(client, user)
    new = "mijnnaamisjansenenditislang"
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert response.status_code == 422
    assert "e-mailadres" in response.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id(create_user):
    user = create_user()
    assert user.password_hash.startswith("$argon2id$")


def test_a_weaker_hash_is_upgraded_at_the_next_login(client, create_user):
    from argon2 import PasswordHasher

    user = create_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    db.session.commit()
    login(client, user)
    assert "m=1024" in db.session.get(User, user.id).password_hash


def test_deactivating_an_account_ends_its_session_at_once(login_as, create_user):
    admin = create_user(admin=True)
    user = create_user()
    user_client = login_as(user)
    admin_client = login_as(admin)
    response = admin_client.post(f"/admin/users/{user.id}/edit", data={
        "version": user.version, "name": user.name, "email": user.email, "active": ""})
    assert response.status_code == 303
    assert user_client.get("/").status_code == 302


def test_logout_only_works_as_a_post(make_app):
    app = make_app(TESTING=True)
    client = app.test_client()
    assert client.get("/logout").status_code == 405


class TestCsrf:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_without_token_is_refused_and_audited(self, client, create_user):
        user = create_user()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert "Formulier verlopen" in response.get_data(as_text=True)
        assert db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "csrf_failed")).one().result == "denied"

    def test_htmx_sends_the_token_in_a_header(self, client, create_user, create_project):
        import re

        team = create_project(roles=[])
        leader = team.project.memberships[0].user
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": leader.email, "password": PASSWORD,
                                    "csrf_token": token})
        dashboard = client.get("/").get_data(as_text=True)
        header_token = re.search(r'"X-CSRFToken": "([^"]+)"', dashboard).group(1)
        path = f"/projects/{team.project.id}/steps/1/start"
        assert client.post(path, headers={"HX-Request": "true"}).status_code == 400
        response = client.post(path, headers={"HX-Request": "true", "X-CSRFToken": header_token})
        assert response.status_code == 200


def test_security_headers_on_every_page(client, create_user):
    for response in (client.get("/login"), client.get("/static/css/app.css")):
        csp = response.headers["Content-Security-Policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                          "script-src 'self'"):
            assert directive in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()
    login(client, create_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_or_styles_in_pages(client, create_user, create_project):
    team = create_project()
    login(client, team[__import__("wasstraat.workflow").workflow.Role.PROJECT_LEADER])
    for path in ("/", f"/projects/{team.project.id}", f"/projects/{team.project.id}/steps/1",
                 f"/projects/{team.project.id}/team"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>" not in body and "style=" not in body and "onclick" not in body


def test_production_cookie_is_host_only_secure_and_lax(monkeypatch, make_app):
    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    app = make_app(WTF_CSRF_ENABLED=False)
    from wasstraat.auth import services as accounts

    with app.app_context():
        accounts.create_user("a@gemeente.example", "A", PASSWORD, enforce_policy=False)
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": "a@gemeente.example", "password": PASSWORD},
                           base_url="https://wasstraat.gemeente.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-wasstraat=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie
    assert "Strict-Transport-Security" in response.headers


# A key as `secrets.token_urlsafe(48)` makes one (fixed here, so the test is repeatable).
PRODUCTION_KEY = "q3J9vX0kLr7W_bTz5mNa2Yc8GdHf4Es1UoPi6KwRlQxVjZt-Ae0B_nSy9DhMgFu7"


@pytest.mark.parametrize("secret", [None, "short", "0" * 32, "0123456789abcdef" * 4,
                                    "qwertyuiopasdfghjklzxcvbnm123456",
                                    "Wasstraat2026Wasstraat2026Wasstraat2026"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret):
    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize("env", ["Production", "prod", "staging", " production", ""])
def test_an_unknown_environment_refuses_to_start_instead_of_running_as_development(
        monkeypatch, env):
    monkeypatch.setenv("WASSTRAAT_ENV", env)
    with pytest.raises(ConfigError, match="WASSTRAAT_ENV"):
        create_app()


def test_a_random_production_key_is_accepted(monkeypatch, tmp_path):
    from wasstraat.config import load_config

    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    assert load_config(tmp_path)["SECRET_KEY"] == PRODUCTION_KEY


def test_development_generates_a_secret_key_once_and_keeps_it(monkeypatch, tmp_path):
    from wasstraat.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_failed_sign_ins_are_limited_per_account_and_address_with_a_clear_message(
        client, create_user, make_client):
    user = create_user(email="doelwit@gemeente.example")
    for _ in range(5):
        wrong = client.post("/login", data={"email": user.email, "password": "fout wachtwoord"})
        assert wrong.status_code == 401
    refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert "Te veel mislukte pogingen om in te loggen" in refused.get_data(as_text=True)
    # Someone guessing from one address does not lock the owner out elsewhere.
    owner = make_client().post("/login", data={"email": user.email, "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert owner.status_code == 302


def test_guesses_spread_over_many_addresses_lock_the_account(create_user, make_client):
    user = create_user(email="verspreid@gemeente.example")
    for n in range(20):
        make_client().post("/login", data={"email": user.email, "password": "fout"},
                           environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    refused = make_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                 environ_base={"REMOTE_ADDR": "203.0.113.1"})
    assert refused.status_code == 429


def test_an_office_behind_one_address_is_slowed_down_not_shut_out(client, create_user):
    from wasstraat.models import LoginFailure

    for n in range(20):
        client.post("/login", data={"email": f"gok{n}@gemeente.example", "password": "x" * 16})
    user = create_user(email="echt@gemeente.example")
    slowed = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["Retry-After"]) <= 60
    assert "seconden" in slowed.get_data(as_text=True)
    # A minute later a colleague with the right password gets in.
    for row in db.session.scalars(db.select(LoginFailure)):
        row.failed_at -= timedelta(seconds=61)
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 302


def test_no_typed_e_mail_address_reaches_the_second_factors_key(app):
    """The attack: five failed sign-ins as "second-factor:4" locked user 4's code step."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from wasstraat.auth import throttle

    with app.test_request_context():
        code_step = throttle.keys(throttle.Purpose.SECOND_FACTOR, "4", "192.0.2.1")
        typed = throttle.keys(throttle.Purpose.PASSWORD, "second-factor:4", "192.0.2.1")
        assert not {*vars(code_step).values()} & {*vars(typed).values()}

        @settings(max_examples=200, deadline=None)
        @given(st.text(max_size=60), st.text(max_size=10))
        def never_the_same(text: str, user_id: str) -> None:
            one = throttle.keys(throttle.Purpose.PASSWORD, text, "192.0.2.1")
            other = throttle.keys(throttle.Purpose.SECOND_FACTOR, user_id, "192.0.2.1")
            assert not {*vars(one).values()} & {*vars(other).values()}

        never_the_same()


def test_the_login_form_takes_only_an_e_mail_address_and_counts_junk(client):
    from wasstraat.models import AuditEvent, LoginFailure

    for junk in ("second-factor:4", "a\x00b@gemeente.example", "niet een adres"):
        response = client.post("/login", data={"email": junk, "password": "x" * 16})
        assert response.status_code == 422
        assert "Vul een geldig e-mailadres in." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)) == 3
    results = db.session.scalars(db.select(AuditEvent.result).where(
        AuditEvent.action == "auth.login_failed")).all()
    assert results == ["invalid"] * 3


@pytest.mark.postgres_only
def test_parallel_wrong_passwords_do_not_overrun_the_limit(make_app, create_user):
    """The attack: 16 wrong passwords at once got 8 password checks against a limit of 5."""
    from concurrent.futures import ThreadPoolExecutor

    from wasstraat.auth import services as accounts

    email = create_user(email="parallel@gemeente.example").email
    db.session.commit()
    apps = [make_app(WTF_CSRF_ENABLED=False) for _ in range(4)]
    checks = []
    original = accounts.verify_password

    def counting(stored: str, password: str) -> bool:
        checks.append(password)
        return original(stored, password)

    accounts.verify_password = counting
    try:
        def attempt(n: int) -> int:
            return apps[n % 4].test_client().post(
                "/login", data={"email": email, "password": f"fout {n}"}).status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(attempt, range(16)))
    finally:
        accounts.verify_password = original
    assert statuses.count(401) == 5 and statuses.count(429) == 11
    assert len([c for c in checks if c.startswith("fout")]) == 5


def test_the_limit_is_stored_in_the_database_not_in_one_process(make_app, create_user):
    """A second app process sharing the database sees the same failures."""
    email = create_user(email="gedeeld@gemeente.example").email
    db.session.commit()  # the test holds no transaction (and no SQLite lock) meanwhile
    first, second = make_app(WTF_CSRF_ENABLED=False), make_app(WTF_CSRF_ENABLED=False)
    for _ in range(5):
        first.test_client().post("/login", data={"email": email, "password": "fout"})
    response = second.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_successful_sign_in_forgets_the_accounts_failures(client, create_user):
    user = create_user(email="vergeetachtig@gemeente.example")
    for _ in range(4):
        client.post("/login", data={"email": user.email, "password": "fout"})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert client.post("/login", data={"email": user.email, "password": "fout"}
                           ).status_code == 401
