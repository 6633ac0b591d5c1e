"""Event logs: import (file, then its columns), wait for the analysis, read the measured
process, take a figure as a KPI's baseline (step 3) or after-measurement (step 10)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_into
from ..extensions import db
from ..forms import choices, form_page, show_form
from ..http import large_body, wants_partial
from ..jobs import analyse_event_log
from ..kpis.services import kpis_of
from ..models import EventLog, EventLogFilter, Kpi
from ..workflow import EVENT_LOG_PURPOSES, DurationUnit, EventLogStatus, Step
from . import analysis, conformance, figures, filters, services, statistics
from .forms import (
    AcceptDeviationForm,
    ColumnsForm,
    FigureForm,
    UploadForm,
    filter_form,
    names_form,
)

bp = Blueprint("mining", __name__, url_prefix="/projects/<int:project_id>/event-logs")


def _user():
    return current_user._get_current_object()


def _purpose(key: str):
    purpose = EVENT_LOG_PURPOSES.get(key)
    if purpose is None:
        abort(404)
    return purpose


def _upload_form() -> tuple[UploadForm, bool]:
    """The upload form and whether it came in valid (its larger limit: ``large_body``)."""
    try:
        form = UploadForm()
        return form, form.validate_on_submit()
    except RequestEntityTooLarge:
        abort(413)


def _upload_page(access: ProjectAccess, chosen, purpose: str):
    def page(form, status: int):  # the logs as they are after a refusal
        return render_template("mining/new.html", access=access, project=access.project,
                               purpose=chosen, form=form, max_activities=analysis.MAX_ACTIVITIES,
                               logs=services.logs_of(access.project, purpose)), status

    return page


@bp.route("/new/<purpose>", methods=["GET", "POST"])
@large_body(lambda: services.MAX_BYTES + 1024 * 1024)  # an event log, up to 200 MB
@login_required
def new(project_id: int, purpose: str):
    chosen = _purpose(purpose)
    access = project_access(project_id)
    _require_import(access, purpose)
    form, submitted = _upload_form()
    page = _upload_page(access, chosen, purpose)
    if not submitted:
        return show_form(page, form)
    refuse_into(form, page, field="log")
    log = services.upload(access.project, _user(), purpose, form.log.data.filename or "log",
                          form.log.data.read(), group_rare=form.group_rare.data)
    db.session.commit()
    if log.status is not EventLogStatus.QUEUED:
        return redirect(url_for(".columns", project_id=project_id, log_id=log.id), 303)
    analyse_event_log(log.id)
    return redirect(url_for(".show", project_id=project_id, log_id=log.id), 303)


def _log(access: ProjectAccess, log_id: int) -> EventLog:
    return project_object(access, EventLog, log_id)


def _importable_log(access: ProjectAccess, log_id: int) -> EventLog:
    """A log whose import the user may continue, in its step's window."""
    log = _log(access, log_id)
    _require_import(access, log.purpose)
    return log


def _require_import(access: ProjectAccess, purpose: str) -> None:
    """Importing in the purpose's step; a log after the change also in the borging."""
    step = EVENT_LOG_PURPOSES[purpose].step
    action = services.import_action(access.project, purpose)
    access.require(action, step=step)
    access.require_open(action, step)


@bp.route("/<int:log_id>/columns", methods=["GET", "POST"])
@login_required
def columns(project_id: int, log_id: int):
    access = project_access(project_id)
    log = _importable_log(access, log_id)
    if log.status is not EventLogStatus.UPLOADED:
        return redirect(url_for(".show", project_id=project_id, log_id=log_id), 303)
    form = ColumnsForm(data=None if request.method == "POST"
                       else ColumnsForm.chosen_in(log.mapping))
    form.setup_choices(log.mapping.get("header", []))
    page = form_page("mining/columns.html", access=access, project=access.project, log=log)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    services.choose_columns(log, access.project, _user(), **form.values())
    db.session.commit()
    analyse_event_log(log_id)
    return redirect(url_for(".show", project_id=project_id, log_id=log_id), 303)


def _kpi_choices(access: ProjectAccess):
    return choices((k.id, f"{k.name} ({k.unit})") for k in kpis_of(access.project))


def _render_log(access: ProjectAccess, log: EventLog, *, baseline_form=None,
                result_form=None, names=None, accept=None, new_filter=None,
                status: int = 200):
    context = {"access": access, "project": access.project, "log": log,
               "purpose": EVENT_LOG_PURPOSES[log.purpose]}
    if wants_partial():  # the progress polling: the part while it runs, then the whole page
        if log.status.is_busy:
            return render_template("mining/_progress.html", **context), status
        return "", 200, {"HX-Refresh": "true"}
    if log.status is EventLogStatus.DONE:
        result = analysis.in_unit(log.result, _unit())
        looked_at = _Selection(access, log, result["unit"])
        context.update(_figures(log, result), **looked_at.context(new_filter))
        if log.purpose == "current":
            context.update(estimate=services.team_estimate(access.project),
                           baseline_form=_figure_form(access, baseline_form))
        else:
            context.update(looked_at.before_and_after(result),
                           **looked_at.conformance(names, accept),
                           result_form=_figure_form(access, result_form))
    return render_template("mining/show.html", **context), status


class _Selection:
    """The cases the page looks at: all, or those of the saved filter ``?filter=`` names
    (applied alike to the log before the change and to the check against the desired
    process). The tables of cases are read once."""

    def __init__(self, access: ProjectAccess, log: EventLog, unit: DurationUnit) -> None:
        self.access, self.log, self.unit = access, log, unit
        self.saved = services.filters_of(log)
        self.row = _chosen_filter(self.saved)
        self.criteria = (filters.Criteria.from_stored(self.row.criteria)
                         if self.row is not None else None)
        self.before = (services.latest_done(access.project, "current")
                       if log.purpose == "after" else None)
        self.tables = services.case_tables(*filter(None, (log, self.before)))

    def context(self, new_filter) -> dict:
        context = {"filters": self.saved, "chosen_filter": self.row,
                   "describe_filter": lambda row: filters.describe(
                       filters.Criteria.from_stored(row.criteria))}
        if self.row is not None:
            context.update(_or_refusal("filtered", lambda: services.filtered(
                self.log, self.row, self.unit, self.tables.get(self.log.id))))
        if services.may_import(self.access, self.log.purpose):
            context["filter_form"] = new_filter or filter_form(self.log.result)
        return context

    def before_and_after(self, result: dict) -> dict:
        """The log after the change beside step 3's: the figures, and whether the change
        holds (of the filtered cases in both, where a filter is chosen)."""
        if self.before is None:
            return {}
        earlier = analysis.in_unit(self.before.result, result["unit"])
        context = {"before": self.before, "comparison": analysis.compare(earlier, result),
                   "before_histogram": figures.histogram(earlier["histogram"]),
                   "before_matrix": earlier.get("handover_matrix")}
        made = _or_refusal("statistics", lambda: services.comparison(
            self.before, self.log, self.unit, self.criteria, self.tables))
        context.update(made)
        if made.get("statistics") is not None:
            context.update(_statistics_context(made["statistics"]))
        return context

    def conformance(self, names, accept) -> dict:
        """The log against the desired process, the deviations the process owner accepted,
        and the forms that match the log's names (for those who import logs) and accept a
        deviation (the process owner)."""
        accepted = services.accepted_deviations(self.access.project)
        context = _or_refusal("conformance", lambda: services.conformance_of(
            self.access.project, self.log, self.unit, accepted, self.criteria,
            self.tables.get(self.log.id)))
        checked = context.get("conformance")
        context.update(deviation_words=services.deviation_words, accepted=[
            (conformance.Deviation.from_key(row.key), row) for row in accepted.values()])
        if checked is not None and services.may_import(self.access, self.log.purpose):
            context["names_form"] = names or _names_form(checked)
        if checked is not None and self.access.can(Action.ACCEPT_DEVIATION,
                                                    step=Step.EXECUTION):
            context["accept_form"] = accept or AcceptDeviationForm(formdata=None)
        return context


def _chosen_filter(saved: list[EventLogFilter]) -> EventLogFilter | None:
    """The saved filter ``?filter=`` names; another value is not found."""
    raw = request.args.get("filter")
    if raw is None:
        return None
    row = next((row for row in saved if str(row.id) == raw), None)
    if row is None:
        abort(404)
    return row


def _or_refusal(name: str, make) -> dict:
    """``{name: made}``, or the reason a filter or calendar does not fit
    (``{name + "_refused": reason}``)."""
    try:
        return {name: make()}
    except filters.FilterMismatch as refused:
        return {f"{name}_refused": str(refused)}


def _statistics_context(made: dict) -> dict:
    return {"mix_warnings": statistics.mix_warnings(made), "resamples": statistics.RESAMPLES,
            "months": [(side, date.fromisoformat(f"{month}-01"), count)
                       for side in ("before", "after")
                       for month, count in made["volumes"][side].items()],
            "verdict": statistics.verdict(statistics.from_stored(made["change"]))}


def _figures(log: EventLog, result: dict) -> dict:
    """What the page draws from a read log, in the unit asked for."""
    working = log.result.get("working")
    return {"shown": result, "unit": result["unit"],
            "working": result["unit"] is DurationUnit.WORKING,
            "can_show_working": working is not None, "measured_working": working,
            "day_hours": (working or {}).get("day_hours", 8.5),
            "unit_choices": [(u.value, _(u.label)) for u in DurationUnit],
            "histogram": figures.histogram(result["histogram"]), "graph": figures.graph(result),
            "dotted": figures.dotted(result, _("overige activiteiten")),
            "weekday_names": [_("ma"), _("di"), _("wo"), _("do"), _("vr"), _("za"), _("zo")],
            "activity_order": figures.process_order(result), "period": services.period(log)}


def _figure_form(access: ProjectAccess, form: FigureForm | None) -> FigureForm:
    form = form or FigureForm(formdata=None)
    form.kpi_id.choices = _kpi_choices(access)
    return form


def _names_form(checked):
    return names_form(list(checked.names), checked.activities, checked.names)


def _unit() -> DurationUnit:
    """The unit the page shows durations in (``?unit=working``); another value is a bad
    request."""
    raw = request.args.get("unit", DurationUnit.CALENDAR.value)
    if raw not in DurationUnit._value2member_map_:
        abort(400)
    return DurationUnit(raw)


@bp.route("/<int:log_id>")
@login_required
def show(project_id: int, log_id: int):
    access = project_access(project_id)
    page = _render_log(access, _log(access, log_id))
    db.session.commit()  # a comparison made for this view is kept for the next
    return page


# A measured figure for a KPI: who may, what records it, what it says, where it goes next.
FIGURE_USES = {
    "baseline": (Action.TAKE_MEASURED_BASELINE, services.take_as_baseline, "baseline_form",
                 "kpis.index"),
    "measurement": (Action.EVALUATE, services.record_as_result, "result_form",
                    "implementation.evaluation"),
}


def _use_figure(project_id: int, log_id: int, use: str):
    action, record, form_name, next_page = FIGURE_USES[use]
    access = project_access(project_id, need=action)
    log = _log(access, log_id)
    form = FigureForm()
    form.kpi_id.choices = _kpi_choices(access)
    if not form.validate_on_submit():
        return _render_log(access, log, **{form_name: form}, status=422)
    kpi = project_object(access, Kpi, form.kpi_id.data)
    refuse_into(form, lambda shown, status: _render_log(access, log, **{form_name: shown},
                                                        status=status))
    record(access.project, _user(), log, kpi, form.figure.data)
    db.session.commit()
    message = (_("De nulmeting van \"%(kpi)s\" komt nu uit het eventlog.", kpi=kpi.name)
               if use == "baseline" else
               _("De nameting van \"%(kpi)s\" komt nu uit het eventlog.", kpi=kpi.name))
    flash(message, "success")
    return redirect(url_for(next_page, project_id=project_id), 303)


@bp.route("/<int:log_id>/names", methods=["POST"])
@login_required
def names(project_id: int, log_id: int):
    """Step 10: the log's activity names matched to the desired process."""
    access = project_access(project_id)
    log = _importable_log(access, log_id)
    checked = services.conformance_of(access.project, log, DurationUnit.CALENDAR)
    if checked is None:
        abort(404)  # no desired process, or not a log after the change: no form was shown
    form = _names_form(checked)
    if not form.validate_on_submit():
        return _render_log(access, log, names=form, status=422)
    refuse_into(form, lambda shown, status: _render_log(access, log, names=shown,
                                                        status=status))
    services.match_names(log, access.project, _user(), form.chosen())
    db.session.commit()
    flash(_("De koppeling met het gewenste proces is opgeslagen."), "success")
    return redirect(url_for(".show", project_id=project_id, log_id=log_id,
                            _anchor="conformance-heading"), 303)


@bp.route("/<int:log_id>/deviations", methods=["POST"])
@login_required
def accept_deviation(project_id: int, log_id: int):
    """Step 10 and the borging: the process owner allows a deviation, with the reason."""
    access = project_access(project_id, need=Action.ACCEPT_DEVIATION)
    log = _log(access, log_id)
    form = AcceptDeviationForm()
    if not form.validate_on_submit():
        return _render_log(access, log, accept=form, status=422)
    refuse_into(form, lambda shown, status: _render_log(access, log, accept=shown,
                                                        status=status))
    services.accept_deviation(access.project, _user(), form.key.data, form.reason.data)
    db.session.commit()
    flash(_("De afwijking is aanvaard; haar zaken tellen nu als volgens het gewenste proces."),
          "success")
    return redirect(url_for(".show", project_id=project_id, log_id=log_id,
                            _anchor="conformance-heading"), 303)


@bp.route("/<int:log_id>/baseline", methods=["POST"])
@login_required
def baseline(project_id: int, log_id: int):
    """Step 3: the figure becomes a KPI's baseline."""
    return _use_figure(project_id, log_id, "baseline")


@bp.route("/<int:log_id>/measurement", methods=["POST"])
@login_required
def measurement(project_id: int, log_id: int):
    """Step 10: the figure becomes a KPI's after-measurement."""
    return _use_figure(project_id, log_id, "measurement")


@bp.route("/<int:log_id>/filters", methods=["POST"])
@login_required
def add_filter(project_id: int, log_id: int):
    """A named filter kept with the log, by those who import it, in its window."""
    access = project_access(project_id)
    log = _importable_log(access, log_id)
    if log.status is not EventLogStatus.DONE:
        abort(404)  # no figures yet: no filter form was shown
    form = filter_form(log.result, submitted=True)
    if not form.validate_on_submit():
        return _render_log(access, log, new_filter=form, status=422)
    refuse_into(form, lambda shown, status: _render_log(access, log, new_filter=shown,
                                                        status=status))
    row = services.save_filter(log, access.project, _user(), form.name.data, form.criteria())
    db.session.commit()
    flash(_("Het filter „%(name)s” is bewaard en toegepast.", name=row.name), "success")
    return redirect(url_for(".show", project_id=project_id, log_id=log_id, filter=row.id,
                            _anchor="filter-heading"), 303)


@bp.route("/<int:log_id>/filters/<int:filter_id>/delete", methods=["POST"])
@login_required
def delete_filter(project_id: int, log_id: int, filter_id: int):
    access = project_access(project_id)
    log = _importable_log(access, log_id)
    row = db.session.get(EventLogFilter, filter_id)
    if row is None or row.event_log_id != log.id:
        abort(404)
    name = row.name
    services.delete_filter(log, access.project, _user(), row)
    db.session.commit()
    flash(_("Het filter „%(name)s” is verwijderd.", name=name), "success")
    return redirect(url_for(".show", project_id=project_id, log_id=log_id,
                            _anchor="filter-heading"), 303)
