"""Closing a step is a decision, not a lapse.

Before a step closes, the page lists what would end unfinished (``StepDefinition.loose_ends``
in the workflow table): the step's open tasks (every open task when the close finishes the
project) and, in step 10, the actions not done. The closer has each one finished first, or
ends it with a reason (``EndReason``: not needed any more, to the next cycle, or their own
words). A close that leaves one undecided is refused, with the reason asked at its field. Each
ending is written on the task or action and in the history (the audit trail), and the
evaluation and the implementation plan document show it.

A task whose rule holds is not listed: the sync at the close makes it done. What a skipped
step or the sync ends is still "vervallen met de stap"; that is the skip's reason.

The close that finishes the project is the start of the borging (sustain): the KPIs are
measured again after it. Closing with no after-measurement at all asks why.

Above the features, like ``guidance.py``: it asks the tasks, the implementation and the steps.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit, clock
from .endings import Ending
from .errors import InvalidInput, WorkflowError
from .extensions import db
from .guidance import LooseEnd, closes_project, loose_ends
from .implementation import services as implementation
from .models import (
    ImplementationItem,
    Kpi,
    KpiMeasurement,
    ProductConfirmation,
    Project,
    Task,
    User,
    utcnow,
)
from .projects import services as projects
from .steps import services as steps
from .sustain import services as sustain
from .tasks.services import task_link
from .workflow import Step, TaskClosure

REASON_LIMIT = 2000


def default_revisit() -> date:
    """When the process description is reviewed unless the closer says otherwise."""
    today = clock.today()
    return today.replace(year=today.year + 1, day=min(today.day, 28))


def close_step(project: Project, step: Step, actor: User,
               confirmations: dict[str, ProductConfirmation],
               endings: dict[str, Ending], revisit_on: date | None = None,
               unmeasured_reason: str = "") -> None:
    """Close the step once every loose end has its ending: each ended as decided, then the
    step closes (its own rules first, so a step that may not close ends nothing). The close
    that finishes the project also sets when the process description is reviewed, keeps why
    no KPI was measured after the change (when none was), and starts the borging."""
    blockers = steps.close_blockers(project, step, confirmations,
                                    steps.evidence_problems(project, step))
    if blockers:
        raise WorkflowError(" ".join(blockers))
    ends = loose_ends(project, step)
    problems = {end.key: _("Kies of dit nog gebeurt of waarom het vervalt.")
                for end in ends if end.key not in endings}
    problems |= {f"{end.key}_note": problem for end in ends if end.key in endings
                 and (problem := endings[end.key].problem())}
    finishing = closes_project(project, step)
    unmeasured = finishing and needs_unmeasured_reason(project)
    if finishing:
        problems |= _finishing_problems(revisit_on, unmeasured_reason if unmeasured else None)
    if problems:
        raise InvalidInput(problems)
    now = utcnow()
    for end in ends:
        _end(end, endings[end.key], actor, now)
    steps.close_step(project, step, actor, confirmations)
    if finishing:
        today = clock.today()
        projects.set_revisit(project, actor, revisit_on, today)
        if unmeasured:
            _keep_unmeasured_reason(project, actor, unmeasured_reason)
        sustain.plan(project, actor, today)


def needs_unmeasured_reason(project: Project) -> bool:
    """Closing with KPIs none of which was measured after the change asks why."""
    measured = db.session.scalar(
        select(KpiMeasurement.id).join(Kpi, Kpi.id == KpiMeasurement.kpi_id)
        .where(Kpi.project_id == project.id).limit(1))
    return measured is None and db.session.scalar(
        select(Kpi.id).where(Kpi.project_id == project.id).limit(1)) is not None


def _finishing_problems(revisit_on: date | None,
                        unmeasured_reason: str | None) -> dict[str, str]:
    """What a finishing close still needs; ``unmeasured_reason`` is None when it is not
    asked (some KPI was measured again, or there are none)."""
    problems = {}
    if revisit_on is None:
        problems["revisit_on"] = _("Kies wanneer de procesbeschrijving herzien wordt.")
    if unmeasured_reason is not None:
        if not unmeasured_reason.strip():
            problems["unmeasured_reason"] = _("Er is nog geen enkele KPI nagemeten. Schrijf "
                                              "op waarom het traject toch afgerond wordt.")
        elif len(unmeasured_reason) > REASON_LIMIT:
            problems["unmeasured_reason"] = _("Houd de reden korter dan %(limit)d tekens.",
                                              limit=REASON_LIMIT)
    return problems


def _keep_unmeasured_reason(project: Project, actor: User, reason: str) -> None:
    evaluation = implementation.evaluation_of(project)
    if evaluation is None:
        return
    audit.apply_changes(evaluation, {"unmeasured_reason": reason.strip()},
                        action="evaluation.unmeasured", object_type="project",
                        project_id=project.id, actor=actor)


def _end(end: LooseEnd, ending: Ending, actor: User, now: datetime) -> None:
    if end.action is not None:
        item = end.action
        item.end_reason, item.end_note = ending.reason, ending.note.strip()
        _end_tasks(_tasks_of_action(item), ending, actor, now)
        audit.record("action.end", "implementation_item", item.id, item.project_id,
                     actor=actor, after={"title": item.title, "end_reason": ending.reason,
                                         "note": item.end_note})
        return
    _end_tasks([end.task], ending, actor, now)
    audit.record("task.end", "task", end.task.id, end.task.project_id, actor=actor,
                 after={"title": end.task.title, "end_reason": ending.reason,
                        "note": end.task.end_note})


def _tasks_of_action(item: ImplementationItem) -> list[Task]:
    return list(db.session.scalars(select(Task).where(
        Task.project_id == item.project_id, Task.done_at.is_(None),
        Task.link == task_link("implementation.action", item_id=item.id))))


def _end_tasks(tasks: list[Task], ending: Ending, actor: User, now: datetime) -> None:
    for task in tasks:
        task.done_at, task.done_by_id, task.closed_as = now, actor.id, TaskClosure.ENDED
        task.end_reason, task.end_note = ending.reason, ending.note.strip()

