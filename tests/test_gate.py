"""The gate: a step the organisation gates closes only after its approver's "go"; a "no-go"
with a reason gives the work back to the project leader; both stay in the history and the
implementation plan document."""

from __future__ import annotations

import io
import re

import pytest
from conftest import END_ALL, Team
from docx import Document
from test_implementation import approve_all, base, clients, lock_version, plan, team  # noqa: F401

from wasstraat.errors import InvalidInput, WorkflowError
from wasstraat.extensions import db
from wasstraat.models import GateDecision, OrganisationSettings, Task
from wasstraat.steps import gate
from wasstraat.steps import services as steps
from wasstraat.workflow import GateVerdict, Role, Step

CLOSE_9 = "/projects/{}/steps/9/close"


def gate_of_9(team: Team) -> str:
    return f"/projects/{team.project.id}/steps/9/gate"


def decide(client, team: Team, verdict: str, reason: str = ""):
    return client.post(gate_of_9(team), data={"verdict": verdict, "reason": reason})


def close_9(client, team: Team):
    return client.post(CLOSE_9.format(team.project.id), data=END_ALL)


def gate_tasks(team: Team, role: Role) -> list[Task]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.step == Step.IMPLEMENTATION_PLAN,
        Task.assignee_id == team[role].id, Task.template_key.like("gate.%"))))


def test_a_gated_step_closes_only_after_the_sponsors_go(team, clients, plan):
    approve_all(team, clients, plan)
    leader, sponsor = clients[Role.PROJECT_LEADER], clients[Role.SPONSOR]
    refused = close_9(leader, team)
    assert refused.status_code == 409
    assert "Wacht op de go van de sponsor" in refused.get_data(as_text=True)
    [task] = gate_tasks(team, Role.SPONSOR)
    assert task.title == "Go of no-go geven" and task.done_at is None
    # The sponsor's "Wat nu?" leads to the gate, where the form is.
    project_page = sponsor.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert re.search(rf'href="/projects/{team.project.id}/steps/9[^"]*#gate"', project_page)
    step_page = sponsor.get(f"/projects/{team.project.id}/steps/9").get_data(as_text=True)
    assert 'id="gate"' in step_page and 'name="verdict"' in step_page
    swapped = sponsor.post(gate_of_9(team), data={"verdict": "go"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    after = swapped.get_data(as_text=True)
    assert "Wacht op de go" not in after and "door Sponsor van Aanvraag" in after
    [task] = gate_tasks(team, Role.SPONSOR)
    assert task.done_at is not None
    assert close_9(leader, team).status_code == 303


def test_a_go_waits_until_the_rest_of_the_step_is_in_order(team, clients, plan):
    refused = decide(clients[Role.SPONSOR], team, "go")
    assert refused.status_code == 409
    assert "zodra de rest van de stap in orde is" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(GateDecision)) == 0
    page = clients[Role.SPONSOR].get(f"/projects/{team.project.id}/steps/9")
    assert "Een no-go kan nu al" in page.get_data(as_text=True)
    # A no-go may come early: the approver stops what they will not let through.
    assert decide(clients[Role.SPONSOR], team, "no_go", "Niet zonder de RDW.").status_code == 303


def test_a_no_go_needs_its_reason_and_gives_the_work_back_to_the_leader(team, clients, plan):
    approve_all(team, clients, plan)
    leader, sponsor = clients[Role.PROJECT_LEADER], clients[Role.SPONSOR]
    empty = decide(sponsor, team, "no_go", "  ")
    assert empty.status_code == 422
    assert "Geef de reden van de no-go" in empty.get_data(as_text=True)
    assert decide(sponsor, team, "misschien").status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(GateDecision)) == 0

    reason = "Eerst de capaciteit van team Vergunningen regelen."
    assert decide(sponsor, team, "no_go", reason).status_code == 303
    [handed_back] = db.session.scalars(db.select(Task).where(Task.origin == "no_go")).all()
    assert handed_back.assignee_id == team[Role.PROJECT_LEADER].id
    assert handed_back.title == "No-go van de sponsor verwerken"
    assert handed_back.description == reason
    assert handed_back.done_at is None  # open until every approver says go
    refused = close_9(leader, team).get_data(as_text=True)
    assert "De sponsor gaf een no-go: Eerst de capaciteit van team Vergunningen regelen." \
        in refused
    assert "Eerst de capaciteit" in leader.get(
        f"/projects/{team.project.id}").get_data(as_text=True)  # "Wat nu?" says why

    # The leader adjusts the plan; the owner approves it again; the sponsor now says go.
    owner = clients[Role.PROCESS_OWNER]
    first = plan[next(iter(plan))]
    assert owner.post(f"{base(team)}/items/{first}/move",
                      data={"to": "3", "version": lock_version(team)}).status_code == 303
    assert owner.post(f"{base(team)}/approve").status_code == 303
    assert decide(sponsor, team, "go", "Akkoord met de nieuwe volgorde.").status_code == 303
    db.session.expire_all()
    assert db.session.get(Task, handed_back.id).done_at is not None
    assert close_9(leader, team).status_code == 303


def test_a_go_on_an_earlier_approval_lapses_when_the_plan_is_approved_again(team, clients, plan):
    approve_all(team, clients, plan)
    sponsor, owner = clients[Role.SPONSOR], clients[Role.PROCESS_OWNER]
    assert decide(sponsor, team, "go").status_code == 303
    first = plan[next(iter(plan))]
    assert owner.post(f"{base(team)}/items/{first}/move",
                      data={"to": "2", "version": lock_version(team)}).status_code == 303
    assert owner.post(f"{base(team)}/approve").status_code == 303
    refused = close_9(clients[Role.PROJECT_LEADER], team)
    assert refused.status_code == 409
    assert "gold voor een eerdere versie" in refused.get_data(as_text=True)
    [task] = gate_tasks(team, Role.SPONSOR)
    assert task.done_at is None  # asked again


def test_only_the_approver_decides(team, clients, plan):
    approve_all(team, clients, plan)
    for role in (Role.PROJECT_LEADER, Role.PROCESS_OWNER, Role.TEAM_MANAGER):
        assert decide(clients[role], team, "go").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(GateDecision)) == 0


def test_where_both_decide_the_step_waits_for_both(team, clients, plan):
    db.session.add(OrganisationSettings(gate_approver="both"))
    db.session.commit()
    approve_all(team, clients, plan)
    assert decide(clients[Role.SPONSOR], team, "no_go", "Eerst het budget.").status_code == 303
    assert decide(clients[Role.SPONSOR], team, "go").status_code == 303  # on second thought
    refused = close_9(clients[Role.PROJECT_LEADER], team)
    assert "Wacht op de go van de proceseigenaar" in refused.get_data(as_text=True)
    [handed_back] = db.session.scalars(db.select(Task).where(Task.origin == "no_go")).all()
    assert handed_back.done_at is None  # the gate has not passed: one approver is missing
    assert decide(clients[Role.PROCESS_OWNER], team, "go").status_code == 303
    db.session.expire_all()
    assert db.session.get(Task, handed_back.id).done_at is not None
    assert close_9(clients[Role.PROJECT_LEADER], team).status_code == 303


def test_a_step_the_organisation_does_not_gate_closes_without_a_go(team, clients, plan):
    db.session.add(OrganisationSettings(gated_steps=[8]))
    db.session.commit()
    approve_all(team, clients, plan)
    assert all(task.done_at for task in gate_tasks(team, Role.SPONSOR))  # nothing asked
    assert decide(clients[Role.SPONSOR], team, "go").status_code == 403
    assert close_9(clients[Role.PROJECT_LEADER], team).status_code == 303


def test_a_gate_switched_off_while_the_step_runs_asks_nothing_more(team, clients, plan):
    approve_all(team, clients, plan)
    [task] = gate_tasks(team, Role.SPONSOR)
    settings = OrganisationSettings(gated_steps=[])
    db.session.add(settings)
    db.session.commit()
    assert close_9(clients[Role.PROJECT_LEADER], team).status_code == 303
    db.session.expire_all()
    assert db.session.get(Task, task.id).closed_as.value == "rule"  # not lapsed


def test_reopening_the_step_asks_for_a_new_go(team, clients, plan):
    approve_all(team, clients, plan)
    leader = clients[Role.PROJECT_LEADER]
    assert decide(clients[Role.SPONSOR], team, "go").status_code == 303
    assert close_9(leader, team).status_code == 303
    assert leader.post(f"/projects/{team.project.id}/steps/9/reopen",
                       data={"reason": "De planning schuift."}).status_code == 303
    refused = close_9(leader, team)
    assert refused.status_code == 409 and "Wacht op de go" in refused.get_data(as_text=True)
    [decision] = db.session.scalars(db.select(GateDecision)).all()
    assert decision.superseded_at is not None  # kept in the history, no longer standing


def test_the_decisions_are_in_the_history_and_the_implementation_plan(team, clients, plan):
    approve_all(team, clients, plan)
    sponsor = clients[Role.SPONSOR]
    assert decide(sponsor, team, "no_go", "Eerst de risico's op een rij.").status_code == 303
    owner = clients[Role.PROCESS_OWNER]
    first = plan[next(iter(plan))]
    assert owner.post(f"{base(team)}/items/{first}/move",
                      data={"to": "3", "version": lock_version(team)}).status_code == 303
    assert owner.post(f"{base(team)}/approve").status_code == 303
    assert decide(sponsor, team, "go").status_code == 303
    history = sponsor.get(f"/projects/{team.project.id}/history").get_data(as_text=True)
    assert "Go of no-go gegeven" in history
    assert "No-go: eerst bijstellen" in history and "Go: de stap mag worden afgerond" in history
    assert "Eerst de risico" in history
    document = Document(io.BytesIO(sponsor.get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx").data))
    text = "\n".join(cell.text for table in document.tables for row in table.rows
                     for cell in row.cells)
    assert "no-go" in text and "Eerst de risico's op een rij." in text
    assert "Sponsor van Aanvraag parkeervergunning (sponsor)" in text
    decisions = db.session.scalars(db.select(GateDecision).order_by(GateDecision.id)).all()
    assert [d.verdict for d in decisions] == [GateVerdict.NO_GO, GateVerdict.GO]


def test_the_service_refuses_what_the_form_does_not_offer(team, clients, plan):
    """Beside the view's 403 and the form's checks: the service itself refuses a decision in
    a role the gate does not ask, and a no-go without its reason."""
    approve_all(team, clients, plan)
    project = db.session.get(type(team.project), team.project.id)
    with pytest.raises(WorkflowError):
        steps.decide_gate(project, Step.IMPLEMENTATION_PLAN, team[Role.PROCESS_OWNER],
                          {Role.PROCESS_OWNER}, verdict=GateVerdict.GO, reason="")
    with pytest.raises(WorkflowError):  # asked directly, in a role the gate does not ask
        gate.decide(project, Step.IMPLEMENTATION_PLAN, team[Role.PROCESS_OWNER],
                    Role.PROCESS_OWNER, verdict=GateVerdict.GO, reason="", rest=[])
    with pytest.raises(InvalidInput):
        steps.decide_gate(project, Step.IMPLEMENTATION_PLAN, team[Role.SPONSOR],
                          {Role.SPONSOR}, verdict=GateVerdict.NO_GO, reason="   ")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(GateDecision)) == 0
