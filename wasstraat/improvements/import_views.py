"""Improvements from Excel or CSV: the template, the preview, the import (import_pages.py)."""

from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, project_access
from ..import_pages import ImportKind, import_page, workbook_download
from . import imports, template_file

bp = Blueprint("improvement_imports", __name__,
               url_prefix="/projects/<int:project_id>/improvements/import")


def _kind(project_id: int) -> ImportKind:
    return ImportKind(
        heading=_("Verbeteringen importeren uit Excel of CSV"),
        intro=_("Typ de verbeterideeën van een sessie op papier in het sjabloon en lees ze "
                "hier in."),
        back_label=_("Verbeteringen"),
        back_url=url_for("improvements.index", project_id=project_id),
        template_url=url_for("improvement_imports.template", project_id=project_id),
        action_url=url_for("improvement_imports.index", project_id=project_id),
        columns=imports.COLUMNS, column_help=imports.COLUMN_HELP,
        shown_columns=[_("Titel"), _("Bron"), _("Ingediend door")], shown=imports.shown)


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    actor = current_user._get_current_object()
    return import_page(
        access.project, _kind(project_id),
        preview=lambda table: imports.preview(access.project, actor, table),
        apply=lambda checked, filename: imports.apply(access.project, actor, checked, filename),
        done_url=url_for("improvements.index", project_id=project_id))


@bp.route("/sjabloon.xlsx")
@login_required
def template(project_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    return workbook_download(template_file.workbook(access.project),
                             "verbeteringen-sjabloon.xlsx")
