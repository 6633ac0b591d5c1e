"""The record's retention by the Selectielijst: the classes the archivist keeps, and the
destruction lists the archivist approves (each item keeping what was destroyed, and why)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import ArchiveNomination, DestructionState
from .base import StrEnumColumn, UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User


class ArchiveClass(db.Model):
    """A class of the Selectielijst gemeenten en intergemeentelijke organen 2020: a process
    type and a result, with the term after which the record is destroyed or kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    process_type: Mapped[int] = mapped_column(SmallInteger)  # procestype, e.g. 1
    process_type_name: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(12))  # resultaat, e.g. "1.1"
    result_name: Mapped[str] = mapped_column(String(200))
    term_years: Mapped[int] = mapped_column(SmallInteger)
    nomination: Mapped[ArchiveNomination] = mapped_column(
        StrEnumColumn(ArchiveNomination, 10), default=ArchiveNomination.DESTROY)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # With Open Zaak: the resultaattype that carries this class there (its URL), from which
    # Open Zaak derives the zaak's archive dates.
    zaak_resultaattype: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def code(self) -> str:
        return self.result


class DestructionList(db.Model):
    """Closed projects past their archive date, drawn up for the archivist; nothing is
    destroyed before the archivist approves the list."""

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[DestructionState] = mapped_column(
        StrEnumColumn(DestructionState, 12), default=DestructionState.PROPOSED)
    drawn_up_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approver_name: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[DestructionItem]] = relationship(
        back_populates="destruction_list", order_by="DestructionItem.id")
    drawn_up_by: Mapped[User | None] = relationship(foreign_keys=[drawn_up_by_id])

    __mapper_args__ = {"version_id_col": version}


class DestructionItem(db.Model):
    """One project on a destruction list, described as it was, since the project itself goes:
    the record of its destruction (or of why it was kept after all)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_list.id"), index=True)
    # Empty once destroyed: what stays is the description below.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), index=True)
    project_name: Mapped[str] = mapped_column(String(200))
    project_product: Mapped[str] = mapped_column(String(200), default="")
    class_result: Mapped[str] = mapped_column(String(12))
    class_description: Mapped[str] = mapped_column(String(420))
    term_years: Mapped[int] = mapped_column(SmallInteger)
    closed_on: Mapped[date] = mapped_column(Date)
    archive_date: Mapped[date] = mapped_column(Date)
    excluded_reason: Mapped[str] = mapped_column(Text, default="")
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    destruction_list: Mapped[DestructionList] = relationship(back_populates="items")
