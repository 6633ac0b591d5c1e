"""The step page and the step transitions (start, close, skip, reopen), product confirmations
and notes. htmx requests get the step's work area back as a partial; others a redirect."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import closing
from ..access import Action, ProjectAccess, project_access
from ..comments import services as comments
from ..errors import WorkflowError, on_refusal, refuse_into
from ..extensions import db
from ..forms import choices
from ..gates import EVIDENCE
from ..guidance import closes_project, next_actions, startable_steps
from ..http import member_or_404, wants_partial
from ..models import Task
from ..navigation import back_to, came_from
from ..page_cache import cached_page, project_scope
from ..workflow import CommentSubject, GateVerdict, Step, StepStatus
from . import gate as gates
from . import services
from .forms import CloseStepForm, ConfirmProductForm, GateForm, NotesForm, ReasonForm

bp = Blueprint("steps", __name__, url_prefix="/projects/<int:project_id>/steps")


def _user():
    return current_user._get_current_object()


def _product_forms(step: Step) -> dict[str, ConfirmProductForm]:
    forms = {}
    for product in step.definition.products:
        form = ConfirmProductForm(formdata=None, prefix=product.key)
        form.variant.choices = choices((v.key, _(v.label)) for v in product.variants)
        forms[product.key] = form
    return forms


def render_step(access: ProjectAccess, step: Step, status: int = 200, *,
                error: str | None = None, announce: str | None = None, focus: str = "",
                reason_form: ReasonForm | None = None, reason_for: str | None = None,
                product_form: tuple[str, ConfirmProductForm] | None = None,
                notes_form: NotesForm | None = None, close_form: CloseStepForm | None = None,
                gate_form: GateForm | None = None, partial: str = "work"):
    project = access.project
    state = project.step_state(step)
    confirmations = services.confirmations_by_key(project)
    tasks = db.session.scalars(
        select(Task)
        .where(Task.project_id == project.id, Task.step == int(step))
        .options(selectinload(Task.assignee))
        .order_by(Task.done_at.is_not(None), Task.part, Task.id)
    ).all()
    evidence = services.evidence_problems(project, step)
    product_forms = _product_forms(step)
    if product_form:
        product_forms[product_form[0]] = product_form[1]
    context = {
        "access": access, "project": project, "step": step, "definition": step.definition,
        "state": state, "confirmations": confirmations, "tasks": tasks,
        "start_blockers": services.start_blockers(project, step),
        "can_skip": access.can(Action.MOVE_STEP) and services.may_skip(project, step),
        "close_blockers": services.close_blockers(project, step, confirmations, evidence),
        "evidence": evidence,
        "comment_count": comments.count(project, CommentSubject.STEP, int(step)),
        "evidence_rules": EVIDENCE,
        "product_forms": product_forms,
        "reason_form": reason_form or ReasonForm(formdata=None), "reason_for": reason_for,
        "notes_form": notes_form or NotesForm(formdata=None, obj=state),
        "close_form": close_form or _close_form(access, step),
        "gate": (gate := gates.gate_of(project, step)),
        "gate_form": gate_form or GateForm(formdata=None),
        "gate_decisions": gates.decisions_of(project, step) if gate else [],
        "gate_waits_for_work": bool(gate) and bool(services.work_blockers(
            project, step, confirmations, evidence)),
        "holders": {role: [m.user for m in project.memberships if role in m.roles]
                    for role in step.definition.actors},
        "error": error, "announce": announce, "focus": focus,
        "step_title": services.step_title(step),
        "guidance": next_actions(project, access.user, access.roles),
    }
    if wants_partial():
        return render_template(f"steps/_{partial}.html", **context), status
    return render_template("steps/show.html", **context), status


def _close_form(access: ProjectAccess, step: Step) -> CloseStepForm | None:
    """The close form with what would end unfinished, for whoever may close the step now."""
    if not (access.project.step_status(step) is StepStatus.IN_PROGRESS
            and access.can(Action.CLOSE_STEP, step=step)):
        return None
    return _closing_form(access.project, step, formdata=None)


def _closing_form(project, step: Step, **kwargs) -> CloseStepForm:
    """The close form of this moment: its loose ends, and what a finishing close asks."""
    finishing = closes_project(project, step)
    return CloseStepForm.for_ends(
        closing.loose_ends(project, step), closes_project=finishing,
        asks_unmeasured=finishing and closing.needs_unmeasured_reason(project), **kwargs)


def _done(access: ProjectAccess, step: Step, message: str, focus: str = "status-heading"):
    """``focus``: the id where keyboard focus goes after an in-place update (what changed)."""
    db.session.commit()
    if came_from():
        return back_to(url_for("steps.show", project_id=access.project.id, number=int(step)),
                       message)
    if wants_partial():
        return render_step(access, step, announce=message, focus=focus)
    flash(message, "success")
    return redirect(url_for("steps.show", project_id=access.project.id, number=int(step)), 303)


def _refuse_on(project_id: int, step: Step, at=None, **forms) -> None:
    """A refusal shows the step again with the reason on top (and at the field ``at``)."""

    def render(error: WorkflowError):
        if at is not None:
            at.errors = [error.message]
        return render_step(project_access(project_id), step, error.status_code,
                           error=error.message, **forms)

    on_refusal(render)


@bp.route("/<int:number>")
@login_required
@cached_page(project_scope)
def show(project_id: int, number: int):
    step = member_or_404(Step, number)
    return render_step(project_access(project_id), step)


@bp.route("/<int:number>/start", methods=["POST"])
@login_required
def start(project_id: int, number: int):
    step = member_or_404(Step, number)
    access = project_access(project_id, need=Action.MOVE_STEP)
    _refuse_on(project_id, step)
    services.start_step(access.project, step, _user())
    return _done(access, step, _("%(step)s is gestart.", step=services.step_title(step)))


@bp.route("/<int:number>/close", methods=["POST"])
@login_required
def close(project_id: int, number: int):
    step = member_or_404(Step, number)
    access = project_access(project_id)
    access.require(Action.CLOSE_STEP, step=step)
    form = _closing_form(access.project, step)
    if not form.validate_on_submit():
        return render_step(access, step, 422, close_form=form)
    refuse_into(form, lambda shown, status: render_step(
        project_access(project_id), step, status, close_form=shown,
        error=" ".join(shown.form_errors) or None))
    closing.close_step(access.project, step, _user(), services.confirmations_by_key(
        access.project), form.endings(), form.revisit_on.data if form.finishes else None,
        form.unmeasured)
    return _done(access, step, _closed_message(access.project, step))


@bp.route("/<int:number>/gate", methods=["POST"])
@login_required
def gate(project_id: int, number: int):
    step = member_or_404(Step, number)
    access = project_access(project_id)
    access.require(Action.DECIDE_GATE, step=step)
    form = GateForm()
    if not form.validate_on_submit():
        return render_step(access, step, 422, gate_form=form)
    refuse_into(form, lambda shown, status: render_step(
        project_access(project_id), step, status, gate_form=shown,
        error=" ".join(shown.form_errors) or None))
    verdict = GateVerdict(form.verdict.data)
    services.decide_gate(access.project, step, _user(), access.roles, verdict=verdict,
                         reason=form.reason.data or "")
    message = (_("U gaf een go.") if verdict is GateVerdict.GO else
               _("U gaf een no-go; de projectleider krijgt de reden als taak."))
    return _done(access, step, message, focus="gate-heading")


def _closed_message(project, step: Step) -> str:
    """Confirm the close and say what can come next."""
    message = _("%(step)s is afgerond.", step=services.step_title(step))
    if project.is_finished:
        return message + " " + (
            _("Alle stappen zijn klaar: het traject is afgerond.") if project.completed_at
            else _("Alle stappen zijn klaar. De borging begint: de KPI's worden nagemeten."))
    upcoming = sorted(startable_steps(project))
    if upcoming:
        return message + " " + _("Nu kan %(step)s starten.",
                                 step=services.step_title(upcoming[0]))
    return message


def _transition_with_reason(project_id: int, number: int, kind: str, action, done_message: str):
    step = member_or_404(Step, number)
    access = project_access(project_id)
    # A closed project is reopened only by its process owner, as a recorded decision.
    closed = kind == "reopen" and access.project.is_finished
    access.require(Action.REOPEN_PROJECT if closed else Action.MOVE_STEP)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_step(access, step, 422, reason_form=form, reason_for=kind)
    _refuse_on(project_id, step, reason_form=form, reason_for=kind)
    action(access.project, step, _user(), form.reason.data)
    return _done(access, step, done_message % {"step": services.step_title(step)})


@bp.route("/<int:number>/skip", methods=["POST"])
@login_required
def skip(project_id: int, number: int):
    return _transition_with_reason(project_id, number, "skip", services.skip_step,
                                   _("%(step)s is overgeslagen."))


@bp.route("/<int:number>/reopen", methods=["POST"])
@login_required
def reopen(project_id: int, number: int):
    return _transition_with_reason(project_id, number, "reopen", services.reopen_step,
                                   _("%(step)s is heropend."))


def _product(step: Step, key: str):
    product = step.definition.product(key)
    if product is None:
        abort(404)
    return product


@bp.route("/<int:number>/products/<key>/confirm", methods=["POST"])
@login_required
def confirm_product(project_id: int, number: int, key: str):
    step = member_or_404(Step, number)
    product = _product(step, key)
    access = project_access(project_id)
    access.require(Action.CONFIRM_PRODUCT, product=product)
    form = ConfirmProductForm(prefix=product.key)
    form.variant.choices = choices((v.key, _(v.label)) for v in product.variants)
    if not form.validate_on_submit():
        return render_step(access, step, 422, product_form=(key, form))
    _refuse_on(project_id, step, form.variant if product.variants else None,
               product_form=(key, form))
    services.confirm_product(access.project, step, product, _user(), access.roles,
                             variant=form.variant.data or "", note=form.note.data or "")
    return _done(access, step, _("Bevestigd: %(product)s.", product=_(product.title)),
                 focus=f"product-{product.key}")


@bp.route("/<int:number>/products/<key>/withdraw", methods=["POST"])
@login_required
def withdraw_product(project_id: int, number: int, key: str):
    step = member_or_404(Step, number)
    product = _product(step, key)
    access = project_access(project_id)
    access.require(Action.CONFIRM_PRODUCT, product=product)
    confirmation = services.confirmations_by_key(access.project).get(key)
    if confirmation is None:
        abort(404)
    _refuse_on(project_id, step)
    services.withdraw_confirmation(access.project, step, confirmation, _user())
    return _done(access, step, _("Bevestiging ingetrokken: %(product)s.",
                                 product=_(product.title)), focus=f"product-{product.key}")


@bp.route("/<int:number>/notes", methods=["POST"])
@login_required
def notes(project_id: int, number: int):
    step = member_or_404(Step, number)
    access = project_access(project_id)
    access.require(Action.EDIT_STEP_NOTES, step=step)
    state = access.project.step_state(step)
    form = NotesForm()
    if not form.validate_on_submit():
        return render_step(access, step, 422, notes_form=form, partial="notes")
    refuse_into(form, lambda shown, status: render_step(
        project_access(project_id), step, status, notes_form=shown, partial="notes"),
        reload=lambda: NotesForm(formdata=None,
                                 obj=project_access(project_id).project.step_state(step)))
    services.save_notes(state, _user(), expected_version=form.version.data,
                        notes=form.notes.data or "")
    db.session.commit()
    return _notes_saved(access, step)


def _notes_saved(access: ProjectAccess, step: Step):
    message = _("De aantekeningen zijn opgeslagen.")
    if wants_partial():
        return render_step(access, step, partial="notes", announce=message)
    flash(message, "success")
    return redirect(url_for("steps.show", project_id=access.project.id, number=int(step))
                    + "#notes", 303)
