"""Projects: create, show (the ten-step track and the team), edit, team, history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import Action, project_access
from ..auth.services import find_user_by_email
from ..concurrency import save_form
from ..errors import WorkflowError, wants_partial
from ..extensions import db
from ..models import AuditEvent, Membership, Task
from ..workflow import Role
from . import services
from .forms import AddMemberForm, EditProjectForm, MemberRolesForm, NewProjectForm

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _user():  # noqa: ANN202
    return current_user._get_current_object()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = NewProjectForm()
    if form.validate_on_submit():
        project = services.create_project(
            _user(),
            name=form.name.data,
            product=form.product.data,
            assignment=form.assignment.data or "",
            process_type=form.process_type.data,
            creator_roles={Role(r) for r in form.my_roles.data},
        )
        db.session.commit()
        flash(_("Het traject is aangemaakt. Stel nu de projectgroep samen."), "success")
        return redirect(url_for("projects.team", project_id=project.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("projects/new.html", form=form), status


@bp.route("/<int:project_id>")
@login_required
def show(project_id: int):
    access = project_access(project_id)
    open_tasks = db.session.scalars(
        select(Task)
        .where(Task.project_id == project_id, Task.done_at.is_(None))
        .options(selectinload(Task.assignee))
        .order_by(Task.step, Task.id)
    ).all()
    tasks_by_step: dict[int, int] = {}
    for task in open_tasks:
        tasks_by_step[task.step] = tasks_by_step.get(task.step, 0) + 1
    return render_template("projects/show.html", access=access, project=access.project,
                           tasks_by_step=tasks_by_step, open_task_count=len(open_tasks))


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    access = project_access(project_id, need=Action.EDIT_PROJECT)
    project = access.project
    form = EditProjectForm(obj=project)
    form, status = save_form(
        form,
        lambda: services.update_project(
            project, _user(), expected_version=form.version.data,
            values={"name": form.name.data, "product": form.product.data,
                    "assignment": form.assignment.data or "",
                    "process_type": form.process_type.data},
        ),
        lambda: EditProjectForm(obj=db.session.get(type(project), project_id), formdata=None),
    )
    if status is None:
        flash(_("De gegevens van het traject zijn opgeslagen."), "success")
        return redirect(url_for("projects.show", project_id=project_id), 303)
    return render_template("projects/edit.html", access=access, project=project,
                           form=form), status


@bp.route("/<int:project_id>/team", methods=["GET", "POST"])
@login_required
def team(project_id: int):
    access = project_access(project_id)
    form = AddMemberForm()
    status = 200
    if form.is_submitted():
        access.require(Action.MANAGE_TEAM)
        if form.validate():
            user = find_user_by_email(form.email.data)
            if user is None or not user.active:
                form.email.errors.append(_("Er is geen actief account met dit e-mailadres."))
                status = 422
            else:
                try:
                    services.add_member(access.project, _user(), user,
                                        {Role(r) for r in form.roles.data})
                    db.session.commit()
                except WorkflowError as error:
                    db.session.rollback()
                    form.email.errors.append(error.message)
                    status = 422
                else:
                    flash(_("%(name)s is aan het team toegevoegd.", name=user.name), "success")
                    return redirect(url_for("projects.team", project_id=project_id), 303)
        else:
            status = 422
    return render_template("projects/team.html", access=access, project=access.project,
                           form=form, role_forms=_role_forms(access)), status


def _role_forms(access) -> dict[int, MemberRolesForm]:  # noqa: ANN001
    if not access.can(Action.MANAGE_TEAM):
        return {}
    return {
        m.id: MemberRolesForm(formdata=None, prefix=f"m{m.id}",
                              data={"roles": [r.value for r in m.sorted_roles]})
        for m in access.project.memberships
    }


def _membership(access, membership_id: int) -> Membership:  # noqa: ANN001
    membership = next((m for m in access.project.memberships if m.id == membership_id), None)
    if membership is None:
        abort(404)
    return membership


@bp.route("/<int:project_id>/team/<int:membership_id>/roles", methods=["POST"])
@login_required
def member_roles(project_id: int, membership_id: int):
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    membership = _membership(access, membership_id)
    form = MemberRolesForm(prefix=f"m{membership.id}")
    if form.validate():
        try:
            services.set_roles(membership, _user(), {Role(r) for r in form.roles.data})
            db.session.commit()
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
            return _team_again(project_id, error.status_code)
        flash(_("De rollen van %(name)s zijn opgeslagen.", name=membership.user.name), "success")
        return redirect(url_for("projects.team", project_id=project_id), 303)
    for message in form.roles.errors:
        flash(message, "error")
    return _team_again(project_id, 422)


@bp.route("/<int:project_id>/team/<int:membership_id>/remove", methods=["POST"])
@login_required
def member_remove(project_id: int, membership_id: int):
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    membership = _membership(access, membership_id)
    name = membership.user.name
    try:
        services.remove_member(membership, _user())
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _team_again(project_id, error.status_code)
    flash(_("%(name)s is uit het team gehaald.", name=name), "success")
    return redirect(url_for("projects.team", project_id=project_id), 303)


def _team_again(project_id: int, status: int):  # noqa: ANN202
    access = project_access(project_id)
    return render_template("projects/team.html", access=access, project=access.project,
                           form=AddMemberForm(formdata=None),
                           role_forms=_role_forms(access)), status


@bp.route("/<int:project_id>/history")
@login_required
def history(project_id: int):
    access = project_access(project_id)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.project_id == project_id, AuditEvent.result == "success")
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .limit(500)
    ).all()
    template = "projects/_history.html" if wants_partial() else "projects/history.html"
    return render_template(template, access=access, project=access.project, events=events)
