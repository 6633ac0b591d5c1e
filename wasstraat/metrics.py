"""What a web process counts for Prometheus: requests, document builds, PDF conversions and
the e-mails it sent itself; in a job worker, the jobs it ran, served on a port of its own.

The counters live in this process. Under gunicorn with several workers, each worker counts
its own; with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty folder, before the app starts)
prometheus-client keeps them in files there and a scrape adds up every worker's
(``deploy/gunicorn.conf.py`` removes a stopped worker's gauges). What the database knows
(jobs per queue, projects per step, mail waiting or given up, event logs) is read at the
scrape itself, in ``ops``, so it is the same whichever instance or worker did the work.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import threading
import time
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from flask import Flask, Response, g, request
from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app

if _folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Made here too, not only by gunicorn's hook: a CLI command or a job worker counts into
    # it as well, and prometheus-client fails on a folder that is not there.
    os.makedirs(_folder, exist_ok=True)

REQUESTS = Counter(
    "wasstraat_http_requests", "HTTP requests by route template, method and status",
    ["route", "method", "status"])
REQUEST_SECONDS = Histogram(
    "wasstraat_http_request_duration_seconds", "Time to answer a request, by route template",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
DOCUMENT_SECONDS = Histogram(
    "wasstraat_document_build_seconds", "Time to build a downloaded document (Word or PDF)",
    ["document"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80))
PDF_SECONDS = Histogram(
    "wasstraat_pdf_conversion_seconds", "Time LibreOffice took to lay out one PDF/A",
    buckets=(0.5, 1, 2, 5, 10, 20, 40, 80))
MAILS = Counter(
    "wasstraat_notification_mails",
    "Notification e-mails and digests this process sent, by outcome (sent, retried, failed)",
    ["outcome"])

JOBS = Counter(
    "wasstraat_jobs", "Jobs this process ran, by task and outcome (succeeded, failed)",
    ["task", "outcome"])
JOB_SECONDS = Histogram(
    "wasstraat_job_duration_seconds", "Time a job took in this process, by task", ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900))

UNMATCHED = "<unmatched>"  # a path no route has: one label, not one per path tried


def register_request_hooks(app: Flask) -> None:
    """Count every request by its route template (never its path: ids would make a series
    per project) and how long it took."""

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule else UNMATCHED
            REQUESTS.labels(route, request.method, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - started)
        return response


def count_mail(sent: int, retried: int, failed: int) -> None:
    for outcome, number in (("sent", sent), ("retried", retried), ("failed", failed)):
        if number:
            MAILS.labels(outcome).inc(number)


@contextlib.contextmanager
def job_run(task: str) -> Iterator[None]:
    """Count one job of ``task`` and time it; an exception counts it as failed."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "succeeded"
    finally:
        JOBS.labels(task, outcome).inc()
        JOB_SECONDS.labels(task).observe(time.perf_counter() - started)


def token_offered(authorization: str, token: str) -> bool:
    """Whether an Authorization header carries the scrapers' bearer token."""
    scheme, _space, offered = authorization.partition(" ")
    return scheme == "Bearer" and hmac.compare_digest(offered.strip().encode(), token.encode())


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # a scrape every 15 s is not worth a log line


def serve(port: int, token: str, host: str = "") -> WSGIServer:
    """This process's counters on ``port`` (every interface unless ``host``), behind the
    scrapers' token, in a thread of its own: a job worker serves no pages, so its metrics
    need a server of their own."""
    exposition = make_wsgi_app(REGISTRY)

    def guarded(environ, start_response):
        if not token_offered(environ.get("HTTP_AUTHORIZATION", ""), token):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"401 Unauthorized\n"]
        return exposition(environ, start_response)

    server = make_server(host, port, guarded, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
