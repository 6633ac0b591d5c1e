"""HTTP response hardening: CSP and friends on every response, no caching of personal pages."""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


# SortableJS (drag and drop in the implementation plan) tests for CSS pointer-events support by
# setting exactly this inline style once; the page that loads it allows that one value by its
# hash, and nothing else inline.
SORTABLE_STYLE_HASH = "'sha256-Z1TG2OJwMM+Hv9mXLOasntN0UWwx9l2FgqYRRzAe8IA='"
SORTABLE_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", f"style-src 'self' 'unsafe-hashes' {SORTABLE_STYLE_HASH}")


def apply_security_headers(response: Response) -> Response:
    headers = response.headers
    # A view may set a stricter policy of its own (downloads get a sandbox).
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["PRODUCTION"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    if "HX-Request" in request.headers or request.endpoint not in (None, "static"):
        headers.add("Vary", "HX-Request")
    request_id = g.get("request_id")
    if request_id:
        headers["X-Request-Id"] = request_id
    return response
