"""Projects and their teams. Functions check state, change it, audit it and flush; the view
commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..models import Membership, MembershipRole, Project, StepState, Task, User
from ..workflow import Role, Step

PROJECT_FIELDS = ["name", "product", "assignment", "process_type"]


def create_project(actor: User, *, name: str, product: str, assignment: str,
                   process_type: str, creator_roles: set[Role]) -> Project:
    project = Project(name=name.strip(), product=product.strip(), assignment=assignment.strip(),
                      process_type=process_type, created_by_id=actor.id)
    project.steps = [StepState(step=int(step)) for step in Step]
    db.session.add(project)
    db.session.flush()
    audit.record("project.create", "project", project.id, project.id, actor=actor,
                 after={f: getattr(project, f) for f in PROJECT_FIELDS})
    add_member(project, actor, actor, creator_roles | {Role.PROJECT_LEADER})
    return project


def update_project(project: Project, actor: User, *, expected_version: int,
                   values: dict[str, str]) -> None:
    check_version(project, expected_version)
    audit.apply_changes(project, {f: values[f] for f in PROJECT_FIELDS}, action="project.update",
                        object_type="project", project_id=project.id, actor=actor)


def membership_for(project: Project, user: User) -> Membership | None:
    return next((m for m in project.memberships if m.user_id == user.id), None)


def add_member(project: Project, actor: User, user: User, roles: set[Role]) -> Membership:
    if not roles:
        raise WorkflowError(_("Kies minstens één rol."))
    if membership_for(project, user) is not None:
        raise WorkflowError(_("%(name)s zit al in het team.", name=user.name))
    if not user.active:
        raise WorkflowError(_("Dit account is niet actief."))
    membership = Membership(project=project, user=user)
    membership.role_rows = [MembershipRole(role=r.value) for r in roles]
    db.session.add(membership)
    db.session.flush()
    audit.record("team.add", "membership", membership.id, project.id, actor=actor,
                 after={"user_id": user.id, "roles": sorted(r.value for r in roles)})
    _assign_open_tasks(project, user, roles)
    return membership


def set_roles(membership: Membership, actor: User, roles: set[Role]) -> None:
    if not roles:
        raise WorkflowError(_("Kies minstens één rol, of haal het teamlid uit het team."))
    old = membership.roles
    if old == roles:
        return
    project = membership.project
    if Role.PROJECT_LEADER in old - roles:
        _keep_a_leader(project, without=membership)
    membership.role_rows = [MembershipRole(role=r.value) for r in roles]
    db.session.flush()
    audit.record("team.roles", "membership", membership.id, project.id, actor=actor,
                 before={"roles": sorted(r.value for r in old)},
                 after={"roles": sorted(r.value for r in roles)})
    _assign_open_tasks(project, membership.user, roles - old)
    _release_tasks(project, membership.user, old - roles)


def remove_member(membership: Membership, actor: User) -> None:
    project = membership.project
    if Role.PROJECT_LEADER in membership.roles:
        _keep_a_leader(project, without=membership)
    _release_tasks(project, membership.user, None)
    audit.record("team.remove", "membership", membership.id, project.id, actor=actor,
                 before={"user_id": membership.user_id,
                         "roles": sorted(r.value for r in membership.roles)})
    project.memberships.remove(membership)
    db.session.flush()


def _keep_a_leader(project: Project, without: Membership) -> None:
    if not any(Role.PROJECT_LEADER in m.roles for m in project.memberships if m is not without):
        raise WorkflowError(_("Een project heeft altijd minstens één projectleider nodig."))


def _open_steps(project: Project) -> list[int]:
    return [s.step for s in project.steps if s.status == "in_progress"]


def _assign_open_tasks(project: Project, user: User, roles: set[Role]) -> None:
    """Unassigned open tasks of steps in progress go to a new holder of their role."""
    if not roles:
        return
    tasks = db.session.scalars(
        select(Task).where(
            Task.project_id == project.id,
            Task.assignee_id.is_(None),
            Task.done_at.is_(None),
            Task.role.in_([r.value for r in roles]),
            Task.step.in_(_open_steps(project)),
        )
    )
    for task in tasks:
        task.assignee_id = user.id


def _release_tasks(project: Project, user: User, roles: set[Role] | None) -> None:
    """Open tasks of a role the user no longer holds go back to the pool (unassigned)."""
    if roles is not None and not roles:
        return
    query = select(Task).where(
        Task.project_id == project.id, Task.assignee_id == user.id, Task.done_at.is_(None)
    )
    if roles is not None:
        query = query.where(Task.role.in_([r.value for r in roles]))
    for task in db.session.scalars(query):
        task.assignee_id = None
