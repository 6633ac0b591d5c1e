"""The .xlsx a team fills in to import improvements: the columns of the form, lists to choose
from where the form offers choices, and a sheet that says what each column takes."""

from __future__ import annotations

import io

import xlsxwriter
from flask_babel import gettext as _

from .. import spreadsheets
from ..models import Project
from ..workflow import SCORE_SCALE, Horizon
from .imports import COLUMN_HELP, COLUMNS

ROWS_OFFERED = 2000


def workbook(project: Project) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Verbeteringen"))
    bold = book.add_format({"bold": True})
    names = list(COLUMNS)
    for column, name in enumerate(names):
        sheet.write(0, column, name, bold)
        sheet.set_column(column, column, 40 if name in ("Titel", "Beschrijving") else 18)
    _choices(sheet, names.index("Horizon"), [_(h.label) for h in Horizon])
    for name in ("Impact", "Inspanning"):
        _choices(sheet, names.index(name), [str(n) for n in SCORE_SCALE])
    if members := spreadsheets.team_names(project):
        _choices(sheet, names.index("Ingediend door"), members)
    sheet.freeze_panes(1, 0)
    spreadsheets.explain_columns(book, COLUMN_HELP, bold)
    book.close()
    return buffer.getvalue()


def _choices(sheet, column: int, values: list[str]) -> None:
    sheet.data_validation(1, column, ROWS_OFFERED, column, {
        "validate": "list", "source": values, "ignore_blank": True})
