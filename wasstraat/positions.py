"""Where each project stands, kept as a read model (``ProjectPosition``) so the portfolio can
filter, sort, page and count on indexed columns instead of computing every project's step
from its ten step states on each view.

The rule is ``workflow.current_step``: the furthest step in progress, else the first step not
finished. :func:`current_step_sql` is the same rule in SQL; a test compares the two on every
combination it generates. Positions are rewritten in the database, from the step states as this
transaction sees them, after every flush that touched a step state.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from .models import ProjectPosition, StepState
from .workflow import StepStatus

FINISHED = [status.value for status in StepStatus if status.is_finished]


def current_step_sql():
    """The current step of a project as an aggregate over its step states (None: finished)."""
    in_progress = func.max(case((StepState.status == StepStatus.IN_PROGRESS,
                                 StepState.step)))
    first_open = func.min(case((StepState.status.not_in(FINISHED), StepState.step)))
    return func.coalesce(in_progress, first_open)


def last_move_sql():
    """The last time a step started or closed (a step closes after it starts)."""
    return func.max(func.coalesce(StepState.closed_at, StepState.started_at))


def refresh(session: Session, project_ids: Iterable[int]) -> None:
    ids = sorted(set(project_ids))
    if not ids:
        return
    session.execute(delete(ProjectPosition).where(ProjectPosition.project_id.in_(ids)))
    session.execute(insert(ProjectPosition).from_select(
        ["project_id", "step", "since"],
        select(StepState.project_id, current_step_sql(), last_move_sql())
        .where(StepState.project_id.in_(ids)).group_by(StepState.project_id)))


def _touched_projects(session: Session) -> set[int]:
    touched = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, StepState) and obj.project_id is not None:
            touched.add(obj.project_id)
    return touched


def follow_step_states(session: Session, _context: Any) -> None:
    refresh(session, _touched_projects(session))
