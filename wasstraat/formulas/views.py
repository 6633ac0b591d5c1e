"""Step 5: choose the service formula and compare today's practice with it, per P."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access
from ..errors import refuse_above
from ..extensions import db
from ..forms import choices
from ..models import ServiceFormula
from ..questions import services as questions
from ..workflow import SERVICE_PS, QuestionSet
from . import services
from .forms import ChooseFormulaForm, ComparisonForm, ComparisonsForm

bp = Blueprint("formulas", __name__, url_prefix="/projects/<int:project_id>/formula")


def _user():
    return current_user._get_current_object()


def _choose_form(*, submitted: bool = False) -> ChooseFormulaForm:
    form = ChooseFormulaForm() if submitted else ChooseFormulaForm(formdata=None)
    form.formula_id.choices = choices((f.id, f.name) for f in services.formulas(active_only=True))
    return form


def _render(access: ProjectAccess, *, status: int = 200, choose_form=None,
            failed: dict[str, ComparisonForm] | None = None, error: str | None = None):
    project = access.project
    comparisons = services.comparisons_of(project)
    forms = {p.key: ComparisonForm(formdata=None, obj=comparisons.get(p.key), prefix=p.key,
                                   meta={"csrf": False}) for p in SERVICE_PS}
    forms.update(failed or {})
    choose = choose_form or _choose_form()
    choose.formula_id.data = choose.formula_id.data or project.service_formula_id
    return render_template(
        "formulas/index.html", access=access, project=project, ps=SERVICE_PS,
        comparisons=comparisons, forms=forms, page_form=ComparisonsForm(formdata=None),
        choose_form=choose, error=error,
        questions=questions.questions_of(project, QuestionSet.FORMULA),
    ), status


def _refuse_above(project_id: int) -> None:
    """A refusal shows the comparison again with the reason on top."""
    refuse_above(lambda **shown: _render(project_access(project_id), **shown))


@bp.route("")
@login_required
def index(project_id: int):
    return _render(project_access(project_id))


@bp.route("/choose", methods=["POST"])
@login_required
def choose(project_id: int):
    access = project_access(project_id, need=Action.EDIT_FORMULA)
    form = _choose_form(submitted=True)
    if not form.validate_on_submit():
        return _render(access, status=422, choose_form=form)
    _refuse_above(project_id)
    services.choose_formula(access.project, _user(),
                            db.session.get(ServiceFormula, form.formula_id.data))
    db.session.commit()
    flash(_("De serviceformule is gekozen."), "success")
    return redirect(url_for("formulas.index", project_id=project_id), 303)


@bp.route("/compare", methods=["POST"])
@login_required
def compare(project_id: int):
    """The six P's on one form: each P that was filled in is saved, or none when one is
    wrong."""
    access = project_access(project_id, need=Action.EDIT_FORMULA)
    page = ComparisonsForm()
    forms = {p: ComparisonForm(prefix=p, meta={"csrf": False}) for p in services.P_KEYS}
    given = {p: form for p, form in forms.items() if form.is_filled()}
    wrong = {p: form for p, form in given.items() if not form.validate()}
    if not page.validate_on_submit() or wrong or not given:
        return _render(access, status=422, failed=wrong, error=None if given else _(
            "Vul bij minstens één P de huidige praktijk en het oordeel in."))
    _refuse_above(project_id)
    services.save_comparisons(access.project, _user(), {
        p: (form.version.data, form.values()) for p, form in given.items()})
    db.session.commit()
    flash(_("De vergelijking is opgeslagen."), "success")
    return redirect(url_for("formulas.index", project_id=project_id) + "#comparison-heading",
                    303)
