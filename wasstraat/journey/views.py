"""Step 4: record the customer journey and draw its experience curve."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_above, refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import InterviewLog, JourneyPhase
from ..navigation import confirm_deletion
from ..workflow import EXPERIENCE_SCORES, JOURNEY_SOURCES
from . import curve, services
from .forms import EditPhaseForm, InterviewForm, NewPhaseForm, SourceForm

bp = Blueprint("journey", __name__, url_prefix="/projects/<int:project_id>/journey")


def _user():
    return current_user._get_current_object()


def _render(access: ProjectAccess, *, status: int = 200, error: str | None = None,
            source_form=None, phase_form=None, interview_form=None):
    project = access.project
    journey = services.journey_of(project)
    phases = services.phases_of(project)
    if source_form is None:
        source_form = SourceForm(formdata=None, obj=journey)
    return render_template(
        "journey/index.html", access=access, project=project, journey=journey, phases=phases,
        curve=curve.build(phases), interviews=services.interviews_of(project),
        sources={v.key: v for v in JOURNEY_SOURCES}, scores=EXPERIENCE_SCORES,
        source_form=source_form, phase_form=phase_form or NewPhaseForm(formdata=None),
        interview_form=interview_form or InterviewForm(formdata=None), error=error,
    ), status


def _done(project_id: int, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("journey.index", project_id=project_id) + anchor, 303)


def _refuse_on(project_id: int, field: str | None = None, **forms) -> None:
    """A refusal shows the journey again with the reason on top."""
    refuse_above(lambda **shown: _render(project_access(project_id), **shown), field=field,
                 **forms)


@bp.route("")
@login_required
def index(project_id: int):
    return _render(project_access(project_id))


@bp.route("/source", methods=["POST"])
@login_required
def source(project_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    form = SourceForm()
    if not form.validate_on_submit():
        return _render(access, status=422, source_form=form)
    _refuse_on(project_id, source_form=form)
    services.save_source(access.project, _user(), expected_version=form.version.data,
                         values=form.values())
    return _done(project_id, _("De bron van de klantreis is opgeslagen."), "#source-heading")


@bp.route("/phases", methods=["POST"])
@login_required
def add_phase(project_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    form = NewPhaseForm()
    if not form.validate_on_submit():
        return _render(access, status=422, phase_form=form)
    _refuse_on(project_id, phase_form=form)
    services.add_phase(access.project, _user(), form.values())
    return _done(project_id, _("De fase is toegevoegd."), "#phases-heading")


def _phase(access: ProjectAccess, phase_id: int) -> JourneyPhase:
    return project_object(access, JourneyPhase, phase_id)


@bp.route("/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@login_required
def edit_phase(project_id: int, phase_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    phase = _phase(access, phase_id)
    form = EditPhaseForm(obj=phase)
    page = form_page("journey/edit_phase.html", access=access, project=access.project,
                     phase=phase)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: EditPhaseForm(
        formdata=None, obj=_phase(project_access(project_id), phase_id)))
    services.update_phase(phase, access.project, _user(), expected_version=form.version.data,
                          values=form.values())
    db.session.commit()
    flash(_("De fase is opgeslagen."), "success")
    return redirect(url_for("journey.index", project_id=project_id) + f"#phase-{phase_id}", 303)


@bp.route("/phases/<int:phase_id>/delete", methods=["GET", "POST"])
@login_required
def delete_phase(project_id: int, phase_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    phase = _phase(access, phase_id)
    if request.method == "GET":
        return confirm_deletion(access.project, phase.name,
                                url_for("journey.index", project_id=project_id))
    _refuse_on(project_id)
    services.delete_phase(phase, access.project, _user())
    return _done(project_id, _("De fase is verwijderd."), "#phases-heading")


@bp.route("/interviews", methods=["POST"])
@login_required
def interviews(project_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    form = InterviewForm()
    if not form.validate_on_submit():
        return _render(access, status=422, interview_form=form)
    _refuse_on(project_id, field="held_on", interview_form=form)
    services.log_interviews(access.project, _user(), held_on=form.held_on.data,
                            count=form.count.data, resident_type=form.resident_type.data)
    return _done(project_id, _("De interviews zijn vastgelegd."), "#interviews-heading")


@bp.route("/interviews/<int:log_id>/delete", methods=["GET", "POST"])
@login_required
def delete_interviews(project_id: int, log_id: int):
    access = project_access(project_id, need=Action.EDIT_JOURNEY)
    row = db.session.scalar(select(InterviewLog).where(
        InterviewLog.id == log_id, InterviewLog.project_id == project_id))
    if row is None:
        abort(404)
    if request.method == "GET":
        return confirm_deletion(
            access.project, _("interviews van %(date)s", date=format_date(row.held_on, "long")),
            url_for("journey.index", project_id=project_id))
    _refuse_on(project_id)
    services.delete_interviews(row, access.project, _user())
    return _done(project_id, _("De regel is verwijderd."), "#interviews-heading")

