"""The reports' figures as files: CSV for a Dutch spreadsheet (semicolons, decimal commas, a
BOM, formula-like cells neutralised as in the audit export) and an XLSX workbook with a sheet
per table (XlsxWriter: numbers as numbers, text always as text, never as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from ..admin.audit_log import safe_cell
from ..clock import local_date
from ..extensions import db
from ..implementation.services import kpi_results
from ..workflow import N_, Decision, Horizon
from . import queries, register
from .queries import IMPROVEMENT_COLUMNS, IMPROVEMENT_ROWS

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]]


# Each table's name, on the page's download links and as the sheet's name.
TABLE_TITLES = {
    "kpis": N_("KPI's van afgeronde trajecten"),
    "steps": N_("Doorlooptijd per stap"),
    "quarters": N_("Afgeronde trajecten per kwartaal"),
    "improvements": N_("Verbeteringen van afgeronde trajecten"),
    "benefits": N_("Batenregister"),
}


def table(key: str, scope: Select) -> Table:
    """One table of the report in full (not a page of it), from only the queries it needs."""
    return TABLES[key](scope)


def all_tables(scope: Select) -> list[Table]:
    return [build(scope) for build in TABLES.values()]


def _kpi_table(scope: Select) -> Table:
    closed = db.session.execute(queries.closed_projects(scope)).all()
    results = kpi_results([project.id for project, _since in closed])
    rows: list[list[Cell]] = []
    for project, since in closed:
        name = project.name
        for result in results.get(project.id, []):
            kpi, after = result.kpi, result.after.value if result.after else None
            rows.append([name, f"{local_date(since):%d-%m-%Y}" if since else "", kpi.name, kpi.unit,
                         kpi.baseline_value, kpi.target_value, after,
                         "" if result.reached is None else _("ja") if result.reached
                         else _("nee"), result.change, _(result.verdict.label)])
    return Table("kpis", _(TABLE_TITLES["kpis"]),
                 [_("Traject"), _("Afgerond op"), _("KPI"), _("Eenheid"), _("Nulmeting"),
                  _("Streefwaarde"), _("Nameting"), _("Doel gehaald"), _("Verandering"),
                  _("Stand")], rows)


def _step_table(scope: Select) -> Table:
    return Table("steps", _(TABLE_TITLES["steps"]),
                 [_("Stap"), _("Trajecten"), _("Mediaan (dagen)"), _("90e percentiel (dagen)"),
                  _("Knelpunt")],
                 [[f"{s.step.value}. {_(s.step.definition.name)}", s.projects, s.median_days,
                   s.p90_days, _("ja") if s.bottleneck else ""]
                  for s in queries.step_flows(scope)])


def _quarter_table(scope: Select) -> Table:
    return Table("quarters", _(TABLE_TITLES["quarters"]),
                 [_("Kwartaal"), _("Afgeronde trajecten")],
                 [[label, count] for label, count in queries.throughput(scope)])


def _improvement_table(scope: Select) -> Table:
    counts = queries.improvement_counts(queries.closed_in(scope))
    rows: list[list[Cell]] = []
    for horizon in IMPROVEMENT_ROWS:
        for decision in IMPROVEMENT_COLUMNS:
            rows.append([_(Horizon(horizon).label) if horizon else _("Nog geen horizon"),
                         _(Decision(decision).label),
                         counts.get((horizon, decision), 0)])
    return Table("improvements", _(TABLE_TITLES["improvements"]),
                 [_("Horizon"), _("Besluit"), _("Aantal")], rows)


def _benefit_table(scope: Select) -> Table:
    """The register per improvement; unknown costs stay empty with "onbekend" beside them."""
    rows: list[list[Cell]] = [
        [row.project, row.unit, row.owner, row.year, row.improvement, row.euros_expected,
         row.euros_actual, row.hours_expected, row.hours_actual, ", ".join(row.qualities),
         row.one_off, row.recurring,
         _("ja") if row.one_off is None or row.recurring is None else _("nee"),
         row.net_expected, row.net_actual, row.payback_months]
        for row in register.register(scope)]
    return Table("benefits", _(TABLE_TITLES["benefits"]), [
        _("Traject"), _("Afdeling"), _("Proceseigenaar"), _("Jaar"), _("Verbetering"),
        _("Euro per jaar verwacht"), _("Euro per jaar gerealiseerd"), _("Uren per jaar verwacht"),
        _("Uren per jaar gerealiseerd"), _("Kwaliteit"), _("Eenmalige kosten"),
        _("Structurele kosten per jaar"), _("Kosten onbekend"), _("Netto per jaar verwacht"),
        _("Netto per jaar gerealiseerd"), _("Terugverdientijd (maanden)")], rows)


TABLES = {"kpis": _kpi_table, "steps": _step_table, "quarters": _quarter_table,
          "improvements": _improvement_table, "benefits": _benefit_table}


def _dutch(value: Cell) -> str:
    """A number exactly as stored (no rounding to six digits, no exponent), with a decimal
    comma; text neutralised against formulas."""
    if isinstance(value, float):
        return format(Decimal(repr(value or 0.0)).normalize(), "f").replace(".", ",")
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


def _write(sheet, row: int, column: int, cell: Cell) -> None:
    write: Callable = sheet.write_number if isinstance(cell, int | float) else sheet.write_string
    write(row, column, cell if isinstance(cell, int | float) else ("" if cell is None else cell))
