"""Tasks follow the work: each task of the method closes when what finishes it comes to hold,
opens again when that stops holding, ends with its step, and nothing of a closed project stays
open. Tested per task template, through the same services the screens use; every change is
committed, as a request would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from conftest import Team

from wasstraat import guidance
from wasstraat.errors import WorkflowError
from wasstraat.extensions import db
from wasstraat.formulas import services as formulas
from wasstraat.implementation import services as implementation
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.journey import services as journey
from wasstraat.kpis import services as kpis
from wasstraat.models import (
    AuditEvent,
    ImplementationContribution,
    ImplementationItem,
    Improvement,
    Kpi,
    OrganisationSettings,
    ProcessCheck,
    ProcessStep,
    Project,
    Review,
    ServiceFormula,
    StepState,
    Task,
    WorkSession,
)
from wasstraat.plans import services as plans
from wasstraat.process import services as process
from wasstraat.projects import services as projects
from wasstraat.reviews import services as reviews
from wasstraat.sessions import services as sessions
from wasstraat.steps import services as steps
from wasstraat.tasks import services as tasks
from wasstraat.titles import step_title
from wasstraat.workflow import (
    SERVICE_PS,
    TASK_TEMPLATES,
    ActionStatus,
    GateVerdict,
    Role,
    Step,
    StepStatus,
    TaskClosure,
)


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def commit() -> None:
    """What the end of a request does (the tasks follow in the same commit)."""
    db.session.commit()


def project_of(team: Team) -> Project:
    return db.session.get(Project, team.project.id)


def at_step(team: Team, step: Step) -> None:
    """The steps before ``step`` done, then ``step`` started by the project leader."""
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id, StepState.step < int(step))):
        state.status = StepStatus.DONE.value
    db.session.flush()
    steps.start_step(project_of(team), step, team[Role.PROJECT_LEADER])
    commit()


def task(team: Team, key: str, step: Step | None = None) -> Task:
    """The task of the template for its role's holder (at ``step``: a gate's task is the
    same template at every gated step)."""
    template = TASK_TEMPLATES[key]
    query = db.select(Task).where(Task.project_id == team.project.id, Task.template_key == key,
                                  Task.assignee_id == team[template.role].id)
    if step is not None:
        query = query.where(Task.step == step)
    return db.session.scalars(query).one()


def state_of(row: Task) -> str:
    db.session.refresh(row)
    return row.closed_as or "open"


# --- What makes each condition hold, and stop holding -----------------------------------------

def leader(team: Team):
    return team[Role.PROJECT_LEADER]


def confirm(team: Team, step: Step, key: str) -> None:
    product = step.definition.product(key)
    variant = product.variants[0].key if product.variants else ""
    steps.confirm_product(project_of(team), step, product, team[product.confirmed_by[0]],
                          set(product.confirmed_by), variant=variant, note="")


def withdraw(team: Team, step: Step, key: str) -> None:
    project = project_of(team)
    steps.withdraw_confirmation(project, step, steps.confirmations_by_key(project)[key],
                                leader(team))


KPI = {"name": "Doorlooptijd", "definition": "Dagen tot besluit", "unit": "dagen",
       "direction": "lower", "baseline_value": 21.0, "baseline_date": date(2026, 9, 1),
       "baseline_source": "zaaksysteem", "target_value": 5.0, "target_date": date(2027, 6, 30)}


def add_kpi(team: Team, **changes: object) -> Kpi:
    return kpis.add_kpi(project_of(team), team[Role.PROCESS_ADVISOR], {**KPI, **changes})


def delete_kpis(team: Team) -> None:
    for row in kpis.kpis_of(project_of(team)):
        kpis.delete_kpi(row, project_of(team), leader(team))


def agree_kpis(team: Team) -> None:
    add_kpi(team)
    kpis.agree_kpi_set(project_of(team), team[Role.PROCESS_OWNER], {Role.PROCESS_OWNER})


def change_kpi(team: Team) -> None:
    row = kpis.kpis_of(project_of(team))[0]
    kpis.update_kpi(row, project_of(team), leader(team), expected_version=row.version,
                    values={**KPI, "target_value": 4.0})


def map_process(team: Team) -> None:
    process.add_step(project_of(team), team[Role.PROCESS_ADVISOR], {
        "activity": "Aanvraag registreren", "actor": "KCC", "system": "", "handover": False,
        "wait_days": 1.0, "work_minutes": 10, "remarks": ""})


def unmap_process(team: Team) -> None:
    for row in process.steps_of(project_of(team)):
        process.delete_step(row, project_of(team), leader(team))


def plan_check_session(team: Team) -> None:
    sessions.create_session(project_of(team), leader(team), step=Step.PROCESS, part="3b",
                            held_on=date(2026, 10, 1), kind="in_person", attendee_ids=[],
                            external_participants="", agenda="")


def drop_check_session(team: Team) -> None:
    for row in db.session.scalars(db.select(WorkSession).where(
            WorkSession.project_id == team.project.id)):
        db.session.delete(row)


def check_as(role: Role) -> Callable[[Team], None]:
    def _check(team: Team) -> None:
        process.record_check(project_of(team), team[role], confirmed=True, correction="")
    return _check


def drop_checks(team: Team) -> None:
    for row in db.session.scalars(db.select(ProcessCheck).where(
            ProcessCheck.project_id == team.project.id)):
        db.session.delete(row)


def record_journey(team: Team) -> None:
    journey.save_source(project_of(team), team[Role.JOURNEY_COACH], expected_version=None,
                        values={"source": "interviews", "source_link": "", "notes": ""})
    journey.add_phase(project_of(team), team[Role.JOURNEY_COACH], {
        "name": "Aanvragen", "resident_action": "", "touchpoints": "", "experience": -1,
        "pain_points": "", "quotes": "", "ideal": ""})


def drop_phases(team: Team) -> None:
    for row in journey.phases_of(project_of(team)):
        journey.delete_phase(row, project_of(team), leader(team))


def choose_formula(team: Team) -> None:
    formula = db.session.scalars(db.select(ServiceFormula).order_by(ServiceFormula.id)).first()
    formulas.choose_formula(project_of(team), leader(team), formula)


def unchoose_formula(team: Team) -> None:
    project_of(team).service_formula_id = None


def compare_formula(team: Team) -> None:
    choose_formula(team)
    for p in SERVICE_PS:
        formulas.save_comparison(project_of(team), team[Role.SUBJECT_EXPERT], p.key,
                                 expected_version=None, values={
                                     "promise": "", "internal_agreement": "",
                                     "current_practice": "Zo gaat het nu.", "match": "partly"})


def idea(team: Team, title: str = "Statusbericht per e-mail", decided: bool = True) -> int:
    row = improvements.add_improvement(project_of(team), leader(team),
                                       resolve(project_of(team), "step", 6), title=title,
                                       description="", proposer_id=None)
    if decided:
        row.decision, row.horizon, row.impact, row.effort = "in_plan", "quick_win", 4, 2
    db.session.flush()
    return row.id


def change_draft(team: Team) -> None:
    row = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == team.project.id)).first()
    row.description = "Aangepast na de versie."


def send_plan(team: Team) -> None:
    idea(team)
    plans.send_for_review(project_of(team), leader(team))


def open_privacy_review(team: Team) -> Review:
    reviews.choose_domains(project_of(team), leader(team), ["privacy"])
    return reviews.open_review(project_of(team), leader(team))[0]


def sign_review(team: Team, review: Review) -> None:
    review = db.session.get(Review, review.id)
    reviews.save_review(review, project_of(team), team[Role.PRIVACY_OFFICER],
                        expected_version=review.version,
                        values={"verdict": "approved", "motivation": "Geen bezwaar.",
                                "conditions": "", "dpia_criteria": [], "answers": []})
    reviews.sign(review, project_of(team), team[Role.PRIVACY_OFFICER], Role.PRIVACY_OFFICER,
                 expected_version=review.version)


def signed_review_step(team: Team) -> Review:
    """Step 7 with a plan sent by someone other than the privacy officer, review open."""
    review = open_privacy_review(team)
    return review


def make_final(team: Team) -> None:
    plans.make_final(project_of(team), leader(team), [])


def approve_final(team: Team) -> None:
    make_final(team)
    version = plans.latest_version(project_of(team))
    plans.approve(project_of(team), version, team[Role.PROCESS_OWNER], "")


def approved_plan_in_step_9(team: Team) -> None:
    """An approved final plan of one improvement, then step 9 (which takes it over)."""
    at_step(team, Step.ADJUST)
    idea(team)
    approve_final(team)
    commit()
    at_step(team, Step.IMPLEMENTATION_PLAN)


def plan_the_item(team: Team, end_on: date = date(2027, 2, 1)) -> None:
    item = implementation.items_of(project_of(team))[0]
    implementation.update_item(item, project_of(team), team[Role.PROCESS_OWNER],
                               expected_version=item.version, values={
                                   "adoption": "taken_over", "deferred_until": None,
                                   "drop_reason": "", "responsible_id": team[
                                       Role.SUBJECT_EXPERT].id,
                                   "start_on": date(2027, 1, 1), "end_on": end_on,
                                   "waits_for_id": None})


def approve_implementation(team: Team) -> None:
    plan_the_item(team)
    implementation.approve(project_of(team), team[Role.PROCESS_OWNER])


def replan_the_item(team: Team) -> None:
    """A changed planning: the approval no longer covers the plan as it is."""
    plan_the_item(team, end_on=date(2027, 3, 1))


def contribute_as(role: Role) -> Callable[[Team], None]:
    def _contribute(team: Team) -> None:
        implementation.contribute(project_of(team), team[role], role, "Eerst de quick wins.")
    return _contribute


def record_desired_process(team: Team) -> None:
    db.session.add(ProcessStep(project_id=team.project.id, variant="desired", position=1,
                               activity="Aanvraag online"))


def drop_desired_process(team: Team) -> None:
    for row in db.session.scalars(db.select(ProcessStep).where(ProcessStep.variant == "desired")):
        db.session.delete(row)


def drop_contributions(team: Team) -> None:
    for row in db.session.scalars(db.select(ImplementationContribution)):
        db.session.delete(row)


def in_execution(team: Team) -> None:
    approved_plan_in_step_9(team)
    approve_implementation(team)
    commit()
    at_step(team, Step.EXECUTION)


def set_action(status: ActionStatus) -> Callable[[Team], None]:
    def _set(team: Team) -> None:
        item = db.session.scalars(db.select(ImplementationItem)).one()
        implementation.update_action(item, project_of(team), team[Role.SUBJECT_EXPERT],
                                     expected_version=item.version, status=status.value,
                                     blocked_reason="")
    return _set


def plan_evaluation(team: Team) -> None:
    implementation.save_evaluation(project_of(team), team[Role.PROCESS_OWNER],
                                   expected_version=0, values={
                                       "planned_on": date(2027, 9, 1),
                                       "owner_id": team[Role.PROCESS_OWNER].id, "lessons": ""})


def drop_evaluation(team: Team) -> None:
    db.session.delete(implementation.evaluation_of(project_of(team)))


def go_from(role: Role) -> Callable[[Team], None]:
    def _go(team: Team) -> None:
        steps.decide_gate(project_of(team), Step.IMPLEMENTATION_PLAN, team[role], {role},
                          verdict=GateVerdict.GO, reason="")
    return _go


def approved_again(team: Team) -> None:
    """The implementation plan changed and approved again: a go given before no longer
    covers it."""
    replan_the_item(team)
    implementation.approve(project_of(team), team[Role.PROCESS_OWNER])


def both_decide(team: Team) -> None:
    db.session.add(OrganisationSettings(gate_approver="both"))
    approve_implementation(team)


def nothing(team: Team) -> None:
    """The step's own start is all the arranging this case needs."""


@dataclass(frozen=True)
class Case:
    step: Step
    hold: Callable[[Team], None]
    unhold: Callable[[Team], None]
    arrange: Callable[[Team], None] = nothing  # after the step started, before holding


def step_started(step: Step) -> Callable[[Team], None]:
    return lambda team: at_step(team, step)


CASES: dict[str, Case] = {
    "team.compose": Case(Step.TEAM, lambda t: confirm(t, Step.TEAM, "team"),
                         lambda t: withdraw(t, Step.TEAM, "team")),
    "team.kickoff": Case(Step.TEAM, lambda t: confirm(t, Step.TEAM, "kickoff"),
                         lambda t: withdraw(t, Step.TEAM, "kickoff")),
    "team.kickoff_expert": Case(Step.TEAM, lambda t: confirm(t, Step.TEAM, "kickoff"),
                                lambda t: withdraw(t, Step.TEAM, "kickoff")),
    "team.kickoff_advisor": Case(Step.TEAM, lambda t: confirm(t, Step.TEAM, "kickoff"),
                                 lambda t: withdraw(t, Step.TEAM, "kickoff")),
    "team.kickoff_coach": Case(Step.TEAM, lambda t: confirm(t, Step.TEAM, "kickoff"),
                               lambda t: withdraw(t, Step.TEAM, "kickoff")),
    "team.assignment": Case(
        Step.TEAM, lambda t: setattr(project_of(t), "assignment", "Sneller en duidelijker."),
        lambda t: setattr(project_of(t), "assignment", ""),
        arrange=lambda t: setattr(project_of(t), "assignment", "")),
    "kpis.propose": Case(Step.KPIS, add_kpi, delete_kpis),
    "kpis.baseline": Case(Step.KPIS, add_kpi,
                          lambda t: add_kpi(t, name="Tevredenheid", baseline_value=None,
                                            baseline_date=None)),
    "kpis.agree": Case(Step.KPIS, agree_kpis, change_kpi),
    "process.map": Case(Step.PROCESS, map_process, unmap_process),
    "process.map_expert": Case(Step.PROCESS, map_process, unmap_process),
    "process.plan_check": Case(Step.PROCESS, plan_check_session, drop_check_session),
    "process.check_owner": Case(Step.PROCESS, check_as(Role.PROCESS_OWNER), drop_checks,
                                arrange=map_process),
    "process.check_expert": Case(Step.PROCESS, check_as(Role.SUBJECT_EXPERT), drop_checks,
                                 arrange=map_process),
    "process.finish": Case(
        Step.PROCESS, lambda t: confirm(t, Step.PROCESS, "process_checked"),
        lambda t: withdraw(t, Step.PROCESS, "process_checked"),
        arrange=lambda t: (map_process(t), check_as(Role.PROCESS_OWNER)(t))),
    "journey.record": Case(Step.JOURNEY, record_journey, drop_phases),
    "journey.contribute": Case(Step.JOURNEY, record_journey, drop_phases),
    "formula.choose": Case(Step.SERVICE_FORMULA, choose_formula, unchoose_formula),
    "formula.compare": Case(Step.SERVICE_FORMULA, compare_formula, unchoose_formula),
    "plan.draft": Case(Step.IMPROVEMENT_PLAN, send_plan, change_draft),
    "plan.sort": Case(Step.IMPROVEMENT_PLAN, idea,
                      lambda t: idea(t, "Nog niet besloten", decided=False)),
    "review.organise": Case(
        Step.REVIEW, lambda t: sign_review(t, reviews.reviews_of(project_of(t))[0]),
        lambda t: (change_draft(t), plans.send_for_review(project_of(t), leader(t)),
                   reviews.open_review(project_of(t), leader(t))),
        arrange=lambda t: (send_plan(t), open_privacy_review(t))),
    "adjust.respond": Case(Step.ADJUST, make_final, change_draft, arrange=idea),
    "adjust.approve": Case(Step.ADJUST, approve_final, change_draft, arrange=idea),
    "adjust.process": Case(Step.ADJUST, record_desired_process, drop_desired_process),
    "implementation.decide": Case(Step.IMPLEMENTATION_PLAN, approve_implementation,
                                  replan_the_item),
    "implementation.planning": Case(Step.IMPLEMENTATION_PLAN,
                                    contribute_as(Role.PROJECT_LEADER), drop_contributions),
    "implementation.dependencies": Case(Step.IMPLEMENTATION_PLAN,
                                        contribute_as(Role.PROCESS_ADVISOR), drop_contributions),
    "implementation.capacity": Case(Step.IMPLEMENTATION_PLAN,
                                    contribute_as(Role.TEAM_MANAGER), drop_contributions),
    "gate.sponsor": Case(Step.IMPLEMENTATION_PLAN, go_from(Role.SPONSOR), approved_again,
                         arrange=approve_implementation),
    "gate.process_owner": Case(Step.IMPLEMENTATION_PLAN, go_from(Role.PROCESS_OWNER),
                               approved_again, arrange=both_decide),
    "execution.monitor": Case(Step.EXECUTION, set_action(ActionStatus.DONE),
                              set_action(ActionStatus.IN_PROGRESS)),
    "execution.evaluation": Case(Step.EXECUTION, plan_evaluation, drop_evaluation),
    **{f"execution.{chore}": Case(Step.EXECUTION, lambda t, k=key: confirm(t, Step.EXECUTION, k),
                                  lambda t, k=key: withdraw(t, Step.EXECUTION, k))
       for chore, key in (("training", "trained"), ("documentation", "documented"),
                          ("communication", "communicated"))},
}

ARRANGE_STEP: dict[Step, Callable[[Team], None]] = {
    Step.IMPLEMENTATION_PLAN: approved_plan_in_step_9,
    Step.EXECUTION: in_execution,
}


def test_every_task_template_with_a_condition_has_a_case():
    with_condition = {key for key, t in TASK_TEMPLATES.items() if t.done_when}
    assert set(CASES) == with_condition


@pytest.mark.parametrize("key", sorted(CASES))
def test_a_task_closes_when_its_condition_holds_and_reopens_when_it_stops(team, key):
    case = CASES[key]
    ARRANGE_STEP.get(case.step, step_started(case.step))(team)
    case.arrange(team)
    commit()
    row = task(team, key, case.step)
    assert state_of(row) == "open"

    case.hold(team)
    commit()
    assert state_of(row) == TaskClosure.BY_RULE.value
    assert row.done_at is not None

    case.unhold(team)
    commit()
    assert state_of(row) == "open"
    assert row.done_at is None and row.done_by_id is None


@pytest.mark.parametrize("key", sorted(k for k, t in TASK_TEMPLATES.items() if not t.done_when))
def test_a_task_without_a_condition_is_ticked_by_hand(team, key):
    template = TASK_TEMPLATES[key]
    step = next(s for s in Step if template in s.definition.tasks)
    ARRANGE_STEP.get(step, step_started(step))(team)
    row = task(team, key)
    tasks.set_done(row, team[template.role], True)
    commit()
    assert state_of(row) == TaskClosure.BY_HAND.value
    tasks.set_done(row, team[template.role], False)
    commit()
    assert state_of(row) == "open"


def test_a_task_a_rule_finishes_cannot_be_ticked_by_hand(team):
    at_step(team, Step.KPIS)
    row = task(team, "kpis.agree")
    with pytest.raises(WorkflowError, match="vanzelf"):
        tasks.set_done(row, team[Role.PROCESS_OWNER], True)


def test_the_review_task_closes_when_its_review_is_signed(team):
    at_step(team, Step.REVIEW)
    send_plan(team)
    review = open_privacy_review(team)
    commit()
    row = db.session.scalars(db.select(Task).where(Task.origin == "review")).one()
    assert state_of(row) == "open"
    sign_review(team, review)
    commit()
    assert state_of(row) == TaskClosure.BY_RULE.value


def test_the_action_task_follows_its_action(team):
    in_execution(team)
    row = db.session.scalars(db.select(Task).where(Task.origin == "action")).one()
    assert row.assignee_id == team[Role.SUBJECT_EXPERT].id
    set_action(ActionStatus.DONE)(team)
    commit()
    assert state_of(row) == TaskClosure.BY_RULE.value
    set_action(ActionStatus.IN_PROGRESS)(team)
    commit()
    assert state_of(row) == "open"


def test_closing_a_step_ends_its_open_tasks_and_reopening_brings_them_back(team):
    at_step(team, Step.TEAM)
    confirm(team, Step.TEAM, "team")
    confirm(team, Step.TEAM, "kickoff")
    commit()
    advocate = task(team, "team.advocate")
    steps.close_step(project_of(team), Step.TEAM, leader(team),
                     steps.confirmations_by_key(project_of(team)))
    commit()
    assert state_of(advocate) == TaskClosure.WITH_STEP.value
    assert advocate.done_by_id is None  # ended with the step, not done by someone
    assert state_of(task(team, "team.compose")) == TaskClosure.BY_RULE.value
    with pytest.raises(WorkflowError, match="beëindigd met haar stap"):
        tasks.set_done(advocate, team[Role.SPONSOR], True)

    steps.reopen_step(project_of(team), Step.TEAM, leader(team), "Nog een teamlid erbij")
    commit()
    assert state_of(advocate) == "open"
    assert state_of(task(team, "team.compose")) == TaskClosure.BY_RULE.value


def close_step_1(team: Team) -> None:
    """Step 1's products confirmed and the step closed, its other tasks left open."""
    confirm(team, Step.TEAM, "team")
    confirm(team, Step.TEAM, "kickoff")
    commit()
    steps.close_step(project_of(team), Step.TEAM, leader(team),
                     steps.confirmations_by_key(project_of(team)))
    commit()


def test_a_manual_task_of_a_closed_step_stays_until_the_project_closes(team):
    at_step(team, Step.TEAM)
    extra = tasks.add_task(project_of(team), leader(team), title="Bedankmail sturen",
                           description="", step=Step.TEAM, assignee_id=leader(team).id,
                           due_date=None)
    close_step_1(team)
    assert state_of(extra) == "open"
    for state in project_of(team).steps:
        state.status = StepStatus.DONE.value
    commit()
    assert state_of(extra) == TaskClosure.WITH_STEP.value


def test_after_the_project_closes_no_one_has_an_open_task(team):
    in_execution(team)
    set_action(ActionStatus.DONE)(team)
    plan_evaluation(team)
    for product in ("executed", "trained", "documented", "communicated"):
        confirm(team, Step.EXECUTION, product)
    commit()
    steps.close_step(project_of(team), Step.EXECUTION, team[Role.PROCESS_OWNER],
                     steps.confirmations_by_key(project_of(team)))
    commit()
    open_rows = db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.done_at.is_(None))).all()
    assert open_rows == []


def test_a_member_who_gains_a_role_gets_the_open_step_task_of_that_role(team, create_user):
    at_step(team, Step.KPIS)
    newcomer = create_user("Tweede procesadviseur")
    projects.add_member(project_of(team), leader(team), newcomer, {Role.PROCESS_ADVISOR})
    commit()
    rows = db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.template_key == "kpis.propose")).all()
    assert {r.assignee_id for r in rows} == {team[Role.PROCESS_ADVISOR].id, newcomer.id}


def test_a_task_of_someone_who_loses_the_role_goes_to_the_role(team, create_user):
    at_step(team, Step.KPIS)
    successor = create_user("Nieuwe procesadviseur")
    projects.add_member(project_of(team), leader(team), successor, {Role.SUBJECT_EXPERT})
    commit()
    row = task(team, "kpis.propose")
    advisor = db.session.scalars(db.select(Task).where(Task.id == row.id)).one().assignee_id
    membership = projects.membership_for(project_of(team), team[Role.PROCESS_ADVISOR])
    projects.set_roles(membership, leader(team), {Role.SUBJECT_EXPERT})
    commit()
    db.session.refresh(row)
    assert row.assignee_id is None and advisor == team[Role.PROCESS_ADVISOR].id
    theirs = projects.membership_for(project_of(team), successor)
    projects.set_roles(theirs, leader(team), {Role.SUBJECT_EXPERT, Role.PROCESS_ADVISOR})
    commit()
    db.session.refresh(row)
    assert row.assignee_id == successor.id


def test_the_project_keeps_its_process_owner_and_its_leader(team):
    owner = projects.membership_for(project_of(team), team[Role.PROCESS_OWNER])
    with pytest.raises(WorkflowError, match="proceseigenaar"):
        projects.remove_member(owner, leader(team))
    with pytest.raises(WorkflowError, match="proceseigenaar"):
        projects.set_roles(owner, leader(team), {Role.SUBJECT_EXPERT})
    lead = projects.membership_for(project_of(team), leader(team))
    with pytest.raises(WorkflowError, match="projectleider"):
        projects.set_roles(lead, leader(team), {Role.SUBJECT_EXPERT})


def test_a_sync_that_changes_tasks_is_in_the_audit_trail(team):
    at_step(team, Step.KPIS)
    agree_kpis(team)
    commit()
    rows = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "tasks.sync")).all()
    assert rows and rows[-1].after["done"] >= 1


def test_next_actions_offer_the_persons_own_work_then_the_step_moves(team, app):
    at_step(team, Step.KPIS)
    project = project_of(team)
    with app.test_request_context():
        owner_view = guidance.next_actions(project, team[Role.PROCESS_OWNER],
                                           {Role.PROCESS_OWNER})
        assert [a.text for a in owner_view.actions] == ["KPI-set en streefwaarden vaststellen"]
        assert owner_view.actions[0].url.endswith("/kpis#agreement-heading")
        sponsor_view = guidance.next_actions(project, team[Role.SPONSOR], {Role.SPONSOR})
        assert not sponsor_view.actions
        waiting_for = {w.who for w in sponsor_view.waiting}
        assert team[Role.PROCESS_OWNER].name in waiting_for
    agree_kpis(team)
    add_kpi(team, name="Contacten")  # a second KPI changes the set: the owner agrees again
    kpis.agree_kpi_set(project_of(team), team[Role.PROCESS_OWNER], {Role.PROCESS_OWNER})
    commit()
    with app.test_request_context():
        lead_view = guidance.next_actions(project_of(team), leader(team),
                                          {Role.PROJECT_LEADER})
        texts = [a.text for a in lead_view.actions]
        assert "Stap 2: KPI's bepalen afronden" in texts
        assert any(a.post for a in lead_view.actions)


def test_a_task_of_the_method_goes_only_to_a_holder_of_its_role(team):
    at_step(team, Step.KPIS)
    row = task(team, "kpis.agree")
    values = {"title": row.title, "description": "", "step": row.step, "due_date": None}
    with pytest.raises(WorkflowError, match="hoort bij de rol Proceseigenaar"):
        tasks.update_task(row, leader(team), expected_version=row.version,
                          values={**values, "assignee_id": team[Role.SUBJECT_EXPERT].id})
    db.session.rollback()
    row = task(team, "kpis.agree")
    tasks.update_task(row, leader(team), expected_version=row.version,
                      values={**values, "assignee_id": None})
    commit()
    assert state_of(row) == "open"
    db.session.refresh(row)
    assert row.assignee_id == team[Role.PROCESS_OWNER].id  # the role's holder takes it back


def test_a_step_closed_in_the_same_change_that_finished_the_work_counts_the_task_done(team):
    at_step(team, Step.TEAM)
    confirm(team, Step.TEAM, "team")
    confirm(team, Step.TEAM, "kickoff")
    steps.close_step(project_of(team), Step.TEAM, leader(team),
                     steps.confirmations_by_key(project_of(team)))
    commit()  # one transaction: the work and the close
    assert state_of(task(team, "team.compose")) == TaskClosure.BY_RULE.value
    assert state_of(task(team, "team.advocate")) == TaskClosure.WITH_STEP.value


def test_one_persons_check_or_proposal_does_not_finish_anothers_task(team):
    at_step(team, Step.PROCESS)
    map_process(team)
    check_as(Role.SUBJECT_EXPERT)(team)
    commit()
    assert state_of(task(team, "process.check_expert")) == TaskClosure.BY_RULE.value
    assert state_of(task(team, "process.check_owner")) == "open"


def test_one_proposal_does_not_finish_another_roles_task(team):
    approved_plan_in_step_9(team)
    contribute_as(Role.PROJECT_LEADER)(team)
    commit()
    assert state_of(task(team, "implementation.planning")) == TaskClosure.BY_RULE.value
    assert state_of(task(team, "implementation.capacity")) == "open"


def test_only_tasks_added_by_hand_can_be_deleted(team):
    at_step(team, Step.TEAM)
    extra = tasks.add_task(project_of(team), leader(team), title="Zaal reserveren",
                           description="", step=Step.TEAM, assignee_id=None, due_date=None)
    commit()
    with pytest.raises(WorkflowError, match="hoort bij de methode"):
        tasks.delete_task(task(team, "team.advocate"), leader(team))
    tasks.delete_task(extra, leader(team))
    commit()
    assert db.session.get(Task, extra.id) is None


@pytest.mark.parametrize(("condition", "changes", "holds"), [
    ("kpis_proposed", {}, True),
    ("kpis_proposed", {"definition": ""}, False),  # a unit without a definition proposes nothing
    ("kpis_proposed", {"unit": " "}, False),  # nor a definition without a unit
    ("baselines_measured", {}, True),
    ("baselines_measured", {"baseline_date": None}, False),  # a value without its date
    ("baselines_measured", {"baseline_value": None}, False),  # nor a date without a value
])
def test_the_kpi_conditions_need_both_of_their_fields(team, condition, changes, holds):
    at_step(team, Step.KPIS)
    db.session.add(Kpi(project_id=project_of(team).id, **{**KPI, **changes}))
    db.session.flush()
    assert guidance.CONDITIONS[condition](guidance.Facts(project_of(team)), None) is holds


def test_a_task_a_rule_finishes_records_who_made_the_rule_hold(team, login_as):
    """Done by a rule: the person whose act made it hold; ended with its step: no one."""
    at_step(team, Step.TEAM)
    commit()
    client = login_as(leader(team))
    assert client.post(f"/projects/{team.project.id}/steps/1/products/team/confirm"
                       ).status_code in (200, 303)
    compose = task(team, "team.compose")
    assert state_of(compose) == TaskClosure.BY_RULE.value
    assert compose.done_by_id == leader(team).id


def test_an_open_review_task_follows_the_domains_role_holder(team, create_user):
    at_step(team, Step.REVIEW)
    send_plan(team)
    review = open_privacy_review(team)
    commit()
    row = db.session.scalars(db.select(Task).where(Task.origin == "review")).one()
    assert row.assignee_id == team[Role.PRIVACY_OFFICER].id
    successor = create_user("Nieuwe privacyfunctionaris")
    successor.specialisms = ["privacy_officer"]
    projects.add_member(project_of(team), leader(team), successor, {Role.PRIVACY_OFFICER})
    old = projects.membership_for(project_of(team), team[Role.PRIVACY_OFFICER])
    projects.set_roles(old, leader(team), {Role.SUBJECT_EXPERT})
    commit()
    db.session.refresh(row)
    assert row.assignee_id == successor.id
    # Without anyone in the role, the task stays where it is rather than going nowhere.
    projects.set_roles(projects.membership_for(project_of(team), successor), leader(team),
                       {Role.SUBJECT_EXPERT})
    commit()
    db.session.refresh(row)
    assert row.assignee_id == successor.id
    assert review.id


def test_what_next_offers_work_as_links_moves_as_buttons_and_says_who_is_waited_on(
        team, app):
    at_step(team, Step.KPIS)
    project = project_of(team)
    started = project.step_state(Step.KPIS).started_at
    with app.test_request_context():
        owner_view = guidance.next_actions(project, team[Role.PROCESS_OWNER],
                                           {Role.PROCESS_OWNER})
        assert not owner_view.actions[0].post  # work is a page to go to, not a button
        sponsor_view = guidance.next_actions(project, team[Role.SPONSOR], {Role.SPONSOR})
        assert all(w.since == started for w in sponsor_view.waiting)
        assert not sponsor_view.finished
    agree_kpis(team)
    steps.close_step(project_of(team), Step.KPIS, leader(team),
                     steps.confirmations_by_key(project_of(team)))
    commit()
    with app.test_request_context():
        lead = guidance.next_actions(project_of(team), leader(team), {Role.PROJECT_LEADER})
        start = [a for a in lead.actions if a.text.endswith("starten")]
        assert [a.text for a in start] == [f"{step_title(s)} starten"
                                           for s in sorted(guidance.startable_steps(
                                               project_of(team)))]
        assert start and all(a.post for a in start)  # a move is a button that posts
        sponsor = guidance.next_actions(project_of(team), team[Role.SPONSOR], {Role.SPONSOR})
        assert not [a for a in sponsor.actions if a.text.endswith("starten")]
        # No step under way: the project waits on its leader to start the next one.
        assert [(w.role, w.what) for w in sponsor.waiting] == [
            ("Projectleider", "de volgende stap starten")]


def test_a_skip_link_leads_to_wat_nu_where_the_page_has_it(create_project, login_as):
    team = create_project()
    client = login_as(team[Role.PROJECT_LEADER])
    for path in (f"/projects/{team.project.id}", f"/projects/{team.project.id}/steps/1"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="#next">Naar „Wat nu?”</a>' in page and 'id="next"' in page, path
    assert 'href="#next"' not in client.get("/tasks").get_data(as_text=True)


def test_a_signed_review_task_stays_with_who_did_it(team, create_user):
    at_step(team, Step.REVIEW)
    send_plan(team)
    sign_review(team, open_privacy_review(team))
    commit()
    row = db.session.scalars(db.select(Task).where(Task.origin == "review")).one()
    assert row.done_at is not None
    successor = create_user("Nieuwe privacyfunctionaris")
    successor.specialisms = [Role.PRIVACY_OFFICER.value]
    projects.add_member(project_of(team), leader(team), successor, {Role.PRIVACY_OFFICER})
    officer = projects.membership_for(project_of(team), team[Role.PRIVACY_OFFICER])
    projects.set_roles(officer, leader(team), {Role.SUBJECT_EXPERT})
    commit()
    db.session.refresh(row)
    assert row.assignee_id == team[Role.PRIVACY_OFFICER].id


def test_a_close_counts_what_its_tasks_became_in_the_audit_trail(team):
    at_step(team, Step.TEAM)
    close_step_1(team)
    lapsed = db.session.scalar(db.select(db.func.count()).select_from(Task).where(
        Task.project_id == team.project.id, Task.closed_as == TaskClosure.WITH_STEP.value))
    row = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "tasks.sync")
                             .order_by(AuditEvent.id.desc())).first()
    assert lapsed >= 1 and row.after["ended"] == lapsed


def test_step_10_asks_about_an_action_once_not_again_about_its_task(team):
    in_execution(team)
    ends = guidance.loose_ends(project_of(team), Step.EXECUTION)
    item = db.session.scalars(db.select(ImplementationItem)).one()
    assert [end.key for end in ends if end.action is not None] == [f"action_{item.id}"]
    asked = [end.task for end in ends if end.task is not None]
    assert asked, "the step's other open tasks are asked about too"
    assert all(task.origin != "action" for task in asked)


def test_unfinished_are_the_open_tasks_whose_rule_does_not_hold(team):
    at_step(team, Step.TEAM)
    confirm(team, Step.TEAM, "team")  # the team's rule holds; the sync has not run yet
    db.session.flush()
    rows = guidance.unfinished_tasks(project_of(team), Step.TEAM, closes_project=False)
    keys = {t.template_key for t in rows}
    assert "team.kickoff" in keys  # its rule does not hold
    assert "team.compose" not in keys  # its rule holds
    assert "team.advocate" in keys  # ticked by hand


def test_a_step_may_start_when_it_has_not_and_its_prerequisites_are_finished(team):
    at_step(team, Step.KPIS)  # step 1 done, step 2 under way
    # Step 4 needs only the team; step 3 waits for the KPIs; steps 1 and 2 are not startable.
    assert guidance.startable_steps(project_of(team)) == {Step.JOURNEY}


def test_a_step_ready_to_close_is_closed_from_what_next_with_a_button(team, app):
    at_step(team, Step.TEAM)
    confirm(team, Step.TEAM, "team")
    confirm(team, Step.TEAM, "kickoff")
    commit()
    for row in db.session.scalars(db.select(Task).where(Task.done_at.is_(None))).all():
        tasks.set_done(row, row.assignee, True)  # the tasks ticked by hand
    commit()
    with app.test_request_context():
        view = guidance.next_actions(project_of(team), leader(team), {Role.PROJECT_LEADER})
    close = [a for a in view.actions if a.text.endswith("afronden")]
    assert close and close[0].post and close[0].url.endswith("/steps/1/close")


def test_the_others_work_waits_since_its_step_started(team, app):
    at_step(team, Step.KPIS)
    state = db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == int(Step.KPIS))).one()
    state.started_at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    commit()
    with app.test_request_context():
        view = guidance.next_actions(project_of(team), team[Role.SPONSOR], {Role.SPONSOR})
    task_titles = {_t.title for _t in db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.done_at.is_(None)))}
    others = [w for w in view.waiting if w.what in task_titles]
    assert others and all(w.since == datetime(2026, 1, 5, 9, 0, tzinfo=UTC) for w in others)
