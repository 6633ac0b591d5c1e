"""Publishing under the Woo: the connection to a publication platform an administrator sets,
and each publication of a project with the review of what it leaves out.

A publication keeps the document exactly as it was when it was prepared (``source``), and
the PDF/A made from it with the approved omissions applied (``pdf``): what was reviewed is
what is published. A withdrawal is a state, never a delete."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import Role, WooDelivery, WooDocument, WooFinding, WooGround, WooState
from .accounts import User
from .base import StrEnumColumn, UTCDateTime, utcnow

URL_LENGTH = 1000


class WooSettings(db.Model):
    """The organisation as a publisher (one row). The platform's API token is never stored
    here: it comes from WASSTRAAT_GPP_TOKEN or the file WASSTRAAT_GPP_TOKEN_FILE names."""

    __tablename__ = "woo_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The publisher as the DiWoo metadata names it: a TOOI URI (gemeente gm0344 ...).
    publisher_uri: Mapped[str] = mapped_column(String(200), default="")
    publisher_name: Mapped[str] = mapped_column(String(200), default="")
    # Who prepares a publication in a project (the process owner, unless the organisation
    # names another role).
    preparer: Mapped[Role] = mapped_column(StrEnumColumn(Role, 32),
                                           default=Role.PROCESS_OWNER)
    # The GPP-publicatiebank's API root (".../api/v2"); empty: publications go as a ZIP.
    gpp_root: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WooPublication(db.Model):
    __tablename__ = "woo_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            index=True)
    document: Mapped[WooDocument] = mapped_column(StrEnumColumn(WooDocument, 12))
    state: Mapped[WooState] = mapped_column(StrEnumColumn(WooState, 10),
                                            default=WooState.REDACTING)
    category: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    # The approved plan version it publishes (the plan; the evaluation has none).
    plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id", ondelete="SET NULL"))
    # The files are read only where they are used, never with a list of publications.
    source: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the .docx as prepared
    source_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # made at approval
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    delivery: Mapped[WooDelivery | None] = mapped_column(StrEnumColumn(WooDelivery, 4))
    # The platform's identifiers, kept as soon as it gives them: a retry creates nothing twice.
    gpp_publication: Mapped[str] = mapped_column(String(36), default="")
    gpp_document: Mapped[str] = mapped_column(String(36), default="")
    url: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    findings: Mapped[list[WooRedaction]] = relationship(
        back_populates="publication", order_by="WooRedaction.id",
        cascade="all, delete-orphan")


class WooRedaction(db.Model):
    """One thing the review found in the document: a name, an e-mail address, a passage of
    free text. ``ground`` empty: it stays; otherwise it is left out on that ground."""

    __tablename__ = "woo_redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("woo_publication.id", ondelete="CASCADE"), index=True)
    finding: Mapped[WooFinding] = mapped_column(StrEnumColumn(WooFinding, 8))
    text: Mapped[str] = mapped_column(Text)
    # Where it comes from: the person a name belongs to, or the kind of field a passage is in.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                           ondelete="SET NULL"))
    context: Mapped[str] = mapped_column(String(200), default="")
    proposed: Mapped[WooGround | None] = mapped_column(StrEnumColumn(WooGround, 8))
    ground: Mapped[WooGround | None] = mapped_column(StrEnumColumn(WooGround, 8))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    publication: Mapped[WooPublication] = relationship(back_populates="findings")
