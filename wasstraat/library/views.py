"""The process library (library.index) and one described process with its suggestions
(library.show)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock
from ..errors import refuse_into
from ..extensions import db
from ..navigation import back_to
from ..workflow import revisit_status
from . import queries, services
from .forms import SuggestionForm

bp = Blueprint("library", __name__, url_prefix="/processes")


@bp.route("")
@login_required
def index():
    rows, shown = queries.library(current_user._get_current_object(),
                                  request.args.get("page", 1, type=int), clock.today())
    return render_template("library/index.html", rows=rows, shown=shown)


def _render_process(project, form: SuggestionForm | None = None, status: int = 200):
    return render_template(
        "library/show.html", project=project, form=form or SuggestionForm(formdata=None),
        steps=services.process_as_it_is(project), owners=queries.owners_of(project),
        revisit=revisit_status(project.revisit_on, clock.today()),
        suggestions=services.suggestions_of(project)), status


@bp.route("/<int:project_id>", methods=["GET", "POST"])
@login_required
def show(project_id: int):
    project = services.described_process(project_id) or abort(404)
    if request.method == "GET":
        return _render_process(project)
    form = SuggestionForm()
    if not form.validate_on_submit():
        return _render_process(project, form, 422)
    refuse_into(form, lambda shown, status: _render_process(project, shown, status))
    services.suggest(project, current_user._get_current_object(), form.text.data)
    db.session.commit()
    return back_to(url_for("library.show", project_id=project_id) + "#suggestions-heading",
                   _("Uw suggestie is naar de proceseigenaar gestuurd."))
