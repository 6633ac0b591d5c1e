"""Notifications: work of the method that becomes someone's reaches them in the app, says
which step and what to do, and leads to the work."""

from __future__ import annotations

import re

import pytest
from conftest import Team

from wasstraat.extensions import db
from wasstraat.models import Notification, Task
from wasstraat.steps import services as steps
from wasstraat.tasks import services as tasks
from wasstraat.workflow import Role, Step


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def inbox_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def start_team_step(team: Team) -> None:
    steps.start_step(team.project, Step.TEAM, team[Role.PROJECT_LEADER])
    db.session.commit()


def badge(page: str) -> str:
    found = re.search(r'<span id="unread-badge">(.*?)</span>\s*</a>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def test_a_step_opening_tells_each_member_whose_task_it_makes(team, login_as):
    start_team_step(team)
    sponsor, leader = team[Role.SPONSOR], team[Role.PROJECT_LEADER]
    sponsor_tasks = db.session.scalars(db.select(Task).where(
        Task.assignee_id == sponsor.id, Task.step == 1)).all()
    assert sponsor_tasks
    messages = inbox_of(sponsor)
    assert {m.task_id for m in messages} == {t.id for t in sponsor_tasks}
    assert all(m.kind == "task" and m.step == 1 for m in messages)
    # The leader opened the step: the tasks it made for itself need no message.
    assert inbox_of(leader) == []

    page = login_as(sponsor).get("/notifications").get_data(as_text=True)
    assert "Stap 1 (" in page and "Deze taak is nu van u." in page
    assert page.count("notification--unread") == len(messages)
    assert team.project.name in page
    assert badge(page) == f"{len(messages)} ongelezen"


def test_a_task_given_to_someone_tells_them_but_not_who_takes_it_themselves(team):
    start_team_step(team)
    leader, expert = team[Role.PROJECT_LEADER], team[Role.SUBJECT_EXPERT]
    before = len(inbox_of(expert))
    tasks.add_task(team.project, leader, title="Klantcontacten tellen", description="",
                   step=Step.TEAM, assignee_id=expert.id, due_date=None)
    tasks.add_task(team.project, leader, title="Zelf doen", description="", step=Step.TEAM,
                   assignee_id=leader.id, due_date=None)
    db.session.commit()
    assert [m.title for m in inbox_of(expert)][before:] == ["Klantcontacten tellen"]
    assert inbox_of(leader) == []
    # A reassignment reaches the new person.
    task = db.session.scalar(db.select(Task).where(Task.title == "Zelf doen"))
    task.assignee_id = expert.id
    db.session.commit()
    assert inbox_of(expert)[-1].task_id == task.id
    # A task already done is no work to do: handing it over tells nobody.
    task.done_at, task.assignee_id = task.created_at, team[Role.SPONSOR].id
    db.session.commit()
    assert all(m.task_id != task.id for m in inbox_of(team[Role.SPONSOR]))


def test_a_review_asked_of_a_specialist_says_so(team):
    start_team_step(team)
    privacy = team[Role.PRIVACY_OFFICER]
    db.session.add(Task(project_id=team.project.id, step=int(Step.REVIEW), role="privacy_officer",
                        title="Toetsing privacy", description="", assignee_id=privacy.id,
                        origin="review"))
    db.session.commit()
    assert inbox_of(privacy)[-1].kind == "review"


def test_opening_a_message_marks_it_read_and_leads_to_the_work(team, login_as):
    start_team_step(team)
    sponsor = team[Role.SPONSOR]
    client = login_as(sponsor)
    first = inbox_of(sponsor)[0]
    response = client.post(f"/notifications/{first.id}/open")
    assert response.status_code == 303
    assert response.headers["Location"] == tasks.link_url(first.task) or \
        response.headers["Location"].endswith(f"/steps/1#task-{first.task_id}")
    assert inbox_of(sponsor)[0].read_at is not None
    remaining = sum(m.read_at is None for m in inbox_of(sponsor))
    page = client.get("/notifications").get_data(as_text=True)
    assert badge(page) == (f"{remaining} ongelezen" if remaining else "")
    assert page.count("notification--unread") == remaining


def test_a_message_is_only_its_owners_to_open(team, login_as, create_user):
    start_team_step(team)
    message = inbox_of(team[Role.SPONSOR])[0]
    assert login_as(team[Role.PROCESS_OWNER]).post(
        f"/notifications/{message.id}/open").status_code == 403
    assert login_as(create_user()).post(f"/notifications/{message.id}/open").status_code == 404
    assert login_as(team[Role.SPONSOR]).post("/notifications/999999/open").status_code == 404
    assert inbox_of(team[Role.SPONSOR])[0].read_at is None


def test_everything_read_at_once_with_and_without_javascript(team, login_as):
    start_team_step(team)
    sponsor = team[Role.SPONSOR]
    client = login_as(sponsor)
    partial = client.post("/notifications/read", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and 'id="inbox"' in body
    assert 'id="unread-badge" hx-swap-oob="true"' in body  # the header's count goes too
    assert all(m.read_at is not None for m in inbox_of(sponsor))
    assert all(m.read_at is None for m in inbox_of(team[Role.PROCESS_OWNER]))  # only one's own
    assert badge(client.get("/notifications").get_data(as_text=True)) == ""
    response = client.post("/notifications/read")
    assert response.status_code == 303


def test_the_inbox_pages_25_at_a_time(team, login_as):
    expert = team[Role.SUBJECT_EXPERT]
    for n in range(30):
        db.session.add(Notification(user_id=expert.id, project_id=team.project.id, kind="task",
                                    step=1, title=f"Taak {n:02d}"))
    db.session.commit()
    client = login_as(expert)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Taak 29" in first and "Taak 04" not in first and "Pagina 1 van 2" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Taak 04" in second and "Taak 05" not in second
    assert client.get("/notifications?page=0").status_code == 400
    assert client.get("/notifications?page=x").status_code == 400


def test_no_messages_yet_says_what_will_come(login_as, create_user):
    page = login_as(create_user()).get("/notifications").get_data(as_text=True)
    assert "Er zijn geen meldingen." in page
    assert badge(page) == ""


def test_a_message_is_handled_once_its_task_is_done_and_counts_again_when_it_reopens(
        team, login_as):
    """The badge counts only what still needs the person: a task done by hand, or ended with
    its step, takes its message out of the count; the inbox still lists it, as handled."""
    start_team_step(team)
    leader, expert = team[Role.PROJECT_LEADER], team[Role.SUBJECT_EXPERT]
    tasks.add_task(team.project, leader, title="Klantcontacten tellen", description="",
                   step=Step.TEAM, assignee_id=expert.id, due_date=None)
    tasks.add_task(team.project, leader, title="Wachttijden opvragen", description="",
                   step=Step.TEAM, assignee_id=expert.id, due_date=None)
    db.session.commit()
    client = login_as(expert)
    unread = len(inbox_of(expert))
    assert badge(client.get("/notifications").get_data(as_text=True)) == f"{unread} ongelezen"

    counted = db.session.scalar(db.select(Task).where(Task.title == "Klantcontacten tellen"))
    tasks.set_done(counted, expert, True)
    db.session.commit()
    page = client.get("/notifications").get_data(as_text=True)
    assert badge(page) == f"{unread - 1} ongelezen"
    assert page.count("notification--unread") == unread - 1
    assert "Afgehandeld" in page and "Klantcontacten tellen" in page
    handled = next(m for m in inbox_of(expert) if m.task_id == counted.id)
    assert handled.handled_at is not None and handled.read_at is None

    tasks.set_done(counted, expert, False)
    db.session.commit()
    assert badge(client.get("/notifications").get_data(as_text=True)) == f"{unread} ongelezen"
    # "Mark all read" leaves a handled message's read state alone: it was never read.
    tasks.set_done(counted, expert, True)
    db.session.commit()
    assert client.post("/notifications/read").status_code in (200, 302, 303)
    assert next(m for m in inbox_of(expert) if m.task_id == counted.id).read_at is None
