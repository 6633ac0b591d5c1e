"""Notifications, each person's settings for them, and the digests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext
from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..notification_kinds import Channel, Kind, MailState, Outcome, Reminder
from ..workflow import (
    Step,
)
from .base import IntEnumColumn, StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .projects import Project, Task



class Notification(db.Model):
    """A message in one person's inbox: work of the method that became theirs. It carries the
    task's title and where the work is, nothing of residents (it may go out by e-mail)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # None for news that belongs to no project (the idea box).
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[Kind] = mapped_column(StrEnumColumn(Kind, 20))
    step: Mapped[Step | None] = mapped_column(IntEnumColumn(Step))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the work it announced was finished or ended (its task closed): it no longer needs
    # the person, so it leaves the unread count and no digest carries it.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where its e-mail stands (notification_kinds.MailState).
    mail_state: Mapped[MailState] = mapped_column(StrEnumColumn(MailState, 10),
                                                  default=MailState.PENDING)
    mail_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    mail_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A reminder (notification_kinds.Reminder) says what it reminds of; its key names the
    # occasion ("action_overdue:12:2026-12-01"), so each occasion reminds a person once.
    reminder: Mapped[Reminder | None] = mapped_column(StrEnumColumn(Reminder, 20))
    reminder_key: Mapped[str | None] = mapped_column(String(80))
    days: Mapped[int | None] = mapped_column(Integer)  # how long it waits, or until the date
    # An outcome (Kind.OUTCOME) says what became of the person's work, with its reason.
    outcome: Mapped[Outcome | None] = mapped_column(StrEnumColumn(Outcome, 12))
    detail: Mapped[str] = mapped_column(Text, default="")
    # Where the work is when no task says it (a task link, tasks.services.task_link).
    link: Mapped[str] = mapped_column(String(300), default="")

    project: Mapped[Project | None] = relationship()
    task: Mapped[Task | None] = relationship()

    @property
    def where(self) -> str:
        """Where the news belongs: the project by name and reference, else the idea box."""
        if self.project is None:
            return gettext("Ideeënbus")
        return f"{self.project.name} ({self.project.identity})"

    @property
    def is_new(self) -> bool:
        """Counted in the badge: not read, and its work not finished meanwhile."""
        return self.read_at is None and self.handled_at is None

    # The inbox and its unread count; the deliveries' search for what is due; one reminder
    # per occasion, whichever worker computes it.
    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),
                      Index("ix_notification_mail_state", "mail_state"),
                      UniqueConstraint("user_id", "reminder_key",
                                       name="uq_notification_user_id_reminder_key"))



class NotificationSetting(db.Model):
    """A person's choice for one kind of notification (none stored: the kind's default)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[Kind] = mapped_column(StrEnumColumn(Kind, 20), primary_key=True)
    channel: Mapped[Channel] = mapped_column(StrEnumColumn(Channel, 10))



class NotificationDigest(db.Model):
    """A digest of one period for one person ("daily:2026-11-30", "weekly:2026-W49"): written
    before it is sent, so however many workers run, each period's digest goes once."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While it is being sent: until when the claim keeps other runs off. Empty once sent. A
    # claim whose worker died is taken up by a run after this moment.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

