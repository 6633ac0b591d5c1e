"""The page that reads a spreadsheet into a project, for every kind of table: choose a file,
see every row with its problems, import all rows or none. Each kind (improvements, the
implementation plan's actions) gives its texts and columns and its own preview and apply
(their ``imports`` modules); the file comes back with the import button and is judged again."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField
from wtforms import HiddenField

from . import spreadsheets
from .errors import InvalidInput, refuse_into
from .extensions import db
from .forms import FlaskForm


class ImportForm(FlaskForm):
    """A spreadsheet to read; on the preview the same file comes back (``kept``) with the
    button that imports it."""

    file = FileField(_l("Excel- of CSV-bestand"))
    kept = HiddenField()
    filename = HiddenField()


@dataclass(frozen=True)
class ImportKind:
    heading: str
    intro: str
    back_label: str
    back_url: str
    template_url: str
    action_url: str
    columns: dict[str, str]
    column_help: dict[str, Any]
    shown_columns: list[str]  # the preview's columns after the row number
    shown: Callable[[Any], list[str]]  # a valid row's cells in the preview
    max_rows: int = spreadsheets.MAX_ROWS

    def column_of(self, key: str) -> str:
        """The column's name in the file for a field's key (a problem's column)."""
        return next((name for name, k in self.columns.items() if k == key), key)


def _sent(form: ImportForm) -> tuple[bytes, str]:
    """The file chosen, or the one the preview kept."""
    if form.file.data:
        return form.file.data.read(spreadsheets.MAX_FILE_BYTES + 1), form.file.data.filename
    try:
        return base64.b64decode(form.kept.data or "", validate=True), form.filename.data or ""
    except (binascii.Error, ValueError):
        raise InvalidInput(_("Kies het bestand opnieuw."), field="file") from None


def import_page(project, kind: ImportKind, *, preview: Callable, apply: Callable,
                done_url: str):
    """GET: the form; POST: a new file is previewed, a kept one that is in order imported."""
    form = ImportForm()

    def page(shown: ImportForm, status: int, checked=None):
        return render_template("imports/page.html", project=project, kind=kind, form=shown,
                               checked=checked), status

    if not form.validate_on_submit():
        return page(form, 422 if form.is_submitted() else 200)
    refuse_into(form, page, field="file")
    data, filename = _sent(form)
    checked = preview(spreadsheets.read(data, filename))
    if not checked.ok or form.file.data:  # a new file is shown first, never imported at once
        form.kept.data, form.filename.data = base64.b64encode(data).decode(), filename
        return page(form, 200 if checked.ok else 422, checked)
    count = apply(checked, filename)
    db.session.commit()
    flash(ngettext("%(num)d rij is geïmporteerd.", "%(num)d rijen zijn geïmporteerd.", count),
          "success")
    return redirect(done_url, 303)


def workbook_download(data: bytes, filename: str) -> Response:
    return Response(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
