"""Projects with their steps, team and KPIs: read by whoever may see them on the screens."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...access import project_access
from ...extensions import db
from ...main.queries import only_visible
from ...models import Kpi, KpiMeasurement, Project, ProjectPosition
from ...workflow import Step
from ..helpers import caller, paged, paginate, with_etag
from ..schemas import (
    KpiSchema,
    ProjectArgs,
    ProjectSchema,
    StepStateSchema,
    TeamMemberSchema,
    page_of,
)
from ..spec import Blueprint

bp = Blueprint("api-projects", __name__, url_prefix="/api/v1/projects",
               description="Verbeterprojecten, hun tien stappen, team en KPI's")

_ORDER = {"name": (func.lower(Project.name), Project.id),
          "-name": (func.lower(Project.name).desc(), Project.id.desc()),
          "createdAt": (Project.created_at, Project.id),
          "-createdAt": (Project.created_at.desc(), Project.id.desc())}


@bp.route("")
class Projects(MethodView):
    @bp.arguments(ProjectArgs, location="query")
    @bp.response(200, page_of(ProjectSchema, "ProjectPage"))
    def get(self, args):
        """De projecten die u mag zien

        Beheerders zien alle projecten, anderen de projecten waarin zij een rol hebben.
        Filter op de huidige stap, afgesloten, procestype of afdeling; sorteer op naam of
        aanmaakdatum.
        """
        query = only_visible(select(Project).join(
            ProjectPosition, ProjectPosition.project_id == Project.id), caller(), Project.id)
        if "step" in args:
            query = query.where(ProjectPosition.step == args["step"])
        if "closed" in args:
            query = query.where(ProjectPosition.step.is_(None) if args["closed"]
                                else ProjectPosition.step.is_not(None))
        if "process_type" in args:
            query = query.where(Project.process_type == args["process_type"])
        if "organisation_unit" in args:
            query = query.where(Project.organisation_unit == args["organisation_unit"])
        query = query.options(selectinload(Project.steps)).order_by(*_ORDER[args["sort"]])
        return paged(paginate(query, args))


@bp.route("/<int:projectId>")
class OneProject(MethodView):
    @bp.response(200, ProjectSchema, headers={"ETag": {"$ref": "#/components/headers/ETag"}})
    def get(self, projectId):
        """Eén project, met de stand van zijn stappen"""
        return with_etag(project_access(projectId).project)


@bp.route("/<int:projectId>/steps")
class Steps(MethodView):
    @bp.response(200, StepStateSchema(many=True))
    def get(self, projectId):
        """De tien stappen van een project, met hun status"""
        return project_access(projectId).project.steps


@bp.route("/<int:projectId>/steps/<int(min=1, max=10):number>")
class OneStep(MethodView):
    @bp.response(200, StepStateSchema)
    def get(self, projectId, number):
        """Eén stap van een project"""
        return project_access(projectId).project.step_state(Step(number))


@bp.route("/<int:projectId>/team-members")
class TeamMembers(MethodView):
    @bp.response(200, TeamMemberSchema(many=True))
    def get(self, projectId):
        """Het team: wie welke rollen heeft"""
        project = project_access(projectId).project
        return sorted(project.memberships, key=lambda m: (m.user.name.lower(), m.user_id))


@bp.route("/<int:projectId>/kpis")
class Kpis(MethodView):
    @bp.response(200, KpiSchema(many=True))
    def get(self, projectId):
        """De KPI's met nulmeting, doel en nametingen"""
        project = project_access(projectId).project
        kpis = list(db.session.scalars(select(Kpi).where(Kpi.project_id == project.id)
                                       .order_by(Kpi.id)))
        measured: dict[int, list[KpiMeasurement]] = {k.id: [] for k in kpis}
        for row in db.session.scalars(
                select(KpiMeasurement).join(Kpi, Kpi.id == KpiMeasurement.kpi_id)
                .where(Kpi.project_id == project.id)
                .order_by(KpiMeasurement.measured_on, KpiMeasurement.id)):
            measured[row.kpi_id].append(row)
        for kpi in kpis:
            kpi.measurements = measured[kpi.id]  # type: ignore[attr-defined]
        return kpis


