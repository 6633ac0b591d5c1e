"""Imported event logs and their files."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import (
    EventLogStatus,
)
from .base import StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User



class EventLog(db.Model):
    """An event log from a case system, measured into figures (mining/): the current process
    (step 3) or the process after the change (step 10). Only the analysis is kept; the file
    waits in ``event_log_file`` until it has been read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # a key of workflow.EVENT_LOG_PURPOSES
    filename: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(4))  # csv or xes
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    # uploaded (waits for its columns), queued, running, done, failed
    status: Mapped[EventLogStatus] = mapped_column(StrEnumColumn(EventLogStatus, 10),
                                                   default=EventLogStatus.UPLOADED)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    keep_resources: Mapped[bool] = mapped_column(Boolean, default=False)
    keep_reason: Mapped[str] = mapped_column(Text, default="")
    events_read: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A log after the change, measured against a log before it (mining/statistics.py): kept
    # for the log it was measured against ({"before_id": ..., ...}), made again for another.
    comparison: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()



class EventLogCases(db.Model):
    """Per case of a read log, without its number: when it began, its lead time (calendar and
    working days) and its variant, as compressed arrays (mining/analysis.py ``CaseTable``).
    What a before-and-after comparison needs beyond the stored figures."""

    __tablename__ = "event_log_cases"

    event_log_id: Mapped[int] = mapped_column(
        ForeignKey("event_log.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AcceptedDeviation(db.Model):
    """A deviation from the desired process the process owner accepts, with the reason
    (mining/conformance.py ``Deviation.key``): its cases count as conforming from then on."""

    __tablename__ = "accepted_deviation"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    key: Mapped[str] = mapped_column(String(450))
    reason: Mapped[str] = mapped_column(Text)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    accepted_by: Mapped[User | None] = relationship()


class EventLogFilter(db.Model):
    """A named selection of a log's cases (mining/filters.py ``Criteria``): its period,
    path, kept attributes and slowest share. Applied on the log's page, and to both logs of
    a before-and-after comparison."""

    __tablename__ = "event_log_filter"
    __table_args__ = (UniqueConstraint("event_log_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_log_id: Mapped[int] = mapped_column(
        ForeignKey("event_log.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventLogFile(db.Model):
    """The uploaded file until its analysis is done (then removed: data minimisation)."""

    event_log_id: Mapped[int] = mapped_column(
        ForeignKey("event_log.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

