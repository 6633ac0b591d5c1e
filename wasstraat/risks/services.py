"""The risk register's rules: kept while the plan may be edited, each risk's owner a member of
the team, and the register as the plan's versions and documents keep it (largest first)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..models import PlanRisk, Project, User
from ..windows import require_open
from ..workflow import Action

FIELDS = ("description", "likelihood", "impact", "measure", "owner_id")


def risks_of(project: Project) -> list[PlanRisk]:
    """The register, the largest risk first (likelihood times impact, then the oldest)."""
    risks = db.session.scalars(select(PlanRisk).where(PlanRisk.project_id == project.id)
                               .options(joinedload(PlanRisk.owner)).order_by(PlanRisk.id))
    return sorted(risks, key=lambda r: -r.score)


def count_of(project: Project) -> int:
    return db.session.scalar(select(func.count(PlanRisk.id))
                             .where(PlanRisk.project_id == project.id)) or 0


def as_plain(risk: PlanRisk) -> dict[str, Any]:
    """A risk as the plan's snapshot keeps it. The owner by number only, as everywhere in a
    frozen version: an anonymised project then keeps no name in it (retention.py)."""
    return {"description": risk.description, "likelihood": risk.likelihood.value,
            "impact": risk.impact.value, "measure": risk.measure, "owner_id": risk.owner_id}


def owner_names(kept: list[dict[str, Any]]) -> dict[int, str]:
    """The names of the owners of risks as a snapshot keeps them, in one query."""
    ids = {r["owner_id"] for r in kept if r.get("owner_id") is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _audited(risk: PlanRisk) -> dict[str, Any]:
    return {name: getattr(risk, name) for name in FIELDS}


def _check_owner(project: Project, values: dict[str, Any]) -> None:
    owner_id = values.get("owner_id")
    if owner_id is not None and not project.has_member(owner_id):
        raise WorkflowError(_("De eigenaar van een risico moet lid zijn van het team."))


def add_risk(project: Project, actor: User, values: dict[str, Any]) -> PlanRisk:
    require_open(project, Action.EDIT_PLAN)
    _check_owner(project, values)
    risk = PlanRisk(project_id=project.id, **audit.stripped(values))
    db.session.add(risk)
    db.session.flush()
    audit.record("risk.create", "plan_risk", risk.id, project.id, actor=actor,
                 after=_audited(risk))
    return risk


def update_risk(risk: PlanRisk, project: Project, actor: User, *, expected_version: int,
                values: dict[str, Any]) -> None:
    require_open(project, Action.EDIT_PLAN)
    check_version(risk, expected_version)
    _check_owner(project, values)
    audit.apply_changes(risk, values, action="risk.update", object_type="plan_risk",
                        project_id=project.id, actor=actor)


def delete_risk(risk: PlanRisk, project: Project, actor: User) -> None:
    require_open(project, Action.EDIT_PLAN)
    audit.record("risk.delete", "plan_risk", risk.id, project.id, actor=actor,
                 before=_audited(risk))
    db.session.delete(risk)
    db.session.flush()
