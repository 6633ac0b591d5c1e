"""Guidance: tasks that follow the state of the project, and "Wat nu?" for the person looking.

A task of the method is done while the condition its template names holds (see
``workflow.TASK_CONDITIONS``) and open again when it stops holding; when its step closes it ends
with the step, and when the project closes everything ends. Nobody has to remember this: the
tasks of every project a transaction touched are brought in line just before it commits
(:func:`sync_tasks`). The same conditions and the step gates tell each person what comes next
(:func:`next_actions`).

This module sits above the features (like ``gates.py``): it asks several of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from . import audit, clock, duties
from .extensions import db
from .gates import EVIDENCE
from .implementation import services as implementation
from .kpis import services as kpis
from .models import (
    AuditEvent,
    ImplementationContribution,
    ImplementationItem,
    Membership,
    MembershipRole,
    ProcessCheck,
    ProcessStep,
    ProductConfirmation,
    Project,
    Remeasurement,
    Review,
    StepState,
    Task,
    User,
    WooPublication,
    WorkSession,
    utcnow,
)
from .plans import services as plans
from .steps import gate as gates
from .steps import services as steps
from .tasks.services import link_parts, link_url
from .workflow import (
    AFTER_CLOSE_ORIGINS,
    GATE_TASKS,
    N_,
    REMEASURE_NOTICE_DAYS,
    TASK_CONDITIONS,
    ActionStatus,
    Pending,
    Role,
    Step,
    StepStatus,
    TaskClosure,
    TaskTemplate,
    may_close,
    may_move,
    may_start,
)

_TOUCHED = "guidance_touched_projects"
_TOUCHED_MEMBERSHIPS = "guidance_touched_memberships"
_SYNCING = "guidance_syncing"


# --- The conditions --------------------------------------------------------------------------

def _link_id(task: Task) -> int | None:
    """The object id in a task's stored link ("reviews.show:review_id=5")."""
    parts = link_parts(task)
    return next(iter(parts[1].values()), None) if parts else None


class Facts:
    """What the conditions ask of one project, each looked up once per sync."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._cache: dict[str, Any] = {}

    def _once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def evidence(self, rule: str) -> bool:
        return self._once("evidence:" + rule, lambda: not EVIDENCE[rule].problems(self.project))

    def confirmed(self, product_key: str) -> bool:
        keys = self._once("confirmed", lambda: set(db.session.scalars(
            select(ProductConfirmation.product_key)
            .where(ProductConfirmation.project_id == self.project.id))))
        return product_key in keys

    def kpis(self) -> list:
        return self._once("kpis", lambda: kpis.kpis_of(self.project))

    def desired_process_recorded(self) -> bool:
        return self._once("desired", lambda: db.session.scalar(
            select(func.count()).select_from(ProcessStep).where(
                ProcessStep.project_id == self.project.id,
                ProcessStep.variant == "desired")) > 0)

    def checked_by(self) -> set[int]:
        return self._once("checks", lambda: set(db.session.scalars(
            select(ProcessCheck.user_id).where(ProcessCheck.project_id == self.project.id))))

    def contributors(self) -> set[int | None]:
        return self._once("contributors", lambda: set(db.session.scalars(
            select(ImplementationContribution.author_id)
            .where(ImplementationContribution.project_id == self.project.id))))

    def signed_reviews(self) -> set[int]:
        return self._once("signed", lambda: set(db.session.scalars(
            select(Review.id).where(Review.project_id == self.project.id,
                                    Review.signed_at.is_not(None)))))

    def action_status(self) -> dict[int, str]:
        return self._once("actions", lambda: dict(db.session.execute(
            select(ImplementationItem.id, ImplementationItem.status)
            .where(ImplementationItem.project_id == self.project.id)).all()))

    def plan_state(self) -> plans.PlanState:
        return self._once("plan_state", lambda: plans.plan_state(self.project))

    def remeasured(self) -> set[int]:
        """The borging's moments measured or ended with a reason."""
        return self._once("remeasured", lambda: set(db.session.scalars(
            select(Remeasurement.id).where(
                Remeasurement.project_id == self.project.id,
                or_(Remeasurement.measurement_id.is_not(None),
                    Remeasurement.end_reason.is_not(None))))))

    def redactions_approved(self) -> set[int]:
        """The Woo publications whose omissions a second person approved."""
        return self._once("woo", lambda: set(db.session.scalars(
            select(WooPublication.id).where(WooPublication.project_id == self.project.id,
                                            WooPublication.approved_at.is_not(None)))))

    def gate(self, step: Step) -> gates.Gate | None:
        return self._once(f"gate:{int(step)}", lambda: gates.gate_of(self.project, step))

    def check_session_planned(self) -> bool:
        return self._once("check_session", lambda: db.session.scalar(
            select(func.count()).select_from(WorkSession).where(
                WorkSession.project_id == self.project.id,
                WorkSession.step == int(Step.PROCESS), WorkSession.part == "3b")) > 0)


def _kpis_proposed(f: Facts, _task: Task) -> bool:
    return any(k.definition.strip() and k.unit.strip() for k in f.kpis())


def _baselines_measured(f: Facts, _task: Task) -> bool:
    rows = f.kpis()
    return bool(rows) and all(k.baseline_value is not None and k.baseline_date for k in rows)


def _plan_made_final(f: Facts, _task: Task) -> bool:
    state = f.plan_state()
    return state.latest is not None and state.latest.is_final and not state.draft_changed


def _improvements_decided(f: Facts, _task: Task) -> bool:
    return not plans.decision_blockers(plans.board_lines(f.project))


def _actions_done(f: Facts, _task: Task) -> bool:
    items = implementation.taken_over(implementation.plan_lines(f.project))
    return all(item.status is ActionStatus.DONE for item in items)


def _evidence(rule: str) -> Callable[[Facts, Task], bool]:
    return lambda f, _task: f.evidence(rule)


def _confirmed(product_key: str) -> Callable[[Facts, Task], bool]:
    return lambda f, _task: f.confirmed(product_key)


CONDITIONS: dict[str, Callable[[Facts, Task], bool]] = {
    "confirmed:team": _confirmed("team"),
    "confirmed:kickoff": _confirmed("kickoff"),
    "confirmed:process_checked": _confirmed("process_checked"),
    "confirmed:trained": _confirmed("trained"),
    "confirmed:documented": _confirmed("documented"),
    "confirmed:communicated": _confirmed("communicated"),
    "assignment_written": lambda f, _task: bool(f.project.assignment.strip()),
    "kpis_proposed": _kpis_proposed,
    "baselines_measured": _baselines_measured,
    "kpi_set_agreed": _evidence("kpi_set_agreed"),
    "process_mapped": _evidence("process_mapped"),
    "check_arranged": lambda f, _task: f.confirmed("process_checked")
    or f.check_session_planned(),
    "checked_by_assignee": lambda f, task: task.assignee_id in f.checked_by(),
    "journey_recorded": _evidence("journey_recorded"),
    "formula_chosen": lambda f, _task: f.project.service_formula_id is not None,
    "formula_compared": _evidence("formula_compared"),
    "plan_sent_for_review": _evidence("plan_sent_for_review"),
    "improvements_decided": _improvements_decided,
    "reviews_signed": _evidence("reviews_signed"),
    "plan_made_final": _plan_made_final,
    "final_plan_approved": _evidence("final_plan_approved"),
    "desired_process_recorded": lambda f, _task: f.desired_process_recorded(),
    "implementation_plan_approved": _evidence("implementation_plan_approved"),
    "contributed": lambda f, task: task.assignee_id is not None
    and task.assignee_id in f.contributors(),
    "actions_done": _actions_done,
    "evaluation_planned": _evidence("evaluation_planned"),
    "review_signed": lambda f, task: _link_id(task) in f.signed_reviews(),
    "action_done": lambda f, task: f.action_status().get(_link_id(task) or 0)
    == ActionStatus.DONE,
    "remeasured": lambda f, task: _link_id(task) in f.remeasured(),
    "redaction_approved": lambda f, task: _link_id(task) in f.redactions_approved(),
    # A gate the organisation no longer asks for has nothing left to decide.
    "gate_go": lambda f, task: (gate := f.gate(task.step)) is None or bool(
        task.role and gate.has_go(task.role)),
    "gate_passed": lambda f, task: (gate := f.gate(task.step)) is None or gate.passed,
}
if set(CONDITIONS) != set(TASK_CONDITIONS):  # caught at import, long before a task is wrong
    raise RuntimeError("every condition named in workflow.TASK_CONDITIONS needs its rule here")


# --- Keeping the tasks in line with the project ----------------------------------------------

@dataclass
class SyncResult:
    done: int = 0
    reopened: int = 0
    ended: int = 0
    assigned: int = 0

    def __bool__(self) -> bool:
        return bool(self.done or self.reopened or self.ended or self.assigned)


def _close(task: Task, how: TaskClosure, when: datetime, actor_id: int | None) -> None:
    task.done_at, task.closed_as = when, how
    task.done_by_id = actor_id if how is TaskClosure.BY_RULE else None


def _reopen(task: Task) -> None:
    task.done_at = task.done_by_id = task.closed_as = task.end_reason = None
    task.end_note = ""


def _holders(project: Project) -> dict[Role, list[int]]:
    rows = db.session.execute(
        select(MembershipRole.role, Membership.user_id)
        .join(Membership, Membership.id == MembershipRole.membership_id)
        .where(Membership.project_id == project.id)
        .order_by(Membership.id)).all()
    holders: dict[Role, list[int]] = {}
    for role, user_id in rows:
        holders.setdefault(role, []).append(user_id)
    return holders


def _follow_the_team(project: Project, tasks: list[Task], in_progress: set[Step],
                     result: SyncResult) -> list[Task]:
    """Open workflow tasks go to the people who now hold their role: a member who gains the
    role gets the step's task, an unassigned task finds its holder, and a task of someone who
    lost the role goes back to the role."""
    holders = _holders(project)
    created = []
    by_template: dict[tuple[Step, str], list[Task]] = {}
    for task in tasks:
        if task.template_key:
            by_template.setdefault((task.step, task.template_key), []).append(task)
    for step in in_progress:
        for template in _templates(step):
            created += _assign_template(project, step, template,
                                        by_template.get((step, template.key), []),
                                        holders.get(template.role, []), result)
    for task in tasks:  # review tasks: the domain's role
        if task.origin == "review" and task.done_at is None and task.role:
            people = holders.get(task.role, [])
            if task.assignee_id not in people and people:
                task.assignee_id = people[0]
                result.assigned += 1
    return created


def _templates(step: Step) -> tuple[TaskTemplate, ...]:
    """The step's tasks of the method, and at a gated step its approvers' "go"."""
    return step.definition.tasks + tuple(GATE_TASKS[role] for role in duties.gate_roles(step))


def _assign_template(project: Project, step: Step, template: TaskTemplate,
                     existing: list[Task], people: list[int], result: SyncResult) -> list[Task]:
    """Each holder of the template's role has its task: the open ones are handed over first,
    and a task is made for each holder still without one."""
    covered = {t.assignee_id for t in existing if t.assignee_id in people}
    missing = [p for p in people if p not in covered]
    _hand_over(existing, people, missing, result)
    return _make_missing(project, step, template, missing, result)


def _hand_over(existing: list[Task], people: list[int], missing: list[int],
               result: SyncResult) -> None:
    """An open task of someone who lost the role goes to a holder without one (or back to
    the role); an unassigned open task finds such a holder."""
    for task in existing:
        if task.done_at is None and task.assignee_id is not None and task.assignee_id not in people:
            task.assignee_id = missing.pop(0) if missing else None
            result.assigned += 1
    for task in existing:
        if task.done_at is None and task.assignee_id is None and missing:
            task.assignee_id = missing.pop(0)
            result.assigned += 1


def _make_missing(project: Project, step: Step, template: TaskTemplate, missing: list[int],
                  result: SyncResult) -> list[Task]:
    created = []
    for user_id in missing:
        task = Task(project_id=project.id, step=int(step),
                    part=template.part, role=template.role, title=template.title,
                    description=template.description, assignee_id=user_id, origin="workflow",
                    template_key=template.key)
        db.session.add(task)
        created.append(task)
        result.assigned += 1
    return created


@dataclass
class _Sync:
    """One project's sync: what the rules ask (looked up once), when and by whom it runs."""

    facts: Facts
    now: datetime
    actor_id: int | None
    result: SyncResult


def _end_with_the_step(task: Task, rule: Callable | None, sync: _Sync) -> None:
    """Its step (or the project) closed: an open task is done if its rule holds, else it
    ends with the step."""
    if task.done_at is not None:
        return
    holds = rule is not None and rule(sync.facts, task)
    _close(task, TaskClosure.BY_RULE if holds else TaskClosure.WITH_STEP, sync.now,
           sync.actor_id)
    sync.result.done += holds
    sync.result.ended += not holds


def _follow_the_rule(task: Task, rule: Callable | None, sync: _Sync) -> None:
    """Its step is under way: a task that ended with the step (lapsed, or ended by its closer)
    is open again, and a task with a rule is done exactly while the rule holds."""
    if task.closed_as in (TaskClosure.WITH_STEP, TaskClosure.ENDED):
        _reopen(task)
        sync.result.reopened += 1
    if rule is None:
        return
    holds = rule(sync.facts, task)
    if holds and task.done_at is None:
        _close(task, TaskClosure.BY_RULE, sync.now, sync.actor_id)
        sync.result.done += 1
    elif not holds and task.closed_as is TaskClosure.BY_RULE:
        _reopen(task)
        sync.result.reopened += 1


def sync_tasks(project: Project) -> SyncResult:
    """Bring every task of the project in line with its state (see the module docstring)."""
    result = SyncResult()
    statuses = dict(db.session.execute(
        select(StepState.step, StepState.status).where(StepState.project_id == project.id)).all())
    if not statuses:
        return result
    tasks = list(db.session.scalars(select(Task).where(Task.project_id == project.id)
                                    .order_by(Task.id)))
    project_closed = all(s.is_finished for s in statuses.values())
    if not project_closed:
        in_progress = {s for s, status in statuses.items() if status is StepStatus.IN_PROGRESS}
        tasks += _follow_the_team(project, tasks, in_progress, result)
    actor = audit.current_actor()
    sync = _Sync(Facts(project), utcnow(), actor.id if actor else None, result)
    for task in tasks:
        status = statuses.get(task.step, StepStatus.NOT_STARTED)
        rule = CONDITIONS.get(task.condition or "")
        if task.origin in AFTER_CLOSE_ORIGINS:  # the borging's: they live after the close
            if project_closed:
                _follow_the_rule(task, rule, sync)
        elif project_closed or (status.is_finished and task.origin != "manual"):
            _end_with_the_step(task, rule, sync)
        elif status is StepStatus.IN_PROGRESS:
            _follow_the_rule(task, rule, sync)
    if result:
        db.session.flush()
        audit.record("tasks.sync", "project", project.id, project.id,
                     after={"done": result.done, "reopened": result.reopened,
                            "ended": result.ended, "assigned": result.assigned})
    return result


def closes_project(project: Project, step: Step) -> bool:
    """Whether closing ``step`` finishes the project (every other step is finished)."""
    return all(s.status.is_finished for s in project.steps if s.step != step)


@dataclass(frozen=True)
class LooseEnd:
    """One piece of unfinished work the closer decides on."""

    key: str  # "task_12", "action_5": the form's field names and the ending's key
    title: str
    holder: User | None
    step: Step
    task: Task | None = None
    action: ImplementationItem | None = None

    @property
    def kind(self) -> str:
        return N_("Actie") if self.action is not None else N_("Taak")


def loose_ends(project: Project, step: Step) -> list[LooseEnd]:
    """What closing the step now would end unfinished, in the order the page lists it."""
    kinds = step.definition.loose_ends
    actions = implementation.open_actions(project) if "actions" in kinds else []
    ends = [LooseEnd(f"action_{item.id}", item.title, item.responsible, Step.EXECUTION,
                     action=item) for item in actions]
    tasks = unfinished_tasks(project, step, closes_project=closes_project(project, step))
    # An action's own task ends with the action; it is not a second decision.
    ends += [LooseEnd(f"task_{task.id}", task.title, task.assignee, task.step, task=task)
             for task in tasks if not (actions and task.origin == "action")]
    return ends


def has_loose_ends(project: Project, step: Step) -> bool:
    """Whether closing the step now asks its closer what becomes of unfinished work."""
    return bool(loose_ends(project, step))




def unfinished_tasks(project: Project, step: Step, *, closes_project: bool) -> list[Task]:
    """The open tasks that closing the step now would end unfinished (as the sync ends them):
    the step's tasks of the method, or every open task when the close finishes the project;
    of those, the ones a person ticks and the ones whose rule does not hold (a rule that holds
    makes its task done at the close)."""
    query = select(Task).where(Task.project_id == project.id, Task.done_at.is_(None))
    if not closes_project:
        query = query.where(Task.step == int(step), Task.origin != "manual")
    facts = Facts(project)
    open_tasks = db.session.scalars(query.options(joinedload(Task.assignee))
                                    .order_by(Task.step, Task.part, Task.id))
    return [task for task in open_tasks
            if not (rule := CONDITIONS.get(task.condition or "")) or not rule(facts, task)]


def note_touched_projects(session: Session, _context: Any) -> None:
    if session.info.get(_SYNCING):
        return
    projects = session.info.setdefault(_TOUCHED, set())
    memberships = session.info.setdefault(_TOUCHED_MEMBERSHIPS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, AuditEvent):  # the trail speaks of projects; it changes none
            continue
        if isinstance(obj, Project):
            projects.add(obj.id)
        elif isinstance(obj, MembershipRole):
            memberships.add(obj.membership_id)
        elif isinstance(getattr(obj, "project_id", None), int):
            projects.add(obj.project_id)


def sync_touched_projects(session: Session) -> None:
    # Savepoints (add_once) commit too; only the real commit syncs.
    if session.info.get(_SYNCING) or session.in_nested_transaction():
        return
    session.flush()
    projects = session.info.pop(_TOUCHED, set())
    memberships = session.info.pop(_TOUCHED_MEMBERSHIPS, set())
    if memberships:
        projects |= set(session.scalars(select(Membership.project_id)
                                        .where(Membership.id.in_(memberships))))
    if not projects:
        return
    session.info[_SYNCING] = True
    try:
        for project in session.scalars(select(Project).where(Project.id.in_(projects))
                                       .order_by(Project.id)):
            sync_tasks(project)
        session.flush()
    finally:
        session.info.pop(_SYNCING, None)


def forget_touched(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint ended; the transaction goes on
        return
    session.info.pop(_TOUCHED, None)
    session.info.pop(_TOUCHED_MEMBERSHIPS, None)


# --- "Wat nu?" ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class NextAction:
    """One thing the person looking can do next: a link, or a form that posts (start/close)."""

    text: str
    url: str
    hint: str = ""
    post: bool = False


@dataclass(frozen=True)
class Waiting:
    """Someone else the project waits on."""

    who: str
    role: str
    what: str
    since: datetime | None
    details: str = ""  # what exactly is missing, when ``what`` names a product


@dataclass
class Guidance:
    actions: list[NextAction] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    finished: bool = False
    next_due: date | None = None  # in the borging: the next re-measurement


def page_url(project_id: int, step: int, page: str) -> str:
    """The URL of a page named as in the method table: an endpoint taking ``project_id``, or
    "step" for the step's own page, with an optional ``#fragment``."""
    endpoint, _sep, fragment = page.partition("#")
    if endpoint == "step":
        url = url_for("steps.show", project_id=project_id, number=step)
    else:
        url = url_for(endpoint, project_id=project_id)
    return url + ("#" + fragment if fragment else "")


def work_url(task: Task) -> str | None:
    """Where the task's work is done: its template's page, or the page stored with it."""
    template = task.template
    if template is None or not template.work:
        return link_url(task)
    return page_url(task.project_id, task.step, template.work)


def condition_text(task: Task) -> str:
    """ "Gaat vanzelf op afgerond zodra ..." for a task a rule finishes; empty otherwise."""
    condition = task.condition
    if not condition:
        return ""
    return _("Gaat vanzelf op afgerond zodra %(condition)s.",
             condition=_(TASK_CONDITIONS[condition]))


def startable_steps(project: Project) -> set[Step]:
    """Steps not started whose prerequisites are finished: the project can go on with them."""
    finished = steps.finished_steps(project)
    return {s for s, status in project.statuses.items()
            if status is StepStatus.NOT_STARTED and may_start(s, finished)}


def next_actions(project: Project, user: User, roles: set[Role]) -> Guidance:
    """What the person looking can do now, and otherwise who the project waits for."""
    statuses = project.statuses
    guidance = Guidance(finished=project.is_finished)
    open_tasks = list(db.session.scalars(
        select(Task).where(Task.project_id == project.id, Task.done_at.is_(None))
        .order_by(Task.step, Task.due_date, Task.id)))
    if guidance.finished:  # only the borging's are open: what comes due soon, and when next
        soon = clock.today() + timedelta(days=REMEASURE_NOTICE_DAYS)
        guidance.next_due = min((t.due_date for t in open_tasks if t.due_date), default=None)
        open_tasks = [t for t in open_tasks if t.due_date is None or t.due_date <= soon]
    for task in open_tasks:
        if task.assignee_id == user.id:
            guidance.actions.append(NextAction(
                _(task.title), work_url(task) or url_for(  # else the task itself, to tick
                    "steps.show", project_id=project.id, number=task.step,
                    _anchor=f"task-{task.id}"),
                hint=condition_text(task)))
    if guidance.finished:
        return guidance
    blocked = _blocked(project, statuses)
    guidance.actions = _with_what_they_lift(project, guidance.actions, blocked, roles)
    guidance.actions += _step_moves(project, statuses, roles, blocked)
    if not guidance.actions:
        guidance.waiting = _waiting_on(project, open_tasks, statuses, blocked)
    return guidance


def _blocked(project: Project, statuses: dict[Step, StepStatus]) -> dict[Step, list[Pending]]:
    """What each step under way waits for: the very sentences its gate gives."""
    under_way = [s for s, status in statuses.items() if status is StepStatus.IN_PROGRESS]
    confirmations = steps.confirmations_by_key(project) if under_way else {}
    return {step: steps.close_blockers(project, step, confirmations,
                                       steps.evidence_problems(project, step))
            for step in under_way}


def _with_what_they_lift(project: Project, actions: list[NextAction],
                         blocked: dict[Step, list[Pending]],
                         roles: set[Role]) -> list[NextAction]:
    """The person's own work, and what holds a step up that a role of theirs lifts: told at
    the task that leads to the same page, or as a link of its own."""
    actions = list(actions)
    lifted = _by_page(project, blocked, lambda item: roles & set(item.roles))
    for url, (_step, items) in lifted.items():
        at = next((i for i, a in enumerate(actions) if a.url == url), None)
        if at is not None:  # the task's title names the work; the hint what is missing
            hint = f"{actions[at].hint} {_summary(items)}".strip()
            actions[at] = replace(actions[at], hint=hint)
        else:
            actions.append(NextAction(items[0].subject or items[0].detail, url,
                                      hint=_summary(items) if items[0].subject else ""))
    return actions


def _by_page(project: Project, blocked: dict[Step, list[Pending]],
             chosen: Callable[[Pending], object]) -> dict[str, tuple[Step, list[Pending]]]:
    """The chosen pendings, per page where they are lifted (in the order the gates give)."""
    pages: dict[str, tuple[Step, list[Pending]]] = {}
    for step, pendings in blocked.items():
        for item in pendings:
            if chosen(item):
                pages.setdefault(page_url(project.id, step, item.page), (step, []))[1].append(
                    item)
    return pages


def _summary(items: list[Pending], shown: int = 2) -> str:
    """The first few sentences, then how many more: "Wat nu?" stays a glance."""
    text = " ".join(item.detail for item in items[:shown])
    more = len(items) - shown
    if more > 0:
        text += " " + ngettext("En nog %(num)d punt.", "En nog %(num)d punten.", more)
    return text


def _step_moves(project: Project, statuses: dict[Step, StepStatus], roles: set[Role],
                blocked: dict[Step, list[Pending]]) -> list[NextAction]:
    moves = []
    startable = startable_steps(project)
    for step, status in statuses.items():
        title = steps.step_title(step)
        if status is StepStatus.IN_PROGRESS and may_close(step, roles) and not blocked[step]:
            moves.append(_close_move(project, step, title))
        elif step in startable and may_move(roles):
            moves.append(NextAction(_("%(step)s starten", step=title),
                                    url_for("steps.start", project_id=project.id,
                                            number=int(step)),
                                    hint=_("Bij het starten krijgt elke rol zijn taken."),
                                    post=True))
    return moves


def _close_move(project: Project, step: Step, title: str) -> NextAction:
    """Close at once, or on the step's page: first deciding on unfinished work, or setting
    the process's review date when the close finishes the project (closing.py)."""
    text = _("%(step)s afronden", step=title)
    ready = _("Alles wat deze stap moet opleveren is er.")
    if has_loose_ends(project, step):
        anchor, then = "loose-ends-heading", _("Beslis eerst wat er gebeurt met werk dat nog "
                                               "niet af is.")
    elif closes_project(project, step):
        anchor, then = "status-heading", _("Kies bij het afronden wanneer de "
                                           "procesbeschrijving herzien wordt.")
    else:
        return NextAction(text, url_for("steps.close", project_id=project.id,
                                        number=int(step)), hint=ready, post=True)
    return NextAction(text, url_for("steps.show", project_id=project.id, number=int(step),
                                    _anchor=anchor), hint=f"{ready} {then}")


def _waiting_on(project: Project, open_tasks: list[Task], statuses: dict[Step, StepStatus],
                blocked: dict[Step, list[Pending]]) -> list[Waiting]:
    """What the steps under way wait for and who holds it, then the others' open work."""
    held = _by_page(project, blocked, lambda item: item.roles)
    started = {s.step: s.started_at for s in project.steps}
    waiting = [_waiting_for_products(project, items, started.get(step))
               for step, items in held.values()]
    waiting += [_waiting_for_close(project, step) for step, pendings in blocked.items()
                if not pendings]
    waiting += _others_work(project, open_tasks, statuses, held, started)
    if not waiting and StepStatus.IN_PROGRESS not in statuses.values():
        waiting.append(Waiting(who=", ".join(u.name for u in project.leaders()),
                               role=_("Projectleider"), what=_("de volgende stap starten"),
                               since=None))
    return waiting[:6]


def _held_by(project: Project, roles: Iterable[Role]) -> dict[str, str]:
    """Who holds these roles in the project, and the roles' names, as Waiting's words."""
    roles = list(roles)
    return {"who": ", ".join(u.name for role in roles for u in project.holders(role)),
            "role": ", ".join(duties.role_name(role) for role in roles)}


def _waiting_for_products(project: Project, items: list[Pending],
                          since: datetime | None) -> Waiting:
    """A step's missing products on one page, held by the roles of the first."""
    first = items[0]
    return Waiting(**_held_by(project, first.roles), what=first.subject or first.detail,
                   since=since, details=_summary(items) if first.subject else "")


def _waiting_for_close(project: Project, step: Step) -> Waiting:
    """A step that has everything waits for those who close it."""
    return Waiting(**_held_by(project, step.definition.closers),
                   what=_("%(step)s afronden", step=steps.step_title(step)), since=None)


def _others_work(project: Project, open_tasks: list[Task], statuses: dict[Step, StepStatus],
                 held: dict[str, tuple[Step, list[Pending]]],
                 started: dict[Step, datetime | None]) -> list[Waiting]:
    """The open tasks of steps under way, unless they are what the steps wait for."""
    names = {m.user_id: m.user.name for m in project.memberships}
    return [Waiting(who=names.get(task.assignee_id, "") if task.assignee_id else "",
                    role=duties.role_name(task.role) if task.role else "",
                    what=_(task.title), since=started.get(task.step) or task.created_at)
            for task in open_tasks
            if statuses.get(task.step) is StepStatus.IN_PROGRESS
            and work_url(task) not in held]
