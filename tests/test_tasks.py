"""Role-based tasks: generated when a step opens, managed by the project leader, ticked off by
the people who hold them."""

from __future__ import annotations

import re

import pytest
from conftest import login

from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Task
from wasstraat.tasks import services as tasks
from wasstraat.workflow import STEPS, Role, Step


def tasks_of(project_id: int, step: Step | None = None) -> list[Task]:
    query = db.select(Task).where(Task.project_id == project_id)
    if step is not None:
        query = query.where(Task.step == int(step))
    return list(db.session.scalars(query.order_by(Task.id)))


def test_opening_a_step_gives_each_actor_their_tasks(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    assert tasks_of(team.project.id) == []
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    tasks = tasks_of(team.project.id, Step.TEAM)
    expected = [(t.role.value, t.title) for t in STEPS[Step.TEAM].tasks]
    assert [(t.role, t.title) for t in tasks] == expected
    for task in tasks:
        assert task.assignee_id == team[Role(task.role)].id
    # Roles that do not act in step 1 get nothing.
    assert not any(t.assignee_id == team[Role.CISO].id for t in tasks)


def test_tasks_show_up_in_mijn_taken_of_the_right_people(create_project, login_as):
    team = create_project()
    login_as(team[Role.PROJECT_LEADER]).post(f"/projects/{team.project.id}/steps/1/start")
    sponsor_page = login_as(team[Role.SPONSOR]).get("/tasks").get_data(as_text=True)
    assert "Het traject uitdragen richting directie en bestuur" in sponsor_page
    assert "Kick-off organiseren" not in sponsor_page
    ciso_page = login_as(team[Role.CISO]).get("/tasks").get_data(as_text=True)
    assert "U heeft geen openstaande taken." in ciso_page


def test_step_3_tasks_are_labelled_with_their_session(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    from wasstraat.steps import services

    for step in (Step.TEAM, Step.KPIS):
        services.start_step(team.project, step, team[Role.PROJECT_LEADER])
        team.project.step_state(step).status = "done"
    db.session.commit()
    leader.post(f"/projects/{team.project.id}/steps/3/start")
    parts = {(t.part, t.role) for t in tasks_of(team.project.id, Step.PROCESS)}
    assert ("3a", "process_advisor") in parts and ("3b", "process_owner") in parts


def test_a_role_nobody_holds_gets_an_unassigned_task_until_someone_joins(
        create_project, login_as, create_user):
    team = create_project(roles=[Role.PROJECT_LEADER, Role.PROCESS_OWNER])
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    sponsor_task = next(t for t in tasks_of(team.project.id) if t.role == "sponsor")
    assert sponsor_task.assignee_id is None
    page = leader.get(f"/projects/{team.project.id}/steps/1").get_data(as_text=True)
    assert "nog niet toegewezen" in page

    sponsor = create_user("Marieke de Vries")
    leader.post(f"/projects/{team.project.id}/team",
                data={"rows-0-person": sponsor.email, "rows-0-role": "sponsor"})
    assert db.session.get(Task, sponsor_task.id).assignee_id == sponsor.id


def test_losing_a_role_puts_its_open_tasks_back_in_the_pool(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    sponsor = team[Role.SPONSOR]
    membership = next(m for m in team.project.memberships if m.user_id == sponsor.id)
    leader.post(f"/projects/{team.project.id}/team/{membership.id}/roles",
                data={f"m{membership.id}-roles": ["team_manager"]})
    task = next(t for t in tasks_of(team.project.id) if t.role == "sponsor")
    assert task.assignee_id is None


def test_the_assignee_ticks_a_task_off_inline_with_htmx(create_project, login_as):
    team = create_project()
    login_as(team[Role.PROJECT_LEADER]).post(f"/projects/{team.project.id}/steps/1/start")
    sponsor = login_as(team[Role.SPONSOR])
    task = next(t for t in tasks_of(team.project.id) if t.role == "sponsor")
    response = sponsor.post(f"/projects/{team.project.id}/tasks/{task.id}/done",
                            data={"done": "1", "back": "mine"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<li class="task task--done" id="task-{task.id}"')
    assert "Taak afgevinkt" in body
    task = db.session.get(Task, task.id)
    assert task.done_at is not None and task.done_by_id == team[Role.SPONSOR].id
    again = sponsor.post(f"/projects/{team.project.id}/tasks/{task.id}/done", data={"done": "0"})
    assert again.status_code == 303
    assert db.session.get(Task, task.id).done_at is None


def test_only_the_assignee_or_the_leader_ticks_a_task(create_project, login_as):
    team = create_project()
    login_as(team[Role.PROJECT_LEADER]).post(f"/projects/{team.project.id}/steps/1/start")
    task = next(t for t in tasks_of(team.project.id) if t.role == "sponsor")
    path = f"/projects/{team.project.id}/tasks/{task.id}/done"
    assert login_as(team[Role.PROCESS_OWNER]).post(path, data={"done": "1"}).status_code == 403
    assert login_as(team.outsider).post(path, data={"done": "1"}).status_code == 404
    assert db.session.get(Task, task.id).done_at is None
    assert login_as(team[Role.PROJECT_LEADER]).post(path, data={"done": "1"}).status_code == 303


def test_the_leader_adds_reassigns_and_removes_tasks(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    base = f"/projects/{team.project.id}/tasks"
    response = leader.post(f"{base}/new", data={
        "title": "Zaal reserveren voor sessie 3a", "description": "", "step": "3",
        "assignee_id": str(team[Role.SUBJECT_EXPERT].id), "due_date": "2026-12-01"})
    assert response.status_code == 303
    task = tasks_of(team.project.id)[0]
    assert (task.step, task.origin, str(task.due_date)) == (3, "manual", "2026-12-01")

    response = leader.post(f"{base}/{task.id}/edit", data={
        "title": task.title, "description": "In het stadskantoor", "step": "3",
        "assignee_id": str(team[Role.PROCESS_ADVISOR].id), "due_date": "",
        "version": task.version})
    assert response.status_code == 303
    task = db.session.get(Task, task.id)
    assert task.assignee_id == team[Role.PROCESS_ADVISOR].id and task.due_date is None
    mine = login_as(team[Role.PROCESS_ADVISOR]).get("/tasks").get_data(as_text=True)
    assert "Zaal reserveren voor sessie 3a" in mine

    assert leader.post(f"{base}/{task.id}/delete").status_code == 303
    assert tasks_of(team.project.id) == []
    actions = db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "task")).all()
    assert actions == ["task.create", "task.update", "task.delete"]


def test_task_input_is_validated(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    base = f"/projects/{team.project.id}/tasks/new"
    cases = [
        ({"title": "", "step": "1", "assignee_id": "0"}, "Dit veld is verplicht."),
        ({"title": "x", "step": "11", "assignee_id": "0"}, "Ongeldige keuze"),
        ({"title": "x", "step": "1", "assignee_id": str(team.outsider.id)}, "Ongeldige keuze"),
        ({"title": "x", "step": "1", "assignee_id": "0", "due_date": "31-02-2026"},
         "Ongeldige datum"),
        ({"title": "x" * 201, "step": "1", "assignee_id": "0"}, "200"),
        ({"title": "a\x00b", "step": "1", "assignee_id": "0"}, "niet zijn toegestaan"),
    ]
    for data, message in cases:
        response = leader.post(base, data=data)
        assert response.status_code == 422, data
        assert message.lower() in response.get_data(as_text=True).lower(), (data, message)
    assert tasks_of(team.project.id) == []


def test_only_the_leader_manages_tasks(create_project, login_as):
    team = create_project()
    base = f"/projects/{team.project.id}/tasks/new"
    data = {"title": "x", "step": "1", "assignee_id": "0"}
    for role in Role:
        if role is not Role.PROJECT_LEADER:
            assert login_as(team[role]).post(base, data=data).status_code == 403, role
    assert tasks_of(team.project.id) == []


def test_a_task_of_another_project_is_not_found(create_project, login_as):
    first, second = create_project("A"), create_project("B")
    login_as(second[Role.PROJECT_LEADER]).post(f"/projects/{second.project.id}/steps/1/start")
    foreign = tasks_of(second.project.id)[0]
    leader = login_as(first[Role.PROJECT_LEADER])
    for path in (f"/tasks/{foreign.id}/edit", f"/tasks/{foreign.id}/done",
                 f"/tasks/{foreign.id}/delete"):
        method = leader.get if path.endswith("edit") else leader.post
        assert method(f"/projects/{first.project.id}{path}").status_code == 404
    assert db.session.get(Task, foreign.id).done_at is None


def test_task_text_is_shown_as_text_never_as_html(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    hostile = '"><script>alert(1)</script>{{7*7}}'
    leader.post(f"/projects/{team.project.id}/tasks/new", data={
        "title": hostile, "description": "<b>vet</b>", "step": "1", "assignee_id": "0"})
    page = leader.get(f"/projects/{team.project.id}/steps/1").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<b>vet</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    assert "49" not in page.split("&lt;/script&gt;")[1][:10]


def test_mijn_taken_lists_open_tasks_first_by_deadline(create_project, login_as):
    team = create_project()
    leader_user = team[Role.PROJECT_LEADER]
    leader = login_as(leader_user)
    base = f"/projects/{team.project.id}/tasks/new"
    for title, due in (("Later", "2027-03-01"), ("Eerst", "2026-12-01"), ("Geen datum", "")):
        leader.post(base, data={"title": title, "step": "1", "assignee_id": str(leader_user.id),
                                "due_date": due})
    page = leader.get("/tasks").get_data(as_text=True)
    assert page.index("Eerst") < page.index("Later") < page.index("Geen datum")
    assert "1 december 2026" in page


def test_dashboard_shows_my_tasks_projects_and_the_portfolio(create_project, client):
    team = create_project("Verhuizing doorgeven")
    login(client, team[Role.PROJECT_LEADER])
    client.post(f"/projects/{team.project.id}/steps/1/start")
    page = client.get("/").get_data(as_text=True)
    assert "Mijn openstaande taken" in page and "Kick-off organiseren" in page
    assert "Verhuizing doorgeven" in page
    assert "Stap 1: Samenstellen projectgroep" in page
    assert "Portfolio" in page


def test_a_task_on_the_dashboard_leads_to_its_work_as_in_mijn_taken(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    dashboard = advisor.get("/").get_data(as_text=True)
    mine = advisor.get("/tasks").get_data(as_text=True)
    works = re.findall(r'href="([^"]*)">Naar het werk', mine)
    assert works and all(f'href="{url.split("?")[0]}' in dashboard for url in works)


def test_a_task_goes_only_to_a_team_member_whoever_asks(create_project):
    team = create_project()
    with pytest.raises(InvalidInput, match="alleen aan een teamlid"):
        tasks.add_task(team.project, team[Role.PROJECT_LEADER], title="Bellen", description="",
                       step=Step.TEAM, assignee_id=team.outsider.id, due_date=None)
