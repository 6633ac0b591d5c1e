"""The improvements, the improvement plan and its frozen versions, the specialists' reviews. A
version and a signed review are frozen (guarded here).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

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
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import (
    REVIEW_DOMAIN_BY_KEY,
    BenefitKind,
    Decision,
    Horizon,
    ResponseKind,
    ReviewDomain,
    RiskLevel,
    Step,
    Verdict,
)
from .base import IntEnumColumn, StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User
    from .projects import Project
    from .step_work import Kpi



class Improvement(db.Model):
    """An improvement idea, captured where it arose; ``source_type``/``source_id`` point there."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(Integer)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The session where it was noted, when it was noted in one.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_session.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Step 6: what the team makes of it.
    horizon: Mapped[Horizon | None] = mapped_column(StrEnumColumn(Horizon, 20))
    impact: Mapped[int | None] = mapped_column(SmallInteger)
    effort: Mapped[int | None] = mapped_column(SmallInteger)
    cost_estimate: Mapped[int | None] = mapped_column(Integer)  # whole euros, rough, one-off
    recurring_cost: Mapped[int | None] = mapped_column(Integer)  # whole euros per year
    # "Onbekend" is an answer too: the cost was asked and nobody can say yet.
    cost_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    recurring_cost_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    removes_waste: Mapped[str | None] = mapped_column(String(20))  # a key of workflow.WASTES
    decision: Mapped[Decision] = mapped_column(StrEnumColumn(Decision, 20),
                                               default=Decision.OPEN)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("improvement.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    project: Mapped[Project] = relationship()
    kpis: Mapped[list[Kpi]] = relationship(secondary="improvement_kpi", order_by="Kpi.id")
    merged_into: Mapped[Improvement | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}



class ImprovementKpi(db.Model):
    """The KPIs an improvement should move."""

    improvement_id: Mapped[int] = mapped_column(
        ForeignKey("improvement.id", ondelete="CASCADE"), primary_key=True
    )
    kpi_id: Mapped[int] = mapped_column(
        ForeignKey("kpi.id", ondelete="CASCADE"), primary_key=True, index=True
    )



class ImprovementPlan(db.Model):
    """Step 6: the plan's own texts and, for step 7, which review domains it needs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), unique=True
    )
    context: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    quick_wins: Mapped[str] = mapped_column(Text, default="")
    long_term: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    funding: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    review_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



class PlanRisk(db.Model):
    """One risk in the plan's register: what may happen, how likely and how bad, the measure
    taken against it, and the member who keeps an eye on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    description: Mapped[str] = mapped_column(String(300))
    likelihood: Mapped[RiskLevel] = mapped_column(StrEnumColumn(RiskLevel, 8))
    impact: Mapped[RiskLevel] = mapped_column(StrEnumColumn(RiskLevel, 8))
    measure: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def score(self) -> int:
        """Likelihood times impact: 1 to 9, the register's order."""
        return self.likelihood.weight * self.impact.weight


class PlanVersion(db.Model):
    """A frozen copy of the plan: sent for review, or the final version. Never changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    snapshot: Mapped[dict] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    created_by: Mapped[User | None] = relationship()
    approval: Mapped[PlanApproval | None] = relationship(back_populates="plan_version")

    __table_args__ = (UniqueConstraint("project_id", "number"),)



class PlanDocument(db.Model):
    """A document of an approved plan version as it was when signed (the .docx, and the PDF/A
    made from exactly that .docx), so it can be shown later unchanged."""

    __table_args__ = (UniqueConstraint("plan_version_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(10))  # "docx" or "pdf"
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)



class PlanApproval(db.Model):
    """The process owner's approval of a final plan version (one per version)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), unique=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approver_name: Mapped[str] = mapped_column(String(120))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    plan_version: Mapped[PlanVersion] = relationship(back_populates="approval")



class Review(db.Model):
    """One specialist domain's review of one plan version; after signing it cannot change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(30))
    verdict: Mapped[Verdict | None] = mapped_column(StrEnumColumn(Verdict, 20))
    motivation: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    dpia_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    dpia_required: Mapped[bool | None] = mapped_column(Boolean)
    # The domain's questions when the review opened, and the specialist's answer to each.
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    signer_role: Mapped[str] = mapped_column(String(32), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan_version: Mapped[PlanVersion] = relationship()
    findings: Mapped[list[ReviewFinding]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewFinding.id"
    )
    override: Mapped[ReviewOverride | None] = relationship(back_populates="review")

    __table_args__ = (UniqueConstraint("plan_version_id", "domain"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def domain_info(self) -> ReviewDomain:
        return REVIEW_DOMAIN_BY_KEY[self.domain]

    @property
    def questions_answered(self) -> list[dict[str, str]]:
        """Each question of the review beside its answer (empty while unanswered)."""
        return [{"question": question, "answer": answer}
                for question, answer in zip(self.questions, self.answers, strict=True)]



class ReviewFinding(db.Model):
    """A specialist's remark or condition on one improvement of the reviewed version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), index=True
    )
    # The improvement as it was in the reviewed version (the snapshot keeps its text).
    improvement_id: Mapped[int | None] = mapped_column(
        ForeignKey("improvement.id", ondelete="SET NULL")
    )
    improvement_title: Mapped[str] = mapped_column(String(200))
    remark: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[str] = mapped_column(Text, default="")
    cost_estimate: Mapped[int | None] = mapped_column(Integer)
    lead_time_weeks: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="findings")



class ReviewResponse(db.Model):
    """Step 8's answer to a review's conditions (``subject`` "conditions") or to one finding
    (``subject`` "finding:<id>")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ResponseKind] = mapped_column(StrEnumColumn(ResponseKind, 20))
    explanation: Mapped[str] = mapped_column(Text)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    responded_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("review_id", "subject"),)
    __mapper_args__ = {"version_id_col": version}



class ReviewOverride(db.Model):
    """The process owner's motivated decision to finalise despite a "niet akkoord"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), unique=True
    )
    motivation: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decider_name: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="override")



class FrozenError(RuntimeError):
    """Something signed or frozen was about to change: a bug, never a user error."""

@event.listens_for(PlanVersion, "before_update")
def _refuse_plan_version_update(mapper, connection, target) -> None:
    raise FrozenError("a plan version cannot be changed")

@event.listens_for(Review, "before_update")
def _refuse_signed_review_update(mapper, connection, target) -> None:
    # Signing itself sets signed_at from None; any update after that is refused.
    history = db.inspect(target).attrs.signed_at.history
    was_signed = any(v is not None for v in (*history.deleted, *history.unchanged))
    if was_signed:
        raise FrozenError("a signed review cannot be changed")

def _refuse_finding_change_after_signing(mapper, connection, target) -> None:
    review_signed = connection.scalar(
        db.select(Review.signed_at).where(Review.id == target.review_id)
    )
    if review_signed is not None:
        raise FrozenError("the findings of a signed review cannot be changed")

for _event in ("before_insert", "before_update", "before_delete"):
    event.listen(ReviewFinding, _event, _refuse_finding_change_after_signing)


class Benefit(db.Model):
    """What an improvement brings (BenefitKind): expected in the plan (locked once the final
    plan is approved), forecast during step 10, actual once carried out and measured."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    improvement_id: Mapped[int] = mapped_column(
        ForeignKey("improvement.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[BenefitKind] = mapped_column(StrEnumColumn(BenefitKind, 10))
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpi.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    expected: Mapped[float | None] = mapped_column(Float)  # per year, euros or hours
    forecast: Mapped[float | None] = mapped_column(Float)
    forecast_on: Mapped[date | None] = mapped_column(Date)
    actual: Mapped[float | None] = mapped_column(Float)
    actual_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    improvement: Mapped[Improvement] = relationship()
    kpi: Mapped[Kpi | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
