"""Steps 9 and 10: the implementation plan (order by drag and drop or keyboard), its
planning view and approval; the actions, the evaluation and the KPI after-measurements."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import approvals, clock, duties
from ..access import Action, ProjectAccess, project_access, project_object
from ..comments import services as comments
from ..errors import WorkflowError, on_refusal, refuse_into
from ..exports import archive
from ..extensions import db
from ..http import wants_partial
from ..jobs import make_kept_pdf
from ..kpis import services as kpis
from ..mining import services as mining
from ..models import ImplementationItem, Kpi
from ..navigation import back_to, came_from, page_arg, with_next
from ..page_cache import cached_page, project_scope
from ..paging import page_of, window
from ..security import SORTABLE_PAGE_POLICY
from ..workflow import Adoption, CommentSubject, Horizon, Role, Step
from . import services
from .forms import (
    ActionForm,
    ContributionForm,
    EvaluationForm,
    ItemForm,
    MeasurementForm,
    MoveForm,
    NoteForm,
    OrderLockForm,
)

# Who decides the implementation plan (the others contribute to it).
_DECIDERS = set(Step.IMPLEMENTATION_PLAN.definition.product("implementation_plan").confirmed_by)

bp = Blueprint("implementation", __name__,
               url_prefix="/projects/<int:project_id>/implementation")


def _user():
    return current_user._get_current_object()


ITEMS_PER_PAGE = 50
SUGGESTIONS_SHOWN = 10


def _render_index(access: ProjectAccess, *, status: int = 200, error: str | None = None,
                  moved: int | None = None, contribution_form: ContributionForm | None = None):
    """The plan a page of ITEMS_PER_PAGE items at a time (the page asked for, or the one the
    moved item landed on); approval, suggestion and planning from the whole plan's summary."""
    project = access.project
    today = clock.today()
    summary = services.kept_plan_summary(project, today, SUGGESTIONS_SHOWN,
                                         services.BLOCKERS_SHOWN)
    ids = summary.ids
    shown = window(len(ids), page_arg(), ITEMS_PER_PAGE)
    if moved in ids:
        shown = window(len(ids), shown.page_of(ids.index(moved) + 1), ITEMS_PER_PAGE)
    on_page = services.plan_lines(project, ids[shown.offset:shown.last])
    approval = services.latest_approval(project)
    template = "implementation/_order.html" if wants_partial() else "implementation/index.html"
    return render_template(
        template, access=access, project=project, items=on_page, shown=shown,
        plan_page=lambda n: url_for("implementation.index", project_id=project.id, page=n),
        titles=services.titles_of({line.waits_for_id for line in on_page} - {None}),
        lock=services.order_lock(project), error=error, moved=moved,
        suggestion=summary.suggestion,
        horizon_labels={horizon.value: _(horizon.label) for horizon in Horizon},
        timeline=services.timeline_of(summary.months, on_page), approval=approval,
        kept_versions=archive.approved_versions(project),
        approval_current=approval is not None and approval.fingerprint == summary.fingerprint,
        approval_blockers=summary.approval_blockers,
        overdue={i.id for i in services.overdue(on_page, today)},
        actions=summary.actions,
        contributions=services.contributions_of(project),
        contribution_form=contribution_form or _contribution_form(access, formdata=False),
    ), status


@bp.route("")
@login_required
@cached_page(project_scope)
def index(project_id: int):
    body, status = _render_index(project_access(project_id))
    response = make_response(body, status)
    response.headers["Content-Security-Policy"] = SORTABLE_PAGE_POLICY
    return response


def _refuse_on_plan(project_id: int) -> None:
    """A stale or refused change shows the plan as it is now, with the reason."""
    on_refusal(lambda error: _render_index(project_access(project_id), status=error.status_code,
                                           error=error.message))


def _reordered(project_id: int, do, moved: int | None = None) -> object:
    """Run a reorder; a stale or refused one shows the current order with the reason."""
    access = project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
    _refuse_on_plan(project_id)
    do(access)
    db.session.commit()
    if wants_partial():
        return _render_index(project_access(project_id), moved=moved or -1)
    flash(_("De volgorde is opgeslagen."), "success")
    page = page_arg()
    if moved:
        page = page_of(services.place_of(access.project, moved), ITEMS_PER_PAGE)
    anchor = f"#item-{moved}" if moved else "#order-section"
    return redirect(url_for("implementation.index", project_id=project_id,
                            **({"page": page} if page > 1 else {})) + anchor, 303)


@bp.route("/order", methods=["POST"])
@login_required
def order(project_id: int):
    """The whole order at once, as drag and drop sends it."""
    form = OrderLockForm()
    try:
        ids = [int(value) for value in request.form.getlist("item")]
    except ValueError:
        ids = []
    if not form.validate_on_submit() or not ids:
        project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
        return _render_index(project_access(project_id), status=422,
                             error=_("De nieuwe volgorde kon niet worden gelezen."))
    return _reordered(project_id, lambda access: services.reorder(
        access.project, _user(), ids, expected_version=form.version.data))


@bp.route("/items/<int:item_id>/move", methods=["POST"])
@login_required
def move(project_id: int, item_id: int):
    """One improvement to a new place, by the up/down buttons or a typed position."""
    access = project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
    item = project_object(access, ImplementationItem, item_id)
    form = MoveForm()
    if request.form.get("to"):  # an up or down button sends its target place as "to"
        form.position.data = request.form.get("to", type=int)
        form.position.raw_data = [str(form.position.data)]
    if not form.validate_on_submit():
        return _render_index(access, status=422,
                             error=" ".join(str(e) for e in form.position.errors
                                            or form.version.errors)
                             or _("De nieuwe plaats kon niet worden gelezen."))
    return _reordered(project_id, lambda access: services.move(
        access.project, _user(), item, to_position=form.position.data,
        expected_version=form.version.data), moved=item.id)


@bp.route("/suggestion", methods=["POST"])
@login_required
def suggestion(project_id: int):
    form = OrderLockForm()
    if not form.validate_on_submit():
        project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
        return _render_index(project_access(project_id), status=422)
    return _reordered(project_id, lambda access: services.apply_suggestion(
        access.project, _user(), expected_version=form.version.data))


@bp.route("/sync", methods=["POST"])
@login_required
def sync(project_id: int):
    access = project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
    added = services.sync_from_final_plan(access.project, _user())
    db.session.commit()
    flash(ngettext("%(num)d verbetering uit het definitieve verbeterplan toegevoegd.",
                   "%(num)d verbeteringen uit het definitieve verbeterplan toegevoegd.", added),
          "success")
    return redirect(url_for("implementation.index", project_id=project_id), 303)


def _item_form(access: ProjectAccess, item: ImplementationItem, formdata: bool = True):
    form = ItemForm(obj=item) if formdata else ItemForm(formdata=None, obj=item)
    form.setup_choices(access.project,
                       services.waits_for_choices(item, request.args.get("waits_q", "")))
    return form


def _render_item(access: ProjectAccess, item: ImplementationItem, form: ItemForm,
                 status: int = 200):
    return render_template("implementation/item.html", access=access, project=access.project,
                           item=item, form=form, waits_q=request.args.get("waits_q", "")), status


@bp.route("/items/<int:item_id>/waits-for")
@login_required
def waits_for(project_id: int, item_id: int):
    """The "wacht op" choices matching ``waits_q``: the field, for htmx while typing."""
    access = project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
    row = project_object(access, ImplementationItem, item_id)
    return render_template("implementation/_waits_for_choices.html",
                           form=_item_form(access, row, formdata=False),
                           waits_q=request.args.get("waits_q", ""))


def _refuse_on_item(project_id: int, item_id: int, page, fresh_form) -> None:
    """A refused change to one item shows its page as it is now, ``fresh_form(access, row)``
    holding the stored data and the reason; ``page(access, row, form, status)`` renders."""

    def render(error: WorkflowError):
        access = project_access(project_id)
        row = project_object(access, ImplementationItem, item_id)
        form = fresh_form(access, row)
        form.form_errors.append(error.message)
        return page(access, row, form, error.status_code)

    on_refusal(render)


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(project_id: int, item_id: int):
    access = project_access(project_id)
    row = project_object(access, ImplementationItem, item_id)
    if request.method == "GET":
        return _render_item(access, row, _item_form(access, row, formdata=False))
    access.require(Action.ORDER_IMPLEMENTATION)
    form = _item_form(access, row)
    if not form.validate_on_submit():
        return _render_item(access, row, form, 422)
    _refuse_on_item(project_id, item_id, _render_item,
                    lambda access, row: _item_form(access, row, formdata=False))
    services.update_item(row, access.project, _user(), expected_version=form.version.data,
                         values=form.values())
    db.session.commit()
    flash(_("%(title)s is bijgewerkt.", title=row.improvement.title), "success")
    return redirect(url_for("implementation.index", project_id=project_id)
                    + f"#item-{item_id}", 303)


@bp.route("/approve", methods=["POST"])
@login_required
def approve(project_id: int):
    access = project_access(project_id, need=Action.ORDER_IMPLEMENTATION)
    _refuse_on_plan(project_id)
    approval = approvals.approve_implementation(access.project, _user())
    db.session.commit()
    make_kept_pdf("implementation_approval", approval.id)
    return back_to(url_for("implementation.index", project_id=project_id),
                   _("U heeft het implementatieplan vastgesteld."))


def _contribution_form(access: ProjectAccess, formdata: bool = True) -> ContributionForm:
    form = ContributionForm() if formdata else ContributionForm(formdata=None)
    roles = [role for role in Step.IMPLEMENTATION_PLAN.definition.actors
             if role in access.roles and role not in _DECIDERS]
    form.role.choices = [(role.value, duties.role_name(role)) for role in roles]
    return form


@bp.route("/contributions", methods=["POST"])
@login_required
def contribute(project_id: int):
    access = project_access(project_id, need=Action.CONTRIBUTE_IMPLEMENTATION)
    form = _contribution_form(access)
    if not form.validate_on_submit():
        return _render_index(access, contribution_form=form, status=422)
    refuse_into(form, lambda shown, status: _render_index(
        project_access(project_id), contribution_form=shown, status=status))
    services.contribute(access.project, _user(), Role(form.role.data), form.text.data)
    db.session.commit()
    return back_to(url_for("implementation.index", project_id=project_id) + "#contributions",
                   _("Uw inbreng is vastgelegd; de proceseigenaar ziet het bij het plan."))


def _render_action(access: ProjectAccess, row: ImplementationItem, *,
                   form: ActionForm | None = None, note_form: NoteForm | None = None,
                   status: int = 200):
    return render_template(
        "implementation/action.html", access=access, project=access.project, item=row,
        form=form or ActionForm(formdata=None, obj=row),
        note_form=note_form or NoteForm(formdata=None),
        may_update=access.can(Action.UPDATE_ACTION, item=row)
        and row.adoption is Adoption.TAKEN_OVER,
        comment_count=comments.count(access.project, CommentSubject.ACTION, row.id),
    ), status


@bp.route("/actions/<int:item_id>", methods=["GET", "POST"])
@login_required
def action(project_id: int, item_id: int):
    access = project_access(project_id)
    row = project_object(access, ImplementationItem, item_id)
    if request.method == "GET":
        return _render_action(access, row)
    access.require(Action.UPDATE_ACTION, item=row)
    form = ActionForm()
    if not form.validate_on_submit():
        return _render_action(access, row, form=form, status=422)
    _refuse_on_item(project_id, item_id,
                    lambda access, row, form, status: _render_action(access, row, form=form,
                                                                     status=status),
                    lambda access, row: ActionForm(formdata=None, obj=row))
    services.update_action(row, access.project, _user(), expected_version=form.version.data,
                           status=form.status.data, blocked_reason=form.blocked_reason.data or "")
    db.session.commit()
    return back_to(url_for("implementation.action", project_id=project_id, item_id=item_id),
                   _("De status is opgeslagen."))


@bp.route("/actions/<int:item_id>/notes", methods=["POST"])
@login_required
def add_note(project_id: int, item_id: int):
    access = project_access(project_id)
    row = project_object(access, ImplementationItem, item_id)
    access.require(Action.UPDATE_ACTION, item=row)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_action(access, row, note_form=form, status=422)
    refuse_into(form, lambda shown, status: _render_action(
        project_access(project_id), row, note_form=shown, status=status))
    services.add_note(row, access.project, _user(), form.text.data)
    db.session.commit()
    flash(_("De voortgang is genoteerd."), "success")
    return redirect(with_next(url_for("implementation.action", project_id=project_id,
                                      item_id=item_id), came_from()) + "#notes", 303)


def _evaluation_form(evaluation, project) -> EvaluationForm:
    """The evaluation as stored; version 0 while there is none yet, held by the process
    owner as the method has it."""
    if evaluation is None:
        owners = project.holders(Role.PROCESS_OWNER)
        return EvaluationForm(formdata=None, version=0,
                              owner_id=owners[0].id if owners else None)
    return EvaluationForm(formdata=None, obj=evaluation)


def _render_evaluation(access: ProjectAccess, *, form: EvaluationForm | None = None,
                       measurement_form: MeasurementForm | None = None, status: int = 200):
    project = access.project
    evaluation = services.evaluation_of(project)
    form = form or _evaluation_form(evaluation, project)
    form.setup_choices(project)
    project_kpis = kpis.kpis_of(project)
    measurement_form = measurement_form or MeasurementForm(formdata=None)
    measurement_form.setup_choices(project_kpis)
    ended_tasks, ended_actions = services.ended_at_close(project)
    return render_template(
        "implementation/evaluation.html", access=access, project=project,
        ended_tasks=ended_tasks, ended_actions=ended_actions,
        evaluation=evaluation, form=form, measurement_form=measurement_form,
        **mining.section(access, "after"),
        results=services.kpi_results([project.id]).get(project.id, []),
    ), status


@bp.route("/evaluation", methods=["GET", "POST"])
@login_required
def evaluation(project_id: int):
    access = project_access(project_id)
    if request.method == "GET":
        return _render_evaluation(access)
    access.require(Action.EVALUATE)
    form = EvaluationForm()
    form.setup_choices(access.project)
    if not form.validate_on_submit():
        return _render_evaluation(access, form=form, status=422)
    refuse_into(form, lambda shown, status: _render_evaluation(
        project_access(project_id), form=shown, status=status),
        reload=lambda: _evaluation_form(services.evaluation_of(access.project),
                                        access.project))
    services.save_evaluation(access.project, _user(), expected_version=form.version.data,
                             values=form.values())
    db.session.commit()
    return back_to(url_for("implementation.evaluation", project_id=project_id),
                   _("De evaluatie is opgeslagen."))


@bp.route("/evaluation/measurements", methods=["POST"])
@login_required
def measure(project_id: int):
    access = project_access(project_id, need=Action.EVALUATE)
    form = MeasurementForm()
    form.setup_choices(kpis.kpis_of(access.project))
    if not form.validate_on_submit():
        return _render_evaluation(access, measurement_form=form, status=422)
    kpi = project_object(access, Kpi, form.kpi_id.data)
    refuse_into(form, lambda shown, status: _render_evaluation(
        project_access(project_id), measurement_form=shown, status=status))
    services.record_measurement(access.project, _user(), kpi, value=form.value.data,
                                measured_on=form.measured_on.data)
    db.session.commit()
    flash(_("De nameting is vastgelegd."), "success")
    return redirect(url_for("implementation.evaluation", project_id=project_id) + "#results",
                    303)
