"""HTTP helpers every layer may use: whether a request wants a partial (htmx), whether it is
an API request, and errors as RFC 9457 problem details (``application/problem+json``) with the
field-level ``invalid-params`` the Dutch API Design Rules prescribe for bad input.

A leaf: it imports nothing of the app, so the error pages (``errors``), the API and the
features can all use it without importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

API_PREFIX = "/api/v1"
MEDIA_TYPE = "application/problem+json"


E = TypeVar("E", bound=Enum)


def member_or_404(kind: type[E], value: object) -> E:
    """The member of ``kind`` a URL names (a step, a question set, a document): 404 if none."""
    try:
        return kind(value)
    except ValueError:
        abort(404)


def wants_partial() -> bool:
    """An htmx request, answered with the partial template of the same view."""
    return request.headers.get("HX-Request") == "true"


def is_api_request(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def large_body(limit: Callable[[], int]) -> Callable:
    """Mark a view that takes a large file: its request body may be ``limit()`` bytes instead
    of the app-wide ``MAX_CONTENT_LENGTH`` (see :func:`allow_large_bodies`)."""

    def mark(view: Callable) -> Callable:
        view.max_content_length = limit  # type: ignore[attr-defined]
        return view

    return mark


def allow_large_bodies(app: Flask) -> None:
    """Give a view marked with :func:`large_body` its larger limit in the request's first
    hook: CSRF reads the form in its own hook, and a limit raised in the view would come
    after the refusal. Register before CSRF."""

    @app.before_request
    def _larger_body_for_large_files() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_content_length", None)
        if limit is not None:
            request.max_content_length = limit()



def problem(status: int, title: str, detail: str, *,
            invalid_params: list[dict[str, str]] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title,
                            "detail": detail, "instance": request.path}
    if invalid_params:
        body["invalid-params"] = invalid_params
    if g.get("request_id"):
        body["requestId"] = g.request_id
    body.update(extra)
    return current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                      mimetype=MEDIA_TYPE)


def flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested error messages as invalid-params: one entry per field, its name
    a dotted path in the request's own (camelCase) names."""
    if isinstance(messages, dict):
        found: list[dict[str, str]] = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found += flatten(value, name)
        return found
    if isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        return [{"name": prefix or "body", "reason": " ".join(messages)}]
    if isinstance(messages, list):
        return [p for m in messages for p in flatten(m, prefix)]
    return [{"name": prefix or "body", "reason": str(messages)}]


def api_address_problem(value: str) -> str | None:
    """Why an outside API's address will not do: it is https, or http on this machine's own
    loopback (a test set-up). None when it will."""
    parts = urlsplit(value)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "https" or (parts.scheme == "http" and local):
        return None if parts.hostname else _("Vul een volledig adres in.")
    return _("Gebruik een https-adres.")
