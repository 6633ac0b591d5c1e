"""Where an improvement can come from. Each kind knows its step, how to name a source object
and which page shows it, so the source stays visible wherever the improvement appears.

Later steps add kinds here (process steps, journey phases, service formula P's, sessions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import (
    FormulaComparison,
    Idea,
    Improvement,
    JourneyPhase,
    Kpi,
    ProcessStep,
    ProcessSuggestion,
    Project,
    ProjectCycle,
    ProjectTemplate,
    TemplateVersion,
    User,
    WorkSession,
)
from ..titles import step_title
from ..workflow import IDEA_SOURCE, N_, SERVICE_PS, Step


@dataclass(frozen=True)
class SourceKind:
    key: str
    label: str
    # ids -> names of the source objects that exist in the project
    names: Callable[[Project, set[int]], dict[int, str]]
    link: Callable[[Project, int], str]
    step_of: Callable[[int], Step]
    # The step whose session may offer this kind's objects as sources; None: not offered.
    offered_in: Step | None = None


def _only(model, ids: set[int] | None) -> list:
    """The id filter, or none when all of the project's objects are wanted."""
    return [] if ids is None else [model.id.in_(ids)]


def _kpi_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    rows = db.session.execute(
        select(Kpi.id, Kpi.name).where(Kpi.project_id == project.id,
               *_only(Kpi, ids)))
    return {row.id: _("KPI: %(name)s", name=row.name) for row in rows}


def _process_step_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    rows = db.session.execute(
        select(ProcessStep.id, ProcessStep.position, ProcessStep.activity)
        .where(ProcessStep.project_id == project.id,
               *_only(ProcessStep, ids)))
    return {row.id: _("Processtap %(n)d: %(activity)s", n=row.position, activity=row.activity)
            for row in rows}


def _formula_p_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    labels = {p.key: p.label for p in SERVICE_PS}
    rows = db.session.execute(
        select(FormulaComparison.id, FormulaComparison.p)
        .where(FormulaComparison.project_id == project.id,
               *_only(FormulaComparison, ids)))
    return {row.id: _("Serviceformule, P %(p)s", p=_(labels[row.p])) for row in rows}


def _phase_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    rows = db.session.execute(
        select(JourneyPhase.id, JourneyPhase.name)
        .where(JourneyPhase.project_id == project.id,
               *_only(JourneyPhase, ids)))
    return {row.id: _("Klantreis, fase %(name)s", name=row.name) for row in rows}


def _step_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    wanted = {int(s) for s in Step} if ids is None else ids
    return {n: step_title(Step(n)) for n in wanted if n in {int(s) for s in Step}}


def _session_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    rows = db.session.execute(
        select(WorkSession.id, WorkSession.held_on, WorkSession.step)
        .where(WorkSession.project_id == project.id, *_only(WorkSession, ids)))
    return {row.id: _("Sessie van %(date)s (%(step)s)", date=format_date(row.held_on, "long"),
                      step=step_title(row.step)) for row in rows}


def _previous_cycle_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    rows = db.session.execute(
        select(Project.id, Project.name).join(ProjectCycle, ProjectCycle.follows_id == Project.id)
        .where(ProjectCycle.project_id == project.id, *_only(Project, ids)))
    return {row.id: _("Vorige cyclus: %(name)s", name=row.name) for row in rows}


def _copied_from_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    """The project this one was copied from (projects/copying.py)."""
    rows = db.session.execute(select(Project.id, Project.name).where(
        Project.id == project.copied_from_id, *_only(Project, ids)))
    return {row.id: _("Kopie van traject %(name)s", name=row.name) for row in rows}


def _template_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    """The template version this project started from (project_templates/)."""
    rows = db.session.execute(
        select(TemplateVersion.id, TemplateVersion.number, ProjectTemplate.name)
        .join(ProjectTemplate, ProjectTemplate.id == TemplateVersion.template_id)
        .where(TemplateVersion.id == project.template_version_id,
               *_only(TemplateVersion, ids)))
    return {row.id: _("Sjabloon %(name)s, versie %(number)d", name=row.name,
                      number=row.number) for row in rows}


def _suggestion_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    """Suggestions on the previous cycle's process that this project took up."""
    rows = db.session.execute(
        select(ProcessSuggestion.id, ProcessSuggestion.created_at, User.name)
        .outerjoin(User, User.id == ProcessSuggestion.author_id)
        .where(ProcessSuggestion.taken_into_id == project.id, *_only(ProcessSuggestion, ids)))
    return {row.id: _("Suggestie van %(name)s (%(date)s)", name=row.name or _("oud-medewerker"),
                      date=format_date(row.created_at, "long")) for row in rows}


def _suggestion_link(_project: Project, suggestion_id: int) -> str:
    previous = db.session.scalar(select(ProcessSuggestion.project_id).where(
        ProcessSuggestion.id == suggestion_id))
    return url_for("library.show", project_id=previous) + "#suggestions-heading"


def _idea_names(project: Project, ids: set[int] | None) -> dict[int, str]:
    """Ideas from the idea box that a coordinator brought into this project."""
    rows = db.session.execute(select(Idea.id, Idea.title).where(
        Idea.project_id == project.id, *_only(Idea, ids)))
    return {row.id: _("Ideeënbus: %(title)s", title=row.title) for row in rows}


def _session_step(session_id: int) -> Step:
    return Step(db.session.scalar(select(WorkSession.step).where(WorkSession.id == session_id)))


SOURCES: dict[str, SourceKind] = {
    "step": SourceKind(
        "step", N_("Stap"), _step_names,
        lambda project, n: url_for("steps.show", project_id=project.id, number=n),
        lambda n: Step(n),
    ),
    "process_step": SourceKind(
        "process_step", N_("Processtap"), _process_step_names,
        lambda project, step_id: url_for("process.index", project_id=project.id)
        + f"#process-step-{step_id}",
        lambda _id: Step.PROCESS, Step.PROCESS,
    ),
    "formula_p": SourceKind(
        "formula_p", N_("Serviceformule"), _formula_p_names,
        lambda project, comparison_id: url_for("formulas.index", project_id=project.id)
        + f"#comparison-{comparison_id}",
        lambda _id: Step.SERVICE_FORMULA, Step.SERVICE_FORMULA,
    ),
    "journey_phase": SourceKind(
        "journey_phase", N_("Klantreis"), _phase_names,
        lambda project, phase_id: url_for("journey.index", project_id=project.id)
        + f"#phase-{phase_id}",
        lambda _id: Step.JOURNEY, Step.JOURNEY,
    ),
    "kpi": SourceKind(
        "kpi", N_("KPI"), _kpi_names,
        lambda project, _id: url_for("kpis.index", project_id=project.id),
        lambda _id: Step.KPIS, Step.KPIS,
    ),
    # Deferred in the previous cycle's step 9, brought into this one (projects.cycles).
    "previous_cycle": SourceKind(
        "previous_cycle", N_("Vorige cyclus"), _previous_cycle_names,
        lambda project, previous_id: url_for("projects.show", project_id=previous_id),
        lambda _id: Step.TEAM,
    ),
    # Carried over as a suggestion when this project was copied from another.
    "copy": SourceKind(
        "copy", N_("Kopie"), _copied_from_names,
        lambda project, source_id: url_for("projects.show", project_id=source_id),
        lambda _id: Step.TEAM,
    ),
    # A suggestion of the template this project started from.
    "template": SourceKind(
        "template", N_("Sjabloon"), _template_names,
        lambda _project, version_id: url_for("project_templates.version", version_id=version_id),
        lambda _id: Step.TEAM,
    ),
    # An employee's suggestion on the previous cycle's process (the library).
    "suggestion": SourceKind(
        "suggestion", N_("Suggestie"), _suggestion_names, _suggestion_link,
        lambda _id: Step.TEAM,
    ),
    # An employee's idea from the idea box, brought in by a coordinator (ideas/).
    IDEA_SOURCE: SourceKind(
        IDEA_SOURCE, N_("Ideeënbus"), _idea_names,
        lambda _project, idea_id: url_for("ideas.show", idea_id=idea_id),
        lambda _id: Step.TEAM,
    ),
    "session": SourceKind(
        "session", N_("Sessie"), _session_names,
        lambda project, session_id: url_for("sessions.show", project_id=project.id,
                                            session_id=session_id),
        _session_step,
    ),
}


@dataclass(frozen=True)
class SourceRef:
    kind: SourceKind
    source_id: int
    name: str

    def url(self, project: Project) -> str:
        return self.kind.link(project, self.source_id)


def offered_in_session(project: Project, session_id: int, step: Step) -> list[SourceRef]:
    """What an idea noted in this session may point at: the session itself, or one of the
    objects its step works on (the journey's phases in a journey session, and so on)."""
    refs = [SourceRef(SOURCES["session"], session_id,
                      SOURCES["session"].names(project, {session_id})[session_id])]
    for kind in SOURCES.values():
        if kind.offered_in == step:
            refs += [SourceRef(kind, object_id, name)
                     for object_id, name in kind.names(project, None).items()]
    return refs


def resolve(project: Project, kind_key: str | None, source_id: int | None) -> SourceRef | None:
    """The source, if it exists in this project; None otherwise."""
    kind = SOURCES.get(kind_key or "")
    if kind is None or source_id is None:
        return None
    name = kind.names(project, {source_id}).get(source_id)
    return SourceRef(kind, source_id, name) if name else None


def describe(project: Project, improvements: list[Improvement]) -> dict[int, SourceRef]:
    """The source of each improvement, with one query per kind of source."""
    wanted: dict[str, set[int]] = {}
    for improvement in improvements:
        if improvement.source_id is not None:
            wanted.setdefault(improvement.source_type, set()).add(improvement.source_id)
    names = {key: SOURCES[key].names(project, ids) for key, ids in wanted.items()
             if key in SOURCES}
    refs = {}
    for improvement in improvements:
        name = names.get(improvement.source_type, {}).get(improvement.source_id or -1)
        if name:
            refs[improvement.id] = SourceRef(SOURCES[improvement.source_type],
                                             improvement.source_id, name)
    return refs
