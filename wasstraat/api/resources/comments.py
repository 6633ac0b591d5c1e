"""Comments: the threads of a project, to read (writing them is the screens' work)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...access import project_access
from ...models import Comment
from ..helpers import paged, paginate
from ..schemas import CommentArgs, CommentSchema, page_of
from ..spec import Blueprint

bp = Blueprint("api-comments", __name__, url_prefix="/api/v1",
               description="Reacties bij verbeteringen, bevindingen, acties en stappen")

CommentPage = page_of(CommentSchema, "CommentPage")


@bp.route("/projects/<int:projectId>/comments")
class ProjectComments(MethodView):
    @bp.arguments(CommentArgs, location="query")
    @bp.response(200, CommentPage)
    def get(self, args, projectId):
        """De reacties van een project, de oudste eerst"""
        project = project_access(projectId).project
        query = select(Comment).where(Comment.project_id == project.id)
        if "subject" in args:
            query = query.where(Comment.subject == args["subject"])
        if "subject_id" in args:
            query = query.where(Comment.subject_id == args["subject_id"])
        return paged(paginate(query.options(
            joinedload(Comment.author), joinedload(Comment.removed_by),
            selectinload(Comment.mentioned)).order_by(Comment.id), args))
