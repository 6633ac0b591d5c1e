"""Database models (SQLAlchemy 2 typed mappings).

Steps and roles are stored as their enum *values* (small integers and role keys), so the data
stays readable and independent of Python names. The schema changes only through migrations.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    type_coerce,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import SchemaType, TypeDecorator

from .extensions import db
from .notification_kinds import Kind, MailState, Reminder
from .workflow import (
    ORIGIN_CONDITIONS,
    REVIEW_DOMAIN_BY_KEY,
    TASK_TEMPLATES,
    ActionStatus,
    Adoption,
    Decision,
    Direction,
    EventLogStatus,
    Horizon,
    ResponseKind,
    ReviewDomain,
    Role,
    Step,
    StepStatus,
    TaskClosure,
    TaskTemplate,
    Verdict,
    current_step,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class StrEnumColumn(TypeDecorator, SchemaType):
    """A state column: stores the enum's value (as it always was), returns the member, refuses
    any other value in Python and, by a CHECK constraint named after the column, in the
    database (Indico's PyIntEnum). ``length`` keeps the column's width as the schema has it."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum] | type[IntEnum], length: int | None = None) -> None:
        self.enum = enum
        TypeDecorator.__init__(self, *([length] if length else []))
        SchemaType.__init__(self)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.enum(value)

    def _set_table(self, column: Any, table: Any) -> None:  # SchemaType: once on its table
        table.append_constraint(CheckConstraint(
            type_coerce(column, self.impl).in_([member.value for member in self.enum]),
            name=f"{column.name}_valid"))

    def copy(self, **kw: Any) -> StrEnumColumn:
        return type(self)(self.enum, getattr(self.impl, "length", None))


class IntEnumColumn(StrEnumColumn):
    """The same for an ``IntEnum`` stored as a small integer (the step numbers)."""

    impl = SmallInteger
    cache_ok = True


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Flask-Login's alternative id: rotated on logout, password change and deactivation, so
    # a session cookie copied earlier stops working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    # Set when someone else chose the password (an administrator, the CLI's one-time password):
    # the account can do nothing but choose its own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (see auth.mfa): a TOTP secret, in use once confirmed with a first code;
    # the last time step used, so a code works once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # An administrator allowed the first single sign-on to link to this account (auth/sso.py).
    sso_link_allowed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())
    # The specialist roles (privacy officer, CISO, ...) the administrator registered this
    # person for; only they may hold such a role in a project (segregation of duties).
    specialisms: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    __mapper_args__ = {"version_id_col": version}

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class OrganisationSettings(db.Model):
    """The organisation's choices on segregation of duties (one row), set by an administrator
    and recorded in the audit trail."""

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who may start a project: "everyone" signed in, or "admins" only.
    project_creators: Mapped[str] = mapped_column(String(10), default="everyone")
    # Who appoints a project's process owner: its "leader", or "admins" only.
    owner_appointed_by: Mapped[str] = mapped_column(String(10), default="leader")
    registered_specialists_only: Mapped[bool] = mapped_column(Boolean, default=True)
    # Four eyes: nobody approves what they proposed or reviews a plan they lead, and nobody
    # gives themselves an approving role. Small organisations may switch it off.
    four_eyes: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Project(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200))
    assignment: Mapped[str] = mapped_column(Text, default="")
    process_type: Mapped[str] = mapped_column(String(20), default="primary")
    # The department or team whose process it is (the reports filter on it).
    organisation_unit: Mapped[str] = mapped_column(String(120), default="",
                                                   server_default="")
    # By when the process owner revisits the process description (after closing).
    revisit_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the retention term passed and the people were taken out (see retention.py).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    service_formula_id: Mapped[int | None] = mapped_column(ForeignKey("service_formula.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    service_formula: Mapped[ServiceFormula | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    steps: Mapped[list[StepState]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="StepState.step"
    )

    __mapper_args__ = {"version_id_col": version}

    def step_state(self, step: Step) -> StepState:
        return next(s for s in self.steps if s.step == step)

    def step_status(self, step: Step) -> StepStatus:
        return self.step_state(step).status

    @property
    def statuses(self) -> dict[Step, StepStatus]:
        return {s.step: s.status for s in self.steps}

    @property
    def current_step(self) -> Step | None:
        return current_step(self.statuses)

    @property
    def is_finished(self) -> bool:
        return self.current_step is None

    def leaders(self) -> list[User]:
        return self.holders(Role.PROJECT_LEADER)

    def holders(self, role: Role) -> list[User]:
        return [m.user for m in self.memberships if role in m.roles]

    @property
    def reference(self) -> str:
        """The project's reference number on documents and letters: WS-2026-0042."""
        return f"WS-{self.created_at:%Y}-{self.id:04d}"


class ProjectPosition(db.Model):
    """Where a project stands (its current step, None when all ten are finished) and since
    when (its last step move): a read model for the portfolio's filters, sorting and counts,
    kept by positions.py whenever a step state changes."""

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Membership(db.Model):
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")
    role_rows: Mapped[list[MembershipRole]] = relationship(
        back_populates="membership", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> set[Role]:
        return {Role(r.role) for r in self.role_rows}

    @property
    def sorted_roles(self) -> list[Role]:
        order = list(Role)
        return sorted(self.roles, key=order.index)


class MembershipRole(db.Model):
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)

    membership: Mapped[Membership] = relationship(back_populates="role_rows")


class ProjectCycle(db.Model):
    """The next PDCA cycle: a project that continues an evaluated (closed) one."""

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    follows_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )

    follows: Mapped[Project] = relationship(foreign_keys=[follows_id])


class StepState(db.Model):
    __table_args__ = (UniqueConstraint("project_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    status: Mapped[StepStatus] = mapped_column(StrEnumColumn(StepStatus, 20),
                                               default=StepStatus.NOT_STARTED)
    notes: Mapped[str] = mapped_column(Text, default="")
    skip_reason: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship(back_populates="steps")
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def definition(self):  # -> StepDefinition
        return self.step.definition


class ProductConfirmation(db.Model):
    """A responsible member's confirmation that a step product exists."""

    __table_args__ = (UniqueConstraint("project_id", "product_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    product_key: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_role: Mapped[str] = mapped_column(String(32))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    confirmed_by: Mapped[User] = relationship()


class Task(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    part: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[Role | None] = mapped_column(StrEnumColumn(Role, 32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(20), default="workflow")
    # Where the work is done, when that is a specific page (a review to sign, a plan to read).
    link: Mapped[str] = mapped_column(String(300), default="")
    # The workflow's task template this task comes from (workflow.TASK_TEMPLATES), which
    # says what finishes it and where its work is done.
    template_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # A task is open while done_at is empty; closed_as says how it closed (TaskClosure).
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_as: Mapped[TaskClosure | None] = mapped_column(StrEnumColumn(TaskClosure, 8))
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def template(self) -> TaskTemplate | None:
        return TASK_TEMPLATES.get(self.template_key or "")

    @property
    def condition(self) -> str | None:
        """The name of the rule that finishes this task; None when it is ticked by hand."""
        template = self.template
        if template is not None:
            return template.done_when
        return ORIGIN_CONDITIONS.get(self.origin)


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
    agreed_role: Mapped[str] = mapped_column(String(32))
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
    handover: Mapped[bool] = mapped_column(Boolean, default=False)
    wait_days: Mapped[float] = mapped_column(Float, default=0.0)
    work_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    remarks: Mapped[str] = mapped_column(Text, default="")
    # The current process (step 3) or the desired one (step 8): workflow.PROCESS_VARIANTS.
    variant: Mapped[str] = mapped_column(String(10), default="current", server_default="current")
    # The kinds of waste the team sees in this activity (workflow.WASTES).
    wastes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
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


class WorkSession(db.Model):
    """A session of the team (3a, 3b, the journey, the service formula, or any other)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    part: Mapped[str | None] = mapped_column(String(8))
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    external_participants: Mapped[str] = mapped_column(Text, default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    attendees: Mapped[list[User]] = relationship(secondary="session_attendee",
                                                 order_by="User.name")
    findings: Mapped[list[SessionFinding]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionFinding.id"
    )

    __mapper_args__ = {"version_id_col": version}


class SessionAttendee(db.Model):
    session_id: Mapped[int] = mapped_column(
        ForeignKey("work_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)


class SessionFinding(db.Model):
    """Something the team noticed in a session that is not (yet) an improvement."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("work_session.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[WorkSession] = relationship(back_populates="findings")
    created_by: Mapped[User | None] = relationship()


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
    risks: Mapped[str] = mapped_column(Text, default="")
    review_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


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
    waits_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("implementation_item.id", ondelete="SET NULL")
    )
    status: Mapped[ActionStatus] = mapped_column(StrEnumColumn(ActionStatus, 20),
                                                 default=ActionStatus.NOT_STARTED)
    blocked_reason: Mapped[str] = mapped_column(Text, default="")
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


class Notification(db.Model):
    """A message in one person's inbox: work of the method that became theirs. It carries the
    task's title and where the work is, nothing of residents (it may go out by e-mail)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
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
    # Where the work is when no task says it (a task link, tasks.services.task_link).
    link: Mapped[str] = mapped_column(String(300), default="")

    project: Mapped[Project] = relationship()
    task: Mapped[Task | None] = relationship()

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
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class NotificationDigest(db.Model):
    """A digest of one period for one person ("daily:2026-11-30", "weekly:2026-W49"): written
    before it is sent, so however many workers run, each period's digest goes once."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class ExternalIdentity(db.Model):
    """A person at the identity provider: issuer plus subject, never the e-mail address."""

    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code to sign in without the authenticator app; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):
    """A failed sign-in, under a keyed hash of the account or the address (see auth.throttle)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


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
    match: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AuditEvent(db.Model):
    """Append-only trail: the app refuses updates and deletes, and so does a database trigger."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    # No foreign key: the trail outlives the projects it speaks of.
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    result: Mapped[str] = mapped_column(String(10), default="success")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(45), default="")
    request_id: Mapped[str] = mapped_column(String(36), default="")
    # The chain (see audit.py): HMAC-SHA256 with the key named here, of prev_hash and the
    # canonical row; rows from before the keyed chain have no key id (plain SHA-256).
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    key_id: Mapped[str | None] = mapped_column(String(16))

    actor: Mapped[User | None] = relationship()


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
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class EventLogFile(db.Model):
    """The uploaded file until its analysis is done (then removed: data minimisation)."""

    event_log_id: Mapped[int] = mapped_column(
        ForeignKey("event_log.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ApiToken(db.Model):
    """A personal access token for the API (api/tokens.py): acts as its person, with their
    roles. Only a hash is stored; the token itself is shown once, when it is made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so the person recognises a token in their list and in logs.
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ApiRateWindow(db.Model):
    """Requests per caller per minute, counted in the database so that the limit holds over
    every app instance behind the load balancer (api/limits.py)."""

    caller: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # minutes since 1970
    count: Mapped[int] = mapped_column(Integer, default=0)


class AppendOnlyError(RuntimeError):
    pass


def _members_on_assignment() -> None:
    """A state column holds the member from the moment it is set, not only once read back:
    ``state.status = "done"`` (or a constructor's keyword) stores ``StepStatus.DONE``, and a
    value outside the enum is refused there and then."""
    for mapper in db.Model.registry.mappers:
        for prop in mapper.column_attrs:
            column_type = prop.columns[0].type
            if isinstance(column_type, StrEnumColumn):
                event.listen(getattr(mapper.class_, prop.key), "set",
                             _coerce_to(column_type.enum), retval=True)


def _coerce_to(enum: type[StrEnum] | type[IntEnum]) -> Any:
    def coerce(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
        return None if value is None else enum(value)
    return coerce


_members_on_assignment()


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events cannot be deleted")


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
