"""Wasstraat: process-improvement projects through the ten steps of the wasstraat method."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import fragments, logs, metrics
from .config import load_config
from .extensions import babel, csrf, db, login_manager, mail, migrate
from .http import allow_large_bodies
from .ops import tracing

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    logs.configure(app)
    from .navigation import IdConverter

    app.url_map.converters["int"] = IdConverter
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    from . import errors, static_files, templating, unit_of_work

    unit_of_work.register()
    unit_of_work.register_request_hooks(app)
    errors.register(app)
    templating.register(app)
    static_files.register(app)
    from .cli import register_cli

    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from .auth.session import init_login
    from .auth.sso import init_sso
    from .database import configure_engine
    from .i18n import select_locale

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    tracing.configure(app)  # first: every later hook's statements inside the request's span
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    allow_large_bodies(app)  # before CSRF, which reads the form
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    init_login(app, login_manager)
    init_sso(app)
    fragments.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .archive.views import bp as archive_bp
    from .auth.views import bp as auth_bp
    from .benefits.views import bp as benefits_bp
    from .comments.views import bp as comments_bp
    from .exports.views import bp as exports_bp
    from .formulas.views import bp as formulas_bp
    from .ideas.views import bp as ideas_bp
    from .implementation.import_views import bp as action_imports_bp
    from .implementation.views import bp as implementation_bp
    from .improvements.import_views import bp as improvement_imports_bp
    from .improvements.views import bp as improvements_bp
    from .journey.views import bp as journey_bp
    from .kpis.views import bp as kpis_bp
    from .library.views import bp as library_bp
    from .main.views import bp as main_bp
    from .mining.views import bp as mining_bp
    from .notifications.views import bp as notifications_bp
    from .ops.views import bp as ops_bp
    from .plans.views import bp as plans_bp
    from .process.views import bp as process_bp
    from .project_templates.views import bp as project_templates_bp
    from .projects.views import bp as projects_bp
    from .questions.views import bp as questions_bp
    from .reports.views import bp as reports_bp
    from .reviews.views import bp as reviews_bp
    from .risks.views import bp as risks_bp
    from .sessions.views import bp as sessions_bp
    from .steps.views import bp as steps_bp
    from .sustain.views import bp as sustain_bp
    from .tasks.views import bp as tasks_bp
    from .woo.views import bp as woo_bp
    from .zaken.views import bp as zaken_bp

    for blueprint in (auth_bp, main_bp, admin_bp, projects_bp, steps_bp, tasks_bp, kpis_bp,
                      improvements_bp, process_bp, formulas_bp, journey_bp, sessions_bp, plans_bp,
                      reviews_bp, implementation_bp, exports_bp, notifications_bp, reports_bp,
                      library_bp, mining_bp, sustain_bp, benefits_bp, risks_bp, ops_bp,
                      archive_bp, zaken_bp, woo_bp, comments_bp,
                      improvement_imports_bp, action_imports_bp, ideas_bp,
                      project_templates_bp, questions_bp):
        app.register_blueprint(blueprint)
    from .api import init_api

    init_api(app)


def _report_server_time(app: Flask) -> None:
    """The CPU time each request took in this process, as a Server-Timing header: on only
    where WASSTRAAT_SERVER_TIMING is set (the benchmark), as it tells a client how busy the
    server is."""
    import time

    @app.before_request
    def _start_clock() -> None:
        g.cpu_started = time.process_time()

    @app.after_request
    def _report(response):
        if "cpu_started" in g:
            spent = (time.process_time() - g.cpu_started) * 1000
            response.headers["Server-Timing"] = f"cpu;dur={spent:.2f}"
        return response


def register_request_hooks(app: Flask) -> None:
    from .security import apply_security_headers

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:36] or str(uuid.uuid4())

    app.after_request(apply_security_headers)
    metrics.register_request_hooks(app)
    if app.config.get("SERVER_TIMING"):
        _report_server_time(app)

    @app.teardown_request
    def _rollback_unfinished(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
