"""The method's edit windows: in which step, and in which state of it, each action may change
a project's data. One table in workflow.py; the services' guard and ProjectAccess.can read it.

The expectations below are written out by hand from the method (not derived from the table),
and every action with a window is walked through every step in every state.
"""

from __future__ import annotations

import pytest

from wasstraat import windows
from wasstraat.access import ProjectAccess
from wasstraat.errors import WorkflowError
from wasstraat.extensions import db
from wasstraat.kpis import services as kpis
from wasstraat.models import StepState
from wasstraat.workflow import EDIT_WINDOWS, Action, Role, Step, StepStatus, window_open

S = StepStatus
UNDER_WAY = {S.IN_PROGRESS}
NOT_FINISHED = {S.NOT_STARTED, S.IN_PROGRESS}
NOT_DONE = {S.NOT_STARTED, S.IN_PROGRESS, S.SKIPPED}

# action -> {step: states in which that step opens the window}; None: the action's own step.
EXPECTED: dict[Action, dict[Step, set[StepStatus]] | None] = {
    Action.EDIT_KPIS: {Step.KPIS: NOT_FINISHED},
    Action.AGREE_KPIS: {Step.KPIS: NOT_FINISHED},
    Action.EDIT_PROCESS: {Step.PROCESS: UNDER_WAY},
    Action.CHECK_PROCESS: {Step.PROCESS: UNDER_WAY},
    Action.TAKE_MEASURED_BASELINE: {Step.PROCESS: UNDER_WAY},
    Action.EDIT_JOURNEY: {Step.JOURNEY: UNDER_WAY},
    Action.EDIT_FORMULA: {Step.SERVICE_FORMULA: UNDER_WAY},
    Action.EDIT_PLAN: {Step.ADJUST: NOT_DONE},
    Action.SEND_PLAN: {Step.IMPROVEMENT_PLAN: UNDER_WAY, Step.REVIEW: UNDER_WAY,
                       Step.ADJUST: UNDER_WAY},
    Action.CHOOSE_REVIEWERS: {Step.IMPROVEMENT_PLAN: UNDER_WAY, Step.REVIEW: UNDER_WAY,
                              Step.ADJUST: UNDER_WAY},
    Action.OPEN_REVIEW: {Step.REVIEW: UNDER_WAY},
    Action.REVIEW: {Step.REVIEW: UNDER_WAY, Step.ADJUST: UNDER_WAY},
    Action.REQUEST_RE_REVIEW: {Step.ADJUST: UNDER_WAY},
    Action.RESPOND_FINDINGS: {Step.ADJUST: UNDER_WAY},
    Action.OVERRIDE_REJECTION: {Step.ADJUST: UNDER_WAY},
    Action.MAKE_PLAN_FINAL: {Step.ADJUST: UNDER_WAY},
    Action.APPROVE_PLAN: {Step.ADJUST: UNDER_WAY},
    Action.EDIT_DESIRED_PROCESS: {Step.ADJUST: UNDER_WAY},
    Action.ORDER_IMPLEMENTATION: {Step.IMPLEMENTATION_PLAN: UNDER_WAY},
    Action.CONTRIBUTE_IMPLEMENTATION: {Step.IMPLEMENTATION_PLAN: UNDER_WAY},
    Action.UPDATE_ACTION: {Step.EXECUTION: UNDER_WAY},
    Action.EVALUATE: {Step.EXECUTION: UNDER_WAY},
    # Benefits: expected with the plan (until step 8 is done; approval locks them too, see
    # test_benefits), forecast while step 10 runs, actual in step 10 and after it.
    Action.EDIT_BENEFITS: {Step.ADJUST: NOT_DONE},
    Action.FORECAST_BENEFIT: {Step.EXECUTION: UNDER_WAY},
    Action.RECORD_BENEFIT: {Step.EXECUTION: {StepStatus.IN_PROGRESS, StepStatus.DONE}},
    # A deviation from the desired process is accepted in step 10 and in the borging.
    Action.ACCEPT_DEVIATION: {Step.EXECUTION: {StepStatus.IN_PROGRESS, StepStatus.DONE}},
    # The borging: once step 10 is done.
    Action.REMEASURE: {Step.EXECUTION: {StepStatus.DONE}},
    Action.PLAN_REMEASUREMENTS: {Step.EXECUTION: {StepStatus.DONE}},
    # On the step the action is on: products and notes of any step, an event log's purpose.
    Action.CONFIRM_PRODUCT: None,
    Action.EDIT_STEP_NOTES: None,
    Action.IMPORT_EVENT_LOG: None,
    Action.DECIDE_GATE: None,
    # A thread of comments closes with the record of its step (COMMENT_THREADS).
    Action.COMMENT: None,
    Action.MODERATE_COMMENTS: None,
}
OWN_STEP_STATES = {Action.CONFIRM_PRODUCT: UNDER_WAY, Action.EDIT_STEP_NOTES: NOT_FINISHED,
                   Action.IMPORT_EVENT_LOG: UNDER_WAY, Action.DECIDE_GATE: UNDER_WAY,
                   Action.COMMENT: NOT_FINISHED, Action.MODERATE_COMMENTS: NOT_FINISHED}


def test_every_action_with_a_window_is_expected_and_has_a_dutch_reason():
    assert set(EDIT_WINDOWS) == set(EXPECTED)
    assert all(window.refusal.strip() for window in EDIT_WINDOWS.values())


def test_actions_without_a_window_are_always_open():
    for action in set(Action) - set(EDIT_WINDOWS):
        assert window_open(action, lambda step: StepStatus.NOT_STARTED)


@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda a: a.value)
def test_the_window_opens_only_in_its_steps_and_states(action):
    """Each step in each state, all other steps in a state that keeps their part shut."""
    expected = EXPECTED[action]
    for step in Step:
        for state in StepStatus:
            if expected is None:  # the action is on ``step`` itself; others do not matter
                is_open = window_open(action, lambda s, step=step, state=state: state
                                      if s == step else S.IN_PROGRESS, step)
                assert is_open is (state in OWN_STEP_STATES[action]), (step, state)
                continue
            status_of = {s: state if s == step else _shut(expected, s) for s in Step}
            assert window_open(action, status_of.__getitem__) is (
                state in expected.get(step, set())), (step, state)


def _shut(expected: dict[Step, set[StepStatus]], step: Step) -> StepStatus:
    return next(t for t in (S.DONE, S.NOT_STARTED, S.SKIPPED) if t not in expected.get(step, set()))


def test_a_window_on_the_actions_own_step_is_shut_without_one():
    assert not window_open(Action.CONFIRM_PRODUCT, lambda s: S.IN_PROGRESS)


def _set(project, step: Step, status: StepStatus) -> None:
    state = db.session.scalar(db.select(StepState).where(StepState.project_id == project.id,
                                                         StepState.step == int(step)))
    state.status = status.value
    db.session.commit()


def test_access_can_reads_the_window_and_require_leaves_it_to_the_service(create_project):
    team = create_project()
    owner = team[Role.PROCESS_OWNER]
    access = ProjectAccess(owner, team.project, next(
        m for m in team.project.memberships if m.user_id == owner.id))
    _set(team.project, Step.KPIS, S.IN_PROGRESS)
    assert access.can(Action.EDIT_KPIS) and access.is_open(Action.EDIT_KPIS)
    _set(team.project, Step.KPIS, S.DONE)
    assert access.permits(Action.EDIT_KPIS)  # the owner keeps the KPIs ...
    assert not access.can(Action.EDIT_KPIS)  # ... but not after step 2 is done
    access.require(Action.EDIT_KPIS)  # no 403: the service refuses, saying why
    assert access.refusal(Action.EDIT_KPIS) == "Stap 2 is afgerond. Heropen de stap om de KPI's " \
                                              "te wijzigen."


def test_the_services_guard_refuses_with_the_windows_reason(create_project):
    team = create_project()
    leader = team[Role.PROJECT_LEADER]
    _set(team.project, Step.KPIS, S.DONE)
    with pytest.raises(WorkflowError, match="Stap 2 is afgerond"):
        kpis.add_kpi(team.project, leader, {"name": "Doorlooptijd", "unit": "dagen",
                                            "direction": "lower"})
    with pytest.raises(WorkflowError, match="terwijl stap 10 bezig is"):
        windows.require_open(team.project, Action.EVALUATE)
    _set(team.project, Step.EXECUTION, S.IN_PROGRESS)
    windows.require_open(team.project, Action.EVALUATE)


def test_a_closed_project_keeps_only_the_work_that_goes_on_after_the_close(create_project):
    """Once all ten steps are finished, even the process owner changes nothing but the
    borging's work, and only the owner reopens or starts the next cycle."""
    team = create_project()
    for step in Step:
        _set(team.project, step, S.DONE)
    assert team.project.is_finished

    def access_of(role: Role) -> ProjectAccess:
        person = team[role]
        return ProjectAccess(person, team.project, next(
            m for m in team.project.memberships if m.user_id == person.id))

    owner, leader = access_of(Role.PROCESS_OWNER), access_of(Role.PROJECT_LEADER)
    for action in (Action.EDIT_KPIS, Action.EDIT_PLAN, Action.ORDER_IMPLEMENTATION,
                   Action.UPDATE_ACTION, Action.EVALUATE, Action.CONFIRM_PRODUCT):
        assert not owner.permits(action, step=Step.EXECUTION), action
    for action in (Action.VIEW_PROJECT, Action.REOPEN_PROJECT, Action.START_FOLLOW_UP,
                   Action.PLAN_REMEASUREMENTS, Action.SET_REVISIT):
        assert owner.permits(action), action
    assert not leader.permits(Action.REOPEN_PROJECT)
    assert not leader.permits(Action.START_FOLLOW_UP)
