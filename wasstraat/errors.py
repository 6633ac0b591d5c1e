"""Domain errors, the one refusal path and the error pages: Dutch, generic, never a stack
trace.

A service refuses an action by raising a ``WorkflowError`` (409 a state rule, 409 a stale
form, 422 an input only the service can judge). Views do not catch it. A view whose page can
show a refusal says so *before* it calls the service, with ``on_refusal`` (or its shapes
``refuse_into`` and ``refuse_with_flash``); the handler registered here is the one place a
refusal is turned into an answer, after rolling the transaction back:

- under ``/api/``: problem+json (a stale version: 412);
- when the view registered a page: that page again, with the reason in the form's error
  summary (or on the field it concerns, or as a flash message), under the refusal's status;
- otherwise: the error page, or its partial for htmx.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, flash, g, make_response, render_template, request
from flask.typing import ResponseReturnValue
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
    retry_after: int | None = None  # seconds, where asking again later helps (429, 503)

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retry_after is not None:
            self.retry_after = retry_after


class NotAllowed(WorkflowError):
    """An organisation's rule does not let this person do it (only administrators start
    projects, ...): 403, with the rule in words."""

    status_code = 403


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


class InvalidInput(WorkflowError):
    """Input only a service can judge (an e-mail address in use, a password the policy
    refuses, a column that is not there): 422, each reason shown at the field of the form
    that sent it (``None``: the form as a whole), which keeps what the user typed."""

    status_code = 422

    def __init__(self, problems: str | list[str] | dict[str, str],
                 field: str | None = None) -> None:
        """One reason or several at ``field``, or a reason per field (a dict)."""
        self.problems: dict[str | None, list[str]] = (
            {name: [message] for name, message in problems.items()}
            if isinstance(problems, dict)
            else {field: [problems] if isinstance(problems, str) else list(problems)})
        self.messages = [m for found in self.problems.values() for m in found]
        super().__init__(" ".join(self.messages))


RefusalPage = Callable[[WorkflowError], ResponseReturnValue]


def on_refusal(page: RefusalPage) -> None:
    """How this request's page shows a refusal: ``page(error)`` renders it, after the
    rollback (so it loads what it shows afresh)."""
    g.refusal_page = page


def refuse_into(form: Any, page: Callable[[Any, int], ResponseReturnValue], *,
                field: str | None = None, reload: Callable[[], Any] | None = None) -> None:
    """A refusal shows on the form that was sent, ``page(form, status)`` rendering it.

    Refused input stays as typed, its reason at the field the error names. Any other refusal
    (a stale form, a closed step) shows the reason under ``field``, or in the form's error
    summary, on the form ``reload`` gives with the data as stored now, if given.
    """

    def render(error: WorkflowError) -> ResponseReturnValue:
        if isinstance(error, InvalidInput):
            shown, problems = form, error.problems
        else:
            shown, problems = (reload() if reload else form), {field: [error.message]}
        for at, messages in problems.items():
            if at and hasattr(shown, at):
                target = getattr(shown, at)
                target.errors = [*target.errors, *messages]
            else:
                shown.form_errors.extend(messages)
        return page(shown, error.status_code)

    on_refusal(render)


def refuse_above(page: Callable[..., ResponseReturnValue], *, field: str | None = None,
                 **forms: Any) -> None:
    """A refusal shows ``page(status=, error=, **forms)``: the page with the reason above it,
    the forms sent kept (and the reason also at ``field`` of them)."""

    def render(error: WorkflowError) -> ResponseReturnValue:
        if field:
            for form in forms.values():
                getattr(form, field).errors = [error.message]
        return page(status=error.status_code, error=error.message, **forms)

    on_refusal(render)


def refuse_with_flash(page: Callable[[int], ResponseReturnValue]) -> None:
    """A refusal of a button without fields: the reason as a message above the page."""

    def render(error: WorkflowError) -> ResponseReturnValue:
        flash(error.message, "error")
        return page(error.status_code)

    on_refusal(render)


def _refusal(error: WorkflowError) -> ResponseReturnValue:
    db.session.rollback()
    if isinstance(error, ConflictError) and _is_api():
        return _stale_version()
    page = g.pop("refusal_page", None)  # the API registers none: problem+json below
    response = make_response(page(error) if page is not None else _error_page(
        error.status_code, _("Dat kan nu niet"), error.message))
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


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
    app.register_error_handler(WorkflowError, _refusal)

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError):
        # Two saves of the same row at the same moment: the database let one through, and
        # the other is refused like any stale form. Rolled back before anything else: the
        # failed flush leaves the session unusable, even for the reader's language.
        db.session.rollback()
        return _refusal(ConflictError())

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
        response = make_response(_error_page(
            405, _("Niet toegestaan"), _("Deze actie kan niet op deze manier worden uitgevoerd.")))
        for name, value in error.get_headers():  # Allow: the methods this address takes
            if name.lower() == "allow":
                response.headers[name] = value
        return response

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

