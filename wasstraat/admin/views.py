"""Account management for administrators."""

from __future__ import annotations

import json
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from .. import audit, duties, personal_data
from ..auth import mfa, sso
from ..auth import services as accounts
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..formulas import services as formula_services
from ..formulas.forms import EditFormulaForm, NewFormulaForm
from ..models import ServiceFormula, User, utcnow
from ..navigation import int_arg
from ..notifications import outbox as development_outbox
from . import audit_log
from .forms import AuditFilterForm, EditUserForm, EraseUserForm, NewUserForm, OrganisationForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/outbox")
@admin_required
def outbox():
    """In development without an SMTP server: the e-mails that would have gone out."""

    if not development_outbox.enabled():
        abort(404)
    return render_template("admin/outbox.html", mails=development_outbox.recent(),
                           shown=development_outbox.SHOWN)


@bp.route("/users")
@admin_required
def users():
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=rows, outbox=development_outbox.enabled())


def _user_page(user: User | None):
    """The account form's page, for a new account or ``user``'s."""

    def page(form, status: int):
        erase_form = EraseUserForm(formdata=None, prefix="erase") if user else None
        return render_template("admin/user_form.html", form=form, user=user,
                               erase_form=erase_form), status

    return page


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form, page = NewUserForm(), _user_page(None)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    actor = current_user._get_current_object()
    user = accounts.create_user(form.email.data, form.name.data, form.password.data,
                                is_admin=form.is_admin.data, must_change=True, actor=actor)
    accounts.set_specialisms(user, form.specialisms.data, actor=actor)
    accounts.set_functions(user, form.functions.data, actor=actor)
    db.session.commit()
    flash(_("Het account is aangemaakt."), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form, page = EditUserForm(obj=user), _user_page(user)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page,
                reload=lambda: EditUserForm(formdata=None, obj=db.session.get(User, user_id)))
    actor = current_user._get_current_object()
    accounts.update_account(user, actor=actor, expected_version=form.version.data,
                            **form.account_values())
    db.session.commit()
    if user.id == actor.id:
        login_user(user)  # an admin editing their own e-mail keeps their session
    flash(_("Het account is opgeslagen."), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/organisation", methods=["GET", "POST"])
@admin_required
def organisation():
    """The organisation's segregation of duties."""
    form = OrganisationForm(obj=duties.settings())
    page = form_page("admin/organisation.html")
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: OrganisationForm(formdata=None, obj=duties.settings()))
    duties.save_settings(current_user._get_current_object(), expected_version=form.version.data,
                         values=form.setting_values())
    db.session.commit()
    flash(_("De instellingen van de organisatie zijn opgeslagen."), "success")
    return redirect(url_for("admin.organisation"), 303)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@admin_required
def end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    accounts.end_sessions(user, actor=actor)
    db.session.commit()
    if user.id == actor.id:
        login_user(user)  # the administrator's other sessions end; this one goes on
    flash(_("Alle sessies van %(name)s zijn beëindigd.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    if user.id == actor.id:
        abort(403)  # another administrator must do it: no one lifts their own second factor
    mfa.reset(user, actor=actor)
    db.session.commit()
    flash(_("De tweestapsverificatie van %(name)s is gewist; bij de volgende keer inloggen "
            "stelt die persoon haar opnieuw in.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/sso/allow", methods=["POST"])
@admin_required
def allow_sso_link(user_id: int):
    if not sso.configured():
        abort(409)  # nothing to link to
    user = db.get_or_404(User, user_id)
    sso.allow_link(user, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("%(name)s kan nu de eerste keer via single sign-on inloggen.", name=user.name),
          "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.route("/users/<int:user_id>/personal-data")
@admin_required
def export_personal_data(user_id: int):
    return personal_data_download(db.get_or_404(User, user_id))


def personal_data_download(user: User) -> Response:
    """Everything about one person as a JSON file (AVG articles 15 and 20); recorded."""
    audit.record("user.data_export", "user", user.id, None)
    db.session.commit()
    body = json.dumps(personal_data.export(user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="persoonsgegevens-{user.id}.json"'})


@bp.route("/users/<int:user_id>/erase", methods=["POST"])
@admin_required
def erase_user(user_id: int):
    user = db.get_or_404(User, user_id)
    actor = current_user._get_current_object()
    if user.id == actor.id:
        abort(403)  # another administrator must do it
    form = EraseUserForm(prefix="erase")
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", user=user, erase_form=form,
                               form=EditUserForm(formdata=None, obj=user)), 422
    personal_data.erase(user, actor=actor)
    db.session.commit()
    flash(_("De persoonsgegevens zijn vervangen door „%(name)s”; het account is gesloten.",
            name=user.name), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/formulas")
@admin_required
def formulas():
    return render_template("admin/formulas.html",
                           formulas=formula_services.formulas(active_only=False))


def _formula_page(formula: ServiceFormula | None):
    page = form_page("admin/formula_form.html", formula=formula)

    return page


@bp.route("/formulas/new", methods=["GET", "POST"])
@admin_required
def new_formula():
    form, page = NewFormulaForm(), _formula_page(None)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    formula_services.add_formula(current_user._get_current_object(), form.values())
    db.session.commit()
    flash(_("De serviceformule is toegevoegd."), "success")
    return redirect(url_for("admin.formulas"), 303)


@bp.route("/formulas/<int:formula_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_formula(formula_id: int):
    formula = db.get_or_404(ServiceFormula, formula_id)
    form, page = EditFormulaForm(obj=formula), _formula_page(formula)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: EditFormulaForm(
        formdata=None, obj=db.session.get(ServiceFormula, formula_id)))
    formula_services.update_formula(formula, current_user._get_current_object(),
                                    expected_version=form.version.data, values=form.values())
    db.session.commit()
    flash(_("De serviceformule is opgeslagen."), "success")
    return redirect(url_for("admin.formulas"), 303)


def _audit_filter() -> tuple[AuditFilterForm, audit_log.Criteria | None]:
    """The filter form from the query string, and its criteria when they are valid."""
    form = AuditFilterForm(request.args)
    users = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    form.actor.choices = [(None, _("Iedereen"))] + [(u.id, u.name) for u in users]
    form.action.choices = [("", _("Alle acties"))] + [
        (action, f"{_(audit.AUDIT_LABELS[action])} ({action})")
        for action in audit_log.known_actions()]
    form.result.choices = [("", _("Alle"))] + [(r, _(audit.RESULT_LABELS[r]))
                                              for r in audit_log.RESULTS]
    if request.args and not form.validate():
        return form, None
    return form, audit_log.Criteria(
        action=form.action.data or None, actor_id=form.actor.data, project_id=form.project.data,
        result=form.result.data or None, since=form.since.data, until=form.until.data)


@bp.route("/audit")
@admin_required
def audit_trail():
    form, criteria = _audit_filter()
    if criteria is None:
        return render_template("admin/audit.html", form=form, rows=[], page=1, projects={},
                               has_next=False), 400
    number = min(max(int_arg("page", 1), 1), 10_000)
    rows, has_next = audit_log.page(criteria, number)
    return render_template("admin/audit.html", form=form, rows=rows, page=number,
                           has_next=has_next, projects=audit_log.projects_of(rows))


@bp.route("/audit/export.csv")
@admin_required
def export_audit_trail():
    form, criteria = _audit_filter()
    if criteria is None:
        return render_template("admin/audit.html", form=form, rows=[], page=1, projects={},
                               has_next=False), 400
    audit.record("audit.export", "audit", None, None, after=criteria.as_record())
    db.session.commit()
    name = f"audittrail-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(audit_log.csv_chunks(criteria)),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff"})
