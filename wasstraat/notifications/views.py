"""The inbox: messages about work that became the person's, newest first."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import project_access
from ..errors import wants_partial
from ..extensions import db
from ..models import Notification
from ..navigation import int_arg
from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _user():  # noqa: ANN202
    return current_user._get_current_object()


@bp.route("")
@login_required
def index():
    return _render_index("notifications/index.html")


def _render_index(template: str, announce: bool = False) -> str:
    number = int_arg("page", 1)
    if number < 1:
        abort(400)
    rows, shown = services.inbox(_user(), number)
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
    project_access(notification.project_id)
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
