"""The library's one change: an employee's suggestion on a described process. Its process
owners hear of it (notifications.events); a next cycle takes it up (projects.cycles)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select

from .. import audit
from ..errors import InvalidInput
from ..extensions import db
from ..models import ProcessStep, ProcessSuggestion, Project, ProjectPosition, User
from ..process import services as process

SUGGESTION_LIMIT = 2000


def described_process(project_id: int) -> Project | None:
    """The closed, not anonymised project with a described process, or None."""
    return db.session.scalar(
        select(Project).join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .where(Project.id == project_id, ProjectPosition.step.is_(None),
               Project.anonymised_at.is_(None),
               exists(select(ProcessStep.id).where(ProcessStep.project_id == Project.id))))


def process_as_it_is(project: Project) -> list[ProcessStep]:
    """The process as the project left it: the desired one where it was described, else the
    current one."""
    return process.steps_of(project, process.DESIRED) or process.steps_of(project)


def suggestions_of(project: Project) -> list[ProcessSuggestion]:
    return list(db.session.scalars(
        select(ProcessSuggestion).where(ProcessSuggestion.project_id == project.id)
        .order_by(ProcessSuggestion.id.desc())))


def suggest(project: Project, author: User, text: str) -> ProcessSuggestion:
    text = text.strip()
    if not text:
        raise InvalidInput(_("Schrijf uw suggestie op."), "text")
    if len(text) > SUGGESTION_LIMIT:
        raise InvalidInput(_("Houd de suggestie korter dan %(limit)d tekens.",
                             limit=SUGGESTION_LIMIT), "text")
    suggestion = ProcessSuggestion(project_id=project.id, author_id=author.id, text=text)
    db.session.add(suggestion)
    db.session.flush()
    audit.record("process.suggest", "process_suggestion", suggestion.id, project.id,
                 actor=author, after={"text": text})
    return suggestion
