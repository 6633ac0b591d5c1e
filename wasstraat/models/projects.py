"""A project, its team, its ten steps' states and confirmations, its tasks and its work sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import (
    ORIGIN_CONDITIONS,
    TASK_TEMPLATES,
    BoardOutcome,
    EndReason,
    GateVerdict,
    PlanDecider,
    PlanKind,
    ProjectPhase,
    Role,
    Step,
    StepStatus,
    TaskClosure,
    TaskTemplate,
    current_step,
    project_phase,
)
from .base import IntEnumColumn, StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User
    from .project_templates import TemplateVersion
    from .step_work import ServiceFormula



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
    # "Afgerond": the ten steps are done and the borging measured every moment (or ended it).
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Openbaarheid (Woo): the plans are public unless the team says why not (on the covers).
    woo_public: Mapped[bool] = mapped_column(Boolean, default=True)
    woo_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the retention term passed and the people were taken out (see retention.py).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    service_formula_id: Mapped[int | None] = mapped_column(ForeignKey("service_formula.id"))
    # The Selectielijst class of its record; none: the organisation's default class.
    archive_class_id: Mapped[int | None] = mapped_column(ForeignKey("archive_class.id"))
    # The project it was copied from, if it started as a copy (projects/copying.py).
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    # The template version it started from, if it did (project_templates/).
    template_version_id: Mapped[int | None] = mapped_column(ForeignKey("template_version.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    service_formula: Mapped[ServiceFormula | None] = relationship()
    copied_from: Mapped[Project | None] = relationship(remote_side=[id])
    template_version: Mapped[TemplateVersion | None] = relationship()
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

    @property
    def phase(self) -> ProjectPhase:
        return project_phase(self.is_finished, self.completed_at is not None)

    def leaders(self) -> list[User]:
        return self.holders(Role.PROJECT_LEADER)

    def has_member(self, user_id: int | None) -> bool:
        """Whether the person with this id is on the team (no id: nobody is)."""
        return any(m.user_id == user_id for m in self.memberships)

    def holders(self, role: Role) -> list[User]:
        return [m.user for m in self.memberships if role in m.roles]

    @property
    def reference(self) -> str:
        """The project's reference number on documents and letters: WS-2026-0042."""
        return f"WS-{self.created_at:%Y}-{self.id:04d}"

    @property
    def identity(self) -> str:
        """What tells two like-named projects apart wherever a list names them: the reference
        and the department (WS-2026-0042 · Burgerzaken)."""
        return " · ".join(filter(None, (self.reference, self.organisation_unit)))



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
        return {r.role for r in self.role_rows}

    @property
    def sorted_roles(self) -> list[Role]:
        order = list(Role)
        return sorted(self.roles, key=order.index)



class MembershipRole(db.Model):
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32), primary_key=True)

    membership: Mapped[Membership] = relationship(back_populates="role_rows")



class ProjectCycle(db.Model):
    """The next PDCA cycle: a project that continues an evaluated (closed) one."""

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    follows_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    # The roles of the team not carried over, each with the appointment rule that refused
    # it ({"user_id", "name", "role", "reason"}): for the leader to appoint anew.
    left_out: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    follows: Mapped[Project] = relationship(foreign_keys=[follows_id])



class ProcessSuggestion(db.Model):
    """An employee's suggestion on a process a closed project described (the library). It
    reaches the process owners; a next cycle takes the open ones up as its first ideas."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The next cycle that took it up as an improvement (projects.cycles).
    taken_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship()



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
    # When the project leader plans the step to be finished (the project's health reads it).
    planned_end: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship(back_populates="steps")
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def definition(self):  # -> StepDefinition
        return self.step.definition



class GateDecision(db.Model):
    """A "go" or "no-go" on a gated step by one of its approvers (organisation settings).

    A go counts for what it was given on (``subject``: the approved plan version, the
    implementation plan's approval) until the step reopens (``superseded_at``); the newest
    decision of an approver is theirs. Kept, never changed: the history of the gate."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32))
    verdict: Mapped[GateVerdict] = mapped_column(StrEnumColumn(GateVerdict, 8))
    reason: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(60), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decider_name: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decided_by: Mapped[User | None] = relationship()


class BoardDecision(db.Model):
    """What the board (directieteam or college) decided on one of the plans, recorded after
    its meeting: the date, the outcome and the reference of the decision."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    plan: Mapped[PlanKind] = mapped_column(StrEnumColumn(PlanKind, 16))
    board: Mapped[PlanDecider] = mapped_column(StrEnumColumn(PlanDecider, 12))
    decided_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[BoardOutcome] = mapped_column(StrEnumColumn(BoardOutcome, 10))
    reference: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


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
    confirmed_role: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32))
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
    # Ended unfinished (closed_as ENDED): why, and the closer's own words for "other".
    end_reason: Mapped[EndReason | None] = mapped_column(StrEnumColumn(EndReason, 12))
    end_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def ended_unfinished(self) -> bool:
        """Closed without its work done: lapsed with its step, or ended with a reason."""
        return self.closed_as in (TaskClosure.WITH_STEP, TaskClosure.ENDED)

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

