"""The inbox: messages about work that became the person's, newest first."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import project_access
from ..extensions import csrf, db
from ..http import wants_partial
from ..models import Notification
from ..navigation import page_arg
from ..notification_kinds import Channel, Kind
from . import mail, services
from .forms import SettingsForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _user():
    return current_user._get_current_object()


@bp.route("")
@login_required
def index():
    return _render_index("notifications/index.html")


def _render_index(template: str, announce: bool = False) -> str:
    rows, shown = services.inbox(_user(), page_arg())
    return render_template(template, rows=rows, shown=shown, announce=announce,
                           sentences={n.id: services.sentence(n) for n in rows})


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Opening a message marks it read and leads to the work it is about. Someone outside
    the project learns nothing of it (404); a team member's is not another's to open (403)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        abort(404)
    if notification.project_id is not None:
        project_access(notification.project_id)
    elif notification.user_id != current_user.id:  # news of the idea box: only its reader's
        abort(404)
    if notification.user_id != current_user.id:
        abort(403)
    services.mark_read(notification)
    db.session.commit()
    return redirect(services.target(notification), 303)


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    """Everything read; under htmx the list and the header's count are swapped in place."""
    marked = services.mark_all_read(_user())
    db.session.commit()
    if wants_partial():
        return _render_index("notifications/_list.html", announce=True)
    if marked:
        flash(_("Alle meldingen zijn als gelezen gemarkeerd."), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    user = _user()
    form = SettingsForm(formdata=None, data={k.value: c.value
                                             for k, c in mail.channels(user).items()})
    if request.method == "POST":
        form = SettingsForm()
        if form.validate_on_submit():
            for kind in Kind:
                mail.choose(user, kind, Channel(getattr(form, kind.value).data))
            db.session.commit()
            flash(_("Uw keuzes voor meldingen zijn opgeslagen."), "success")
            return redirect(url_for("notifications.settings"), 303)
        return render_template("notifications/settings.html", form=form), 422
    return render_template("notifications/settings.html", form=form)


@bp.route("/off/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority (and a mail client's one-click POST has none)
def unsubscribe(token: str):
    """The link in every e-mail: this kind of notification no longer by e-mail, without
    signing in. GET only asks (mail scanners open links); POST does it."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    user, kind = found
    if request.method == "POST":
        mail.choose(user, kind, Channel.OFF)
        db.session.commit()
        return render_template("notifications/unsubscribe.html", kind=kind, done=True)
    return render_template("notifications/unsubscribe.html", kind=kind, token=token)
