"""The figures of the reports page: what the projects together delivered (benefits) and where
they get stuck (flow), over the projects a person may see, filtered.

Every figure is one query whatever the number of projects: counts and sums are aggregated in
the database; the step durations come back as one row per finished step (two timestamps) and
their median and 90th percentile are computed here, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql import Select

from ..clock import local_date, start_of_day
from ..extensions import db
from ..implementation.services import KpiResult, kpi_results
from ..main.queries import only_visible, owned_by, process_owners
from ..models import (
    Improvement,
    Kpi,
    KpiMeasurement,
    Project,
    ProjectPosition,
    StepState,
    User,
)
from ..paging import Window, window
from ..workflow import (
    Decision,
    Horizon,
    ProjectPhase,
    RevisitStatus,
    Step,
    StepStatus,
    project_phase,
    revisit_status,
    stalled_before,
)

CLOSED_PER_PAGE = 20
STALLED_SHOWN = 10
BOTTLENECKS = 3  # the steps with the longest median are named as bottlenecks


@dataclass(frozen=True)
class ReportFilter:
    """What the person asked for; None is "all"."""

    year: int | None = None  # projects that ran in that year (started before its end, not
    # finished before its start)
    process_type: str | None = None
    unit: str | None = None
    owner_id: int | None = None  # a process owner of the project

    def as_args(self) -> dict[str, str]:
        names = {"year": self.year, "process_type": self.process_type, "unit": self.unit,
                 "owner": self.owner_id}
        return {key: str(value) for key, value in names.items() if value not in (None, "")}


def in_scope(user: User, asked: ReportFilter) -> Select:
    """The ids of the projects the report covers: the person's own (all for an
    administrator), filtered, the anonymised ones included (their figures are not personal)."""
    query = only_visible(select(Project.id).join(
        ProjectPosition, ProjectPosition.project_id == Project.id), user, Project.id)
    if asked.year is not None:
        start = start_of_day(date(asked.year, 1, 1))
        end = start_of_day(date(asked.year + 1, 1, 1))
        query = query.where(Project.created_at < end, or_(
            ProjectPosition.step.is_not(None), ProjectPosition.since >= start))
    if asked.process_type:
        query = query.where(Project.process_type == asked.process_type)
    if asked.unit:
        query = query.where(Project.organisation_unit == asked.unit)
    if asked.owner_id is not None:
        query = query.where(Project.id.in_(owned_by(asked.owner_id)))
    return query


# --- Benefits ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClosedProject:
    project: Project
    closed_at: datetime
    kpis: list[KpiResult]
    revisit: RevisitStatus

    @property
    def phase(self) -> ProjectPhase:
        """A closed project is in borging until its last re-measurement."""
        return project_phase(True, self.project.completed_at is not None)


@dataclass(frozen=True)
class KpiTotals:
    kpis: int  # KPIs of the closed projects
    measured: int  # with an after-measurement
    reached: int  # whose after-measurement meets the target

    @property
    def not_reached(self) -> int:
        return self.measured - self.reached


@dataclass(frozen=True)
class Benefits:
    closed: list[ClosedProject]  # one page, the latest closed first
    shown: Window
    totals: KpiTotals
    improvements: dict[tuple[str, str], int]  # (horizon or "", decision) -> count
    one_off_cost: int  # euros, of the improvements in the plans
    recurring_cost: int  # euros per year

    def improvement_count(self, horizon: str, decision: str) -> int:
        return self.improvements.get((horizon, decision), 0)


def closed_in(scope: Select) -> Select:
    """The ids of the closed projects in scope (all ten steps finished)."""
    return select(ProjectPosition.project_id).where(ProjectPosition.step.is_(None),
                                                    ProjectPosition.project_id.in_(scope))


def closed_projects(scope: Select) -> Select:
    """The closed projects in scope with when they closed, the latest first."""
    return (select(Project, ProjectPosition.since)
            .join(ProjectPosition, ProjectPosition.project_id == Project.id)
            .where(ProjectPosition.step.is_(None), Project.id.in_(scope))
            .order_by(ProjectPosition.since.desc(), Project.id.desc()))


def benefits(scope: Select, page: int, today: date) -> Benefits:
    """The closed projects in scope: their KPIs (a page of projects), the KPI totals, the
    improvements by horizon and decision, the costs planned (five queries)."""
    closed_ids = closed_in(scope)
    total = db.session.scalar(select(func.count()).select_from(closed_ids.subquery())) or 0
    shown = window(total, page, CLOSED_PER_PAGE)
    rows = db.session.execute(
        closed_projects(scope).limit(CLOSED_PER_PAGE).offset(shown.offset)).all()
    results = kpi_results([project.id for project, _since in rows])
    improvements = improvement_counts(closed_ids)
    one_off, recurring = db.session.execute(
        select(func.coalesce(func.sum(Improvement.cost_estimate), 0),
               func.coalesce(func.sum(Improvement.recurring_cost), 0))
        .where(Improvement.project_id.in_(closed_ids),
               Improvement.decision == Decision.IN_PLAN)).one()
    return Benefits(
        closed=[ClosedProject(project, since, results.get(project.id, []),
                              revisit_status(project.revisit_on, today))
                for project, since in rows],
        shown=shown, totals=_kpi_totals(closed_ids), improvements=improvements,
        one_off_cost=int(one_off), recurring_cost=int(recurring))


def _kpi_totals(project_ids: Select) -> KpiTotals:
    latest = (select(KpiMeasurement.value).where(KpiMeasurement.kpi_id == Kpi.id)
              .order_by(KpiMeasurement.measured_on.desc(), KpiMeasurement.id.desc())
              .limit(1).correlate(Kpi).scalar_subquery())
    measured = select(Kpi.id.label("id"), Kpi.direction.label("direction"),
                      Kpi.target_value.label("target"), latest.label("after")) \
        .where(Kpi.project_id.in_(project_ids)).subquery()
    reached = case((and_(measured.c.direction == "lower", measured.c.after <= measured.c.target),
                    1),
                   (and_(measured.c.direction == "higher",
                         measured.c.after >= measured.c.target), 1), else_=0)
    kpis, with_after, met = db.session.execute(
        select(func.count(measured.c.id), func.count(measured.c.after),
               func.coalesce(func.sum(reached), 0))).one()
    return KpiTotals(kpis, with_after, int(met))


def improvement_counts(project_ids: Select) -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(Improvement.horizon, Improvement.decision, func.count())
        .where(Improvement.project_id.in_(project_ids))
        .group_by(Improvement.horizon, Improvement.decision))
    return {(horizon or "", decision): count for horizon, decision, count in rows}


IMPROVEMENT_ROWS = [Horizon.QUICK_WIN, Horizon.LONG_TERM, ""]
IMPROVEMENT_COLUMNS = [Decision.IN_PLAN, Decision.NOT_PURSUED, Decision.OPEN]


# --- Flow -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepFlow:
    step: Step
    projects: int  # projects that finished this step (skipped ones not counted)
    median_days: float | None
    p90_days: float | None
    bottleneck: bool = False


@dataclass(frozen=True)
class StalledProject:
    project_id: int
    name: str
    identity: str  # reference and department, beside the name (Project.identity)
    step: Step
    days: int


@dataclass(frozen=True)
class Flow:
    steps: list[StepFlow]
    stalled: list[StalledProject]  # the longest waiting first, at most STALLED_SHOWN
    stalled_total: int
    quarters: list[tuple[str, int]]  # "2026 K3" -> projects closed, oldest first, gaps filled
    stalled_after: int = 0
    bottlenecks: list[StepFlow] = field(default_factory=list)  # the longest wait first


def flow(scope: Select, today: date, stalled_after: int) -> Flow:
    """Time per step, the bottlenecks, the projects stalled now and the throughput per
    quarter (four queries)."""
    steps = step_flows(scope)
    cutoff = stalled_before(today, stalled_after)
    stalled = and_(ProjectPosition.step.is_not(None), ProjectPosition.since < cutoff,
                   ProjectPosition.project_id.in_(scope))
    stalled_total = db.session.scalar(
        select(func.count()).select_from(ProjectPosition).where(stalled)) or 0
    stalled_rows = db.session.execute(
        select(Project, ProjectPosition.step, ProjectPosition.since)
        .join(ProjectPosition, ProjectPosition.project_id == Project.id).where(stalled)
        .order_by(ProjectPosition.since, Project.id).limit(STALLED_SHOWN)).all()
    return Flow(
        steps=steps,
        stalled=[StalledProject(project.id, project.name, project.identity, Step(step),
                                (today - local_date(since)).days)
                 for project, step, since in stalled_rows],
        stalled_total=stalled_total, quarters=throughput(scope), stalled_after=stalled_after,
        bottlenecks=sorted((s for s in steps if s.bottleneck),
                           key=lambda s: (-s.median_days, s.step)))


def step_flows(scope: Select) -> list[StepFlow]:
    """Per step: how many projects finished it, the median and 90th percentile days, and
    whether it is one of the bottlenecks (one query)."""
    durations: dict[int, list[float]] = {}
    for step, started, closed in db.session.execute(
            select(StepState.step, StepState.started_at, StepState.closed_at)
            .where(StepState.project_id.in_(scope), StepState.status == StepStatus.DONE,
                   StepState.started_at.is_not(None), StepState.closed_at.is_not(None))):
        durations.setdefault(step, []).append((closed - started).total_seconds() / 86400)
    steps = [StepFlow(step, len(durations.get(step, [])), *_median_p90(durations.get(step, [])))
             for step in Step]
    # A step that takes no time holds no one up: only steps with a median count.
    ranked = sorted((s for s in steps if s.median_days),
                    key=lambda s: (-s.median_days, s.step))[:BOTTLENECKS]
    return [StepFlow(s.step, s.projects, s.median_days, s.p90_days, s in ranked)
            for s in steps]


def _median_p90(days: list[float]) -> tuple[float | None, float | None]:
    """The median, and the 90th percentile by linear interpolation between the closest ranks
    (numpy's default, and Excel's PERCENTILE.INC), in days to one decimal."""
    if not days:
        return None, None
    ordered = sorted(days)
    position = (len(ordered) - 1) * 0.9
    low, high = math.floor(position), math.ceil(position)
    p90 = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(statistics.median(ordered), 1), round(p90, 1)


def throughput(scope: Select) -> list[tuple[str, int]]:
    """Projects closed per quarter of the organisation's calendar, from the first quarter
    with one to the last. The closing moments come back one per project, since neither
    database can be asked the organisation's quarter of a UTC moment the same way."""
    closings = db.session.scalars(select(ProjectPosition.since).where(
        ProjectPosition.step.is_(None), ProjectPosition.since.is_not(None),
        ProjectPosition.project_id.in_(scope)))
    counts = Counter()
    for moment in closings:
        day = local_date(moment)
        counts[(day.year, (day.month - 1) // 3 + 1)] += 1
    if not counts:
        return []
    (first_year, first_q), (last_year, last_q) = min(counts), max(counts)
    quarters = []
    y, q = first_year, first_q
    while (y, q) <= (last_year, last_q):
        quarters.append((f"{y} K{q}", counts.get((y, q), 0)))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return quarters


# --- The filter's choices ---------------------------------------------------------------------

@dataclass(frozen=True)
class Choices:
    years: list[int]
    units: list[str]
    owners: list[tuple[int, str]]


def choices(user: User, today: date) -> Choices:
    """What the filter offers: the years, units and process owners of the person's projects
    (three queries; the owners as the portfolio's filter offers them)."""
    visible = in_scope(user, ReportFilter())
    first = db.session.scalar(select(func.min(Project.created_at)).where(Project.id.in_(visible)))
    years = list(range(today.year, (first.year if first else today.year) - 1, -1))
    units = list(db.session.scalars(
        select(Project.organisation_unit).where(Project.id.in_(visible),
                                                Project.organisation_unit != "")
        .distinct().order_by(Project.organisation_unit)))
    return Choices(years, units, [(uid, name) for uid, name in process_owners(user)])
