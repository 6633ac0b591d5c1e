"""The project in the municipality's zaaksysteem (Open Zaak, the ZGW APIs): the connection an
administrator configures, and each part of a project that is sent, waits, or failed.

The parts are an outbox: a moment of a project (zaken/registration.py) writes its parts in
the same transaction as the moment itself, and a job sends them afterwards, so the app keeps
working while Open Zaak is away and nothing is sent that did not happen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..workflow import ZaakPart, ZaakPartState
from .base import StrEnumColumn, UTCDateTime, utcnow

URL_LENGTH = 1000  # the ZGW APIs' own maximum for a URL reference


class ZaakSettings(db.Model):
    """The connection to Open Zaak (one row). The client's secret is never stored here: it
    comes from WASSTRAAT_ZGW_SECRET or the file WASSTRAAT_ZGW_SECRET_FILE names."""

    __tablename__ = "zaak_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(default=False)
    zaken_root: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    documenten_root: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    catalogi_root: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    besluiten_root: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    client_id: Mapped[str] = mapped_column(String(120), default="")
    rsin: Mapped[str] = mapped_column(String(9), default="")
    zaaktype: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    besluittype: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    # Keyed by role value, step number and document kind (workflow.py): URLs in the Catalogi.
    roltypen: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    statustypen: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    informatieobjecttypen: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ZaakAction(db.Model):
    """One part of a project for the zaaksysteem. ``urls`` keeps every URL Open Zaak gave
    for it as soon as it is given, so a job run again (after a failure, or a worker that
    died) skips what arrived and nothing is registered twice."""

    __tablename__ = "zaak_action"
    __table_args__ = (UniqueConstraint("project_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    part: Mapped[ZaakPart] = mapped_column(StrEnumColumn(ZaakPart, 10))
    # What it is about, unique within the project: "zaak", "step-3-<event>", "plan-12".
    subject: Mapped[str] = mapped_column(String(60))
    state: Mapped[ZaakPartState] = mapped_column(StrEnumColumn(ZaakPartState, 10),
                                                 default=ZaakPartState.WAITING)
    # The person whose action it follows: Open Zaak's audit trail names them.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    urls: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
