"""Step 4: the customer journey: its source, its phases with the resident's experience, the
ideal journey, and a log of interviews that names no resident."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, clock
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..models import InterviewLog, Journey, JourneyPhase, Project, User
from ..ordering import next_position, renumber
from ..windows import require_open
from ..workflow import Action

PHASE_FIELDS = ["name", "resident_action", "touchpoints", "experience", "pain_points", "quotes",
                "ideal"]


def journey_of(project: Project) -> Journey | None:
    return db.session.scalar(select(Journey).where(Journey.project_id == project.id))


def phases_of(project: Project) -> list[JourneyPhase]:
    return list(db.session.scalars(select(JourneyPhase).where(
        JourneyPhase.project_id == project.id).order_by(JourneyPhase.position, JourneyPhase.id)))


def interviews_of(project: Project) -> list[InterviewLog]:
    return list(db.session.scalars(select(InterviewLog).where(
        InterviewLog.project_id == project.id).order_by(InterviewLog.held_on)))


def save_source(project: Project, actor: User, *, expected_version: int | None,
                values: dict[str, Any]) -> Journey:
    require_open(project, Action.EDIT_JOURNEY)
    if values["source"] == "other_municipality" and not values["source_link"]:
        raise WorkflowError(_("Geef de link naar de klantreis van de andere gemeente."))
    journey = journey_of(project)
    if journey is None:
        journey = Journey(project_id=project.id, **values)
        db.session.add(journey)
        db.session.flush()
        audit.record("journey.source", "journey", journey.id, project.id, actor=actor,
                     after=values)
        return journey
    check_version(journey, expected_version or 0)
    audit.apply_changes(journey, values, action="journey.source", object_type="journey",
                        project_id=project.id, actor=actor)
    return journey


def add_phase(project: Project, actor: User, values: dict[str, Any]) -> JourneyPhase:
    require_open(project, Action.EDIT_JOURNEY)
    phase = JourneyPhase(project_id=project.id,
                         position=next_position(JourneyPhase, project.id),
                         **audit.stripped(values))
    db.session.add(phase)
    db.session.flush()
    audit.record("journey.phase_add", "journey_phase", phase.id, project.id, actor=actor,
                 after={"name": phase.name, "experience": phase.experience})
    return phase


def update_phase(phase: JourneyPhase, project: Project, actor: User, *, expected_version: int,
                 values: dict[str, Any]) -> None:
    require_open(project, Action.EDIT_JOURNEY)
    check_version(phase, expected_version)
    audit.apply_changes(phase, values, action="journey.phase_update",
                        object_type="journey_phase", project_id=project.id, actor=actor)


def delete_phase(phase: JourneyPhase, project: Project, actor: User) -> None:
    require_open(project, Action.EDIT_JOURNEY)
    audit.record("journey.phase_delete", "journey_phase", phase.id, project.id, actor=actor,
                 before={"name": phase.name})
    db.session.delete(phase)
    db.session.flush()
    renumber(phases_of(project))


def log_interviews(project: Project, actor: User, *, held_on: date, count: int,
                   resident_type: str) -> InterviewLog:
    require_open(project, Action.EDIT_JOURNEY)
    if held_on > clock.today():
        raise WorkflowError(_("Een interview kan niet in de toekomst zijn gehouden."))
    row = InterviewLog(project_id=project.id, held_on=held_on, count=count,
                       resident_type=resident_type.strip())
    db.session.add(row)
    db.session.flush()
    audit.record("journey.interviews", "interview_log", row.id, project.id, actor=actor,
                 after={"held_on": held_on.isoformat(), "count": count,
                        "resident_type": row.resident_type})
    return row


def delete_interviews(row: InterviewLog, project: Project, actor: User) -> None:
    require_open(project, Action.EDIT_JOURNEY)
    audit.record("journey.interviews_delete", "interview_log", row.id, project.id, actor=actor,
                 before={"held_on": row.held_on.isoformat(), "count": row.count,
                         "resident_type": row.resident_type})
    db.session.delete(row)
    db.session.flush()


def journey_problems(project: Project) -> list[str]:
    """Evidence for step 4: the source is recorded and at least one phase has an experience."""
    problems = []
    if journey_of(project) is None:
        problems.append(_("De bron van de klantreis is nog niet vastgelegd."))
    if not phases_of(project):
        problems.append(_("De klantreis heeft nog geen fasen."))
    return problems
