"""The REST API for the municipality's other systems, by the Dutch API Design Rules.

``/api/v1``: JSON in camelCase, errors as ``application/problem+json``, lists in pages with
links, an ``API-Version`` header, ETags with ``If-Match`` on writes. A caller authenticates
with a personal access token (tokens.py) or, where single sign-on is configured, an OAuth 2
bearer token of the same identity provider, and acts as that person with their roles: the
views call the same access policy and services as the screens. The session cookie plays no
part here (sessions.py), so CSRF does not apply and is not switched off on the screens.

The OpenAPI document is generated from the code by flask-smorest (spec.py) and served at
``/api/v1/openapi.json``; a readable page of it at ``/api/documentatie``.
"""

from __future__ import annotations

from flask import Flask

from ..extensions import csrf
from . import sessions
from .docs import bp as docs_bp
from .guard import register_guard
from .meta import PREFIX, VERSION  # noqa: F401 - the API's version, also as wasstraat.api's
from .resources import BLUEPRINTS
from .spec import WasstraatApi, spec_config


def init_api(app: Flask) -> None:
    app.config.update(spec_config(app))
    api = WasstraatApi(app)
    app.extensions["wasstraat_api"] = api
    sessions.install(app)
    register_guard(app)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens only: a browser cannot send them unasked
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
