"""The library's rows, a page at a time, in a fixed number of queries however many processes
there are: the page of described processes, their process owners, their last measured lead
time, and which of their projects the reader may open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from ..extensions import db
from ..main.queries import only_visible
from ..models import (
    EventLog,
    Membership,
    MembershipRole,
    ProcessStep,
    Project,
    ProjectPosition,
    User,
)
from ..paging import Window, window
from ..workflow import EventLogStatus, RevisitStatus, Role, revisit_status

PER_PAGE = 25


@dataclass(frozen=True)
class DescribedProcess:
    project: Project
    owners: list[str]
    revisit: RevisitStatus
    lead_days: float | None  # the median lead time of the last event log measured
    may_open: bool  # whether the reader may open the project it came from


def _described():
    """Closed, not anonymised projects that described their process (current or desired)."""
    return (select(Project)
            .join(ProjectPosition, ProjectPosition.project_id == Project.id)
            .where(ProjectPosition.step.is_(None), Project.anonymised_at.is_(None),
                   exists(select(ProcessStep.id).where(ProcessStep.project_id == Project.id))))


def described_processes():
    """The library in its order: the first to review first, those without a date last."""
    return _described().order_by(Project.revisit_on.is_(None), Project.revisit_on,
                                 Project.name, Project.id)


def library(user: User, asked_page: int, today: date) -> tuple[list[DescribedProcess], Window]:
    total = db.session.scalar(select(func.count()).select_from(_described().subquery())) or 0
    shown = window(total, asked_page, PER_PAGE)
    projects = list(db.session.scalars(
        described_processes().limit(PER_PAGE).offset(shown.offset)))
    return rows_of(user, projects, today), shown


def rows_of(user: User, projects: list[Project], today: date) -> list[DescribedProcess]:
    """The library's rows of these projects (three queries, however many)."""
    ids = [p.id for p in projects]
    owners = _owners(ids)
    lead = _last_lead_times(ids)
    visible = set(db.session.scalars(only_visible(
        select(Project.id).where(Project.id.in_(ids)), user, Project.id)))
    return [DescribedProcess(p, owners.get(p.id, []), revisit_status(p.revisit_on, today),
                             lead.get(p.id), p.id in visible) for p in projects]


def owners_of(project: Project) -> list[str]:
    return _owners([project.id]).get(project.id, [])


def _owners(ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for project_id, name in db.session.execute(
            select(Membership.project_id, User.name).join(User).join(MembershipRole)
            .where(Membership.project_id.in_(ids), MembershipRole.role == Role.PROCESS_OWNER)
            .order_by(User.name)):
        names.setdefault(project_id, []).append(name)
    return names


def _last_lead_times(ids: list[int]) -> dict[int, float]:
    """Per project, the median lead time of its newest analysed event log."""
    newest = (select(EventLog.project_id, func.max(EventLog.id).label("id"))
              .where(EventLog.project_id.in_(ids), EventLog.status == EventLogStatus.DONE)
              .group_by(EventLog.project_id).subquery())
    lead = {}
    for project_id, result in db.session.execute(
            select(EventLog.project_id, EventLog.result).join(newest, newest.c.id == EventLog.id)):
        median = ((result or {}).get("lead_time") or {}).get("median")
        if median is not None:
            lead[project_id] = round(float(median), 1)
    return lead
