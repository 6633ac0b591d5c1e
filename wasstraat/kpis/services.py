"""The KPI register of step 2 and the process owner's agreement of the KPI set."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..models import Kpi, KpiAgreement, Project, User
from ..windows import require_open
from ..workflow import N_, Action, Pending, Role

KPI_FIELDS = ["name", "definition", "unit", "direction", "baseline_value", "baseline_date",
              "baseline_source", "target_value", "target_date"]


def kpis_of(project: Project) -> list[Kpi]:
    return list(db.session.scalars(
        select(Kpi).where(Kpi.project_id == project.id).order_by(Kpi.id)))


def latest_agreement(project: Project) -> KpiAgreement | None:
    return db.session.scalar(
        select(KpiAgreement).where(KpiAgreement.project_id == project.id)
        .order_by(KpiAgreement.id.desc()).limit(1)
    )


def _plain(kpi: Kpi) -> dict[str, Any]:
    row = {"id": kpi.id}
    for name in KPI_FIELDS:
        value = getattr(kpi, name)
        row[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return row


def kpi_set_snapshot(kpis: list[Kpi]) -> list[dict[str, Any]]:
    return [_plain(k) for k in sorted(kpis, key=lambda k: k.id)]


def fingerprint(snapshot: list[dict[str, Any]]) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def agreement_is_current(kpis: list[Kpi], agreement: KpiAgreement | None) -> bool:
    return agreement is not None and agreement.fingerprint == fingerprint(kpi_set_snapshot(kpis))


# What a KPI needs before the set can be agreed, as the page names it.
COMPLETE_FIELDS = {"baseline_value": N_("de waarde van de nulmeting"),
                   "baseline_date": N_("de datum van de nulmeting"),
                   "target_value": N_("de streefwaarde"),
                   "target_date": N_("de streefdatum")}


def missing_fields(kpi: Kpi) -> list[str]:
    """What this KPI still lacks to count for the agreement, in words."""
    return [_(label) for name, label in COMPLETE_FIELDS.items() if getattr(kpi, name) is None]


def agreement_blockers(kpis: list[Kpi]) -> list[str]:
    """Why the process owner cannot agree the set yet: each KPI with what it lacks."""
    if not any(k.is_complete for k in kpis):
        # The advisor proposes the KPIs, the leader has the baseline measured.
        register = ((Role.PROCESS_ADVISOR, Role.PROJECT_LEADER), "kpis.index#register-heading")
        return [Pending(_("Leg eerst minstens één KPI vast met nulmeting (waarde en datum) en "
                          "streefwaarde (waarde en datum)."), *register)] + [
            Pending(_("%(kpi)s: nog nodig %(fields)s.", kpi=k.name,
                      fields=", ".join(missing_fields(k))), *register)
            for k in kpis]
    return []


def _check_dates(values: dict[str, Any]) -> None:
    start, end = values.get("baseline_date"), values.get("target_date")
    if start and end and end <= start:
        raise WorkflowError(_("De streefdatum moet na de datum van de nulmeting liggen."))


def add_kpi(project: Project, actor: User, values: dict[str, Any]) -> Kpi:
    require_open(project, Action.EDIT_KPIS)
    _check_dates(values)
    kpi = Kpi(project_id=project.id, created_by_id=actor.id,
              **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    db.session.add(kpi)
    db.session.flush()
    audit.record("kpi.create", "kpi", kpi.id, project.id, actor=actor, after=_plain(kpi))
    return kpi


def update_kpi(kpi: Kpi, project: Project, actor: User, *, expected_version: int,
               values: dict[str, Any]) -> None:
    require_open(project, Action.EDIT_KPIS)
    check_version(kpi, expected_version)
    _check_dates(values)
    audit.apply_changes(kpi, values, action="kpi.update", object_type="kpi",
                        project_id=project.id, actor=actor)


def delete_kpi(kpi: Kpi, project: Project, actor: User) -> None:
    require_open(project, Action.EDIT_KPIS)
    audit.record("kpi.delete", "kpi", kpi.id, project.id, actor=actor, before=_plain(kpi))
    db.session.delete(kpi)
    db.session.flush()


def agree_kpi_set(project: Project, actor: User, roles: set[Role]) -> KpiAgreement:
    require_open(project, Action.AGREE_KPIS)
    kpis = kpis_of(project)
    blockers = agreement_blockers(kpis)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    if agreement_is_current(kpis, latest_agreement(project)):
        raise WorkflowError(_("Deze KPI-set is al vastgesteld."))
    snapshot = kpi_set_snapshot(kpis)
    role = Role.PROCESS_OWNER if Role.PROCESS_OWNER in roles else next(iter(roles))
    agreement = KpiAgreement(project_id=project.id, fingerprint=fingerprint(snapshot),
                             kpi_set=snapshot, agreed_by_id=actor.id, agreed_role=role)
    db.session.add(agreement)
    db.session.flush()
    audit.record("kpi.agree", "kpi_agreement", agreement.id, project.id, actor=actor,
                 after={"fingerprint": agreement.fingerprint, "kpis": len(snapshot),
                        "role": role.value})
    return agreement
