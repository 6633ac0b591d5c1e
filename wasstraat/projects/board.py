"""The board's decision on a plan, where the organisation has a board decide (duties): after
the process owner approved the plan as advice, the board's outcome, date and reference are
recorded by the process owner or the project leader, and kept in the history."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit, clock, duties
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..implementation import services as implementation
from ..models import BoardDecision, Project, User
from ..plans import services as plans
from ..workflow import BoardOutcome, PlanDecider, PlanKind


def decisions_of(project: Project) -> list[BoardDecision]:
    return list(db.session.scalars(select(BoardDecision).where(
        BoardDecision.project_id == project.id).order_by(BoardDecision.decided_on,
                                                         BoardDecision.id)))


def advised_on(project: Project, plan: PlanKind) -> date | None:
    """When the process owner approved the plan (the board's advice); None before."""
    if plan is PlanKind.IMPROVEMENT:
        version = plans.latest_version(project)
        approval = version.approval if version is not None else None
    else:
        approval = implementation.latest_approval(project)
    return clock.local_date(approval.approved_at) if approval is not None else None


def record(project: Project, actor: User, *, plan: PlanKind, decided_on: date,
           outcome: BoardOutcome, reference: str, note: str, today: date) -> BoardDecision:
    board = duties.settings().plan_decider
    if board is PlanDecider.OWNER:
        raise WorkflowError(_("In deze organisatie besluit de proceseigenaar onder mandaat; "
                              "er is geen bestuursbesluit vast te leggen."))
    advised = advised_on(project, plan)
    if advised is None:
        raise InvalidInput({"plan": _("De proceseigenaar heeft dit plan nog niet goedgekeurd; "
                                      "het bestuur besluit op dat advies.")})
    if not advised <= decided_on <= today:
        raise InvalidInput({"decided_on": _(
            "De datum van het besluit ligt tussen het advies (%(advised)s) en vandaag.",
            advised=format_date(advised, "d MMMM y"))})
    decision = BoardDecision(project_id=project.id, plan=plan, board=board,
                             decided_on=decided_on, outcome=outcome,
                             reference=reference.strip(), note=note.strip(),
                             recorded_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    audit.record("board.decide", "project", project.id, project.id, actor=actor, after={
        "plan": plan.value, "board": board.value, "decided_on": decided_on.isoformat(),
        "outcome": outcome.value, "reference": decision.reference, "note": decision.note})
    return decision
