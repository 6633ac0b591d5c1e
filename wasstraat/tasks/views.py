"""Tasks of a project: add, edit, tick off, remove. Ticking works inline with htmx."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Action, ProjectAccess, project_access
from ..concurrency import save_form
from ..errors import WorkflowError
from ..extensions import db
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


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(project_id: int):
    access = project_access(project_id, need=Action.MANAGE_TASKS)
    form = NewTaskForm()
    form.setup_choices(access.project, step_title)
    if request.method == "GET" and request.args.get("step", type=int) in set(Step):
        form.step.data = request.args.get("step", type=int)
    if form.validate_on_submit():
        try:
            task = services.add_task(
                access.project, _user(), title=form.title.data,
                description=form.description.data or "", step=Step(form.step.data),
                assignee_id=form.assignee_value, due_date=form.due_date.data,
            )
            db.session.commit()
        except WorkflowError as error:
            db.session.rollback()
            form.assignee_id.errors = [error.message]
        else:
            flash(_("De taak is toegevoegd."), "success")
            return _back(task.step, project_id)
    status = 422 if form.is_submitted() else 200
    return render_template("tasks/form.html", access=access, project=access.project,
                           form=form, task=None), status


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, task_id: int):
    access = project_access(project_id, need=Action.MANAGE_TASKS)
    task = _task(access, task_id)
    form = EditTaskForm(obj=task, data={"assignee_id": task.assignee_id or 0})
    form.setup_choices(access.project, step_title)

    def reload() -> EditTaskForm:
        current_access = project_access(project_id)
        current_task = _task(current_access, task_id)
        current = EditTaskForm(formdata=None, obj=current_task,
                               data={"assignee_id": current_task.assignee_id or 0})
        current.setup_choices(current_access.project, step_title)
        return current

    form, status = save_form(
        form,
        lambda: services.update_task(task, _user(), expected_version=form.version.data, values={
            "title": form.title.data, "description": form.description.data or "",
            "step": form.step.data, "assignee_id": form.assignee_value,
            "due_date": form.due_date.data,
        }),
        reload,
    )
    if status is None:
        flash(_("De taak is opgeslagen."), "success")
        return _back(task, project_id)
    return render_template("tasks/form.html", access=access, project=access.project,
                           form=form, task=task), status


@bp.route("/<int:task_id>/done", methods=["POST"])
@login_required
def set_done(project_id: int, task_id: int):
    access = project_access(project_id)
    task = _task(access, task_id)
    access.require(Action.COMPLETE_TASK, task=task)
    done = request.form.get("done") == "1"
    try:
        services.set_done(task, _user(), done)
    except WorkflowError as error:
        db.session.rollback()
        if wants_partial():
            return render_template("tasks/_task.html", task=task, access=access,
                                   project=access.project, back=request.form.get("back", ""),
                                   error=error.message), error.status_code
        raise  # the error page, with the reason and a 409
    db.session.commit()
    message = (_("Taak afgevinkt: %(title)s", title=_(task.title)) if done
               else _("Taak weer open: %(title)s", title=_(task.title)))
    if wants_partial():
        return render_template("tasks/_task.html", task=task, access=access,
                               project=access.project, back=request.form.get("back", ""),
                               announce=message)
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
