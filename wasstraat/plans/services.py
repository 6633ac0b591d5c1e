"""Steps 6 and 8: the improvement plan on one board, its frozen versions, the final version
and the process owner's approval.

The draft is the live data (the improvements and the plan's texts). Sending it for review or
making it final freezes a copy as a numbered :class:`PlanVersion`; a fingerprint of that copy
tells whether the draft has changed since.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from .. import audit, duties, fragments
from ..concurrency import add_once, check_version
from ..errors import ConflictError, WorkflowError
from ..extensions import db
from ..fingerprints import json_list_sha256
from ..improvements.sources import describe
from ..models import (
    Improvement,
    ImprovementKpi,
    ImprovementPlan,
    Kpi,
    PlanApproval,
    PlanVersion,
    Project,
    Task,
    User,
)
from ..risks import services as risks
from ..tasks.services import task_link
from ..windows import require_open
from ..workflow import N_, PLAN_SECTIONS, Action, Decision, Horizon, Pending, Role, Step
from . import matrix
from .matrix import Matrix

PLAN_FIELDS = ["horizon", "impact", "effort", "cost_estimate", "recurring_cost", "cost_unknown",
               "recurring_cost_unknown", "removes_waste", "decision", "decision_reason"]
TEXT_FIELDS = [section.key for section in PLAN_SECTIONS]


# --- Reading ---------------------------------------------------------------------------------

def store_plan(plan: ImprovementPlan) -> ImprovementPlan:
    """The plan from :func:`plan_of`, added to the session when it is new."""
    if plan.id is None:
        plan.version = None  # the mapper numbers the first version
        db.session.add(plan)
        db.session.flush()
    return plan


def plan_of(project: Project) -> ImprovementPlan:
    """The project's plan texts; an unsaved empty plan when nobody wrote any yet."""
    plan = db.session.scalar(select(ImprovementPlan).where(
        ImprovementPlan.project_id == project.id))
    return plan or ImprovementPlan(project_id=project.id, context="", findings="",
                                   quick_wins="", long_term="", review_domains=[], version=0)


def board(project: Project) -> list[Improvement]:
    """Every improvement of the project as ORM objects, for code that changes them.

    Joined and subquery loading keep the query count fixed however large the board grows
    (selectin loading batches 500 ids per query)."""
    return list(db.session.scalars(
        select(Improvement)
        .where(Improvement.project_id == project.id)
        .options(subqueryload(Improvement.kpis), joinedload(Improvement.proposer))
        .order_by(Improvement.id)
    ))


@dataclass(frozen=True, slots=True)
class BoardLine:
    """What the board, the snapshot and the rules read of an improvement, as plain columns:
    a board of 10,000 improvements is read without building 10,000 ORM objects."""

    id: int
    title: str
    description: str
    step: Step
    source_type: str
    source_id: int | None
    horizon: Horizon | None
    impact: int | None
    effort: int | None
    cost_estimate: int | None
    recurring_cost: int | None
    decision: Decision
    decision_reason: str
    merged_into_id: int | None
    kpi_names: tuple[str, ...] = ()
    merged_into_title: str | None = None


ROWS_PER_BATCH = 1000  # rows fetched at a time: the database rows never all in memory at once

_BOARD_COLUMNS = (
    Improvement.id, Improvement.title, Improvement.description, Improvement.step,
    Improvement.source_type, Improvement.source_id, Improvement.horizon, Improvement.impact,
    Improvement.effort, Improvement.cost_estimate, Improvement.recurring_cost,
    Improvement.decision, Improvement.decision_reason, Improvement.merged_into_id,
)


def board_lines(project: Project, ids: Sequence[int] | None = None) -> list[BoardLine]:
    """Every improvement of the project (or those of ``ids``), lean, with its KPIs' names and
    the title of the one it was merged into: two queries (three for some ``ids``)."""
    kpi_query = (select(ImprovementKpi.improvement_id, Kpi.name)
                 .join(Kpi, Kpi.id == ImprovementKpi.kpi_id).where(Kpi.project_id == project.id))
    query = select(*_BOARD_COLUMNS).where(Improvement.project_id == project.id)
    if ids is not None:
        kpi_query = kpi_query.where(ImprovementKpi.improvement_id.in_(ids))
        query = query.where(Improvement.id.in_(ids))
    kpi_names: dict[int, list[str]] = {}
    for improvement_id, name in db.session.execute(kpi_query.order_by(Kpi.id)):
        kpi_names.setdefault(improvement_id, []).append(name)
    rows = db.session.execute(query.order_by(Improvement.id)
                              .execution_options(yield_per=ROWS_PER_BATCH))
    # Values that repeat (source kinds, horizons, decisions) are kept once, not once per row.
    shared: dict[object, object] = {}
    same = shared.setdefault
    lines = [BoardLine(*row[:4], *(same(value, value) for value in row[4:12]), *row[12:],
                       kpi_names=tuple(kpi_names.get(row[0], ())))
             for row in rows]
    merged = {line.merged_into_id for line in lines if line.merged_into_id is not None}
    titles = {line.id: line.title for line in lines if line.id in merged}
    if merged - titles.keys():
        titles.update(db.session.execute(select(Improvement.id, Improvement.title).where(
            Improvement.id.in_(merged - titles.keys()))).all())
    return [replace(line, merged_into_title=titles[line.merged_into_id])
            if line.merged_into_id in titles else line for line in lines]


@dataclass(frozen=True)
class BoardSummary:
    """What the board shows of all its improvements at once, made from every row; the page
    then reads only the rows it shows. Kept per revision of the project (fragments.py), so a
    board of 10,000 improvements costs its rows once per change, not once per view."""

    draft: str  # the draft's fingerprint
    groups: dict[tuple[str, str | None], list[int]]  # (decision, horizon in the plan) -> ids
    matrix: Matrix
    send_blockers: list[str]
    merged: dict[int, list[int]]  # an improvement -> the ones merged into it


def board_summary(project: Project, plan: ImprovementPlan) -> BoardSummary:
    improvements = board_lines(project)
    groups: dict[tuple[str, str | None], list[int]] = {}
    for line in improvements:  # one pass, comparing the stored values
        horizon = line.horizon if line.decision == Decision.IN_PLAN else None
        groups.setdefault((line.decision, horizon), []).append(line.id)
    return BoardSummary(
        draft_fingerprint(project, plan, improvements, describe(project, improvements)),
        groups, matrix.build(improvements), send_blockers(improvements, plan),
        {parent: [c.id for c in children]
         for parent, children in merged_children(improvements).items()})


def kept_board_summary(project: Project, plan: ImprovementPlan,
                       state: tuple | None = None) -> BoardSummary:
    """The board's summary as kept for this revision of the project (made when missing);
    ``state``: the project's ``fragments.project_state``, when the caller read it already."""
    state = state or fragments.project_state(project.id)
    return fragments.cached(("board-summary", *state), lambda: board_summary(project, plan))


def kpis_of(project: Project) -> list[Kpi]:
    return list(db.session.scalars(
        select(Kpi).where(Kpi.project_id == project.id).order_by(Kpi.id)))


def merged_children(improvements: Sequence[BoardLine]) -> dict[int, list[BoardLine]]:
    """For each improvement, the duplicates merged into it (their sources count as its own)."""
    children: dict[int, list[BoardLine]] = {}
    for improvement in improvements:
        if improvement.merged_into_id is not None:
            children.setdefault(improvement.merged_into_id, []).append(improvement)
    return children


def versions_of(project: Project) -> list[PlanVersion]:
    return list(db.session.scalars(
        select(PlanVersion).where(PlanVersion.project_id == project.id)
        .options(selectinload(PlanVersion.approval), selectinload(PlanVersion.created_by))
        .order_by(PlanVersion.number.desc())
    ))


def latest_version(project: Project) -> PlanVersion | None:
    return db.session.scalar(
        select(PlanVersion).where(PlanVersion.project_id == project.id)
        .options(selectinload(PlanVersion.approval))
        .order_by(PlanVersion.number.desc()).limit(1)
    )


def document_version(versions: list[PlanVersion]) -> PlanVersion | None:
    """The version a reader wants as the plan document: the newest approved one, else the
    newest final one; None when only the draft exists. ``versions`` newest first."""
    approved = next((v for v in versions if v.approval is not None), None)
    return approved or next((v for v in versions if v.is_final), None)


def version_by_number(project: Project, number: int) -> PlanVersion | None:
    return db.session.scalar(select(PlanVersion).where(
        PlanVersion.project_id == project.id, PlanVersion.number == number))


# --- The snapshot ----------------------------------------------------------------------------

def _texts(plan: ImprovementPlan) -> dict[str, str]:
    return {section.key: getattr(plan, section.key) or "" for section in PLAN_SECTIONS
            if getattr(plan, section.key) or not section.optional}


def _entries(project: Project, improvements: Sequence[BoardLine],
             sources: dict | None) -> Iterator[dict]:
    """Each improvement as the snapshot keeps it, one at a time."""
    sources = sources if sources is not None else describe(project, improvements)
    children = merged_children(improvements)

    def source_name(improvement: BoardLine) -> str:
        source = sources.get(improvement.id)
        return source.name if source else _("bron verwijderd")

    for i in improvements:
        yield {
            # Added later; only when known, so older versions keep their fingerprint.
            **({"recurring_cost": i.recurring_cost} if i.recurring_cost is not None else {}),
            "id": i.id, "title": i.title, "description": i.description, "step": i.step,
            "sources": [source_name(i)] + [source_name(c) for c in children.get(i.id, [])],
            "horizon": i.horizon, "impact": i.impact, "effort": i.effort,
            "cost_estimate": i.cost_estimate, "decision": i.decision,
            "decision_reason": i.decision_reason,
            "merged_into": i.merged_into_title,
            "kpis": list(i.kpi_names),
        }


def _risks(project: Project) -> dict:
    """The risk register as the snapshot keeps it, largest first; only when there is one, so
    the versions frozen before the register keep their fingerprint."""
    kept = [risks.as_plain(r) for r in risks.risks_of(project)]
    return {"risks": kept} if kept else {}


def snapshot(project: Project, plan: ImprovementPlan, improvements: Sequence[BoardLine],
             sources: dict | None = None) -> dict:
    """The plan as plain data: what a frozen version keeps, and what the documents print."""
    return {"texts": _texts(plan), **_risks(project),
            "improvements": list(_entries(project, improvements, sources))}


# What an improvement's entry in the plan is, for "what changed": its text, horizon and money.
_COMPARED = ("title", "description", "horizon", "cost_estimate", "recurring_cost", "kpis")


@dataclass(frozen=True)
class VersionChanges:
    """What one snapshot of the plan changed against an earlier one: the improvements in the
    plan added, taken out or changed, and the cost totals before and after."""

    added: int
    removed: int
    changed: int
    one_off: tuple[int | None, int | None]  # None: no improvement estimated
    recurring: tuple[int | None, int | None]
    risks: tuple[int, int] = (0, 0)  # the register's size before and after
    risks_changed: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.risks_changed
                    or self.one_off[0] != self.one_off[1]
                    or self.recurring[0] != self.recurring[1])


def _in_plan(data: dict) -> dict[int, dict]:
    return {i["id"]: i for i in data["improvements"] if i["decision"] == Decision.IN_PLAN}


def _total(entries: dict[int, dict], key: str) -> int | None:
    known = [i[key] for i in entries.values() if i.get(key) is not None]
    return sum(known) if known else None


def version_changes(before: dict, after: dict) -> VersionChanges:
    old, new = _in_plan(before), _in_plan(after)
    changed = sum(1 for key in old.keys() & new.keys()
                  if any(old[key].get(f) != new[key].get(f) for f in _COMPARED))
    return VersionChanges(len(new.keys() - old.keys()), len(old.keys() - new.keys()), changed,
                          (_total(old, "cost_estimate"), _total(new, "cost_estimate")),
                          (_total(old, "recurring_cost"), _total(new, "recurring_cost")),
                          (len(before.get("risks", [])), len(after.get("risks", []))),
                          before.get("risks", []) != after.get("risks", []))


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def draft_fingerprint(project: Project, plan: ImprovementPlan,
                      improvements: Sequence[BoardLine], sources: dict | None = None) -> str:
    """``fingerprint(snapshot(...))`` without building the snapshot: the same JSON, hashed an
    improvement at a time (a board of 10,000 would otherwise hold ~10 MB at once)."""
    # sort_keys puts "improvements" before "risks" and "texts".
    rest = json.dumps({**_risks(project), "texts": _texts(plan)}, sort_keys=True).encode()
    return json_list_sha256(
        _entries(project, improvements, sources), before=b'{"improvements": ',
        after=b", " + rest[1:])


def current_snapshot(project: Project) -> dict:
    return snapshot(project, plan_of(project), board_lines(project))


@dataclass(frozen=True)
class PlanState:
    """Where the plan stands, for the pages and the gates."""

    latest: PlanVersion | None
    draft_changed: bool  # the draft differs from the latest frozen version


def plan_state(project: Project, draft: str | None = None,
               versions: list[PlanVersion] | None = None) -> PlanState:
    """``draft`` (the draft's fingerprint) and ``versions`` (newest first) save queries when
    the page has them already."""
    if versions is None:
        versions = [v for v in (latest_version(project),) if v is not None]
    latest = versions[0] if versions else None
    if latest is None:
        return PlanState(None, True)
    if draft is None:
        draft = draft_fingerprint(project, plan_of(project), board_lines(project))
    return PlanState(latest, draft != latest.fingerprint)


def snapshot_groups(snapshot: dict) -> tuple[dict[Decision, list[dict]], dict[str, list[dict]]]:
    """A frozen version's improvements by decision, and the rows of its quick-win and
    long-term sections (the improvements in the plan of that horizon)."""
    by_decision = {d: [i for i in snapshot["improvements"] if i["decision"] == d.value]
                   for d in Decision}
    in_plan = by_decision[Decision.IN_PLAN]
    return by_decision, {
        "quick_wins": [i for i in in_plan if i["horizon"] == Horizon.QUICK_WIN],
        "long_term": [i for i in in_plan if i["horizon"] == Horizon.LONG_TERM],
    }


# --- Editing the draft -----------------------------------------------------------------------

def plan_field_problems(values: dict) -> dict[str, str]:
    """Field errors for a board entry; the form shows each at its field."""
    problems = {}
    decision = Decision(values["decision"])
    if decision is Decision.IN_PLAN and not values["horizon"]:
        problems["horizon"] = _("Kies quick win of lange termijn voordat de verbetering in "
                                "het plan kan.")
    if decision is Decision.NOT_PURSUED and not (values["decision_reason"] or "").strip():
        problems["decision_reason"] = _("Geef aan waarom deze verbetering niet wordt "
                                        "opgepakt.")
    if decision is Decision.MERGED:
        problems["decision"] = _("Samenvoegen doet u met de knop Samenvoegen.")
    for cost, unknown in (("cost_estimate", "cost_unknown"),
                          ("recurring_cost", "recurring_cost_unknown")):
        if values.get(unknown) and values.get(cost) is not None:
            problems[cost] = _("Vul een bedrag in of kies onbekend, niet allebei.")
    return problems


def update_plan_fields(improvement: Improvement, project: Project, actor: User, *,
                       expected_version: int, values: dict, kpi_ids: list[int]) -> None:
    check_version(improvement, expected_version)
    require_open(project, Action.EDIT_PLAN)
    if improvement.decision is Decision.MERGED:
        raise WorkflowError(_("Deze verbetering is samengevoegd. Maak het samenvoegen eerst "
                              "ongedaan om haar te wijzigen."))
    problems = plan_field_problems(values)
    if problems:
        raise WorkflowError(" ".join(problems.values()))
    kpis = {k.id: k for k in kpis_of(project)}
    if any(kpi_id not in kpis for kpi_id in kpi_ids):
        raise WorkflowError(_("Kies KPI's van dit traject."))
    if values["decision"] != Decision.NOT_PURSUED:
        values = {**values, "decision_reason": ""}
    # Only the fields given change (a caller that knows no recurring cost leaves it as it is).
    changed = audit.apply_changes(improvement,
                                  {f: values[f] for f in PLAN_FIELDS if f in values},
                                  action="improvement.plan", object_type="improvement",
                                  project_id=project.id, actor=actor)
    old_kpis = sorted(k.id for k in improvement.kpis)
    if old_kpis != sorted(kpi_ids):
        improvement.kpis = [kpis[kpi_id] for kpi_id in sorted(kpi_ids)]
        if not changed:
            improvement.version += 1  # a KPI change alone still counts as an edit
        db.session.flush()
        audit.record("improvement.kpis", "improvement", improvement.id, project.id, actor=actor,
                     before={"kpis": old_kpis}, after={"kpis": sorted(kpi_ids)})


def merge(duplicate: Improvement, into: Improvement, project: Project, actor: User, *,
          expected_version: int) -> None:
    """Fold a duplicate into another improvement; both sources stay visible on the survivor."""
    check_version(duplicate, expected_version)
    require_open(project, Action.EDIT_PLAN)
    if duplicate.id == into.id:
        raise WorkflowError(_("Een verbetering kan niet met zichzelf worden samengevoegd."))
    if Decision.MERGED in (duplicate.decision, into.decision):
        raise WorkflowError(_("Een samengevoegde verbetering kan niet nog eens worden "
                              "samengevoegd."))
    if any(i.merged_into_id == duplicate.id for i in board(project)):
        raise WorkflowError(_("Er zijn al verbeteringen in deze verbetering samengevoegd; "
                              "voeg deze andersom samen."))
    before = {"decision": duplicate.decision, "merged_into_id": None}
    duplicate.decision = Decision.MERGED
    duplicate.merged_into_id = into.id
    into.kpis = sorted({*into.kpis, *duplicate.kpis}, key=lambda k: k.id)
    db.session.flush()
    audit.record("improvement.merge", "improvement", duplicate.id, project.id, actor=actor,
                 before=before, after={"decision": Decision.MERGED,
                                       "merged_into_id": into.id})


def unmerge(improvement: Improvement, project: Project, actor: User, *,
            expected_version: int) -> None:
    check_version(improvement, expected_version)
    require_open(project, Action.EDIT_PLAN)
    if improvement.decision is not Decision.MERGED:
        raise WorkflowError(_("Deze verbetering is niet samengevoegd."))
    before = {"decision": improvement.decision, "merged_into_id": improvement.merged_into_id}
    improvement.decision = Decision.OPEN
    improvement.merged_into_id = None
    db.session.flush()
    audit.record("improvement.unmerge", "improvement", improvement.id, project.id, actor=actor,
                 before=before, after={"decision": Decision.OPEN})


def save_texts(project: Project, actor: User, *, expected_version: int, values: dict) -> None:
    require_open(project, Action.EDIT_PLAN)
    plan = plan_of(project)
    if plan.id is None:
        if expected_version != 0:
            raise ConflictError()
    else:
        check_version(plan, expected_version)
    store_plan(plan)
    audit.apply_changes(plan, {k: values[k] for k in TEXT_FIELDS if k in values},
                        action="plan.texts",
                        object_type="plan", project_id=project.id, actor=actor)


# --- Freezing versions -----------------------------------------------------------------------

def send_blockers(improvements: Sequence[BoardLine], plan: ImprovementPlan) -> list[str]:
    """What keeps the draft from being sent for review or made final: the texts a board
    reads before deciding, and a decision on every improvement."""
    missing = [_(s.title) for s in PLAN_SECTIONS
               if s.for_board and not (getattr(plan, s.key) or "").strip()]
    texts = [_("Vul eerst in wat wie besluit nodig heeft: %(sections)s.",
               sections=", ".join(missing))] if missing else []
    return texts + decision_blockers(improvements)


def decision_blockers(improvements: Sequence[BoardLine]) -> list[str]:
    """What the team has still to decide on the improvements."""
    blockers = []
    in_plan = [i for i in improvements if i.decision == Decision.IN_PLAN]
    if not in_plan:
        blockers.append(_("Er staat nog geen verbetering in het plan."))
    undecided = [i for i in improvements if i.decision == Decision.OPEN]
    if undecided:
        blockers.append(ngettext(
            "Over %(num)d verbetering is nog niet besloten: %(titles)s.",
            "Over %(num)d verbeteringen is nog niet besloten: %(titles)s.", len(undecided),
            titles=", ".join(i.title for i in undecided[:5])))
    without_horizon = [i for i in in_plan if not i.horizon]
    if without_horizon:
        blockers.append(_("Kies een horizon voor: %(titles)s.",
                          titles=", ".join(i.title for i in without_horizon[:5])))
    return blockers


def _freeze(project: Project, actor: User, *, final: bool) -> PlanVersion:
    improvements, plan = board_lines(project), plan_of(project)
    blockers = send_blockers(improvements, plan)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    data = snapshot(project, plan, improvements)
    latest = latest_version(project)
    if latest is not None and latest.is_final == final and latest.fingerprint == fingerprint(data):
        raise WorkflowError(_("Deze versie van het plan is al vastgelegd als versie "
                              "%(number)d.", number=latest.number))
    number = (db.session.scalar(select(func.max(PlanVersion.number)).where(
        PlanVersion.project_id == project.id)) or 0) + 1
    version = PlanVersion(project_id=project.id, number=number, is_final=final, snapshot=data,
                          fingerprint=fingerprint(data), created_by_id=actor.id)
    add_once(version, _("Iemand anders heeft het plan intussen vastgelegd."))
    audit.record("plan.final" if final else "plan.send", "plan_version", version.id, project.id,
                 actor=actor, after={"number": number, "final": final,
                                     "improvements": len(data["improvements"])})
    return version


def send_for_review(project: Project, actor: User) -> PlanVersion:
    require_open(project, Action.SEND_PLAN)
    return _freeze(project, actor, final=False)


def make_final(project: Project, actor: User, blockers: list[str]) -> PlanVersion:
    """Freeze the final version; ``blockers`` are the review's reasons to wait (step 8)."""
    require_open(project, Action.MAKE_PLAN_FINAL)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    version = _freeze(project, actor, final=True)
    _tell_team_managers(project, version, actor)
    return version


def _tell_team_managers(project: Project, version: PlanVersion, actor: User) -> None:
    link = task_link("plans.version", number=version.number)
    managers = [m.user_id for m in project.memberships if Role.TEAM_MANAGER in m.roles]
    for user_id in managers:
        db.session.add(Task(
            project_id=project.id, step=int(Step.ADJUST), role=Role.TEAM_MANAGER.value,
            title=N_("Definitief verbeterplan bekijken voor het eigen team"),
            description=N_("Lees wat het plan voor uw team betekent."), assignee_id=user_id,
            origin="plan", link=link, created_by_id=actor.id))
    db.session.flush()


def approve(project: Project, version: PlanVersion, actor: User, note: str) -> PlanApproval:
    """The process owner's approval of the final version; two at once give one record. (The
    signed document is kept by ``approvals.approve_plan``, which the screens call.)"""
    require_open(project, Action.APPROVE_PLAN)
    latest = latest_version(project)
    if not version.is_final or latest is None or latest.id != version.id:
        raise WorkflowError(_("Alleen de nieuwste definitieve versie kan worden goedgekeurd."))
    if version.approval is not None:
        raise ConflictError(_("Deze versie is al goedgekeurd."))
    refused = duties.four_eyes_problem(project, actor, made_by_id=version.created_by_id,
                                       what=_("het definitieve verbeterplan"))
    if refused:
        raise WorkflowError(refused)
    approval = PlanApproval(plan_version_id=version.id, approved_by_id=actor.id,
                            approver_name=actor.name, note=note.strip())
    add_once(approval, _("Deze versie is al goedgekeurd."))
    db.session.expire(version, ["approval"])  # the loaded version learns it is approved
    audit.record("plan.approve", "plan_version", version.id, project.id, actor=actor,
                 after={"number": version.number, "note": approval.note,
                        **({"four_eyes_waived": True} if duties.waived() else {})})
    return approval


def final_plan_problems(project: Project) -> list[str]:
    """Evidence for step 8's product: an approved final version that is still the plan."""
    state = plan_state(project)
    leader = ((Role.PROJECT_LEADER,), "plans.index#state-heading")
    if state.latest is None or not state.latest.is_final:
        return [Pending(_("Het plan is nog niet definitief gemaakt."), *leader)]
    if state.latest.approval is None:
        return [Pending(_("De proceseigenaar heeft de definitieve versie nog niet goedgekeurd."),
                        (Role.PROCESS_OWNER,), "plans.latest")]
    if state.draft_changed:
        return [Pending(_("Het plan is gewijzigd na de definitieve versie; maak het opnieuw "
                          "definitief."), *leader)]
    return []


def sent_for_review_problems(project: Project) -> list[str]:
    """Evidence for step 6's product: the current draft has been sent for review."""
    state = plan_state(project)
    if state.latest is None:
        return [_("Het plan is nog niet verstuurd voor toetsing.")]
    if state.draft_changed:
        return [_("Het plan is gewijzigd sinds versie %(number)d; verstuur de nieuwe versie.",
                  number=state.latest.number)]
    return []

