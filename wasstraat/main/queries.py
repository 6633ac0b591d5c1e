"""Read models for the dashboard and task pages; each a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Membership, Project, Task, User


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
