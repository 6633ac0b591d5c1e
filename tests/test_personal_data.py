"""Personal data per person (checklist P-2, P-3): a download of everything the app holds about
someone, and erasure by pseudonymisation that keeps project histories and the audit trail."""

from __future__ import annotations

import json

from conftest import PASSWORD

from wasstraat import audit
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Comment, User
from wasstraat.workflow import Role


def test_a_person_downloads_their_profile_roles_tasks_and_actions(create_project, login_as):
    team = create_project()
    expert = team[Role.SUBJECT_EXPERT]
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    client = login_as(expert)
    assert 'href="/account/personal-data"' in client.get("/account/password").get_data(
        as_text=True)
    response = client.get("/account/personal-data")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="persoonsgegevens-{expert.id}.json"')  # an id, not a name
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == expert.email and data["profile"]["name"] == expert.name
    assert data["roles"] == [{"project_id": team.project.id, "project": team.project.name,
                              "roles": ["Vakinhoudelijk medewerker"],
                              "since": data["roles"][0]["since"]}]
    assert data["tasks"] and all(t["project_id"] == team.project.id for t in data["tasks"])
    assert {a["action"] for a in data["actions"]} >= {"auth.login"}
    assert all(a["at"].endswith("Z") for a in data["actions"])
    text = response.get_data(as_text=True)
    db.session.refresh(expert)
    for secret in (expert.password_hash, expert.session_token, PASSWORD):
        assert secret not in text
    assert db.session.scalars(db.select(AuditEvent).filter_by(
        action="user.data_export", object_id=expert.id)).one()


def test_an_administrator_downloads_someones_data_and_no_one_else_can(create_project, login_as,
                                                                      create_user):
    team = create_project()
    expert = team[Role.SUBJECT_EXPERT]
    admin = login_as(create_user(admin=True))
    data = json.loads(admin.get(f"/admin/users/{expert.id}/personal-data").get_data(
        as_text=True))
    assert data["profile"]["id"] == expert.id
    leader = login_as(team[Role.PROJECT_LEADER])
    assert leader.get(f"/admin/users/{expert.id}/personal-data").status_code == 403


def test_erasure_replaces_name_and_email_and_closes_the_account(create_project, login_as,
                                                                create_user, make_client):
    team = create_project()
    expert = team[Role.SUBJECT_EXPERT]
    name, email, expert_id = expert.name, expert.email, expert.id
    # A colleague named them in a comment (issue 36).
    mention = Comment(project_id=team.project.id, subject="step", subject_id=1,
                      author_id=team[Role.PROJECT_LEADER].id, body=f"Vraag voor @{name}",
                      mentioned=[expert])
    db.session.add(mention)
    db.session.commit()
    expert_client = login_as(expert)
    admin = login_as(create_user(admin=True))
    page = admin.get(f"/admin/users/{expert_id}/edit").get_data(as_text=True)
    assert f"/admin/users/{expert_id}/erase" in page

    unconfirmed = admin.post(f"/admin/users/{expert_id}/erase", data={})
    assert unconfirmed.status_code == 422
    assert "Vink aan dat u dit begrijpt" in unconfirmed.get_data(as_text=True)
    assert db.session.get(User, expert_id).name == name

    response = admin.post(f"/admin/users/{expert_id}/erase", data={"erase-confirm": "y"})
    assert response.status_code == 303
    erased = db.session.get(User, expert_id)
    assert erased.name == f"Voormalig medewerker {expert_id}" and not erased.active
    assert email not in erased.email
    assert expert_client.get("/").status_code == 302  # signed out at once
    refused = make_client().post("/login", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 401

    # The team and the history keep the roles, under the pseudonym.
    leader = login_as(team[Role.PROJECT_LEADER])
    team_page = leader.get(f"/projects/{team.project.id}/team").get_data(as_text=True)
    assert f"Voormalig medewerker {expert_id}" in team_page and name not in team_page
    assert db.session.get(Comment, mention.id).body == (
        f"Vraag voor @Voormalig medewerker {expert_id}")
    assert list(audit.verify()) == []
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="user.erase")).one()
    assert event.after is None and event.before is None  # the erased data is not copied


def test_an_administrator_cannot_erase_themselves(login_as, create_user):
    admin_user = create_user(admin=True)
    admin = login_as(admin_user)
    response = admin.post(f"/admin/users/{admin_user.id}/erase", data={"erase-confirm": "y"})
    assert response.status_code == 403
    assert db.session.get(User, admin_user.id).active


def test_only_administrators_erase(create_project, login_as):
    team = create_project()
    expert = team[Role.SUBJECT_EXPERT]
    leader = login_as(team[Role.PROJECT_LEADER])
    response = leader.post(f"/admin/users/{expert.id}/erase", data={"erase-confirm": "y"})
    assert response.status_code == 403
    assert db.session.get(User, expert.id).active


def test_no_personal_data_in_any_address_the_app_links_to(create_project, login_as):
    """P-3: links carry ids; names and e-mail addresses never appear in a URL."""
    import re

    team = create_project()
    leader = team[Role.PROJECT_LEADER]
    client = login_as(leader)
    people = [u for u in team.members.values()]
    for path in ("/", "/tasks", f"/projects/{team.project.id}",
                 f"/projects/{team.project.id}/team", f"/projects/{team.project.id}/history"):
        body = client.get(path).get_data(as_text=True)
        for link in re.findall(r'(?:href|action|hx-get|hx-post)="([^"]+)"', body):
            for person in people:
                assert person.email not in link and person.name not in link, (path, link)
