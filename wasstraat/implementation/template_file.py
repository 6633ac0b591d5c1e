"""The .xlsx to plan or update the implementation plan's actions: one row per improvement of
the plan, its title filled in, with the team's names and the statuses to choose from."""

from __future__ import annotations

import io

import xlsxwriter
from flask_babel import gettext as _

from .. import spreadsheets
from ..models import Project
from ..workflow import ActionStatus
from . import services
from .imports import COLUMN_HELP, COLUMNS


def workbook(project: Project) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("Acties"))
    bold = book.add_format({"bold": True})
    names = list(COLUMNS)
    for column, name in enumerate(names):
        sheet.write(0, column, name, bold)
        sheet.set_column(column, column, 50 if name == "Verbetering" else 20)
    items = services.items_of(project)
    for row, item in enumerate(items, start=1):
        sheet.write_string(row, 0, item.improvement.title)
        if item.responsible:
            sheet.write_string(row, 1, item.responsible.name)
        for column, day in ((2, item.start_on), (3, item.end_on)):
            if day:
                sheet.write_string(row, column, day.isoformat())
        sheet.write_string(row, 4, _(item.status.label))
    last = max(len(items), 1) + 200
    sheet.data_validation(1, 4, last, 4, {"validate": "list", "ignore_blank": True,
                                          "source": [_(s.label) for s in ActionStatus]})
    if members := spreadsheets.team_names(project):
        sheet.data_validation(1, 1, last, 1, {"validate": "list", "ignore_blank": True,
                                              "source": members})
    sheet.freeze_panes(1, 0)
    spreadsheets.explain_columns(book, COLUMN_HELP, bold)
    book.close()
    return buffer.getvalue()
