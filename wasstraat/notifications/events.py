"""Notifications follow the tasks: whenever an open task gets a person (created for them, a
step opening, a reassignment, the team changing), that person gets a message. One session
hook (registered in ``unit_of_work``) instead of a call in every service that makes or
assigns tasks, so no path forgets it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from ..models import (
    Benefit,
    IdeaFollower,
    ImplementationItem,
    Improvement,
    Notification,
    ProcessSuggestion,
    Project,
    Review,
    ReviewFinding,
    ReviewOverride,
    ReviewResponse,
    Task,
    utcnow,
)
from ..notification_kinds import Kind, MailState, Outcome, kind_of
from ..tasks.services import task_link
from ..workflow import (
    IDEA_SOURCE,
    N_,
    REVIEW_DOMAIN_BY_KEY,
    ActionStatus,
    Decision,
    Role,
    Step,
)

# The session's mark that this transaction made notifications to e-mail (unit_of_work hands
# it on to the request, which has them delivered after the commit).
MAIL_DUE = "mail_due"


def _acting_user_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def _newly_assigned(session: Session) -> list[Task]:
    """Open tasks that got a person in this flush: new ones, and changed assignees."""
    tasks = [t for t in session.new if isinstance(t, Task)]
    for task in session.dirty:
        if isinstance(task, Task) and inspect(task).attrs.assignee_id.history.added:
            tasks.append(task)
    return [t for t in tasks if t.assignee_id is not None and t.done_at is None]


def tell_new_assignees(session: Session, _context: Any, _instances: Any) -> None:
    actor = _acting_user_id()
    for task in _newly_assigned(session):
        # Whoever gives themselves a task, or creates it for themselves, needs no message.
        if task.assignee_id in (actor, task.created_by_id if task.id is None else None):
            continue
        _add(session, Notification(user_id=task.assignee_id, project_id=task.project_id,
                                   task=task, kind=kind_of(task.origin), step=task.step,
                                   title=task.title[:200]))
    for response in [r for r in session.new if isinstance(r, ReviewResponse)]:
        _tell_the_reviewer(session, response)
    _tell_what_became_of_the_work(session, actor)


# An improvement's decision that its proposer hears about, and in which step it is taken.
DECIDED = {Decision.IN_PLAN: Outcome.IN_PLAN, Decision.NOT_PURSUED: Outcome.NOT_PURSUED,
           Decision.MERGED: Outcome.MERGED}


def _tell_what_became_of_the_work(session: Session, actor: int | None) -> None:
    """The proposer of an improvement hears how it was decided (with the reason when it is
    not taken up) and that it was carried out; the specialist whose "niet akkoord" the
    process owner overruled hears it, with the motivation. Nobody hears of their own act."""
    for row in session.dirty:
        if isinstance(row, Improvement) and (added := _changed_to(row, "decision")):
            outcome = DECIDED.get(added)
            if outcome is not None:
                _tell_proposer(session, row, outcome, actor, Step.IMPROVEMENT_PLAN,
                               task_link("plans.entry", improvement_id=row.id),
                               row.decision_reason if outcome is Outcome.NOT_PURSUED else "")
                _tell_idea_followers(session, row, IDEA_DECIDED.get(added), actor)
        elif isinstance(row, ImplementationItem) and \
                _changed_to(row, "status") is ActionStatus.DONE:
            with session.no_autoflush:
                improvement = session.get(Improvement, row.improvement_id)
            _tell_proposer(session, improvement, Outcome.DONE, actor, Step.EXECUTION,
                           task_link("implementation.action", item_id=row.id))
            _tell_idea_followers(session, improvement, Outcome.IDEA_DONE, actor)
        elif isinstance(row, Benefit) and _changed_to(row, "actual") is not None:
            with session.no_autoflush:
                improvement = session.get(Improvement, row.improvement_id)
            _tell_proposer(session, improvement, Outcome.MEASURED, actor, Step.EXECUTION,
                           task_link("benefits.index", improvement_id=row.improvement_id),
                           row.kind.label)
    for decision in [o for o in session.new if isinstance(o, ReviewOverride)]:
        _tell_the_overruled(session, decision, actor)
    for suggestion in [o for o in session.new if isinstance(o, ProcessSuggestion)]:
        _tell_the_process_owners(session, suggestion)


# What the followers of an idea from the idea box hear when its project decides on it.
IDEA_DECIDED = {Decision.IN_PLAN: Outcome.IDEA_IN_PLAN,
                Decision.NOT_PURSUED: Outcome.IDEA_NOT_PURSUED}


def _tell_idea_followers(session: Session, improvement: Improvement, outcome: Outcome | None,
                         actor: int | None) -> None:
    """An improvement that came from the idea box: what its project made of it reaches the
    idea's proposer and followers, on the idea's page (they need not be in the project)."""
    if outcome is None or improvement.source_type != IDEA_SOURCE:
        return
    with session.no_autoflush:
        project = session.get(Project, improvement.project_id)
        following = session.scalars(select(IdeaFollower.user_id).where(
            IdeaFollower.idea_id == improvement.source_id)).all()
    tell_about_idea(session, following, actor, improvement.source_id, improvement.title,
                    Kind.IDEA, outcome, project.name)


def tell_about_idea(session: Session, user_ids, actor: int | None, idea_id: int, title: str,
                    kind: Kind, outcome: Outcome | None = None, detail: str = "") -> None:
    """News of the idea box, to each person once but not to whoever did it. It belongs to no
    project (the inbox says "Ideeënbus") and leads to the idea's page."""
    for user_id in dict.fromkeys(user_ids):
        if user_id != actor:
            _add(session, Notification(
                user_id=user_id, project_id=None, kind=kind, outcome=outcome,
                title=title[:200], detail=detail, link=task_link("ideas.show", idea_id=idea_id)))


def _tell_the_process_owners(session: Session, suggestion: ProcessSuggestion) -> None:
    """A colleague's suggestion on a described process reaches its process owners."""
    with session.no_autoflush:
        project = session.get(Project, suggestion.project_id)
        owners = project.holders(Role.PROCESS_OWNER)
    for owner in owners:
        if owner.id != suggestion.author_id:
            _add(session, Notification(user_id=owner.id, project_id=project.id,
                                       kind=Kind.SUGGESTION, title=project.product[:200],
                                       detail=suggestion.text,
                                       link=task_link("library.show")))


def _changed_to(row: Any, attribute: str) -> Any:
    added = inspect(row).attrs[attribute].history.added
    return added[0] if added else None


def _tell_proposer(session: Session, improvement: Improvement, outcome: Outcome,
                   actor: int | None, step: Step, link: str, detail: str = "") -> None:
    if improvement.proposer_id is None or improvement.proposer_id == actor:
        return
    _add(session, Notification(user_id=improvement.proposer_id,
                               project_id=improvement.project_id, kind=Kind.OUTCOME,
                               outcome=outcome, step=int(step), title=improvement.title[:200],
                               detail=detail.strip(), link=link))


def _tell_the_overruled(session: Session, decision: ReviewOverride, actor: int | None) -> None:
    with session.no_autoflush:
        review = session.get(Review, decision.review_id)
    if review.signed_by_id is None or review.signed_by_id == actor:
        return
    _add(session, Notification(user_id=review.signed_by_id, project_id=review.project_id,
                               kind=Kind.OUTCOME, outcome=Outcome.OVERRULED,
                               step=int(Step.ADJUST),
                               title=REVIEW_DOMAIN_BY_KEY[review.domain].label,
                               detail=decision.motivation,
                               link=task_link("reviews.show", review_id=review.id)))


def handle_finished_work(session: Session, _context: Any) -> None:
    """A task that closed in this flush (done, ended with its step, ended by hand) makes its
    notifications handled: the badge counts only what still needs the person, and a digest
    does not carry finished work. A task that opens again makes them count again."""
    closed, reopened = [], []
    for task in session.dirty:
        if isinstance(task, Task) and inspect(task).attrs.done_at.history.added:
            (reopened if task.done_at is None else closed).append(task.id)
    if not (closed or reopened):
        return
    connection = session.connection()
    if closed:
        connection.execute(update(Notification).where(
            Notification.task_id.in_(closed), Notification.handled_at.is_(None))
            .values(handled_at=utcnow()))
        connection.execute(update(Notification).where(
            Notification.task_id.in_(closed), Notification.mail_state == MailState.DIGEST)
            .values(mail_state=MailState.NONE))
    if reopened:
        connection.execute(update(Notification).where(Notification.task_id.in_(reopened))
                           .values(handled_at=None))


def _tell_the_reviewer(session: Session, response: ReviewResponse) -> None:
    """The specialist who signed a review hears that the team answered a finding of theirs
    (or their conditions): the answer is on the review's page. A review recorded without
    the account that signed it (older data) tells no one."""
    with session.no_autoflush:
        review = session.get(Review, response.review_id)
        if review.signed_by_id is None:
            return
        title = N_("de voorwaarden")
        if response.subject.startswith("finding:"):
            finding = session.get(ReviewFinding, int(response.subject.split(":", 1)[1]))
            title = finding.improvement_title if finding else title
    _add(session, Notification(user_id=review.signed_by_id, project_id=response.project_id,
                               kind=Kind.ANSWER, step=int(Step.ADJUST), title=title[:200],
                               link=task_link("reviews.show", review_id=review.id)))


def announce(session: Session, notification: Notification) -> None:
    """A notification a service makes itself (a mention in a comment): delivered as the
    person's channel for its kind says, like those this module makes."""
    _add(session, notification)


def _add(session: Session, notification: Notification) -> None:
    notification.mail_state = _mail_state()
    session.add(notification)
    if notification.mail_state is MailState.PENDING:
        session.info[MAIL_DUE] = True


def _mail_state() -> MailState:
    enabled = has_app_context() and current_app.config["MAIL_ENABLED"]
    return MailState.PENDING if enabled else MailState.NONE
