"""Personal data per person (AVG articles 15, 17 and 20): everything the app holds about
someone, as one JSON document, and erasure by pseudonymisation.

Erasure replaces the name and e-mail address with a pseudonym and closes the account; the
person's roles, tasks and actions stay with that pseudonym, so project histories and the audit
trail keep their meaning. The audit trail itself is not rewritten (its hash chain would show
it): it names actors by account number, but the rows of account changes keep the name and
e-mail address as they were; it is kept under the duty to account for decisions (AVG article
17(3)(b)).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from . import audit
from .auth.passwords import hash_password
from .comments.services import mentioning, rename_mention, written_by
from .duties import role_name
from .extensions import db
from .ideas.services import followed_by, proposed_by
from .models import AuditEvent, IdeaFollower, Membership, RecoveryCode, Task, User
from .workflow import Role

FORMAT_VERSION = 1


def export(user: User) -> dict[str, Any]:
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id)
        .options(selectinload(Membership.role_rows), selectinload(Membership.project))
        .order_by(Membership.project_id)).all()
    tasks = db.session.scalars(select(Task).where(Task.assignee_id == user.id)
                               .order_by(Task.id)).all()
    actions = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id)
                                 .order_by(AuditEvent.id)).all()
    return {
        "format": f"wasstraat-personal-data/{FORMAT_VERSION}",
        "profile": {
            "id": user.id, "name": user.name, "email": user.email, "locale": user.locale,
            "administrator": user.is_admin, "active": user.active,
            "created_at": _iso(user.created_at), "last_login_at": _iso(user.last_login_at),
            "second_factor": user.has_second_factor,
        },
        "roles": [{
            "project_id": m.project_id, "project": m.project.name,
            "roles": [role_name(Role(r)) for r in sorted(r.role for r in m.role_rows)],
            "since": _iso(m.added_at),
        } for m in memberships],
        "tasks": [{
            "project_id": t.project_id, "step": t.step, "title": t.title,
            "due_date": t.due_date.isoformat() if t.due_date else None,
            "done": t.is_done,
        } for t in tasks],
        "comments": [{
            "project_id": c.project_id, "subject": c.subject.value, "subject_id": c.subject_id,
            "text": c.body, "written_at": _iso(c.created_at), "corrected_at": _iso(c.edited_at),
            "removed_at": _iso(c.removed_at),
        } for c in written_by(user)],
        "ideas": [{
            "id": i.id, "title": i.title, "description": i.description,
            "posted_at": _iso(i.created_at), "state": i.state.value,
        } for i in proposed_by(user)],
        "ideas_followed": followed_by(user),
        "actions": [{
            "at": audit.timestamp(e), "action": e.action, "object_type": e.object_type,
            "object_id": e.object_id, "project_id": e.project_id, "result": e.result,
            "address": e.ip, "before": e.before, "after": e.after,
        } for e in actions],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def pseudonym(user: User) -> str:
    return f"Voormalig medewerker {user.id}"


def erase(user: User, *, actor: User) -> None:
    """Replace who the person is with a pseudonym and close the account for good."""
    for comment in mentioning(user):  # their name where a colleague wrote @name
        rename_mention(comment, user, pseudonym(user))
    user.name = pseudonym(user)
    user.email = f"verwijderd-{user.id}@verwijderd.invalid"
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # known to no one
    user.active = False
    user.is_admin = False
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    user.last_login_at = None
    user.must_change_password = False
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    # A closed account hears nothing more of the ideas it followed.
    db.session.execute(delete(IdeaFollower).where(IdeaFollower.user_id == user.id))
    user.rotate_session_token()
    audit.record("user.erase", "user", user.id, None, actor=actor)
