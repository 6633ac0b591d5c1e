"""Flask-Login wiring and session lifetimes.

The cookie carries the user's session token, not their id, so rotating the token (logout,
password change, deactivation, an administrator ending the sessions) ends every session of
that user for real. The signed cookie also holds when the session started and when it was
last used; a session idle or open for longer than configured is ended on its next request.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..http import wants_partial
from ..models import User
from .mfa import required_for

STARTED = "_started_at"
SEEN = "_seen_at"
PENDING = "_second_factor_for"  # a right password, waiting for the second factor
PENDING_SECONDS = 300
# How often the "last used" time is renewed: renewing it re-signs and resends the cookie, so
# not on every request; an idle timeout is therefore exact to within this many seconds.
SEEN_RESOLUTION_SECONDS = 60
# Requests that must work whatever the state of the session.
_EXEMPT_ENDPOINTS = {"static", "auth.login", "auth.logout", "auth.second_factor"}
# All that an account with a password chosen by someone else may do.
_WHILE_PASSWORD_MUST_CHANGE = _EXEMPT_ENDPOINTS | {"auth.change_password", "auth.set_language",
                                                   "auth.extend_session"}
# All that an account that must have a second factor, and has none yet, may do.
_WHILE_SECOND_FACTOR_MISSING = _WHILE_PASSWORD_MUST_CHANGE | {
    "auth.second_factor_settings", "auth.begin_second_factor", "auth.confirm_second_factor"}


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(token: str) -> User | None:
        if not token:
            return None
        user = db.session.scalar(select(User).where(User.session_token == token))
        if user is None or not user.active:
            return None
        return user

    app.before_request(enforce_lifetimes)
    app.before_request(enforce_password_change)
    app.before_request(enforce_second_factor)


def start(now: float | None = None) -> None:
    """Mark the session as begun (call right after login_user)."""
    now = time.time() if now is None else now
    session[STARTED] = session[SEEN] = now


def idle_seconds() -> int:
    return current_app.config["SESSION_IDLE_MINUTES"] * 60


def absolute_seconds() -> int:
    return current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600


def warning_seconds() -> int:
    """How long before an idle timeout the page offers to extend: two minutes, never less
    than a minute (WCAG 2.2.1 asks for at least 20 seconds)."""
    return min(120, idle_seconds() // 2)


def expired(now: float) -> bool:
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return True  # a session from before lifetimes were kept: treat as ended
    return now - seen > idle_seconds() or now - started > absolute_seconds()


def enforce_lifetimes() -> Response | None:
    if request.endpoint in _EXEMPT_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = time.time()
    if not expired(now):
        if now - session[SEEN] >= SEEN_RESOLUTION_SECONDS:
            session[SEEN] = now
        return None
    logout_user()
    session.clear()
    flash(_("Uw sessie is verlopen. Log opnieuw in."), "info")
    target = url_for("auth.login", next=request.full_path.rstrip("?")
                     if request.method == "GET" else None)
    return _whole_page_redirect(target)


def enforce_password_change() -> Response | None:
    if (request.endpoint in _WHILE_PASSWORD_MUST_CHANGE or not current_user.is_authenticated
            or not current_user.must_change_password):
        return None
    return _whole_page_redirect(url_for("auth.change_password"))


def enforce_second_factor() -> Response | None:
    if (request.endpoint in _WHILE_SECOND_FACTOR_MISSING or not current_user.is_authenticated
            or current_user.has_second_factor or not required_for(current_user)):
        return None
    return _whole_page_redirect(url_for("auth.second_factor_settings"))


def await_second_factor(user: User) -> None:
    """The password was right; the session holds who it was for, and since when."""
    session.clear()
    session[PENDING] = {"token": user.session_token, "at": time.time()}


def pending_user() -> User | None:
    """Whose second factor this session waits for (gone after five minutes or a logout)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), (int, float)):
        return None
    if time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = db.session.scalar(select(User).where(User.session_token == str(pending.get("token"))))
    return user if user is not None and user.active and user.has_second_factor else None


def _whole_page_redirect(target: str) -> Response:
    if wants_partial():
        # htmx would swap the page into a fragment; let it load the whole page instead.
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)
