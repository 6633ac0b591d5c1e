"""A project's audit trail, for administrators (as the audit export on the screens)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...access import project_access
from ...models import AuditEvent
from ..guard import require_admin
from ..helpers import paged, paginate
from ..schemas import AuditEventSchema, PageArgs, page_of
from ..spec import Blueprint

bp = Blueprint("api-audit-trail", __name__, url_prefix="/api/v1/projects/<int:projectId>",
               description="De audittrail van een project (alleen voor beheerders)")


@bp.route("/audit-events")
class AuditEvents(MethodView):
    @bp.arguments(PageArgs, location="query")
    @bp.doc(responses={"403": "FORBIDDEN"})
    @bp.response(200, page_of(AuditEventSchema, "AuditEventPage"))
    def get(self, args, projectId):
        """Wie wat wanneer veranderde in dit project, nieuwste eerst"""
        project = project_access(projectId).project
        require_admin()
        query = (select(AuditEvent).where(AuditEvent.project_id == project.id)
                 .options(joinedload(AuditEvent.actor)).order_by(AuditEvent.id.desc()))
        return paged(paginate(query, args))
