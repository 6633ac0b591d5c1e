"""Every consequence of a commit, in one place and in the order it happens.

Services change rows and ``flush()``; views commit. What a commit sets off is registered here,
on SQLAlchemy's ``Session`` class (so every session: requests, the CLI, the workers), in the
order below. A listener of one event runs in the order of ``HOOKS``.

**Before each flush**
  1. ``audit.link_new_events``: the new audit rows get their place in the hash chain (taking
     the chain's lock until commit). First, so that every row this flush writes is linked.
  2. ``notifications.events.tell_new_assignees``: a task that got a person, a review the
     team answered, an improvement decided or carried out (to its proposer) and a rejection
     overruled (to its specialist) become notifications; each that is to be e-mailed marks
     the session "mail due". They add rows, so they run before the flush writes them.
  2b. ``zaken.note_moments``: a moment of a project that the zaaksysteem follows (a project
     started, a step closed, a plan approved; ``workflow.ZAAK_MOMENTS``) writes its parts for
     Open Zaak, in the same transaction, and marks the session "zaak sends due".

**After each flush**
  3. ``guidance.note_touched_projects``: which projects (and memberships) the flush touched,
     remembered for the task sync at commit.
  4. ``positions.follow_step_states``: a project whose step states changed gets its read
     model (current step, since when) refreshed, in the same transaction.
  5. ``notifications.events.handle_finished_work``: the notifications of a task that closed
     are handled (out of the unread count, out of the digest); of one that opened again,
     not. After the flush, since a task's closing is only known once the sync wrote it.
  6. ``revisions.follow_writes``: the revision counters of the projects (and of the
     organisation) whose rows the flush wrote go up by one, so no cached section made from
     their older state is served again (fragments.py). Last, so the rows the hooks above
     wrote count too.

**On a statement that writes many rows at once** (no flush): ``revisions.follow_statements``
raises the organisation's counter.

**Before commit** (the real one; a savepoint's commit does nothing here)
  7. ``guidance.sync_touched_projects``: the tasks of every touched project are brought in line
     with the rules (done, open again, ended with the step, handed to the role's holders). It
     flushes, so 1 to 6 run again for what the sync changed: its audit row is chained, a task
     it hands to someone notifies them, a step state it touched moves the project's position.
     That is why the sync is the last thing before the commit, and the only one here.

**After commit**
  8. ``audit.write_checkpoint``: the chain's new head goes to the log and the checkpoint file,
     now that it is durable.
  9. ``guidance.forget_touched``: the touched projects are forgotten.
 10. ``deliver_after_the_request``: "mail due" becomes a mark on the request; the request's
     last hook (registered by :func:`register_request_hooks`) has the e-mails sent, in the
     process or by a worker (``jobs.after_commit_delivery``), once the response is made. Only
     committed notifications are ever delivered.
 10b. ``send_to_zaaksysteem_after_the_request``: likewise, "zaak sends due" has the request's
     last hook send the committed parts to Open Zaak (a worker, or a thread of this process).

**After commit and after rollback**, last: ``revisions.forget_writes``: the transaction that
wrote is over, so what the next one reads may be cached again.

**After rollback**: the hooks forget what 1, 3 and 2 remembered (the chain's pending rows, the
touched projects, "mail due", "zaak sends due"), so the next transaction starts clean.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import audit, guidance, jobs, positions, revisions
from .notifications import events as notifications
from .zaken import registration as zaken

MAIL_DUE = notifications.MAIL_DUE


def deliver_after_the_request(session: Session) -> None:
    if session.info.pop(MAIL_DUE, False) and has_request_context():
        g.mail_due = True


def nothing_to_deliver(session: Session) -> None:
    session.info.pop(MAIL_DUE, None)


def send_to_zaaksysteem_after_the_request(session: Session) -> None:
    projects = zaken.sends_due(session)
    if projects and has_request_context():
        g.zaak_sends = g.get("zaak_sends", set()) | projects


HOOKS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("before_flush", audit.link_new_events),
    ("before_flush", notifications.tell_new_assignees),
    ("before_flush", zaken.note_moments),
    ("after_flush", guidance.note_touched_projects),
    ("after_flush", positions.follow_step_states),
    ("after_flush", notifications.handle_finished_work),
    ("after_flush", revisions.follow_writes),
    ("do_orm_execute", revisions.follow_statements),
    ("before_commit", guidance.sync_touched_projects),
    ("after_commit", audit.write_checkpoint),
    ("after_commit", guidance.forget_touched),
    ("after_commit", deliver_after_the_request),
    ("after_commit", send_to_zaaksysteem_after_the_request),
    ("after_commit", revisions.forget_writes),
    ("after_rollback", audit.forget_pending),
    ("after_rollback", guidance.forget_touched),
    ("after_rollback", nothing_to_deliver),
    ("after_rollback", zaken.forget_sends),
    ("after_rollback", revisions.forget_writes),
)


def register() -> None:
    """Register the hooks once per process, in the order of ``HOOKS``."""
    for name, hook in HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def register_request_hooks(app: Flask) -> None:
    @app.after_request
    def _deliver_mail(response: Response) -> Response:
        """The request that made notifications has their e-mails sent once its work is
        committed: here (the embedded default) or by a worker (jobs.py)."""
        if g.pop("mail_due", False):
            jobs.after_commit_delivery()
        if projects := g.pop("zaak_sends", None):
            jobs.send_zaak_parts(projects)
        return response
