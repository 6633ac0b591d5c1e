"""Static files that browsers may keep for a year: every address the app writes for a static
file carries a digest of its content (``?v=...``), so a changed file gets a new address and a
cached copy is never stale. Vendored libraries carry their version in their folder name
(``vendor/utrecht-9.0.4/``), so their fonts and stylesheets may be kept as long."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

A_YEAR = 365 * 24 * 3600
_digests: dict[tuple[str, float], str] = {}


def digest(path: str) -> str:
    """The first 12 hex digits of the file's SHA-256, remembered until the file changes."""
    changed = os.stat(path).st_mtime
    key = (path, changed)
    if key not in _digests:
        with open(path, "rb") as handle:
            _digests[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return _digests[key]


def register(app: Flask) -> None:
    # A file's digest is looked up once per process, unless templates reload (development):
    # in production the files change only with a release, which starts new processes. That
    # saves two system calls per static address, about ten on every page.
    known: dict[str, str | None] = {}

    def version_of(filename: str) -> str | None:
        path = os.path.join(app.static_folder or "", filename)
        return digest(path) if os.path.isfile(path) else None

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "v" in values:
            return
        filename = values.get("filename", "")
        if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
            version = version_of(filename)
        elif filename in known:
            version = known[filename]
        else:
            version = known[filename] = version_of(filename)
        if version:
            values["v"] = version

    @app.after_request
    def _keep_for_a_year(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") or filename.startswith("vendor/"):
            response.cache_control.no_cache = None  # send_file's default: ask every time
            response.cache_control.public = True
            response.cache_control.max_age = A_YEAR
            response.cache_control.immutable = True
        return response
