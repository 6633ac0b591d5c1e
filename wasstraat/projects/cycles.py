"""The next PDCA cycle: an evaluated (closed) project is the start of the next round.

The process owner starts a follow-up: the same product or service and process, the team
carried over (active people, same roles; the leader edits it as ever), the KPIs carried over
with their after-measurement as the new baseline, the improvements deferred in step 9 as
the starting list, and the lessons learned in the assignment. Both projects link to each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from .. import audit, clock, duties
from ..errors import InvalidInput, NotAllowed, WorkflowError
from ..extensions import db
from ..implementation.services import kpi_results
from ..models import (
    Evaluation,
    ImplementationItem,
    Improvement,
    Kpi,
    Membership,
    MembershipRole,
    ProcessStep,
    ProcessSuggestion,
    Project,
    ProjectCycle,
    StepState,
    User,
)
from ..process import services as process
from ..workflow import Adoption, Decision, Role, Step
from . import services as projects


@dataclass(frozen=True)
class Link:
    """A project in a chain, by id and name (the portfolio links to it)."""

    id: int
    name: str


@dataclass(frozen=True)
class Chain:
    """Where a project stands in its cycles."""

    follows: Link | None = None  # the project it continues
    followed_by: Link | None = None  # the project that continues it


def chain(project: Project) -> Chain:
    return chains([project.id]).get(project.id, Chain())


def chains(project_ids: list[int]) -> dict[int, Chain]:
    """For a page of projects, where each stands in its cycles (those with a link): one
    query."""
    newer, older = aliased(Project), aliased(Project)
    rows = db.session.execute(
        select(newer.id, newer.name, older.id, older.name)
        .join(ProjectCycle, ProjectCycle.project_id == newer.id)
        .join(older, ProjectCycle.follows_id == older.id)
        .where(or_(newer.id.in_(project_ids), older.id.in_(project_ids))))
    found: dict[int, Chain] = {}
    for newer_id, newer_name, older_id, older_name in rows:
        if newer_id in project_ids:
            found[newer_id] = replace(found.get(newer_id, Chain()),
                                      follows=Link(older_id, older_name))
        if older_id in project_ids:
            found[older_id] = replace(found.get(older_id, Chain()),
                                      followed_by=Link(newer_id, newer_name))
    return found


@dataclass(frozen=True)
class CarriedOver:
    people: int  # active team members
    left: int  # team members whose account is no longer active
    kpis: int
    measured: int  # KPIs whose after-measurement becomes the new baseline
    deferred: list[str]  # titles of the improvements deferred in step 9
    lessons: bool
    process_steps: int  # activities of the process description the next step 3 starts from
    suggestions: int  # employees' open suggestions on the process (the library)


def what_carries_over(previous: Project) -> CarriedOver:
    """What a follow-up of this project would start with (shown before it is made)."""
    results = kpi_results([previous.id]).get(previous.id, [])
    active = [m for m in previous.memberships if m.user.active]
    return CarriedOver(len(active), len(previous.memberships) - len(active), len(results),
                       sum(1 for r in results if r.after), [i.title for i in _deferred(previous)],
                       bool(_lessons(previous)), len(process_description(previous)),
                       len(_open_suggestions(previous)))


def _deferred(previous: Project) -> list[Improvement]:
    return list(db.session.scalars(
        select(Improvement).join(ImplementationItem,
                                 ImplementationItem.improvement_id == Improvement.id)
        .where(ImplementationItem.project_id == previous.id,
               ImplementationItem.adoption == Adoption.DEFERRED)
        .order_by(ImplementationItem.position)))


def follow_up_refusal(previous: Project, actor: User,
                      cycle: Chain | None = None) -> WorkflowError | None:
    """Why ``actor`` cannot start a follow-up of this project now (the reason, with its
    status), or None (``cycle``: its chain, when the caller has it already). A follow-up is a
    project start: the organisation's rule on who starts projects holds as for any other."""
    if not duties.may_create_projects(actor):
        return NotAllowed(_("In deze organisatie starten alleen beheerders een traject; vraag "
                            "een beheerder het vervolgtraject te starten."))
    if not previous.is_finished:
        return WorkflowError(_("Een vervolgtraject start vanuit een afgerond traject: rond "
                               "eerst stap 10 af."))
    existing = (cycle or chain(previous)).followed_by
    if existing is not None:
        return WorkflowError(_("Dit traject heeft al een vervolgtraject: %(name)s.",
                               name=existing.name))
    return None


def start_follow_up(previous: Project, actor: User, *, name: str) -> Project:
    refusal = follow_up_refusal(previous, actor)
    if refusal:
        raise refusal
    problem = projects.name_problem(name, previous.organisation_unit)
    if problem:
        raise InvalidInput(problem, "name")
    project = Project(name=name.strip(), product=previous.product,
                      process_type=previous.process_type,
                      organisation_unit=previous.organisation_unit,
                      assignment=_assignment(previous), created_by_id=actor.id)
    project.steps = [StepState(step=int(step)) for step in Step]
    db.session.add(project)
    db.session.flush()
    cycle = ProjectCycle(project_id=project.id, follows_id=previous.id)
    db.session.add(cycle)
    team, cycle.left_out = _carry_team(previous, project, actor)
    audit.record("project.follow_up", "project", project.id, project.id, actor=actor,
                 after={"name": project.name, "follows_id": previous.id,
                        "left_out": cycle.left_out})
    kpis = _carry_kpis(previous, project, actor)
    ideas = _carry_deferred(previous, project, actor) + _carry_suggestions(previous, project,
                                                                             actor)
    process_steps = _carry_process(previous, project)
    audit.record("project.follow_up", "project", previous.id, previous.id, actor=actor,
                 after={"followed_by_id": project.id, "team": team, "kpis": kpis,
                        "improvements": ideas, "process_steps": process_steps})
    return project


@dataclass(frozen=True)
class LeftOut:
    user_id: int
    name: str
    role: Role
    reason: str


def left_out(project: Project) -> list[LeftOut]:
    """The roles of the previous team this follow-up did not carry over, with the reason
    (none for a project that follows nothing)."""
    rows = db.session.scalar(select(ProjectCycle.left_out).where(
        ProjectCycle.project_id == project.id)) or []
    return [LeftOut(row["user_id"], row["name"], Role(row["role"]), row["reason"])
            for row in rows]


def _assignment(previous: Project) -> str:
    lessons = _lessons(previous)
    parts = [_("Vervolg op %(name)s (%(reference)s).", name=previous.name,
               reference=previous.reference)]
    if previous.assignment:
        parts.append(_("Opdracht van de vorige cyclus:") + "\n" + previous.assignment)
    if lessons:
        parts.append(_("Geleerde lessen:") + "\n" + lessons)
    return "\n\n".join(parts)


def _lessons(previous: Project) -> str:
    """What the evaluation taught (step 10), or ""."""
    return (db.session.scalar(select(Evaluation.lessons).where(
        Evaluation.project_id == previous.id)) or "").strip()


def _carry_team(previous: Project, project: Project,
                actor: User) -> tuple[int, list[dict[str, Any]]]:
    """The same people in the same roles, each role appointed anew under the organisation's
    rules as they are now (``duties.appointment_problems``): a role they refuse is left out,
    with the reason, for the leader to settle; whoever left the organisation stays behind.
    Returns how many people came along, and what was left out."""
    carried, left_out = 0, []
    for membership in previous.memberships:
        if not membership.user.active:
            continue
        person, kept = membership.user, []
        for role in membership.sorted_roles:
            problems = duties.appointment_problems(project, actor, person, {role},
                                                   carried_over=True)
            if problems:
                left_out.append({"user_id": person.id, "name": person.name,
                                 "role": role.value, "reason": " ".join(problems)})
            else:
                kept.append(role)
        if kept:
            copy = Membership(project=project, user=person)
            copy.role_rows = [MembershipRole(role=role) for role in kept]
            db.session.add(copy)
            carried += 1
    db.session.flush()
    return carried, left_out


def _carry_kpis(previous: Project, project: Project, actor: User) -> int:
    """Each KPI again; its after-measurement is the new baseline. A target that was reached
    is done: the team sets the next one in step 2. A target not reached stays, with its date
    while that is still ahead (a passed date is asked again, named at the KPI)."""
    results = kpi_results([previous.id]).get(previous.id, [])
    today = clock.today()
    for result in results:
        kpi, after = result.kpi, result.after
        keeps_target = not result.reached
        target_date = kpi.target_date if keeps_target and kpi.target_date and \
            kpi.target_date > today else None
        db.session.add(Kpi(
            project_id=project.id, name=kpi.name, definition=kpi.definition, unit=kpi.unit,
            direction=kpi.direction,
            baseline_value=after.value if after else kpi.baseline_value,
            baseline_date=after.measured_on if after else kpi.baseline_date,
            baseline_source=(_("Nameting van %(name)s", name=previous.name)[:200] if after
                             else kpi.baseline_source),
            target_value=kpi.target_value if keeps_target else None,
            target_date=target_date, created_by_id=actor.id))
    return len(results)


def process_description(previous: Project) -> list[ProcessStep]:
    """The process as the project left it: the desired process of step 8, or, when the team
    recorded none, the current process of step 3."""
    return (process.steps_of(previous, process.DESIRED)
            or process.steps_of(previous, process.CURRENT))


def _carry_process(previous: Project, project: Project) -> int:
    """The next cycle's step 3 starts from the process as it now is."""
    steps = process_description(previous)
    for step in steps:
        db.session.add(ProcessStep(
            project_id=project.id, variant=process.CURRENT, position=step.position,
            activity=step.activity, actor=step.actor, system=step.system,
            handover=step.handover, wait_days=step.wait_days, work_minutes=step.work_minutes,
            remarks=step.remarks, wastes=[]))
    return len(steps)


def _open_suggestions(previous: Project) -> list[ProcessSuggestion]:
    return list(db.session.scalars(
        select(ProcessSuggestion).where(ProcessSuggestion.project_id == previous.id,
                                        ProcessSuggestion.taken_into_id.is_(None))
        .order_by(ProcessSuggestion.id)))


def _carry_suggestions(previous: Project, project: Project, actor: User) -> int:
    """Employees' open suggestions on the process, as ideas of the new list, each traced to
    its suggestion (source "suggestion") and marked as taken up."""
    suggestions = _open_suggestions(previous)
    for suggestion in suggestions:
        first_line = suggestion.text.splitlines()[0]
        db.session.add(Improvement(
            project_id=project.id, title=first_line[:120], description=suggestion.text,
            step=int(Step.TEAM), source_type="suggestion", source_id=suggestion.id,
            created_by_id=actor.id, proposer_id=suggestion.author_id, decision=Decision.OPEN))
        suggestion.taken_into_id = project.id
    db.session.flush()
    return len(suggestions)


def _carry_deferred(previous: Project, project: Project, actor: User) -> int:
    """The improvements the process owner deferred in step 9, as the new list's start."""
    deferred = _deferred(previous)
    for old in deferred:
        db.session.add(Improvement(
            project_id=project.id, title=old.title, description=old.description,
            step=int(Step.TEAM), source_type="previous_cycle", source_id=previous.id,
            created_by_id=actor.id, horizon=old.horizon, impact=old.impact, effort=old.effort,
            cost_estimate=old.cost_estimate, recurring_cost=old.recurring_cost,
            decision=Decision.OPEN))
    db.session.flush()
    return len(deferred)
