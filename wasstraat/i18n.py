"""Language choice: Dutch unless the signed-in user chose English."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user


def select_locale() -> str:
    chosen = current_user.locale if current_user and current_user.is_authenticated else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
