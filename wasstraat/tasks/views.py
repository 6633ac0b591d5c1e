"""Tasks of a project: add, edit, tick off, remove. Ticking works inline with htmx."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Action, ProjectAccess, project_access
from ..errors import on_refusal, refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..http import wants_partial
from ..models import Task
from ..navigation import confirm_deletion
from ..titles import step_title
from ..workflow import Step
from . import services
from .forms import EditTaskForm, NewTaskForm

bp = Blueprint("tasks", __name__, url_prefix="/projects/<int:project_id>/tasks")


def _user():
    return current_user._get_current_object()


def _task(access: ProjectAccess, task_id: int) -> Task:
    task = db.session.scalar(
        select(Task)
        .where(Task.id == task_id, Task.project_id == access.project.id)
        .options(selectinload(Task.assignee))
    )
    if task is None:
        abort(404)
    return task


def _back(task_or_step, project_id: int):
    target = request.form.get("back")
    if target == "mine":
        return redirect(url_for("main.my_tasks"), 303)
    number = task_or_step if isinstance(task_or_step, int) else task_or_step.step
    return redirect(url_for("steps.show", project_id=project_id, number=number) + "#tasks", 303)


def _form_page(access, task: Task | None):
    return form_page("tasks/form.html", access=access, project=access.project, task=task)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(project_id: int):
    access = project_access(project_id, need=Action.MANAGE_TASKS)
    form, page = NewTaskForm(), _form_page(access, None)
    form.setup_choices(access.project, step_title)
    if request.method == "GET" and request.args.get("step", type=int) in set(Step):
        form.step.data = request.args.get("step", type=int)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="assignee_id")
    task = services.add_task(access.project, _user(), **form.values(), step=Step(form.step.data))
    db.session.commit()
    flash(_("De taak is toegevoegd."), "success")
    return _back(task.step, project_id)


def _fresh_form(project_id: int, task_id: int) -> EditTaskForm:
    """The task as stored now, for a refused save."""
    access = project_access(project_id)
    task = _task(access, task_id)
    form = EditTaskForm(formdata=None, obj=task, data={"assignee_id": task.assignee_id or 0})
    form.setup_choices(access.project, step_title)
    return form


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, task_id: int):
    access = project_access(project_id, need=Action.MANAGE_TASKS)
    task = _task(access, task_id)
    form = EditTaskForm(obj=task, data={"assignee_id": task.assignee_id or 0})
    form.setup_choices(access.project, step_title)
    page = _form_page(access, task)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _fresh_form(project_id, task_id))
    services.update_task(task, _user(), expected_version=form.version.data,
                         values={**form.values(), "step": form.step.data})
    db.session.commit()
    flash(_("De taak is opgeslagen."), "success")
    return _back(task, project_id)


def _task_partial(access, task: Task, status: int = 200, **shown):
    """The task's row alone, swapped in place; focus goes back to its toggle."""
    return render_template("tasks/_task.html", task=task, access=access, project=access.project,
                           back=request.form.get("back", ""), swapped=True, **shown), status


@bp.route("/<int:task_id>/done", methods=["POST"])
@login_required
def set_done(project_id: int, task_id: int):
    access = project_access(project_id)
    task = _task(access, task_id)
    access.require(Action.COMPLETE_TASK, task=task)
    done = request.form.get("done") == "1"
    if wants_partial():  # else the error page, with the reason and a 409
        on_refusal(lambda error: _task_partial(access, task, error.status_code,
                                               error=error.message))
    services.set_done(task, _user(), done)
    db.session.commit()
    message = (_("Taak afgevinkt: %(title)s", title=_(task.title)) if done
               else _("Taak weer open: %(title)s", title=_(task.title)))
    if wants_partial():
        return _task_partial(access, task, announce=message)
    flash(message, "success")
    return _back(task, project_id)


@bp.route("/<int:task_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, task_id: int):
    access = project_access(project_id, need=Action.MANAGE_TASKS)
    task = _task(access, task_id)
    if request.method == "GET":
        return confirm_deletion(access.project, _(task.title),
                                url_for("steps.show", project_id=project_id, number=task.step),
                                refusal=" ".join(services.deletion_blockers(task)))
    step = task.step
    services.delete_task(task, _user())
    db.session.commit()
    flash(_("De taak is verwijderd."), "success")
    return _back(step, project_id)
