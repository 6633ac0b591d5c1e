"""The probes (Kubernetes' startup, liveness and readiness; Open Zaak's paths) and the metrics
scrape. None needs a session; the metrics need the scrape's bearer token."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from .. import metrics as counted
from ..extensions import csrf
from . import health, scrape

bp = Blueprint("ops", __name__)


def _answer(result: health.Health):
    response = jsonify(result.as_json())
    response.status_code = 200 if result.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/_healthz/", strict_slashes=False)
def started():
    return _answer(health.started())


@bp.route("/_healthz/livez/", strict_slashes=False)
def live():
    return _answer(health.Health({"process": "ok"}))


@bp.route("/_healthz/readyz/", strict_slashes=False)
@bp.route("/health")  # the first probe's path, for what was set up with it
def ready():
    return _answer(health.ready())


@bp.route("/_metrics")
@csrf.exempt
def metrics():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)  # not switched on: not there
    if not counted.token_offered(request.headers.get("Authorization", ""), token):
        abort(401)
    return scrape.scrape(), 200, {"Content-Type": CONTENT_TYPE_LATEST,
                                  "Cache-Control": "no-store"}
