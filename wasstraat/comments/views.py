"""A thread of comments per improvement, session finding, action and step; correcting and
removing a comment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_into, refuse_with_flash
from ..extensions import db
from ..forms import form_page, show_form
from ..http import wants_partial
from ..models import Comment, utcnow
from ..navigation import confirm_deletion
from ..workflow import COMMENT_THREADS, CommentSubject
from . import services
from .forms import CommentForm, EditCommentForm

bp = Blueprint("comments", __name__, url_prefix="/projects/<int:project_id>")


def _user():
    return current_user._get_current_object()


def subject_url(project_id: int, subject: services.Subject) -> str:
    """The page of what the thread is about."""
    if subject.kind is CommentSubject.IMPROVEMENT:
        return url_for("improvements.index", project_id=project_id,
                       _anchor=f"improvement-{subject.id}")
    if subject.kind is CommentSubject.FINDING:
        return url_for("sessions.show", project_id=project_id, session_id=subject.parent_id,
                       _anchor=f"finding-{subject.id}")
    if subject.kind is CommentSubject.ACTION:
        return url_for("implementation.action", project_id=project_id, item_id=subject.id)
    return url_for("steps.show", project_id=project_id, number=subject.id)


def thread_url(project_id: int, subject: services.Subject, anchor: str = "") -> str:
    return url_for(f"comments.{subject.kind.value}", project_id=project_id,
                   subject_id=subject.id, _anchor=anchor or None)


def _form(access: ProjectAccess, form_class=CommentForm, formdata=True, **kwargs):
    form = form_class(**kwargs) if formdata else form_class(formdata=None, **kwargs)
    form.setup_choices(access.project, access.user.id)
    return form


def _render(access: ProjectAccess, subject: services.Subject, form=None, status: int = 200):
    comments = services.thread(access.project, subject)
    correctable, removable = services.changeable(
        comments, access.project, subject, access.user,
        moderator=access.can(Action.MODERATE_COMMENTS, subject.closes_with), now=utcnow())
    template = "comments/_thread.html" if wants_partial() else "comments/thread.html"
    return render_template(
        template, access=access, project=access.project, subject=subject, comments=comments,
        correctable=correctable, removable=removable, form=form or _form(access, formdata=False),
        subject_url=subject_url(access.project.id, subject),
        thread_url=thread_url(access.project.id, subject),
        may_comment=access.can(Action.COMMENT, subject.closes_with)), status


def thread(project_id: int, subject_id: int, kind: str):
    access = project_access(project_id)
    subject = services.subject_of(access.project, CommentSubject(kind), subject_id)
    if request.method == "GET":
        return _render(access, subject)
    access.require(Action.COMMENT)
    form = _form(access)
    if not form.validate_on_submit():
        return _render(access, subject, form, 422)
    refuse_into(form, lambda shown, status: _render(project_access(project_id), subject,
                                                    shown, status))
    comment = services.add(access.project, subject, _user(), form.body.data, form.chosen)
    db.session.commit()
    if wants_partial():
        return _render(project_access(project_id), subject)
    flash(_("Uw reactie is geplaatst."), "success")
    return redirect(thread_url(project_id, subject, f"comment-{comment.id}"), 303)


for _kind, _rule in COMMENT_THREADS.items():
    bp.add_url_rule(f"/{_rule.path}/<int:subject_id>/comments", endpoint=_kind.value,
                    view_func=login_required(thread), methods=["GET", "POST"],
                    defaults={"kind": _kind.value})


def _comment(project_id: int, *, moderated: bool = False):
    """The comment, its access and subject; 403 unless the person wrote it (or, for a
    removal, may moderate the thread)."""
    access = project_access(project_id, need=Action.COMMENT)
    comment = project_object(access, Comment, request.view_args["comment_id"])
    if comment.author_id != access.user.id and not (
            moderated and access.permits(Action.MODERATE_COMMENTS)):
        abort(403)
    return access, comment, services.subject_of(access.project, comment.subject,
                                                comment.subject_id)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, comment_id: int):
    access, comment, subject = _comment(project_id)
    form = _form(access, EditCommentForm, formdata=request.method == "POST", obj=comment,
                 data={"mention": [u.id for u in comment.mentioned]})
    page = form_page("comments/edit.html", access=access, project=access.project,
                     subject=subject, comment=comment, thread_url=thread_url(project_id, subject),
                     correctable_until=services.correctable_until(comment))
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    services.correct(comment, access.project, subject, _user(), body=form.body.data,
                     chosen=form.chosen, expected_version=form.version.data, now=utcnow())
    db.session.commit()
    flash(_("Uw reactie is verbeterd."), "success")
    return redirect(thread_url(project_id, subject, f"comment-{comment.id}"), 303)


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, comment_id: int):
    access, comment, subject = _comment(project_id, moderated=True)
    if request.method == "GET":
        return confirm_deletion(access.project, _("de reactie van %(moment)s",
                                                  moment=format_datetime(comment.created_at,
                                                                         "short")),
                                thread_url(project_id, subject),
                                _("De tekst verdwijnt; er blijft staan wie de reactie "
                                  "verwijderde."))
    refuse_with_flash(lambda status: _render(project_access(project_id), subject,
                                             status=status))
    services.remove(comment, access.project, subject, _user(), now=utcnow(),
                    moderator=access.can(Action.MODERATE_COMMENTS, subject.closes_with))
    db.session.commit()
    flash(_("De reactie is verwijderd."), "success")
    return redirect(thread_url(project_id, subject), 303)
