"""The process library page (library.index)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from . import queries

bp = Blueprint("library", __name__, url_prefix="/processes")


@bp.route("")
@login_required
def index():
    rows, shown = queries.library(current_user._get_current_object(),
                                  request.args.get("page", 1, type=int), date.today())
    return render_template("library/index.html", rows=rows, shown=shown)
