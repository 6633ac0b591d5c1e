"""When each step should be finished (planned by the project leader), and the project's health
against those dates: on schedule, at risk or behind, said in words for the sponsor and the
portfolio.

- Behind: a step not finished whose planned end has passed.
- At risk: an approver's no-go stands at a gate, or a step not started yet should be finished
  within ``workflow.AT_RISK_DAYS``.
- A step is not planned to finish before the steps it needs (``workflow`` prerequisites).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from .. import audit
from ..errors import ConflictError, InvalidInput
from ..extensions import db
from ..models import GateDecision, Project, StepState, User
from ..titles import step_title
from ..workflow import AT_RISK_DAYS, GateVerdict, Health, Step, StepStatus

# One step's place in the plan: its number, where it stands, and its planned end.
PlannedStep = tuple[Step, StepStatus, date | None]


@dataclass(frozen=True)
class HealthReport:
    health: Health
    reason: str  # why, in one sentence; empty when on schedule


def field_name(step: Step) -> str:
    return f"step_{int(step)}"


def assess(steps: Iterable[PlannedStep], today: date, *, no_go: bool = False
           ) -> HealthReport | None:
    """The health of a running project; None once every step is finished."""
    rows = sorted(steps)
    if all(status.is_finished for _step, status, _end in rows):
        return None
    planned = [(step, status, end) for step, status, end in rows if end is not None]
    if not planned:
        return HealthReport(Health.UNPLANNED, _("De projectleider heeft nog geen einddata "
                                                "per stap gepland."))
    late = [(step, end) for step, status, end in planned if not status.is_finished and end < today]
    if late:
        step, end = late[0]
        return HealthReport(Health.BEHIND, _("%(step)s zou op %(date)s klaar zijn.",
                                             step=step_title(step), date=_day(end)))
    if no_go:
        return HealthReport(Health.AT_RISK, _("Een beslisser gaf een no-go; het werk ligt weer "
                                              "bij het team."))
    horizon = today + timedelta(days=AT_RISK_DAYS)
    soon = [(step, end) for step, status, end in planned
            if status is StepStatus.NOT_STARTED and end <= horizon]
    if soon:
        step, end = soon[0]
        return HealthReport(Health.AT_RISK, _("%(step)s moet op %(date)s klaar zijn en is nog "
                                              "niet gestart.", step=step_title(step),
                                              date=_day(end)))
    return HealthReport(Health.ON_TRACK, "")


def _day(value: date) -> str:
    return format_date(value, "d MMMM y")


def _no_go_stands():
    """Whether an approver's newest decision at the step state's gate is a no-go (a
    correlated EXISTS, so the health of a page of projects is one query)."""
    newer = aliased(GateDecision)
    decision = GateDecision
    return exists().where(
        decision.project_id == StepState.project_id, decision.step == StepState.step,
        decision.verdict == GateVerdict.NO_GO, decision.superseded_at.is_(None),
        ~exists().where(newer.project_id == decision.project_id, newer.step == decision.step,
                        newer.role == decision.role, newer.superseded_at.is_(None),
                        newer.id > decision.id))


def health_by_project(project_ids: list[int], today: date) -> dict[int, HealthReport | None]:
    """The health of each project, in one query for any number of them."""
    steps: dict[int, list[PlannedStep]] = {pid: [] for pid in project_ids}
    no_gos: set[int] = set()
    for pid, step, status, end, no_go in db.session.execute(
            select(StepState.project_id, StepState.step, StepState.status,
                   StepState.planned_end, _no_go_stands())
            .where(StepState.project_id.in_(project_ids))):
        steps[pid].append((step, status, end))
        if no_go:
            no_gos.add(pid)
    return {pid: assess(rows, today, no_go=pid in no_gos) for pid, rows in steps.items()}


def health_of(project: Project, today: date) -> HealthReport | None:
    """One project's health (the project page and its planning)."""
    return health_by_project([project.id], today)[project.id]


def versions(project: Project) -> str:
    """The step states' versions as the planning form carries them (a lost-update check)."""
    return ",".join(str(s.version) for s in sorted(project.steps, key=lambda s: s.step))


def plan_steps(project: Project, actor: User, planned: dict[Step, date | None], *,
               expected_versions: str, today: date) -> None:
    """Save the planned end of each step, or refuse at the first field that is wrong."""
    if versions(project) != expected_versions:
        raise ConflictError()
    states = {s.step: s for s in project.steps}
    problems = _problems(states, planned, today)
    if problems:
        raise InvalidInput(problems)
    for step, end in planned.items():
        state = states[step]
        if state.planned_end != end:
            audit.record("steps.plan", "step", int(step), project.id, actor=actor,
                         before={"planned_end": _iso(state.planned_end)},
                         after={"planned_end": _iso(end)})
            state.planned_end = end
    db.session.flush()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _problems(states: dict[Step, StepState], planned: dict[Step, date | None],
              today: date) -> dict[str, str]:
    problems = {}
    for step, end in planned.items():
        if end is None:
            continue
        state = states[step]
        if end != state.planned_end and end < today and not state.status.is_finished:
            problems[field_name(step)] = _("Een stap die nog niet af is, plant u niet in het "
                                           "verleden.")
            continue
        earlier = [(needed, planned[needed]) for needed in step.definition.prerequisites
                   if planned.get(needed) and planned[needed] > end]
        if earlier:
            needed, needed_end = earlier[0]
            problems[field_name(step)] = _(
                "Deze stap kan niet eerder klaar zijn dan %(step)s (%(date)s), die hij nodig "
                "heeft.", step=step_title(needed), date=_day(needed_end))
    return problems
