"""The implementation plan's items; the responsible person (and the project leader and
process owner) update an action's status and add a progress note, as on the action's page."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...access import Action, project_access, project_object
from ...extensions import db
from ...implementation import services
from ...implementation.forms import ActionForm, NoteForm
from ...models import ImplementationItem
from ..helpers import caller, check_with_form, if_match, paged, paginate, with_etag
from ..schemas import (
    ActionUpdateSchema,
    ImplementationArgs,
    ImplementationItemSchema,
    page_of,
)
from ..spec import Blueprint

bp = Blueprint("api-implementation", __name__, url_prefix="/api/v1/projects/<int:projectId>",
               description="Het implementatieplan en de voortgang van de acties")

ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}
IF_MATCH = {"in": "header", "name": "If-Match", "required": True,
            "description": "De ETag van de versie die u wijzigt.", "schema": {"type": "string"}}


def _item(access, item_id: int) -> ImplementationItem:
    return project_object(access, ImplementationItem, item_id)


@bp.route("/implementation-items")
class Items(MethodView):
    @bp.arguments(ImplementationArgs, location="query")
    @bp.response(200, page_of(ImplementationItemSchema, "ImplementationItemPage"))
    def get(self, args, projectId):
        """De verbeteringen in het implementatieplan, in hun volgorde"""
        project = project_access(projectId).project
        query = select(ImplementationItem).where(ImplementationItem.project_id == project.id)
        if "status" in args:
            query = query.where(ImplementationItem.status == args["status"])
        query = query.options(joinedload(ImplementationItem.improvement),
                              joinedload(ImplementationItem.responsible)).order_by(
            ImplementationItem.position, ImplementationItem.id)
        return paged(paginate(query, args))


@bp.route("/implementation-items/<int:itemId>")
class OneItem(MethodView):
    @bp.response(200, ImplementationItemSchema, headers=ETAG)
    def get(self, projectId, itemId):
        """Eén verbetering van het implementatieplan"""
        return with_etag(_item(project_access(projectId), itemId))

    @bp.arguments(ActionUpdateSchema)
    @bp.doc(parameters=[IF_MATCH])
    @bp.response(200, ImplementationItemSchema, headers=ETAG)
    def patch(self, body, projectId, itemId):
        """De status van een actie bijwerken, met een voortgangsnotitie (stap 10)

        Mag de verantwoordelijke van de actie, de projectleider en de proceseigenaar,
        terwijl stap 10 loopt. Stuur de ETag mee als If-Match: is de actie intussen
        gewijzigd, dan volgt 412 en verandert er niets.
        """
        access = project_access(projectId)
        item = _item(access, itemId)
        access.require(Action.UPDATE_ACTION, item=item)
        version = if_match(item)
        form = check_with_form(ActionForm, {"status": body["status"],
                                            "blocked_reason": body["blocked_reason"],
                                            "version": version})
        note = None
        if body["progress_note"]:
            note = check_with_form(NoteForm, {"text": body["progress_note"]},
                                   names={"text": "progressNote"})
        user = caller()
        services.update_action(item, access.project, user, expected_version=version,
                               status=form.status.data,
                               blocked_reason=form.blocked_reason.data or "")
        if note is not None:
            services.add_note(item, access.project, user, note.text.data)
        db.session.commit()
        return with_etag(item)
