"""Closing a step is a decision, not a lapse: what would end unfinished is listed, each piece
is ended with a reason by the person who closes (or closing is refused), and the reasons are
in the history. Step 10's unfinished actions: see test_implementation."""

from __future__ import annotations

import pytest
from conftest import Team, put_in_step

from wasstraat import closing
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import AuditEvent, ImplementationItem, Task
from wasstraat.steps import services as steps
from wasstraat.tasks import services as tasks
from wasstraat.workflow import EndReason, Role, Step, StepStatus, TaskClosure


@pytest.fixture
def team(create_project) -> Team:
    """Step 1 with its products confirmed: it may close, but the sponsor has not ticked
    their task."""
    team = create_project()
    project, leader = team.project, team[Role.PROJECT_LEADER]
    steps.start_step(project, Step.TEAM, leader)
    for key in ("team", "kickoff"):
        steps.confirm_product(project, Step.TEAM, Step.TEAM.definition.product(key), leader,
                              {Role.PROJECT_LEADER}, variant="", note="")
    db.session.commit()
    return team


def close_url(team: Team) -> str:
    return f"/projects/{team.project.id}/steps/1/close"


def sponsor_task(team: Team) -> Task:
    db.session.expire_all()
    return db.session.scalar(db.select(Task).where(
        Task.project_id == team.project.id, Task.assignee_id == team[Role.SPONSOR].id,
        Task.step == 1))


def test_the_step_page_lists_what_would_end_unfinished(team, login_as):
    task = sponsor_task(team)
    assert [end.key for end in closing.loose_ends(team.project, Step.TEAM)] == [
        f"task_{task.id}"]
    page = login_as(team[Role.PROJECT_LEADER]).get(
        f"/projects/{team.project.id}/steps/1").get_data(as_text=True)
    assert "Nog 1 punt is niet af" in page
    assert task.title in page and team[Role.SPONSOR].name in page
    assert 'name="all_ends"' in page and f'name="task_{task.id}_note"' in page
    # "Wat nu?" leads to that list instead of closing at once.
    project = login_as(team[Role.PROJECT_LEADER]).get(f"/projects/{team.project.id}")
    assert "#loose-ends-heading\"" in project.get_data(as_text=True)


@pytest.mark.parametrize("sent, message", [
    ({}, "Kies of dit nog gebeurt of waarom het vervalt."),
    ({"reason": "other", "note": "  "}, "Schrijf op waarom dit niet meer gedaan wordt."),
    ({"reason": "forget_it"}, "Ongeldige keuze."),
    ({"reason": "other", "note": "x" * 501}, "500"),
])
def test_closing_without_a_decision_for_each_piece_is_refused_and_changes_nothing(
        team, login_as, sent, message):
    task = sponsor_task(team)
    data = {}
    if "reason" in sent:
        data[f"task_{task.id}"] = sent["reason"]
    if "note" in sent:
        data[f"task_{task.id}_note"] = sent["note"]
    refused = login_as(team[Role.PROJECT_LEADER]).post(close_url(team), data=data)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert sponsor_task(team).done_at is None
    assert team.project.step_status(Step.TEAM) is StepStatus.IN_PROGRESS


def test_with_a_reason_each_piece_ends_and_the_history_says_why(team, login_as):
    task = sponsor_task(team)
    leader = login_as(team[Role.PROJECT_LEADER])
    response = leader.post(close_url(team), data={
        f"task_{task.id}": "other", f"task_{task.id}_note": "De sponsor is vervangen."})
    assert response.status_code == 303
    ended = sponsor_task(team)
    assert ended.closed_as is TaskClosure.ENDED and ended.end_reason is EndReason.OTHER
    assert ended.end_note == "De sponsor is vervangen."
    assert ended.done_by_id == team[Role.PROJECT_LEADER].id
    # Nothing of the step lapsed silently.
    assert not db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.closed_as == TaskClosure.WITH_STEP)).all()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "task.end"))
    assert event.after["end_reason"] == "other" and event.object_id == task.id
    history = leader.get(f"/projects/{team.project.id}/history").get_data(as_text=True)
    assert "Taak niet afgemaakt: beëindigd met reden" in history
    assert "De sponsor is vervangen." in history
    steps_page = leader.get(f"/projects/{team.project.id}/steps/1").get_data(as_text=True)
    assert "beëindigd op" in steps_page and "De sponsor is vervangen." in steps_page


def test_one_reason_for_all_and_a_reopened_step_opens_the_ended_work_again(team, login_as):
    leader = login_as(team[Role.PROJECT_LEADER])
    assert leader.post(close_url(team), data={"all_ends": "next_cycle"}).status_code == 303
    assert sponsor_task(team).end_reason is EndReason.NEXT_CYCLE
    assert leader.post(f"/projects/{team.project.id}/steps/1/reopen",
                       data={"reason": "De kick-off moet over."}).status_code == 303
    reopened = sponsor_task(team)
    assert reopened.done_at is None and reopened.end_reason is None
    assert reopened.closed_as is None


def test_an_ended_task_cannot_be_ticked_or_opened_by_hand(team, login_as):
    task = sponsor_task(team)
    login_as(team[Role.PROJECT_LEADER]).post(close_url(team), data={"all_ends": "not_needed"})
    sponsor = login_as(team[Role.SPONSOR])
    refused = sponsor.post(f"/projects/{team.project.id}/tasks/{task.id}/done",
                           data={"done": "0"})
    assert refused.status_code == 409
    assert sponsor_task(team).closed_as is TaskClosure.ENDED


def test_a_step_whose_work_is_all_done_closes_at_once(team, login_as):
    tasks.set_done(sponsor_task(team), team[Role.SPONSOR], True)
    db.session.commit()
    assert closing.loose_ends(team.project, Step.TEAM) == []
    assert login_as(team[Role.PROJECT_LEADER]).post(close_url(team)).status_code == 303
    assert sponsor_task(team).closed_as is TaskClosure.BY_HAND


def test_a_close_that_does_not_finish_leaves_added_tasks_and_other_steps_alone(team):
    """Only the step's own tasks of the method end with it: a task added by hand, or one of
    another step, is not the closer's to decide on."""
    leader = team[Role.PROJECT_LEADER]
    added = tasks.add_task(team.project, leader, title="Zaal reserveren", description="",
                           step=Step.TEAM, assignee_id=leader.id, due_date=None)
    later = tasks.add_task(team.project, leader, title="Voor stap 2", description="",
                           step=Step.KPIS, assignee_id=leader.id, due_date=None)
    db.session.commit()
    keys = {end.key for end in closing.loose_ends(team.project, Step.TEAM)}
    assert keys == {f"task_{sponsor_task(team).id}"}
    assert f"task_{added.id}" not in keys and f"task_{later.id}" not in keys


def test_step_10_lists_its_actions_not_done_as_loose_ends(create_project):
    team = create_project()
    put_in_step(team.project, Step.EXECUTION)
    idea = improvements.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                        resolve(team.project, "step", 6), title="Webformulier",
                                        description="", proposer_id=None)
    item = ImplementationItem(project_id=team.project.id, improvement_id=idea.id, position=1,
                              adoption="taken_over", status="in_progress")
    db.session.add(item)
    db.session.commit()
    ends = closing.loose_ends(team.project, Step.EXECUTION)
    assert [(end.key, end.kind) for end in ends if end.action is not None] == [
        (f"action_{item.id}", "Actie")]
