"""Account management for administrators."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from ..auth import services as accounts
from ..concurrency import save_form
from ..errors import ConflictError, WorkflowError
from ..extensions import db
from ..formulas import services as formula_services
from ..formulas.forms import EditFormulaForm, NewFormulaForm
from ..models import ServiceFormula, User
from .forms import EditUserForm, NewUserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):  # noqa: ANN001, ANN201
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/users")
@admin_required
def users():
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.create_user(form.email.data, form.name.data, form.password.data,
                                 is_admin=form.is_admin.data,
                                 actor=current_user._get_current_object())
            db.session.commit()
        except accounts.PasswordPolicyError as error:
            db.session.rollback()
            form.password.errors = list(error.problems)
            status = 422
        except WorkflowError as error:
            db.session.rollback()
            form.email.errors = [error.message]
            status = 422
        else:
            flash(_("Het account is aangemaakt."), "success")
            return redirect(url_for("admin.users"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    status = 200
    if form.validate_on_submit():
        actor = current_user._get_current_object()
        try:
            if user.version != form.version.data:
                raise ConflictError()
            accounts.update_user(user, actor=actor, name=form.name.data, email=form.email.data,
                                 is_admin=form.is_admin.data, active=form.active.data)
            if form.password.data:
                accounts.set_password(user, form.password.data, actor=actor)
            db.session.commit()
        except accounts.PasswordPolicyError as error:
            db.session.rollback()
            form.password.errors = list(error.problems)
            status = 422
        except ConflictError as error:
            db.session.rollback()
            form = EditUserForm(formdata=None, obj=db.session.get(User, user_id))
            form.form_errors.append(error.message)
            status = 409
        except WorkflowError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 422
        else:
            if user.id == actor.id:
                login_user(user)  # an admin editing their own e-mail keeps their session
            flash(_("Het account is opgeslagen."), "success")
            return redirect(url_for("admin.users"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/formulas")
@admin_required
def formulas():
    return render_template("admin/formulas.html",
                           formulas=formula_services.formulas(active_only=False))


@bp.route("/formulas/new", methods=["GET", "POST"])
@admin_required
def new_formula():
    form = NewFormulaForm()
    status = 200
    if form.validate_on_submit():
        try:
            formula_services.add_formula(current_user._get_current_object(), form.values())
            db.session.commit()
        except WorkflowError as error:
            db.session.rollback()
            form.name.errors = [error.message]
            status = 422
        else:
            flash(_("De serviceformule is toegevoegd."), "success")
            return redirect(url_for("admin.formulas"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("admin/formula_form.html", form=form, formula=None), status


@bp.route("/formulas/<int:formula_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_formula(formula_id: int):
    formula = db.get_or_404(ServiceFormula, formula_id)
    form = EditFormulaForm(obj=formula)
    form, status = save_form(
        form,
        lambda: formula_services.update_formula(
            formula, current_user._get_current_object(), expected_version=form.version.data,
            values=form.values()),
        lambda: EditFormulaForm(formdata=None, obj=db.session.get(ServiceFormula, formula_id)),
    )
    if status is None:
        flash(_("De serviceformule is opgeslagen."), "success")
        return redirect(url_for("admin.formulas"), 303)
    return render_template("admin/formula_form.html", form=form, formula=formula), status
