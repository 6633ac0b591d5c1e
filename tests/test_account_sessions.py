"""Session lifetimes, ending sessions and passwords chosen by someone else (checklist S-5,
S-6, A-6), as a security officer would test them."""

from __future__ import annotations

import time

import pytest
from conftest import PASSWORD, login

from wasstraat.auth.session import SEEN, STARTED
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, User
from wasstraat.workflow import Role

NEW_PASSWORD = "mijn eigen lange wachtzin voor elke dag"


def shift_session(client, **seconds_ago: float) -> None:
    """Pretend the session started / was last used this many seconds ago."""
    keys = {"started": STARTED, "seen": SEEN}
    with client.session_transaction() as session:
        for name, ago in seconds_ago.items():
            session[keys[name]] = time.time() - ago


def test_a_session_idle_longer_than_configured_must_sign_in_again(client, create_user, app):
    login(client, create_user())
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    shift_session(client, seen=idle - 60)
    assert client.get("/").status_code == 200  # still in time, and this request counts
    shift_session(client, seen=idle + 5)
    response = client.get("/tasks")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=/tasks")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw sessie is verlopen" in page
    assert client.get("/").status_code == 302  # signed out, not just redirected once


def test_activity_does_not_extend_a_session_beyond_its_absolute_lifetime(client, create_user,
                                                                          app):
    login(client, create_user())
    absolute = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    shift_session(client, started=absolute + 5, seen=10)
    assert client.get("/").status_code == 303


def test_the_lifetimes_come_from_the_configuration(app, client, create_user):
    app.config["SESSION_IDLE_MINUTES"] = 5
    login(client, create_user())
    shift_session(client, seen=4 * 60)
    assert client.get("/").status_code == 200
    shift_session(client, seen=5 * 60 + 5)
    assert client.get("/").status_code == 303


def test_a_session_cookie_without_its_times_is_not_accepted(client, create_user):
    login(client, create_user())
    with client.session_transaction() as session:
        del session[STARTED]
    assert client.get("/").status_code == 303


def test_an_htmx_request_after_the_timeout_loads_the_login_page_whole(client, create_project):
    team = create_project()
    login(client, team[Role.PROJECT_LEADER])
    shift_session(client, seen=10 * 3600)
    response = client.get(f"/projects/{team.project.id}", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login")


def test_the_warning_offers_to_stay_signed_in(client, create_user, app):
    login(client, create_user())
    page = client.get("/").get_data(as_text=True)
    assert 'id="session-warning"' in page
    assert f'data-idle-seconds="{app.config["SESSION_IDLE_MINUTES"] * 60}"' in page
    assert 'data-warning-seconds="120"' in page  # WCAG 2.2.1: at least 20 seconds
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    shift_session(client, seen=idle - 30)
    response = client.post("/session/extend", headers={"HX-Request": "true"})
    assert response.status_code == 204
    shift_session(client, started=60)  # keep the absolute lifetime out of the way
    with client.session_transaction() as session:
        assert time.time() - session[SEEN] < 5
    # Without JavaScript the same button is a form that comes back to the page.
    response = client.post("/session/extend", data={"next": "/tasks"})
    assert response.status_code == 303 and response.headers["Location"] == "/tasks"


def test_the_warning_is_not_on_pages_for_visitors(client):
    assert 'id="session-warning"' not in client.get("/login").get_data(as_text=True)


def test_an_administrator_ends_all_sessions_of_a_user(login_as, create_user):
    admin = create_user(admin=True)
    user = create_user()
    laptop, phone = login_as(user), login_as(user)
    admin_client = login_as(admin)
    edit_page = admin_client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f"/admin/users/{user.id}/sessions/end" in edit_page
    response = admin_client.post(f"/admin/users/{user.id}/sessions/end")
    assert response.status_code == 303
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert admin_client.get("/").status_code == 200
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="user.sessions_end")).one()
    assert (event.actor_id, event.object_id) == (admin.id, user.id)
    # The user can sign in again.
    assert login_as(user).get("/").status_code == 200


def test_an_administrator_ending_their_own_sessions_keeps_this_one(login_as, create_user):
    admin = create_user(admin=True)
    other_browser, this_browser = login_as(admin), login_as(admin)
    this_browser.post(f"/admin/users/{admin.id}/sessions/end")
    assert this_browser.get("/").status_code == 200
    assert other_browser.get("/").status_code == 302


def test_only_administrators_end_sessions(login_as, create_user):
    user, other = create_user(), create_user()
    other_client = login_as(other)
    assert login_as(user).post(f"/admin/users/{other.id}/sessions/end").status_code == 403
    assert other_client.get("/").status_code == 200


def test_a_fresh_installation_has_no_account(app):
    # Only `seed-demo` (demo data, documented password) and the CLI create accounts.
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_the_first_administrator_from_the_cli_must_replace_the_one_time_password(runner,
                                                                                client):
    result = runner.invoke(args=["user", "create", "beheer@gemeente.example", "--name",
                                 "Beheer", "--admin", "--generate-password"])
    assert result.exit_code == 0, result.output
    one_time = result.output.split("One-time password: ")[1].splitlines()[0].strip()
    assert len(one_time) >= 20

    response = client.post("/login", data={"email": "beheer@gemeente.example",
                                           "password": one_time})
    assert response.status_code == 302
    # Every page, and every action, leads to the password form until it is changed.
    for path in ("/", "/admin/users", "/tasks"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/account/password"
    assert client.post("/admin/users/new", data={
        "name": "X", "email": "x@gemeente.example", "password": NEW_PASSWORD}).status_code == 303
    assert db.session.scalar(db.select(User).filter_by(email="x@gemeente.example")) is None
    assert "Kies eerst een eigen wachtwoord" in client.get("/account/password").get_data(
        as_text=True)

    same = client.post("/account/password", data={
        "current_password": one_time, "new_password": one_time, "confirm_password": one_time})
    assert same.status_code == 422
    assert client.post("/account/password", data={
        "current_password": one_time, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD}).status_code == 302
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize("how", ["new account", "reset"])
def test_a_password_an_administrator_chose_must_be_replaced(login_as, make_client, create_user,
                                                            how):
    admin = create_user(admin=True)
    admin_client = login_as(admin)
    if how == "new account":
        assert admin_client.post("/admin/users/new", data={
            "name": "Nieuwe collega", "email": "nieuw@gemeente.example",
            "password": NEW_PASSWORD}).status_code == 303
        user = db.session.scalars(db.select(User).filter_by(email="nieuw@gemeente.example")).one()
    else:
        user = create_user()
        assert admin_client.post(f"/admin/users/{user.id}/edit", data={
            "version": user.version, "name": user.name, "email": user.email, "active": "y",
            "password": NEW_PASSWORD}).status_code == 303
    client = make_client()
    login(client, user, NEW_PASSWORD)
    assert client.get("/").headers["Location"] == "/account/password"
    db.session.refresh(user)
    assert user.must_change_password


def test_an_own_password_change_does_not_ask_again(client, create_user):
    user = create_user()
    login(client, user)
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": NEW_PASSWORD,
                                           "confirm_password": NEW_PASSWORD})
    assert client.get("/").status_code == 200


def test_the_session_cookie_is_renewed_at_most_once_a_minute(client, create_user):
    """Re-signing the cookie on every response costs every request; "last used" moves on
    when it is a minute old, which keeps the idle timeout exact to within that minute."""
    login(client, create_user())
    client.get("/tasks")  # the first page after signing in adds its form token to the session
    shift_session(client, seen=10)
    assert "Set-Cookie" not in client.get("/tasks").headers
    shift_session(client, seen=61)
    assert "Set-Cookie" in client.get("/tasks").headers
    with client.session_transaction() as session:
        assert time.time() - session[SEEN] < 5
