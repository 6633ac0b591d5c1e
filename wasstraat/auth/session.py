"""Flask-Login wiring. The cookie carries the user's session token, not their id, so rotating
the token (logout, password change, deactivation) ends every session of that user for real."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import select

from ..extensions import db
from ..models import User


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
