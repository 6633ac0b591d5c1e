"""Comments: a thread per improvement, session finding, action or step, kept in the record.

A comment is never deleted: removing it keeps the row with who removed it and when (the page
says "verwijderd door ..."); the text it had stays in the audit trail only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import CommentSubject
from .accounts import User
from .base import StrEnumColumn, UTCDateTime, utcnow


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    subject: Mapped[CommentSubject] = mapped_column(StrEnumColumn(CommentSubject, 12))
    subject_id: Mapped[int] = mapped_column(Integer)  # a step's number for a step's thread
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
    mentioned: Mapped[list[User]] = relationship(secondary="comment_mention",
                                                 order_by="User.name")

    __table_args__ = (Index("ix_comment_thread", "project_id", "subject", "subject_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CommentMention(db.Model):
    """A team member a comment names with @: they were notified."""

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
