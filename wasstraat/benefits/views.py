"""One improvement's costs and benefits (benefits.index) and what changes them: an expected
benefit added or removed, a forecast, an actual."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_into
from ..extensions import db
from ..kpis.services import kpis_of
from ..models import Benefit, Improvement
from ..navigation import back_to
from . import services
from .forms import ExpectedForm, MeasuredForm

bp = Blueprint("benefits", __name__,
               url_prefix="/projects/<int:project_id>/improvements/<int:improvement_id>/benefits")


def _user():
    return current_user._get_current_object()


# A forecast and an actual per benefit, each its own form on the page (prefixed).
MEASURES = {"forecast": Action.FORECAST_BENEFIT, "actual": Action.RECORD_BENEFIT}


def _measured_form(benefit: Benefit, what: str, formdata=None) -> MeasuredForm:
    return MeasuredForm(formdata=formdata, prefix=f"{what}-{benefit.id}", data={
        "version": benefit.version, "value": getattr(benefit, what),
        "on": getattr(benefit, f"{what}_on") or clock.today()})


def _render(access: ProjectAccess, improvement: Improvement, status: int = 200, *,
            sent: MeasuredForm | None = None, **forms):
    expected = forms.get("expected") or ExpectedForm(formdata=None)
    expected.setup_choices(kpis_of(access.project))
    benefits = services.benefits_of(improvement)
    measured = {(b.id, what): _measured_form(b, what) for b in benefits for what in MEASURES}
    error = None
    if sent is not None:
        measured[sent.sent_for] = sent
        # A quality has no such form on the page: its refusal is said above it.
        if not any(b.id == sent.sent_for[0] and b.kind.counted for b in benefits):
            error = " ".join(sent.form_errors) or None
    return render_template(
        "benefits/index.html", access=access, project=access.project,
        improvement=improvement, item=services.action_of(improvement), benefits=benefits,
        locked=services.expected_locked(access.project), measured=measured, error=error,
        expected=expected), status


def _improvement(access: ProjectAccess, improvement_id: int) -> Improvement:
    return project_object(access, Improvement, improvement_id)


@bp.route("")
@login_required
def index(project_id: int, improvement_id: int):
    access = project_access(project_id)
    return _render(access, _improvement(access, improvement_id))


def _back(project_id: int, improvement_id: int, message: str):
    return back_to(url_for("benefits.index", project_id=project_id,
                           improvement_id=improvement_id), message)


@bp.route("", methods=["POST"])
@login_required
def add(project_id: int, improvement_id: int):
    access = project_access(project_id, need=Action.EDIT_BENEFITS)
    improvement = _improvement(access, improvement_id)
    form = ExpectedForm()
    form.setup_choices(kpis_of(access.project))
    if not form.validate_on_submit():
        return _render(access, improvement, 422, expected=form)
    refuse_into(form, lambda shown, status: _render(access, improvement, status,
                                                    expected=shown))
    services.add_expected(improvement, _user(), form.values())
    db.session.commit()
    return _back(project_id, improvement_id, _("De verwachte baat is toegevoegd."))


def _benefit(access: ProjectAccess, improvement: Improvement, benefit_id: int) -> Benefit:
    benefit = project_object(access, Benefit, benefit_id)
    if benefit.improvement_id != improvement.id:
        abort(404)
    return benefit


@bp.route("/<int:benefit_id>/remove", methods=["POST"])
@login_required
def remove(project_id: int, improvement_id: int, benefit_id: int):
    access = project_access(project_id, need=Action.EDIT_BENEFITS)
    improvement = _improvement(access, improvement_id)
    benefit = _benefit(access, improvement, benefit_id)
    refuse_into(ExpectedForm(formdata=None),
                lambda shown, status: _render(access, improvement, status))
    services.remove_expected(benefit, _user())
    db.session.commit()
    return _back(project_id, improvement_id, _("De verwachte baat is verwijderd."))


def _measure(project_id: int, improvement_id: int, benefit_id: int, what: str, record,
             message: str):
    access = project_access(project_id)
    improvement = _improvement(access, improvement_id)
    access.require(MEASURES[what], item=services.action_of(improvement))
    benefit = _benefit(access, improvement, benefit_id)
    form = _measured_form(benefit, what, formdata=request.form)
    form.sent_for = (benefit.id, what)
    if not form.validate_on_submit():
        return _render(access, improvement, 422, sent=form)
    refuse_into(form, lambda shown, status: _render(access, improvement, status, sent=shown))
    record(benefit, _user(), expected_version=form.version.data, value=form.value.data,
           on=form.on.data, today=clock.today())
    db.session.commit()
    return _back(project_id, improvement_id, message)


@bp.route("/<int:benefit_id>/forecast", methods=["POST"])
@login_required
def forecast(project_id: int, improvement_id: int, benefit_id: int):
    return _measure(project_id, improvement_id, benefit_id, "forecast", services.forecast,
                    _("De prognose is opgeslagen."))


@bp.route("/<int:benefit_id>/actual", methods=["POST"])
@login_required
def actual(project_id: int, improvement_id: int, benefit_id: int):
    return _measure(project_id, improvement_id, benefit_id, "actual", services.record_actual,
                    _("De gerealiseerde baat is opgeslagen."))
