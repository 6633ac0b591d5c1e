"""The idea box's rules. Any employee posts an idea and follows it; a coordinator triages
each open idea once: into a running project's improvements, into a new project, merged with
a look-alike, or declined with a reason. Its proposer and followers hear each outcome, and
later what the project made of it (events.py tells those)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput, NotAllowed, WorkflowError
from ..extensions import db
from ..improvements import services as improvements
from ..improvements import similarity
from ..improvements.sources import SOURCES, SourceRef
from ..library import services as library
from ..models import (
    Idea,
    IdeaFollower,
    Project,
    ProjectPosition,
    User,
    utcnow,
)
from ..notification_kinds import Kind, Outcome
from ..notifications.events import tell_about_idea
from ..projects import services as projects
from ..workflow import (
    IDEA_SOURCE,
    IDEA_TEXT_MAX,
    IDEA_TITLE_MAX,
    IdeaState,
    OrgFunction,
    Role,
)

REASON_MAX = 2000


def is_coordinator(user: User) -> bool:
    return user.has_function(OrgFunction.COORDINATOR)


def require_coordinator(user: User) -> None:
    if not is_coordinator(user):
        raise NotAllowed(_("Alleen een verbetercoördinator beoordeelt de ideeën uit de "
                           "ideeënbus."))


# --- Posting and following ---


def post(proposer: User, *, title: str, description: str, process_id: int | None,
         organisation_unit: str) -> Idea:
    """A new idea, followed by its proposer; the coordinators hear of it."""
    title, description = title.strip(), description.strip()
    if not title:
        raise InvalidInput(_("Geef uw idee een titel."), "title")
    if len(title) > IDEA_TITLE_MAX or len(description) > IDEA_TEXT_MAX:
        raise InvalidInput(_("Houd de titel korter dan %(title)d en de beschrijving korter dan "
                             "%(text)d tekens.", title=IDEA_TITLE_MAX, text=IDEA_TEXT_MAX))
    process = None
    if process_id is not None:
        process = library.described_process(process_id)
        if process is None:
            raise InvalidInput(_("Kies een proces uit de lijst."), "process_id")
    idea = Idea(title=title, description=description, proposer_id=proposer.id,
                process_id=process_id, organisation_unit=(
                    organisation_unit.strip() or (process.organisation_unit if process else "")))
    db.session.add(idea)
    db.session.flush()
    db.session.add(IdeaFollower(idea_id=idea.id, user_id=proposer.id))
    audit.record("idea.create", "idea", idea.id, None, actor=proposer,
                 after={"title": idea.title, "process_id": process_id,
                        "organisation_unit": idea.organisation_unit})
    tell_about_idea(db.session, [c.id for c in coordinators()], proposer.id, idea.id,
                    idea.title, Kind.IDEA_NEW)
    return idea


def coordinators() -> list[User]:
    """The active people an administrator made coordinator (a JSON list: read in Python)."""
    users = db.session.scalars(select(User).where(User.active.is_(True))).all()
    return [user for user in users if is_coordinator(user)]


def follows(idea: Idea, user: User) -> bool:
    return db.session.get(IdeaFollower, (idea.id, user.id)) is not None


def follower_count(idea: Idea) -> int:
    return db.session.scalar(select(func.count()).select_from(IdeaFollower)
                             .where(IdeaFollower.idea_id == idea.id)) or 0


def follow(idea: Idea, user: User) -> None:
    """Follow the idea, to hear what becomes of it (again a no-op: the outcome is the same)."""
    if not follows(idea, user):
        db.session.add(IdeaFollower(idea_id=idea.id, user_id=user.id))


def unfollow(idea: Idea, user: User) -> None:
    db.session.execute(delete(IdeaFollower).where(IdeaFollower.idea_id == idea.id,
                                                  IdeaFollower.user_id == user.id))


def followers(idea_id: int) -> list[int]:
    return list(db.session.scalars(select(IdeaFollower.user_id)
                                   .where(IdeaFollower.idea_id == idea_id)))


def proposed_by(user: User) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.proposer_id == user.id)
                                   .order_by(Idea.id)))


def followed_by(user: User) -> list[int]:
    return list(db.session.scalars(select(IdeaFollower.idea_id)
                                   .where(IdeaFollower.user_id == user.id)
                                   .order_by(IdeaFollower.idea_id)))


def may_open_project(idea: Idea, user: User) -> bool:
    """Whether the reader may follow the idea into its project (a member, or an admin)."""
    return idea.project is not None and (user.is_admin or idea.project.has_member(user.id))


# --- Look-alikes ---


def similar_ideas(title: str, *, other_than: int | None = None) -> list[Idea]:
    """Ideas in the box with a title like this one, the most alike first."""
    alike = similarity.title_like(Idea.title, title)
    if alike is None:
        return []
    query = select(Idea).where(alike).order_by(Idea.id.desc()).limit(similarity.CANDIDATES)
    if other_than is not None:
        query = query.where(Idea.id != other_than)
    return [idea for idea, _score in similarity.ranked(
        title, db.session.scalars(query), lambda row: row.title)][:similarity.SHOWN]


# --- Triage: once per idea, by a coordinator ---


def running_projects() -> list[Project]:
    """The projects an idea can go into: not closed, not anonymised."""
    return list(db.session.scalars(
        select(Project).join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .where(ProjectPosition.step.is_not(None), Project.anonymised_at.is_(None))
        .order_by(Project.name, Project.id)))


def require_open(idea: Idea) -> None:
    """An idea is triaged once: its outcome was told to its proposer and followers."""
    if idea.state is not IdeaState.OPEN:
        raise WorkflowError(_("Dit idee is al beoordeeld: %(state)s.",
                              state=_(idea.state.label).lower()))


def _open_for_triage(idea: Idea, actor: User, expected_version: int) -> None:
    require_coordinator(actor)
    check_version(idea, expected_version)
    require_open(idea)


def merge_candidates(idea: Idea, alike: list[Idea]) -> list[Idea]:
    """The ideas this one may join: its look-alikes first, then the others still running."""
    others = db.session.scalars(
        select(Idea).where(Idea.id != idea.id, Idea.id.not_in([i.id for i in alike]),
                           Idea.state.in_([s for s in IdeaState if s.may_be_joined]))
        .order_by(Idea.id.desc()).limit(similarity.CANDIDATES)).all()
    return [i for i in alike if i.state.may_be_joined] + others


def project_values(idea: Idea) -> dict:
    """A new project's form filled in from the idea (and the process it names)."""
    process = idea.process
    return {"name": idea.title, "product": process.product if process else "",
            "process_type": process.process_type if process else None,
            "organisation_unit": idea.organisation_unit, "assignment": idea.description,
            "version": idea.version}


def _triaged(idea: Idea, actor: User, state: IdeaState, **values) -> None:
    audit.apply_changes(idea, {"state": state, "triaged_by_id": actor.id, **values},
                        action="idea.triage", object_type="idea", project_id=None,
                        actor=actor)
    idea.triaged_at = utcnow()


def into_project(idea: Idea, project: Project, actor: User, *, expected_version: int) -> None:
    """The idea becomes an improvement of a running project, at the source "Ideeënbus"."""
    _open_for_triage(idea, actor, expected_version)
    if project.anonymised_at is not None or project.is_finished:
        raise InvalidInput(_("Kies een lopend traject."), "project_id")
    _take_up(idea, project, actor, IdeaState.IN_PROJECT, Outcome.IDEA_IN_PROJECT)


def into_new_project(idea: Idea, actor: User, *, expected_version: int, project_values: dict,
                     creator_roles: set[Role]) -> Project:
    """A new project, with the coordinator as its project leader, that starts from the idea."""
    _open_for_triage(idea, actor, expected_version)
    project = projects.create_project(actor, creator_roles=creator_roles, **project_values)
    _take_up(idea, project, actor, IdeaState.NEW_PROJECT, Outcome.IDEA_NEW_PROJECT)
    return project


def _take_up(idea: Idea, project: Project, actor: User, state: IdeaState,
             outcome: Outcome) -> None:
    improvement = improvements.add_improvement(
        project, actor, SourceRef(SOURCES[IDEA_SOURCE], idea.id, idea.title),
        title=idea.title, description=idea.description, proposer_id=None)
    _triaged(idea, actor, state, project_id=project.id, improvement_id=improvement.id)
    leaders = [leader.id for leader in project.holders(Role.PROJECT_LEADER)]
    _tell_news(followers(idea.id) + leaders, actor, idea, outcome, project.name)


def merge(idea: Idea, into: Idea, actor: User, *, expected_version: int) -> None:
    """The idea joins a look-alike; its followers follow that one from now on."""
    _open_for_triage(idea, actor, expected_version)
    if into.id == idea.id:
        raise InvalidInput(_("Kies een ander idee dan dit."), "into_id")
    if not into.state.may_be_joined:
        raise InvalidInput(_("Dat idee is %(state)s; kies een idee dat nog loopt.",
                             state=_(into.state.label).lower()), "into_id")
    told = followers(idea.id)
    already = set(followers(into.id))
    if missing := [user_id for user_id in told if user_id not in already]:
        db.session.execute(insert(IdeaFollower), [{"idea_id": into.id, "user_id": user_id}
                                                  for user_id in missing])
    _triaged(idea, actor, IdeaState.MERGED, merged_into_id=into.id)
    _tell_news(told, actor, idea, Outcome.IDEA_MERGED, into.title, link_to=into)


def decline(idea: Idea, actor: User, *, expected_version: int, reason: str) -> None:
    _open_for_triage(idea, actor, expected_version)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Geef de reden waarom het idee niet wordt opgepakt: de indiener "
                             "leest die."), "reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Houd de reden korter dan %(limit)d tekens.", limit=REASON_MAX),
                           "reason")
    _triaged(idea, actor, IdeaState.DECLINED, reason=reason)
    _tell_news(followers(idea.id), actor, idea, Outcome.IDEA_DECLINED, reason)


def _tell_news(user_ids: list[int], actor: User, idea: Idea, outcome: Outcome, detail: str,
               *, link_to: Idea | None = None) -> None:
    """What became of the idea, on its page (or the page of the idea it joined)."""
    tell_about_idea(db.session, user_ids, actor.id, (link_to or idea).id, idea.title,
                    Kind.IDEA, outcome, detail)
