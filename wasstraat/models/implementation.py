"""Steps 9 and 10: the implementation plan, its actions, the evaluation and the after-measurements.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Date,
    Float,
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
    ActionStatus,
    Adoption,
    EndReason,
    Role,
)
from .base import StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User
    from .plans import Improvement
    from .step_work import Kpi



class ImplementationOrder(db.Model):
    """Step 9: the lock on the implementation plan's order (one per project); every reorder
    raises its version, so a reorder based on an old order is refused."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class ImplementationItem(db.Model):
    """An improvement of the final plan in the implementation plan (step 9) and, when taken
    over, the action that carries it out (step 10)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    improvement_id: Mapped[int] = mapped_column(
        ForeignKey("improvement.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    adoption: Mapped[Adoption] = mapped_column(StrEnumColumn(Adoption, 20),
                                               default=Adoption.TAKEN_OVER)
    deferred_until: Mapped[date | None] = mapped_column(Date)
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    # The hours of the team's time carrying it out takes (the plan's capacity).
    capacity_hours: Mapped[int | None] = mapped_column(Integer)
    waits_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("implementation_item.id", ondelete="SET NULL")
    )
    status: Mapped[ActionStatus] = mapped_column(StrEnumColumn(ActionStatus, 20),
                                                 default=ActionStatus.NOT_STARTED)
    blocked_reason: Mapped[str] = mapped_column(Text, default="")
    # Not done when step 10 closed: ended by the closer with a reason (closing.py).
    end_reason: Mapped[EndReason | None] = mapped_column(StrEnumColumn(EndReason, 12))
    end_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    improvement: Mapped[Improvement] = relationship()
    responsible: Mapped[User | None] = relationship()
    waits_for: Mapped[ImplementationItem | None] = relationship(remote_side=[id])
    notes: Mapped[list[ActionNote]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ActionNote.id"
    )

    __table_args__ = (UniqueConstraint("project_id", "improvement_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        return self.improvement.title



class ActionNote(db.Model):
    """A progress note on an action in step 10."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("implementation_item.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[ImplementationItem] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()



class ImplementationApproval(db.Model):
    """The process owner's approval of the implementation plan as it was (its fingerprint);
    the same plan approved twice at once gives one record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approver_name: Mapped[str] = mapped_column(String(120))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("project_id", "fingerprint"),)


class ImplementationDocument(db.Model):
    """The implementation plan as the process owner approved it (the .docx kept at approval,
    and the PDF/A made once from exactly that file): a record that later downloads give
    unchanged, whatever changed in the project since."""

    __table_args__ = (UniqueConstraint("approval_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[int] = mapped_column(
        ForeignKey("implementation_approval.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(10))  # "docx" or "pdf"
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)



class ImplementationContribution(db.Model):
    """Step 9: a team member's proposal for the implementation plan (planning, dependencies,
    capacity); the process owner reads them beside the plan and decides."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()



class Evaluation(db.Model):
    """Step 10: the evaluation moment that closes the learning cycle, and what it taught."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    planned_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lessons: Mapped[str] = mapped_column(Text, default="")
    # The borging: months after the close at which each KPI is measured again.
    remeasure_months: Mapped[list[int]] = mapped_column(JSON, default=lambda: [3, 6, 12])
    # Why the project closed with no after-measurement at all (asked at the close).
    unmeasured_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}



class KpiMeasurement(db.Model):
    """A KPI measured after the change (step 10), against its baseline and target."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)



class Remeasurement(db.Model):
    """The borging: one moment after the close at which a KPI is measured again. Open until
    its measurement is recorded, or it is ended with a reason."""

    __table_args__ = (UniqueConstraint("kpi_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"))
    months: Mapped[int] = mapped_column(Integer)  # after the close, as planned
    due_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    measurement_id: Mapped[int | None] = mapped_column(
        ForeignKey("kpi_measurement.id", ondelete="SET NULL"))
    end_reason: Mapped[EndReason | None] = mapped_column(StrEnumColumn(EndReason, 12))
    end_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    kpi: Mapped[Kpi] = relationship()
    owner: Mapped[User | None] = relationship()
    measurement: Mapped[KpiMeasurement | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
