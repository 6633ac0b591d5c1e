"""Tasks: the caller's own over all their projects, and a project's."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...access import project_access
from ...models import Membership, Task
from ..helpers import caller, paged, paginate
from ..schemas import TaskArgs, TaskSchema, page_of
from ..spec import Blueprint

bp = Blueprint("api-tasks", __name__, url_prefix="/api/v1",
               description="Taken per rol en stap: de eigen taken en die van een project")

TaskPage = page_of(TaskSchema, "TaskPage")


def _filtered(query, args):
    if "open" in args:
        query = query.where(Task.done_at.is_(None) if args["open"] else Task.done_at.is_not(None))
    if "step" in args:
        query = query.where(Task.step == args["step"])
    return query.options(joinedload(Task.assignee)).order_by(
        Task.done_at.is_not(None), Task.due_date.is_(None), Task.due_date, Task.project_id,
        Task.step, Task.id)


@bp.route("/tasks")
class MyTasks(MethodView):
    @bp.arguments(TaskArgs, location="query")
    @bp.response(200, TaskPage)
    def get(self, args):
        """Uw eigen taken, in alle projecten waarin u een rol heeft"""
        user = caller()
        query = select(Task).where(Task.assignee_id == user.id, Task.project_id.in_(
            select(Membership.project_id).where(Membership.user_id == user.id)))
        return paged(paginate(_filtered(query, args), args))


@bp.route("/projects/<int:projectId>/tasks")
class ProjectTasks(MethodView):
    @bp.arguments(TaskArgs, location="query")
    @bp.response(200, TaskPage)
    def get(self, args, projectId):
        """De taken van een project"""
        project = project_access(projectId).project
        query = select(Task).where(Task.project_id == project.id)
        return paged(paginate(_filtered(query, args), args))


