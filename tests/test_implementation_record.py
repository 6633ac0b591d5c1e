"""The approved implementation plan as a record: kept at approval, given unchanged with an ETag,
signed with the approver, the time, the version and its line in the audit trail, and
verifiable by its SHA-256 from the command line."""

from __future__ import annotations

import hashlib
from io import BytesIO

from docx import Document
from test_implementation import approve_all, base, clients, lock_version, plan, team  # noqa: F401

from wasstraat import jobs
from wasstraat.config import JobQueue
from wasstraat.exports import pdf
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, ImplementationDocument, User
from wasstraat.workflow import Role


def download(client, team, version: int | None = 1):
    """An approved version as kept (None: the plan as it is now)."""
    query = f"?version={version}" if version else ""
    return client.get(f"/projects/{team.project.id}/documents/implementation-plan.docx{query}")


def text_of(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_approved_plan_is_kept_and_given_unchanged(team, clients, plan):
    approve_all(team, clients, plan)
    [kept] = db.session.scalars(db.select(ImplementationDocument)).all()
    assert kept.format == "docx" and kept.filename.endswith("-v1.docx")
    sponsor = clients[Role.SPONSOR]
    first = download(sponsor, team)
    assert first.data == kept.content
    assert first.headers["ETag"].strip('"') == hashlib.sha256(kept.content).hexdigest()
    again = sponsor.get(f"/projects/{team.project.id}/documents/implementation-plan.docx"
                        "?version=1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # Names change afterwards; the signed record does not.
    owner = db.session.get(User, team[Role.PROCESS_OWNER].id)
    owner.name = "Een andere naam"
    db.session.commit()
    assert download(sponsor, team).data == first.data


def test_the_record_is_signed_with_version_time_and_audit_reference(team, clients, plan):
    approve_all(team, clients, plan)
    text = text_of(download(clients[Role.SPONSOR], team).data)
    event = db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action == "implementation.approve"))
    assert "Vastgesteld door" in text and "(proceseigenaar)" in text
    assert "Datum en tijd" in text and f"#{event}" in text
    assert "Versie: 1" in text


def test_a_plan_changed_after_approval_is_a_concept_again(team, clients, plan):
    approve_all(team, clients, plan)
    owner = clients[Role.PROCESS_OWNER]
    first = plan[next(iter(plan))]
    assert owner.post(f"{base(team)}/items/{first}/move",
                      data={"to": "3", "version": lock_version(team)}).status_code == 303
    response = download(clients[Role.SPONSOR], team, None)
    assert "ETag" not in response.headers
    assert "heeft dit plan (in deze vorm) nog niet" in text_of(response.data)
    # Approved again: a second version, kept beside the first.
    assert owner.post(f"{base(team)}/approve").status_code == 303
    names = sorted(d.filename for d in db.session.scalars(db.select(ImplementationDocument)))
    assert [n[-8:] for n in names] == ["-v1.docx", "-v2.docx"]
    page = clients[Role.SPONSOR].get(base(team)).get_data(as_text=True)
    assert "implementation-plan.docx?version=2" in page
    assert download(clients[Role.SPONSOR], team, 3).status_code == 404


def test_a_kept_file_is_verified_by_its_hash_and_a_changed_one_is_not(team, clients, plan,
                                                                     runner, tmp_path):
    approve_all(team, clients, plan)
    content = download(clients[Role.SPONSOR], team).data
    file = tmp_path / "implementatieplan.docx"
    file.write_bytes(content)
    result = runner.invoke(args=["documents", "verify", str(file)])
    assert result.exit_code == 0, result.output
    assert "-v1.docx" in result.output
    file.write_bytes(content + b" ")
    refused = runner.invoke(args=["documents", "verify", str(file)])
    assert refused.exit_code != 0 and "is not a document" in refused.output


def test_the_cli_writes_an_approved_version_as_kept(team, clients, plan, runner, tmp_path):
    approve_all(team, clients, plan)
    [kept] = db.session.scalars(db.select(ImplementationDocument)).all()
    owner = db.session.get(User, team[Role.PROCESS_OWNER].id)
    owner.name = "Een andere naam"  # the plan as it is now differs; version 1 does not
    db.session.commit()
    target = tmp_path / "v1.docx"
    result = runner.invoke(args=["export", "implementation-plan", str(team.project.id),
                                 "--version", "1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == kept.content
    missing = runner.invoke(args=["export", "implementation-plan", str(team.project.id),
                                  "--version", "2", "-o", str(tmp_path / "v2.docx")])
    assert missing.exit_code != 0 and "no approved implementation plan 2" in missing.output


def test_approval_has_the_records_pdf_made_by_a_job(team, clients, plan, app, monkeypatch):
    """The PDF/A of the approved plan is made away from the request (a worker, or a thread
    on the embedded default), from exactly the kept .docx."""
    asked: list[str] = []
    monkeypatch.setattr(jobs, "_in_a_thread", lambda _app, name, *work: asked.append(name))
    monkeypatch.setattr(pdf, "available", lambda: True)
    app.config.update(KEPT_PDF="job", JOB_QUEUE=JobQueue.IN_PROCESS)
    approve_all(team, clients, plan)
    [kept] = db.session.scalars(db.select(ImplementationDocument)).all()
    assert asked == [f"pdf-implementation_approval-{kept.approval_id}"]
