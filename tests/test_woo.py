"""Publishing under the Woo (issue 35): after the plan's approval and after the evaluation, the
role the organisation names prepares a publication; every name, e-mail address and passage of
free text is reviewed, each omission with its ground; a second person approves; the PDF/A has
the omissions in its text, not under a box; the DiWoo metadata meets the published schema; the
publicatiebank (its own OpenAPI document, served by Prism) receives a concept, the document
and then the publication; a withdrawal is recorded, never a delete."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
import zgw_mock
from conftest import login, put_in_step
from docx import Document

from wasstraat import demo
from wasstraat.demo import DEMO_PASSWORD
from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.models import (
    Project,
    Task,
    User,
    WooPublication,
    WooRedaction,
    WooSettings,
)
from wasstraat.woo import metadata, redaction, services
from wasstraat.workflow import (
    ONDERZOEKSRAPPORTEN,
    Role,
    Step,
    WooDocument,
    WooFinding,
    WooGround,
    WooState,
)

UTRECHT = "https://identifier.overheid.nl/tooi/id/gemeente/gm0344"


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": False, "GPP_TOKEN": "het-token-van-de-publicatiebank"}


@pytest.fixture
def completed(app) -> Project:
    """The demo's closed project, the organisation set up as publisher."""
    demo.load_demo()
    db.session.add(WooSettings(publisher_uri=UTRECHT, publisher_name="gemeente Utrecht",
                               preparer=Role.PROCESS_OWNER, gpp_root=""))
    db.session.commit()
    return db.session.scalar(db.select(Project).filter_by(name="Verhuizing doorgeven"))


def holder(project: Project, role: Role) -> User:
    return project.holders(role)[0]


def signed_in(make_client, user: User):
    client = make_client()
    login(client, user, DEMO_PASSWORD)
    return client


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


@pytest.mark.sqlite_only  # about the document and the review, not the database
def test_the_evaluation_is_published_after_a_second_person_approved_the_omissions(
        app, completed, make_client):
    owner, leader = holder(completed, Role.PROCESS_OWNER), holder(completed, Role.PROJECT_LEADER)
    officer = holder(completed, Role.PRIVACY_OFFICER)
    as_owner = signed_in(make_client, owner)
    page = as_owner.get(f"/projects/{completed.id}/woo")
    assert "Onderzoeksrapporten" in page.text and "Voorstel." in page.text
    response = as_owner.post(f"/projects/{completed.id}/woo/evaluation", data={
        "category": ONDERZOEKSRAPPORTEN, "title": "Evaluatie Verhuizing doorgeven"})
    assert response.status_code == 303
    publication = db.session.scalar(db.select(WooPublication))
    found = {(f.finding, f.text): f for f in publication.findings}
    assert found[(WooFinding.NAME, owner.name)].proposed is None  # a public role
    assert found[(WooFinding.NAME, leader.name)].proposed is WooGround.PRIVACY
    assert any(f.finding is WooFinding.PASSAGE for f in publication.findings)

    as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/submit",
                  data={"version": publication.version})
    refused = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/approve",
                            data={"version": publication.version + 1})
    assert refused.status_code == 403 and "vier ogen" in refused.text
    db.session.expire_all()
    as_officer = signed_in(make_client, officer)
    approved = as_officer.post(f"/projects/{completed.id}/woo/{publication.id}/approve",
                               data={"version": publication.version})
    assert approved.status_code == 303
    db.session.expire_all()
    assert publication.state is WooState.APPROVED
    text = pdf_text(publication.pdf)
    assert leader.name not in text and "[5.1.2e]" in text
    assert owner.name in text
    assert "@" not in text.replace("[", "")


def publish_through(client, project: Project, publication: WooPublication):
    return client.post(f"/projects/{project.id}/woo/{publication.id}/deliver",
                       data={"version": publication.version})


@pytest.mark.sqlite_only  # about the contract, not the database
def test_the_publicatiebank_gets_a_concept_its_document_in_parts_then_the_publication(
        app, completed, make_client, open_zaak):
    open_zaak.reset()
    settings = db.session.scalar(db.select(WooSettings))
    settings.gpp_root = open_zaak.root(zgw_mock.PUBLICATIEBANK)
    db.session.commit()
    owner, officer = holder(completed, Role.PROCESS_OWNER), holder(completed,
                                                                  Role.PRIVACY_OFFICER)
    publication = approved_publication(completed, make_client, owner, officer)

    as_owner = signed_in(make_client, owner)
    answer = publish_through(as_owner, completed, publication)
    assert answer.status_code == 303

    assert [(c.method, c.path, c.violations) for c in open_zaak.violations()] == []
    sent = [(c.method, c.path.split("/api/v2")[-1].split("/")[1]) for c in open_zaak.calls]
    assert sent[:4] == [("GET", "informatiecategorieen"), ("GET", "organisaties"),
                        ("POST", "publicaties"), ("POST", "documenten")]
    assert sent[-1] == ("PATCH", "publicaties")
    parts = [c for c in open_zaak.calls if c.method == "PUT"]
    assert len(parts) > 1  # the PDF/A in the parts the publicatiebank asked for
    concept = open_zaak.created("/publicaties")[0]
    assert concept.body["publicatiestatus"] == "concept"
    assert concept.claims == {"token": "het-token-van-de-publicatiebank"}
    assert open_zaak.calls[-1].body["publicatiestatus"] == "gepubliceerd"
    db.session.expire_all()
    assert publication.state is WooState.PUBLISHED
    assert publication.url.startswith("https://open.overheid.nl/publicaties/")
    assert publication.url in as_owner.get(f"/projects/{completed.id}").text

    withdrawn = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/withdraw",
                              data={"version": publication.version,
                                    "reason": "Er stond een naam in een bijlage."})
    assert withdrawn.status_code == 303
    assert open_zaak.calls[-1].body["publicatiestatus"] == "ingetrokken"
    db.session.expire_all()
    assert publication.state is WooState.WITHDRAWN  # recorded, not deleted
    assert publication.withdrawal_reason == "Er stond een naam in een bijlage."


def approved_publication(project: Project, make_client, redactor: User,
                         approver: User) -> WooPublication:
    as_redactor = signed_in(make_client, redactor)
    as_redactor.post(f"/projects/{project.id}/woo/evaluation", data={
        "category": ONDERZOEKSRAPPORTEN, "title": "Evaluatie Verhuizing doorgeven"})
    publication = db.session.scalar(db.select(WooPublication).order_by(
        WooPublication.id.desc()))
    as_redactor.post(f"/projects/{project.id}/woo/{publication.id}/submit",
                     data={"version": publication.version})
    db.session.expire_all()
    signed_in(make_client, approver).post(
        f"/projects/{project.id}/woo/{publication.id}/approve",
        data={"version": publication.version})
    db.session.expire_all()
    assert publication.state is WooState.APPROVED
    return publication


# --- The review's rules ------------------------------------------------------------------------

def prepare(client, project: Project, document: str = "evaluation", **data):
    return client.post(f"/projects/{project.id}/woo/{document}", data={
        "category": ONDERZOEKSRAPPORTEN, "title": "Evaluatie Verhuizing doorgeven", **data})


def test_the_plan_is_published_only_once_approved_and_only_by_the_named_role(
        create_project, login_as):
    team = create_project()
    as_owner = login_as(team[Role.PROCESS_OWNER])
    refused = prepare(as_owner, team.project, "plan")
    assert refused.status_code == 409
    assert "nadat het is goedgekeurd en stap 8 is afgerond" in refused.text
    assert db.session.scalar(db.select(db.func.count(WooPublication.id))) == 0
    assert prepare(login_as(team[Role.PROJECT_LEADER]), team.project, "plan").status_code == 403
    assert as_owner.post(f"/projects/{team.project.id}/woo/besluit").status_code == 404
    put_in_step(team.project, Step.IMPLEMENTATION_PLAN)  # step 8 done, yet nothing approved
    assert prepare(as_owner, team.project, "plan").status_code == 409


def test_an_administrator_may_name_another_role_to_prepare(create_project, login_as,
                                                          create_user):
    team = create_project()
    admin = login_as(create_user(admin=True))
    saved = admin.post("/admin/woo", data={
        "version": 0, "publisher_name": "gemeente Utrecht", "publisher_uri": UTRECHT,
        "preparer": "communication", "gpp_root": ""})
    assert saved.status_code == 303
    assert prepare(login_as(team[Role.PROCESS_OWNER]), team.project).status_code == 403
    # The communication adviser may now; the evaluation is not there yet (409, with why).
    answer = prepare(login_as(team[Role.COMMUNICATION]), team.project)
    assert answer.status_code == 409 and "nadat stap 10 is afgerond" in answer.text


def test_a_publisher_outside_the_tooi_list_is_refused_with_the_reason(client, login_as,
                                                                     create_user):
    admin = login_as(create_user(admin=True))
    answer = admin.post("/admin/woo", data={
        "version": 0, "publisher_name": "gemeente Nergens",
        "publisher_uri": "https://identifier.overheid.nl/tooi/id/gemeente/gm9999",
        "preparer": "process_owner", "gpp_root": "http://publicatiebank.example/api/v2"})
    assert answer.status_code == 422
    assert "TOOI-lijst" in answer.text and "Gebruik een https-adres." in answer.text
    assert db.session.scalar(db.select(db.func.count(WooSettings.id))) == 0


@pytest.mark.sqlite_only  # about the review, not the database
def test_the_redactor_may_not_approve_and_an_added_passage_must_be_in_the_document(
        app, completed, make_client):
    owner, officer = holder(completed, Role.PROCESS_OWNER), holder(completed,
                                                                  Role.PRIVACY_OFFICER)
    as_owner = signed_in(make_client, owner)
    prepare(as_owner, completed)
    publication = db.session.scalar(db.select(WooPublication))
    task = db.session.scalar(db.select(Task).filter_by(origin="woo"))
    assert task.assignee_id == owner.id and task.done_at is None  # the review is a task
    assert f"/projects/{completed.id}/woo/{publication.id}" in as_owner.get("/tasks").text

    absent = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/passages", data={
        "version": publication.version, "text": "Dit staat nergens", "ground": "5.1.2e"})
    assert absent.status_code == 422 and "niet letterlijk in het document" in absent.text
    typed = next(f.text for f in publication.findings if f.finding is WooFinding.PASSAGE)
    added = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/passages", data={
        "version": publication.version, "text": typed, "ground": "5.2.1"})
    assert added.status_code == 303
    db.session.expire_all()
    stale = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/redactions",
                          data={"version": publication.version - 1})
    assert stale.status_code == 409  # someone changed the findings since

    # The officer decides one finding too: now neither of them may approve.
    name = next(f for f in publication.findings if f.finding is WooFinding.NAME)
    as_officer = signed_in(make_client, officer)
    officer_in_owner_role = as_officer.post(
        f"/projects/{completed.id}/woo/{publication.id}/redactions",
        data={"version": publication.version, f"ground_{name.id}": "5.1.2e"})
    assert officer_in_owner_role.status_code == 403  # deciding is the preparer's
    as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/submit",
                  data={"version": publication.version})
    db.session.expire_all()
    own = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/approve",
                        data={"version": publication.version})
    assert own.status_code == 403 and "vier ogen" in own.text
    assert as_officer.post(f"/projects/{completed.id}/woo/{publication.id}/approve",
                           data={"version": publication.version}).status_code == 303
    db.session.expire_all()
    assert typed not in pdf_text(publication.pdf) and "[5.2.1]" in pdf_text(publication.pdf)
    assert task.done_at is not None  # the approval finished the redaction task


@pytest.mark.sqlite_only
def test_the_zip_package_holds_the_pdf_and_metadata_valid_against_the_diwoo_schema(
        app, completed, make_client):
    owner, officer = holder(completed, Role.PROCESS_OWNER), holder(completed,
                                                                  Role.PRIVACY_OFFICER)
    publication = approved_publication(completed, make_client, owner, officer)
    as_owner = signed_in(make_client, owner)
    answer = as_owner.get(f"/projects/{completed.id}/woo/{publication.id}/package.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(answer.data))
    names = sorted(bundle.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["pdf", "xml"]
    xml = bundle.read(names[1])
    metadata.schema().validate(xml.decode())  # raises on anything the XSD refuses
    decoded = metadata.schema().to_dict(xml.decode())["diwoo:DiWoo"]
    assert decoded["diwoo:publisher"]["@resource"] == UTRECHT
    assert decoded["diwoo:classificatiecollectie"]["diwoo:informatiecategorieen"][
        "diwoo:informatiecategorie"][0]["@resource"] == ONDERZOEKSRAPPORTEN
    handling = decoded["diwoo:documenthandelingen"]["diwoo:documenthandeling"][0]
    assert handling["diwoo:soortHandeling"]["$"] == "vaststelling"
    assert bundle.read(names[0]) == publication.pdf

    recorded = as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/published", data={
        "version": publication.version, "url": "https://open.overheid.nl/documenten/abc"})
    assert recorded.status_code == 303
    db.session.expire_all()
    assert publication.state is WooState.PUBLISHED
    assert publication.url == "https://open.overheid.nl/documenten/abc"


@pytest.mark.sqlite_only  # about the contract, not the database
def test_a_publicatiebank_failure_midway_then_a_retry_creates_nothing_twice(
        app, completed, make_client, open_zaak):
    open_zaak.reset()
    db.session.scalar(db.select(WooSettings)).gpp_root = open_zaak.root(zgw_mock.PUBLICATIEBANK)
    db.session.commit()
    owner, officer = holder(completed, Role.PROCESS_OWNER), holder(completed,
                                                                  Role.PRIVACY_OFFICER)
    publication = approved_publication(completed, make_client, owner, officer)
    open_zaak.fail("POST", "/documenten", 500)
    as_owner = signed_in(make_client, owner)
    failed = publish_through(as_owner, completed, publication)
    assert failed.status_code == 503 and "publicatiebank gaf een fout (500)" in failed.text
    db.session.expire_all()
    assert publication.state is WooState.APPROVED and publication.gpp_publication

    assert publish_through(as_owner, completed, publication).status_code == 303
    assert len(open_zaak.created("/publicaties")) == 1
    assert len(open_zaak.created("/documenten")) == 1
    assert open_zaak.violations() == []


def test_the_publication_page_reads_the_same_with_many_findings(
        create_project, login_as, count_queries):
    team = create_project()
    publication = WooPublication(project_id=team.project.id, document="evaluation",
                                 category=ONDERZOEKSRAPPORTEN, title="Evaluatie",
                                 source=b"", source_sha256="0" * 64)
    db.session.add(publication)
    db.session.commit()
    client = login_as(team[Role.PROCESS_OWNER])
    path = f"/projects/{team.project.id}/woo/{publication.id}"

    def grow(count: int) -> None:
        for n in range(count):
            publication.findings.append(WooRedaction(
                finding=WooFinding.NAME, text=f"Medewerker {n}", proposed=WooGround.PRIVACY,
                ground=WooGround.PRIVACY, user_id=team[Role.SUBJECT_EXPERT].id,
                decided_by_id=team[Role.PROCESS_OWNER].id))
        db.session.commit()

    grow(2)
    client.get(path)
    small = count_queries(lambda: client.get(path))
    grow(20)
    assert count_queries(lambda: client.get(path)) == small <= 12


@pytest.mark.sqlite_only
def test_the_approved_plan_proposes_to_keep_deciders_and_hide_staff_and_specialists(
        app, completed, make_client):
    as_owner = signed_in(make_client, holder(completed, Role.PROCESS_OWNER))
    page = as_owner.get(f"/projects/{completed.id}/woo")
    assert "Voorstel. Informatie die niet valt onder" in page.text  # art. 3.1 for the plan
    assert "De dichtstbijzijnde categorie van art. 3.3." in page.text
    assert prepare(as_owner, completed, "plan", title="Verbeterplan").status_code == 303
    publication = db.session.scalar(db.select(WooPublication))
    assert publication.plan_version_id is not None  # exactly the approved version
    proposals = {f.user_id: f.proposed for f in publication.findings
                 if f.finding is WooFinding.NAME}
    assert proposals[holder(completed, Role.SPONSOR).id] is None
    assert proposals[holder(completed, Role.PRIVACY_OFFICER).id] is WooGround.OPINION
    assert proposals[holder(completed, Role.SUBJECT_EXPERT).id] is WooGround.PRIVACY
    again = prepare(as_owner, completed, "plan", title="Verbeterplan")
    assert again.status_code == 409 and "loopt al een publicatie" in again.text


def test_an_omission_is_taken_out_of_every_part_of_the_document_even_across_runs():
    document = Document()
    paragraph = document.add_paragraph("Gesprek met ")
    paragraph.add_run("Anna").bold = True
    paragraph.add_run(" de Boer (anna@gemeente.nl) over de wachttijd.")
    document.sections[0].header.paragraphs[0].text = "Opgesteld door Anna de Boer"
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Anna de Boer, privacy"
    document.core_properties.author = "Anna de Boer"
    source = io.BytesIO()
    document.save(source)

    lines = redaction.paragraphs(source.getvalue())
    assert redaction.emails(lines) == ["anna@gemeente.nl"]
    redacted = redaction.redact(source.getvalue(), [("Anna de Boer", "[5.1.2e]"),
                                                    ("anna@gemeente.nl", "[5.1.2e]")])
    text = "\n".join(redaction.paragraphs(redacted))
    assert "Anna" not in text and "anna@" not in text
    assert "Gesprek met [5.1.2e] ([5.1.2e]) over de wachttijd." in text
    assert "Opgesteld door [5.1.2e]" in text and "[5.1.2e], privacy" in text
    assert Document(io.BytesIO(redacted)).core_properties.author == "[5.1.2e]"


@pytest.mark.sqlite_only
def test_the_evaluation_waits_for_step_10_while_the_approved_plan_may_go(app, municipality,
                                                                        make_client):
    parking = db.session.get(Project, municipality["Aanvraag parkeervergunning bewoners"])
    as_owner = signed_in(make_client, holder(parking, Role.PROCESS_OWNER))
    early = prepare(as_owner, parking)
    assert early.status_code == 409 and "nadat stap 10 is afgerond" in early.text
    with pytest.raises(InvalidInput):  # the service knows the categories, not only the form
        services.prepare(parking, holder(parking, Role.PROCESS_OWNER),
                         document=WooDocument.PLAN, category="https://example.org/c", title="T")
    assert prepare(as_owner, parking, "plan", title="Verbeterplan").status_code == 303


def test_whoever_decided_a_line_or_submitted_may_not_approve():
    decider, submitter, other = User(id=1), User(id=2), User(id=3)
    publication = WooPublication(submitted_by_id=submitter.id, findings=[
        WooRedaction(finding=WooFinding.NAME, text="A", decided_by_id=decider.id),
        WooRedaction(finding=WooFinding.EMAIL, text="a@b.nl")])
    assert services.four_eyes_problem(publication, decider) is not None
    assert services.four_eyes_problem(publication, submitter) is not None
    assert services.four_eyes_problem(publication, other) is None


@pytest.mark.sqlite_only
def test_an_approval_is_refused_when_a_redacted_word_would_still_be_in_the_text(
        app, completed, make_client, monkeypatch):
    owner, officer = holder(completed, Role.PROCESS_OWNER), holder(completed,
                                                                  Role.PRIVACY_OFFICER)
    as_owner = signed_in(make_client, owner)
    prepare(as_owner, completed)
    publication = db.session.scalar(db.select(WooPublication))
    as_owner.post(f"/projects/{completed.id}/woo/{publication.id}/submit",
                  data={"version": publication.version})
    db.session.expire_all()
    monkeypatch.setattr(redaction, "redact", lambda source, omissions: source)  # a broken one
    refused = signed_in(make_client, officer).post(
        f"/projects/{completed.id}/woo/{publication.id}/approve",
        data={"version": publication.version})
    assert refused.status_code == 409 and "Niet alles wat weg moest" in refused.text
    db.session.expire_all()
    assert publication.state is WooState.SUBMITTED and publication.pdf is None


@pytest.mark.sqlite_only
def test_the_avg_anonymisation_takes_the_names_out_of_a_publications_review(
        app, completed, make_client, runner):
    prepare(signed_in(make_client, holder(completed, Role.PROCESS_OWNER)), completed)
    leader = holder(completed, Role.PROJECT_LEADER)
    publication = db.session.scalar(db.select(WooPublication))
    assert leader.name in {f.text for f in publication.findings}
    closed = completed.step_state(Step.EXECUTION)
    closed.closed_at = closed.closed_at.replace(year=closed.closed_at.year - 8)
    app.config.update(RETENTION_MONTHS=84, RETENTION_ACTION="anonymise")
    db.session.commit()

    assert runner.invoke(args=["retention", "run"]).exit_code == 0
    db.session.expire_all()
    personal = {f.text for f in publication.findings
                if f.finding in (WooFinding.NAME, WooFinding.EMAIL)}
    assert personal == {"Geanonimiseerd"}
    assert any(f.finding is WooFinding.PASSAGE and f.text != "Geanonimiseerd"
               for f in publication.findings)  # what the organisation wrote stays
