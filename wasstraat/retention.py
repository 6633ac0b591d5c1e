"""Retention (AVG article 5(1)(e), BIO 5.33): closed projects older than the organisation's
term are anonymised by ``flask --app app retention run``, typically from cron. The record
itself is destroyed only at the end of its Selectielijst term, on a destruction list the
archivist approved (archive/services.py, which calls ``destroy`` here); the setting
``delete`` of earlier releases therefore anonymises too.

*Closed* means step 10 was finished; the term counts from that moment. Anonymising keeps what
the organisation learned (the process, the improvements, the plans, the KPI results) and takes
out who took part: team memberships, attendance and process checks are deleted, every other
reference to a person is moved to one inactive placeholder account, and the names copied into
approvals and sign-offs are replaced. Deleting removes the project and everything in it. Either
way the audit trail stays (append-only, persons only as account numbers), and a second run
finds nothing left to do.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import selectinload

from . import audit
from .auth.passwords import hash_password
from .comments.services import rename_mention
from .extensions import db
from .models import Comment, Project, StepState, User, WooPublication, WooRedaction, utcnow
from .workflow import Step, StepStatus, WooFinding

ACTIONS = ("anonymise", "delete")
PLACEHOLDER_EMAIL = "geanonimiseerd@wasstraat.invalid"
PLACEHOLDER_NAME = "Geanonimiseerd"
# Rows that only say that a person took part, or were messages to them: deleted, not moved
# to the placeholder.
PARTICIPATION_TABLES = ("membership", "session_attendee", "process_check", "notification",
                        "comment_mention")
# Names copied at the moment of signing, next to the account reference.
NAME_COPIES = {"plan_approval": "approver_name", "review": "signer_name",
               "review_override": "decider_name", "implementation_approval": "approver_name"}
# A Woo review's findings that are a person's name or address, copied from the document.
PERSONAL_FINDINGS = (WooFinding.NAME, WooFinding.EMAIL)
# Frozen by a database trigger (what was reviewed); they refer to people by number only.
FROZEN_TABLES = ("plan_version",)


@dataclass(frozen=True)
class Handled:
    project_id: int
    closed_at: datetime
    action: str


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due(months: int, now: datetime | None = None) -> list[tuple[Project, datetime]]:
    """Closed projects whose term has passed and that were not anonymised yet."""
    cutoff = months_before(now or utcnow(), months)
    rows = db.session.execute(
        select(Project, StepState.closed_at).join(StepState, StepState.project_id == Project.id)
        .where(StepState.step == Step.EXECUTION.value,
               StepState.status == StepStatus.DONE,
               StepState.closed_at < cutoff, Project.anonymised_at.is_(None))
        .order_by(Project.id)).all()
    return [(project, closed_at) for project, closed_at in rows]


def run(months: int, action: str, now: datetime | None = None) -> list[Handled]:
    """Anonymise the projects past the term (``action`` "delete" too: only the archivist's
    approval destroys a record)."""
    if action not in ACTIONS:
        raise ValueError(f"retention action must be one of {ACTIONS}")
    handled = []
    for project, closed_at in due(months, now):
        _anonymise(project)
        handled.append(Handled(project.id, closed_at, "anonymise"))
    return handled


def destroy(project: Project) -> None:
    """Remove the project and everything in it; the audit trail stays. Only for a record
    past its archive date on an approved destruction list (archive/services.py)."""
    audit.record("retention.delete", "project", project.id, project.id,
                 after={"closed_steps": True})
    project_id = project.id
    db.session.expunge(project)
    # A project copied from this one stays; it no longer names its source.
    db.session.execute(update(Project.__table__).where(
        Project.__table__.c.copied_from_id == project_id).values(copied_from_id=None))
    # The database cascades to everything in the project (every project_id is ON DELETE CASCADE).
    db.session.execute(delete(Project.__table__).where(Project.__table__.c.id == project_id))


def _anonymise(project: Project) -> None:
    placeholder = placeholder_account()
    _unname_mentions(project)
    for table, rows in _project_tables(project.id):
        for column in table.columns:
            if not any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
                continue
            if table.name in PARTICIPATION_TABLES:
                db.session.execute(delete(table).where(rows))
                break
            if table.name not in FROZEN_TABLES:
                db.session.execute(update(table).where(rows, column.is_not(None))
                                   .values({column.name: placeholder.id}))
        if table.name in NAME_COPIES:
            db.session.execute(update(table).where(rows)
                               .values({NAME_COPIES[table.name]: PLACEHOLDER_NAME}))
    db.session.execute(update(WooRedaction).where(
        WooRedaction.publication_id.in_(select(WooPublication.id).where(
            WooPublication.project_id == project.id)),
        WooRedaction.finding.in_(PERSONAL_FINDINGS)).values(text=PLACEHOLDER_NAME))
    db.session.execute(update(Project.__table__).where(Project.__table__.c.id == project.id)
                       .values(created_by_id=placeholder.id, anonymised_at=utcnow()))
    audit.record("retention.anonymise", "project", project.id, project.id)
    db.session.expire(project)


def _unname_mentions(project: Project) -> None:
    """A comment's @names of people leave its text (the mention rows themselves go with the
    participation)."""
    comments = db.session.scalars(select(Comment).where(Comment.project_id == project.id)
                                  .options(selectinload(Comment.mentioned)))
    for comment in comments:
        for person in comment.mentioned:
            rename_mention(comment, person, PLACEHOLDER_NAME)
    db.session.flush()


def _project_tables(project_id: int):
    """Each table holding a project's rows, with the condition that selects them: tables with
    a project_id, and the tables whose rows hang from those."""
    owned: dict[str, Table] = {}
    for table in db.metadata.sorted_tables:
        if "project_id" in table.columns and table.name != "audit_event":
            owned[table.name] = table
            yield table, table.c.project_id == project_id
    for table in db.metadata.sorted_tables:
        if table.name in owned or table.name == "project":
            continue
        for fk in table.foreign_keys:
            parent = fk.column.table
            if parent.name in owned and fk.column.name == "id":
                yield table, fk.parent.in_(select(parent.c.id).where(
                    parent.c.project_id == project_id))
                break


def placeholder_account() -> User:
    """The one inactive account that anonymised projects refer to instead of people."""
    user = db.session.scalar(select(User).where(User.email == PLACEHOLDER_EMAIL))
    if user is None:
        user = User(email=PLACEHOLDER_EMAIL, name=PLACEHOLDER_NAME, active=False,
                    password_hash=hash_password(secrets.token_urlsafe(32)))
        db.session.add(user)
        db.session.flush()
    return user
