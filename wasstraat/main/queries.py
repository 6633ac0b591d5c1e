"""Read models for the dashboard and task pages; each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..implementation.services import KpiResult, kpi_results
from ..models import ImplementationItem, Membership, Project, Task, User
from ..workflow import ActionStatus, Adoption, Step


def _member_project_ids(user: User):  # noqa: ANN202
    return select(Membership.project_id).where(Membership.user_id == user.id)


def my_projects(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .join(Membership.project)
            .options(
                selectinload(Membership.project).selectinload(Project.steps),
                selectinload(Membership.role_rows),
            )
            .order_by(Project.name)
        )
    )


def portfolio(user: User) -> list[Project]:
    """Every project this user may see, with its step states."""
    query = select(Project).options(selectinload(Project.steps)).order_by(Project.name)
    if not user.is_admin:
        query = query.where(Project.id.in_(_member_project_ids(user)))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Signals:
    """What the portfolio shows of one project besides its lane."""

    step: Step | None
    days_in_step: int | None
    stalled: bool
    open_tasks: int
    overdue_actions: int
    kpi_results: list[KpiResult]


def _last_move(project: Project) -> datetime | None:
    moments = [m for s in project.steps for m in (s.started_at, s.closed_at) if m]
    return max(moments, default=None)


def portfolio_signals(projects: list[Project], today: date,
                      stalled_after: int) -> dict[int, Signals]:
    """Days in the current step (a flag past ``stalled_after``), open tasks, overdue actions
    and, for closed projects, the KPI results: in four queries for any number of projects."""
    ids = [p.id for p in projects]
    open_tasks = dict(db.session.execute(
        select(Task.project_id, func.count()).where(Task.project_id.in_(ids),
                                                    Task.done_at.is_(None))
        .group_by(Task.project_id)).all())
    overdue = dict(db.session.execute(
        select(ImplementationItem.project_id, func.count()).where(
            ImplementationItem.project_id.in_(ids),
            ImplementationItem.adoption == Adoption.TAKEN_OVER.value,
            ImplementationItem.end_on < today,
            ImplementationItem.status != ActionStatus.DONE.value)
        .group_by(ImplementationItem.project_id)).all())
    results = kpi_results([p.id for p in projects if p.is_finished])
    signals = {}
    for project in projects:
        step = project.current_step
        moved = _last_move(project)
        days = (today - moved.date()).days if step and moved else None
        signals[project.id] = Signals(
            step=step, days_in_step=days,
            stalled=days is not None and days > stalled_after,
            open_tasks=open_tasks.get(project.id, 0), overdue_actions=overdue.get(project.id, 0),
            kpi_results=results.get(project.id, []))
    return signals


def _my_tasks_query(user: User):  # noqa: ANN202
    return select(Task).where(
        Task.assignee_id == user.id, Task.project_id.in_(_member_project_ids(user))
    )


def my_tasks(user: User, *, open_only: bool, limit: int | None = None) -> list[Task]:
    query = _my_tasks_query(user).options(selectinload(Task.project))
    if open_only:
        query = query.where(Task.done_at.is_(None)).order_by(
            Task.due_date.is_(None), Task.due_date, Task.project_id, Task.step, Task.id
        )
    else:
        query = query.where(Task.done_at.is_not(None)).order_by(Task.done_at.desc())
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def open_task_count(user: User) -> int:
    query = _my_tasks_query(user).where(Task.done_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
