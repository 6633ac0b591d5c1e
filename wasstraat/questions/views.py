"""The questions of a project's question set, one text box per subject; the pages they serve
(the service formula, the review) show them where the work is done."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import project_access
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, prefilled, show_form
from ..http import member_or_404
from ..workflow import QuestionSet
from . import services
from .forms import QuestionsForm

bp = Blueprint("questions", __name__, url_prefix="/projects/<int:project_id>/questions")


@bp.route("/<question_set>", methods=["GET", "POST"])
@login_required
def edit(project_id: int, question_set: str):
    chosen = member_or_404(QuestionSet, question_set)
    access = project_access(project_id, need=chosen.edit_action)
    access.require_open(chosen.edit_action)
    form = prefilled(QuestionsForm.of(chosen),
                     QuestionsForm.data_of(services.questions_of(access.project, chosen)))
    page = form_page("questions/edit.html", access=access, project=access.project,
                     question_set=chosen)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    services.replace(access.project, current_user._get_current_object(), chosen, form.values())
    db.session.commit()
    flash(_("De vragen zijn opgeslagen."), "success")
    return redirect(url_for(chosen.page, project_id=project_id) + "#questions-heading", 303)
