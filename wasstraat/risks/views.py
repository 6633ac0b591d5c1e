"""The plan's risk register: the list, adding a risk, changing and removing one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_above, refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import PlanRisk
from ..navigation import confirm_deletion
from ..workflow import RiskLevel
from . import services
from .forms import EditRiskForm, NewRiskForm

bp = Blueprint("risks", __name__, url_prefix="/projects/<int:project_id>/plan/risks")


def _user():
    return current_user._get_current_object()


def _new_form(access: ProjectAccess, formdata=None) -> NewRiskForm:
    form = NewRiskForm() if formdata else NewRiskForm(formdata=None)
    form.setup_choices(access.project)
    return form


def _render(access: ProjectAccess, form: NewRiskForm | None = None, status: int = 200,
            error: str | None = None):
    return render_template(
        "risks/index.html", access=access, project=access.project,
        risks=services.risks_of(access.project), levels=list(RiskLevel),
        form=form or _new_form(access), error=error), status


def _risk(access: ProjectAccess, risk_id: int) -> PlanRisk:
    return project_object(access, PlanRisk, risk_id)


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = project_access(project_id)
    if request.method == "GET":
        return _render(access)
    access.require(Action.EDIT_PLAN)
    form = _new_form(access, formdata=True)
    if not form.validate_on_submit():
        return _render(access, form, 422)
    refuse_above(lambda **shown: _render(project_access(project_id), **shown), form=form)
    services.add_risk(access.project, _user(), form.values())
    db.session.commit()
    flash(_("Het risico is toegevoegd."), "success")
    return redirect(url_for("risks.index", project_id=project_id), 303)


def _edit_form(access: ProjectAccess, risk: PlanRisk, formdata=True) -> EditRiskForm:
    form = EditRiskForm(obj=risk) if formdata else EditRiskForm(formdata=None, obj=risk)
    form.setup_choices(access.project)
    return form


@bp.route("/<int:risk_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, risk_id: int):
    access = project_access(project_id, need=Action.EDIT_PLAN)
    risk = _risk(access, risk_id)
    form = _edit_form(access, risk)
    page = form_page("risks/edit.html", access=access, project=access.project, risk=risk)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _edit_form(
        access, _risk(project_access(project_id), risk_id), formdata=False))
    services.update_risk(risk, access.project, _user(), expected_version=form.version.data,
                         values=form.values())
    db.session.commit()
    flash(_("Het risico is opgeslagen."), "success")
    return redirect(url_for("risks.index", project_id=project_id), 303)


@bp.route("/<int:risk_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, risk_id: int):
    access = project_access(project_id, need=Action.EDIT_PLAN)
    risk = _risk(access, risk_id)
    if request.method == "GET":
        return confirm_deletion(access.project, risk.description,
                                url_for("risks.index", project_id=project_id))
    refuse_above(lambda **shown: _render(project_access(project_id), **shown))
    services.delete_risk(risk, access.project, _user())
    db.session.commit()
    flash(_("Het risico is verwijderd."), "success")
    return redirect(url_for("risks.index", project_id=project_id), 303)
