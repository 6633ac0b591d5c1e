"""Sessions: plan one, keep its report, and capture improvements and findings while it runs
(htmx adds them in place; without JavaScript the same forms reload the page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..comments import services as comments
from ..errors import refuse_into
from ..extensions import db
from ..forms import choices
from ..http import wants_partial
from ..improvements import services as improvements
from ..improvements.sources import offered_in_session
from ..models import WorkSession
from ..titles import step_title
from ..workflow import CommentSubject, Step
from . import services
from .forms import CaptureImprovementForm, FindingForm, NewSessionForm, SessionNotesForm
from .services import SESSION_KINDS

bp = Blueprint("sessions", __name__, url_prefix="/projects/<int:project_id>/sessions")


def _user():
    return current_user._get_current_object()


def _step_options() -> list[tuple[str, str]]:
    options = []
    for step in Step:
        options.append((str(int(step)), step_title(step)))
        for part in step.definition.parts:
            options.append((f"{int(step)}:{part.code}", _(part.name)))
    return options


def _new_form(access: ProjectAccess) -> NewSessionForm:
    form = NewSessionForm()
    form.setup_choices(access.project, _step_options())
    return form


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = project_access(project_id)
    if request.method == "POST":
        access.require(Action.PLAN_SESSION)
    form = _new_form(access) if access.can(Action.PLAN_SESSION) else None


    def page(shown, status: int):  # the sessions as they are after a refusal
        return render_template("sessions/index.html", access=access, project=access.project,
                               sessions=services.sessions_of(access.project), form=shown,
                               kinds=SESSION_KINDS), status


    if form is None or not form.validate_on_submit():
        return page(form, 422 if form is not None and form.is_submitted() else 200)
    refuse_into(form, page, field="attendees")
    session = services.create_session(access.project, _user(), **form.values())
    db.session.commit()
    flash(_("De sessie is aangemaakt."), "success")
    return redirect(url_for("sessions.show", project_id=project_id, session_id=session.id), 303)


def _capture_forms(access: ProjectAccess, session: WorkSession, *, submitted: bool = False):
    capture = CaptureImprovementForm() if submitted else CaptureImprovementForm(formdata=None)
    refs = offered_in_session(access.project, session.id, session.step)
    capture.source.choices = choices((f"{r.kind.key}:{r.source_id}", r.name) for r in refs)
    return capture, refs


def _render_show(access: ProjectAccess, session: WorkSession, *, status: int = 200,
                 capture=None, finding=None, notes_form=None, announce: str | None = None,
                 partial: bool = False):
    capture_form, _refs = _capture_forms(access, session) if capture is None else (capture, None)
    context = {
        "access": access, "project": access.project, "session": session,
        "improvements": services.improvements_of(session), "capture_form": capture_form,
        "finding_form": finding or FindingForm(formdata=None),
        "notes_form": notes_form or SessionNotesForm(formdata=None, obj=session),
        "kinds": SESSION_KINDS, "announce": announce,
        "finding_comments": comments.counts(access.project, CommentSubject.FINDING),
    }
    template = "sessions/_captures.html" if partial else "sessions/show.html"
    return render_template(template, **context), status


@bp.route("/<int:session_id>")
@login_required
def show(project_id: int, session_id: int):
    access = project_access(project_id)
    return _render_show(access, project_object(access, WorkSession, session_id))


def _captured(access: ProjectAccess, session: WorkSession, message: str):
    db.session.commit()
    if wants_partial():
        return _render_show(access, session, announce=message, partial=True)
    flash(message, "success")
    return redirect(url_for("sessions.show", project_id=access.project.id,
                            session_id=session.id) + "#captures", 303)


@bp.route("/<int:session_id>/improvements", methods=["POST"])
@login_required
def capture_improvement(project_id: int, session_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    session = project_object(access, WorkSession, session_id)
    form, refs = _capture_forms(access, session, submitted=True)
    if not form.validate_on_submit():
        return _render_show(access, session, status=422, capture=form, partial=wants_partial())
    source = next(r for r in refs if f"{r.kind.key}:{r.source_id}" == form.source.data)
    improvements.add_improvement(access.project, _user(), source, title=form.title.data,
                                 description="", proposer_id=_user().id, session_id=session.id)
    return _captured(access, session, _("Verbetering genoteerd: %(title)s", title=form.title.data))


@bp.route("/<int:session_id>/findings", methods=["POST"])
@login_required
def add_finding(project_id: int, session_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    session = project_object(access, WorkSession, session_id)
    form = FindingForm()
    if not form.validate_on_submit():
        return _render_show(access, session, status=422, finding=form, partial=wants_partial())
    services.add_finding(session, _user(), form.text.data)
    return _captured(access, session, _("Bevinding genoteerd."))


@bp.route("/<int:session_id>/notes", methods=["POST"])
@login_required
def notes(project_id: int, session_id: int):
    access = project_access(project_id)
    session = project_object(access, WorkSession, session_id)
    access.require(Action.EDIT_SESSION_NOTES, step=session.step)
    form = SessionNotesForm()
    if not form.validate_on_submit():
        return _render_show(access, session, status=422, notes_form=form)
    refuse_into(form, lambda shown, status: _render_show(access, session, status=status,
                                                         notes_form=shown),
                reload=lambda: SessionNotesForm(formdata=None,
                                                obj=db.session.get(WorkSession, session_id)))
    services.save_notes(session, _user(), expected_version=form.version.data,
                        notes=form.notes.data or "")
    db.session.commit()
    flash(_("Het verslag is opgeslagen."), "success")
    return redirect(url_for("sessions.show", project_id=project_id, session_id=session_id), 303)


