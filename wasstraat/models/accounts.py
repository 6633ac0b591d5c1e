"""Accounts: people, their sign-in (second factor, identity provider, throttle), their API tokens,
and the organisation's settings.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import (
    DEFAULT_GATED_STEPS,
    GateApprover,
    OwnerAppointer,
    PlanDecider,
    ProjectCreators,
)
from .base import StrEnumColumn, UTCDateTime, new_session_token, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .projects import Membership



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
    # Tasks in the organisation beyond the projects (workflow.OrgFunction), given by an admin.
    functions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    __mapper_args__ = {"version_id_col": version}

    def has_function(self, function: str) -> bool:
        return function in (self.functions or ())

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
    project_creators: Mapped[ProjectCreators] = mapped_column(
        StrEnumColumn(ProjectCreators, 10), default=ProjectCreators.EVERYONE)
    owner_appointed_by: Mapped[OwnerAppointer] = mapped_column(
        StrEnumColumn(OwnerAppointer, 10), default=OwnerAppointer.LEADER)
    registered_specialists_only: Mapped[bool] = mapped_column(Boolean, default=True)
    # Four eyes: nobody approves what they proposed or reviews a plan they lead, and nobody
    # gives themselves an approving role. Small organisations may switch it off.
    four_eyes: Mapped[bool] = mapped_column(Boolean, default=True)
    # The gate: which steps need a "go" before they close (step numbers), and whose it is.
    gated_steps: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: [int(s) for s in DEFAULT_GATED_STEPS])
    gate_approver: Mapped[GateApprover] = mapped_column(StrEnumColumn(GateApprover, 10),
                                                        default=GateApprover.SPONSOR)
    # Who decides on the plans, and the board member responsible (the documents say both).
    plan_decider: Mapped[PlanDecider] = mapped_column(StrEnumColumn(PlanDecider, 12),
                                                      default=PlanDecider.OWNER)
    portfolio_holder: Mapped[str] = mapped_column(String(200), default="")
    # The organisation's own abbreviations for the plans' glossary, one "TERM: meaning" a line.
    glossary: Mapped[str] = mapped_column(Text, default="")
    # The organisation's own name for a role ({"process_owner": "Procesverantwoordelijke"});
    # a role not named here keeps the method's name (duties.role_name).
    role_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The working calendar (working_time.py): office hours ("08:30"), and the organisation's
    # own closing days (ISO dates) beside the public holidays.
    office_opens: Mapped[str] = mapped_column(String(5), default="08:30")
    office_closes: Mapped[str] = mapped_column(String(5), default="17:00")
    closing_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The organisation's process kinds (vergunning, melding, subsidie, ...): the templates'
    # types (project_templates/).
    process_kinds: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}



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

