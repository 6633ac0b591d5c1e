"""Revision counters: which state of a project (and of the organisation) a cached page section
was made from.

After every flush, the projects whose rows the flush wrote get their counter raised, in the same
transaction (a ``data_revision`` row per scope, upserted). A row without a ``project_id`` counts
for the project of its parent (a finding for its review's project, a measurement for its KPI's).
Writes that every project's pages may show (the organisation's settings and role names, a
person's name, a service formula) raise the ``organisation`` counter. Which tables count for
neither is said in :data:`OUTSIDE_PROJECTS`; a test checks that every table is placed.

A statement that writes many rows at once (``session.execute(update(...))``, no flush) names
no rows; it raises the ``organisation`` counter, which every key holds. Such statements are
rare (a reopened step's actions, a retention run), so that costs little.

A section built inside a transaction that wrote is never stored: its counters are not yet
committed, and a rollback would give them back to other data (:func:`may_store`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from .extensions import db
from .models import (
    DataRevision,
    OrganisationSettings,
    Project,
    ProjectCycle,
    ServiceFormula,
    User,
)

ORGANISATION = "organisation"
_WROTE = "revisions_wrote"

# Rows no cached section shows: the audit trail (the history page is not cached), a person's
# notifications and digests (their own pages), everything of accounts and sign-in, and the
# archive's classes and lists (the archive's pages are not cached; a project's own class is
# its project row).
OUTSIDE_PROJECTS = frozenset({
    "audit_event", "notification", "notification_digest", "notification_setting",
    "api_rate_window", "api_token", "external_identity", "login_failure", "recovery_code",
    "data_revision", "archive_class", "destruction_list", "zaak_settings", "woo_settings",
    "project_template", "template_version",
})
# Read models kept beside the rows they follow (a position moves only with a step state, which
# counts for its project), and a person's sign-in bookkeeping (written without a flush).
_NOT_FOLLOWED_IN_BULK = OUTSIDE_PROJECTS | {"project_position", "user_account"}
# Rows every project's pages may show.
ORGANISATION_WIDE = (OrganisationSettings, ServiceFormula)
# A person's columns that pages show (an inactive account is marked); a sign-in changes none.
_SHOWN_OF_A_PERSON = ("name", "email", "active")


PROJECT_PREFIX = "project:"


def project_scope(project_id: int) -> str:
    return f"{PROJECT_PREFIX}{project_id}"


@cache
def _parent(mapper) -> tuple[str, Any] | None:
    """The link of a row without a project column to a parent row that has one: the name of
    the row's foreign-key attribute and the parent's table."""
    for column in mapper.columns:
        for key in column.foreign_keys:
            if "project_id" in key.column.table.c:
                return mapper.get_property_by_column(column).key, key.column.table
    return None


@cache
def _project_columns(mapper) -> tuple[str, ...]:
    """The row's attributes that name a project: ``project_id``, and others such as a next
    cycle's ``follows_id`` (a row linking two projects counts for both)."""
    return tuple(mapper.get_property_by_column(column).key for column in mapper.columns
                 if any(fk.column.table.name == "project" for fk in column.foreign_keys))


def _linked_projects(session: Session, renamed: set[int]) -> set[int]:
    """The projects whose pages show the name of one of ``renamed``: its cycles."""
    if not renamed:
        return set()
    return set(session.scalars(select(ProjectCycle.follows_id).where(
        ProjectCycle.project_id.in_(renamed)))) | set(session.scalars(
        select(ProjectCycle.project_id).where(ProjectCycle.follows_id.in_(renamed))))


def _person_shown_changed(person: User) -> bool:
    state = inspect(person)
    return any(state.attrs[name].history.has_changes() for name in _SHOWN_OF_A_PERSON)


def touched_scopes(session: Session) -> set[str]:
    """The scopes the rows of this flush belong to."""
    projects: set[int] = set()
    renamed: set[int] = set()
    parents: dict[Any, set[int]] = {}
    organisation = False
    for row in chain(session.new, session.dirty, session.deleted):
        if inspect(row).mapper.local_table.name in OUTSIDE_PROJECTS:
            continue
        if isinstance(row, Project):
            projects.add(row.id)
            if row in session.dirty and inspect(row).attrs.name.history.has_changes():
                renamed.add(row.id)
        elif isinstance(row, ORGANISATION_WIDE):
            organisation = True
        elif isinstance(row, User):
            organisation = organisation or row in session.deleted or _person_shown_changed(row)
        elif columns := _project_columns(inspect(row).mapper):
            projects.update(value for key in columns
                            if isinstance(value := getattr(row, key), int))
        elif (link := _parent(inspect(row).mapper)) is not None:
            key, parent = link
            if (value := getattr(row, key)) is not None:
                parents.setdefault(parent, set()).add(value)
    projects |= _linked_projects(session, renamed)
    for parent, ids in parents.items():
        projects.update(session.scalars(select(parent.c.project_id).where(parent.c.id.in_(ids))))
    return {project_scope(i) for i in projects} | ({ORGANISATION} if organisation else set())


def bump(session: Session, scopes: Iterable[str]) -> None:
    """Raise the counters of ``scopes`` by one (rows made where missing), in a fixed order so
    two writers never wait on each other crosswise."""
    ordered = sorted(set(scopes))
    if not ordered:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = DataRevision.__table__
    statement = dialect.insert(table).values([{"scope": s, "number": 1} for s in ordered])
    session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.scope], set_={"number": table.c.number + 1}))
    session.info[_WROTE] = True


def follow_writes(session: Session, _context: Any) -> None:
    bump(session, touched_scopes(session))


def follow_statements(state: ORMExecuteState) -> None:
    """A write of many rows in one statement raises the organisation's counter."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name not in _NOT_FOLLOWED_IN_BULK:
        bump(state.session, [ORGANISATION])


def forget_writes(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_WROTE, None)


def may_store() -> bool:
    """Whether what this transaction reads may be kept under its counters: not after it wrote
    (uncommitted counters), and not while it has unflushed changes."""
    session = db.session()
    return not session.info.get(_WROTE) and not (session.new or session.dirty or session.deleted)


def current(project_ids: Iterable[int]) -> tuple[int, dict[int, int]]:
    """The organisation's counter and each project's (0 for one never written since the
    counters came): one query."""
    ids = sorted(set(project_ids))
    wanted = [ORGANISATION, *(project_scope(i) for i in ids)]
    found = dict(db.session.execute(select(DataRevision.scope, DataRevision.number)
                                    .where(DataRevision.scope.in_(wanted))).all())
    return found.get(ORGANISATION, 0), {i: found.get(project_scope(i), 0) for i in ids}
