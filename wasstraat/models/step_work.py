"""What the steps produce before the plan: KPIs, the process description, the customer journey, the
service formula.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import (
    Direction,
    FormulaMatch,
    QuestionSet,
    Role,
)
from .base import StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User



class Kpi(db.Model):
    """A key performance indicator of step 2: what is measured, where it stands and should go."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[Direction] = mapped_column(StrEnumColumn(Direction, 10))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    baseline_source: Mapped[str] = mapped_column(String(200), default="")
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_complete(self) -> bool:
        """Has a baseline (value and date) and a target (value and date)."""
        return None not in (self.baseline_value, self.baseline_date, self.target_value,
                            self.target_date)



class KpiAgreement(db.Model):
    """The process owner agreed the KPI set as it was; a later change needs a new agreement."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    kpi_set: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    agreed_role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreed_by: Mapped[User] = relationship()



class ProcessStep(db.Model):
    """One activity of the current process as mapped in session 3a, in order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(120), default="")
    system: Mapped[str] = mapped_column(String(120), default="")
    # Whether the work goes to another team after this activity: the team's decision, or
    # None to follow "Wie" (process.services.handovers).
    handover: Mapped[bool | None] = mapped_column(Boolean)
    wait_days: Mapped[float] = mapped_column(Float, default=0.0)
    work_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    remarks: Mapped[str] = mapped_column(Text, default="")
    # The current process (step 3) or the desired one (step 8): workflow.PROCESS_VARIANTS.
    variant: Mapped[str] = mapped_column(String(10), default="current", server_default="current")
    # The kinds of waste the team sees in this activity (workflow.WASTES).
    wastes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The desired process as a model a log is checked against (mining/conformance.py): the
    # activity may be left out, may occur more than once, or may run alongside the one
    # before it (in either order).
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    may_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    parallel: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class ProcessAttachment(db.Model):
    """A process map drawn elsewhere (Visio, BPMN, PDF, image), kept in the database so that
    every app instance can serve it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()



class ProcessCheck(db.Model):
    """A participant's answer in the 3b check: the mapping is right, or here is a correction."""

    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed: Mapped[bool] = mapped_column(Boolean)
    correction: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()



class Journey(db.Model):
    """Step 4: where the customer journey comes from (one per project)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    source: Mapped[str] = mapped_column(String(30))
    source_link: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class JourneyPhase(db.Model):
    """A phase of the journey as the resident lives it, with the ideal version beside it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    resident_action: Mapped[str] = mapped_column(Text, default="")
    touchpoints: Mapped[str] = mapped_column(Text, default="")
    experience: Mapped[int] = mapped_column(SmallInteger)
    pain_points: Mapped[str] = mapped_column(Text, default="")
    quotes: Mapped[str] = mapped_column(Text, default="")
    ideal: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class InterviewLog(db.Model):
    """Interviews held, by count, date and kind of resident only: no names or contact details
    of residents are kept (AVG data minimisation)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    resident_type: Mapped[str] = mapped_column(String(120))



class ServiceFormula(db.Model):
    """A service formula the organisation uses (VNG); the list differs per municipality."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    certainties: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class ProjectQuestion(db.Model):
    """One question the project keeps per P of its service formula or per review domain
    (``QuestionSet``), in the order the team wrote them."""

    __table_args__ = (UniqueConstraint("project_id", "question_set", "subject", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    question_set: Mapped[QuestionSet] = mapped_column(StrEnumColumn(QuestionSet, 10))
    subject: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))



class FormulaComparison(db.Model):
    """For one P: the formula's promise, the internal agreement, today's practice, and how far
    practice matches."""

    __table_args__ = (UniqueConstraint("project_id", "p"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    p: Mapped[str] = mapped_column(String(20))
    promise: Mapped[str] = mapped_column(Text, default="")
    internal_agreement: Mapped[str] = mapped_column(Text, default="")
    current_practice: Mapped[str] = mapped_column(Text, default="")
    match: Mapped[FormulaMatch] = mapped_column(StrEnumColumn(FormulaMatch, 10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

