"""Step 2: the KPI register and the process owner's agreement of the KPI set."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_above, refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import Kpi
from ..navigation import back_to, confirm_deletion
from ..workflow import KPI_EXAMPLES
from . import services
from .forms import EditKpiForm, NewKpiForm

bp = Blueprint("kpis", __name__, url_prefix="/projects/<int:project_id>/kpis")


def _user():
    return current_user._get_current_object()


def _example_form() -> NewKpiForm:
    form = NewKpiForm(formdata=None)
    example = next((e for e in KPI_EXAMPLES if e.key == request.args.get("example")), None)
    if example:
        form.name.data, form.definition.data = _(example.name), _(example.definition)
        form.unit.data, form.direction.data = _(example.unit), example.direction.value
    return form


def _render(access: ProjectAccess, form: NewKpiForm | None = None, status: int = 200,
            error: str | None = None):
    project = access.project
    kpis = services.kpis_of(project)
    agreement = services.latest_agreement(project)
    return render_template(
        "kpis/index.html", access=access, project=project, kpis=kpis, agreement=agreement,
        agreement_current=services.agreement_is_current(kpis, agreement),
        agreement_blockers=services.agreement_blockers(kpis),
        form=form or _example_form(), examples=KPI_EXAMPLES, error=error,
    ), status


def _refuse_on_index(project_id: int, form: NewKpiForm | None = None) -> None:
    """A refusal shows the KPIs again with the reason on top."""
    refuse_above(lambda **shown: _render(project_access(project_id), form, **shown))


def _kpi(access: ProjectAccess, kpi_id: int) -> Kpi:
    return project_object(access, Kpi, kpi_id)


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = project_access(project_id)
    if request.method == "GET":
        return _render(access)
    access.require(Action.EDIT_KPIS)
    form = NewKpiForm()
    if not form.validate_on_submit():
        return _render(access, form, 422)
    _refuse_on_index(project_id, form)
    services.add_kpi(access.project, _user(), form.values())
    db.session.commit()
    flash(_("De KPI is toegevoegd."), "success")
    return redirect(url_for("kpis.index", project_id=project_id), 303)


@bp.route("/<int:kpi_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, kpi_id: int):
    access = project_access(project_id, need=Action.EDIT_KPIS)
    kpi = _kpi(access, kpi_id)
    form = EditKpiForm(obj=kpi)
    page = form_page("kpis/edit.html", access=access, project=access.project, kpi=kpi)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: EditKpiForm(
        formdata=None, obj=_kpi(project_access(project_id), kpi_id)))
    services.update_kpi(kpi, access.project, _user(), expected_version=form.version.data,
                        values=form.values())
    db.session.commit()
    flash(_("De KPI is opgeslagen."), "success")
    return redirect(url_for("kpis.index", project_id=project_id), 303)


@bp.route("/<int:kpi_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, kpi_id: int):
    access = project_access(project_id, need=Action.EDIT_KPIS)
    kpi = _kpi(access, kpi_id)
    if request.method == "GET":
        return confirm_deletion(access.project, kpi.name,
                                url_for("kpis.index", project_id=project_id),
                                _("Verbeteringen die deze KPI noemen, verliezen die koppeling."))
    _refuse_on_index(project_id)
    services.delete_kpi(kpi, access.project, _user())
    db.session.commit()
    flash(_("De KPI is verwijderd."), "success")
    return redirect(url_for("kpis.index", project_id=project_id), 303)


@bp.route("/agree", methods=["POST"])
@login_required
def agree(project_id: int):
    access = project_access(project_id, need=Action.AGREE_KPIS)
    _refuse_on_index(project_id)
    services.agree_kpi_set(access.project, _user(), access.roles)
    db.session.commit()
    return back_to(url_for("kpis.index", project_id=project_id), _("De KPI-set is vastgesteld."))
