"""Traces for an OpenTelemetry collector, as an option.

On where ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set
and the optional packages are installed (``pip install -e '.[otel]'``). Every other setting
is OpenTelemetry's own standard variable, read by its SDK: ``OTEL_SERVICE_NAME`` (default
"wasstraat"), ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_EXPORTER_OTLP_HEADERS``,
``OTEL_TRACES_SAMPLER`` and the rest. A request's span carries its route, its request id and
the person's id, never their e-mail; the database statements are spans beneath it.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, g

from ..extensions import db

log = logging.getLogger(__name__)

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def wanted() -> bool:
    return any(os.environ.get(name) for name in ENDPOINTS)


def configure(app: Flask) -> bool:
    """Trace this app's requests and statements: to the tracer provider in the app's config
    (``OTEL_TRACER_PROVIDER``: one an embedding app or a test brings), else to one made from
    the environment, exporting over OTLP. False when tracing is off or not installed.

    Called before the other request hooks are registered, so the session check's statements
    fall inside the request's span."""
    provider = app.config.get("OTEL_TRACER_PROVIDER")
    if provider is None and not wanted():
        return False
    try:
        from opentelemetry.instrumentation.flask import FlaskInstrumentor
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    except ImportError:
        log.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OpenTelemetry packages are "
                    "not installed (pip install -e '.[otel]'): no traces")
        return False
    provider = provider or _provider_from_environment()
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider)
    statements = SQLAlchemyInstrumentor()  # one per process: the last app's engine counts
    if statements.is_instrumented_by_opentelemetry:
        statements.uninstrument()
    with app.app_context():
        # Its declared range stops below SQLAlchemy 2.1, which it traces all the same (the
        # test checks that the statements come as spans under the request).
        statements.instrument(engine=db.engine, tracer_provider=provider, skip_dep_check=True)
    app.after_request(_describe_span)
    return True


def _provider_from_environment():
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    os.environ.setdefault("OTEL_SERVICE_NAME", "wasstraat")
    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def _describe_span(response):
    from opentelemetry import trace

    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("wasstraat.request_id", g.get("request_id", ""))
        user = g.get("_login_user")  # only once loaded: never a query for a trace
        if user is not None and getattr(user, "is_authenticated", False):
            span.set_attribute("enduser.id", str(user.id))
    return response
