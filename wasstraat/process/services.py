"""The process as an ordered list of activities: the current process of step 3 (mapped in 3a,
checked by the participants in 3b) and the desired process of step 8, compared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..concurrency import check_version
from ..errors import WorkflowError
from ..extensions import db
from ..models import ProcessCheck, ProcessStep, Project, User, utcnow
from ..ordering import renumber
from ..windows import require_open
from ..workflow import PROCESS_EDITS, Action, Step

STEP_FIELDS = ["activity", "actor", "system", "handover", "wait_days", "work_minutes", "remarks",
               "wastes", "optional", "may_repeat", "parallel"]
# What only the desired process declares: how a case may pass it (mining/conformance.py).
MODEL_FIELDS = ("optional", "may_repeat", "parallel")
CURRENT, DESIRED = "current", "desired"
HOURS_PER_WORKING_DAY = 8


@dataclass(frozen=True)
class ProcessSummary:
    steps: int
    handovers: int
    wait_days: float
    work_minutes: float

    @property
    def lead_time_days(self) -> float:
        """Waiting plus working, in working days of eight hours."""
        return self.wait_days + self.work_minutes / 60 / HOURS_PER_WORKING_DAY

    @property
    def work_days(self) -> float:
        return self.work_minutes / 60 / HOURS_PER_WORKING_DAY


def steps_of(project: Project, variant: str = CURRENT) -> list[ProcessStep]:
    return list(db.session.scalars(
        select(ProcessStep).where(ProcessStep.project_id == project.id,
                                  ProcessStep.variant == variant)
        .order_by(ProcessStep.position, ProcessStep.id)))


@dataclass(frozen=True)
class Comparison:
    """The desired process against the current one: what the change does to the process."""

    current: ProcessSummary
    desired: ProcessSummary
    removed: list[str]  # current activities that the desired process no longer has
    added: list[str]  # activities that are new in the desired process


def compare(current: list[ProcessStep], desired: list[ProcessStep]) -> Comparison:
    """Activities are the same when their names are, ignoring case and spaces around them."""
    def names(steps: list[ProcessStep]) -> dict[str, str]:
        return {s.activity.strip().casefold(): s.activity for s in steps}

    before, after = names(current), names(desired)
    return Comparison(summary(current), summary(desired),
                      [name for key, name in before.items() if key not in after],
                      [name for key, name in after.items() if key not in before])


def handovers(steps: list[ProcessStep]) -> list[bool]:
    """Per activity (in order): does the work go to someone else after it? The team's answer
    where it gave one; else when the next activity's "Wie" is another (both filled in)."""
    def who(step: ProcessStep) -> str:
        return " ".join(step.actor.split()).casefold()

    following = [*steps[1:], None][:len(steps)]
    return [step.handover if step.handover is not None
            else bool(after and who(step) and who(after) and who(step) != who(after))
            for step, after in zip(steps, following, strict=True)]


def summary(steps: list[ProcessStep]) -> ProcessSummary:
    return ProcessSummary(len(steps), sum(handovers(steps)),
                          sum(s.wait_days for s in steps), sum(s.work_minutes for s in steps))


@dataclass(frozen=True)
class TimelineBar:
    """One process as a bar: its work time, then its waiting time, on a shared scale."""

    variant: str
    summary: ProcessSummary
    work_width: float
    wait_width: float


TIMELINE_WIDTH = 400


def timeline(comparison: Comparison) -> list[TimelineBar]:
    longest = max(comparison.current.lead_time_days, comparison.desired.lead_time_days) or 1

    def width(days: float) -> float:
        return round(days / longest * TIMELINE_WIDTH, 1)

    return [TimelineBar(variant, s, width(s.work_days), width(s.wait_days))
            for variant, s in ((CURRENT, comparison.current), (DESIRED, comparison.desired))]


def check_participants(project: Project) -> list[User]:
    """Members holding a role that takes part in session 3b."""
    roles = set(Step.PROCESS.definition.part("3b").actors)
    return sorted((m.user for m in project.memberships if m.roles & roles), key=lambda u: u.name)


def checks_of(project: Project) -> list[ProcessCheck]:
    return list(db.session.scalars(
        select(ProcessCheck).where(ProcessCheck.project_id == project.id)
        .options(selectinload(ProcessCheck.user)).order_by(ProcessCheck.checked_at)))


def require_editable(project: Project, variant: str) -> None:
    """Each description is edited while its step is under way (workflow.EDIT_WINDOWS)."""
    require_open(project, PROCESS_EDITS[variant])


def _for_variant(values: dict[str, Any], variant: str) -> dict[str, Any]:
    """Waste is seen in the current process; the desired one is what remains without it, and
    only it is a model that says what a case may skip, repeat or do alongside."""
    if variant == CURRENT:
        return {**values, **dict.fromkeys(MODEL_FIELDS, False)}
    return {**values, "wastes": []}


def _plain(step: ProcessStep) -> dict[str, Any]:
    return {name: getattr(step, name) for name in ["position", "variant", *STEP_FIELDS]}


def add_step(project: Project, actor: User, values: dict[str, Any],
             variant: str = CURRENT) -> ProcessStep:
    require_editable(project, variant)
    values = _for_variant(values, variant)
    position = (db.session.scalar(select(func.max(ProcessStep.position)).where(
        ProcessStep.project_id == project.id, ProcessStep.variant == variant)) or 0) + 1
    step = ProcessStep(project_id=project.id, variant=variant, position=position,
                       **audit.stripped(values))
    db.session.add(step)
    db.session.flush()
    audit.record("process.step_add", "process_step", step.id, project.id, actor=actor,
                 after=_plain(step))
    return step


def update_step(step: ProcessStep, project: Project, actor: User, *, expected_version: int,
                values: dict[str, Any]) -> None:
    require_editable(project, step.variant)
    check_version(step, expected_version)
    audit.apply_changes(step, _for_variant(values, step.variant),
                        action="process.step_update", object_type="process_step",
                        project_id=project.id, actor=actor)


def delete_step(step: ProcessStep, project: Project, actor: User) -> None:
    require_editable(project, step.variant)
    audit.record("process.step_delete", "process_step", step.id, project.id, actor=actor,
                 before=_plain(step))
    db.session.delete(step)
    db.session.flush()
    renumber(steps_of(project, step.variant))


def move_step(step: ProcessStep, project: Project, actor: User, offset: int) -> None:
    """Move one place up (-1) or down (+1); at either end nothing changes."""
    require_editable(project, step.variant)
    steps = steps_of(project, step.variant)
    index = steps.index(step)
    target = index + offset
    if not 0 <= target < len(steps):
        return
    steps[index], steps[target] = steps[target], steps[index]
    renumber(steps)
    audit.record("process.step_move", "process_step", step.id, project.id, actor=actor,
                 before={"position": index + 1}, after={"position": target + 1})


def record_check(project: Project, actor: User, *, confirmed: bool, correction: str) -> None:
    """A 3b participant confirms the mapping or leaves a correction (their latest answer counts)."""
    require_open(project, Action.CHECK_PROCESS)
    if actor not in check_participants(project):
        raise WorkflowError(_("Alleen deelnemers aan sessie 3b controleren de proceskaart."))
    if not steps_of(project):
        raise WorkflowError(_("Er is nog geen proces om te controleren."))
    correction = correction.strip()
    if not confirmed and not correction:
        raise WorkflowError(_("Beschrijf de correctie."))
    check = db.session.scalar(select(ProcessCheck).where(
        ProcessCheck.project_id == project.id, ProcessCheck.user_id == actor.id))
    if check is None:
        check = ProcessCheck(project_id=project.id, user_id=actor.id, confirmed=confirmed)
        db.session.add(check)
    check.confirmed, check.correction, check.checked_at = confirmed, correction, utcnow()
    db.session.flush()
    audit.record("process.check", "process_check", check.id, project.id, actor=actor,
                 after={"confirmed": confirmed, "correction": correction})


def is_participant(project: Project, user: User) -> bool:
    return user in check_participants(project)


def mapping_problems(project: Project) -> list[str]:
    """Evidence for the 3a product: the current process has at least one activity."""
    if not steps_of(project):
        return [_("Het huidige proces heeft nog geen processtappen.")]
    return []


def check_problems(project: Project, variant: str) -> list[str]:
    """Before the process advisor marks the mapping complete: was it checked?

    A 3b held as a session or online needs at least one participant's answer; merged into 3a
    needs none (the method allows that for a simple process).
    """
    problems = mapping_problems(project)
    if variant != "merged" and not checks_of(project):
        problems.append(_("Nog geen deelnemer heeft de proceskaart gecontroleerd."))
    return problems

