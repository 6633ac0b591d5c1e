"""Log in, log out, change password, choose language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from . import services, throttle
from .forms import ChangePasswordForm, LanguageForm, LoginForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path inside this app; anything else (other hosts, schemes, //) goes home."""
    home = url_for("main.dashboard")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        found = throttle.keys(form.email.data, request.remote_addr)
        wait = throttle.blocked_for(found)
        if wait is not None:
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            services.record_failed_login(form.email.data, throttled=True)
            db.session.commit()
            form.form_errors.append(_(
                "Te veel mislukte pogingen om in te loggen. Probeer het over %(minutes)d "
                "minuten opnieuw, of vraag de beheerder om hulp.", minutes=minutes))
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session: nothing from before login survives (no fixation).
            session.clear()
            login_user(user)
            services.record_login(user)
            throttle.clear_account(found)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        services.record_failed_login(form.email.data)
        throttle.record_failure(found)
        db.session.commit()
        form.form_errors.append(_("Het e-mailadres of wachtwoord is onjuist."))
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.PasswordPolicyError as error:
            db.session.rollback()
            target = (form.current_password if _("Het huidige wachtwoord klopt niet.")
                      in error.problems else form.new_password)
            target.errors = list(target.errors) + error.problems
            status = 422
        else:
            db.session.commit()
            # Other sessions died with the old token; keep this one, on the new token.
            session.clear()
            login_user(user)
            flash(_("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd."), "success")
            return redirect(url_for("main.dashboard"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/password.html", form=form), status


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_locale(current_user._get_current_object(), form.locale.data)
    db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)
