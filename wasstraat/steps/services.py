"""Moving a project through the ten steps: start, confirm products, close, skip, reopen.

The rules come from :mod:`wasstraat.workflow`; this module applies them to a project's state.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from .. import audit
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..gates import CONFIRM_PRECONDITIONS, EVIDENCE, ON_REOPEN, ON_START
from ..models import ImplementationItem, ProductConfirmation, Project, StepState, User, utcnow
from ..project_templates import requirements
from ..tasks.services import create_step_tasks
from ..titles import step_title
from ..windows import require_open
from ..workflow import (
    Action,
    GateVerdict,
    Pending,
    Product,
    Role,
    Step,
    StepStatus,
    missing_prerequisites,
    pending,
)
from . import gate as gates_of_steps


def finished_steps(project: Project) -> set[Step]:
    return {s.step for s in project.steps if s.status.is_finished}


def start_blockers(project: Project, step: Step) -> list[str]:
    state = project.step_state(step)
    if state.status != StepStatus.NOT_STARTED:
        return [_("Deze stap is al gestart.")]
    missing = missing_prerequisites(step, finished_steps(project))
    return [_("Rond eerst %(step)s af.", step=step_title(s)) for s in missing]


def close_blockers(project: Project, step: Step,
                   confirmations: dict[str, ProductConfirmation],
                   evidence: dict[Product, list[str]]) -> list[Pending]:
    """Why the step may not close yet, each with who lifts it and where ("Wat nu?" reads
    them): its work first; once that is in order, its gate (a go is asked of work that is
    done); empty when its close rule holds and its approvers said go."""
    blockers = work_blockers(project, step, confirmations, evidence)
    if blockers or project.step_status(step) is not StepStatus.IN_PROGRESS:
        return blockers
    return gates_of_steps.problems(gates_of_steps.gate_of(project, step))


def work_blockers(project: Project, step: Step,
                  confirmations: dict[str, ProductConfirmation],
                  evidence: dict[Product, list[str]]) -> list[Pending]:
    """What the step's own work still lacks, before anyone decides on it at its gate."""
    state = project.step_state(step)
    if state.status != StepStatus.IN_PROGRESS:
        return [Pending(_("Alleen een stap die bezig is kan worden afgerond."), (), "step")]
    blockers = []
    for product, problems in evidence.items():
        page = EVIDENCE[product.evidence].page
        blockers += [pending(problem, product.confirmed_by, page, _(product.title))
                     for problem in problems]
    return blockers + [_unconfirmed(product) for product in step.definition.products
                       if not product.evidence and product.key not in confirmations
                       ] + requirements.problems(project, step)


def _unconfirmed(product: Product) -> Pending:
    text, detail = _("Nog niet bevestigd: %(product)s.", product=_(product.title)), _(
        "Nog niet bevestigd.")
    if product.variants:  # the confirm form asks which way it was delivered
        choose = _("Kies bij het bevestigen hoe het tot stand is gekomen.")
        text, detail = f"{text} {choose}", f"{detail} {choose}"
    return Pending(text, product.confirmed_by, f"step#product-{product.key}",
                   subject=_(product.title), detail=detail)


def decide_gate(project: Project, step: Step, actor: User, roles: set[Role], *,
                verdict: GateVerdict, reason: str) -> None:
    """An approver's go or no-go, for each of their roles the gate asks; a go only once the
    step's own work is in order."""
    gate = gates_of_steps.gate_of(project, step)
    deciding = [role for role in (gate.roles if gate else ()) if role in roles]
    if not deciding:
        raise WorkflowError(_("Deze stap vraagt geen go of no-go van u."))
    rest = work_blockers(project, step, confirmations_by_key(project),
                         evidence_problems(project, step))
    for role in deciding:
        gates_of_steps.decide(project, step, actor, role, verdict=verdict, reason=reason,
                              rest=rest)


def evidence_problems(project: Project, step: Step) -> dict[Product, list[str]]:
    """For each product the app checks itself: what is still missing."""
    return {
        product: EVIDENCE[product.evidence].problems(project)
        for product in step.definition.products
        if product.evidence
    }


def _mark(state: StepState, actor: User, action: str, before: str, **details: object) -> None:
    audit.record(action, "step", state.step, state.project_id, actor=actor,
                 before={"status": before}, after={"status": state.status, **details})


def start_step(project: Project, step: Step, actor: User) -> None:
    blockers = start_blockers(project, step)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    state = project.step_state(step)
    state.status = StepStatus.IN_PROGRESS
    state.started_at, state.started_by_id = utcnow(), actor.id
    db.session.flush()
    _mark(state, actor, "step.start", StepStatus.NOT_STARTED)
    create_step_tasks(project, step, actor)
    if step in ON_START:
        ON_START[step](project, actor)


def close_step(project: Project, step: Step, actor: User,
               confirmations: dict[str, ProductConfirmation]) -> None:
    blockers = close_blockers(project, step, confirmations, evidence_problems(project, step))
    if blockers:
        raise WorkflowError(" ".join(blockers))
    state = project.step_state(step)
    state.status = StepStatus.DONE
    state.closed_at, state.closed_by_id = utcnow(), actor.id
    db.session.flush()
    _mark(state, actor, "step.close", StepStatus.IN_PROGRESS)


def skip_blockers(project: Project, step: Step) -> list[str]:
    if not step.definition.skippable:
        return [_("Deze stap kan volgens de methode niet worden overgeslagen.")]
    if project.step_status(step).is_finished:
        return [_("Deze stap is al afgerond of overgeslagen.")]
    missing = missing_prerequisites(step, finished_steps(project))
    return [_("Rond eerst %(step)s af.", step=step_title(s)) for s in missing]


def may_skip(project: Project, step: Step) -> bool:
    return not skip_blockers(project, step)


def skip_step(project: Project, step: Step, actor: User, reason: str) -> None:
    blockers = skip_blockers(project, step)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    state = project.step_state(step)
    before = state.status
    state.status = StepStatus.SKIPPED
    state.skip_reason = reason.strip()
    state.closed_at, state.closed_by_id = utcnow(), actor.id
    db.session.flush()
    _mark(state, actor, "step.skip", before, reason=state.skip_reason)


def reopen_step(project: Project, step: Step, actor: User, reason: str) -> None:
    state = project.step_state(step)
    if not state.status.is_finished:
        raise WorkflowError(_("Alleen een afgeronde of overgeslagen stap kan worden heropend."))
    before = state.status
    never_started = state.started_at is None
    state.status = StepStatus.IN_PROGRESS
    state.closed_at, state.closed_by_id = None, None
    if never_started:
        state.started_at, state.started_by_id = utcnow(), actor.id
    if "actions" in step.definition.loose_ends:  # its ended actions are work again
        db.session.execute(update(ImplementationItem).where(
            ImplementationItem.project_id == project.id,
            ImplementationItem.end_reason.is_not(None)).values(end_reason=None, end_note=""))
    if step in ON_REOPEN:
        ON_REOPEN[step](project, actor)
    gates_of_steps.supersede(project, step)
    db.session.flush()
    _mark(state, actor, "step.reopen", before, reason=reason.strip())
    if never_started:
        create_step_tasks(project, step, actor)
        if step in ON_START:
            ON_START[step](project, actor)


def confirm_product(project: Project, step: Step, product: Product, actor: User,
                    roles: set[Role], *, variant: str, note: str) -> ProductConfirmation:
    if product.evidence:
        raise WorkflowError(_("Dit product wordt gecontroleerd aan de hand van de gegevens in "
                              "het traject, niet met de hand bevestigd."))
    require_open(project, Action.CONFIRM_PRODUCT, step)
    if product.variants and variant not in {v.key for v in product.variants}:
        raise WorkflowError(_("Kies hoe dit product tot stand is gekomen."))
    precondition = CONFIRM_PRECONDITIONS.get(product.key)
    problems = precondition(project, variant) if precondition else []
    if problems:
        raise WorkflowError(" ".join(problems))
    if not product.variants:
        variant = ""
    existing = db.session.scalar(
        select(ProductConfirmation).where(
            ProductConfirmation.project_id == project.id,
            ProductConfirmation.product_key == product.key,
        )
    )
    if existing is not None:
        raise WorkflowError(_("Dit product is al bevestigd."))
    role = next(r for r in product.confirmed_by if r in roles)
    confirmation = ProductConfirmation(
        project_id=project.id, step=int(step), product_key=product.key, variant=variant,
        note=note.strip(), confirmed_by_id=actor.id, confirmed_role=role,
    )
    db.session.add(confirmation)
    db.session.flush()
    audit.record("product.confirm", "product", confirmation.id, project.id, actor=actor,
                 after={"product": product.key, "variant": variant, "role": role.value,
                        "note": confirmation.note})
    return confirmation


def withdraw_confirmation(project: Project, step: Step, confirmation: ProductConfirmation,
                          actor: User) -> None:
    require_open(project, Action.CONFIRM_PRODUCT, step)
    audit.record("product.withdraw", "product", confirmation.id, project.id, actor=actor,
                 before={"product": confirmation.product_key, "variant": confirmation.variant})
    db.session.delete(confirmation)
    db.session.flush()


def save_notes(state: StepState, actor: User, *, expected_version: int, notes: str) -> None:
    check_version(state, expected_version)
    require_open(state.project, Action.EDIT_STEP_NOTES, state.step)
    notes = notes.strip()
    if notes == state.notes:
        return
    before = state.notes
    state.notes = notes
    db.session.flush()
    audit.record("step.notes", "step", state.step, state.project_id, actor=actor,
                 before={"notes": before}, after={"notes": notes})


def confirmations_by_key(project: Project) -> dict[str, ProductConfirmation]:
    rows = db.session.scalars(
        select(ProductConfirmation)
        .where(ProductConfirmation.project_id == project.id)
        .options(selectinload(ProductConfirmation.confirmed_by))
    )
    return {row.product_key: row for row in rows}
