"""What was signed stays as it was: the .docx of an approved plan version, and of the approved
implementation plan, is kept when the process owner approves it, and its PDF/A is made once
from exactly that file. Later downloads get these stored bytes, whatever changed in the project
since (team members, names, the house style); ``verify`` finds a kept file by its SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from ..database import prepare_to_write
from ..extensions import db
from ..models import (
    ImplementationApproval,
    ImplementationDocument,
    PlanDocument,
    PlanVersion,
    Project,
    utcnow,
)
from . import implementation_plan, pages, pdf
from .docx_base import options
from .improvement_plan import Export, export


class KeptPdfPending(Exception):
    """An approved document is still being laid out by a job (``KEPT_PDF = "job"``): its
    PDF/A, and, where LibreOffice numbers the contents, the page numbers of its .docx."""


def pdf_name(filename: str) -> str:
    return filename.removesuffix(".docx") + ".pdf"


Kept = PlanDocument | ImplementationDocument
# What a kept document belongs to: a plan version, or an approval of the implementation plan.
_OWNER: dict[type, str] = {PlanDocument: "plan_version_id",
                           ImplementationDocument: "approval_id"}


# What a kept document belongs to, as a job names it (it gets names, not classes).
_KINDS: dict[str, type[Kept]] = {"plan_version": PlanDocument,
                                 "implementation_approval": ImplementationDocument}


def _model(kind: str) -> type[Kept]:
    return _KINDS[kind]


def make_kept_pdf(kind: str, owner_id: int) -> bool:
    """The job: the PDF/A of a kept .docx, made once from exactly those bytes. Whether it
    made one (not when it was made before, or when no .docx is kept)."""
    model = _model(kind)
    docx = _find(model, owner_id, "docx")
    if docx is None or _find(model, owner_id, "pdf") is not None:
        return False
    _lay_out(model, owner_id, docx)
    return True


def _kept_pdf(kind: str, owner_id: int, docx: Callable[[], Export], *, now: bool) -> Kept:
    """The kept PDF; when it is not made yet, made now (``KEPT_PDF = "request"``, or ``now``:
    the command line waits), or left to the job that approval set off (``"job"``): then the
    caller hears it is pending."""
    model = _model(kind)
    stored = _find(model, owner_id, "pdf")
    if stored is not None:
        return stored
    if current_app.config["KEPT_PDF"] == "job" and not now:
        raise KeptPdfPending(kind, owner_id)
    docx()  # kept first, where it was not yet (a version approved before documents were)
    return _lay_out(model, owner_id, _find(model, owner_id, "docx"))


# How long a download waits for the layout job before it takes the kept .docx as it is (a
# job that keeps failing must not keep the signed document from its readers).
LAYOUT_GRACE = timedelta(minutes=10)


def _kept_docx(kind: str, owner_id: int, *, now: bool) -> Kept:
    """A kept .docx as it is downloaded: laid out first where LibreOffice numbers the
    contents, so every download has the same bytes (the page numbers included)."""
    model = _model(kind)
    stored = _find(model, owner_id, "docx")
    if not _numbering() or _find(model, owner_id, "pdf") is not None:
        return stored
    if stored.created_at < utcnow() - LAYOUT_GRACE:
        now = True  # its job did not make it: once more, here, and as it is if that fails
    try:
        _kept_pdf(kind, owner_id, lambda: stored, now=now)
    except pdf.ConversionFailed as error:
        if not now:
            raise
        current_app.logger.error("Laying out %s %s failed: %s", kind, owner_id, error)
    return _find(model, owner_id, "docx")


def _numbering() -> bool:
    """Whether the .docx gets its contents' page numbers from LibreOffice's layout (else Word
    is asked to fill them when it opens the file)."""
    return current_app.config["TOC_PAGE_NUMBERS"] == "libreoffice" and pdf.available()


def _lay_out(model: type[Kept], owner_id: int, docx: Kept) -> Kept:
    """The PDF/A of a kept .docx, and its page numbers written into that .docx: both at once,
    so a download before sees neither and one after sees both."""
    laid_out = pdf.to_pdf(docx.content)
    result = Export(pdf_name(docx.filename), laid_out)
    if not _numbering():
        return _store(model, owner_id, "pdf", result)
    numbered = pages.numbered(docx.content, laid_out)
    return _store(model, owner_id, "pdf", result, also=lambda: _replace(docx, numbered))


def _replace(kept: Kept, content: bytes) -> None:
    kept.content, kept.sha256 = content, hashlib.sha256(content).hexdigest()


def _find(model: type[Kept], owner_id: int, fmt: str) -> Kept | None:
    return db.session.scalar(select(model).filter_by(**{_OWNER[model]: owner_id}, format=fmt))


def _store(model: type[Kept], owner_id: int, fmt: str, result: Export, *,
           also: Callable[[], None] | None = None) -> Kept:
    """Store once, with ``also`` in the same step; when another request stored it first,
    theirs counts (and ``also`` is undone)."""
    prepare_to_write(db.session)  # a download is a GET; its write must not be rolled back
    document = model(**{_OWNER[model]: owner_id}, format=fmt, filename=result.filename,
                     content=result.content, sha256=hashlib.sha256(result.content).hexdigest())
    try:
        with db.session.begin_nested():
            if also is not None:
                also()
            db.session.add(document)
    except IntegrityError:
        return _find(model, owner_id, fmt)
    return document


def _stored(version: PlanVersion, fmt: str) -> PlanDocument | None:
    return _find(PlanDocument, version.id, fmt)


def _keep(version: PlanVersion, fmt: str, result: Export) -> PlanDocument:
    return _store(PlanDocument, version.id, fmt, result)


def keep_signed(project: Project, version: PlanVersion) -> None:
    """At approval: keep the .docx of the version just approved (in the same transaction)."""
    _keep(version, "docx", export(project, version, **options()))


def signed_docx(version: PlanVersion | None, build: Callable[[], Export], *,
                now: bool = False) -> Export:
    """The .docx of an approved version as signed (kept at approval; a version approved before
    documents were kept gets it on first need); the draft or a version not approved is built
    afresh each time."""
    if version is None or version.approval is None:
        return numbered(build())
    if _stored(version, "docx") is None:
        _keep(version, "docx", build())
    stored = _kept_docx("plan_version", version.id, now=now)
    return Export(stored.filename, stored.content, stored.sha256)


def numbered(source: Export) -> Export:
    """A .docx made now, with its contents' page numbers where LibreOffice can lay it out
    (else as it is: Word fills them when it opens the file)."""
    if not _numbering():
        return source
    try:
        laid_out = pdf.to_pdf(source.content)
    except pdf.ConversionFailed as error:
        current_app.logger.error("Laying out %s failed: %s", source.filename, error)
        return source
    return Export(source.filename, pages.numbered(source.content, laid_out))


def as_pdf(source: Export) -> Export:
    """A document made now, as PDF/A (not kept: it is made again on the next request)."""
    return Export(pdf_name(source.filename), pdf.to_pdf(source.content))


def signed_pdf(version: PlanVersion | None, build: Callable[[], Export], *,
               now: bool = False) -> Export:
    """The PDF/A of a version (from its stored .docx when approved) or of the draft."""
    if version is None or version.approval is None:
        return as_pdf(build())
    stored = _kept_pdf("plan_version", version.id, lambda: signed_docx(version, build),
                       now=now)
    return Export(stored.filename, stored.content, stored.sha256)


# --- The implementation plan -----------------------------------------------------------------

def _keep_implementation(approval: ImplementationApproval, fmt: str,
                         result: Export) -> ImplementationDocument:
    return _store(ImplementationDocument, approval.id, fmt, result)


def keep_signed_implementation(project: Project, approval: ImplementationApproval) -> None:
    """At approval: keep the .docx of the implementation plan just approved."""
    _keep_implementation(approval, "docx", implementation_plan.export(project, **options()))


def approved_versions(project: Project) -> list[tuple[int, ImplementationDocument]]:
    """The kept .docx of each approval of the implementation plan, numbered from 1."""
    rows = db.session.execute(
        select(ImplementationApproval.id, ImplementationDocument)
        .outerjoin(ImplementationDocument, (ImplementationDocument.approval_id
                                            == ImplementationApproval.id)
                   & (ImplementationDocument.format == "docx"))
        .where(ImplementationApproval.project_id == project.id)
        .order_by(ImplementationApproval.id)).all()
    return [(number, document) for number, (_id, document) in enumerate(rows, start=1)
            if document is not None]


def _kept_version(project: Project, number: int) -> ImplementationDocument:
    kept = dict(approved_versions(project)).get(number)
    if kept is None:
        raise NotFound()
    return kept


def implementation_docx(project: Project, build: Callable[[], Export],
                        number: int | None = None, *, now: bool = False) -> Export:
    """The implementation plan as it is now (with the execution and the evaluation as they
    go), or approved version ``number`` exactly as it was kept."""
    if number is None:
        return numbered(build())
    kept = _kept_version(project, number)
    stored = _kept_docx("implementation_approval", kept.approval_id, now=now)
    return Export(stored.filename, stored.content, stored.sha256)


def implementation_pdf(project: Project, build: Callable[[], Export],
                       number: int | None = None, *, now: bool = False) -> Export:
    if number is None:
        return as_pdf(build())
    docx = _kept_version(project, number)
    stored = _kept_pdf("implementation_approval", docx.approval_id,
                       lambda: Export(docx.filename, docx.content), now=now)
    return Export(stored.filename, stored.content, stored.sha256)


def approval_pdf(approval: ImplementationApproval) -> Export:
    """The PDF/A of an approval's kept implementation plan, made now where it is not yet (a
    job that sends it elsewhere waits for it)."""
    stored = _kept_pdf("implementation_approval", approval.id,
                       lambda: _find(ImplementationDocument, approval.id, "docx"), now=True)
    return Export(stored.filename, stored.content, stored.sha256)


def kept_with(sha256: str) -> list[PlanDocument | ImplementationDocument]:
    """The kept documents whose stored bytes have this SHA-256."""
    found: list[PlanDocument | ImplementationDocument] = list(db.session.scalars(
        select(PlanDocument).where(PlanDocument.sha256 == sha256)))
    return found + list(db.session.scalars(select(ImplementationDocument).where(
        ImplementationDocument.sha256 == sha256)))
