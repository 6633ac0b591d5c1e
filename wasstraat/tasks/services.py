"""Tasks: generated from the workflow when a step opens, and managed by the project leader."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from .. import audit, duties
from ..concurrency import check_version
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..models import Project, Task, User, utcnow
from ..workflow import Role, Step, TaskClosure, tasks_for

TASK_FIELDS = ["title", "description", "assignee_id", "due_date", "step"]


def task_link(endpoint: str, **args: int) -> str:
    """Where a task's work is done, stored as an endpoint and its ids (not a URL), so it is
    built the same in a request, a CLI command or a test, and follows the routes."""
    return ":".join([endpoint, *(f"{key}={value}" for key, value in sorted(args.items()))])


def link_parts(task: Task) -> tuple[str, dict[str, int]] | None:
    """A task's stored link as its endpoint and ids; None when it has none or is malformed."""
    return parse_link(task.link)


def parse_link(link: str) -> tuple[str, dict[str, int]] | None:
    if not link:
        return None
    endpoint, *pairs = link.split(":")
    try:
        return endpoint, {key: int(value) for key, value in
                          (pair.split("=", 1) for pair in pairs)}
    except ValueError:
        return None


def link_url(task: Task) -> str | None:
    """The URL of a task's link, or None when it has none (or its route is gone)."""
    return stored_link_url(task.link, task.project_id)


def stored_link_url(link: str, project_id: int | None) -> str | None:
    """The URL of a stored link (a task's, a reminder's) in a project, or outside any."""
    from flask import url_for
    from werkzeug.routing import BuildError

    parts = parse_link(link)
    if parts is None:
        return None
    try:
        return url_for(parts[0], project_id=project_id, **parts[1])
    except BuildError:
        return None


def create_step_tasks(project: Project, step: Step, actor: User) -> list[Task]:
    """Each task template of the step, for every member holding its role (or unassigned)."""
    created = []
    holders: dict[Role, list[int]] = {}
    for membership in project.memberships:
        for role in membership.roles:
            holders.setdefault(role, []).append(membership.user_id)
    for template in tasks_for(step):
        for user_id in holders.get(template.role, [None]):
            task = Task(project_id=project.id, step=int(step), part=template.part,
                        role=template.role.value, title=template.title,
                        description=template.description, assignee_id=user_id,
                        origin="workflow", template_key=template.key, created_by_id=actor.id)
            db.session.add(task)
            created.append(task)
    db.session.flush()
    audit.record("tasks.generate", "step", int(step), project.id, actor=actor,
                 after={"step": int(step), "count": len(created)})
    return created


def _check_assignee(project: Project, assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    if not project.has_member(assignee_id):
        raise InvalidInput(_("Een taak kan alleen aan een teamlid worden toegewezen."),
                           "assignee_id")


def _check_role_holder(task: Task, assignee_id: int | None) -> None:
    """A task of the method belongs to its role: it goes to someone who holds that role (who
    can do the work), or back to the role."""
    role = task.role
    if task.template is None or role is None or assignee_id is None:
        return
    holders = {m.user_id for m in task.project.memberships if role in m.roles}
    if assignee_id not in holders:
        raise InvalidInput(_("Deze taak hoort bij de rol %(role)s. Kies iemand met die rol, of "
                             "geef die persoon eerst de rol in de projectgroep.",
                             role=duties.role_name(role)), "assignee_id")


def add_task(project: Project, actor: User, *, title: str, description: str, step: Step,
             assignee_id: int | None, due_date: date | None) -> Task:
    _check_assignee(project, assignee_id)
    task = Task(project_id=project.id, step=int(step), title=title.strip(),
                description=description.strip(), assignee_id=assignee_id, due_date=due_date,
                origin="manual", created_by_id=actor.id)
    db.session.add(task)
    db.session.flush()
    audit.record("task.create", "task", task.id, project.id, actor=actor,
                 after={"title": task.title, "step": int(step), "assignee_id": assignee_id,
                        "due_date": due_date.isoformat() if due_date else None})
    return task


def update_task(task: Task, actor: User, *, expected_version: int, values: dict) -> None:
    check_version(task, expected_version)
    _check_assignee(task.project, values["assignee_id"])
    _check_role_holder(task, values["assignee_id"])
    audit.apply_changes(task, {f: values[f] for f in TASK_FIELDS}, action="task.update",
                        object_type="task", project_id=task.project_id, actor=actor)


def set_done(task: Task, actor: User, done: bool) -> None:
    """Tick a task by hand, or open it again. Tasks that a rule finishes, and tasks that ended
    with their step, follow the project instead."""
    if task.condition:
        raise WorkflowError(_("Deze taak gaat vanzelf op afgerond zodra het werk gedaan is; "
                              "afvinken is niet nodig."))
    if task.ended_unfinished:
        raise WorkflowError(_("Deze taak is beëindigd met haar stap. Heropen de stap om er "
                              "weer aan te werken."))
    if task.is_done == done:
        return
    task.done_at = utcnow() if done else None
    task.done_by_id = actor.id if done else None
    task.closed_as = TaskClosure.BY_HAND if done else None
    db.session.flush()
    audit.record("task.done" if done else "task.reopen", "task", task.id, task.project_id,
                 actor=actor, before={"done": not done}, after={"done": done,
                                                                 "title": task.title})


def deletion_blockers(task: Task) -> list[str]:
    """Only tasks added by hand go; a task of the method follows the work and its step."""
    if task.origin == "manual":
        return []
    return [_("Deze taak hoort bij de methode: zij gaat vanzelf op afgerond als het werk klaar "
              "is, of vervalt met haar stap. Alleen zelf toegevoegde taken kunnen weg.")]


def delete_task(task: Task, actor: User) -> None:
    blockers = deletion_blockers(task)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    audit.record("task.delete", "task", task.id, task.project_id, actor=actor,
                 before={"title": task.title, "step": task.step,
                         "assignee_id": task.assignee_id})
    db.session.delete(task)
    db.session.flush()

