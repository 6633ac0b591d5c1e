"""Reports across projects: benefits and flow, filtered, with their figures as CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from .. import clock
from ..ideas import queries as ideas
from ..models import utcnow
from ..page_cache import cached_page, visible_scope
from . import charts, exports, queries, register
from .forms import ReportFilterForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _asked():
    """The filter form and the projects it covers; a filter that is not offered gets 400."""
    user = current_user._get_current_object()
    form = ReportFilterForm(request.args)
    form.set_choices(queries.choices(user, clock.today()))
    if request.args and not form.validate():
        return form, queries.ReportFilter(), queries.in_scope(user, queries.ReportFilter()), 400
    asked = form.query()
    return form, asked, queries.in_scope(user, asked), 200


@bp.route("")
@login_required
@cached_page(visible_scope)
def index():
    form, asked, scope, status = _asked()
    today = clock.today()
    benefits = queries.benefits(scope, form.page.data or 1 if status == 200 else 1, today)
    flow = queries.flow(scope, today, current_app.config["STALLED_AFTER_DAYS"])
    return render_template(
        "reports/index.html", form=form, asked=asked, benefits=benefits, flow=flow,
        step_chart=charts.step_chart(flow.steps), quarter_chart=charts.quarter_chart(
            flow.quarters), table_titles=exports.TABLE_TITLES,
        improvement_rows=queries.IMPROVEMENT_ROWS,
        improvement_columns=queries.IMPROVEMENT_COLUMNS), status


@bp.route("/benefits")
@login_required
def benefits():
    """The benefits register, grouped by year, department or process owner."""
    form, asked, scope, status = _asked()
    group = request.args.get("group", "year")
    if group not in register.GROUPS:
        abort(400)
    rows = register.register(scope)
    totals = register.totals(rows, group)
    return render_template(
        "reports/benefits.html", form=form, asked=asked, rows=rows, totals=totals,
        group=group, total=register.grand_total(rows),
        chart=charts.benefit_chart(totals)), status


@bp.route("/ideas")
@login_required
def idea_figures():
    """The idea box by department: received, taken up, merged, declined, realised. Ideas
    are the whole organisation's, so everyone sees the same figures."""
    years = ideas.years()
    year = request.args.get("year", type=int)
    if "year" in request.args and year not in years:
        abort(400)
    rows = ideas.figures(year)
    return render_template("reports/ideas.html", rows=rows, total=ideas.total(rows),
                           years=years, year=year)


@bp.route("/<any(kpis, steps, quarters, improvements, benefits):table>.csv")
@login_required
def export_csv(table: str):
    _form, _asked_for, scope, status = _asked()
    if status != 200:
        abort(400)
    body = exports.csv_text(exports.table(table, scope))
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="rapportage-{table}-{clock.today()}.csv"',
        "Cache-Control": "no-store"})


@bp.route("/rapportage.xlsx")
@login_required
def export_xlsx():
    _form, _asked_for, scope, status = _asked()
    if status != 200:
        abort(400)
    body = exports.xlsx_bytes(exports.all_tables(scope), utcnow())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="rapportage-{clock.today()}.xlsx"',
        "Cache-Control": "no-store"})

