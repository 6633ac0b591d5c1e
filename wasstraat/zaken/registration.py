"""The project as a zaak: what each moment of a project sends to Open Zaak, and the sending.

A moment (an audit action listed in ``workflow.ZAAK_MOMENTS``) writes its parts in the same
transaction as the moment itself (``note_moments``, a session hook: unit_of_work.py); a job
sends a project's waiting parts afterwards, in the order they were written (``send``), so a
status never arrives before its zaak, nor the besluit before its document. A part that fails
stops the project's parts behind it: Open Zaak away (asked again with back-off, up to
``MAX_ATTEMPTS``), or Open Zaak saying no (failed, with the reason, until an administrator
sends it again). Every URL Open Zaak gives is committed the moment it is given, so a job run
again skips what arrived: nothing is registered twice.

Nothing is written while no connection is configured, and a project that started before it
was stays outside Open Zaak (it has no zaak to add to).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent, ImplementationApproval, ZaakAction, ZaakSettings
from ..workflow import (
    ZAAK_CLOSING,
    ZAAK_MOMENTS,
    Step,
    ZaakDocument,
    ZaakMoment,
    ZaakPart,
    ZaakPartState,
)

MAX_ATTEMPTS = 8  # with the back-off below: some two days of Open Zaak away
SENDS_DUE = "zaak_sends_due"  # session.info: projects whose parts wait to be sent


def backoff(attempts: int) -> timedelta:
    """The wait before try ``attempts + 1``: 1, 2, 4 ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(0, attempts - 1), 360))


def active(session: Session) -> ZaakSettings | None:
    """The connection to Open Zaak when an administrator switched it on."""
    settings = session.scalar(select(ZaakSettings).limit(1))
    return settings if settings is not None and settings.active else None


def note_moments(session: Session, _context: object, _instances: object) -> None:
    """Before a flush: the new audit rows that are moments of a zaak write their parts."""
    moments = [event for event in session.new
               if isinstance(event, AuditEvent) and event.action in ZAAK_MOMENTS]
    if not moments:
        return
    with session.no_autoflush:
        if active(session) is None:
            return
        for event in moments:
            if _applies(event, moment := _moment(event)):
                _note(session, event, moment)


def _moment(event: AuditEvent) -> ZaakMoment:
    if event.action == "step.close" and event.object_id == max(Step):
        return ZAAK_CLOSING
    return ZAAK_MOMENTS[event.action]


def _applies(event: AuditEvent, moment: ZaakMoment) -> bool:
    """A moment that happened (not a refused attempt), and for a team change, one that
    gives someone a role the zaak names."""
    if event.result != "success":
        return False
    if not moment.giving:
        return True
    given = set((event.after or {}).get("roles", [])) - set((event.before or {}).get("roles", []))
    return bool(given & {role.value for role in moment.giving})


def _note(session: Session, event: AuditEvent, moment: ZaakMoment) -> None:
    rows = session.execute(select(ZaakAction.subject, ZaakAction.part, ZaakAction.state)
                           .where(ZaakAction.project_id == event.project_id)).all()
    rows += [(a.subject, a.part, ZaakPartState.WAITING) for a in session.new
             if isinstance(a, ZaakAction) and a.project_id == event.project_id]
    known = {subject for subject, _part, _state in rows}
    if ZaakPart.ZAAK not in moment.parts and "zaak" not in known:
        return  # a project from before the connection: no zaak to add to
    # A waiting roles part names whoever holds the roles when it is sent: one is enough.
    roles_waiting = any(part is ZaakPart.ROLES and state is ZaakPartState.WAITING
                        for _subject, part, state in rows)
    documents = iter(moment.documents)
    for part in moment.parts:
        document = next(documents) if part is ZaakPart.DOCUMENT else None
        if part is ZaakPart.ROLES and roles_waiting:
            continue
        subject = _subject(session, event, part, document)
        if subject not in known:
            known.add(subject)
            session.add(ZaakAction(project_id=event.project_id, part=part, subject=subject,
                                   actor_id=event.actor_id, urls={}))
    session.info.setdefault(SENDS_DUE, set()).add(event.project_id)


def _fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _subject(session: Session, event: AuditEvent, part: ZaakPart,
             document: ZaakDocument | None) -> str:
    """What a part is about, unique within its project: a part that can happen once (the
    zaak, a document, the result) keeps one subject, so a moment repeated adds nothing."""
    match part:
        case ZaakPart.ZAAK | ZaakPart.RESULT | ZaakPart.ARCHIVE_DATES:
            return part.value
        case ZaakPart.STATUS:
            return _fresh(f"status-{event.object_id}")
        case ZaakPart.ROLES:
            return _fresh("roles")
        case ZaakPart.DECISION:
            return f"besluit-{event.object_id}"
    return f"{document}-{_document_owner(session, event, document)}"


def _document_owner(session: Session, event: AuditEvent, document: ZaakDocument | None) -> int:
    """The id a document part names: the plan version, the approval of the implementation
    plan (its latest, the one this moment made), or the step that closed the project."""
    if document is ZaakDocument.IMPLEMENTATION:
        return session.scalar(select(ImplementationApproval.id).where(
            ImplementationApproval.project_id == event.project_id)
            .order_by(ImplementationApproval.id.desc()).limit(1)) or 0
    return event.object_id or 0


def sends_due(session: Session) -> set[int]:
    return session.info.pop(SENDS_DUE, set())


def forget_sends(session: Session) -> None:
    session.info.pop(SENDS_DUE, None)


def waiting(session: Session, project_id: int) -> list[ZaakAction]:
    return list(session.scalars(select(ZaakAction).where(
        ZaakAction.project_id == project_id, ZaakAction.state == ZaakPartState.WAITING)
        .order_by(ZaakAction.id)))


def due_projects(session: Session, now: datetime) -> list[int]:
    """Projects with a part waiting whose next try is due (the periodic run's)."""
    return list(session.scalars(select(ZaakAction.project_id).distinct().where(
        ZaakAction.state == ZaakPartState.WAITING,
        (ZaakAction.next_attempt_at.is_(None)) | (ZaakAction.next_attempt_at <= now))))


def record_done(action: ZaakAction, now: datetime) -> None:
    action.state, action.done_at, action.error = ZaakPartState.DONE, now, ""
    action.next_attempt_at = None


def record_unavailable(action: ZaakAction, message: str, now: datetime) -> None:
    action.attempts += 1
    action.error = message
    if action.attempts >= MAX_ATTEMPTS:
        action.state = ZaakPartState.FAILED
    else:
        action.next_attempt_at = now + backoff(action.attempts)


def record_refused(action: ZaakAction, message: str) -> None:
    action.attempts += 1
    action.state, action.error = ZaakPartState.FAILED, message

