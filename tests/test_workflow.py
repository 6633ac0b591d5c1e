"""The method as data: the ten steps, their roles, tasks, products and rules."""

from __future__ import annotations

import pytest

from wasstraat import workflow
from wasstraat.workflow import STEPS, Role, Step, StepStatus


def test_the_method_has_ten_steps_in_order_with_dutch_names():
    assert [int(s) for s in STEPS] == list(range(1, 11))
    assert STEPS[Step.TEAM].name == "Samenstellen projectgroep"
    assert STEPS[Step.EXECUTION].name == "Uitvoeren implementatieplan"


def test_every_role_from_the_domain_has_a_dutch_label():
    assert {r.value for r in Role} == {
        "sponsor", "process_owner", "project_leader", "process_advisor", "journey_coach",
        "subject_expert", "team_manager", "privacy_officer", "ciso", "it_specialist", "legal",
        "app_manager", "communication",
    }
    assert Role.PROCESS_OWNER.label == "Proceseigenaar"
    assert all(role.description for role in Role)


def test_step_3_has_the_mapping_session_and_the_check_session():
    parts = STEPS[Step.PROCESS].parts
    assert [p.code for p in parts] == ["3a", "3b"]
    check = STEPS[Step.PROCESS].product("process_checked")
    assert check is not None and check.part == "3b"
    assert {v.key for v in check.variants} == {"session", "merged", "online"}


@pytest.mark.parametrize("step", list(Step))
def test_each_step_gives_tasks_only_to_its_actors_and_has_products(step):
    definition = STEPS[step]
    assert definition.tasks and definition.products and definition.close_rule and definition.goal
    for template in definition.tasks:
        assert template.role in definition.actors, template
        if template.part:
            assert definition.part(template.part) is not None
    for product in definition.products:
        assert set(product.confirmed_by) <= set(definition.actors), product


def test_product_keys_are_unique_across_steps():
    keys = [p.key for d in STEPS.values() for p in d.products]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("step", "finished", "allowed"),
    [
        (Step.TEAM, set(), True),
        (Step.KPIS, set(), False),
        (Step.KPIS, {Step.TEAM}, True),
        (Step.PROCESS, {Step.TEAM}, False),
        (Step.PROCESS, {Step.TEAM, Step.KPIS}, True),
        # The customer journey may run before or alongside steps 2 and 3.
        (Step.JOURNEY, {Step.TEAM}, True),
        (Step.JOURNEY, set(), False),
        (Step.SERVICE_FORMULA, {Step.TEAM, Step.KPIS, Step.PROCESS}, False),
        (Step.SERVICE_FORMULA, {Step.TEAM, Step.KPIS, Step.PROCESS, Step.JOURNEY}, True),
        (Step.EXECUTION, set(Step) - {Step.EXECUTION}, True),
        (Step.EXECUTION, set(Step) - {Step.EXECUTION, Step.ADJUST}, False),
    ],
)
def test_steps_run_in_order_except_the_customer_journey(step, finished, allowed):
    assert workflow.may_start(step, finished) is allowed


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("role", list(Role))
def test_the_leader_closes_steps_1_to_9_the_owner_9_and_only_the_owner_10(step, role):
    if step is Step.EXECUTION:  # the process owner closes step 10 and with it the project
        expected = role is Role.PROCESS_OWNER
    else:
        expected = role is Role.PROJECT_LEADER or (
            role is Role.PROCESS_OWNER and step is Step.IMPLEMENTATION_PLAN)
    assert workflow.may_close(step, {role}) is expected


@pytest.mark.parametrize("role", list(Role))
def test_only_the_project_leader_moves_steps(role):
    assert workflow.may_move({role}) is (role is Role.PROJECT_LEADER)


def test_only_journey_and_service_formula_may_be_skipped():
    assert {s for s, d in STEPS.items() if d.skippable} == {Step.JOURNEY, Step.SERVICE_FORMULA}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({}, Step.TEAM),
        ({Step.TEAM: StepStatus.IN_PROGRESS}, Step.TEAM),
        ({Step.TEAM: StepStatus.DONE}, Step.KPIS),
        ({Step.TEAM: StepStatus.DONE, Step.KPIS: StepStatus.IN_PROGRESS,
          Step.JOURNEY: StepStatus.IN_PROGRESS}, Step.JOURNEY),
        ({s: StepStatus.DONE for s in Step}, None),
        ({**{s: StepStatus.DONE for s in Step}, Step.JOURNEY: StepStatus.SKIPPED}, None),
    ],
)
def test_current_step_is_the_furthest_step_in_progress_or_the_next_to_start(statuses, expected):
    assert workflow.current_step(statuses) == expected


def test_the_workflow_module_does_not_depend_on_flask():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(workflow))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert "flask" not in imported and "flask_babel" not in imported
