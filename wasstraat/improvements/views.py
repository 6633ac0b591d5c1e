"""Improvements: add one where it arose, see them all with their source, spot look-alikes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..comments import services as comments
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import Improvement
from ..navigation import confirm_deletion, int_arg
from ..workflow import CommentSubject, Step
from . import services
from .forms import EditImprovementForm, NewImprovementForm
from .sources import SOURCES, describe, resolve

bp = Blueprint("improvements", __name__, url_prefix="/projects/<int:project_id>/improvements")


def _user():
    return current_user._get_current_object()


def _improvement(access: ProjectAccess, improvement_id: int) -> Improvement:
    return project_object(access, Improvement, improvement_id)


@bp.route("")
@login_required
def index(project_id: int):
    access = project_access(project_id)
    source_type = request.args.get("source") if request.args.get("source") in SOURCES else None
    step = request.args.get("step", type=int)  # a filter: anything else shows everything
    step = step if step in {int(s) for s in Step} else None
    rows = services.improvements_of(access.project, source_type=source_type, step=step)
    return render_template("improvements/index.html", access=access, project=access.project,
                           improvements=rows, sources=describe(access.project, rows),
                           kinds=SOURCES, chosen_source=source_type, chosen_step=step,
                           frozen=services.frozen_in_versions(project_id),
                           comment_counts=comments.counts(access.project,
                                                          CommentSubject.IMPROVEMENT))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(project_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    form = NewImprovementForm()
    form.setup_choices(access.project)
    if request.method == "GET":
        form.proposer_id.data = _user().id
    source = resolve(access.project, request.args.get("source"),
                     int_arg("source_id"))
    if source is None:
        abort(404)  # improvements are added from an existing source in this project
    page = _form_page(access, source, None)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="proposer_id")
    services.add_improvement(access.project, _user(), source, **form.values())
    db.session.commit()
    flash(_("De verbetering is toegevoegd."), "success")
    return redirect(source.url(access.project), 303)


def _form_page(access, source, improvement):
    return form_page("improvements/form.html", access=access, project=access.project,
                     source=source, improvement=improvement)


@bp.route("/similar")
@login_required
def similar(project_id: int):
    access = project_access(project_id)
    title = (request.args.get("title") or "")[:200]
    matches = services.similar_to(title, access.project, _user()) if len(title) >= 4 else []
    return render_template("improvements/_similar.html", project=access.project,
                           matches=matches)


@bp.route("/<int:improvement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, improvement_id: int):
    access = project_access(project_id)
    improvement = _improvement(access, improvement_id)
    access.require(Action.EDIT_IMPROVEMENT, improvement=improvement)
    form = EditImprovementForm(obj=improvement)
    form.setup_choices(access.project)
    page = _form_page(access, describe(access.project, [improvement]).get(improvement.id),
                      improvement)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _fresh_form(project_id, improvement_id))
    services.update_improvement(improvement, access.project, _user(),
                                expected_version=form.version.data, values=form.values())
    db.session.commit()
    flash(_("De verbetering is opgeslagen."), "success")
    return redirect(url_for("improvements.index", project_id=project_id), 303)


def _fresh_form(project_id: int, improvement_id: int) -> EditImprovementForm:
    """The improvement as stored now, for a refused save."""
    access = project_access(project_id)
    form = EditImprovementForm(formdata=None, obj=_improvement(access, improvement_id))
    form.setup_choices(access.project)
    return form


@bp.route("/<int:improvement_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, improvement_id: int):
    access = project_access(project_id)
    improvement = _improvement(access, improvement_id)
    access.require(Action.EDIT_IMPROVEMENT, improvement=improvement)
    if request.method == "GET":
        return confirm_deletion(access.project, improvement.title,
                                url_for("improvements.index", project_id=project_id),
                                refusal=" ".join(services.deletion_blockers(improvement)))
    services.delete_improvement(improvement, _user())  # a refusal: the error page, a 409
    db.session.commit()
    flash(_("De verbetering is verwijderd."), "success")
    return redirect(url_for("improvements.index", project_id=project_id), 303)
