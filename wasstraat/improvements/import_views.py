"""Improvements from Excel or CSV: the template, the preview with every row's problems, and
the import (all or nothing)."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import spreadsheets
from ..access import Action, ProjectAccess, project_access
from ..errors import InvalidInput, refuse_into
from ..extensions import db
from . import imports, template_file
from .forms import ImportForm

bp = Blueprint("improvement_imports", __name__,
               url_prefix="/projects/<int:project_id>/improvements/import")


def _page(access: ProjectAccess, form: ImportForm, status: int = 200, checked=None):
    return render_template("improvements/import.html", access=access, project=access.project,
                           form=form, checked=checked, columns=imports.COLUMNS,
                           column_help=imports.COLUMN_HELP, column_of=imports.column_of,
                           max_rows=spreadsheets.MAX_ROWS), status


def _sent(form: ImportForm) -> tuple[bytes, str]:
    """The file chosen, or the one the preview kept."""
    if form.file.data:
        return form.file.data.read(spreadsheets.MAX_FILE_BYTES + 1), form.file.data.filename
    try:
        return base64.b64decode(form.kept.data or "", validate=True), form.filename.data or ""
    except (binascii.Error, ValueError):
        raise InvalidInput(_("Kies het bestand opnieuw."), field="file") from None


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(access, form, 422 if form.is_submitted() else 200)
    refuse_into(form, lambda shown, status: _page(project_access(project_id), shown, status),
                field="file")
    data, filename = _sent(form)
    actor = current_user._get_current_object()
    checked = imports.preview(access.project, actor, spreadsheets.read(data, filename))
    if not checked.ok or form.file.data:  # a new file is shown first, never imported at once
        form.kept.data, form.filename.data = base64.b64encode(data).decode(), filename
        return _page(access, form, 200 if checked.ok else 422, checked)
    count = imports.apply(access.project, actor, checked, filename)
    db.session.commit()
    flash(ngettext("%(num)d verbetering is geïmporteerd.",
                   "%(num)d verbeteringen zijn geïmporteerd.", count), "success")
    return redirect(url_for("improvements.index", project_id=project_id), 303)


@bp.route("/sjabloon.xlsx")
@login_required
def template(project_id: int):
    access = project_access(project_id, need=Action.ADD_IMPROVEMENT)
    return Response(template_file.workbook(access.project), headers={
        "Content-Disposition": 'attachment; filename="verbeteringen-sjabloon.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
