"""Improvements: captured at their source by any member, listed and compared."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..models import Improvement, Membership, PlanApproval, PlanVersion, Project, User
from . import similarity
from .sources import SourceRef

IMPROVEMENT_FIELDS = ["title", "description", "proposer_id"]


def _source_key(improvement: Improvement) -> str:
    return f"{improvement.source_type}:{improvement.source_id}"


def _check_proposer(project: Project, proposer_id: int | None) -> None:
    if proposer_id is not None and not project.has_member(proposer_id):
        raise InvalidInput(_("De indiener moet in het team zitten."), "proposer_id")


def add_improvement(project: Project, actor: User, source: SourceRef, *, title: str,
                    description: str, proposer_id: int | None,
                    session_id: int | None = None) -> Improvement:
    _check_proposer(project, proposer_id)
    improvement = Improvement(
        project_id=project.id, title=title.strip(), description=description.strip(),
        step=int(source.kind.step_of(source.source_id)), source_type=source.kind.key,
        source_id=source.source_id, proposer_id=proposer_id, created_by_id=actor.id,
        session_id=session_id,
    )
    db.session.add(improvement)
    db.session.flush()
    audit.record("improvement.create", "improvement", improvement.id, project.id, actor=actor,
                 after={"title": improvement.title, "source": _source_key(improvement),
                        "proposer_id": proposer_id})
    return improvement


def update_improvement(improvement: Improvement, project: Project, actor: User, *,
                       expected_version: int, values: dict) -> None:
    check_version(improvement, expected_version)
    approved = approved_in(improvement)
    if approved:
        raise WorkflowError(_(
            "Deze verbetering staat in de goedgekeurde versie %(number)d van het verbeterplan "
            "en verandert niet meer: het implementatieplan voert die versie uit. Noteer een "
            "nieuwe verbetering voor wat er anders moet.", number=approved[-1]))
    _check_proposer(project, values["proposer_id"])
    audit.apply_changes(improvement, {f: values[f] for f in IMPROVEMENT_FIELDS},
                        action="improvement.update", object_type="improvement",
                        project_id=project.id, actor=actor)


def approved_in(improvement: Improvement) -> list[int]:
    """The numbers of the approved plan versions this improvement is part of."""
    return frozen_in_versions(improvement.project_id, approved_only=True).get(improvement.id, [])


def frozen_in_versions(project_id: int, *, approved_only: bool = False) -> dict[int, list[int]]:
    """For each improvement in a frozen (or only the approved) plan versions: their numbers."""
    query = (select(PlanVersion.number, PlanVersion.snapshot)
             .where(PlanVersion.project_id == project_id).order_by(PlanVersion.number))
    if approved_only:
        query = query.join(PlanApproval, PlanApproval.plan_version_id == PlanVersion.id)
    frozen: dict[int, list[int]] = {}
    for number, snapshot in db.session.execute(query):
        for row in snapshot.get("improvements", []):
            frozen.setdefault(row.get("id"), []).append(number)
    return frozen


def deletion_blockers(improvement: Improvement) -> list[str]:
    """An improvement in a frozen plan version stays: what was sent for review, reviewed or
    approved cannot lose a part. The method's way out is a decision ("niet opgepakt")."""
    numbers = frozen_in_versions(improvement.project_id).get(improvement.id)
    if not numbers:
        return []
    return [_("Deze verbetering staat in versie %(numbers)s van het verbeterplan en kan daarom "
              "niet worden verwijderd. Besluit in het verbeterplan dat zij niet wordt opgepakt, "
              "met de reden.", numbers=", ".join(str(n) for n in numbers))]


def delete_improvement(improvement: Improvement, actor: User) -> None:
    blockers = deletion_blockers(improvement)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    audit.record("improvement.delete", "improvement", improvement.id, improvement.project_id,
                 actor=actor, before={"title": improvement.title,
                                      "source": _source_key(improvement)})
    db.session.delete(improvement)
    db.session.flush()


def improvements_of(project: Project, *, source_type: str | None = None,
                    step: int | None = None) -> list[Improvement]:
    query = (select(Improvement).where(Improvement.project_id == project.id)
             .options(selectinload(Improvement.proposer)).order_by(Improvement.id.desc()))
    if source_type:
        query = query.where(Improvement.source_type == source_type)
    if step:
        query = query.where(Improvement.step == step)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Similar:
    improvement: Improvement
    score: float
    same_project: bool


def similar_to(title: str, project: Project, user: User) -> list[Similar]:
    """Improvements with a title like this one, in projects the user may see."""
    alike = similarity.title_like(Improvement.title, title)
    if alike is None:
        return []
    query = (select(Improvement).where(alike).options(selectinload(Improvement.project))
             .limit(similarity.CANDIDATES))
    if not user.is_admin:
        visible = select(Membership.project_id).where(Membership.user_id == user.id)
        query = query.where(Improvement.project_id.in_(visible))
    ranked = [Similar(candidate, score, candidate.project_id == project.id)
              for candidate, score in similarity.ranked(
                  title, db.session.scalars(query), lambda row: row.title)]
    ranked.sort(key=lambda r: (-r.score, not r.same_project, r.improvement.id))
    return ranked[:similarity.SHOWN]
