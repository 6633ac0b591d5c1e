"""Reminders: work that waits or a date that comes near, found by a periodic job and put in
the inbox of whoever can act on it, once per occasion.

Each reminder has a key naming its occasion (the action and its end date, the evaluation
and its date, the task and how many stall periods it waited). The key is unique per person
in the database, so however often the job runs, and on however many workers at once, an
occasion reminds a person once; a new end date or a new evaluation date is a new occasion.
The e-mail follows the person's choice for the reminder's kind, like every notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from ..archive import services as archive
from ..clock import local_date
from ..extensions import db
from ..models import (
    Evaluation,
    ImplementationItem,
    Improvement,
    Kpi,
    KpiMeasurement,
    Membership,
    MembershipRole,
    Notification,
    Project,
    ProjectPosition,
    Remeasurement,
    Task,
    User,
    utcnow,
)
from ..notification_kinds import (
    EVALUATION_NOTICE,
    REMEASURE_NOTICE,
    REVISIT_NOTICE,
    MailState,
    Reminder,
)
from ..tasks.services import task_link
from ..workflow import ActionStatus, Adoption, OrgFunction, Role, Step, stalled_before


@dataclass(frozen=True)
class Due:
    """A reminder someone should have, by its occasion."""

    reminder: Reminder
    key: str
    user_id: int
    project_id: int
    step: int | None
    title: str
    days: int
    task_id: int | None = None
    link: str = ""


def due(today: date, stalled_after: int) -> list[Due]:
    """Every reminder due today, whether or not it was already given (at most eleven
    queries)."""
    return [*_overdue_actions(today), *_evaluations(today), *_waiting_tasks(today, stalled_after),
            *_revisits(today), *_remeasurements(today), *_archive_due(today)]


def send_reminders(now: datetime | None = None) -> int:
    """Put today's new reminders in the inboxes; their e-mail goes with the next delivery.
    Returns how many were new."""
    now = now or utcnow()
    today = local_date(now)
    reminders = due(today, current_app.config["STALLED_AFTER_DAYS"])
    if not reminders:
        return 0
    state = (MailState.PENDING if current_app.config["MAIL_ENABLED"] else MailState.NONE).value
    rows = [{"user_id": r.user_id, "project_id": r.project_id, "task_id": r.task_id,
             "kind": r.reminder.kind.value, "reminder": r.reminder.value, "reminder_key": r.key,
             "step": r.step, "title": r.title[:200], "days": r.days, "link": r.link,
             "created_at": now, "mail_state": state, "mail_attempts": 0} for r in reminders]
    result = db.session.execute(_insert_new(rows))
    db.session.commit()
    return max(result.rowcount, 0)


def _insert_new(rows: list[dict]):
    """An INSERT that skips occasions already given (by this run or a concurrent one)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(Notification).values(rows).on_conflict_do_nothing(
        index_elements=["user_id", "reminder_key"])


def _active(user_column):
    return user_column.in_(select(User.id).where(User.active.is_(True)))


def _in_step(step: Step):
    """Projects that are in this step now (not finished, not elsewhere)."""
    return select(ProjectPosition.project_id).where(ProjectPosition.step == int(step))


def _overdue_actions(today: date) -> list[Due]:
    """Actions past their end date and not done, for their responsible person."""
    rows = db.session.execute(
        select(ImplementationItem.id, ImplementationItem.project_id,
               ImplementationItem.responsible_id, ImplementationItem.end_on, Improvement.title)
        .join(Improvement, Improvement.id == ImplementationItem.improvement_id)
        .where(ImplementationItem.adoption == Adoption.TAKEN_OVER,
               ImplementationItem.status != ActionStatus.DONE,
               ImplementationItem.end_on < today,
               ImplementationItem.responsible_id.is_not(None),
               _active(ImplementationItem.responsible_id),
               ImplementationItem.project_id.in_(_in_step(Step.EXECUTION)))
        .order_by(ImplementationItem.id)).all()
    return [Due(Reminder.ACTION_OVERDUE, f"action_overdue:{item_id}:{end_on.isoformat()}",
                user_id, project_id, int(Step.EXECUTION), title, (today - end_on).days,
                link=task_link("implementation.action", item_id=item_id))
            for item_id, project_id, user_id, end_on, title in rows]


def _evaluations(today: date) -> list[Due]:
    """Evaluation moments a week away, or passed while no KPI has been measured again: for
    the evaluation's owner, else the process owners."""
    measured = exists(select(KpiMeasurement.id).join(Kpi, Kpi.id == KpiMeasurement.kpi_id)
                      .where(Kpi.project_id == Evaluation.project_id))
    rows = db.session.execute(
        select(Evaluation.id, Evaluation.project_id, Evaluation.planned_on,
               Evaluation.owner_id)
        .where(Evaluation.planned_on <= today + EVALUATION_NOTICE, ~measured,
               Evaluation.project_id.in_(_in_step(Step.EXECUTION)))
        .order_by(Evaluation.id)).all()
    owners = _process_owners({project_id for _id, project_id, _on, owner in rows
                              if owner is None})
    reminders = []
    for evaluation_id, project_id, planned_on, owner_id in rows:
        if planned_on == today:
            continue  # the day itself: the evaluation may be under way; tomorrow it passed
        passed = planned_on < today
        reminder = Reminder.EVALUATION_PASSED if passed else Reminder.EVALUATION_NEAR
        for user_id in [owner_id] if owner_id else owners.get(project_id, []):
            reminders.append(Due(
                reminder, f"{reminder.value}:{evaluation_id}:{planned_on.isoformat()}", user_id,
                project_id, int(Step.EXECUTION), "", abs((planned_on - today).days),
                link=task_link("implementation.evaluation")))
    return reminders


def _revisits(today: date) -> list[Due]:
    """Closed projects whose process description is due for review within a month, or
    overdue: for their process owners, once before the date and once after it."""
    rows = db.session.execute(
        select(Project.id, Project.name, Project.revisit_on)
        .join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .where(ProjectPosition.step.is_(None), Project.anonymised_at.is_(None),
               Project.revisit_on <= today + REVISIT_NOTICE, Project.revisit_on != today)
        .order_by(Project.id)).all()
    owners = _process_owners({project_id for project_id, _name, _on in rows})
    reminders = []
    for project_id, name, revisit_on in rows:
        reminder = Reminder.REVISIT_PASSED if revisit_on < today else Reminder.REVISIT_NEAR
        for user_id in owners.get(project_id, []):
            reminders.append(Due(
                reminder, f"{reminder.value}:{project_id}:{revisit_on.isoformat()}", user_id,
                project_id, None, name, abs((revisit_on - today).days),
                link=task_link("projects.show")))
    return reminders


def _remeasurements(today: date) -> list[Due]:
    """The borging's open moments: two weeks ahead, and once their day has come, for their
    owner (the process owners when it has none, or one no longer active). A moved moment is
    a new occasion."""
    rows = db.session.execute(
        select(Remeasurement.id, Remeasurement.project_id, User.id,  # None: not active
               Remeasurement.due_on, Kpi.name)
        .join(Kpi, Kpi.id == Remeasurement.kpi_id)
        .outerjoin(User, and_(User.id == Remeasurement.owner_id, User.active.is_(True)))
        .join(Project, Project.id == Remeasurement.project_id)
        .where(Remeasurement.measurement_id.is_(None), Remeasurement.end_reason.is_(None),
               Remeasurement.due_on <= today + REMEASURE_NOTICE,
               Project.anonymised_at.is_(None))
        .order_by(Remeasurement.id)).all()
    owners = _process_owners({project_id for _id, project_id, owner, _on, _kpi in rows
                              if owner is None})
    links = {task_link("sustain.moment", moment_id=row[0]): row[0] for row in rows}
    # A moment's reminders belong to its task: handled once it is measured or ended.
    task_of = {links[link]: task_id for link, task_id in db.session.execute(
        select(Task.link, Task.id).where(Task.origin == "remeasure",
                                         Task.link.in_(list(links))))} if rows else {}
    reminders = []
    for moment_id, project_id, owner_id, due_on, kpi in rows:
        reminder = Reminder.REMEASURE_DUE if due_on <= today else Reminder.REMEASURE_NEAR
        for user_id in [owner_id] if owner_id else owners.get(project_id, []):
            reminders.append(Due(
                reminder, f"{reminder.value}:{moment_id}:{due_on.isoformat()}", user_id,
                project_id, None, kpi, abs((due_on - today).days),
                task_id=task_of.get(moment_id),
                link=task_link("sustain.moment", moment_id=moment_id)))
    return reminders


def _process_owners(project_ids: set[int]) -> dict[int, list[int]]:
    if not project_ids:
        return {}
    owners: dict[int, list[int]] = {}
    for project_id, user_id in db.session.execute(
            select(Membership.project_id, Membership.user_id).join(MembershipRole)
            .where(Membership.project_id.in_(project_ids),
                   MembershipRole.role == Role.PROCESS_OWNER.value,
                   _active(Membership.user_id))
            .order_by(Membership.user_id)):
        owners.setdefault(project_id, []).append(user_id)
    return owners


def _waiting_tasks(today: date, stalled_after: int) -> list[Due]:
    """Open tasks of a project's current step that have waited on their person as long as
    a project takes to count as stalled: again after every further period, never twice for
    the same one. Days are counted as the portfolio counts them (workflow.stalled_before)."""
    cutoff = stalled_before(today, stalled_after)
    rows = db.session.execute(
        select(Task.id, Task.project_id, Task.assignee_id, Task.step, Task.title,
               Task.created_at, ProjectPosition.since)
        .join(ProjectPosition, and_(ProjectPosition.project_id == Task.project_id,
                                    ProjectPosition.step == Task.step))
        .where(Task.done_at.is_(None), Task.assignee_id.is_not(None),
               _active(Task.assignee_id), ProjectPosition.since < cutoff,
               Task.created_at < cutoff)
        .order_by(Task.id)).all()
    reminders = []
    for task_id, project_id, user_id, step, title, created_at, since in rows:
        # Counted in the organisation's days, as ``today`` is (not the UTC date, which is a
        # day behind between midnight and one or two in the morning).
        days = (today - local_date(max(since, created_at))).days
        reminders.append(Due(Reminder.STEP_WAITING,
                             f"step_waiting:{task_id}:{days // stalled_after}", user_id,
                             project_id, step, title, days, task_id=task_id))
    return reminders


def _archive_due(today: date) -> list[Due]:
    """Records past their archive date, to destroy, on no list yet: for each archivist, once
    per record and date (a record taken off a list with a reason is not asked about again
    until its class changes its date)."""
    records = archive.due_for_destruction(today)
    if not records:
        return []
    archivists = [user_id for user_id, functions in db.session.execute(
        select(User.id, User.functions).where(User.active.is_(True)))
        if OrgFunction.ARCHIVIST.value in (functions or ())]
    return [Due(Reminder.ARCHIVE_DUE,
                f"{Reminder.ARCHIVE_DUE.value}:{r.project.id}:{r.archive_date.isoformat()}",
                user_id, r.project.id, None, r.project.name, (today - r.archive_date).days,
                link=task_link("archive.index"))
            for r in records for user_id in archivists]
