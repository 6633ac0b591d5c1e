"""Downloads of the two plans as Word documents, for any member of the project."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit, counters, metrics
from ..access import project_access
from ..errors import WorkflowError
from ..extensions import db
from ..jobs import make_kept_pdf
from ..navigation import int_arg
from ..plans import services as plans
from ..workflow import Step, StepStatus
from . import a3, archive, implementation_plan, improvement_plan, pdf
from .docx_base import CONTENT_TYPE, options

bp = Blueprint("exports", __name__, url_prefix="/projects/<int:project_id>/documents")


class TooManyExports(WorkflowError):
    status_code = 429


def _within_rate() -> None:
    """Building a document is the heaviest thing a person can ask for; a per-person limit per
    minute keeps one script from starving everyone else. The count is the reservation, made
    before the document is built and committed at once (``counters``), so parallel requests
    cannot all pass it."""
    limit = current_app.config["EXPORTS_PER_MINUTE"]
    (asked,) = counters.count_in_minute(f"export:{current_user.id}")
    if asked > limit:
        raise TooManyExports(_("U heeft in de afgelopen minuut al %(n)d documenten gevraagd. "
                               "Probeer het over een minuut opnieuw.", n=limit),
                             retry_after=counters.seconds_left())


def _download(make: Callable[[], improvement_plan.Export], project_id: int, kind: str,
              content_type: str = CONTENT_TYPE) -> Response:
    with metrics.DOCUMENT_SECONDS.labels(kind).time():
        result = make()
    if result.etag and result.etag in request.if_none_match:
        # The browser has this very file (a signed document never changes): no new download.
        response = Response(status=304)
        response.set_etag(result.etag)
        return response
    # A download is worth a line in the trail: who took which plan out of the app.
    audit.record("export.document", "project", project_id, project_id,
                 actor=current_user._get_current_object(),
                 after={"document": kind, "file": result.filename})
    db.session.commit()
    response = Response(result.content, mimetype=content_type, headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"'})
    if result.etag:
        # Browsers still get no-store (names of staff; shared desktops); a client that keeps
        # its own copy (a document system's sync) can ask whether it is still the same.
        response.set_etag(result.etag)
    return response


def _improvement_plan(project_id: int):
    """The version asked for (None: the draft), and how to build its .docx."""
    access = project_access(project_id)
    number = int_arg("version")  # a request that cannot name a version is bad, whatever else
    _within_rate()
    if access.project.step_status(Step.IMPROVEMENT_PLAN) is StepStatus.NOT_STARTED:
        raise WorkflowError(_("Het verbeterplan is er vanaf stap 6."))
    version = None
    if number is not None:
        version = plans.version_by_number(access.project, number)
        if version is None:
            abort(404)
    return version, lambda: improvement_plan.export(access.project, version, **options())


def _implementation_plan(project_id: int):
    access = project_access(project_id)
    _within_rate()
    if access.project.step_status(Step.IMPLEMENTATION_PLAN) is StepStatus.NOT_STARTED:
        raise WorkflowError(_("Het implementatieplan is er vanaf stap 9."))
    return access.project, lambda: implementation_plan.export(access.project, **options())


def _a3(project_id: int):
    """The A3 of the project as it stands: from step 6 on, when there is a plan to show."""
    access = project_access(project_id)
    _within_rate()
    if access.project.step_status(Step.IMPROVEMENT_PLAN) is StepStatus.NOT_STARTED:
        raise WorkflowError(_("De A3 is er vanaf stap 6."))
    return lambda: a3.export(access.project, **options())


class PdfUnavailable(WorkflowError):
    status_code = 503


def _kept(build) -> improvement_plan.Export:
    """A document that may still wait on its layout job (an approved one, just signed)."""
    try:
        return build()
    except archive.KeptPdfPending as pending:
        make_kept_pdf(*pending.args)  # asked again, in case its job was lost
        raise PdfUnavailable(_("Het vastgestelde document wordt nog opgemaakt (de PDF en de "
                               "paginanummers). Probeer het over een minuut opnieuw.")
                             ) from pending


def _pdf(build) -> improvement_plan.Export:
    if not pdf.available():
        abort(404)  # the links are not offered where LibreOffice is not installed
    try:
        return _kept(build)
    except pdf.ConversionBusy as busy:
        raise PdfUnavailable(_("Er worden nu al zoveel PDF's gemaakt als deze server tegelijk "
                               "aankan. Probeer het over %(n)d seconden opnieuw, of download "
                               "het document als Word-bestand.", n=busy.retry_after),
                             retry_after=busy.retry_after) from busy
    except pdf.ConversionFailed as error:
        current_app.logger.error("PDF conversion failed: %s", error)
        raise PdfUnavailable(_("De PDF kon nu niet worden gemaakt. Download het document als "
                               "Word-bestand of probeer het later opnieuw.")) from error


@bp.route("/improvement-plan.docx")
@login_required
def improvement_plan_docx(project_id: int):
    version, build = _improvement_plan(project_id)
    return _download(lambda: _kept(lambda: archive.signed_docx(version, build)), project_id,
                     "improvement_plan")


@bp.route("/improvement-plan.pdf")
@login_required
def improvement_plan_pdf(project_id: int):
    version, build = _improvement_plan(project_id)
    return _download(lambda: _pdf(lambda: archive.signed_pdf(version, build)), project_id,
                     "improvement_plan_pdf", pdf.CONTENT_TYPE)


@bp.route("/implementation-plan.docx")
@login_required
def implementation_plan_docx(project_id: int):
    project, build = _implementation_plan(project_id)
    number = int_arg("version")
    return _download(lambda: _kept(lambda: archive.implementation_docx(project, build, number)),
                     project_id, "implementation_plan")


@bp.route("/implementation-plan.pdf")
@login_required
def implementation_plan_pdf(project_id: int):
    project, build = _implementation_plan(project_id)
    number = int_arg("version")
    return _download(lambda: _pdf(lambda: archive.implementation_pdf(project, build, number)),
                     project_id, "implementation_plan_pdf", pdf.CONTENT_TYPE)


@bp.route("/a3.docx")
@login_required
def a3_docx(project_id: int):
    return _download(_a3(project_id), project_id, "a3")


@bp.route("/a3.pdf")
@login_required
def a3_pdf(project_id: int):
    build = _a3(project_id)
    return _download(lambda: _pdf(lambda: archive.as_pdf(build())), project_id, "a3_pdf",
                     pdf.CONTENT_TYPE)
