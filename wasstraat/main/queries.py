"""Read models for the dashboard and task pages; each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from .. import clock
from ..database import containing
from ..extensions import db
from ..implementation.services import KpiResult, kpi_results
from ..models import (
    ImplementationItem,
    Membership,
    MembershipRole,
    Project,
    ProjectPosition,
    Task,
    User,
)
from ..paging import Window, window
from ..projects import planning
from ..projects.cycles import Chain, chains
from ..projects.planning import HealthReport
from ..workflow import (
    ActionStatus,
    Adoption,
    ProjectPhase,
    RevisitStatus,
    Role,
    Step,
    project_phase,
    revisit_status,
)


def _member_project_ids(user: User):
    return select(Membership.project_id).where(Membership.user_id == user.id)


@dataclass(frozen=True)
class MyProject:
    membership: Membership
    step: Step | None  # where the project stands (None: all steps finished)

    @property
    def project(self) -> Project:
        return self.membership.project


def my_projects(user: User, limit: int | None = None) -> list[MyProject]:
    """The person's own projects with their roles and current step, by name (the first
    ``limit``): two queries."""
    rows = db.session.execute(
        select(Membership, ProjectPosition.step)
        .where(Membership.user_id == user.id)
        .join(Membership.project)
        .join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .options(contains_eager(Membership.project), selectinload(Membership.role_rows))
        .order_by(func.lower(Project.name), Project.id)
        .limit(limit))
    return [MyProject(membership, Step(step) if step else None) for membership, step in rows]


PAGE_SIZE = 25
FINISHED = 0  # the "step" filter value for projects that finished all ten steps


@dataclass(frozen=True)
class PortfolioQuery:
    """What the person asked of the portfolio (from the filter form)."""

    search: str = ""
    step: int | None = None  # 1..10, or FINISHED
    owner_id: int | None = None
    stalled: bool = False
    mine: bool = False
    sort: str = "name"
    page: int = 1


@dataclass(frozen=True)
class PortfolioPage:
    project_ids: list[int]  # this page's, in order
    positions: dict[int, ProjectPosition]  # project id -> where it stands
    shown: Window  # of the projects matching the filters
    step_counts: dict[int, int]  # step (FINISHED for done) -> projects, before the step filter


def only_visible(query, user: User, column):
    """The projects this person may see: all for an administrator, else their own (the
    portfolio and the reports)."""
    return query if user.is_admin else query.where(column.in_(_member_project_ids(user)))


def owned_by(user_id: int):
    """The projects in which this person is a process owner (the owner filters)."""
    return select(Membership.project_id).join(MembershipRole).where(
        Membership.user_id == user_id, MembershipRole.role == Role.PROCESS_OWNER.value)


def _filtered(user: User, asked: PortfolioQuery, cutoff: datetime, *, with_step: bool,
              what=(Project.id,)):
    query = only_visible(select(*what).join(ProjectPosition,
                                             ProjectPosition.project_id == Project.id),
                          user, Project.id)
    if asked.search:
        query = query.where(containing(Project.name, asked.search))
    if asked.mine:
        query = query.where(Project.id.in_(_member_project_ids(user)))
    if asked.owner_id is not None:
        query = query.where(Project.id.in_(owned_by(asked.owner_id)))
    if asked.stalled:
        query = query.where(ProjectPosition.step.is_not(None), ProjectPosition.since < cutoff)
    if with_step and asked.step is not None:
        query = query.where(ProjectPosition.step.is_(None) if asked.step == FINISHED
                            else ProjectPosition.step == asked.step)
    return query


_ORDER = {
    "name": (func.lower(Project.name), Project.id),
    # Finished projects last; then by step, and by name within a step.
    "step": (ProjectPosition.step.is_(None), ProjectPosition.step, func.lower(Project.name),
             Project.id),
    # Longest in the current step first; finished projects last.
    "waiting": (ProjectPosition.step.is_(None), ProjectPosition.since.is_(None),
                ProjectPosition.since, Project.id),
}


def portfolio_page(user: User, asked: PortfolioQuery, cutoff: datetime) -> PortfolioPage:
    """One page of the projects this person may see, filtered and sorted in the database, with
    the number per step: three queries however many projects there are."""
    others = _filtered(user, asked, cutoff, with_step=False).subquery()
    counts = {(step if step is not None else FINISHED): n for step, n in db.session.execute(
        select(ProjectPosition.step, func.count()).where(
            ProjectPosition.project_id.in_(select(others.c.id)))
        .group_by(ProjectPosition.step)).all()}
    # The counts per step are the other filters' result; the step filter picks one of them.
    total = sum(counts.values()) if asked.step is None else counts.get(asked.step, 0)
    shown = window(total, asked.page, PAGE_SIZE)
    rows = db.session.execute(
        _filtered(user, asked, cutoff, with_step=True, what=(Project.id, ProjectPosition))
        .order_by(*_ORDER[asked.sort]).limit(PAGE_SIZE).offset(shown.offset)).all()
    return PortfolioPage([project_id for project_id, _position in rows],
                         {project_id: position for project_id, position in rows}, shown, counts)


def projects_for_rows(project_ids: list[int]) -> list[Project]:
    """The projects whose portfolio rows are to be made, with their step states (the lane)."""
    found = {project.id: project for project in db.session.scalars(
        select(Project).where(Project.id.in_(project_ids)).options(selectinload(Project.steps)))}
    return [found[i] for i in project_ids]


def process_owners(user: User) -> list[tuple[int, str]]:
    """The process owners of the projects this person may see (the owner filter's choices)."""
    return list(db.session.execute(only_visible(
        select(User.id, User.name).distinct()
        .join(Membership, Membership.user_id == User.id).join(MembershipRole)
        .where(MembershipRole.role == Role.PROCESS_OWNER.value), user, Membership.project_id)
        .order_by(User.name, User.id)).all())


@dataclass(frozen=True)
class Signals:
    """What the portfolio shows of one project besides its lane."""

    step: Step | None
    days_in_step: int | None
    stalled: bool
    open_tasks: int
    overdue_actions: int
    kpi_results: list[KpiResult]
    cycle: Chain = Chain()  # the previous and the next cycle
    revisit: RevisitStatus | None = None  # a closed project's process description
    phase: ProjectPhase = ProjectPhase.RUNNING
    health: HealthReport | None = None  # against the planned step dates (running projects)


def portfolio_signals(projects: list[Project], positions: dict[int, ProjectPosition],
                      today: date, cutoff: datetime) -> dict[int, Signals]:
    """Days in the current step (from the stored position; stalled when the last move was
    before ``cutoff``, the same test as the filter's), open tasks, overdue actions and, for
    closed projects, the KPI results, and the cycles they belong to: four queries for any
    number of projects."""
    ids = [p.id for p in projects]
    open_tasks = dict(db.session.execute(
        select(Task.project_id, func.count()).where(Task.project_id.in_(ids),
                                                    Task.done_at.is_(None))
        .group_by(Task.project_id)).all())
    overdue = dict(db.session.execute(
        select(ImplementationItem.project_id, func.count()).where(
            ImplementationItem.project_id.in_(ids),
            ImplementationItem.adoption == Adoption.TAKEN_OVER,
            ImplementationItem.end_on < today,
            ImplementationItem.status != ActionStatus.DONE)
        .group_by(ImplementationItem.project_id)).all())
    results = kpi_results([i for i in ids if positions[i].step is None])
    links = chains(ids)
    health = planning.health_by_project([i for i in ids if positions[i].step is not None], today)
    signals = {}
    for project in projects:
        position = positions[project.id]
        moving = position.step is not None and position.since is not None
        signals[project.id] = Signals(
            step=Step(position.step) if position.step else None,
            days_in_step=(today - clock.local_date(position.since)).days if moving else None,
            stalled=moving and position.since < cutoff,
            open_tasks=open_tasks.get(project.id, 0), overdue_actions=overdue.get(project.id, 0),
            kpi_results=results.get(project.id, []),
            cycle=links.get(project.id, Chain()),
            revisit=None if position.step else revisit_status(project.revisit_on, today),
            phase=project_phase(position.step is None, project.completed_at is not None),
            health=health.get(project.id))
    return signals


def _my_tasks_query(user: User):
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


def my_open_tasks(user: User, limit: int, offset: int = 0) -> tuple[list[Task], int]:
    """``limit`` open tasks from ``offset`` in the order of "Mijn taken", and how many are open
    in all (counted in the same query; 0 when the page is past the end)."""
    rows = db.session.execute(
        _my_tasks_query(user).add_columns(func.count().over())
        .options(selectinload(Task.project)).where(Task.done_at.is_(None))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.project_id, Task.step, Task.id)
        .limit(limit).offset(offset)).all()
    return [task for task, _total in rows], (rows[0][1] if rows else 0)
