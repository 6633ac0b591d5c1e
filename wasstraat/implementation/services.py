"""Steps 9 and 10: the process owner's implementation plan (decisions, order, planning,
dependencies, approval), the actions that carry it out, and the evaluation that closes the
learning cycle.

The order of the plan is guarded by one lock row per project (:class:`ImplementationOrder`):
every reorder must name the version it was based on and raises it, so two people reordering
at once cannot silently undo each other.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from .. import audit, clock, fragments
from ..clock import add_months
from ..concurrency import add_once, check_version
from ..database import containing
from ..errors import ConflictError, InvalidInput, WorkflowError
from ..extensions import db
from ..fingerprints import json_list_sha256
from ..models import (
    ActionNote,
    Evaluation,
    ImplementationApproval,
    ImplementationContribution,
    ImplementationItem,
    ImplementationOrder,
    Improvement,
    Kpi,
    KpiMeasurement,
    Project,
    Task,
    User,
    utcnow,
)
from ..plans import services as plans
from ..tasks.services import task_link
from ..windows import require_open
from ..workflow import (
    REMEASURE_MAX_MONTHS,
    REMEASURE_MOMENTS_MAX,
    REMEASURE_MONTHS,
    Action,
    ActionStatus,
    Adoption,
    Decision,
    Direction,
    Horizon,
    KpiVerdict,
    Role,
    Step,
    TaskClosure,
    kpi_verdict,
)

BLOCKERS_SHOWN = 10  # reasons a refused approval names before "and N more"

ITEM_FIELDS = ["adoption", "deferred_until", "drop_reason", "responsible_id", "start_on",
               "end_on", "waits_for_id", "capacity_hours"]
# The hours of the team's time an improvement may take, as a plan states them.
MAX_CAPACITY_HOURS = 100_000


# --- Reading ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlanLine:
    """What the rules and the plan's page need of one item, read as plain columns: a plan of
    10,000 improvements is read in one query without building 10,000 ORM objects."""

    id: int
    improvement_id: int
    position: int
    title: str
    horizon: Horizon | None
    impact: int | None
    effort: int | None
    adoption: Adoption
    responsible_id: int | None
    start_on: date | None
    end_on: date | None
    waits_for_id: int | None
    deferred_until: date | None
    drop_reason: str
    status: ActionStatus
    responsible_name: str | None
    capacity_hours: int | None = None


ROWS_PER_BATCH = 1000  # rows fetched at a time: the database rows never all in memory at once

# The rules read an item's fields by name: an ORM item or a PlanLine.
Item = TypeVar("Item", ImplementationItem, PlanLine)

_LINE_COLUMNS = (
    ImplementationItem.id, ImplementationItem.improvement_id, ImplementationItem.position,
    Improvement.title, Improvement.horizon, Improvement.impact, Improvement.effort,
    ImplementationItem.adoption, ImplementationItem.responsible_id,
    ImplementationItem.start_on, ImplementationItem.end_on, ImplementationItem.waits_for_id,
    ImplementationItem.deferred_until, ImplementationItem.drop_reason, ImplementationItem.status,
    User.name, ImplementationItem.capacity_hours,
)
_IN_ORDER = (ImplementationItem.position, ImplementationItem.id)


def plan_lines(project: Project, ids: Sequence[int] | None = None) -> list[PlanLine]:
    """The whole plan in its order (or the items of ``ids``), lean: for the rules (approval,
    dependencies, suggestion, planning) and the page's summaries."""
    query = (select(*_LINE_COLUMNS)
             .join(Improvement, Improvement.id == ImplementationItem.improvement_id)
             .outerjoin(User, User.id == ImplementationItem.responsible_id)
             .where(ImplementationItem.project_id == project.id))
    if ids is not None:
        query = query.where(ImplementationItem.id.in_(ids))
    rows = db.session.execute(query.order_by(*_IN_ORDER)
                              .execution_options(yield_per=ROWS_PER_BATCH))
    # Values that repeat (states, dates, names) are kept once, not once per row.
    shared: dict[object, object] = {}
    same = shared.setdefault
    return [PlanLine(row[0], row[1], row[2], row[3], same(row[4], row[4]), row[5], row[6],
                     *(same(value, value) for value in row[7:]))
            for row in rows]


@dataclass(frozen=True)
class PlanSummary:
    """What the plan's page shows of the whole plan, made from every line; the page then reads
    only its own lines. Kept per revision of the project and day (fragments.py), so a plan of
    10,000 items costs its lines once per change, not once per view."""

    ids: list[int]  # the items in their order
    fingerprint: str
    suggestion: list[PlanLine]
    months: list[date]  # the timeline's
    approval_blockers: list[str]
    actions: ActionCounts


def plan_summary(project: Project, today: date, suggestions: int,
                 blockers: int) -> PlanSummary:
    lines = plan_lines(project)
    return PlanSummary([line.id for line in lines], fingerprint(lines),
                       suggested_order(lines, first=suggestions), timeline(lines).months,
                       approval_blockers(lines, limit=blockers), action_counts(lines, today))


def kept_plan_summary(project: Project, today: date, suggestions: int,
                      blockers: int) -> PlanSummary:
    """The plan's summary as kept for this revision of the project and day."""
    return fragments.cached(
        ("implementation-summary", *fragments.project_state(project.id), today),
        lambda: plan_summary(project, today, suggestions, blockers))


def titles_of(item_ids: set[int]) -> dict[int, str]:
    """The titles of the items of ``item_ids`` (those a page's items wait for)."""
    return dict(db.session.execute(
        select(ImplementationItem.id, Improvement.title)
        .join(Improvement, Improvement.id == ImplementationItem.improvement_id)
        .where(ImplementationItem.id.in_(item_ids))).all())


WAITS_FOR_LISTED = 100  # up to this many earlier items, "wacht op" lists them all
WAITS_FOR_FOUND = 20  # past that, a search shows this many matches


@dataclass(frozen=True)
class WaitsForChoices:
    """What "wacht op" offers for an item: every item before it in the order when they are
    few, else the current one and those whose title holds the search."""

    options: list[tuple[int, str]]
    searchable: bool  # too many to list: the page shows a search
    more: bool = False  # more matches than shown: the search should be narrower


def waits_for_choices(item: ImplementationItem, search: str = "") -> WaitsForChoices:
    earlier = (select(ImplementationItem.id, Improvement.title)
               .join(Improvement, Improvement.id == ImplementationItem.improvement_id)
               .where(ImplementationItem.project_id == item.project_id,
                      ImplementationItem.id != item.id,
                      or_(ImplementationItem.position < item.position,
                          ImplementationItem.id == item.waits_for_id)).order_by(*_IN_ORDER))
    listed = [(i, title) for i, title in db.session.execute(earlier.limit(WAITS_FOR_LISTED + 1))]
    if len(listed) <= WAITS_FOR_LISTED:
        return WaitsForChoices(listed, searchable=False)
    # The current choice always stays, or saving the form would drop it unasked.
    current = [(i, title) for i, title in db.session.execute(
        earlier.where(ImplementationItem.id == item.waits_for_id))]
    found = [(i, title) for i, title in db.session.execute(
        earlier.where(containing(Improvement.title, search.strip()))
        .limit(WAITS_FOR_FOUND + 2)) if (i, title) not in current] if search.strip() else []
    return WaitsForChoices(current + found[:WAITS_FOR_FOUND], searchable=True,
                           more=len(found) > WAITS_FOR_FOUND)


def items_of(project: Project) -> list[ImplementationItem]:
    """The implementation plan in its order, with what the documents show of each item (in a
    fixed number of queries however long the plan: no selectin batches of 500)."""
    return list(db.session.scalars(
        select(ImplementationItem).where(ImplementationItem.project_id == project.id)
        .options(joinedload(ImplementationItem.improvement),
                 joinedload(ImplementationItem.responsible),
                 subqueryload(ImplementationItem.notes).joinedload(ActionNote.author))
        .order_by(*_IN_ORDER)
    ))


def order_lock(project: Project) -> ImplementationOrder | None:
    return db.session.scalar(select(ImplementationOrder).where(
        ImplementationOrder.project_id == project.id))


def open_actions(project: Project) -> list[ImplementationItem]:
    """The taken-over actions neither done nor ended at a close (step 10), in plan order."""
    return list(db.session.scalars(
        select(ImplementationItem).where(
            ImplementationItem.project_id == project.id,
            ImplementationItem.adoption == Adoption.TAKEN_OVER,
            ImplementationItem.status != ActionStatus.DONE,
            ImplementationItem.end_reason.is_(None))
        .options(joinedload(ImplementationItem.improvement),
                 joinedload(ImplementationItem.responsible))
        .order_by(*_IN_ORDER)))


def ended_at_close(project: Project) -> tuple[list[Task], list[ImplementationItem]]:
    """The tasks and actions that a closer ended unfinished, with a reason (closing.py), for
    the evaluation and the implementation plan document. An action's own task goes with it."""
    tasks = db.session.scalars(select(Task).where(
        Task.project_id == project.id, Task.closed_as == TaskClosure.ENDED,
        Task.origin != "action").options(joinedload(Task.assignee))
        .order_by(Task.step, Task.id)).all()
    actions = db.session.scalars(select(ImplementationItem).where(
        ImplementationItem.project_id == project.id, ImplementationItem.end_reason.is_not(None))
        .options(joinedload(ImplementationItem.improvement),
                 joinedload(ImplementationItem.responsible))
        .order_by(*_IN_ORDER)).all()
    return list(tasks), list(actions)


def taken_over(items: Sequence[Item]) -> list[Item]:
    return [i for i in items if i.adoption == Adoption.TAKEN_OVER]


# --- Building the plan from the final improvement plan ---------------------------------------

def sync_from_final_plan(project: Project, actor: User) -> int:
    """Add every improvement of the approved final plan that is not in the plan yet, at the
    end; returns how many were added. Runs when step 9 starts (and again on request)."""
    final = plans.latest_version(project)
    if final is None or not final.is_final:
        return 0
    wanted = [i["id"] for i in final.snapshot["improvements"]
              if i["decision"] == Decision.IN_PLAN]
    existing = set(db.session.scalars(select(Improvement.id).where(
        Improvement.project_id == project.id, Improvement.id.in_(wanted))))
    items = plan_lines(project)
    present = {i.improvement_id for i in items}
    position = max((i.position for i in items), default=0)
    added = 0
    for improvement_id in wanted:
        if improvement_id in existing and improvement_id not in present:
            position += 1
            db.session.add(ImplementationItem(project_id=project.id,
                                              improvement_id=improvement_id, position=position))
            added += 1
    if order_lock(project) is None:
        db.session.add(ImplementationOrder(project_id=project.id))
    db.session.flush()
    if added:
        audit.record("implementation.sync", "project", project.id, project.id, actor=actor,
                     after={"added": added, "plan_version": final.number})
    return added


def start_execution(project: Project, actor: User) -> None:
    """Step 10 opens: each taken-over improvement's responsible person gets it as a task."""
    for item in taken_over(plan_lines(project)):
        db.session.add(Task(
            project_id=project.id, step=int(Step.EXECUTION), role=None,
            title=item.title, description="", assignee_id=item.responsible_id,
            origin="action", link=task_link("implementation.action", item_id=item.id),
            created_by_id=actor.id, due_date=item.end_on))
    db.session.flush()


# --- Order and dependencies ------------------------------------------------------------------

def suggested_order(lines: list[PlanLine], first: int | None = None) -> list[PlanLine]:
    """Quick wins with high impact and little effort first: offered, never imposed. With
    ``first``, only the head of that order (without sorting the whole plan)."""
    def key(line: PlanLine) -> tuple:
        return (line.horizon != Horizon.QUICK_WIN, -(line.impact or 0),
                line.effort or 6, line.position)

    return sorted(lines, key=key) if first is None else heapq.nsmallest(first, lines, key=key)


def dependency_problems(ordered: Sequence[Item],
                        waits_for: dict[int, int | None] | None = None) -> list[str]:
    """Why this order or these dependencies cannot be: a cycle, or an improvement that waits
    for one planned after it. ``waits_for`` overrides the stored dependencies (a proposal)."""
    waits = {i.id: i.waits_for_id for i in ordered}
    waits.update(waits_for or {})
    place = {item.id: n for n, item in enumerate(ordered)}
    title = {item.id: item.title for item in ordered}
    problems = []
    for item in ordered:
        seen, current = {item.id}, waits.get(item.id)
        while current is not None:
            if current in seen:
                return [_("%(title)s wacht via een kring van afhankelijkheden op zichzelf.",
                          title=title[item.id])]
            seen.add(current)
            current = waits.get(current)
        other = waits.get(item.id)
        if other is not None and other in place and place[other] > place[item.id]:
            problems.append(_("%(title)s wacht op %(other)s, maar die staat later in de "
                              "volgorde. Zet %(other)s eerder of haal de afhankelijkheid weg.",
                              title=title[item.id], other=title[other]))
    return problems


def _lock(project: Project, expected_version: int) -> ImplementationOrder:
    lock = order_lock(project)
    if lock is None:
        raise WorkflowError(_("Het implementatieplan is nog niet opgesteld."))
    check_version(lock, expected_version)
    return lock


def _with_block(order: list[int], block: list[int]) -> list[int]:
    """The whole order with one contiguous part of it rearranged (a page of the plan, as drag
    and drop on that page sends it; the whole plan is a part too)."""
    place = {item_id: n for n, item_id in enumerate(order)}
    if not block or len(set(block)) != len(block) or any(i not in place for i in block):
        raise WorkflowError(_("De volgorde moet precies de verbeteringen van het plan "
                              "bevatten."))
    start = min(place[i] for i in block)
    if max(place[i] for i in block) - start + 1 != len(block):
        raise WorkflowError(_("De nieuwe volgorde past niet bij het plan zoals het nu is. "
                              "Laad de pagina opnieuw en probeer het nog eens."))
    return order[:start] + block + order[start + len(block):]


def _changed_span(before: list[int], after: list[int]) -> tuple[list[int], list[int]]:
    """The part of the order that changed, for the history (not 10,000 numbers twice)."""
    first = next(n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)
    last = len(before) - next(n for n, (a, b) in enumerate(
        zip(reversed(before), reversed(after), strict=True)) if a != b)
    return before[first:last], after[first:last]


def reorder(project: Project, actor: User, ordered_ids: list[int], *,
            expected_version: int) -> None:
    """Store a new order (of the whole plan, or of one contiguous part of it); refused when
    based on an old order or when it would put an improvement before the one it waits for."""
    require_open(project, Action.ORDER_IMPLEMENTATION)
    lock = _lock(project, expected_version)
    lines = {line.id: line for line in plan_lines(project)}
    before = list(lines)
    after = _with_block(before, ordered_ids)
    problems = dependency_problems([lines[i] for i in after])
    if problems:
        raise WorkflowError(" ".join(problems))
    if before == after:
        return
    place = {item_id: n for n, item_id in enumerate(after, start=1)}
    moved = {i for i in after if place[i] != lines[i].position}
    for item in db.session.scalars(select(ImplementationItem).where(
            ImplementationItem.id.in_(moved))) if moved else ():
        item.position = place[item.id]
    lock.changed_at = utcnow()  # raises the lock's version
    db.session.flush()
    was, now = _changed_span(before, after)
    audit.record("implementation.order", "project", project.id, project.id, actor=actor,
                 before={"order": was}, after={"order": now})


def move(project: Project, actor: User, item: ImplementationItem, *, to_position: int,
         expected_version: int) -> None:
    """Move one improvement to a place in the order (1 is first), as the keyboard does."""
    ids = [line.id for line in plan_lines(project) if line.id != item.id]
    to_position = min(max(to_position, 1), len(ids) + 1)
    ids.insert(to_position - 1, item.id)
    reorder(project, actor, ids, expected_version=expected_version)


def apply_suggestion(project: Project, actor: User, *, expected_version: int) -> None:
    reorder(project, actor, [line.id for line in suggested_order(plan_lines(project))],
            expected_version=expected_version)


def place_of(project: Project, item_id: int) -> int:
    """Where an item stands in the order (1 is first), to show the page it is on."""
    position = select(ImplementationItem.position).where(
        ImplementationItem.id == item_id).scalar_subquery()
    return db.session.scalar(select(func.count()).select_from(ImplementationItem).where(
        ImplementationItem.project_id == project.id,
        or_(ImplementationItem.position < position,
            and_(ImplementationItem.position == position,
                 ImplementationItem.id <= item_id)))) or 1


# --- One improvement's decision and planning -------------------------------------------------

def item_problems(values: dict) -> dict[str, str]:
    """Field errors for a decision on one improvement."""
    problems = {}
    adoption = Adoption(values["adoption"])
    if adoption is Adoption.TAKEN_OVER:
        if not values["responsible_id"]:
            problems["responsible_id"] = _("Kies wie verantwoordelijk is.")
        if not values["start_on"]:
            problems["start_on"] = _("Vul de geplande start in.")
        if not values["end_on"]:
            problems["end_on"] = _("Vul het geplande einde in.")
        elif values["start_on"] and values["end_on"] < values["start_on"]:
            problems["end_on"] = _("Het einde ligt vóór de start.")
    hours = values.get("capacity_hours")
    if hours is not None and not 0 <= hours <= MAX_CAPACITY_HOURS:
        problems["capacity_hours"] = _("Vul een aantal uren in van 0 tot en met %(max)s.",
                                       max=f"{MAX_CAPACITY_HOURS:,}".replace(",", "."))
    if adoption is Adoption.DEFERRED and not values["deferred_until"]:
        problems["deferred_until"] = _("Vul in tot wanneer het is uitgesteld.")
    if adoption is Adoption.DROPPED and not (values["drop_reason"] or "").strip():
        problems["drop_reason"] = _("Geef aan waarom deze verbetering vervalt.")
    return problems


def update_item(item: ImplementationItem, project: Project, actor: User, *,
                expected_version: int, values: dict) -> None:
    check_version(item, expected_version)
    require_open(project, Action.ORDER_IMPLEMENTATION)
    problems = item_problems(values)
    if problems:
        raise WorkflowError(" ".join(problems.values()))
    if values["responsible_id"] and not project.has_member(values["responsible_id"]):
        raise WorkflowError(_("De verantwoordelijke moet in het team zitten."))
    items = plan_lines(project)
    waits_for = values["waits_for_id"]
    if waits_for is not None:
        if waits_for == item.id or waits_for not in {i.id for i in items}:
            raise WorkflowError(_("Kies een andere verbetering uit dit plan om op te wachten."))
        problems = dependency_problems(items, {item.id: waits_for})
        if problems:
            raise WorkflowError(" ".join(problems))
    adoption = Adoption(values["adoption"])
    # Keep only what belongs to the decision, so a plan does not carry stale dates or reasons.
    values = {
        **values,
        "deferred_until": values["deferred_until"] if adoption is Adoption.DEFERRED else None,
        "drop_reason": values["drop_reason"] if adoption is Adoption.DROPPED else "",
        "capacity_hours": values.get("capacity_hours")
        if adoption is Adoption.TAKEN_OVER else None,
    }
    audit.apply_changes(item, {f: values[f] for f in ITEM_FIELDS},
                        action="implementation.item", object_type="implementation_item",
                        project_id=project.id, actor=actor)


# --- Approval --------------------------------------------------------------------------------

def fingerprint(items: Sequence[Item]) -> str:
    """The plan's decisions and order as one value: an approval holds while it is unchanged."""
    # Hashed a row at a time (see fingerprints): the same value approvals stored before.
    # The capacity only when stated, so approvals from before it keep their fingerprint.
    return json_list_sha256(
        [i.improvement_id, i.position, i.adoption, i.responsible_id, str(i.start_on),
         str(i.end_on), i.waits_for_id, str(i.deferred_until), i.drop_reason,
         *([i.capacity_hours] if i.capacity_hours is not None else [])] for i in items)


def approval_blockers(items: Sequence[Item], limit: int | None = None) -> list[str]:
    """What stands between the plan and its approval; with ``limit``, that many reasons and
    then how many more (a plan of thousands of items is not listed item by item)."""
    if not items:
        return [_("Het implementatieplan bevat nog geen verbeteringen uit het definitieve "
                  "verbeterplan.")]
    incomplete = [(item, problems) for item in items
                  if (problems := item_problems({f: getattr(item, f) for f in ITEM_FIELDS}))]
    blockers = [_("%(title)s is nog niet compleet: %(problems)s", title=item.title,
                  problems=" ".join(problems.values()))
                for item, problems in incomplete[:limit]]
    if limit is not None and len(incomplete) > limit:
        blockers.append(ngettext("En nog %(num)d verbetering die niet compleet is.",
                                 "En nog %(num)d verbeteringen die niet compleet zijn.",
                                 len(incomplete) - limit))
    return blockers + dependency_problems(items)[:limit]


def latest_approval(project: Project) -> ImplementationApproval | None:
    return db.session.scalar(
        select(ImplementationApproval).where(ImplementationApproval.project_id == project.id)
        .order_by(ImplementationApproval.id.desc()).limit(1))


def approve(project: Project, actor: User) -> ImplementationApproval:
    require_open(project, Action.ORDER_IMPLEMENTATION)
    items = plan_lines(project)
    blockers = approval_blockers(items, limit=BLOCKERS_SHOWN)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    approval = ImplementationApproval(project_id=project.id, fingerprint=fingerprint(items),
                                      approved_by_id=actor.id, approver_name=actor.name)
    add_once(approval, _("Het implementatieplan is in deze vorm al vastgesteld."))
    audit.record("implementation.approve", "project", project.id, project.id, actor=actor,
                 after={"items": len(items), "taken_over": len(taken_over(items))})
    return approval


def approval_problems(project: Project) -> list[str]:
    """Evidence for step 9: the plan as it is now has been approved by the process owner."""
    items = plan_lines(project)
    blockers = approval_blockers(items, limit=BLOCKERS_SHOWN)
    if blockers:
        return blockers
    approval = latest_approval(project)
    if approval is None:
        return [_("De proceseigenaar heeft het implementatieplan nog niet vastgesteld.")]
    if approval.fingerprint != fingerprint(items):
        return [_("Het implementatieplan is gewijzigd na de vaststelling; de proceseigenaar "
                  "moet het opnieuw vaststellen.")]
    return []


# --- The planning view -----------------------------------------------------------------------

@dataclass(frozen=True)
class Timeline:
    months: list[date]  # the first day of each month shown
    rows: list[tuple[Item, list[bool]]]  # per item: planned in each month?


def _month(value: date) -> date:
    return value.replace(day=1)


def _months_between(first: date, last: date) -> list[date]:
    months, current = [], _month(first)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _planned(items: Sequence[Item]) -> list[Item]:
    return [i for i in taken_over(items) if i.start_on and i.end_on]


def timeline(items: Sequence[Item], limit: int | None = 24,
             rows_of: Sequence[Item] | None = None) -> Timeline:
    """Months with planned work in the whole plan, the first ``limit`` of them (None: all),
    with a row per planned item of ``rows_of`` (a page of the plan; default all)."""
    planned = _planned(items)
    if not planned:
        return Timeline([], [])
    months = _months_between(min(i.start_on for i in planned),
                             max(i.end_on for i in planned))[:limit]
    return timeline_of(months, planned if rows_of is None else rows_of)


def timeline_of(months: list[date], items: Sequence[Item]) -> Timeline:
    """The timeline of those ``months``, with a row per planned item of ``items``."""
    if not months:
        return Timeline([], [])
    return Timeline(months, [(item, [_month(item.start_on) <= month <= _month(item.end_on)
                                     for month in months]) for item in _planned(items)])


# --- Step 10: actions ------------------------------------------------------------------------

def update_action(item: ImplementationItem, project: Project, actor: User, *,
                  expected_version: int, status: str, blocked_reason: str) -> None:
    check_version(item, expected_version)
    require_open(project, Action.UPDATE_ACTION)
    if item.adoption is not Adoption.TAKEN_OVER:
        raise WorkflowError(_("Alleen een overgenomen verbetering is een actie."))
    status = ActionStatus(status)
    if status is ActionStatus.BLOCKED and not blocked_reason.strip():
        raise WorkflowError(_("Geef aan waardoor de actie geblokkeerd is."))
    audit.apply_changes(item, {"status": status.value, "blocked_reason":
                               blocked_reason if status is ActionStatus.BLOCKED else ""},
                        action="action.update", object_type="implementation_item",
                        project_id=project.id, actor=actor)


def add_note(item: ImplementationItem, project: Project, actor: User, text: str) -> ActionNote:
    require_open(project, Action.UPDATE_ACTION)
    note = ActionNote(item_id=item.id, text=text.strip(), author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    audit.record("action.note", "implementation_item", item.id, project.id, actor=actor,
                 after={"text": note.text})
    return note


def contributions_of(project: Project) -> list[ImplementationContribution]:
    return list(db.session.scalars(
        select(ImplementationContribution)
        .where(ImplementationContribution.project_id == project.id)
        .options(selectinload(ImplementationContribution.author))
        .order_by(ImplementationContribution.id)))


def contribute(project: Project, actor: User, role: Role, text: str) -> ImplementationContribution:
    """Step 9: a proposal for the process owner (planning, dependencies, a team's capacity)."""
    require_open(project, Action.CONTRIBUTE_IMPLEMENTATION)
    contribution = ImplementationContribution(project_id=project.id, author_id=actor.id,
                                              role=role.value, text=text.strip())
    db.session.add(contribution)
    db.session.flush()
    audit.record("implementation.contribute", "implementation_contribution", contribution.id,
                 project.id, actor=actor, after={"role": role.value, "text": contribution.text})
    return contribution


def overdue(items: Sequence[Item], today: date) -> list[Item]:
    return [i for i in taken_over(items)
            if i.end_on and i.end_on < today and i.status != ActionStatus.DONE]


# --- Step 10: evaluation and KPI after-measurements ------------------------------------------

def evaluation_of(project: Project) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.project_id == project.id)
                             .options(selectinload(Evaluation.owner)))


def months_problem(months: list[int]) -> str | None:
    """Why these re-measurement months (after the close) cannot be the borging's."""
    if not months:
        return _("Kies ten minste één nameting.")
    if any(m < 1 or m > REMEASURE_MAX_MONTHS for m in months):
        return _("Kies maanden van 1 tot en met %(max)d.", max=REMEASURE_MAX_MONTHS)
    if len(months) > REMEASURE_MOMENTS_MAX:
        return _("Kies ten hoogste %(max)d nametingen.", max=REMEASURE_MOMENTS_MAX)
    return None


def _check_evaluation(values: dict, today: date) -> None:
    """The evaluation looks back on the re-measurements: it lies before the last one (the
    project closes today at the earliest, so the last one is at least that far away)."""
    months = values.get("remeasure_months") or list(REMEASURE_MONTHS)
    problem = months_problem(months)
    if problem:
        raise InvalidInput(problem, "remeasure_months")
    last = add_months(today, max(months))
    if values["planned_on"] > last:
        raise InvalidInput(_("Het evaluatiemoment ligt na de laatste nameting (%(months)d "
                             "maanden na het afsluiten). Kies een eerdere datum of een latere "
                             "nameting.", months=max(months)), "planned_on")


def save_evaluation(project: Project, actor: User, *, expected_version: int,
                    values: dict) -> Evaluation:
    require_open(project, Action.EVALUATE)
    if not project.has_member(values["owner_id"]):
        raise WorkflowError(_("Kies een teamlid dat de evaluatie houdt."))
    _check_evaluation(values, clock.today())
    evaluation = evaluation_of(project)
    if evaluation is None:
        if expected_version:
            raise ConflictError()
        evaluation = Evaluation(project_id=project.id, planned_on=values["planned_on"],
                                owner_id=values["owner_id"], lessons=values["lessons"].strip(),
                                remeasure_months=values.get("remeasure_months")
                                or list(REMEASURE_MONTHS))
        add_once(evaluation)
        audit.record("evaluation.plan", "project", project.id, project.id, actor=actor,
                     after={"planned_on": values["planned_on"].isoformat(),
                            "owner_id": values["owner_id"]})
        return evaluation
    check_version(evaluation, expected_version)
    audit.apply_changes(evaluation, values, action="evaluation.update", object_type="project",
                        project_id=project.id, actor=actor)
    return evaluation


def evaluation_problems(project: Project) -> list[str]:
    """Evidence for step 10's evaluation product: a date and someone who holds it."""
    evaluation = evaluation_of(project)
    if evaluation is None or evaluation.owner_id is None:
        return [_("Er is nog geen evaluatiemoment gepland (datum en wie).")]
    return []


def record_measurement(project: Project, actor: User, kpi: Kpi, *, value: float,
                       measured_on: date) -> KpiMeasurement:
    require_open(project, Action.EVALUATE)
    return add_measurement(project, actor, kpi, value=value, measured_on=measured_on)


def add_measurement(project: Project, actor: User, kpi: Kpi, *, value: float,
                    measured_on: date) -> KpiMeasurement:
    """An after-measurement of the KPI, in step 10 or in the borging (whose window its
    caller checks)."""
    if kpi.baseline_date and measured_on < kpi.baseline_date:
        raise WorkflowError(_("De nameting ligt vóór de nulmeting."))
    if measured_on > clock.today():
        raise WorkflowError(_("Een nameting is gedaan, niet gepland: de datum ligt in de "
                              "toekomst. Leg de nameting vast op of na de dag van meten."))
    measurement = KpiMeasurement(kpi_id=kpi.id, value=value, measured_on=measured_on,
                                 recorded_by_id=actor.id)
    db.session.add(measurement)
    db.session.flush()
    audit.record("kpi.measure", "kpi", kpi.id, project.id, actor=actor,
                 after={"value": value, "measured_on": measured_on.isoformat()})
    return measurement


@dataclass(frozen=True)
class KpiResult:
    kpi: Kpi
    after: KpiMeasurement | None

    @property
    def change(self) -> float | None:
        """The after-measurement against the baseline, in the KPI's unit."""
        if self.after is None or self.kpi.baseline_value is None:
            return None
        return self.after.value - self.kpi.baseline_value

    @property
    def reached(self) -> bool | None:
        """Whether the after-measurement meets the target (None when not measured)."""
        if self.after is None or self.kpi.target_value is None:
            return None
        return self.verdict is KpiVerdict.REACHED

    @property
    def verdict(self) -> KpiVerdict:
        """The KPI after the change, in words."""
        return kpi_verdict(None if self.after is None else self.after.value,
                           self.kpi.target_value, self.kpi.direction == Direction.LOWER)


def kpi_results(project_ids: list[int]) -> dict[int, list[KpiResult]]:
    """Per project: each KPI with its latest after-measurement, in one query (also for no
    projects, so a page's query count does not depend on what it happens to show)."""
    latest = (select(KpiMeasurement.id).where(KpiMeasurement.kpi_id == Kpi.id)
              .order_by(KpiMeasurement.measured_on.desc(), KpiMeasurement.id.desc())
              .limit(1).correlate(Kpi).scalar_subquery())
    rows = db.session.execute(
        select(Kpi, KpiMeasurement).outerjoin(KpiMeasurement, KpiMeasurement.id == latest)
        .where(Kpi.project_id.in_(project_ids)).order_by(Kpi.id))
    results: dict[int, list[KpiResult]] = {}
    for kpi, after in rows:
        results.setdefault(kpi.project_id, []).append(KpiResult(kpi, after))
    return results


@dataclass(frozen=True)
class ActionCounts:
    """Step 10 at a glance: the actions per status, and how many passed their end date."""

    total: int
    by_status: dict[ActionStatus, int]
    overdue: int


def action_counts(items: Sequence[Item], today: date) -> ActionCounts:
    actions = taken_over(items)
    counted = Counter(action.status for action in actions)
    return ActionCounts(len(actions), {status: counted[status] for status in ActionStatus},
                        len(overdue(actions, today)))
