"""The reports' figures as files: CSV for a Dutch spreadsheet (semicolons, decimal commas, a
BOM, formula-like cells neutralised as in the audit export) and an XLSX workbook with a sheet
per table (XlsxWriter: numbers as numbers, text always as text, never as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.sql import Select

from ..admin.audit_log import safe_cell
from ..extensions import db
from ..implementation.services import kpi_results
from ..models import Project, ProjectPosition
from ..workflow import N_, Decision, Horizon
from .queries import IMPROVEMENT_COLUMNS, IMPROVEMENT_ROWS, Benefits, Flow

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]


def tables(scope: Select, benefits: Benefits, flow: Flow) -> dict[str, Table]:
    """Every table of the report, in full (not a page of it)."""
    made = [_kpi_table(scope), _step_table(flow), _quarter_table(flow),
            _improvement_table(benefits)]
    return {table.key: table for table in made}


# Each table's name, on the page's download links and as the sheet's name.
TABLE_TITLES = {
    "kpis": N_("KPI's van afgeronde trajecten"),
    "steps": N_("Doorlooptijd per stap"),
    "quarters": N_("Afgeronde trajecten per kwartaal"),
    "improvements": N_("Verbeteringen van afgeronde trajecten"),
}


def _kpi_table(scope: Select) -> Table:
    closed = db.session.execute(
        select(Project.id, Project.name, ProjectPosition.since)
        .join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .where(ProjectPosition.step.is_(None), Project.id.in_(scope))
        .order_by(ProjectPosition.since.desc(), Project.id.desc())).all()
    results = kpi_results([pid for pid, _name, _since in closed])
    rows: list[list[Cell]] = []
    for pid, name, since in closed:
        for result in results.get(pid, []):
            kpi, after = result.kpi, result.after.value if result.after else None
            rows.append([name, f"{since:%d-%m-%Y}" if since else "", kpi.name, kpi.unit,
                         kpi.baseline_value, kpi.target_value, after,
                         "" if result.reached is None else _("ja") if result.reached
                         else _("nee"), result.change])
    return Table("kpis", _(TABLE_TITLES["kpis"]),
                 [_("Traject"), _("Afgerond op"), _("KPI"), _("Eenheid"), _("Nulmeting"),
                  _("Streefwaarde"), _("Nameting"), _("Doel gehaald"), _("Verandering")], rows)


def _step_table(flow: Flow) -> Table:
    return Table("steps", _(TABLE_TITLES["steps"]),
                 [_("Stap"), _("Trajecten"), _("Mediaan (dagen)"), _("90e percentiel (dagen)"),
                  _("Knelpunt")],
                 [[f"{s.step.value}. {_(s.step.definition.name)}", s.projects, s.median_days,
                   s.p90_days, _("ja") if s.bottleneck else ""] for s in flow.steps])


def _quarter_table(flow: Flow) -> Table:
    return Table("quarters", _(TABLE_TITLES["quarters"]),
                 [_("Kwartaal"), _("Afgeronde trajecten")],
                 [[label, count] for label, count in flow.quarters])


def _improvement_table(benefits: Benefits) -> Table:
    rows: list[list[Cell]] = []
    for horizon in IMPROVEMENT_ROWS:
        for decision in IMPROVEMENT_COLUMNS:
            rows.append([_(Horizon(horizon).label) if horizon else _("Nog geen horizon"),
                         _(Decision(decision).label),
                         benefits.improvement_count(horizon, decision)])
    return Table("improvements", _(TABLE_TITLES["improvements"]),
                 [_("Horizon"), _("Besluit"), _("Aantal")], rows)


def _dutch(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return safe_cell(value)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in table.header])
    for row in table.rows:
        writer.writerow([_dutch(cell) for cell in row])
    return buffer.getvalue()


def xlsx_bytes(all_tables: list[Table], now: datetime) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"title": _("Rapportage verbetertrajecten"), "created": now})
    bold = book.add_format({"bold": True})
    for table in all_tables:
        sheet = book.add_worksheet(table.title[:31])
        sheet.write_row(0, 0, table.header, bold)
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row):
                _write(sheet, r, c, cell)
        sheet.set_column(0, max(len(table.header) - 1, 0), 18)
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, column: int, cell: Cell) -> None:  # noqa: ANN001
    write: Callable = sheet.write_number if isinstance(cell, int | float) else sheet.write_string
    write(row, column, cell if isinstance(cell, int | float) else ("" if cell is None else cell))
