"""Templates per process type: a project's starting points (KPI definitions, the process
skeletons, the journey's phases, suggested improvements) and what must be there before a
step closes. A template is versioned: a project records the version it started from, and
the requirements it took over stay its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..workflow import Requirement, Step
from .base import IntEnumColumn, StrEnumColumn, UTCDateTime, utcnow


class ProjectTemplate(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # One of the organisation's process kinds (vergunning, melding, ...; its settings).
    process_kind: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template", order_by="TemplateVersion.number")


class TemplateVersion(db.Model):
    """One version of a template, never changed: a later edit is a new version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("project_template.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Plain data (project_templates/content.py): no people, sessions, findings or decisions.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    template: Mapped[ProjectTemplate] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("template_id", "number",
                                       name="uq_template_version_template_id_number"),)


class ProjectRequirement(db.Model):
    """What must be there before a step of this project closes (from its template)."""

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"),
                                            primary_key=True)
    requirement: Mapped[Requirement] = mapped_column(StrEnumColumn(Requirement, 20),
                                                     primary_key=True)
    step: Mapped[Step] = mapped_column(IntEnumColumn(Step))
