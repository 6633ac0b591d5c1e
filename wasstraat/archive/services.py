"""The archive's rules. A closed project's record is kept for its Selectielijst class's term,
counted from the day its ten steps were closed; then it is destroyed (or transferred, for a
class the Selectielijst keeps). Nothing is destroyed before the archivist approves a
destruction list, and never before the archive date, whatever the list says: the date is
checked again at the approval. The AVG's anonymisation (retention.py) stays separate: it
takes out who took part, the record itself stays until its date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, clock, retention
from ..errors import InvalidInput, NotAllowed, WorkflowError
from ..extensions import db
from ..models import (
    ArchiveClass,
    DestructionItem,
    DestructionList,
    Project,
    StepState,
    User,
    utcnow,
)
from ..sustain import services as sustain
from ..workflow import ArchiveNomination, DestructionState, OrgFunction, Step, StepStatus


def require_archivist(user: User) -> None:
    if not user.has_function(OrgFunction.ARCHIVIST):
        raise NotAllowed(_("Alleen de archivaris beheert de bewaartermijnen en de "
                           "vernietiging."))


def classes() -> list[ArchiveClass]:
    return list(db.session.scalars(select(ArchiveClass).order_by(
        ArchiveClass.process_type, ArchiveClass.result, ArchiveClass.id)))


def default_class() -> ArchiveClass:
    return db.session.scalars(select(ArchiveClass).where(ArchiveClass.is_default)).one()


def class_of(project: Project) -> ArchiveClass:
    """The project's Selectielijst class: its own, or the organisation's default."""
    if project.archive_class_id:
        return db.session.get(ArchiveClass, project.archive_class_id)
    return default_class()


def describe(archive_class: ArchiveClass) -> str:
    return (f"{archive_class.process_type}. {archive_class.process_type_name} — "
            f"{archive_class.result} {archive_class.result_name}")


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class Record:
    """A closed project's record, as the archive sees it."""

    project: Project
    archive_class: ArchiveClass
    closed_on: date

    @property
    def archive_date(self) -> date:
        return years_after(self.closed_on, self.archive_class.term_years)

    def due(self, today: date) -> bool:
        return (self.archive_class.nomination is ArchiveNomination.DESTROY
                and self.archive_date <= today)


def records(known_classes: list[ArchiveClass] | None = None) -> list[Record]:
    """Every closed project with its class and the day its ten steps were closed (one
    query: the classes are few and read once, or given)."""
    by_id = {c.id: c for c in (classes() if known_classes is None else known_classes)}
    fallback = next((c for c in by_id.values() if c.is_default), None)
    rows = db.session.execute(
        select(Project, StepState.closed_at).join(StepState, StepState.project_id == Project.id)
        .where(StepState.step == Step.EXECUTION.value, StepState.status == StepStatus.DONE,
               StepState.closed_at.is_not(None))
        .order_by(StepState.closed_at, Project.id)).all()
    return [Record(project, by_id.get(project.archive_class_id) or fallback,
                   clock.local_date(closed_at)) for project, closed_at in rows]


def record_of(project: Project) -> Record | None:
    """The project's record when it is closed; None while it runs."""
    closed = sustain.closed_on(project)
    if project.step_status(Step.EXECUTION) is not StepStatus.DONE or closed is None:
        return None
    return Record(project, class_of(project), closed)


def on_open_list() -> set[int]:
    return set(db.session.scalars(
        select(DestructionItem.project_id).join(DestructionList)
        .where(DestructionList.state == DestructionState.PROPOSED,
               DestructionItem.project_id.is_not(None))))


@dataclass(frozen=True)
class Overview:
    """What the archive page shows, each read once."""

    classes: list[ArchiveClass]
    records: list[Record]
    listed: set[int]  # the projects on a list not yet judged
    due: list[Record]  # past their date, to destroy, not yet on a list


def overview(today: date | None = None) -> Overview:
    today = today or clock.today()
    known, listed = classes(), on_open_list()
    found = records(known)
    return Overview(known, found, listed,
                    [r for r in found if r.due(today) and r.project.id not in listed])


def due_for_destruction(today: date | None = None) -> list[Record]:
    """Closed projects past their archive date, to destroy, not yet on a list."""
    return overview(today).due


def set_class(project: Project, archive_class: ArchiveClass, actor: User) -> None:
    require_archivist(actor)
    if project.id in on_open_list():
        raise WorkflowError(_("Dit traject staat op een vernietigingslijst; beoordeel eerst "
                              "die lijst."))
    audit.apply_changes(project, {"archive_class_id": archive_class.id},
                        action="archive.class", object_type="project", project_id=project.id,
                        actor=actor)


def add_class(actor: User, **values: object) -> ArchiveClass:
    require_archivist(actor)
    archive_class = ArchiveClass(**values)
    db.session.add(archive_class)
    db.session.flush()
    audit.record("archive.class_added", "archive_class", archive_class.id, None, actor=actor,
                 after={k: str(v) for k, v in values.items()})
    return archive_class


def draw_up(actor: User, today: date | None = None) -> DestructionList:
    """A destruction list of every project due, for the archivist to judge."""
    require_archivist(actor)
    due = due_for_destruction(today)
    if not due:
        raise WorkflowError(_("Er is geen traject waarvan de bewaartermijn is verstreken."))
    listed = DestructionList(drawn_up_by_id=actor.id)
    db.session.add(listed)
    for record in due:
        c = record.archive_class
        listed.items.append(DestructionItem(
            project_id=record.project.id, project_name=record.project.name,
            project_product=record.project.product, class_result=c.result,
            class_description=describe(c), term_years=c.term_years,
            closed_on=record.closed_on, archive_date=record.archive_date))
    db.session.flush()
    audit.record("archive.list_drawn_up", "destruction_list", listed.id, None, actor=actor,
                 after={"projects": [r.project.id for r in due]})
    return listed


def exclude(item: DestructionItem, reason: str, actor: User) -> None:
    """Take a project off the list: it is kept, and the reason stays with the list."""
    require_archivist(actor)
    _require_open(item.destruction_list)
    if not reason.strip():
        raise InvalidInput(_("Geef de reden waarom dit traject blijft."), field="reason")
    item.excluded_reason = reason.strip()
    audit.record("archive.excluded", "destruction_list", item.list_id, item.project_id,
                 actor=actor, after={"item": item.id, "reason": item.excluded_reason})


def approve(listed: DestructionList, actor: User, today: date | None = None) -> int:
    """The archivist approves the list: each project on it that was not excluded is destroyed
    (its record is checked against the date again). Returns how many were destroyed."""
    require_archivist(actor)
    _require_open(listed)
    today = today or clock.today()
    remaining = [item for item in listed.items if not item.excluded_reason]
    for item in remaining:
        _require_due(item, today)
    for item in remaining:  # each has its project: _require_due refused any without
        retention.destroy(db.session.get(Project, item.project_id))
        item.project_id, item.destroyed_at = None, utcnow()
    listed.state, listed.approved_at = DestructionState.DESTROYED, utcnow()
    listed.approved_by_id, listed.approver_name = actor.id, actor.name
    audit.record("archive.destroyed", "destruction_list", listed.id, None, actor=actor,
                 after={"destroyed": len(remaining)})
    return len(remaining)


def _require_open(listed: DestructionList) -> None:
    if listed.state is not DestructionState.PROPOSED:
        raise WorkflowError(_("Deze vernietigingslijst is al goedgekeurd en uitgevoerd."))


def _require_due(item: DestructionItem, today: date) -> None:
    """The date as it is now: a class changed since the list was drawn up counts."""
    project = db.session.get(Project, item.project_id) if item.project_id else None
    record = record_of(project) if project else None
    if record is None or not record.due(today):
        raise WorkflowError(_("%(name)s mag nog niet worden vernietigd: de bewaartermijn loopt "
                              "tot %(date)s. Haal het van de lijst.", name=item.project_name,
                              date=(record.archive_date if record else item.archive_date)
                              .strftime("%d-%m-%Y")))
