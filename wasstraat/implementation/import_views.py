"""The implementation plan's actions from Excel or CSV: who, from when to when, how far
(import_pages.py for the page; imports.py for the rules)."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access
from ..import_pages import ImportKind, import_page, workbook_download
from . import imports, template_file

bp = Blueprint("action_imports", __name__,
               url_prefix="/projects/<int:project_id>/implementation/import")


def _kind(project_id: int) -> ImportKind:
    return ImportKind(
        heading=_("Acties importeren uit Excel of CSV"),
        intro=_("Vul per verbetering uit het implementatieplan in wie haar uitvoert en "
                "wanneer (stap 9), of hoe ver ze is (stap 10)."),
        back_label=_("Implementatieplan"),
        back_url=url_for("implementation.index", project_id=project_id),
        template_url=url_for("action_imports.template", project_id=project_id),
        action_url=url_for("action_imports.index", project_id=project_id),
        columns=imports.COLUMNS, column_help=imports.COLUMN_HELP,
        shown_columns=[_("Verbetering"), _("Verantwoordelijke"), _("Gepland"), _("Status")],
        shown=imports.shown)


def _planner_or_reporter(project_id: int) -> ProjectAccess:
    """Who plans the actions (step 9) or reports on them all (step 10); 403 for the rest."""
    access = project_access(project_id)
    if not (access.permits(Action.ORDER_IMPLEMENTATION)
            or access.permits(Action.UPDATE_ACTION)):
        abort(403)
    return access


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = _planner_or_reporter(project_id)
    actor = current_user._get_current_object()
    return import_page(
        access.project, _kind(project_id),
        preview=lambda table: imports.preview(access, table),
        apply=lambda checked, filename: imports.apply(access, actor, checked, filename),
        done_url=url_for("implementation.index", project_id=project_id))


@bp.route("/sjabloon.xlsx")
@login_required
def template(project_id: int):
    access = _planner_or_reporter(project_id)
    return workbook_download(template_file.workbook(access.project), "acties-sjabloon.xlsx")
