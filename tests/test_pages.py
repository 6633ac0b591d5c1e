"""The Word table of contents carries its page numbers when it leaves the app, so Word does not
ask a board member to update fields; an approved plan gets them once, with its PDF/A, and then
keeps those bytes."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from conftest import Team
from docx import Document
from docx.oxml.ns import qn
from test_plan_documents import approved_plan, needs_libreoffice
from test_plans import base, clients, team  # noqa: F401

from wasstraat import jobs
from wasstraat.config import JobQueue
from wasstraat.exports import archive, pdf
from wasstraat.extensions import db
from wasstraat.models import PlanDocument, PlanVersion
from wasstraat.workflow import Role

pytestmark = needs_libreoffice
SIGNED = "/documents/improvement-plan.docx?version=2"


@pytest.fixture
def numbering(app):
    app.config["TOC_PAGE_NUMBERS"] = "libreoffice"


def contents(docx: bytes) -> list[tuple[str, str]]:
    """(heading, the page its reference shows) for each line of the table of contents."""
    document = Document(BytesIO(docx))
    lines = []
    for paragraph in document.paragraphs:
        if not paragraph.style.name.startswith("TOC ") or paragraph.style.name == "TOC Heading":
            continue
        linked = [t.text for link in paragraph._p.iter(qn("w:hyperlink"))
                  for t in link.iter(qn("w:t"))]  # the number (if any), then the words
        shown = [t.text or "" for t in paragraph._p.iter(qn("w:t"))]
        lines.append((linked[-1], "".join(shown[len(linked):])))
    return lines


def asks_word_to_update(docx: bytes) -> bool:
    return Document(BytesIO(docx)).settings.element.find(qn("w:updateFields")) is not None


def page_text(laid_out: bytes, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
                          input=laid_out, capture_output=True, check=True).stdout.decode()


@pytest.mark.sqlite_only
def test_a_word_download_has_each_heading_on_the_page_its_contents_say(
        team: Team, clients, numbering):
    approved_plan(team, clients)
    docx = clients[Role.SPONSOR].get(f"{base(team)}/documents/improvement-plan.docx").data
    lines = contents(docx)
    assert len(lines) > 10 and all(page.isdigit() for _heading, page in lines), lines
    assert not asks_word_to_update(docx)
    laid_out = pdf.to_pdf(docx)
    for heading, page in lines:
        words = re.sub(r"\s+", " ", page_text(laid_out, int(page)))
        assert heading in words, (heading, page)


def test_without_libreoffice_word_is_asked_to_fill_the_numbers(
        team: Team, clients, numbering, monkeypatch):
    approved_plan(team, clients)
    monkeypatch.setattr(pdf, "available", lambda: False)
    docx = clients[Role.SPONSOR].get(f"{base(team)}/documents/improvement-plan.docx").data
    assert asks_word_to_update(docx)
    assert {page for _heading, page in contents(docx)} == {""}


def test_a_signed_plan_is_numbered_once_and_then_keeps_its_bytes(
        team: Team, clients, numbering, runner, tmp_path):
    approved_plan(team, clients)
    kept = db.session.scalars(db.select(PlanDocument)).one()
    assert asks_word_to_update(kept.content)  # as kept at the approval
    first = clients[Role.SPONSOR].get(base(team) + SIGNED)
    assert not asks_word_to_update(first.data)
    assert all(page.isdigit() for _heading, page in contents(first.data))
    again = clients[Role.PROCESS_OWNER].get(base(team) + SIGNED)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    # Laid out once: the PDF/A of the same step, and the hash the command line verifies.
    formats = db.session.scalars(db.select(PlanDocument.format)).all()
    assert sorted(formats) == ["docx", "pdf"]
    file = tmp_path / "plan.docx"
    file.write_bytes(first.data)
    assert runner.invoke(args=["documents", "verify", str(file)]).exit_code == 0


def test_a_signed_plans_word_file_waits_for_its_layout_job(
        team: Team, clients, numbering, app, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(jobs, "_in_a_thread", lambda _app, name, *work: asked.append(name))
    app.config.update(KEPT_PDF="job", JOB_QUEUE=JobQueue.IN_PROCESS)
    approved_plan(team, clients)
    pending = clients[Role.SPONSOR].get(base(team) + SIGNED)
    assert pending.status_code == 503
    assert "wordt nog opgemaakt" in pending.get_data(as_text=True)
    version = db.session.scalar(db.select(PlanVersion).where(PlanVersion.number == 2))
    jobs._make_kept_pdf("plan_version", version.id)  # what the worker does
    laid_out = clients[Role.SPONSOR].get(base(team) + SIGNED)
    assert laid_out.status_code == 200 and not asks_word_to_update(laid_out.data)


def test_a_layout_that_keeps_failing_does_not_keep_the_signed_file_from_its_readers(
        team: Team, clients, numbering, app, monkeypatch):
    monkeypatch.setattr(jobs, "_in_a_thread", lambda *args: None)
    app.config.update(KEPT_PDF="job", JOB_QUEUE=JobQueue.IN_PROCESS)
    approved_plan(team, clients)
    kept = db.session.scalars(db.select(PlanDocument)).one()
    kept.created_at -= archive.LAYOUT_GRACE + timedelta(minutes=1)
    db.session.commit()

    def broken(_docx: bytes) -> bytes:
        raise pdf.ConversionFailed("LibreOffice failed")

    monkeypatch.setattr(pdf, "to_pdf", broken)
    response = clients[Role.SPONSOR].get(base(team) + SIGNED)
    assert response.status_code == 200 and response.data == kept.content
