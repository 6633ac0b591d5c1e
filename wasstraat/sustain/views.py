"""The borging of a closed project: the KPIs against their targets and the re-measurement
moments (sustain.index), and one moment to measure, move or end (sustain.moment)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..access import Action, ProjectAccess, project_access, project_object
from ..endings import Ending
from ..errors import refuse_into
from ..extensions import db
from ..implementation import services as implementation
from ..mining import services as mining
from ..models import EventLog, Remeasurement
from ..navigation import back_to
from ..workflow import EndReason, EventLogStatus
from . import services
from .forms import EndMomentForm, FromLogForm, RemeasureForm, RescheduleForm

bp = Blueprint("sustain", __name__, url_prefix="/projects/<int:project_id>/borging")


def _user():
    return current_user._get_current_object()


@bp.route("")
@login_required
def index(project_id: int):
    access = project_access(project_id)
    project = access.project
    return render_template(
        "sustain/index.html", access=access, project=project,
        results=implementation.kpi_results([project.id]).get(project.id, []),
        moments=services.moments_of(project, clock.today()),
        closed_on=services.closed_on(project),
        evaluation=implementation.evaluation_of(project), **mining.section(access, "after"))


def _done_logs(access: ProjectAccess) -> list[EventLog]:
    return [log for log in mining.logs_of(access.project, "after")
            if log.status is EventLogStatus.DONE]


def _render_moment(access: ProjectAccess, moment: Remeasurement, status: int = 200,
                   **forms):
    logs = _done_logs(access)
    from_log = forms.get("from_log") or FromLogForm(formdata=None)
    from_log.setup_choices(logs)
    reschedule = forms.get("reschedule") or RescheduleForm(formdata=None, obj=moment)
    reschedule.setup_choices(services.owner_choices(access.project))
    return render_template(
        "sustain/moment.html", access=access, project=access.project, moment=moment,
        state=services.state_of(moment, clock.today()), logs=logs,
        closed_on=services.closed_on(access.project),
        measure=forms.get("measure") or RemeasureForm(formdata=None,
                                                      measured_on=clock.today()),
        from_log=from_log, reschedule=reschedule,
        end=forms.get("end") or EndMomentForm(formdata=None)), status


def _moment(access: ProjectAccess, moment_id: int) -> Remeasurement:
    return project_object(access, Remeasurement, moment_id)


@bp.route("/<int:moment_id>")
@login_required
def moment(project_id: int, moment_id: int):
    access = project_access(project_id)
    return _render_moment(access, _moment(access, moment_id))


def _after(project_id: int, message: str):
    return back_to(url_for("sustain.index", project_id=project_id, _anchor="moments-heading"),
                   message)


def _post(project_id: int, moment_id: int, need: Action, name: str,
          make_form: Callable[[ProjectAccess], Any],
          act: Callable[[ProjectAccess, Remeasurement, Any], str]):
    """One form of the moment's page: shown again with its errors or its refusal, or done
    (``act`` says how, in words) and back to the borging."""
    access = project_access(project_id, need=need)
    moment = _moment(access, moment_id)
    form = make_form(access)
    if not form.validate_on_submit():
        return _render_moment(access, moment, 422, **{name: form})
    refuse_into(form, lambda shown, status: _render_moment(access, moment, status,
                                                           **{name: shown}))
    message = act(access, moment, form)
    db.session.commit()
    return _after(project_id, message)


@bp.route("/<int:moment_id>/measure", methods=["POST"])
@login_required
def measure(project_id: int, moment_id: int):
    def act(access, moment, form):
        services.record(access.project, moment, _user(), value=form.value.data,
                        measured_on=form.measured_on.data, today=clock.today())
        return _("De nameting van \"%(kpi)s\" is vastgelegd.", kpi=moment.kpi.name)

    return _post(project_id, moment_id, Action.REMEASURE, "measure",
                 lambda access: RemeasureForm(), act)


def _from_log_form(access: ProjectAccess) -> FromLogForm:
    form = FromLogForm()
    form.setup_choices(_done_logs(access))
    return form


@bp.route("/<int:moment_id>/from-log", methods=["POST"])
@login_required
def from_log(project_id: int, moment_id: int):
    def act(access, moment, form):
        log = project_object(access, EventLog, form.log_id.data)
        services.record_from_log(access.project, moment, _user(), log=log,
                                 figure=form.figure.data, today=clock.today())
        return _("De nameting van \"%(kpi)s\" komt nu uit het eventlog.", kpi=moment.kpi.name)

    return _post(project_id, moment_id, Action.REMEASURE, "from_log", _from_log_form, act)


def _reschedule_form(access: ProjectAccess) -> RescheduleForm:
    form = RescheduleForm()
    form.setup_choices(services.owner_choices(access.project))
    return form


@bp.route("/<int:moment_id>/reschedule", methods=["POST"])
@login_required
def reschedule(project_id: int, moment_id: int):
    def act(access, moment, form):
        services.reschedule(access.project, moment, _user(),
                            expected_version=form.version.data, due_on=form.due_on.data,
                            owner_id=form.owner_id.data)
        return _("De nameting is verplaatst.")

    return _post(project_id, moment_id, Action.PLAN_REMEASUREMENTS, "reschedule",
                 _reschedule_form, act)


@bp.route("/<int:moment_id>/end", methods=["POST"])
@login_required
def end(project_id: int, moment_id: int):
    def act(access, moment, form):
        services.end(access.project, moment, _user(),
                     Ending(EndReason(form.reason.data), form.note.data or ""))
        return _("De nameting is vervallen, met de reden erbij.")

    return _post(project_id, moment_id, Action.PLAN_REMEASUREMENTS, "end",
                 lambda access: EndMomentForm(), act)
