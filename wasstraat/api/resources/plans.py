"""Plan versions with their status, and the specialists' reviews with their verdicts (read
only: a review is signed on the screen, by its specialist)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...access import project_access
from ...extensions import db
from ...models import PlanVersion
from ...reviews.services import reviews_of
from ..schemas import PlanVersionSchema, ReviewSchema
from ..spec import Blueprint

bp = Blueprint("api-plans", __name__, url_prefix="/api/v1/projects/<int:projectId>",
               description="Versies van het verbeterplan en de reviews van de specialisten")


class _VersionView:
    """What the API tells of a frozen plan version (its snapshot stays on the screens)."""

    def __init__(self, version: PlanVersion) -> None:
        self.id, self.number, self.created_at = version.id, version.number, version.created_at
        approval = version.approval
        self.approved_at = approval.approved_at if approval else None
        self.status = ("approved" if approval else "final" if version.is_final
                       else "sent_for_review")
        self.improvements = len(version.snapshot.get("improvements", []))


@bp.route("/plan-versions")
class PlanVersions(MethodView):
    @bp.response(200, PlanVersionSchema(many=True))
    def get(self, projectId):
        """De bevroren versies van het verbeterplan, nieuwste eerst"""
        project = project_access(projectId).project
        versions = db.session.scalars(
            select(PlanVersion).where(PlanVersion.project_id == project.id)
            .options(selectinload(PlanVersion.approval)).order_by(PlanVersion.number.desc()))
        return [_VersionView(v) for v in versions]


@bp.route("/reviews")
class Reviews(MethodView):
    @bp.response(200, ReviewSchema(many=True))
    def get(self, projectId):
        """De reviews per domein en planversie, met hun oordeel"""
        return reviews_of(project_access(projectId).project)
