"""Who may do what in a project: one policy table, read by views and templates alike.

Rules about *roles* come from the workflow definition; this module only combines them with
membership. Non-members do not learn that a project exists (404); members without the right
get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from . import workflow
from .extensions import db
from .models import ImplementationItem, Improvement, Membership, Project, Task, User
from .workflow import Product, ReviewDomain, Role, Step


class Action(StrEnum):
    VIEW_PROJECT = "view_project"
    EDIT_PROJECT = "edit_project"
    MANAGE_TEAM = "manage_team"
    MOVE_STEP = "move_step"  # start, skip, reopen
    CLOSE_STEP = "close_step"
    CONFIRM_PRODUCT = "confirm_product"
    EDIT_STEP_NOTES = "edit_step_notes"
    MANAGE_TASKS = "manage_tasks"
    EDIT_KPIS = "edit_kpis"
    ADD_IMPROVEMENT = "add_improvement"
    PLAN_SESSION = "plan_session"
    EDIT_PROCESS = "edit_process"
    EDIT_DESIRED_PROCESS = "edit_desired_process"  # step 8: the adjusted activities
    EDIT_FORMULA = "edit_formula"
    EDIT_JOURNEY = "edit_journey"
    CHECK_PROCESS = "check_process"
    EDIT_IMPROVEMENT = "edit_improvement"
    AGREE_KPIS = "agree_kpis"
    COMPLETE_TASK = "complete_task"
    EDIT_PLAN = "edit_plan"  # the board, the texts, merging
    STEER_PLAN = "steer_plan"  # send for review, choose domains, open reviews, make final
    REVIEW = "review"  # edit and sign one domain's review
    RESPOND_FINDINGS = "respond_findings"
    APPROVE_PLAN = "approve_plan"  # approve the final plan, override a rejection
    ORDER_IMPLEMENTATION = "order_implementation"  # step 9: decide, order, plan, approve
    CONTRIBUTE_IMPLEMENTATION = "contribute_implementation"  # step 9: propose, not decide
    UPDATE_ACTION = "update_action"  # step 10: status and progress notes of one action
    EVALUATE = "evaluate"  # step 10: plan the evaluation, record KPI after-measurements
    REOPEN_PROJECT = "reopen_project"  # a closed project opens only by the process owner
    START_FOLLOW_UP = "start_follow_up"  # the next cycle starts from a closed project
    SET_REVISIT = "set_revisit"  # by when the process description is revisited
    IMPORT_EVENT_LOG = "import_event_log"  # steps 3 and 10: measure the process from a log


# A closed project (all ten steps finished) can be read; only its reopening is allowed.
OPEN_AFTER_CLOSE = {Action.VIEW_PROJECT, Action.REOPEN_PROJECT, Action.START_FOLLOW_UP,
                    Action.SET_REVISIT}


@dataclass(frozen=True)
class Target:
    step: Step | None = None
    product: Product | None = None
    task: Task | None = None
    improvement: Improvement | None = None
    domain: ReviewDomain | None = None
    item: ImplementationItem | None = None


@dataclass
class ProjectAccess:
    user: User
    project: Project
    membership: Membership | None

    @property
    def roles(self) -> set[Role]:
        return self.membership.roles if self.membership else set()

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    def can(self, action: Action, step: Step | None = None, product: Product | None = None,
            task: Task | None = None, improvement: Improvement | None = None,
            domain: ReviewDomain | None = None, item: ImplementationItem | None = None) -> bool:
        if self.project.is_finished and action not in OPEN_AFTER_CLOSE:
            return False
        return POLICY[action](self, Target(step, product, task, improvement, domain, item))

    def require(self, action: Action, **target: object) -> None:
        if not self.can(action, **target):  # type: ignore[arg-type]
            abort(403)


_KPI_PRODUCT = Step.KPIS.definition.product("kpis")
_PART_3A_ACTORS = set(Step.PROCESS.definition.part("3a").actors)
_PART_3B_ACTORS = set(Step.PROCESS.definition.part("3b").actors)
# Step 6's actors draw up the plan and step 8's adjust it; team managers only read it.
_PLAN_EDITORS = (set(Step.IMPROVEMENT_PLAN.definition.actors)
                 | set(Step.ADJUST.definition.actors)) - {Role.TEAM_MANAGER}
_FINAL_PLAN = Step.ADJUST.definition.product("final_plan")
_IMPLEMENTATION_PLAN = Step.IMPLEMENTATION_PLAN.definition.product("implementation_plan")
_IMPLEMENTATION_CONTRIBUTORS = (set(Step.IMPLEMENTATION_PLAN.definition.actors)
                                - set(_IMPLEMENTATION_PLAN.confirmed_by))


def _is_leader(a: ProjectAccess) -> bool:
    return Role.PROJECT_LEADER in a.roles


POLICY: dict[Action, Callable[[ProjectAccess, Target], bool]] = {
    Action.VIEW_PROJECT: lambda a, t: a.is_member or a.user.is_admin,
    Action.EDIT_PROJECT: lambda a, t: bool(a.roles & {Role.PROJECT_LEADER, Role.PROCESS_OWNER}),
    Action.MANAGE_TEAM: lambda a, t: _is_leader(a) or a.user.is_admin,
    Action.MOVE_STEP: lambda a, t: workflow.may_move(a.roles),
    Action.CLOSE_STEP: lambda a, t: t.step is not None and workflow.may_close(t.step, a.roles),
    Action.CONFIRM_PRODUCT: lambda a, t: (
        t.product is not None and workflow.may_confirm(t.product, a.roles)
    ),
    Action.EDIT_STEP_NOTES: lambda a, t: _is_leader(a) or (
        t.step is not None and bool(a.roles & set(t.step.definition.actors))
    ),
    Action.MANAGE_TASKS: lambda a, t: _is_leader(a),
    # The actors of step 2 keep the KPI register; whoever confirms its product agrees the set.
    Action.EDIT_KPIS: lambda a, t: bool(a.roles & set(Step.KPIS.definition.actors)),
    Action.AGREE_KPIS: lambda a, t: workflow.may_confirm(_KPI_PRODUCT, a.roles),
    # Session 3a's actors map the process (the project leader may help); 3b's actors check it.
    Action.EDIT_PROCESS: lambda a, t: _is_leader(a) or bool(a.roles & _PART_3A_ACTORS),
    Action.CHECK_PROCESS: lambda a, t: bool(a.roles & _PART_3B_ACTORS),
    # Step 8's actors who adjust the plan adjust the process too; the leader may help.
    Action.EDIT_DESIRED_PROCESS: lambda a, t: _is_leader(a) or bool(
        a.roles & _PLAN_EDITORS & set(Step.ADJUST.definition.actors)),
    Action.EDIT_JOURNEY: lambda a, t: _is_leader(a) or bool(
        a.roles & set(Step.JOURNEY.definition.actors)),
    Action.EDIT_FORMULA: lambda a, t: bool(a.roles & set(Step.SERVICE_FORMULA.definition.actors)),
    # Any member captures an improvement; its author, proposer and the leader may change it.
    Action.ADD_IMPROVEMENT: lambda a, t: a.is_member,
    Action.PLAN_SESSION: lambda a, t: a.is_member,
    Action.EDIT_IMPROVEMENT: lambda a, t: _is_leader(a) or (
        t.improvement is not None and a.is_member
        and a.user.id in (t.improvement.created_by_id, t.improvement.proposer_id)
    ),
    Action.COMPLETE_TASK: lambda a, t: _is_leader(a) or (
        t.task is not None and a.is_member and t.task.assignee_id == a.user.id
    ),
    Action.EDIT_PLAN: lambda a, t: bool(a.roles & _PLAN_EDITORS),
    Action.STEER_PLAN: lambda a, t: _is_leader(a),
    # Only a member holding the domain's specialist role reviews and signs that domain.
    Action.REVIEW: lambda a, t: t.domain is not None and t.domain.role in a.roles,
    Action.RESPOND_FINDINGS: lambda a, t: bool(a.roles & _PLAN_EDITORS
                                               & set(Step.ADJUST.definition.actors)),
    Action.APPROVE_PLAN: lambda a, t: workflow.may_confirm(_FINAL_PLAN, a.roles),
    # Only the process owner decides the implementation plan and its order.
    Action.ORDER_IMPLEMENTATION: lambda a, t: workflow.may_confirm(_IMPLEMENTATION_PLAN,
                                                                   a.roles),
    # Step 9's other actors propose planning, dependencies and capacity; the owner decides.
    Action.CONTRIBUTE_IMPLEMENTATION: lambda a, t: bool(a.roles & _IMPLEMENTATION_CONTRIBUTORS),
    Action.UPDATE_ACTION: lambda a, t: bool(a.roles & {Role.PROJECT_LEADER, Role.PROCESS_OWNER})
    or (t.item is not None and a.is_member and t.item.responsible_id == a.user.id),
    Action.EVALUATE: lambda a, t: bool(a.roles & set(Step.EXECUTION.definition.actors)),
    Action.REOPEN_PROJECT: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.START_FOLLOW_UP: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.SET_REVISIT: lambda a, t: Role.PROCESS_OWNER in a.roles,
    # The process advisor measures the process (the leader may help), in the purpose's step.
    Action.IMPORT_EVENT_LOG: lambda a, t: t.step is not None and (
        _is_leader(a) or Role.PROCESS_ADVISOR in a.roles) and a.project.in_progress(t.step),
}


def project_access(project_id: int, *, need: Action = Action.VIEW_PROJECT) -> ProjectAccess:
    """Load the project with its team and steps for the current user, or stop with 404/403."""
    # Two queries: the project with its steps, then the team with names and roles.
    project = db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(
            joinedload(Project.steps),
            selectinload(Project.memberships).options(joinedload(Membership.user),
                                                      joinedload(Membership.role_rows)),
        )
    )
    if project is None:
        abort(404)
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    membership = next((m for m in project.memberships if m.user_id == user.id), None)
    access = ProjectAccess(user, project, membership)
    if not access.can(Action.VIEW_PROJECT):
        abort(404)
    g.project_id = project.id
    access.require(need)
    return access


M = TypeVar("M")


def project_object(access: ProjectAccess, model: type[M], object_id: int) -> M:
    """One object of this project by id, or 404: an id from another project never resolves."""
    obj = db.session.scalar(select(model).where(
        model.id == object_id, model.project_id == access.project.id))  # type: ignore[attr-defined]
    if obj is None:
        abort(404)
    return obj
