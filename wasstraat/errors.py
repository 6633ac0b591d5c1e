"""Domain errors and the error pages: Dutch, generic, never a stack trace."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .audit import record_denied
from .extensions import db
from .http import flatten, is_api_request, problem, wants_partial

log = logging.getLogger(__name__)


class WorkflowError(Exception):
    """An action that the current state does not allow (a step not yet startable, ...)."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(WorkflowError):
    """Someone else saved the same thing since this form was loaded."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Iemand anders heeft dit intussen gewijzigd. Uw wijziging is niet opgeslagen; "
                "hieronder ziet u de actuele gegevens."
            )
        )


def _error_page(status: int, title: str, message: str, incident: str | None = None):
    if is_api_request(request.path):
        return problem(status, title, message, **({"incident": incident} if incident else {}))
    template = "errors/_error.html" if wants_partial() else "errors/error.html"
    return (
        render_template(template, status=status, title=title, message=message,
                        incident=incident),
        status,
    )


def _is_api() -> bool:
    return is_api_request(request.path)


def _stale_version():
    return problem(412, _("Versie verouderd"),
                   _("Iemand anders heeft dit intussen gewijzigd (If-Match klopt niet meer). "
                     "Haal de actuele versie op en probeer het opnieuw."))


def _title(code: int) -> str:
    titles = {400: _("Ongeldig verzoek"), 401: _("Niet geauthenticeerd"),
              409: _("Dat kan nu niet"), 412: _("Versie verouderd"),
              415: _("Verkeerd formaat"), 422: _("Ongeldig verzoek"),
              428: _("Versie ontbreekt"), 429: _("Te veel verzoeken")}
    return titles.get(code, _("Fout"))


def register(app: Flask) -> None:
    @app.errorhandler(WorkflowError)
    def _workflow_error(error: WorkflowError):
        db.session.rollback()
        if isinstance(error, ConflictError) and _is_api():
            return _stale_version()
        return _error_page(error.status_code, _("Dat kan nu niet"), error.message)

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError):
        # Two saves of the same row at the same moment: the database let one through.
        db.session.rollback()
        if _is_api():
            return _stale_version()
        return _error_page(409, _("Dat kan nu niet"), ConflictError().message)

    @app.errorhandler(HTTPException)
    def _other_http_error(error: HTTPException):
        """The API answers every error as problem details (with the fields a bad request got
        wrong); the screens keep the plain page for the rarer codes."""
        if not _is_api() or error.code is None:
            return error
        db.session.rollback()
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") or {}
        if isinstance(messages, dict) and set(messages) <= {"json", "query", "headers"}:
            # webargs files them by where they were found; the names say enough.
            messages = {k: v for where, found in messages.items()
                        for k, v in (found.items() if isinstance(found, dict)
                                     else [(where, found)])}
        response = problem(error.code, _title(error.code), data.get("detail")
                           or (_("Een of meer velden zijn niet goed ingevuld.") if messages
                               else error.description or ""),
                           invalid_params=flatten(messages) if messages else None)
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        db.session.rollback()
        record_denied("csrf_failed", "request", None, None)
        db.session.commit()
        return _error_page(
            400,
            _("Formulier verlopen"),
            _("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het "
              "nog eens."),
        )

    @app.errorhandler(403)
    def _forbidden(error: HTTPException):
        db.session.rollback()
        record_denied("forbidden", "request", None, g.get("project_id"))
        db.session.commit()
        return _error_page(403, _("Geen toegang"),
                           _("U heeft geen rechten voor deze actie."))

    @app.errorhandler(404)
    def _not_found(error: HTTPException):
        return _error_page(404, _("Pagina niet gevonden"),
                           _("Deze pagina bestaat niet, of u heeft er geen toegang toe."))

    @app.errorhandler(405)
    def _method_not_allowed(error: HTTPException):
        return _error_page(405, _("Niet toegestaan"),
                           _("Deze actie kan niet op deze manier worden uitgevoerd."))

    @app.errorhandler(413)
    def _too_large(error: HTTPException):
        return _error_page(413, _("Bestand te groot"),
                           _("Het verzonden bestand of formulier is te groot."))

    @app.errorhandler(500)
    def _server_error(error: Exception):
        db.session.rollback()
        incident = uuid.uuid4().hex[:12]
        # %r: a path is typed by the visitor; escaped, it cannot forge a log line (CR/LF).
        log.exception("incident %s on %s %r", incident, request.method, request.path)
        return _error_page(500, _("Er ging iets mis"),
                           _("Er is een onverwachte fout opgetreden. Probeer het later "
                             "opnieuw. Noem bij contact met de servicedesk dit "
                             "incidentnummer."), incident)

