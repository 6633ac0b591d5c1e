"""The result of a project: benefits per improvement, the borging's re-measurement moments
with their state, and the library of described processes."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select

from ... import clock
from ...access import project_access
from ...extensions import db
from ...library import queries as library
from ...mining import services as mining
from ...models import Benefit
from ...sustain import services as sustain
from ..helpers import Page, caller, paged, paginate
from ..schemas import (
    BenefitSchema,
    ConformanceSchema,
    PageArgs,
    ProcessSchema,
    RemeasurementSchema,
    page_of,
)
from ..spec import Blueprint

bp = Blueprint("api-results", __name__, url_prefix="/api/v1",
               description="Het resultaat: baten, nametingen in de borging, de toets aan het "
                           "gewenste proces en de processen")


@bp.route("/projects/<int:projectId>/benefits")
class Benefits(MethodView):
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(BenefitSchema, "BenefitPage"))
    def get(self, args, projectId):
        """De baten per verbetering: verwacht, prognose en gerealiseerd"""
        project = project_access(projectId).project
        return paged(paginate(select(Benefit).where(Benefit.project_id == project.id)
                              .order_by(Benefit.improvement_id, Benefit.id), args))


@bp.route("/projects/<int:projectId>/remeasurements")
class Remeasurements(MethodView):
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(RemeasurementSchema, "RemeasurementPage"))
    def get(self, args, projectId):
        """De nametingen van de borging, op datum, met hun stand van vandaag"""
        project = project_access(projectId).project
        moments = sustain.moments_of(project, clock.today())
        size, number = args["page_size"], args["page"]
        return paged(Page(moments[(number - 1) * size:number * size], number, size,
                          len(moments)))


@bp.route("/projects/<int:projectId>/conformance")
class Conformance(MethodView):
    @bp.response(200, ConformanceSchema)
    def get(self, projectId):
        """Hoeveel zaken na de verandering het gewenste proces volgen, en de meest voorkomende
        afwijkingen"""
        checked = mining.latest_conformance(project_access(projectId).project)
        if checked is None:
            return {"checked": False, "cases": 0, "conforming": 0, "rate": None,
                    "deviations": [], "unmatched": []}
        return {"checked": True, "cases": checked.cases, "conforming": checked.conforming,
                "rate": round(checked.rate, 4), "deviations": checked.deviations,
                "unmatched": checked.unmatched}


@bp.route("/processes")
class Processes(MethodView):
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(ProcessSchema, "ProcessPage"))
    def get(self, args):
        """De beschreven processen van afgeronde trajecten, wie ze bezit en wanneer ze herzien
        worden (elke medewerker mag ze lezen)"""
        user = caller()
        query = library.described_processes()
        size, number = args["page_size"], args["page"]
        total = db.session.scalar(select(func.count()).select_from(
            query.order_by(None).subquery())) or 0
        projects = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
        return paged(Page(library.rows_of(user, projects, clock.today()), number, size, total))
