"""Steps 9 and 10: the process owner orders and approves the implementation plan; the team
carries it out; the evaluation closes the loop and the closed project is read-only."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import END_ALL, Team, give_go, organisation_today
from conftest import put_in_step as in_step
from docx import Document

from wasstraat import closing
from wasstraat.errors import InvalidInput, WorkflowError
from wasstraat.extensions import db
from wasstraat.implementation import services as implementation
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import (
    AuditEvent,
    ImplementationApproval,
    ImplementationItem,
    ImplementationOrder,
    Kpi,
    KpiMeasurement,
    Notification,
    PlanApproval,
    PlanVersion,
    Project,
    StepState,
    Task,
)
from wasstraat.plans import services as plans
from wasstraat.steps import services as steps
from wasstraat.workflow import EndReason, Role, Step, StepStatus

TITLES = ["Statusbericht per e-mail", "Kenteken automatisch", "Overdracht schrappen"]


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture
def clients(team: Team, login_as) -> dict:
    return {role: login_as(user) for role, user in team.members.items()}


def put_in_step(team: Team, step: Step) -> None:
    in_step(team.project, step)


@pytest.fixture
def plan(team: Team, clients: dict) -> dict[str, int]:
    """An approved final improvement plan of three; step 9 started by the leader takes it over."""
    put_in_step(team, Step.ADJUST)
    leader = team[Role.PROJECT_LEADER]
    scores = [("quick_win", 3, 2), ("long_term", 5, 4), ("quick_win", 5, 1)]
    for title, (horizon, impact, effort) in zip(TITLES, scores, strict=True):
        row = improvements.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                           title=title, description="", proposer_id=None)
        row.decision, row.horizon, row.impact, row.effort = "in_plan", horizon, impact, effort
    db.session.flush()
    final = plans.make_final(team.project, leader, [])
    db.session.add(PlanApproval(plan_version_id=final.id, approver_name="PO"))
    state = team.project.step_state(Step.ADJUST)
    state.status = StepStatus.DONE.value
    db.session.commit()
    assert clients[Role.PROJECT_LEADER].post(
        f"/projects/{team.project.id}/steps/9/start").status_code == 303
    return {item.improvement.title: item.id for item in items(team)}


def items(team: Team) -> list[ImplementationItem]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ImplementationItem).where(
        ImplementationItem.project_id == team.project.id).order_by(ImplementationItem.position)))


def order_of(team: Team) -> list[str]:
    return [i.improvement.title for i in items(team)]


def lock_version(team: Team) -> int:
    return db.session.scalar(db.select(ImplementationOrder.version).where(
        ImplementationOrder.project_id == team.project.id))


def base(team: Team) -> str:
    return f"/projects/{team.project.id}/implementation"


def decide(client, team: Team, item_id: int, **fields):
    version = db.session.scalar(db.select(ImplementationItem.version).where(
        ImplementationItem.id == item_id))
    data = {"adoption": "taken_over", "responsible_id": team[Role.SUBJECT_EXPERT].id,
            "start_on": "2027-01-04", "end_on": "2027-02-26", "version": version, **fields}
    return client.post(f"{base(team)}/items/{item_id}", data=data)


def test_step_9_starts_from_the_improvements_of_the_final_plan(team, plan):
    assert order_of(team) == TITLES


def test_only_the_process_owner_orders_and_the_order_is_kept(team, clients, plan):
    ids = [plan[t] for t in reversed(TITLES)]
    for role in (Role.PROJECT_LEADER, Role.SPONSOR, Role.TEAM_MANAGER):
        response = clients[role].post(f"{base(team)}/order",
                                      data={"item": ids, "version": lock_version(team)})
        assert response.status_code == 403, role
    assert order_of(team) == TITLES

    owner = clients[Role.PROCESS_OWNER]
    response = owner.post(f"{base(team)}/order", data={"item": ids, "version": lock_version(team)})
    assert response.status_code == 303
    assert order_of(team) == list(reversed(TITLES))
    page = clients[Role.SPONSOR].get(base(team)).get_data(as_text=True)
    positions = [page.index(title) for title in reversed(TITLES)]
    assert positions == sorted(positions)  # others read the same order


def test_moving_by_keyboard_buttons_and_a_typed_place(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    third = plan[TITLES[2]]
    assert owner.post(f"{base(team)}/items/{third}/move",
                      data={"to": "2", "version": lock_version(team)}).status_code == 303
    assert order_of(team) == [TITLES[0], TITLES[2], TITLES[1]]
    assert owner.post(f"{base(team)}/items/{third}/move",
                      data={"position": "1", "version": lock_version(team)}).status_code == 303
    assert order_of(team) == [TITLES[2], TITLES[0], TITLES[1]]
    refused = owner.post(f"{base(team)}/items/{third}/move",
                         data={"position": "0", "version": lock_version(team)})
    assert refused.status_code == 422


def test_a_reorder_based_on_an_old_order_is_refused_with_the_current_order(team, clients, plan):
    owner, second_tab = clients[Role.PROCESS_OWNER], clients[Role.PROCESS_OWNER]
    seen = lock_version(team)
    ids = [plan[t] for t in TITLES]
    assert owner.post(f"{base(team)}/order",
                      data={"item": [ids[1], ids[0], ids[2]], "version": seen}).status_code == 303
    stale = second_tab.post(f"{base(team)}/order", data={"item": [ids[2], ids[1], ids[0]],
                                                         "version": seen},
                            headers={"HX-Request": "true"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd" in body
    assert body.index(TITLES[1]) < body.index(TITLES[0])  # the current order is shown
    assert order_of(team) == [TITLES[1], TITLES[0], TITLES[2]]


def test_an_item_saved_over_someone_elses_change_gets_a_conflict(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    item_id = plan[TITLES[0]]
    version = db.session.scalar(db.select(ImplementationItem.version).where(
        ImplementationItem.id == item_id))
    assert decide(owner, team, item_id, version=version).status_code == 303
    stale = decide(owner, team, item_id, version=version, adoption="dropped",
                   drop_reason="Niet meer nodig")
    assert stale.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in stale.get_data(as_text=True)
    assert items(team)[0].adoption == "taken_over"


def test_dependencies_on_a_later_improvement_or_in_a_circle_are_refused(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    first, second, third = (plan[t] for t in TITLES)
    refused = decide(owner, team, first, waits_for_id=second)
    assert refused.status_code == 409
    assert "staat later in de volgorde" in refused.get_data(as_text=True)
    assert decide(owner, team, second, waits_for_id=first).status_code == 303
    assert decide(owner, team, third, waits_for_id=second).status_code == 303
    # Putting the third first would place it before what it waits for.
    refused = owner.post(f"{base(team)}/order", data={"item": [third, first, second],
                                                      "version": lock_version(team)})
    assert refused.status_code == 409
    assert order_of(team) == TITLES
    refused = decide(owner, team, first, waits_for_id=third)  # 1 -> 3 -> 2 -> 1
    assert refused.status_code == 409
    assert "kring" in refused.get_data(as_text=True)


def test_a_taken_over_improvement_needs_a_responsible_and_dates(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    item_id = plan[TITLES[0]]
    response = decide(owner, team, item_id, responsible_id="", end_on="2026-12-01")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Kies wie verantwoordelijk is" in body and "Het einde ligt vóór de start" in body
    assert decide(owner, team, item_id, adoption="deferred").status_code == 422
    assert decide(owner, team, item_id, adoption="deferred",
                  deferred_until="2027-09-01").status_code == 303
    assert items(team)[0].start_on is not None  # planning kept for when it comes back


def test_the_suggestion_puts_quick_wins_with_high_impact_first_when_chosen(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    assert order_of(team) == TITLES  # offered, not imposed
    assert owner.post(f"{base(team)}/suggestion",
                      data={"version": lock_version(team)}).status_code == 303
    assert order_of(team) == [TITLES[2], TITLES[0], TITLES[1]]


def approve_all(team: Team, clients: dict, plan: dict) -> None:
    owner = clients[Role.PROCESS_OWNER]
    for n, title in enumerate(TITLES):
        assert decide(owner, team, plan[title], start_on=f"2027-0{n + 1}-01",
                      end_on=f"2027-0{n + 2}-28").status_code == 303
    assert owner.post(f"{base(team)}/approve").status_code == 303


def test_only_the_process_owner_approves_and_step_9_closes_on_it(team, clients, plan):
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    assert owner.post(f"{base(team)}/approve").status_code == 409  # no one responsible yet
    assert leader.post(f"/projects/{team.project.id}/steps/9/close", data=END_ALL).status_code == 409
    approve_all(team, clients, plan)
    assert leader.post(f"{base(team)}/approve").status_code == 403
    assert owner.post(f"{base(team)}/approve").status_code == 409  # approved as it is
    timeline = clients[Role.SPONSOR].get(base(team)).get_data(as_text=True)
    assert "jan 2027" in timeline and "apr 2027" in timeline
    give_go(clients[Role.SPONSOR], team.project, 9)
    assert leader.post(f"/projects/{team.project.id}/steps/9/close", data=END_ALL).status_code == 303


def test_a_change_after_approval_needs_a_new_approval(team, clients, plan):
    approve_all(team, clients, plan)
    owner = clients[Role.PROCESS_OWNER]
    assert owner.post(f"{base(team)}/items/{plan[TITLES[2]]}/move",
                      data={"to": "1", "version": lock_version(team)}).status_code == 303
    refused = clients[Role.PROJECT_LEADER].post(f"/projects/{team.project.id}/steps/9/close", data=END_ALL)
    assert refused.status_code == 409
    assert "gewijzigd na de vaststelling" in refused.get_data(as_text=True)


def execute(team: Team, clients: dict, plan: dict) -> None:
    approve_all(team, clients, plan)
    leader = clients[Role.PROJECT_LEADER]
    give_go(clients[Role.SPONSOR], team.project, 9)
    assert leader.post(f"/projects/{team.project.id}/steps/9/close", data=END_ALL).status_code == 303
    assert leader.post(f"/projects/{team.project.id}/steps/10/start").status_code == 303


def test_each_action_is_a_task_of_its_responsible_person_who_updates_it(team, clients, plan):
    execute(team, clients, plan)
    expert = clients[Role.SUBJECT_EXPERT]
    tasks = db.session.scalars(db.select(Task).where(Task.origin == "action")).all()
    assert {t.title for t in tasks} == set(TITLES)
    assert all(t.assignee_id == team[Role.SUBJECT_EXPERT].id for t in tasks)
    item_id = plan[TITLES[0]]
    assert f"/implementation/actions/{item_id}" in expert.get("/tasks").get_data(as_text=True)

    path = f"{base(team)}/actions/{item_id}"
    refused = expert.post(path, data={"status": "blocked", "version": 2})
    assert refused.status_code == 409
    assert "geblokkeerd" in refused.get_data(as_text=True)
    version = db.session.scalar(db.select(ImplementationItem.version).where(
        ImplementationItem.id == item_id))
    assert expert.post(path, data={"status": "blocked", "blocked_reason": "Wacht op RDW",
                                   "version": version}).status_code == 303
    assert expert.post(f"{path}/notes", data={"text": "Offerte aangevraagd"}).status_code == 303
    assert clients[Role.SPONSOR].post(f"{path}/notes", data={"text": "x"}).status_code == 403
    page = clients[Role.SPONSOR].get(path).get_data(as_text=True)
    assert "Geblokkeerd" in page and "Offerte aangevraagd" in page


def test_step_10_closes_only_with_an_evaluation_moment_and_then_the_project_is_read_only(
        team, clients, plan):
    execute(team, clients, plan)
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    project = f"/projects/{team.project.id}"
    assert owner.post(f"{project}/steps/10/products/executed/confirm").status_code == 403
    assert leader.post(f"{project}/steps/10/products/executed/confirm",
                       data={"executed-note": "Klaar"}).status_code == 303
    confirm_chores(team, clients)
    refused = owner.post(f"{project}/steps/10/close", data=END_ALL)
    assert refused.status_code == 409
    assert "evaluatiemoment" in refused.get_data(as_text=True)
    assert leader.post(f"{project}/steps/10/close", data=END_ALL).status_code == 403  # the owner closes

    evaluation = f"{base(team)}/evaluation"
    assert owner.post(evaluation, data={"version": 0, "planned_on": "not a date",
                                        "owner_id": team[Role.PROCESS_OWNER].id}
                      ).status_code == 422
    assert owner.post(evaluation, data={"version": 0, "planned_on": "2027-09-01",
                                        "owner_id": team[Role.PROCESS_OWNER].id}
                      ).status_code == 303
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen", direction="lower",
              baseline_value=21, baseline_date=date(2026, 9, 1), target_value=5)
    db.session.add(kpi)
    db.session.commit()
    kpi_id = kpi.id
    measure = f"{evaluation}/measurements"
    assert owner.post(measure, data={"kpi_id": kpi_id, "value": "nan",
                                     "measured_on": "2027-09-01"}).status_code == 422
    future = owner.post(measure, data={"kpi_id": kpi_id, "value": "4",
                                       "measured_on": (organisation_today() + timedelta(days=1)).isoformat()})
    assert future.status_code == 409 and "in de toekomst" in future.get_data(as_text=True)
    assert owner.post(measure, data={"kpi_id": kpi_id, "value": "4",
                                     "measured_on": "2026-11-01"}).status_code == 303
    results = clients[Role.SPONSOR].get(evaluation).get_data(as_text=True)
    assert "Nulmeting 21, nameting 4" in results

    assert owner.post(f"{project}/steps/10/close", data=END_ALL).status_code == 303
    # Closed: readable, not changeable, by anyone.
    assert clients[Role.SPONSOR].get(project).status_code == 200
    assert leader.post(f"{project}/steps/1/notes", data={"notes": "x", "version": 1}
                       ).status_code == 403
    assert owner.post(measure, data={"kpi_id": kpi_id, "value": "3",
                                     "measured_on": "2026-11-15"}).status_code == 403
    assert leader.post(f"{project}/edit", data={"name": "Anders"}).status_code == 403
    # Reopening is the process owner's recorded decision.
    assert leader.post(f"{project}/steps/10/reopen", data={"reason": "Nameting"}
                       ).status_code == 403
    assert owner.post(f"{project}/steps/10/reopen", data={"reason": "Nog een nameting"}
                      ).status_code == 303
    assert owner.post(measure, data={"kpi_id": kpi_id, "value": "3",
                                     "measured_on": "2026-11-15"}).status_code == 303


def test_closing_step_10_asks_what_becomes_of_unfinished_actions_and_reports_it(
        team, clients, plan):
    """An action not done is ended by the process owner with a reason (its task with it);
    the evaluation and the implementation plan document say which and why."""
    execute(team, clients, plan)
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    expert = clients[Role.SUBJECT_EXPERT]
    project = f"/projects/{team.project.id}"
    done, unfinished = plan[TITLES[0]], plan[TITLES[1]]
    proposer = team[Role.TEAM_MANAGER]
    db.session.get(ImplementationItem, done).improvement.proposer_id = proposer.id
    db.session.commit()
    version = db.session.scalar(db.select(ImplementationItem.version).where(
        ImplementationItem.id == done))
    assert expert.post(f"{base(team)}/actions/{done}",
                       data={"status": "done", "version": version}).status_code == 303
    # Whoever proposed it hears that it was carried out.
    told = db.session.scalars(db.select(Notification).where(
        Notification.user_id == proposer.id, Notification.outcome == "done")).all()
    assert [(n.title, n.step) for n in told] == [(TITLES[0], 10)]
    assert leader.post(f"{project}/steps/10/products/executed/confirm").status_code == 303
    confirm_chores(team, clients)
    assert owner.post(f"{base(team)}/evaluation", data={
        "version": 0, "planned_on": "2027-09-01", "owner_id": team[Role.PROCESS_OWNER].id}
    ).status_code == 303
    page = owner.get(f"{project}/steps/10").get_data(as_text=True)
    assert f'name="action_{unfinished}"' in page and f'name="action_{done}"' not in page

    # The close that finishes the project asks when the process description is reviewed:
    # in a year unless the owner chooses otherwise, never in the past.
    next_year = closing.default_revisit()
    assert f'value="{next_year.isoformat()}"' in page
    refused = owner.post(f"{project}/steps/10/close", data={
        f"action_{unfinished}": "next_cycle", "revisit_on": next_year.isoformat()})
    assert refused.status_code == 422  # the third action and the chores are undecided
    decided = {f"action_{unfinished}": "next_cycle", "all_ends": "not_needed"}
    for revisit_on, message in (("", "Vul een geldige datum in."),
                                ("2020-01-01", "Kies een datum na vandaag.")):
        refused = owner.post(f"{project}/steps/10/close",
                             data={**decided, "revisit_on": revisit_on})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
        assert db.session.get(ImplementationItem, unfinished).end_reason is None
    # The rule is the service's, not only the form's: no close finishes a project without it.
    with pytest.raises(InvalidInput) as missing:
        closing.close_step(team.project, Step.EXECUTION, team[Role.PROCESS_OWNER],
                           steps.confirmations_by_key(team.project), {
                               end.key: closing.Ending(EndReason.NOT_NEEDED)
                               for end in closing.loose_ends(team.project, Step.EXECUTION)})
    assert "revisit_on" in missing.value.problems
    db.session.rollback()
    assert owner.post(f"{project}/steps/10/close",
                      data={**decided, "revisit_on": "2028-03-01"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, team.project.id).revisit_on == date(2028, 3, 1)

    db.session.expire_all()
    item = db.session.get(ImplementationItem, unfinished)
    assert item.end_reason == "next_cycle" and item.status == "not_started"
    task = db.session.scalar(db.select(Task).where(
        Task.link == f"implementation.action:item_id={unfinished}"))
    assert task.closed_as == "ended" and task.end_reason == "next_cycle"
    assert not db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.step == 10, Task.closed_as == "step")).all()
    evaluation = clients[Role.SPONSOR].get(f"{base(team)}/evaluation").get_data(as_text=True)
    assert "Niet afgemaakt, met reden beëindigd" in evaluation
    assert f"Actie: {TITLES[1]}" in evaluation and "Naar de vervolgcyclus" in evaluation
    assert f"Actie: {TITLES[0]}" not in evaluation
    document = owner.get(f"{project}/documents/implementation-plan.docx")
    assert document.status_code == 200
    text = docx_text(document.data)
    assert "Niet afgemaakt, met reden beëindigd" in text
    assert f"Actie: {TITLES[1]}" in text and "Naar de vervolgcyclus" in text


def confirm_chores(team: Team, clients: dict) -> None:
    """Training, work instructions and communication: the products that keep the change."""
    project = f"/projects/{team.project.id}/steps/10/products"
    for role, key, data in (
            (Role.TEAM_MANAGER, "trained", {"trained-variant": "meeting"}),
            (Role.SUBJECT_EXPERT, "documented", {}),
            (Role.PROJECT_LEADER, "communicated", {"communicated-variant": "internal"})):
        assert clients[role].post(f"{project}/{key}/confirm", data=data).status_code == 303
    task = db.session.scalar(db.select(Task).where(
        Task.project_id == team.project.id, Task.template_key == "execution.training"))
    assert task.closed_as == "rule"  # done by the confirmation, not by a tick


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_no_final_plan_no_items(team, clients):
    put_in_step(team, Step.ADJUST)
    team.project.step_state(Step.ADJUST).status = StepStatus.DONE.value
    db.session.commit()
    assert clients[Role.PROJECT_LEADER].post(
        f"/projects/{team.project.id}/steps/9/start").status_code == 303
    assert items(team) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(PlanVersion)) == 0
    page = clients[Role.PROCESS_OWNER].get(base(team)).get_data(as_text=True)
    assert "Er staan nog geen verbeteringen in het implementatieplan" in page


def test_the_portfolio_flags_a_project_that_stays_too_long_in_one_step(team, clients, plan):
    state = db.session.scalar(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == int(Step.IMPLEMENTATION_PLAN)))
    # Noon in Amsterdam 45 of its days ago: days in a step are counted in the organisation's
    # days (a moment 45 x 24 hours ago may be 44 of them late in a winter evening).
    state.started_at = datetime.combine(organisation_today() - timedelta(days=45), time(12),
                                        tzinfo=ZoneInfo("Europe/Amsterdam"))
    db.session.commit()
    page = clients[Role.SPONSOR].get("/").get_data(as_text=True)
    row = page.split(f'id="portfolio-{team.project.id}"')[1].split("</li>")[0]
    assert "Staat al 45 dagen in deze stap (signaal na 30)" in row
    assert "portfolio__row--stalled" in page
    state.started_at = datetime.now(UTC) - timedelta(days=3)
    db.session.commit()
    row = clients[Role.SPONSOR].get("/").get_data(as_text=True).split(
        f'id="portfolio-{team.project.id}"')[1].split("</li>")[0]
    assert "3 dagen in deze stap" in row and "Staat al" not in row


def test_the_portfolio_shows_overdue_actions_and_the_kpi_results_of_closed_projects(
        team, clients, plan):
    execute(team, clients, plan)
    first = db.session.get(ImplementationItem, plan[TITLES[0]])
    first.end_on = date(2026, 1, 31)  # long past, not done
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen", direction="lower",
              baseline_value=21, target_value=5)
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=4, measured_on=date(2027, 9, 1)))
    db.session.commit()
    row = clients[Role.SPONSOR].get("/").get_data(as_text=True).split(
        f'id="portfolio-{team.project.id}"')[1].split("</li>")[0]
    assert "1 actie over de einddatum" in row
    assert "Doorlooptijd" not in row  # KPI results show once the project is closed
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = StepStatus.DONE.value
    db.session.commit()
    page = clients[Role.SPONSOR].get("/").get_data(as_text=True)
    row = page.split(f'id="portfolio-{team.project.id}"')[1].split("</ul>")[0]
    assert "Doorlooptijd: 21 → 4 dagen (doel 5): gemeten, streefwaarde gehaald" in row


def test_two_approvals_of_the_same_plan_at_once_leave_one_record(team, clients, plan):
    from wasstraat.errors import ConflictError
    from wasstraat.implementation import services
    from wasstraat.models import ImplementationApproval

    owner = clients[Role.PROCESS_OWNER]
    for title in TITLES:
        assert decide(owner, team, plan[title]).status_code == 303
    services.approve(team.project, team[Role.PROCESS_OWNER])
    with pytest.raises(ConflictError):  # the same plan, approved again at the same moment
        services.approve(team.project, team[Role.PROCESS_OWNER])
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(
        ImplementationApproval)) == 1


def test_the_approved_plan_cannot_be_changed_in_step_9_by_any_path(team, clients, plan):
    """The attack: in step 9 the author of an improvement deleted it and rewrote a title; the
    delete removed its implementation row and changed a finding of a signed review, and the
    implementation plan document showed the new title."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from wasstraat.models import AuditEvent, Improvement, PlanVersion, Review, ReviewFinding, utcnow

    expert = team[Role.SUBJECT_EXPERT]
    target = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == team.project.id, Improvement.title == TITLES[0])).one()
    target.created_by_id = expert.id  # the expert wrote it, so may edit it while it is a draft
    version = db.session.scalars(db.select(PlanVersion).where(
        PlanVersion.project_id == team.project.id)).one()
    review = Review(project_id=team.project.id, plan_version_id=version.id, domain="privacy",
                    verdict="approved", motivation="Akkoord.")
    db.session.add(review)
    db.session.flush()
    db.session.add(ReviewFinding(review_id=review.id, improvement_id=target.id,
                                 improvement_title=target.title, remark="Grondslag?"))
    db.session.flush()
    review.signed_at, review.signer_name = utcnow(), "Privacy officer"
    db.session.commit()
    target_id, review_id = target.id, review.id
    db.session.commit()
    base_url = f"/projects/{team.project.id}/improvements/{target_id}"
    writer = clients[Role.SUBJECT_EXPERT]

    deleted = writer.post(f"{base_url}/delete")
    assert deleted.status_code == 409
    current = db.session.get(Improvement, target_id).version
    renamed = writer.post(f"{base_url}/edit", data={"title": "Iets heel anders",
                                                    "description": "", "proposer_id": expert.id,
                                                    "version": current})
    assert renamed.status_code == 409
    assert "goedgekeurde versie" in renamed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Improvement, target_id).title == TITLES[0]
    assert len(items(team)) == 3
    assert not db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "improvement.delete")).all()
    document = clients[Role.PROCESS_OWNER].get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx")
    assert document.status_code == 200

    # Below the app: the database itself refuses to change what a specialist signed, also
    # through the cascade of a deleted improvement (its finding's improvement_id SET NULL).
    db.session.commit()  # no transaction of the test's own holds a lock meanwhile
    for sql in ("UPDATE review SET verdict = 'rejected' WHERE id = :r",
                "UPDATE review_finding SET remark = 'anders' WHERE review_id = :r",
                "DELETE FROM improvement WHERE id = :i"):
        with pytest.raises(DBAPIError, match="signed review"), db.engine.begin() as connection:
            connection.execute(text(sql), {"r": review_id, "i": target_id})
    finding = db.session.scalars(db.select(ReviewFinding).where(
        ReviewFinding.review_id == review_id)).one()
    assert finding.improvement_id == target_id and finding.remark == "Grondslag?"


# --- A long plan, a page at a time -----------------------------------------------------------

def many_items(team: Team, count: int) -> None:
    """``count`` more improvements taken into the plan at its end (a large project)."""
    from wasstraat.models import Improvement

    last = max(i.position for i in items(team))
    ideas = [Improvement(project_id=team.project.id, step=6, source_type="step", source_id=6,
                         title=f"Idee {n:04d}", decision="in_plan", horizon="long_term")
             for n in range(count)]
    db.session.add_all(ideas)
    db.session.flush()
    db.session.add_all(ImplementationItem(project_id=team.project.id, improvement_id=idea.id,
                                          position=last + n)
                       for n, idea in enumerate(ideas, start=1))
    db.session.commit()


def places(page: str) -> list[int]:
    import re
    return [int(n) for n in re.findall(r'class="order-item__place">(\d+)\.', page)]


def test_a_long_plan_shows_50_improvements_a_page_with_its_place_in_the_whole_order(
        team, clients, plan):
    many_items(team, 117)  # 120 in all: pages of 50, 50 and 20
    owner = clients[Role.PROCESS_OWNER]
    first = owner.get(base(team)).get_data(as_text=True)
    assert places(first) == list(range(1, 51))
    assert "Verbetering 1 tot en met 50 van 120." in first
    assert 'max="120"' in first and "Pagina 1 van 3" in first
    assert f'href="{base(team)}?page=2#order-section"' in first
    last = owner.get(f"{base(team)}?page=3").get_data(as_text=True)
    assert places(last) == list(range(101, 121))
    # The first on a later page can still go up: into the previous page.
    assert 'name="to" value="100"' in last
    assert "Pagina 3 van 3" in owner.get(f"{base(team)}?page=99").get_data(as_text=True)
    assert owner.get(f"{base(team)}?page=0").status_code == 400
    assert owner.get(f"{base(team)}?page=x").status_code == 400
    # Summaries read the whole plan: the suggestion shows its first ten and says how many more.
    assert "En nog 110 verbeteringen in deze volgorde." in first
    # Approval names ten unfinished improvements and counts the rest.
    assert "En nog 110 verbeteringen die niet compleet zijn." in first
    assert first.count("is nog niet compleet:") == 10


def test_a_typed_place_moves_an_improvement_across_pages_and_shows_where_it_landed(
        team, clients, plan):
    many_items(team, 117)
    owner = clients[Role.PROCESS_OWNER]
    last_id = items(team)[-1].id
    response = owner.post(f"{base(team)}/items/{last_id}/move",
                          data={"position": "1", "version": lock_version(team)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(team)}#item-{last_id}")
    assert items(team)[0].id == last_id
    second = items(team)[60].id
    response = owner.post(f"{base(team)}/items/{second}/move",
                          data={"position": "120", "version": lock_version(team)})
    assert response.headers["Location"].endswith(f"?page=3#item-{second}")
    assert [i.position for i in items(team)] == list(range(1, 121))
    # Under htmx the answer is the page the item landed on.
    partial = owner.post(f"{base(team)}/items/{second}/move", headers={"HX-Request": "true"},
                         data={"position": "75", "version": lock_version(team)})
    assert partial.status_code == 200
    assert places(partial.get_data(as_text=True)) == list(range(51, 101))


def test_dragging_within_a_page_reorders_that_page_only(team, clients, plan):
    many_items(team, 117)
    owner = clients[Role.PROCESS_OWNER]
    before = [i.id for i in items(team)]
    page_two = before[50:100]
    response = owner.post(f"{base(team)}/order?page=2", data={
        "item": list(reversed(page_two)), "version": lock_version(team)})
    assert response.status_code == 303
    assert "page=2" in response.headers["Location"]
    assert [i.id for i in items(team)] == before[:50] + page_two[::-1] + before[100:]
    history = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "implementation.order")).all()[-1]
    assert history.after["order"] == page_two[::-1]  # only the part that changed

    # Items that do not stand together in the order are refused, and nothing moves.
    now = [i.id for i in items(team)]
    scattered = [now[0], now[70], now[119]]
    response = owner.post(f"{base(team)}/order", data={"item": scattered,
                                                        "version": lock_version(team)})
    assert response.status_code == 409
    assert "past niet bij het plan" in response.get_data(as_text=True)
    assert [i.id for i in items(team)] == now


def test_the_approval_fingerprint_is_the_one_stored_approvals_carry(team, plan):
    """Hashed a row at a time now; it must equal the value approvals stored before."""
    import hashlib
    import json

    from wasstraat.implementation import services

    rows = items(team)
    before = hashlib.sha256(json.dumps(
        [[i.improvement_id, i.position, i.adoption, i.responsible_id, str(i.start_on),
          str(i.end_on), i.waits_for_id, str(i.deferred_until), i.drop_reason]
         for i in rows]).encode()).hexdigest()
    assert services.fingerprint(rows) == before
    assert services.fingerprint(services.plan_lines(team.project)) == before


@pytest.mark.parametrize("page", [1, 40])
def test_the_plan_runs_the_same_queries_on_page_1_and_page_40(page, team, clients, plan,
                                                              count_queries):
    owner = clients[Role.PROCESS_OWNER]
    path = f"{base(team)}?page={page}"
    owner.get(path)
    small = count_queries(lambda: owner.get(path))
    many_items(team, 2000)  # 41 pages
    assert f"Pagina {page} van 41" in owner.get(path).get_data(as_text=True)
    large = count_queries(lambda: owner.get(path))
    assert large == small, f"{path}: {small} queries with 3 items, {large} with 2003"


def test_the_owner_states_the_hours_each_improvement_takes(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    first = plan[TITLES[0]]
    for wrong in ("-1", "100001", "veel"):
        response = decide(owner, team, first, capacity_hours=wrong)
        assert response.status_code == 422, wrong
        assert items(team)[0].capacity_hours is None
    assert "Vul een aantal uren in van 0 tot en met 100.000." in decide(
        owner, team, first, capacity_hours="-1").get_data(as_text=True)
    approve_all(team, clients, plan)
    approved = plan_approval_fingerprint(team)
    assert decide(owner, team, first, start_on="2027-01-01", end_on="2027-02-28",
                  capacity_hours="120").status_code == 303  # as approved, with hours
    assert items(team)[0].capacity_hours == 120
    # The hours are part of what the owner approved: stating them asks for approval again.
    assert implementation.fingerprint(items(team)) != approved
    page = clients[Role.SPONSOR].get(f"{base(team)}/items/{first}").get_data(as_text=True)
    assert "120 uur" in page
    # The rule holds for any caller, not only the form.
    item = items(team)[0]
    with pytest.raises(WorkflowError, match="aantal uren"):
        implementation.update_item(item, team.project, team[Role.PROCESS_OWNER],
                                   expected_version=item.version, values={
                                       "adoption": "taken_over", "capacity_hours": -5,
                                       "responsible_id": team[Role.SUBJECT_EXPERT].id,
                                       "start_on": date(2027, 1, 1), "end_on": date(2027, 2, 28),
                                       "waits_for_id": None, "deferred_until": None,
                                       "drop_reason": ""})
    db.session.rollback()
    # A deferred improvement takes no hours.
    assert decide(owner, team, first, adoption="deferred", deferred_until="2027-06-01",
                  capacity_hours="80").status_code == 303
    assert items(team)[0].capacity_hours is None


def plan_approval_fingerprint(team: Team) -> str:
    return db.session.scalar(db.select(ImplementationApproval.fingerprint).where(
        ImplementationApproval.project_id == team.project.id)
        .order_by(ImplementationApproval.id.desc()).limit(1))


def test_the_person_responsible_is_on_the_team_for_any_caller(team, plan):
    item = items(team)[0]
    with pytest.raises(WorkflowError, match="De verantwoordelijke moet in het team zitten"):
        implementation.update_item(item, team.project, team[Role.PROCESS_OWNER],
                                   expected_version=item.version, values={
                                       "adoption": "taken_over", "capacity_hours": None,
                                       "responsible_id": team.outsider.id,
                                       "start_on": date(2027, 1, 1), "end_on": date(2027, 2, 28),
                                       "waits_for_id": None, "deferred_until": None,
                                       "drop_reason": ""})


# --- "Wacht op" in a long plan: a search instead of a list of every improvement ----------------

def waits_for_options(page: str) -> list[str]:
    import re
    select = re.search(r'<select[^>]*id="waits_for_id".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)

def test_a_short_plan_lists_every_earlier_improvement_to_wait_for(team, clients, plan):
    owner = clients[Role.PROCESS_OWNER]
    page = owner.get(f"{base(team)}/items/{plan[TITLES[2]]}").get_data(as_text=True)
    assert 'id="waits_q"' not in page
    assert f'value="{plan[TITLES[0]]}"' in page and f'value="{plan[TITLES[1]]}"' in page


def test_a_long_plan_searches_what_to_wait_for_and_keeps_the_current_choice(team, clients,
                                                                             plan):
    many_items(team, 150)
    owner = clients[Role.PROCESS_OWNER]
    last = items(team)[-1]
    page = owner.get(f"{base(team)}/items/{last.id}").get_data(as_text=True)
    assert 'id="waits_q"' in page and waits_for_options(page) == ["Op niets"]
    assert "Zoek hierboven om verbeteringen te kiezen." in page
    # Without JavaScript: the search form reloads the page with the matches, and only earlier ones.
    found = owner.get(f"{base(team)}/items/{last.id}?waits_q=idee 012").get_data(as_text=True)
    earlier = {i.improvement.title: i.id for i in items(team)}
    assert "10 verbeteringen gevonden." in found
    assert waits_for_options(found) == ["Op niets", *(f"Idee {n:04d}" for n in range(120, 130))]
    # Too many matches: the first 20, and a request to type more.
    broad = owner.get(f"{base(team)}/items/{last.id}?waits_q=idee").get_data(as_text=True)
    assert "Meer dan 20 gevonden" in broad
    # Under htmx: only the choices, for the field to swap in while typing.
    choices = owner.get(f"{base(team)}/items/{last.id}/waits-for?waits_q=0120",
                        headers={"HX-Request": "true"})
    body = choices.get_data(as_text=True)
    assert choices.status_code == 200 and body.lstrip().startswith('<div id="waits-for-choices">')
    assert "Idee 0120" in body and "<html" not in body
    # A chosen match is saved; the next view offers it without a search, so a save keeps it.
    assert decide(owner, team, last.id, waits_for_id=earlier["Idee 0120"]).status_code == 303
    page = owner.get(f"{base(team)}/items/{last.id}").get_data(as_text=True)
    assert f'<option selected value="{earlier["Idee 0120"]}">Idee 0120</option>' in page
    assert decide(owner, team, last.id).status_code == 303  # the form as shown: kept
    assert db.session.get(ImplementationItem, last.id).waits_for_id == earlier["Idee 0120"]


def test_waiting_for_what_the_search_did_not_offer_is_still_judged_by_the_plans_rules(
        team, clients, plan, create_project):
    many_items(team, 150)
    owner = clients[Role.PROCESS_OWNER]
    first, last = items(team)[0], items(team)[-1]
    refused = decide(owner, team, first.id, waits_for_id=last.id)
    assert refused.status_code == 409 and "staat later in de volgorde" in refused.get_data(
        as_text=True)
    refused = decide(owner, team, last.id, waits_for_id=999_999)
    assert refused.status_code == 409
    assert "Kies een andere verbetering uit dit plan" in refused.get_data(as_text=True)
    assert db.session.get(ImplementationItem, last.id).waits_for_id is None
    sponsor = clients[Role.SPONSOR]
    assert sponsor.get(f"{base(team)}/items/{last.id}/waits-for?waits_q=idee").status_code == 403
