"""Log in (with a second factor where set), log out, passwords, the second factor, language."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..admin.views import personal_data_download
from ..api import tokens
from ..database import prepare_to_write
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..http import wants_partial
from ..models import ApiToken, utcnow
from ..navigation import confirm_deletion, safe_next
from . import mfa, services, sso, throttle
from . import session as lifetimes
from .forms import ApiTokenForm, ChangePasswordForm, LanguageForm, LoginForm, SecondFactorForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form)
    email = form.email.data
    attempt = services.throttled_attempt(
        throttle.Purpose.PASSWORD, email, request.remote_addr,
        lambda: services.authenticate(email, form.password.data),
        lambda throttled: services.record_failed_login(email, throttled=throttled))
    if attempt.found is None:
        return _attempt_refused("auth/login.html", form, attempt,
                                _("Het e-mailadres of wachtwoord is onjuist."))
    return _signed_in_by_password(attempt.found)


def _signed_in_by_password(user):
    """Into the app, or on to the second factor."""
    if user.has_second_factor:
        lifetimes.await_second_factor(user)
        db.session.commit()
        return redirect(url_for("auth.second_factor", next=request.args.get("next")), 303)
    _sign_in(user)
    db.session.commit()
    return redirect(safe_next(request.args.get("next")))


def _login_page(form: LoginForm):
    if form.is_submitted():
        # Not an e-mail address at all (junk, a NUL byte): refused, recorded and counted for
        # the address, as a wrong password is.
        services.record_failed_login("", invalid=True)
        throttle.record_address_failure(throttle.Purpose.PASSWORD, request.remote_addr)
        db.session.commit()
    return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200


def _attempt_refused(template: str | Callable, form, attempt: services.Attempt, message: str,
                     field: str | None = None):
    """A wrong password or code (401, ``message`` at ``field`` or above the form), or a
    throttled one (429). ``template``: the page's template, or what draws it from the
    form."""
    db.session.commit()  # the failure counts, whatever the answer
    draw = template if callable(template) else (
        lambda shown: render_template(template, form=shown))
    if attempt.wait is not None:
        form.form_errors.append(_too_many_attempts(attempt.wait))
        return _too_many(draw(form), attempt.wait)
    if field:
        getattr(form, field).errors = [message]
    else:
        form.form_errors.append(message)
    return draw(form), 401


def _sign_in(user, second_factor: str | None = None, method: str = "password") -> None:
    # A fresh session: nothing from before login survives (no fixation).
    session.clear()
    login_user(user)
    lifetimes.start()
    services.record_login(user, second_factor=second_factor, method=method)


@bp.route("/login/sso")
def sso_start():
    """Off to the municipality's identity provider; it sends the person back to the callback."""
    if not sso.configured():
        flash(_("Inloggen met single sign-on is hier niet ingesteld."), "info")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    session["sso_next"] = safe_next(request.args.get("next"))
    return sso.client().authorize_redirect(url_for("auth.sso_callback", _external=True))


@bp.route("/login/sso/callback")
def sso_callback():
    if not sso.configured():
        flash(_("Inloggen met single sign-on is hier niet ingesteld."), "info")
        return redirect(url_for("auth.login"))
    target = session.pop("sso_next", None) or url_for("main.dashboard")
    prepare_to_write(db.session)  # a GET that writes (a link, a sign-in or a refusal)
    try:
        token = sso.client().authorize_access_token(claims_options=sso.claims_options())
        signed_in = sso.sign_in(token.get("userinfo") or {})
    except sso.SsoRefused as refusal:
        return _sso_refused(refusal.message, refusal.reason, 403)
    except sso.PROVIDER_ERRORS as error:
        return _sso_refused(_("Inloggen via %(provider)s is niet gelukt. Probeer het opnieuw "
                              "vanaf de inlogpagina.", provider=current_app.config["OIDC_LABEL"]),
                            type(error).__name__, 400)
    return _signed_in_by_sso(signed_in, target)


def _signed_in_by_sso(signed_in, target: str):
    """Into the app, or on to the second factor where the provider did not ask for one."""
    user = signed_in.user
    if user.has_second_factor and not signed_in.second_factor_done:
        lifetimes.await_second_factor(user)
        db.session.commit()
        return redirect(url_for("auth.second_factor", next=target), 303)
    _sign_in(user, second_factor="identity_provider" if signed_in.second_factor_done else None,
             method="sso")
    db.session.commit()
    return redirect(safe_next(target))


def _sso_refused(message: str, reason: str, status: int):
    db.session.rollback()
    session.pop("sso_next", None)
    sso.record_refusal(reason)
    db.session.commit()
    return render_template("auth/sso_refused.html", message=message), status


def _too_many_attempts(wait) -> str:
    seconds = max(1, -(-int(wait.total_seconds() * 1000) // 1000))
    if seconds < 60:
        return ngettext("Te veel mislukte pogingen om in te loggen. Probeer het over "
                        "%(num)d seconde opnieuw.", "Te veel mislukte pogingen om in te "
                        "loggen. Probeer het over %(num)d seconden opnieuw.", seconds)
    return ngettext("Te veel mislukte pogingen om in te loggen. Probeer het over %(num)d "
                    "minuut opnieuw, of vraag de beheerder om hulp.",
                    "Te veel mislukte pogingen om in te loggen. Probeer het over %(num)d "
                    "minuten opnieuw, of vraag de beheerder om hulp.", -(-seconds // 60))


def _too_many(page: str, wait):
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(max(1, -(-int(wait.total_seconds() * 1000) // 1000)))
    return response


def _sign_in_again():
    session.pop(lifetimes.PENDING, None)
    flash(_("Log opnieuw in: het inloggen duurde te lang of is afgebroken."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """Step two of signing in: a code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    user = lifetimes.pending_user()
    if user is None:
        return _sign_in_again()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return show_form(form_page("auth/second_factor.html"), form)
    attempt = services.throttled_attempt(
        throttle.Purpose.SECOND_FACTOR, str(user.id), request.remote_addr,
        lambda: mfa.verify_second_factor(user, form.code.data),
        lambda throttled: services.record_failed_second_factor(user, throttled=throttled))
    if attempt.found is None:
        return _attempt_refused("auth/second_factor.html", form, attempt, _(
            "Deze code klopt niet of is al gebruikt. Wacht op de volgende code van uw app, of "
            "gebruik een herstelcode."), field="code")
    return _signed_in_with_code(user, attempt.found)


def _signed_in_with_code(user, method: str):
    _sign_in(user, second_factor=method)
    db.session.commit()
    if method == "recovery_code":
        flash(_("U bent ingelogd met een herstelcode. U heeft er nog %(n)d over.",
                n=mfa.recovery_codes_left(user)), "warning")
    return redirect(safe_next(request.args.get("next")))


@bp.route("/account/second-factor")
@login_required
def second_factor_settings():
    return _settings_page(current_user._get_current_object())


def _settings_page(user, status: int = 200, **forms):
    """The settings page; each form has its own prefix, so two code fields never share an id."""
    forms = {"form": SecondFactorForm(formdata=None),
             "renew_form": SecondFactorForm(formdata=None, prefix="renew"),
             "off_form": SecondFactorForm(formdata=None, prefix="off"), **forms}
    return render_template("auth/second_factor_settings.html", user=user,
                           required=mfa.required_for(user),
                           codes_left=mfa.recovery_codes_left(user), **forms), status


@bp.route("/account/second-factor/begin", methods=["POST"])
@login_required
def begin_second_factor():
    user = current_user._get_current_object()
    if user.has_second_factor:
        abort(409)
    mfa.begin_enrolment(user)
    db.session.commit()
    return redirect(url_for("auth.second_factor_settings"), 303)


@bp.route("/account/second-factor/confirm", methods=["POST"])
@login_required
def confirm_second_factor():
    user = current_user._get_current_object()
    form = SecondFactorForm()
    if user.has_second_factor or user.totp_secret is None:
        abort(409)
    codes = mfa.confirm_enrolment(user, form.code.data) if form.validate_on_submit() else None
    if codes is None:
        db.session.rollback()
        if not form.code.errors:
            form.code.errors = [_("Deze code klopt niet. Controleer de tijd op uw telefoon en "
                                  "vul de code in die de app nu toont.")]
        return _settings_page(user, 422, form=form)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, first=True)


def _with_current_code(prefix: str, action):
    """Run a change to the second factor only with a valid code from the app now."""
    user = current_user._get_current_object()
    form = SecondFactorForm(prefix=prefix)
    if not user.has_second_factor:
        abort(409)
    if not (form.validate_on_submit() and mfa.use_totp(user, form.code.data)):
        db.session.rollback()
        form.code.errors = [_("Deze code klopt niet of is al gebruikt.")]
        return _settings_page(user, 422, **{f"{prefix}_form": form})
    return action(user)


@bp.route("/account/second-factor/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    def renew(user):
        codes = mfa.new_recovery_codes(user)
        audit.record("user.recovery_codes", "user", user.id, None, actor=user)
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes, first=False)

    return _with_current_code("renew", renew)


@bp.route("/account/second-factor/off", methods=["POST"])
@login_required
def switch_off_second_factor():
    if mfa.required_for(current_user):
        abort(403)

    def switch_off(user):
        mfa.switch_off(user)
        db.session.commit()
        flash(_("Tweestapsverificatie staat uit."), "info")
        return redirect(url_for("auth.second_factor_settings"), 303)

    return _with_current_code("off", switch_off)


@bp.route("/account/personal-data")
@login_required
def export_own_personal_data():
    return personal_data_download(current_user._get_current_object())


def _token_page(form: ApiTokenForm, new_token: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    rows = tokens.tokens_of(user)
    now = utcnow()
    return render_template("auth/api_tokens.html", form=form, new_token=new_token,
                           tokens=[(row, tokens.describe_state(row, now)) for row in rows]
                           ), status


def _token_form(*, fresh: bool = False) -> ApiTokenForm:
    """The form for a new token; ``fresh``: empty again, after one was made."""

    form = ApiTokenForm(formdata=None) if fresh else ApiTokenForm()
    form.days.choices = tokens.expiry_choices()
    form.ask_for(current_user._get_current_object())
    if fresh or not form.is_submitted():
        form.days.data = 90
    return form


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """Personal access tokens for the API: made here, shown once, revoked here."""

    form = _token_form()
    if request.method == "GET":
        return _token_page(form)
    if not form.validate_on_submit():
        return _token_page(form, status=422)
    user = current_user._get_current_object()
    confirmed = services.confirm_identity(user, form.confirmation.data, request.remote_addr)
    if confirmed.found is None:
        return _attempt_refused(lambda shown: _token_page(shown)[0], form, confirmed,
                                _confirmation_refused(user), field="confirmation")
    refuse_into(form, lambda shown, status: _token_page(shown, status=status))
    _row, token = tokens.create(user, form.name.data, form.days.data)
    db.session.commit()
    return _token_page(_token_form(fresh=True), new_token=token, status=201)


def _confirmation_refused(user) -> str:
    if user.has_second_factor:
        return _("Deze code klopt niet of is al gebruikt; er is geen token gemaakt.")
    return _("Dit wachtwoord klopt niet; er is geen token gemaakt.")


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_api_token(token_id: int):
    """Revoking asks first (a page without JavaScript, a dialog with it): a system that
    uses the token stops working at once."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)  # someone else's token does not exist for you
    if request.method == "GET":
        return confirm_deletion(
            None, row.name, url_for("auth.api_tokens"),
            _("Systemen die dit token gebruiken, krijgen daarna meteen geen toegang meer."),
            question=_("Het token „%(name)s” intrekken?", name=row.name),
            confirm=_("Ja, intrekken"), heading=_("Intrekken?"))
    tokens.revoke(row, current_user._get_current_object())
    db.session.commit()
    flash(_("Het token \"%(name)s\" is ingetrokken; het werkt niet meer.", name=row.name),
          "success")
    return redirect(url_for("auth.api_tokens"), 303)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/session/extend", methods=["POST"])
@login_required
def extend_session():
    """Keep the session: the request itself has marked it as used (see session.py)."""
    if wants_partial():
        return "", 204
    flash(_("U blijft ingelogd."), "info")
    return redirect(safe_next(request.form.get("next")), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    page = form_page("auth/password.html")
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    user = current_user._get_current_object()
    stopped = services.change_password(user, form.current_password.data,
                                       form.new_password.data)
    db.session.commit()
    # Other sessions died with the old token; keep this one, on the new token.
    session.clear()
    login_user(user)
    lifetimes.start()
    flash(ngettext("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd en uw API-token "
                   "is ingetrokken.", "Uw wachtwoord is gewijzigd. Andere sessies zijn "
                   "beëindigd en uw %(num)d API-tokens zijn ingetrokken.", stopped)
          if stopped else _("Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd."),
          "success")
    return redirect(url_for("main.dashboard"))


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_locale(current_user._get_current_object(), form.locale.data)
    db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)
