"""What a project's template requires before a step closes, checked in the project's data.
``work_blockers`` (steps/services.py) adds these to the step's own blockers, so the refusal
and "Wat nu?" say them like a missing product."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..kpis import services as kpis
from ..models import Project, ProjectRequirement
from ..process import services as process
from ..workflow import Pending, Requirement, Role, Step


def _every_kpi(has: Callable) -> Callable[[Project], bool]:
    def met(project: Project) -> bool:
        rows = kpis.kpis_of(project)
        return bool(rows) and all(has(kpi) for kpi in rows)

    return met


CHECKS: dict[Requirement, Callable[[Project], bool]] = {
    Requirement.KPI_BASELINES: _every_kpi(lambda kpi: kpi.baseline_value is not None),
    Requirement.KPI_TARGETS: _every_kpi(lambda kpi: kpi.target_value is not None),
    Requirement.DESIRED_PROCESS: lambda project: bool(process.steps_of(project,
                                                                       process.DESIRED)),
}
# Whoever supplies it: the team that does the step's work.
SUPPLIED_BY = (Role.PROJECT_LEADER, Role.PROCESS_OWNER, Role.PROCESS_ADVISOR)


def requirements_of(project: Project) -> list[ProjectRequirement]:
    if project.template_version_id is None:  # no template: nothing to read
        return []
    return list(db.session.scalars(select(ProjectRequirement).where(
        ProjectRequirement.project_id == project.id)))


def problems(project: Project, step: Step) -> list[Pending]:
    """The template's requirements at this step that the project's data does not meet."""
    return [Pending(_("Het sjabloon van dit traject vraagt vóór het afronden van deze stap: "
                      "%(what)s.", what=_sentence_case(_(row.requirement.label))),
                    SUPPLIED_BY, row.requirement.page)
            for row in requirements_of(project)
            if row.step == step and not CHECKS[row.requirement](project)]


def _sentence_case(label: str) -> str:
    """"Elke KPI heeft ..." inside a sentence: "elke KPI heeft ..." (abbreviations kept)."""
    return label[:1].lower() + label[1:]
