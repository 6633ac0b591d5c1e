"""Who may do what in a project: one policy table, read by views and templates alike.

Rules about *roles* come from the workflow definition; this module only combines them with
membership. Non-members do not learn that a project exists (404); members without the right
get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from . import duties, windows, workflow
from .extensions import db
from .models import ImplementationItem, Improvement, Membership, Project, Task, User
from .workflow import Action, Product, ReviewDomain, Role, Step

# A closed project (all ten steps finished) can be read and reopened; the borging's work
# (its re-measurements) and the process's review date go on after the close.
OPEN_AFTER_CLOSE = {Action.VIEW_PROJECT, Action.REOPEN_PROJECT, Action.START_FOLLOW_UP,
                    Action.SET_REVISIT, Action.REMEASURE, Action.PLAN_REMEASUREMENTS,
                    Action.RECORD_BENEFIT, Action.RECORD_BOARD_DECISION,
                    Action.PREPARE_PUBLICATION, Action.APPROVE_PUBLICATION}


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

    def permits(self, action: Action, step: Step | None = None, product: Product | None = None,
                task: Task | None = None, improvement: Improvement | None = None,
                domain: ReviewDomain | None = None,
                item: ImplementationItem | None = None) -> bool:
        """Whether this person may do ``action`` at all: their roles, whatever the step."""
        if self.project.is_finished and action not in OPEN_AFTER_CLOSE:
            return False
        return POLICY[action](self, Target(step, product, task, improvement, domain, item))

    def is_open(self, action: Action, step: Step | None = None) -> bool:
        """Whether the method's edit window of ``action`` is open (for anyone)."""
        return windows.is_open(self.project, action, step)

    def refusal(self, action: Action) -> str:
        """Why the window of ``action`` is closed, for the page beside its hidden form."""
        return windows.refusal(action)

    def can(self, action: Action, step: Step | None = None, **target: object) -> bool:
        """Whether this person may do ``action`` now: the policy and the edit window."""
        return (self.permits(action, step, **target)  # type: ignore[arg-type]
                and self.is_open(action, step))

    def require_open(self, action: Action, step: Step | None = None) -> None:
        """409 with the window's reason: for a page whose only use is an action now closed."""
        windows.require_open(self.project, action, step)

    def require(self, action: Action, **target: object) -> None:
        """403 for who may not; the window is the service's to refuse (409, with why)."""
        if not self.permits(action, **target):  # type: ignore[arg-type]
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


def _leads(a: ProjectAccess, _t: Target) -> bool:
    return _is_leader(a)


def _keeps_the_action(a: ProjectAccess, t: Target) -> bool:
    return bool(a.roles & {Role.PROJECT_LEADER, Role.PROCESS_OWNER}) or (
        t.item is not None and a.is_member and t.item.responsible_id == a.user.id)


def _keeps_kpis(a: ProjectAccess, _t: Target) -> bool:
    return bool(a.roles & set(Step.KPIS.definition.actors))


def _decides_final_plan(a: ProjectAccess, _t: Target) -> bool:
    return workflow.may_confirm(_FINAL_PLAN, a.roles)


def _step_actor(a: ProjectAccess, t: Target) -> bool:
    return _is_leader(a) or (t.step is not None and bool(a.roles & set(t.step.definition.actors)))


POLICY: dict[Action, Callable[[ProjectAccess, Target], bool]] = {
    Action.VIEW_PROJECT: lambda a, t: a.is_member or a.user.is_admin,
    Action.EDIT_PROJECT: lambda a, t: bool(a.roles & {Role.PROJECT_LEADER, Role.PROCESS_OWNER}),
    Action.MANAGE_TEAM: lambda a, t: _is_leader(a) or a.user.is_admin,
    Action.MOVE_STEP: lambda a, t: workflow.may_move(a.roles),
    Action.CLOSE_STEP: lambda a, t: t.step is not None and workflow.may_close(t.step, a.roles),
    Action.CONFIRM_PRODUCT: lambda a, t: (
        t.product is not None and workflow.may_confirm(t.product, a.roles)
    ),
    Action.EDIT_STEP_NOTES: _step_actor,
    Action.EDIT_SESSION_NOTES: _step_actor,
    Action.MANAGE_TASKS: _leads,
    # The actors of step 2 keep the KPI register; whoever confirms its product agrees the set.
    Action.EDIT_KPIS: _keeps_kpis,
    Action.AGREE_KPIS: lambda a, t: workflow.may_confirm(_KPI_PRODUCT, a.roles),
    Action.TAKE_MEASURED_BASELINE: _keeps_kpis,
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
    # The project leader steers the plan through its review; the window says when.
    Action.SEND_PLAN: _leads,
    Action.CHOOSE_REVIEWERS: _leads,
    Action.OPEN_REVIEW: _leads,
    Action.REQUEST_RE_REVIEW: _leads,
    Action.MAKE_PLAN_FINAL: _leads,
    # Only a member holding the domain's specialist role reviews and signs that domain.
    Action.REVIEW: lambda a, t: t.domain is not None and t.domain.role in a.roles,
    Action.RESPOND_FINDINGS: lambda a, t: bool(a.roles & _PLAN_EDITORS
                                               & set(Step.ADJUST.definition.actors)),
    Action.APPROVE_PLAN: _decides_final_plan,
    Action.OVERRIDE_REJECTION: _decides_final_plan,
    # Only the process owner decides the implementation plan and its order.
    Action.ORDER_IMPLEMENTATION: lambda a, t: workflow.may_confirm(_IMPLEMENTATION_PLAN,
                                                                   a.roles),
    # Step 9's other actors propose planning, dependencies and capacity; the owner decides.
    Action.CONTRIBUTE_IMPLEMENTATION: lambda a, t: bool(a.roles & _IMPLEMENTATION_CONTRIBUTORS),
    Action.UPDATE_ACTION: lambda a, t: bool(a.roles & {Role.PROJECT_LEADER, Role.PROCESS_OWNER})
    or (t.item is not None and a.is_member and t.item.responsible_id == a.user.id),
    Action.EVALUATE: lambda a, t: bool(a.roles & set(Step.EXECUTION.definition.actors)),
    Action.REOPEN_PROJECT: lambda a, t: Role.PROCESS_OWNER in a.roles,
    # The process owner says which deviations from the desired process are fine.
    Action.ACCEPT_DEVIATION: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.START_FOLLOW_UP: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.SET_REVISIT: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.REMEASURE: lambda a, t: bool(a.roles & workflow.REMEASURERS),
    Action.PLAN_REMEASUREMENTS: lambda a, t: Role.PROCESS_OWNER in a.roles,
    Action.EDIT_BENEFITS: lambda a, t: bool(a.roles & _PLAN_EDITORS),
    # The leader and the owner, and whoever carries out the improvement.
    Action.FORECAST_BENEFIT: lambda a, t: _keeps_the_action(a, t),
    Action.RECORD_BENEFIT: lambda a, t: _keeps_the_action(a, t),
    # A gated step's go or no-go is its approvers' (the organisation's choice).
    Action.DECIDE_GATE: lambda a, t: t.step is not None and bool(
        a.roles & set(duties.gate_roles(t.step))),
    Action.PLAN_STEPS: _leads,
    # The board decides; its decision is recorded by the process owner or the leader.
    Action.RECORD_BOARD_DECISION: lambda a, t: bool(
        a.roles & {Role.PROCESS_OWNER, Role.PROJECT_LEADER}),
    # The Woo: the role the organisation names prepares; that role or the privacy officer
    # approves the omissions (never who redacted them: the service's four eyes).
    Action.PREPARE_PUBLICATION: lambda a, t: duties.woo_preparer() in a.roles,
    Action.APPROVE_PUBLICATION: lambda a, t: bool(
        a.roles & {duties.woo_preparer(), Role.PRIVACY_OFFICER}),
    # Any member joins a thread; the project leader may remove a comment (the trace stays).
    Action.COMMENT: lambda a, t: a.is_member,
    Action.MODERATE_COMMENTS: _leads,
    # The process advisor measures the process (the leader may help).
    Action.IMPORT_EVENT_LOG: lambda a, t: t.step is not None and (
        _is_leader(a) or Role.PROCESS_ADVISOR in a.roles),
}


def membership_for(project: Project, user: User) -> Membership | None:
    return next((m for m in project.memberships if m.user_id == user.id), None)


def access_to(project: Project, user: User) -> ProjectAccess:
    """This person's access to a project already loaded (with its team)."""
    return ProjectAccess(user, project, membership_for(project, user))


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
    access = access_to(project, current_user._get_current_object())  # type: ignore[attr-defined]
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
