"""Each person's inbox: reading it a page at a time, the unread count, marking read."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext, ngettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Notification, User, utcnow
from ..paging import Window, window
from ..tasks.services import link_url, stored_link_url

PER_PAGE = 25


def unread_count(user: User) -> int:
    """What still needs the person: not read, and its work not finished meanwhile."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.handled_at.is_(None))) or 0


def inbox(user: User, asked_page: int) -> tuple[list[Notification], Window]:
    """One page of the person's messages, newest first (two queries)."""
    total = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id)) or 0
    shown = window(total, asked_page, PER_PAGE)
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .options(joinedload(Notification.project), joinedload(Notification.task))
        .order_by(Notification.id.desc()).limit(PER_PAGE).offset(shown.offset)).all()
    return list(rows), shown


def sentence(notification: Notification) -> str:
    """What the message says, in the reader's language: the step and what to do."""
    step = notification.step
    where = (gettext("Stap %(number)d (%(name)s)", number=step.value,
                     name=gettext(step.definition.name)) if step else gettext("Het traject"))
    special = notification.reminder or notification.outcome
    message = special.message if special else notification.kind.message
    days = notification.days or 0
    return gettext(message) % {"step": where, "title": gettext(notification.title),
                               "days": ngettext("%(num)d dag", "%(num)d dagen", days),
                               "detail": notification.detail}


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    return db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None),
                                   Notification.handled_at.is_(None))
        .values(read_at=utcnow())).rowcount


def target(notification: Notification) -> str:
    """Where the work is, as the task links to it: its own page of work, else the task on its
    step's page; the project when the task is gone."""
    task = notification.task
    if notification.project_id is None:  # news of the idea box
        return stored_link_url(notification.link, None) or url_for("ideas.index")
    if notification.link:
        return (stored_link_url(notification.link, notification.project_id)
                or url_for("projects.show", project_id=notification.project_id))
    if task is None:
        return url_for("projects.show", project_id=notification.project_id)
    return link_url(task) or url_for("steps.show", project_id=task.project_id,
                                     number=task.step) + f"#task-{task.id}"
