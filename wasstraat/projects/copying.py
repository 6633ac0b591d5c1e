"""A new project that starts from an existing one. The parts the team ticks are carried over
as starting points: definitions, skeletons and questions, as plain data first (``content``),
then as the new project's rows (``carry_over``). Never carried: people, sessions, findings,
decisions, answers, scores, measurements, documents or the audit trail; the new project
records its source."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..improvements import services as improvements
from ..improvements.sources import SOURCES, SourceRef
from ..models import Improvement, JourneyPhase, Kpi, ProcessStep, Project, User
from ..questions import services as questions
from ..workflow import CopyPart, Decision, Direction, QuestionSet, Role
from . import services

# A process step's skeleton: what it is and who does it, not how long it took there.
PROCESS_FIELDS = ("activity", "actor", "system", "handover", "wastes", "optional",
                  "may_repeat", "parallel")
VARIANTS = {CopyPart.PROCESS: "current", CopyPart.DESIRED: "desired"}
# A phase's measured experience is not carried; a copied phase starts neutral.
NEUTRAL_EXPERIENCE = 0


def content(project: Project, parts: set[CopyPart]) -> dict[str, list[dict[str, Any]]]:
    """The ticked parts of a project as plain data, in their order."""
    found: dict[str, list[dict[str, Any]]] = {}
    if CopyPart.KPIS in parts:
        found["kpis"] = [{"name": k.name, "definition": k.definition, "unit": k.unit,
                          "direction": k.direction.value} for k in _rows(Kpi, project, Kpi.id)]
    for part, variant in VARIANTS.items():
        if part in parts:
            found[part.value] = [{f: getattr(s, f) for f in PROCESS_FIELDS} for s in _rows(
                ProcessStep, project, ProcessStep.position, ProcessStep.variant == variant)]
    if CopyPart.JOURNEY in parts:
        found["journey"] = [{"name": p.name} for p in _rows(JourneyPhase, project,
                                                             JourneyPhase.position)]
    if CopyPart.IMPROVEMENTS in parts:  # a merged one lives on in the one it joined
        found["improvements"] = [{"title": i.title, "description": i.description}
                                 for i in _rows(Improvement, project, Improvement.id,
                                                Improvement.decision != Decision.MERGED)]
    for question_set in QuestionSet:
        if question_set.part in parts:
            found[question_set.part.value] = questions.rows(project, question_set)
    return found


def counts(found: dict[str, list]) -> dict[str, int]:
    """How many rows of each part (what the audit trail records of a copy or a template)."""
    return {key: len(rows) for key, rows in found.items()}


def _rows(model, project: Project, order, *where) -> list:
    return list(db.session.scalars(select(model).where(model.project_id == project.id, *where)
                                   .order_by(order)))


def carry_over(project: Project, found: dict[str, list[dict[str, Any]]], actor: User,
               suggestion: SourceRef) -> None:
    """The content as the new project's own rows, before its steps open; its improvements
    are suggestions from ``suggestion`` (the project copied, or the template)."""
    for row in found.get("kpis", []):
        db.session.add(Kpi(project_id=project.id, created_by_id=actor.id,
                           **{**row, "direction": Direction(row["direction"])}))
    for part, variant in VARIANTS.items():
        for position, row in enumerate(found.get(part.value, []), start=1):
            db.session.add(ProcessStep(project_id=project.id, variant=variant,
                                       position=position, **row))
    for position, row in enumerate(found.get("journey", []), start=1):
        db.session.add(JourneyPhase(project_id=project.id, position=position,
                                    experience=NEUTRAL_EXPERIENCE, **row))
    for question_set in QuestionSet:
        questions.add_rows(project, question_set, found.get(question_set.part.value, []))
    db.session.flush()
    for row in found.get("improvements", []):
        improvements.add_improvement(project, actor, suggestion, proposer_id=None, **row)


def copy_project(source: Project, actor: User, *, values: dict, creator_roles: set[Role],
                 parts: set[CopyPart]) -> Project:
    """A new project, with the actor as its project leader, that starts from ``source``."""
    project = services.create_project(actor, creator_roles=creator_roles, **values)
    project.copied_from_id = source.id
    found = content(source, parts)
    carry_over(project, found, actor, SourceRef(SOURCES["copy"], source.id, source.name))
    audit.record("project.copy", "project", project.id, project.id, actor=actor,
                 after={"source": source.id, "parts": counts(found)})
    return project
