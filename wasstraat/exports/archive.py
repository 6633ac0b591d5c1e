"""What was signed stays as it was: the .docx of an approved plan version is kept when the
process owner approves it, and its PDF/A is made once from exactly that file. Later downloads
of that version get these stored bytes, whatever changed in the project since (team members,
names, the house style)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import prepare_to_write
from ..extensions import db
from ..models import PlanDocument, PlanVersion, Project
from . import pdf
from .docx_base import options
from .improvement_plan import Export, export


def pdf_name(filename: str) -> str:
    return filename.removesuffix(".docx") + ".pdf"


def _stored(version: PlanVersion, fmt: str) -> PlanDocument | None:
    return db.session.scalar(select(PlanDocument).where(
        PlanDocument.plan_version_id == version.id, PlanDocument.format == fmt))


def _keep(version: PlanVersion, fmt: str, result: Export) -> PlanDocument:
    """Store once; when another request stored it first, theirs counts."""
    prepare_to_write(db.session)  # a download is a GET; its write must not be rolled back
    document = PlanDocument(plan_version_id=version.id, format=fmt, filename=result.filename,
                            content=result.content,
                            sha256=hashlib.sha256(result.content).hexdigest())
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:
        return _stored(version, fmt)
    return document


def keep_signed(project: Project, version: PlanVersion) -> None:
    """At approval: keep the .docx of the version just approved (in the same transaction)."""
    _keep(version, "docx", export(project, version, **options()))


def signed_docx(version: PlanVersion | None, build: Callable[[], Export]) -> Export:
    """The .docx of an approved version as signed (kept at approval; a version approved before
    documents were kept gets it on first need); the draft or a version not approved is built
    afresh each time."""
    if version is None or version.approval is None:
        return build()
    stored = _stored(version, "docx") or _keep(version, "docx", build())
    return Export(stored.filename, stored.content, stored.sha256)


def signed_pdf(version: PlanVersion | None, build: Callable[[], Export]) -> Export:
    """The PDF/A of a version (from its stored .docx when approved) or of the draft."""
    if version is None or version.approval is None:
        source = build()
        return Export(pdf_name(source.filename), pdf.to_pdf(source.content))
    stored = _stored(version, "pdf")
    if stored is None:
        source = signed_docx(version, build)
        stored = _keep(version, "pdf", Export(pdf_name(source.filename),
                                              pdf.to_pdf(source.content)))
    return Export(stored.filename, stored.content, stored.sha256)
