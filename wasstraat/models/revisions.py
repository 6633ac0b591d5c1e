"""How often the data behind cached page sections has changed."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DataRevision(db.Model):
    """A counter per scope: one per project (``project:12``) and one for what pages of every
    project may show (``organisation``: the settings and role names, people's names). Bumped
    by revisions.py after every flush that touched the scope, in the same transaction, so a
    cache key holding the counter never serves what an older state rendered, on any instance."""

    __tablename__ = "data_revision"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
