"""The borging: after step 10 closes, each KPI is measured again at moments after the close
(by default 3, 6 and 12 months, set at the evaluation). Each moment is a task of its owner
(``workflow.AFTER_CLOSE_ORIGINS``: it follows its rule after the close instead of lapsing),
reminded ahead and when due (notifications.reminders). A moment is measured (typed, or a
figure of an event log after the change) or ended by the process owner with a reason. The
project is "Afgerond" once no moment is open; reopening step 10 withdraws the open ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from .. import audit
from ..clock import add_months, local_date
from ..concurrency import check_version
from ..endings import Ending
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..implementation import services as implementation
from ..mining import services as mining
from ..models import (
    EventLog,
    Kpi,
    KpiMeasurement,
    Notification,
    Project,
    Remeasurement,
    Task,
    User,
    utcnow,
)
from ..tasks.services import task_link
from ..windows import require_open
from ..workflow import (
    REMEASURE_MAX_MONTHS,
    REMEASURE_MONTHS,
    REMEASURERS,
    Action,
    EventLogStatus,
    MomentState,
    Role,
    Step,
    moment_state,
)

ORIGIN = "remeasure"


@dataclass(frozen=True)
class Moment:
    """A re-measurement moment as a page shows it: the row and where it stands today."""

    row: Remeasurement
    state: MomentState


def closed_on(project: Project) -> date | None:
    """The organisation's day on which step 10 closed: where the borging counts from."""
    closed_at = project.step_state(Step.EXECUTION).closed_at
    return local_date(closed_at) if closed_at else None


def _default_owner(project: Project) -> int | None:
    """The process owner keeps the process after the project, and so its measurements."""
    owners = project.holders(Role.PROCESS_OWNER)
    if owners:
        return owners[0].id
    evaluation = implementation.evaluation_of(project)
    return evaluation.owner_id if evaluation else None


def _title(kpi: Kpi, months: int) -> str:
    return ngettext("Nameting %(kpi)s, %(num)d maand na afsluiten",
                    "Nameting %(kpi)s, %(num)d maanden na afsluiten", months, kpi=kpi.name)


def plan(project: Project, actor: User, closed: date) -> list[Remeasurement]:
    """The close of step 10 starts the borging: a moment (and its task) per KPI and planned
    month, except where that moment was measured or ended before a reopening."""
    evaluation = implementation.evaluation_of(project)
    months = sorted(set(evaluation.remeasure_months if evaluation else REMEASURE_MONTHS))
    kpis = list(db.session.scalars(select(Kpi).where(Kpi.project_id == project.id)
                                   .order_by(Kpi.id)))
    kept = set(db.session.execute(select(Remeasurement.kpi_id, Remeasurement.months)
                                  .where(Remeasurement.project_id == project.id)).all())
    owner_id = _default_owner(project)
    made = [Remeasurement(project_id=project.id, kpi_id=kpi.id, months=m, kpi=kpi,
                          due_on=add_months(closed, m), owner_id=owner_id)
            for kpi in kpis for m in months if (kpi.id, m) not in kept]
    db.session.add_all(made)
    db.session.flush()
    for moment in made:
        db.session.add(Task(project_id=project.id, step=int(Step.EXECUTION), role=None,
                            title=_title(moment.kpi, moment.months)[:200], description="",
                            assignee_id=owner_id, origin=ORIGIN, due_date=moment.due_on,
                            link=task_link("sustain.moment", moment_id=moment.id),
                            created_by_id=actor.id))
    db.session.flush()
    if made:
        audit.record("borging.plan", "project", project.id, project.id, actor=actor,
                     after={"moments": len(made), "months": months})
    _complete_if_done(project, actor)
    return made


def withdraw_open(project: Project, actor: User) -> None:
    """Step 10 opens again: the borging stops. Its open moments (and their tasks) go; what
    was measured or ended stays, and the project is no longer "Afgerond"."""
    open_ids = list(db.session.scalars(select(Remeasurement.id).where(
        Remeasurement.project_id == project.id, Remeasurement.measurement_id.is_(None),
        Remeasurement.end_reason.is_(None))))
    if open_ids:
        links = [task_link("sustain.moment", moment_id=i) for i in open_ids]
        tasks = select(Task.id).where(Task.project_id == project.id, Task.origin == ORIGIN,
                                      Task.link.in_(links))
        # Their reminders need no one any more.
        db.session.execute(update(Notification).where(
            Notification.task_id.in_(tasks), Notification.handled_at.is_(None))
            .values(handled_at=utcnow()))
        db.session.execute(delete(Task).where(Task.id.in_(tasks)))
        db.session.execute(delete(Remeasurement).where(Remeasurement.id.in_(open_ids)))
        audit.record("borging.withdraw", "project", project.id, project.id, actor=actor,
                     after={"moments": len(open_ids)})
    project.completed_at = None
    db.session.flush()


def moments_of(project: Project, today: date) -> list[Moment]:
    rows = db.session.scalars(
        select(Remeasurement).where(Remeasurement.project_id == project.id)
        .options(joinedload(Remeasurement.kpi), joinedload(Remeasurement.owner),
                 joinedload(Remeasurement.measurement))
        .order_by(Remeasurement.due_on, Remeasurement.kpi_id))
    return [Moment(row, state_of(row, today)) for row in rows]


def state_of(row: Remeasurement, today: date) -> MomentState:
    return moment_state(row.measurement_id is not None, row.end_reason is not None,
                        row.due_on, today)


def _require_open_moment(moment: Remeasurement) -> None:
    if moment.measurement_id is not None or moment.end_reason is not None:
        raise WorkflowError(_("Deze nameting is al vastgelegd of vervallen."))


def _check_measured_on(project: Project, measured_on: date, today: date) -> None:
    closed = closed_on(project)
    if closed and measured_on < closed:
        raise InvalidInput(_("Een nameting van de borging ligt op of na het afsluiten van het "
                             "traject (%(date)s).", date=closed.strftime("%d-%m-%Y")),
                           "measured_on")
    if measured_on > today:
        raise InvalidInput(_("Een nameting is gedaan, niet gepland: kies vandaag of een dag "
                             "ervoor."), "measured_on")


def record(project: Project, moment: Remeasurement, actor: User, *, value: float,
           measured_on: date, today: date) -> KpiMeasurement:
    """The moment's measurement, typed."""
    require_open(project, Action.REMEASURE)
    _require_open_moment(moment)
    _check_measured_on(project, measured_on, today)
    measurement = implementation.add_measurement(project, actor, moment.kpi, value=value,
                                                 measured_on=measured_on)
    return _measured(project, moment, actor, measurement, source="typed")


def record_from_log(project: Project, moment: Remeasurement, actor: User, *, log: EventLog,
                    figure: str, today: date) -> KpiMeasurement:
    """The moment's measurement, a figure of an event log of the process after the change,
    measured on the day of its last event."""
    require_open(project, Action.REMEASURE)
    _require_open_moment(moment)
    if log.purpose != "after" or log.status is not EventLogStatus.DONE:
        raise InvalidInput(_("Kies een gelezen eventlog van het proces na de verandering."),
                           "log_id")
    measured_on = min(mining.period(log)[1], today)
    closed = closed_on(project)
    if closed and measured_on < closed:
        raise InvalidInput(_("Dit eventlog eindigt vóór het afsluiten van het traject: het "
                             "meet de borging niet. Lees een nieuwer eventlog in."), "log_id")
    measurement = implementation.add_measurement(
        project, actor, moment.kpi, value=mining.figure(log, figure), measured_on=measured_on)
    return _measured(project, moment, actor, measurement, source=f"event_log:{log.id}")


def _measured(project: Project, moment: Remeasurement, actor: User,
              measurement: KpiMeasurement, *, source: str) -> KpiMeasurement:
    moment.measurement_id = measurement.id
    db.session.flush()
    audit.record("borging.measure", "remeasurement", moment.id, project.id, actor=actor,
                 after={"kpi": moment.kpi.name, "months": moment.months,
                        "value": measurement.value,
                        "measured_on": measurement.measured_on.isoformat(), "source": source})
    _complete_if_done(project, actor)
    return measurement


def owner_choices(project: Project) -> list[User]:
    """Who may own a moment: the members who may record it."""
    return sorted((m.user for m in project.memberships if m.roles & REMEASURERS),
                  key=lambda user: user.name)


def reschedule(project: Project, moment: Remeasurement, actor: User, *, expected_version: int,
               due_on: date, owner_id: int) -> None:
    """The process owner moves a moment or hands it to someone else."""
    require_open(project, Action.PLAN_REMEASUREMENTS)
    _require_open_moment(moment)
    check_version(moment, expected_version)
    closed = closed_on(project)
    if closed and due_on <= closed:
        raise InvalidInput(_("Een nameting ligt na het afsluiten van het traject (%(date)s).",
                             date=closed.strftime("%d-%m-%Y")), "due_on")
    if closed and due_on > add_months(closed, REMEASURE_MAX_MONTHS):
        raise InvalidInput(_("Kies een datum binnen %(max)d maanden na het afsluiten.",
                             max=REMEASURE_MAX_MONTHS), "due_on")
    if owner_id not in {user.id for user in owner_choices(project)}:
        raise InvalidInput(_("Kies de proceseigenaar, de projectleider of de procesadviseur."),
                           "owner_id")
    _check_evaluation_first(project, moment, due_on)
    audit.apply_changes(moment, {"due_on": due_on, "owner_id": owner_id},
                        action="borging.reschedule", object_type="remeasurement",
                        project_id=project.id, actor=actor)
    for task in _tasks_of(moment):
        task.due_date, task.assignee_id = due_on, owner_id
    db.session.flush()


def _check_evaluation_first(project: Project, moment: Remeasurement, due_on: date) -> None:
    """The evaluation looks back on the measurements: it may not lie after the last one."""
    evaluation = implementation.evaluation_of(project)
    if evaluation is None:
        return
    others = db.session.scalar(select(func.max(Remeasurement.due_on)).where(
        Remeasurement.project_id == project.id, Remeasurement.id != moment.id))
    last = max(filter(None, (others, due_on)))
    if evaluation.planned_on > last:
        raise InvalidInput(_("Het evaluatiemoment (%(date)s) mag niet na de laatste nameting "
                             "liggen.", date=evaluation.planned_on.strftime("%d-%m-%Y")),
                           "due_on")


def end(project: Project, moment: Remeasurement, actor: User, ending: Ending) -> None:
    """The process owner ends a moment that will not be measured, with a reason."""
    require_open(project, Action.PLAN_REMEASUREMENTS)
    _require_open_moment(moment)
    problem = ending.problem()
    if problem:
        raise InvalidInput(problem, "note")
    moment.end_reason, moment.end_note = ending.reason, ending.note.strip()
    db.session.flush()
    audit.record("borging.end", "remeasurement", moment.id, project.id, actor=actor,
                 after={"kpi": moment.kpi.name, "months": moment.months,
                        "end_reason": ending.reason, "note": moment.end_note})
    _complete_if_done(project, actor)


def _tasks_of(moment: Remeasurement) -> list[Task]:
    return list(db.session.scalars(select(Task).where(
        Task.project_id == moment.project_id, Task.origin == ORIGIN,
        Task.link == task_link("sustain.moment", moment_id=moment.id))))


def open_moments(project: Project) -> int:
    return db.session.scalar(select(func.count()).select_from(Remeasurement).where(
        Remeasurement.project_id == project.id, Remeasurement.measurement_id.is_(None),
        Remeasurement.end_reason.is_(None))) or 0


def _complete_if_done(project: Project, actor: User) -> None:
    """The project is "Afgerond" once the ten steps are done and no moment is open."""
    if project.completed_at is not None or not project.is_finished or open_moments(project):
        return
    project.completed_at = utcnow()
    db.session.flush()
    audit.record("project.complete", "project", project.id, project.id, actor=actor,
                 after={"completed_at": project.completed_at.isoformat()})
