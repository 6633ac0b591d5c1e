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

Above the features, like ``guidance.py``: it asks the tasks, the implementation and the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from . import audit
from .errors import InvalidInput, WorkflowError
from .extensions import db
from .guidance import LooseEnd, closes_project, loose_ends
from .models import ImplementationItem, ProductConfirmation, Project, Task, User, utcnow
from .projects import services as projects
from .steps import services as steps
from .tasks.services import task_link
from .workflow import EndReason, Step, TaskClosure

NOTE_LIMIT = 500


@dataclass(frozen=True)
class Ending:
    reason: EndReason
    note: str = ""

    def problem(self) -> str | None:
        if self.reason is EndReason.OTHER and not self.note.strip():
            return _("Schrijf op waarom dit niet meer gedaan wordt.")
        if len(self.note) > NOTE_LIMIT:
            return _("Houd de reden korter dan %(limit)d tekens.", limit=NOTE_LIMIT)
        return None


def default_revisit() -> date:
    """When the process description is reviewed unless the closer says otherwise."""
    today = date.today()
    return today.replace(year=today.year + 1, day=min(today.day, 28))


def close_step(project: Project, step: Step, actor: User,
               confirmations: dict[str, ProductConfirmation],
               endings: dict[str, Ending], revisit_on: date | None = None) -> None:
    """Close the step once every loose end has its ending: each ended as decided, then the
    step closes (its own rules first, so a step that may not close ends nothing). The close
    that finishes the project also sets when the process description is reviewed."""
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
    if finishing and revisit_on is None:
        problems["revisit_on"] = _("Kies wanneer de procesbeschrijving herzien wordt.")
    if problems:
        raise InvalidInput(problems)
    now = utcnow()
    for end in ends:
        _end(end, endings[end.key], actor, now)
    steps.close_step(project, step, actor, confirmations)
    if finishing:
        projects.set_revisit(project, actor, revisit_on, date.today())


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

