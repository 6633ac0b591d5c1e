"""The idea box: an idea any employee posts, the colleagues who follow it, and what the
coordinators made of it (a project's improvement, a merge with a look-alike, a decline)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import IdeaState
from .accounts import User
from .base import StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .plans import Improvement
    from .projects import Project


class Idea(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The described process it concerns (a closed project of the library), if the proposer
    # chose one; and the department whose process it is (the reports count by it).
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"))
    organisation_unit: Mapped[str] = mapped_column(String(120), default="")
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[IdeaState] = mapped_column(StrEnumColumn(IdeaState, 12),
                                             default=IdeaState.OPEN)
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    triaged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was declined
    # Where it went: the project and the improvement it became, or the idea it joined.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), index=True)
    improvement_id: Mapped[int | None] = mapped_column(
        ForeignKey("improvement.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
    process: Mapped[Project | None] = relationship(foreign_keys=[process_id])
    project: Mapped[Project | None] = relationship(foreign_keys=[project_id])
    improvement: Mapped[Improvement | None] = relationship()
    merged_into: Mapped[Idea | None] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_idea_state_created_at", "state", "created_at"),)
    __mapper_args__ = {"version_id_col": version}


class IdeaFollower(db.Model):
    """A colleague who hears what becomes of the idea (its proposer, unless they stop)."""

    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
