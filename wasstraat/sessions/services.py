"""Sessions of the team: when, for which step, who was there (members; outsiders only as a
description), the agenda and notes, and what was found during the session."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput
from ..extensions import db
from ..models import Improvement, Project, SessionFinding, User, WorkSession
from ..workflow import N_, Step

SESSION_KINDS = {"in_person": N_("Op locatie"), "online": N_("Online"), "hybrid": N_("Hybride")}


def sessions_of(project: Project) -> list[WorkSession]:
    return list(db.session.scalars(
        select(WorkSession).where(WorkSession.project_id == project.id)
        .options(selectinload(WorkSession.attendees))
        .order_by(WorkSession.held_on.desc(), WorkSession.id.desc())))


def findings_of(project: Project, step: Step) -> list[tuple[WorkSession, SessionFinding]]:
    """What the sessions of one step found, oldest session first."""
    sessions = db.session.scalars(
        select(WorkSession).where(WorkSession.project_id == project.id,
                                  WorkSession.step == step.value)
        .options(selectinload(WorkSession.findings))
        .order_by(WorkSession.held_on, WorkSession.id))
    return [(session, finding) for session in sessions for finding in session.findings]


def improvements_of(session: WorkSession) -> list[Improvement]:
    return list(db.session.scalars(
        select(Improvement).where(Improvement.session_id == session.id)
        .order_by(Improvement.id)))


def create_session(project: Project, actor: User, *, step: Step, part: str | None,
                   held_on: date, kind: str, attendee_ids: list[int],
                   external_participants: str, agenda: str) -> WorkSession:
    if part and step.definition.part(part) is None:
        raise InvalidInput(_("Deze stap heeft geen sessie %(part)s.", part=part), "step")
    members = {m.user_id: m.user for m in project.memberships}
    if any(user_id not in members for user_id in attendee_ids):
        raise InvalidInput(_("Alleen teamleden kunnen als deelnemer worden gekozen."),
                           "attendees")
    session = WorkSession(project_id=project.id, step=int(step), part=part or None,
                          held_on=held_on, kind=kind,
                          external_participants=external_participants.strip(),
                          agenda=agenda.strip(), created_by_id=actor.id)
    session.attendees = [members[user_id] for user_id in attendee_ids]
    db.session.add(session)
    db.session.flush()
    audit.record("session.create", "session", session.id, project.id, actor=actor,
                 after={"step": int(step), "part": part, "held_on": held_on.isoformat(),
                        "attendees": sorted(attendee_ids)})
    return session


def save_notes(session: WorkSession, actor: User, *, expected_version: int, notes: str) -> None:
    check_version(session, expected_version)
    audit.apply_changes(session, {"notes": notes}, action="session.notes", object_type="session",
                        project_id=session.project_id, actor=actor)


def add_finding(session: WorkSession, actor: User, text: str) -> SessionFinding:
    finding = SessionFinding(session=session, text=text.strip(), created_by_id=actor.id)
    db.session.add(finding)
    db.session.flush()
    audit.record("session.finding", "session", session.id, session.project_id, actor=actor,
                 after={"finding": finding.text})
    return finding
