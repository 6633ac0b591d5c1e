"""The audit trail: append-only (guarded here)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

if TYPE_CHECKING:  # type-only: the registry resolves the names at run time
    from .accounts import User



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



class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events cannot be changed")

@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("audit events cannot be deleted")
