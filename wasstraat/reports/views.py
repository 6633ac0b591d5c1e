"""Reports across projects: benefits and flow, filtered, with their figures as CSV and XLSX."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from ..models import utcnow
from . import charts, exports, queries
from .forms import ReportFilterForm

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _report():  # noqa: ANN202
    """The filter form and the report it asks for; a filter that is not offered gets 400."""
    user = current_user._get_current_object()
    today = date.today()
    form = ReportFilterForm(request.args)
    form.set_choices(queries.choices(user, today))
    status = 200
    if request.args and not form.validate():
        asked, status = queries.ReportFilter(), 400
    else:
        asked = form.query()
    scope = queries.in_scope(user, asked)
    benefits = queries.benefits(scope, form.page.data or 1 if status == 200 else 1, today)
    flow = queries.flow(scope, today, current_app.config["STALLED_AFTER_DAYS"])
    return form, asked, scope, benefits, flow, status


@bp.route("")
@login_required
def index():
    form, asked, _scope, benefits, flow, status = _report()
    return render_template(
        "reports/index.html", form=form, asked=asked, benefits=benefits, flow=flow,
        step_chart=charts.step_chart(flow.steps), quarter_chart=charts.quarter_chart(
            flow.quarters), table_titles=exports.TABLE_TITLES,
        improvement_rows=queries.IMPROVEMENT_ROWS,
        improvement_columns=queries.IMPROVEMENT_COLUMNS), status


@bp.route("/<any(kpis, steps, quarters, improvements):table>.csv")
@login_required
def export_csv(table: str):
    form, asked, scope, benefits, flow, status = _report()
    if status != 200:
        abort(400)
    chosen = exports.tables(scope, benefits, flow)[table]
    return Response(exports.csv_text(chosen), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="rapportage-{table}-{date.today()}.csv"',
        "Cache-Control": "no-store"})


@bp.route("/rapportage.xlsx")
@login_required
def export_xlsx():
    form, asked, scope, benefits, flow, status = _report()
    if status != 200:
        abort(400)
    body = exports.xlsx_bytes(list(exports.tables(scope, benefits, flow).values()), utcnow())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="rapportage-{date.today()}.xlsx"',
        "Cache-Control": "no-store"})

