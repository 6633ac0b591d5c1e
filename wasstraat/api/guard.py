"""Every API request: who calls (a bearer token, nothing else), within their rate limit;
every API response: the API-Version header, the rate-limit headers, CORS only for the
origins configured."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from werkzeug.wrappers import Response

from ..http import is_api_request, problem
from . import bodies, limits, tokens
from .meta import VERSION

# What anyone may read without a token: the description of the API itself.
PUBLIC_ENDPOINTS = {"api-docs.openapi_json"}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _unauthorised(detail: str) -> Response:
    response = problem(401, _("Niet geauthenticeerd"), detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="wasstraat"'
    return response


def _authenticate() -> Response | None:
    if not is_api_request(request.path):
        return None
    if request.method == "OPTIONS" or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    presented = _bearer()
    if presented is None:
        return _unauthorised(_("Stuur een token mee: Authorization: Bearer <token>."))
    try:
        caller = tokens.authenticate(presented)
    except tokens.TokenRefused as refused:
        return _unauthorised(str(refused))
    quota = limits.count(f"person:{caller.user.id}", caller.key)
    g.api_quota = quota
    if quota.exceeded:
        response = problem(429, _("Te veel verzoeken"),
                           _("U heeft de limiet van %(limit)d verzoeken per minuut bereikt. "
                             "Probeer het over %(seconds)d seconden opnieuw.",
                             limit=quota.limit, seconds=quota.reset_seconds))
        response.headers["Retry-After"] = str(quota.reset_seconds)
        return response
    _refuse_unparseable()
    # Flask-Login's current user for this request only: nothing goes into a session.
    g._login_user = caller.user
    g.api_caller = caller
    return None


def _refuse_unparseable() -> None:
    """A JSON body the parser must not see (too deep, too long a number) is a bad request,
    answered by the API's one error handler: a 400 problem naming the field."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return
    found = bodies.refusal(request.get_data(cache=True))
    if found is not None:
        field, reason = found
        smorest_abort(400, detail=reason, messages={field: [reason]})


def _cors(response: Response) -> None:
    origin = request.headers.get("Origin")
    allowed = current_app.config["API_CORS_ORIGINS"]
    if not origin or origin not in allowed:
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    response.headers["Access-Control-Expose-Headers"] = (
        "API-Version, ETag, Link, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
        "RateLimit-Reset")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH"
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, If-Match, If-None-Match")
        response.headers["Access-Control-Max-Age"] = "600"


def _finish(response: Response) -> Response:
    if not is_api_request(request.path):
        return response
    response.headers["API-Version"] = VERSION
    response.headers["Cache-Control"] = "no-store"
    quota = g.get("api_quota")
    if quota is not None:
        response.headers["RateLimit-Limit"] = str(quota.limit)
        response.headers["RateLimit-Remaining"] = str(max(0, quota.remaining))
        response.headers["RateLimit-Reset"] = str(quota.reset_seconds)
    _cors(response)
    return response


def register_guard(app: Flask) -> None:
    app.before_request(_authenticate)
    app.after_request(_finish)


def require_admin() -> None:
    user = g.api_caller.user
    if not user.is_admin:
        abort(403)
