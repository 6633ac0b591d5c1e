"""The gate of a step: its approvers' "go" or "no-go" before it closes.

Which steps have a gate, and whose decision it is, the organisation sets (``duties``). A go
counts for what it was given on (``gates.GATE_SUBJECTS``: the approved plan version, the
implementation plan's approval) until the step reopens. A no-go keeps the step open and gives
its work back to the project leader, with the reason, until every approver says go. The
newest decision of each approver is theirs; every decision is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from .. import audit, duties
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..gates import gate_subject
from ..models import GateDecision, Project, Task, User, utcnow
from ..tasks.services import task_link
from ..windows import require_open
from ..workflow import Action, GateVerdict, Pending, Role, Step

PAGE = "step#gate"


@dataclass(frozen=True)
class Gate:
    """A step's gate as it stands: whose go it needs, and each approver's standing decision."""

    step: Step
    roles: tuple[Role, ...]
    decisions: dict[Role, GateDecision]
    subject: str

    def has_go(self, role: Role) -> bool:
        decision = self.decisions.get(role)
        return (decision is not None and decision.verdict is GateVerdict.GO
                and decision.subject == self.subject)

    @property
    def passed(self) -> bool:
        return all(self.has_go(role) for role in self.roles)

    @property
    def waiting_for(self) -> list[Role]:
        return [role for role in self.roles if not self.has_go(role)]


def standing(project: Project, step: Step) -> dict[Role, GateDecision]:
    """Each approver's newest decision on the step since it last reopened."""
    rows = db.session.scalars(select(GateDecision).where(
        GateDecision.project_id == project.id, GateDecision.step == step,
        GateDecision.superseded_at.is_(None)).order_by(GateDecision.id))
    return {row.role: row for row in rows}


def gate_of(project: Project, step: Step) -> Gate | None:
    """The step's gate, or None when the organisation does not gate it."""
    roles = duties.gate_roles(step)
    if not roles:
        return None
    return Gate(step, roles, standing(project, step), gate_subject(project, step))


def decisions_of(project: Project, step: Step | None = None) -> list[GateDecision]:
    """Every decision at the project's gates (or at one step's), oldest first: the gate's
    history and the documents."""
    query = select(GateDecision).where(GateDecision.project_id == project.id)
    if step is not None:
        query = query.where(GateDecision.step == step)
    return list(db.session.scalars(query.order_by(GateDecision.decided_at, GateDecision.id)))


def problems(gate: Gate | None) -> list[Pending]:
    """What the gate still waits for, said as "Wat nu?" and the close refusal say it."""
    if gate is None:
        return []
    return [_waiting(gate, role) for role in gate.waiting_for]


def _waiting(gate: Gate, role: Role) -> Pending:
    """The sentence for everyone (who waits for whom), and the state of the decision beside
    "Go of no-go" for the approver's own "Wat nu?"."""
    who = duties.role_name_in_sentence(role)
    decision = gate.decisions.get(role)
    subject = _("Go of no-go")
    if decision is not None and decision.verdict is GateVerdict.NO_GO:
        text = _("De %(who)s gaf een no-go: %(reason)s Stel de stap bij; daarna beslist de "
                 "%(who)s opnieuw.", who=who, reason=_sentence(decision.reason))
        return Pending(text, (Role.PROJECT_LEADER, role), PAGE, subject, text)
    if decision is not None:  # a go on what has changed since
        return Pending(_("De go van de %(who)s gold voor een eerdere versie; de %(who)s "
                         "beslist opnieuw.", who=who), (role,), PAGE, subject,
                       _("De go gold voor een eerdere versie."))
    return Pending(_("Wacht op de go van de %(who)s.", who=who), (role,), PAGE, subject,
                   _("Nog geen besluit."))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def decide(project: Project, step: Step, actor: User, role: Role, *, verdict: GateVerdict,
           reason: str, rest: list[str]) -> GateDecision:
    """Record ``actor``'s decision as ``role``. A go only on a step whose other work is in
    order (``rest``: what else it waits for); a no-go needs its reason and hands the work
    back to the project leader."""
    require_open(project, Action.DECIDE_GATE, step)
    gate = gate_of(project, step)
    if gate is None or role not in gate.roles:
        raise WorkflowError(_("Deze stap vraagt geen go of no-go van u."))
    reason = reason.strip()
    if verdict is GateVerdict.NO_GO and not reason:
        raise InvalidInput({"reason": _("Geef de reden van de no-go: wat moet er anders?")})
    if verdict is GateVerdict.GO and rest:
        raise WorkflowError(_("Een go geeft u zodra de rest van de stap in orde is. Nog "
                              "open: %(rest)s", rest=" ".join(rest)))
    decision = GateDecision(project_id=project.id, step=step, role=role, verdict=verdict,
                            reason=reason, subject=gate.subject, decided_by_id=actor.id,
                            decider_name=actor.name)
    db.session.add(decision)
    db.session.flush()
    audit.record("gate.decide", "step", int(step), project.id, actor=actor,
                 after={"gate": verdict.value, "role": role.value, "reason": reason})
    if verdict is GateVerdict.NO_GO:
        _hand_back(project, step, actor, role, reason)
    return decision


def _hand_back(project: Project, step: Step, actor: User, role: Role, reason: str) -> None:
    """A no-go is work for the project leader: a task with the reason, done once every
    approver says go."""
    leaders = [m.user_id for m in project.memberships if Role.PROJECT_LEADER in m.roles]
    for user_id in leaders or [None]:
        db.session.add(Task(
            project_id=project.id, step=step, role=Role.PROJECT_LEADER,
            title=_("No-go van de %(who)s verwerken", who=duties.role_name_in_sentence(role)),
            description=reason, assignee_id=user_id, origin="no_go",
            link=task_link("steps.show", number=int(step)), created_by_id=actor.id))
    db.session.flush()


def supersede(project: Project, step: Step) -> None:
    """The step reopens: its decisions stay in the history, and it asks for a go again."""
    db.session.execute(update(GateDecision).where(
        GateDecision.project_id == project.id, GateDecision.step == step,
        GateDecision.superseded_at.is_(None)).values(superseded_at=utcnow()))
