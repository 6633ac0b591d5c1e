"""No session cookie on the API: a request to it neither reads nor sets one, so a browser
that is signed in to the screens gets nothing from the API by its cookie alone."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from ..http import is_api_request


class ScreensOnlySessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request):
        if is_api_request(request.path):
            return SecureCookieSession()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        from flask import request

        if is_api_request(request.path):
            return
        super().save_session(app, session, response)


def install(app: Flask) -> None:
    app.session_interface = ScreensOnlySessionInterface()
