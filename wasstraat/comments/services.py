"""Threads of comments on an improvement, a session finding, an action or a step.

A comment may name team members with @: they are notified through their own channels. Someone
outside the team is refused, as they could not open the link. Its writer may correct a comment
for ``COMMENT_CORRECTION_MINUTES``; the project leader may remove one (a trace stays). A thread
closes with the record of its step (``workflow.COMMENT_THREADS``, the window of
``Action.COMMENT``), and a comment on an improvement that a specialist's signed review came
after is part of what was reviewed: it no longer changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput, NotAllowed, WorkflowError
from ..extensions import db
from ..models import (
    Comment,
    CommentMention,
    ImplementationItem,
    Improvement,
    Notification,
    Project,
    Review,
    SessionFinding,
    User,
    WorkSession,
    utcnow,
)
from ..notification_kinds import Kind
from ..notifications.events import announce
from ..tasks.services import task_link
from ..windows import is_open, refusal, require_open
from ..workflow import (
    COMMENT_CORRECTION_MINUTES,
    COMMENT_THREADS,
    Action,
    CommentSubject,
    Step,
)

CORRECTION = timedelta(minutes=COMMENT_CORRECTION_MINUTES)
# An "@" at the start of a word (not inside an e-mail address) and before a character; the
# name after it is matched against the team's names, whatever characters they hold.
_MENTION = re.compile(r"(?<![\w@.])@(?=\S)")


@dataclass(frozen=True)
class Subject:
    """What a thread is about: its title, the step it is shown under, and the step whose
    record closes it."""

    kind: CommentSubject
    id: int
    title: str
    step: Step
    closes_with: Step
    parent_id: int | None = None  # a finding's session


def subject_of(project: Project, kind: CommentSubject, subject_id: int) -> Subject:
    """The subject of this project, or 404: an id from another project never resolves."""
    found = _LOOKUPS[kind](project, subject_id)
    if found is None:
        raise NotFound()
    title, step, parent_id = found
    rule = COMMENT_THREADS[kind]
    return Subject(kind, subject_id, title, step, rule.closes_with or step, parent_id)


Found = tuple[str, Step, int | None] | None


def _improvement(project: Project, subject_id: int) -> Found:
    row = db.session.execute(select(Improvement.title, Improvement.step).where(
        Improvement.id == subject_id, Improvement.project_id == project.id)).first()
    return (row.title, row.step, None) if row else None


def _finding(project: Project, subject_id: int) -> Found:
    row = db.session.execute(
        select(SessionFinding.text, WorkSession.step, WorkSession.id).join(WorkSession)
        .where(SessionFinding.id == subject_id, WorkSession.project_id == project.id)).first()
    return (_shortened(row.text), row.step, row.id) if row else None


def _action(project: Project, subject_id: int) -> Found:
    title = db.session.scalar(
        select(Improvement.title).join(ImplementationItem,
                                       ImplementationItem.improvement_id == Improvement.id)
        .where(ImplementationItem.id == subject_id,
               ImplementationItem.project_id == project.id))
    return (title, Step.EXECUTION, None) if title is not None else None


def _step(_project: Project, subject_id: int) -> Found:
    if subject_id not in set(Step):
        return None
    step = Step(subject_id)
    return step.definition.name, step, None


_LOOKUPS = {CommentSubject.IMPROVEMENT: _improvement, CommentSubject.FINDING: _finding,
            CommentSubject.ACTION: _action, CommentSubject.STEP: _step}


def _shortened(text: str, length: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= length else line[:length - 1].rstrip() + "…"


def thread(project: Project, subject: Subject) -> list[Comment]:
    """The comments, oldest first, with their writers and the people they name (3 queries)."""
    return list(db.session.scalars(
        select(Comment).where(Comment.project_id == project.id,
                              Comment.subject == subject.kind,
                              Comment.subject_id == subject.id)
        .options(selectinload(Comment.author), selectinload(Comment.removed_by),
                 selectinload(Comment.mentioned))
        .order_by(Comment.created_at, Comment.id)))


def counts(project: Project, kind: CommentSubject) -> dict[int, int]:
    """How many comments (not removed) each subject of a kind has, in one query."""
    return dict(db.session.execute(
        select(Comment.subject_id, func.count()).where(
            Comment.project_id == project.id, Comment.subject == kind,
            Comment.removed_at.is_(None)).group_by(Comment.subject_id)).all())


def count(project: Project, subject: CommentSubject, subject_id: int) -> int:
    """How many comments (not removed) one subject has: the link on its own page."""
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.project_id == project.id, Comment.subject == subject,
        Comment.subject_id == subject_id, Comment.removed_at.is_(None))) or 0


def written_by(user: User) -> list[Comment]:
    """A person's own comments, for their personal data export."""
    return list(db.session.scalars(select(Comment).where(Comment.author_id == user.id)
                                   .order_by(Comment.id)))


def mentioning(user: User) -> list[Comment]:
    """The comments that name a person with @ (their erasure takes the name out)."""
    return list(db.session.scalars(select(Comment).join(CommentMention).where(
        CommentMention.user_id == user.id)))


# --- Mentions ----------------------------------------------------------------------------------

def rename_mention(comment: Comment, person: User, shown_as: str) -> None:
    """The person's @name in the comment's text becomes ``@shown_as`` (an erasure's
    pseudonym, an anonymised project's placeholder)."""
    comment.body = comment.body.replace(f"@{person.name}", f"@{shown_as}")


def mentioned_people(project: Project, body: str, chosen: list[int]) -> list[User]:
    """The team members named with @ in the text or chosen in the list. A name of someone
    outside the team, or of nobody, is refused with the reason."""
    members = {m.user_id: m.user for m in project.memberships}
    people = {}
    for user_id in chosen:
        if user_id not in members:
            raise InvalidInput(_outsider(db.session.get(User, user_id)), field="mention")
        people[user_id] = members[user_id]
    for at in _MENTION.finditer(body):
        written = body[at.end():at.end() + 200]
        person = _member_named(members.values(), written)
        if person is None:
            raise InvalidInput(_unknown(written), field="body")
        people[person.id] = person
    return sorted(people.values(), key=lambda u: u.name)


def _member_named(members, written: str) -> User | None:
    """The member whose whole name the text after @ starts with, not followed by more of a
    word (the longest such name: "Jan de Vries" before "Jan")."""
    text = written.lower()
    named = [m for m in members if text.startswith(m.name.lower())
             and not text[len(m.name):len(m.name) + 1].isalnum()]
    return max(named, key=lambda m: len(m.name), default=None)


def _unknown(written: str) -> str:
    words = written.split()[:5]
    for size in range(len(words), 0, -1):
        outsider = db.session.scalar(select(User).where(
            func.lower(User.name) == " ".join(words[:size]).lower()).limit(1))
        if outsider is not None:
            return _outsider(outsider)
    return _("Niemand in het team heet \u201c%(name)s\u201d. Kies wie u wilt noemen uit de "
             "lijst van teamleden.", name=written.split()[0])


def _outsider(person: User | None) -> str:
    if person is None:
        return _("Kies wie u wilt noemen uit de lijst van teamleden.")
    return _("%(name)s is geen lid van dit traject en kan de reactie niet openen. Noem alleen "
             "teamleden; vraag de projectleider iemand aan het team toe te voegen.",
             name=person.name)


# --- Writing, correcting, removing ------------------------------------------------------------

def add(project: Project, subject: Subject, actor: User, body: str,
        chosen: list[int]) -> Comment:
    require_open(project, Action.COMMENT, subject.closes_with)
    body = body.strip()
    people = mentioned_people(project, body, chosen)
    comment = Comment(project_id=project.id, subject=subject.kind, subject_id=subject.id,
                      author_id=actor.id, body=body, mentioned=people)
    db.session.add(comment)
    db.session.flush()
    audit.record("comment.create", "comment", comment.id, project.id, actor=actor,
                 after=_audited(comment))
    _tell(comment, subject, actor, people)
    return comment


def correct(comment: Comment, project: Project, subject: Subject, actor: User, *,
            body: str, chosen: list[int], expected_version: int, now: datetime) -> None:
    if comment.author_id != actor.id:
        raise NotAllowed(_("Alleen wie een reactie schreef, kan haar verbeteren."))
    _require_changeable(comment, project, subject, now)
    check_version(comment, expected_version)
    before = _audited(comment)
    earlier = {u.id for u in comment.mentioned}
    people = mentioned_people(project, body.strip(), chosen)
    comment.body, comment.mentioned, comment.edited_at = body.strip(), people, utcnow()
    db.session.flush()
    audit.record("comment.update", "comment", comment.id, project.id, actor=actor,
                 before=before, after=_audited(comment))
    _tell(comment, subject, actor, [p for p in people if p.id not in earlier])


def remove(comment: Comment, project: Project, subject: Subject, actor: User, *,
           moderator: bool, now: datetime) -> None:
    """Its writer within the correction time, the project leader at any time while the
    thread is open; the row stays with who removed it."""
    if comment.author_id != actor.id and not moderator:
        raise NotAllowed(_("Alleen wie een reactie schreef, of de projectleider, kan haar "
                           "verwijderen."))
    _require_changeable(comment, project, subject, None if moderator else now)
    before = _audited(comment)
    comment.body, comment.removed_at, comment.removed_by_id = "", utcnow(), actor.id
    db.session.flush()
    audit.record("comment.delete", "comment", comment.id, project.id, actor=actor,
                 before=before)


def changeable(comments: list[Comment], project: Project, subject: Subject, actor: User, *,
               moderator: bool, now: datetime) -> tuple[set[int], set[int]]:
    """Which comments this person may correct, and which remove, now (for the page's links;
    the services refuse the rest)."""
    correctable, removable = set(), set()
    signed = fixed_by_review(project, subject)
    for comment in comments:
        own = comment.author_id == actor.id
        if own and _refusal(comment, project, subject, now, signed) is None:
            correctable.add(comment.id)
            removable.add(comment.id)
        if moderator and _refusal(comment, project, subject, None, signed) is None:
            removable.add(comment.id)
    return correctable, removable


def correctable_until(comment: Comment) -> datetime:
    return comment.created_at + CORRECTION


def fixed_by_review(project: Project, subject: Subject) -> datetime | None:
    """The first signing of a review of the plan after which an improvement's comments no
    longer change (None: not signed, or the subject's comments are not reviewed)."""
    if not COMMENT_THREADS[subject.kind].fixed_by_signing:
        return None
    return db.session.scalar(select(func.min(Review.signed_at)).where(
        Review.project_id == project.id, Review.signed_at.is_not(None)))


def _require_changeable(comment: Comment, project: Project, subject: Subject,
                        now: datetime | None) -> None:
    why = _refusal(comment, project, subject, now, fixed_by_review(project, subject))
    if why is not None:
        raise WorkflowError(why)


def _refusal(comment: Comment, project: Project, subject: Subject, now: datetime | None,
             signed: datetime | None) -> str | None:
    """Why this comment cannot change now (None: it can): ``now`` None for the moderator,
    who has no time limit; ``signed`` the review's signing that fixed it, if any."""
    if comment.is_removed:
        return _("Deze reactie is al verwijderd.")
    if not is_open(project, Action.COMMENT, subject.closes_with):
        return refusal(Action.COMMENT)
    if signed is not None and comment.created_at <= signed:
        return _("Een specialist heeft het plan getoetst na deze reactie; ze hoort bij wat "
                 "getoetst is en blijft zoals ze is.")
    if now is not None and now > correctable_until(comment):
        return _("Een reactie kunt u tot %(minutes)d minuten na het schrijven verbeteren of "
                 "verwijderen; daarna blijft ze zoals ze is. Schrijf zo nodig een nieuwe "
                 "reactie.",
                 minutes=COMMENT_CORRECTION_MINUTES)
    return None


def _audited(comment: Comment) -> dict:
    return {"subject": comment.subject.value, "subject_id": comment.subject_id,
            "body": comment.body, "mentioned": [u.id for u in comment.mentioned]}


def _tell(comment: Comment, subject: Subject, actor: User, people: list[User]) -> None:
    link = task_link(f"comments.{subject.kind.value}", subject_id=subject.id)
    for person in people:
        if person.id != actor.id:
            announce(db.session, Notification(
                user_id=person.id, project_id=comment.project_id, kind=Kind.MENTION,
                step=int(subject.step), title=subject.title[:200], detail=actor.name,
                link=link))


def marked_up(body: str, mentioned: list[User]) -> Markup:
    """A comment as the page shows it: its text escaped, its line breaks kept, and the
    people it named with @ marked."""
    html = str(escape(body))
    for person in sorted(mentioned, key=lambda u: -len(u.name)):
        name = str(escape(person.name))
        html = html.replace("@" + name, f'<span class="mention">@{name}</span>')
    return Markup(html.replace("\n", "<br>\n"))  # noqa: S704  # nosec B704 (escaped above)
