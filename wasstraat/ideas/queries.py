"""The idea box read a page at a time, and its figures by department: a fixed number of
queries however many ideas there are."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, extract, func, select, true
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Idea, IdeaFollower, ImplementationItem, User
from ..paging import Window, window
from ..workflow import ActionStatus, IdeaState

PER_PAGE = 25
# The lists of the box: what waits for triage, what was decided, one's own, or all.
SHOWN = {
    "open": lambda user: Idea.state == IdeaState.OPEN,
    "decided": lambda user: Idea.state != IdeaState.OPEN,
    "mine": lambda user: Idea.proposer_id == user.id,
    "following": lambda user: Idea.id.in_(
        select(IdeaFollower.idea_id).where(IdeaFollower.user_id == user.id)),
    "all": lambda user: true(),
}


@dataclass(frozen=True)
class BoxRow:
    idea: Idea
    followers: int
    followed: bool  # by the reader


def box(user: User, shown: str, asked_page: int) -> tuple[list[BoxRow], Window]:
    """One page of the box, newest first (four queries)."""
    condition = SHOWN[shown](user)
    total = db.session.scalar(select(func.count()).select_from(Idea).where(condition)) or 0
    page = window(total, asked_page, PER_PAGE)
    ideas = list(db.session.scalars(
        select(Idea).where(condition).options(selectinload(Idea.proposer))
        .order_by(Idea.id.desc()).limit(PER_PAGE).offset(page.offset)))
    counts = dict(db.session.execute(
        select(IdeaFollower.idea_id, func.count()).where(
            IdeaFollower.idea_id.in_([idea.id for idea in ideas]))
        .group_by(IdeaFollower.idea_id)).all()) if ideas else {}
    followed = set(db.session.scalars(select(IdeaFollower.idea_id).where(
        IdeaFollower.user_id == user.id,
        IdeaFollower.idea_id.in_([idea.id for idea in ideas])))) if ideas else set()
    return [BoxRow(idea, counts.get(idea.id, 0), idea.id in followed) for idea in ideas], page


@dataclass(frozen=True)
class DepartmentFigures:
    department: str  # "" where the proposer named none
    received: int
    taken_up: int  # into a running project or a new one
    merged: int
    declined: int
    waiting: int  # not yet triaged
    realised: int  # its improvement's action is done


def _realised():
    return exists(select(ImplementationItem.id).where(
        ImplementationItem.improvement_id == Idea.improvement_id,
        ImplementationItem.status == ActionStatus.DONE))


def _counted(condition):
    return func.sum(case((condition, 1), else_=0))


def figures(year: int | None) -> list[DepartmentFigures]:
    """The ideas received (in the year, if one is asked) by department, and what became of
    them; one query."""
    taken_up = Idea.state.in_([IdeaState.IN_PROJECT, IdeaState.NEW_PROJECT])
    query = (select(Idea.organisation_unit, func.count(), _counted(taken_up),
                    _counted(Idea.state == IdeaState.MERGED),
                    _counted(Idea.state == IdeaState.DECLINED),
                    _counted(Idea.state == IdeaState.OPEN),
                    _counted(taken_up & _realised()))
             .group_by(Idea.organisation_unit).order_by(Idea.organisation_unit))
    if year is not None:
        query = query.where(extract("year", Idea.created_at) == year)
    return [DepartmentFigures(*(row[0],), *(int(n or 0) for n in row[1:]))
            for row in db.session.execute(query)]


def total(rows: list[DepartmentFigures]) -> DepartmentFigures:
    return DepartmentFigures("", *(sum(getattr(row, name) for row in rows) for name in (
        "received", "taken_up", "merged", "declined", "waiting", "realised")))


def years() -> list[int]:
    """The years in which ideas came in, the latest first (the report's filter)."""
    return sorted({int(year) for year in db.session.scalars(
        select(extract("year", Idea.created_at)).distinct()) if year is not None},
        reverse=True)
