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

PREFIX = "/api/v1"
VERSION = "1.0.0"  # the full version, returned in the API-Version header


def is_api_request(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def init_api(app: Flask) -> None:
    from ..extensions import csrf
    from . import sessions
    from .docs import bp as docs_bp
    from .guard import register_guard
    from .resources import BLUEPRINTS
    from .spec import WasstraatApi, spec_config

    app.config.update(spec_config(app))
    api = WasstraatApi(app)
    app.extensions["wasstraat_api"] = api
    sessions.install(app)
    register_guard(app)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens only: a browser cannot send them unasked
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
