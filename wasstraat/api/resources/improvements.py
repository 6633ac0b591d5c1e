"""Improvements: read them, and capture one at its source as the capture form does."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...access import Action, project_access, project_object
from ...extensions import db
from ...improvements import services
from ...improvements.forms import NewImprovementForm
from ...improvements.sources import resolve
from ...models import Improvement
from ..helpers import caller, check_with_form, paged, paginate, with_etag
from ..schemas import ImprovementArgs, ImprovementSchema, NewImprovementSchema, page_of
from ..spec import Blueprint

bp = Blueprint("api-improvements", __name__, url_prefix="/api/v1/projects/<int:projectId>",
               description="Verbeteringen, vastgelegd waar ze ontstonden")

ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}


@bp.route("/improvements")
class Improvements(MethodView):
    @bp.arguments(ImprovementArgs, location="query")
    @bp.response(200, page_of(ImprovementSchema, "ImprovementPage"))
    def get(self, args, projectId):
        """De verbeteringen van een project"""
        project = project_access(projectId).project
        query = select(Improvement).where(Improvement.project_id == project.id)
        for name in ("step", "horizon", "decision"):
            if name in args:
                query = query.where(getattr(Improvement, name) == args[name])
        query = query.options(joinedload(Improvement.proposer)).order_by(Improvement.id)
        return paged(paginate(query, args))

    @bp.arguments(NewImprovementSchema)
    @bp.response(201, ImprovementSchema, headers=ETAG)
    def post(self, body, projectId):
        """Een verbetering vastleggen bij haar bron

        De bron is een stap, processtap, KPI, fase van de klantreis, vergelijking van de
        serviceformule of sessie van dit project, zoals op het invulscherm. Elk teamlid mag
        dit, zolang het project loopt.
        """
        access = project_access(projectId, need=Action.ADD_IMPROVEMENT)
        user = caller()
        proposer = body["proposer_id"] or user.id

        def choices(form) -> None:
            form.setup_choices(access.project)

        form = check_with_form(NewImprovementForm, {
            "title": body["title"], "description": body["description"],
            "proposer_id": proposer}, names={"proposer_id": "proposerId"}, setup=choices)
        source = resolve(access.project, body["source"]["type"], body["source"]["id"])
        if source is None:
            abort(400, messages={"source": [_("Deze bron bestaat niet in dit project.")]})
        improvement = services.add_improvement(
            access.project, user, source, title=form.title.data,
            description=form.description.data or "", proposer_id=form.proposer_id.data)
        db.session.commit()
        obj, status, headers = with_etag(improvement, 201)
        headers["Location"] = url_for("api-improvements.OneImprovement", projectId=projectId,
                                      improvementId=improvement.id)
        return obj, status, headers


@bp.route("/improvements/<int:improvementId>")
class OneImprovement(MethodView):
    @bp.response(200, ImprovementSchema, headers=ETAG)
    def get(self, projectId, improvementId):
        """Eén verbetering"""
        access = project_access(projectId)
        return with_etag(project_object(access, Improvement, improvementId))
