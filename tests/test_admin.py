"""Administrators manage accounts."""

from __future__ import annotations

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, User


def test_an_administrator_creates_an_account_under_the_password_policy(login_as, create_user):
    admin = login_as(create_user(admin=True))
    short = admin.post("/admin/users/new", data={"name": "Eva de Boer",
                                                  "email": "eva@gemeente.example",
                                                  "password": "te kort"})
    assert short.status_code == 422
    assert "minstens 15 tekens" in short.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "eva@gemeente.example")) is None

    made = admin.post("/admin/users/new", data={"name": "Eva de Boer",
                                                 "email": "Eva@Gemeente.example",
                                                 "password": "een tijdelijk lang wachtwoord"})
    assert made.status_code == 303
    user = db.session.scalar(db.select(User).where(User.email == "eva@gemeente.example"))
    assert user is not None and not user.is_admin
    assert "Eva de Boer" in admin.get("/admin/users").get_data(as_text=True)


def test_email_addresses_are_unique_and_checked(login_as, create_user):
    existing = create_user(email="bestaat@gemeente.example")
    admin = login_as(create_user(admin=True))
    duplicate = admin.post("/admin/users/new", data={"name": "X", "email": existing.email,
                                                      "password": "een tijdelijk lang wachtwoord"})
    assert duplicate.status_code == 422
    assert "bestaat al een account" in duplicate.get_data(as_text=True)
    invalid = admin.post("/admin/users/new", data={"name": "X", "email": "geen-adres",
                                                    "password": "een tijdelijk lang wachtwoord"})
    assert invalid.status_code == 422
    assert "Vul een geldig e-mailadres in." in invalid.get_data(as_text=True)


def test_an_administrator_cannot_lock_themselves_out(login_as, create_user):
    me = create_user(admin=True)
    client = login_as(me)
    response = client.post(f"/admin/users/{me.id}/edit", data={
        "version": me.version, "name": me.name, "email": me.email, "is_admin": "y"})
    assert response.status_code == 422
    assert "eigen beheerrechten of account" in response.get_data(as_text=True)
    user = db.session.get(User, me.id)
    assert user.active and user.is_admin
    assert client.get("/admin/users").status_code == 200


def test_an_administrator_resets_a_password_and_the_old_sessions_end(login_as, create_user):
    user = create_user()
    user_client = login_as(user)
    admin = login_as(create_user(admin=True))
    response = admin.post(f"/admin/users/{user.id}/edit", data={
        "version": user.version, "name": user.name, "email": user.email, "active": "y",
        "password": "een nieuw tijdelijk wachtwoord"})
    assert response.status_code == 303
    assert user_client.get("/").status_code == 302
    actions = db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.object_id == user.id, AuditEvent.object_type == "user")).all()
    assert "user.password_reset" in actions


def test_two_administrators_editing_one_account_the_second_gets_a_conflict(login_as, create_user):
    user = create_user("Oude naam")
    first, second = login_as(create_user(admin=True)), login_as(create_user(admin=True))
    form = {"version": user.version, "email": user.email, "active": "y"}
    assert first.post(f"/admin/users/{user.id}/edit", data={**form, "name": "Naam A"}).status_code == 303
    response = second.post(f"/admin/users/{user.id}/edit", data={**form, "name": "Naam B"})
    assert response.status_code == 409
    assert "Naam A" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).name == "Naam A"
