"""Pages kept per person (page_cache.py): a write by someone else shows on the next view, no
one is served another person's page or a page they lost the right to, and what differs per
request (the CSRF token, the unread count, a flashed message) is always the request's own."""

from __future__ import annotations

import re

import pytest
from conftest import Team
from flask import request
from flask_login import login_required
from test_fragments import rename

from wasstraat.extensions import db
from wasstraat.models import Membership, Notification, Project, Task, User
from wasstraat.notification_kinds import Kind
from wasstraat.page_cache import cached_page, project_scope
from wasstraat.projects.services import add_member
from wasstraat.workflow import Role


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def page_of(client, path: str, team: Team) -> str:
    response = client.get(path.format(p=team.project.id))
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def renamed(team: Team, _other: Team) -> str:
    rename(team, "Parkeervergunning digitaal")  # the project leader, in their own request
    return ">Parkeervergunning digitaal<"


def given_a_task(team: Team, _other: Team) -> str:
    db.session.add(Task(project_id=team.project.id, step=1, title="Bel de RDW",
                        assignee_id=team[Role.SPONSOR].id, origin="manual",
                        created_by_id=team[Role.PROJECT_LEADER].id))
    db.session.commit()
    return "Bel de RDW"


def joined_another_project(_team: Team, other: Team) -> str:
    add_member(other.project, other[Role.PROJECT_LEADER], _team[Role.SPONSOR],
               {Role.SUBJECT_EXPERT})
    db.session.commit()
    return other[Role.PROCESS_OWNER].name  # the reports' owner filter lists theirs now


# Each page kept whole, and a write by someone else that it shows.
PAGES = [("/", renamed), ("/tasks", given_a_task), ("/reports", joined_another_project),
         ("/projects/{p}", renamed), ("/projects/{p}/steps/1", renamed),
         ("/projects/{p}/implementation", renamed), ("/projects/{p}/plan", renamed)]


@pytest.mark.parametrize(("path", "write"), PAGES)
def test_a_write_by_someone_else_shows_on_the_next_view(path, write, team, create_project,
                                                        login_as, count_queries):
    other = create_project("Ander traject")
    sponsor = login_as(team[Role.SPONSOR])
    page_of(sponsor, path, team)
    cold = count_queries(lambda: page_of(sponsor, path, team))
    warm = count_queries(lambda: page_of(sponsor, path, team), cold=False)
    assert warm < cold, f"{path}: kept, {warm} queries; made, {cold}"
    before = page_of(sponsor, path, team)
    shown = write(team, other)
    assert shown not in before
    assert shown in page_of(sponsor, path, team)


def test_each_person_gets_their_own_page_and_a_lost_right_is_refused(team, login_as):
    leader, sponsor = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SPONSOR])
    path = f"/projects/{team.project.id}"
    led = page_of(leader, path, team)
    assert f'href="/projects/{team.project.id}/team"' in led
    seen = page_of(sponsor, path, team)
    assert seen != led and team[Role.SPONSOR].name in seen and team[Role.PROJECT_LEADER].name \
        in led
    assert login_as(team.outsider).get(path).status_code == 404
    # The sponsor leaves the team: the kept page is not theirs any more to see.
    db.session.delete(db.session.scalar(db.select(Membership).where(
        Membership.project_id == team.project.id,
        Membership.user_id == team[Role.SPONSOR].id)))
    db.session.commit()
    assert sponsor.get(path).status_code == 404


def test_an_administrator_who_is_no_longer_one_sees_only_their_own_projects(
        team, create_project, create_user, login_as):
    other = create_project("Ander traject")
    admin = create_user("Beheerder", admin=True)
    client = login_as(admin)
    assert "Ander traject" in page_of(client, "/", team)
    person = db.session.get(User, admin.id)
    person.is_admin = False
    db.session.commit()
    assert "Ander traject" not in page_of(client, "/", other)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_kept_page_carries_the_requests_own_csrf_token(team, login_as):
    path = f"/projects/{team.project.id}"
    first = login_as(team[Role.SPONSOR])
    made = page_of(first, path, team)
    second = login_as(team[Role.SPONSOR])  # another browser: another session
    kept = page_of(second, path, team)
    assert csrf_of(kept) != csrf_of(made) and "\x00" not in kept
    changed = second.post("/account/language", data={"csrf_token": csrf_of(kept),
                                                    "locale": "en", "next": path})
    assert changed.status_code == 303


def test_a_kept_page_shows_the_unread_count_and_the_flashed_message_of_now(team, login_as):
    path = f"/projects/{team.project.id}"
    sponsor = login_as(team[Role.SPONSOR])
    assert "count-badge" not in page_of(sponsor, path, team)
    db.session.add(Notification(user_id=team[Role.SPONSOR].id, project_id=team.project.id,
                                kind=Kind.TASK, title="Nieuwe taak"))
    db.session.commit()
    assert '<span class="count-badge">1</span>' in page_of(sponsor, path, team)
    with sponsor.session_transaction() as session:
        session["_flashes"] = [("success", "Opgeslagen, zojuist.")]
    assert "Opgeslagen, zojuist." in page_of(sponsor, path, team)
    assert "Opgeslagen, zojuist." not in page_of(sponsor, path, team)


def test_a_demoted_administrator_is_refused_a_project_they_saw_as_one(team, create_user,
                                                                       login_as):
    admin = create_user("Beheerder", admin=True)
    client = login_as(admin)
    path = f"/projects/{team.project.id}"
    assert client.get(path).status_code == 200
    db.session.get(User, admin.id).is_admin = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_only_a_page_that_was_made_whole_is_kept(team, login_as):
    sponsor = login_as(team[Role.SPONSOR])
    for _ in range(2):  # a refused filter stays refused, not a kept 200
        assert sponsor.get("/?step=99").status_code == 400


def test_a_page_made_after_the_request_wrote_is_not_kept(app, team, login_as):
    made = []

    @cached_page(project_scope)
    def writes(project_id: int) -> str:
        made.append(project_id)
        db.session.get(Project, project_id).assignment = f"Gewijzigd {len(made)}"
        db.session.flush()  # not committed: the counters it raised may still be rolled back
        return "<p>Gemaakt na schrijven</p>"

    app.add_url_rule("/test/writes/<int:project_id>", view_func=login_required(writes))
    sponsor = login_as(team[Role.SPONSOR])
    for _ in range(2):
        assert sponsor.get(f"/test/writes/{team.project.id}").status_code == 200
    assert len(made) == 2


def test_a_kept_page_is_served_with_its_own_headers_and_only_to_a_get(app, team, login_as):
    made = []

    @cached_page(project_scope)
    def kept(project_id: int):
        made.append(request.method)
        return "<p>Bewaard</p>", 200, {"Content-Security-Policy": "default-src 'self'"}

    app.add_url_rule("/test/kept/<int:project_id>", view_func=login_required(kept),
                     methods=["GET", "POST"])
    sponsor = login_as(team[Role.SPONSOR])
    path = f"/test/kept/{team.project.id}"
    first, second = sponsor.get(path), sponsor.get(path)
    assert made == ["GET"] and second.get_data(as_text=True) == "<p>Bewaard</p>"
    assert second.headers["Content-Security-Policy"] == "default-src 'self'"
    assert first.get_data() == second.get_data()
    sponsor.post(path)  # the tests' app takes forms without a CSRF token
    assert made == ["GET", "POST"]
