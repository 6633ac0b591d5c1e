"""The plans as documents a municipality signs: the house style shipped as a reference .docx,
the decision document's chapters, figures with alt text, a hostile data set, and the PDF/A
that keeps what was signed."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import time
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from conftest import OFFICE_HOURS, Team
from docx import Document
from docx.oxml.ns import qn
from test_exports import (
    _sections_of_tables,
    assert_a4_within_margins,
    open_docx,
    put_in_step,
    sections_of,
)
from test_plans import (  # noqa: F401
    base,
    clients,
    open_review,
    plan_entry,
    plan_version,
    respond_to_all,
    reviewed_plan,
    send_plan,
    sign,
)

from wasstraat import jobs
from wasstraat.config import JobQueue
from wasstraat.exports import glossary, house_style, pdf
from wasstraat.extensions import db
from wasstraat.models import (
    ImplementationContribution,
    ImplementationItem,
    ImplementationOrder,
    Improvement,
    Kpi,
    KpiMeasurement,
    OrganisationSettings,
    PlanDocument,
    PlanVersion,
    Review,
    ReviewFinding,
    User,
    utcnow,
)
from wasstraat.plans import services as plans
from wasstraat.workflow import Role, Step

needs_libreoffice = pytest.mark.skipif(not pdf.available(), reason="needs LibreOffice")
ARABIC, EMOJI, OVERRIDE = "مرحبا بالعالم", "🚲😀", "\u202eesrever\u202c"
IMPROVEMENT_PLAN_CHAPTERS = (
    "Versiegeschiedenis", "Samenvatting", "Aanleiding, doel en afbakening", "Het team", "KPI's",
    "Bevindingen", "Het huidige proces", "De klantreis", "De serviceformule", "Verbeteringen",
    "Snelle verbeteringen", "Lange termijn", "Advies van de specialisten", "Risico's en voorwaarden",
    "Besluit", "Bijlage A. Afkortingen en begrippen", "Bijlage B. De wasstraat-methode")


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def test_the_shipped_reference_defines_every_style_and_matches_its_source():
    """A municipality starts its own template from reference.docx; it must hold every style
    the exports use, as house_style.py defines them (`flask docx-reference` rewrites it)."""
    shipped = Document(str(house_style.REFERENCE))
    names = {style.name for style in shipped.styles}
    assert set(house_style.STYLES_USED) <= names
    # Each style the exports use, and the heading numbering, as house_style.py defines them
    # now (a style python-docx adds or changes that the exports do not use does not matter).
    built = house_style.build_reference()
    for name in house_style.STYLES_USED:
        assert shipped.styles[name].element.xml == built.styles[name].element.xml, \
            f"{name}: run `flask --app app docx-reference`"
    numbering = f'w:abstractNumId="{house_style.HEADING_NUMBERING_ID}"'
    for document in (shipped, built):
        assert numbering in document.part.numbering_part.element.xml
    section = shipped.sections[0]
    assert (round(section.page_width / 360000, 1), round(section.page_height / 360000, 1)) \
        == (21.0, 29.7)
    heading = shipped.styles["Heading 1"]
    assert heading.font.name == "Arial" and str(heading.font.color.rgb) == "1F3864"
    assert "w:numPr" in heading.element.xml  # numbered 1, 1.1, 1.1.1
    # Every text colour the styles set reads at 4.5:1 or better on white (WCAG AA), and the
    # table header's fill keeps black text readable.
    for name in house_style.STYLES_USED:
        colour = shipped.styles[name].font.color
        if colour is not None and colour.type is not None and colour.rgb is not None:
            assert contrast(str(colour.rgb), "FFFFFF") >= 4.5, name
    assert contrast("000000", house_style.HEADER_FILL) >= 4.5


def contrast(first: str, second: str) -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hostile_project(team: Team, improvements: int = 500, conditions: int = 0) -> None:
    """What a year of real use and a careless paste produce: hundreds of improvements, line
    breaks as a browser sends them, long texts, emoji, Arabic, direction overrides, a planning
    of thirty months, KPIs measured after."""
    put_in_step(team, Step.ADJUST)
    project = team.project
    kpi = Kpi(project_id=project.id, name=f"Doorlooptijd {EMOJI}", unit="dagen",
              direction="lower", baseline_value=21, target_value=5,
              definition="Dagen van aanvraag\r\ntot besluit", baseline_source=ARABIC)
    db.session.add(kpi)
    db.session.flush()
    long_text = ("Een lange omschrijving met veel woorden " * 60)[:2000]
    for n in range(improvements):
        row = Improvement(
            project_id=project.id, step=6, source_type="step", source_id=6,
            title=(f"Verbetering {n} {EMOJI} {ARABIC} {OVERRIDE} " + "x" * 200)[:200],
            description=f"Regel een\r\nregel twee {OVERRIDE}\r{long_text}" if n % 50 == 0
            else "Korte omschrijving", decision="in_plan",
            horizon="quick_win" if n % 3 == 0 else "long_term", impact=n % 5 + 1,
            effort=(n * 7) % 5 + 1, cost_estimate=1000 + n if n % 4 else None,
            recurring_cost=100 if n % 10 == 0 else None)
        row.kpis = [kpi] if n % 2 else []
        db.session.add(row)
    db.session.flush()
    version = plans.make_final(project, team[Role.PROJECT_LEADER], [])
    if conditions:
        privacy_conditions(version, conditions)
    db.session.commit()


def privacy_conditions(version: PlanVersion, count: int) -> None:
    """A signed privacy review that sets a condition on ``count`` improvements."""
    review = Review(project_id=version.project_id, plan_version_id=version.id,
                    domain="privacy", verdict="conditional", motivation="Grondslag nodig.",
                    conditions="Pas de privacyverklaring aan.")
    db.session.add(review)
    db.session.flush()
    for entry in version.snapshot["improvements"][:count]:
        db.session.add(ReviewFinding(review_id=review.id, improvement_id=entry["id"],
                                     improvement_title=entry["title"], remark="Grondslag?",
                                     condition=f"Grondslag vastleggen ({entry['id']})."))
    db.session.flush()
    review.signed_at, review.signer_name = utcnow(), "Privacy officer"


def plan_for_thirty_months(team: Team) -> None:
    put_in_step(team, Step.EXECUTION)
    project = team.project
    db.session.add(ImplementationOrder(project_id=project.id))
    rows = [r for r in plans.board(project) if r.decision == "in_plan"][:40]
    for position, row in enumerate(rows, start=1):
        db.session.add(ImplementationItem(
            project_id=project.id, improvement_id=row.id, position=position,
            responsible_id=team[Role.TEAM_MANAGER].id, start_on=date(2027, 1, 1),
            end_on=date(2029, 6, 28 - position % 20), status="done" if position % 3 else
            "in_progress"))
    kpi = db.session.scalars(db.select(Kpi).where(Kpi.project_id == project.id)).first()
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=4, measured_on=date(2029, 9, 1),
                                  recorded_by_id=team[Role.PROCESS_OWNER].id))
    db.session.commit()


def figures_of(document: Document) -> list[tuple[str, str]]:
    """(title, alt text) of every picture in the document."""
    return [(p.get("title"), p.get("descr")) for p in document.element.body.iter(qn("wp:docPr"))]


def assert_printable(document: Document) -> None:
    """A4, tables within the margins, no character XML or a reader should not see, every
    figure described."""
    assert_a4_within_margins(document)
    xml = document.element.body.xml
    assert "\r" not in xml and "\u202e" not in xml and "\u202c" not in xml
    # Spacing comes from the styles: no empty paragraph except the one a section break needs.
    for paragraph in document.element.body.iterchildren(qn("w:p")):
        assert (paragraph.xpath("string(.)").strip() or paragraph.find(".//" + qn("w:drawing"))
                is not None or paragraph.find(".//" + qn("w:sectPr")) is not None)
    assert ARABIC in xml and EMOJI in xml
    for title, alt in figures_of(document):
        assert title.startswith("Figuur") and len(alt) > 40, (title, alt)


def test_a_hostile_plan_of_500_improvements_prints_whole_and_in_order(team, login_as):
    hostile_project(team, conditions=126)
    client = login_as(team[Role.SPONSOR])
    final = open_docx(client.get(f"{base(team)}/documents/improvement-plan.docx?version=1"))
    draft = open_docx(client.get(f"{base(team)}/documents/improvement-plan.docx"))
    for document in (final, draft):
        assert_printable(document)
        sections = sections_of(document)
        assert [c for c in IMPROVEMENT_PLAN_CHAPTERS if c not in sections] == []
    assert "CONCEPT — niet vastgesteld" in draft.sections[0].header.paragraphs[0].text
    assert "concept" in draft.sections[0].footer.paragraphs[0].text
    assert final.core_properties.comments == "Versie 1, status Definitief"

    # Every improvement once, numbered V1..V500, quick wins first.
    numbered = [(row.cells[0].text, row.cells) for table in final.tables
                if table.rows[0].cells[0].text == "Nr" and len(table.columns) == 7
                for row in table.rows[1:]]
    assert [n for n, _cells in numbered] == [f"V{n}" for n in range(1, 501)]
    # The matrix names the same numbers as the tables: its alt text lists those with high
    # impact and little effort, which the tables show as impact >= 4 and effort <= 2.
    corner = [n for n, cells in numbered
              if int(cells[3].text[0]) >= 4 and int(cells[4].text[0]) <= 2]
    (matrix_alt,) = [alt for title, alt in figures_of(final) if "Impact tegen" in title]
    assert f"Hoge impact bij weinig inspanning: {', '.join(corner[:20])} en meer." in matrix_alt
    assert "met 500 verbeteringen, waarvan 167 snelle verbeteringen" in matrix_alt

    summary = "\n".join(p.text for p in final.paragraphs)
    one_off = sum(1000 + n for n in range(500) if n % 4)
    assert f"Eenmalige kosten: €\u00a0{one_off:,}".replace(",", ".") + \
        " (geraamd voor 375 van de 500 verbeteringen; nog niet geraamd: V1, V5, V9, V13, V17 " \
        "en 120 meer)" in summary
    assert "Structurele kosten: €\u00a05.000 per jaar (geraamd voor 50 van de 500" in summary
    kpi_lines = sections_of(final)["KPI's"]
    assert "Dagen van aanvraag" in kpi_lines and "tot besluit" in kpi_lines

    # The 126 conditions are a table to scan, and no bullet lists hundreds of numbers.
    (conditions,) = [t for t in final.tables if [c.text for c in t.rows[0].cells] == [
        "Specialist", "Verbetering", "Voorwaarde"]]
    assert len(conditions.rows) == 1 + 1 + 126
    assert conditions.rows[1].cells[1].text == "het hele plan"
    bullets = [p.text for p in final.paragraphs if p.style.name == "List Bullet"]
    assert max(len(re.findall(r"\bV\d+", b)) for b in bullets) <= 20
    assert "Nog niet geraamd: V1, V5, V9" in "\n".join(bullets)


def test_a_thirty_month_plan_gets_a_gantt_chart_and_the_results_beside_the_targets(team,
                                                                                    login_as):
    hostile_project(team, improvements=60)
    plan_for_thirty_months(team)
    document = open_docx(login_as(team[Role.TEAM_MANAGER]).get(
        f"{base(team)}/documents/implementation-plan.docx"))
    assert_printable(document)
    titles = [title for title, _alt in figures_of(document)]
    gantt = [t for t in titles if t.startswith("Figuur") and "Planning van januari 2027 tot "
             "en met juni 2029" in t]
    assert len(gantt) == 2 and "(deel 2 van 2)" in gantt[1]  # 40 rows, 30 to a chart
    assert any("nulmeting, doel en nameting" in t for t in titles)
    alts = dict(figures_of(document))
    assert "Doorlooptijd 🚲😀: nulmeting 21, doel 5, nameting 4 dagen" in " ".join(alts.values())
    months = [cell.text for table, _s in _sections_of_tables(document)
              if "Planning per maand" in table._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))
              for cell in table.rows[0].cells[1:]]
    assert len(months) == 30
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Voert uit: verbeterplan versie 1" in text


def test_an_organisations_template_keeps_its_styles_and_footer_and_gains_what_it_lacks(
        team, login_as, app, tmp_path):
    from docx.enum.style import WD_STYLE_TYPE

    template = Document()
    template.styles.add_style("Huisstijl Gemeente", WD_STYLE_TYPE.PARAGRAPH)
    template.add_paragraph("Voorbeeldtekst uit het sjabloon")
    template.sections[0].footer.paragraphs[0].text = "Gemeente Voorbeeld · Postbus 1"
    path = tmp_path / "huisstijl.docx"
    template.save(str(path))
    app.config["DOCX_TEMPLATE"] = str(path)
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    document = open_docx(login_as(team[Role.SPONSOR]).get(
        f"{base(team)}/documents/improvement-plan.docx"))
    footer = [p.text for p in document.sections[0].footer.paragraphs]
    assert footer[0] == "Gemeente Voorbeeld · Postbus 1"
    assert footer[1].startswith("Verbeterplan Aanvraag parkeervergunning · versie concept")
    assert "Voorbeeldtekst" not in "\n".join(p.text for p in document.paragraphs)
    assert {"Huisstijl Gemeente", "Table Text", "TOC 1", "Caption"} <= {
        s.name for s in document.styles}


def test_recurring_costs_are_entered_checked_and_summed(team, clients):
    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve

    put_in_step(team, Step.IMPROVEMENT_PLAN)
    row = improvements.add_improvement(team.project, team[Role.SUBJECT_EXPERT],
                                       resolve(team.project, "step", 6), title="RDW-koppeling",
                                       description="", proposer_id=None)
    db.session.commit()
    advisor = clients[Role.PROCESS_ADVISOR]
    refused = plan_entry(advisor, team, row.id, recurring_cost="-5")
    assert refused.status_code == 422
    assert "Vul een bedrag tussen 0 en 100.000.000 in." in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.recurring_cost is None
    assert plan_entry(advisor, team, row.id, cost_estimate="18000",
                      recurring_cost="2400").status_code == 303
    db.session.refresh(row)
    assert (row.cost_estimate, row.recurring_cost) == (18000, 2400)
    summary = "\n".join(p.text for p in open_docx(advisor.get(
        f"{base(team)}/documents/improvement-plan.docx")).paragraphs)
    assert "Structurele kosten: €\u00a02.400 per jaar" in summary
    assert "eenmalig €\u00a018.000, structureel €\u00a02.400 per jaar" in summary


def test_goal_scope_and_risks_are_plan_texts_that_do_not_disturb_older_versions(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    db.session.add(Improvement(project_id=team.project.id, step=6, source_type="step",
                               source_id=6, title="Statusbericht", decision="in_plan",
                               horizon="quick_win", impact=4, effort=2))
    plan = plans.plan_of(team.project)
    plan.scope = plan.risks = ""  # as every plan was before these texts existed
    db.session.flush()
    data = plans.current_snapshot(team.project)  # frozen then (sending needs them now)
    frozen = PlanVersion(project_id=team.project.id, number=1, is_final=False, snapshot=data,
                         fingerprint=plans.fingerprint(data),
                         created_by_id=team[Role.PROJECT_LEADER].id)
    db.session.add(frozen)
    db.session.commit()
    # A version frozen before the new texts existed keeps matching the unchanged draft.
    assert "scope" not in frozen.snapshot["texts"]
    assert not plans.plan_state(team.project).draft_changed
    leader = clients[Role.PROJECT_LEADER]
    assert leader.post(f"{base(team)}/plan/texts", data={
        "version": plan_version(team), "scope": "Alleen bewonersvergunningen",
        "risks": "De aanbesteding kan uitlopen"}).status_code == 303
    assert plans.plan_state(team.project).draft_changed
    sections = sections_of(open_docx(leader.get(
        f"{base(team)}/documents/improvement-plan.docx")))
    assert "Alleen bewonersvergunningen" in sections["Doel en afbakening"]
    assert "De aanbesteding kan uitlopen" in sections["Risico's en voorwaarden"]


def test_the_teams_line_breaks_and_paragraphs_stay_in_the_document(team, clients):
    """A line break the team typed stays a break, a blank line starts a new paragraph (they
    used to be glued: "Risico een.Risico twee")."""
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    leader = clients[Role.PROJECT_LEADER]
    assert leader.post(f"{base(team)}/plan/texts", data={
        "version": plan_version(team), "risks": "Risico een.\r\nRisico twee na Enter.\r\n\r\nTweede alinea.",
    }).status_code == 303
    document = open_docx(leader.get(f"{base(team)}/documents/improvement-plan.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "Risico een.\nRisico twee na Enter." in texts
    assert "Tweede alinea." in texts
    assert not any("Risico een.Risico twee" in t for t in texts)


def test_the_version_sent_for_review_says_so_on_its_cover(team, clients):
    reviews = reviewed_plan(team, clients)
    assert reviews["ids"]
    leader = clients[Role.PROJECT_LEADER]
    sent = open_docx(leader.get(f"{base(team)}/documents/improvement-plan.docx?version=1"))
    cover = "\n".join(p.text for p in sent.paragraphs[:25])
    assert "Ter toetsing" in cover and "Concept" not in cover
    draft = open_docx(leader.get(f"{base(team)}/documents/improvement-plan.docx"))
    assert "Concept" in "\n".join(p.text for p in draft.paragraphs[:25])


def approved_plan(team: Team, clients: dict) -> None:
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/finalise").status_code == 303
    assert clients[Role.PROCESS_OWNER].post(f"{base(team)}/plan/versions/2/approve",
                                            data={"note": "Akkoord."}).status_code == 303


def test_what_the_process_owner_signed_is_kept_as_it_was(team, clients):
    approved_plan(team, clients)
    kept = db.session.scalars(db.select(PlanDocument)).one()
    assert kept.format == "docx" and kept.filename.endswith("-v2.docx")
    path = f"{base(team)}/documents/improvement-plan.docx?version=2"
    first = clients[Role.SPONSOR].get(path).data
    # The team changes afterwards; the signed document does not.
    owner = db.session.get(User, team[Role.PROCESS_OWNER].id)
    owner.name = "Nieuwe Naam"
    db.session.commit()
    again = clients[Role.SPONSOR].get(path).data
    assert hashlib.sha256(again).hexdigest() == kept.sha256 == hashlib.sha256(first).hexdigest()
    assert "Nieuwe Naam" not in "\n".join(p.text for p in Document(BytesIO(again)).paragraphs)
    draft = Document(BytesIO(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx").data))
    assert "Nieuwe Naam" in "\n".join(p.text for p in draft.paragraphs)


def test_no_pdf_is_offered_where_libreoffice_is_missing(team, clients, monkeypatch):
    monkeypatch.setenv("WASSTRAAT_SOFFICE", "/nonexistent/soffice")
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    client = clients[Role.SPONSOR]
    assert client.get(f"{base(team)}/documents/improvement-plan.pdf").status_code == 404
    page = client.get(f"{base(team)}/plan").get_data(as_text=True)
    assert "improvement-plan.docx" in page and "improvement-plan.pdf" not in page


@needs_libreoffice
def test_the_signed_plan_is_a_tagged_pdf_a_with_its_contents_filled(team, clients):
    approved_plan(team, clients)
    client = clients[Role.SPONSOR]
    path = f"{base(team)}/documents/improvement-plan.pdf?version=2"
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="verbeterplan-aanvraag-parkeervergunning-v2.pdf"' in \
        response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"%PDF")
    assert b"<pdfaid:part>2</pdfaid:part>" in data or b'pdfaid:part="2"' in data  # PDF/A-2
    assert b"/StructTreeRoot" in data  # tagged for assistive technology
    # Made once from the signed .docx and kept: the next download is the same file.
    assert client.get(path).data == data
    assert {d.format for d in db.session.scalars(db.select(PlanDocument))} == {"docx", "pdf"}
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                              capture_output=True, check=True).stdout.decode()
        contents = text.split("Inhoud", 1)[1].split("Versiegeschiedenis", 2)[1]
        # A line of the contents ends in the page number of its chapter.
        assert re.search(r"Samenvatting\.+\s*\d+", text), contents[:300]
    page = client.get(f"{base(team)}/plan").get_data(as_text=True)
    assert "improvement-plan.pdf?version=2" in page


@needs_libreoffice
def test_the_implementation_plan_comes_as_pdf_too(team, login_as):
    hostile_project(team, improvements=12)
    plan_for_thirty_months(team)
    response = login_as(team[Role.TEAM_MANAGER]).get(
        f"{base(team)}/documents/implementation-plan.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


@needs_libreoffice
def test_the_signed_plans_pdf_is_made_by_a_job_not_by_the_request_that_asks(
        team, clients, app, monkeypatch, runner, tmp_path):
    """No download waits on LibreOffice: approval sets off the job; a download before it ran
    hears so (503) and asks again; after the job, the kept bytes come."""
    asked: list[str] = []
    monkeypatch.setattr(jobs, "_in_a_thread", lambda _app, name, *work: asked.append(name))
    app.config.update(KEPT_PDF="job", JOB_QUEUE=JobQueue.IN_PROCESS)
    approved_plan(team, clients)
    version = db.session.scalar(db.select(PlanVersion).where(PlanVersion.number == 2))
    assert asked == [f"pdf-plan_version-{version.id}"]
    path = f"{base(team)}/documents/improvement-plan.pdf?version=2"
    pending = clients[Role.SPONSOR].get(path)
    assert pending.status_code == 503
    assert "wordt nog opgemaakt" in pending.get_data(as_text=True)
    assert len(asked) == 2  # asked again, in case the job was lost
    assert db.session.scalar(db.select(PlanDocument).where(
        PlanDocument.plan_version_id == version.id, PlanDocument.format == "pdf")) is None

    # The command line waits for it instead.
    written = tmp_path / "plan.pdf"
    result = runner.invoke(args=["export", "improvement-plan", str(team.project.id),
                                 "--version", "2", "--pdf", "-o", str(written)])
    assert result.exit_code == 0, result.output
    assert written.read_bytes().startswith(b"%PDF")
    db.session.execute(db.delete(PlanDocument).where(PlanDocument.format == "pdf"))
    db.session.commit()

    jobs._make_kept_pdf("plan_version", version.id)  # what the worker does
    kept = db.session.scalar(db.select(PlanDocument).where(
        PlanDocument.plan_version_id == version.id, PlanDocument.format == "pdf"))
    response = clients[Role.SPONSOR].get(path)
    assert response.status_code == 200 and response.data == kept.content
    assert response.data.startswith(b"%PDF")
    jobs._make_kept_pdf("plan_version", version.id)  # a second run keeps the one
    assert db.session.scalar(db.select(db.func.count(PlanDocument.id)).where(
        PlanDocument.plan_version_id == version.id, PlanDocument.format == "pdf")) == 1


def test_a_client_that_has_the_signed_document_is_not_sent_it_again(team, clients):
    approved_plan(team, clients)
    client = clients[Role.SPONSOR]
    path = f"{base(team)}/documents/improvement-plan.docx?version=2"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert etag.strip('"') == db.session.scalars(db.select(PlanDocument.sha256)).one()
    assert first.headers["Cache-Control"] == "no-store"  # browsers keep no copy
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # The draft changes whenever the plan does: no validator, always sent whole.
    assert "ETag" not in client.get(f"{base(team)}/documents/improvement-plan.docx").headers


def everything_in(document: Document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_under_mandate_the_process_owner_decides(team, clients):
    approved_plan(team, clients)
    signed = everything_in(open_docx(clients[Role.PROJECT_LEADER].get(
        f"{base(team)}/documents/improvement-plan.docx?version=2")))
    assert "De proceseigenaar (onder mandaat)" in signed
    assert "De proceseigenaar besluit, onder mandaat:" in signed
    assert "Besloten: goedgekeurd door" in signed and "Kenmerk van het besluit" not in signed


def test_where_a_board_decides_the_owners_approval_is_its_advice(team, clients):
    db.session.add(OrganisationSettings(plan_decider="management",
                                        portfolio_holder="Wethouder A. de Vries"))
    db.session.commit()
    approved_plan(team, clients)
    signed = everything_in(open_docx(clients[Role.PROJECT_LEADER].get(
        f"{base(team)}/documents/improvement-plan.docx?version=2")))
    assert "Het directieteam" in signed and "Wethouder A. de Vries" in signed
    assert "Het directieteam besluit:" in signed
    assert "legt het voor aan het directieteam." in signed
    assert "Op advies van de proceseigenaar stelt het directieteam het verbeterplan" in signed
    assert "Kenmerk van het besluit" in signed and "Besloten: goedgekeurd" not in signed


def test_the_plan_says_where_the_money_comes_from(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    db.session.add(Improvement(project_id=team.project.id, step=6, source_type="step",
                               source_id=6, title="Statusbericht", decision="in_plan",
                               horizon="quick_win", impact=4, effort=2, cost_estimate=4000))
    db.session.commit()
    leader = clients[Role.PROJECT_LEADER]
    unfunded = everything_in(open_docx(leader.get(
        f"{base(team)}/documents/improvement-plan.docx")))
    assert "Dekking: nog niet beschreven" in unfunded
    assert "De dekking is nog niet beschreven." in unfunded
    assert leader.post(f"{base(team)}/plan/texts", data={
        "version": plan_version(team), "funding": "Begrotingspost 6.1 Dienstverlening, 2027.\n"
                                 "Structureel vanaf 2028 in de kadernota."}).status_code == 303
    funded = everything_in(open_docx(leader.get(
        f"{base(team)}/documents/improvement-plan.docx")))
    assert "Dekking: Begrotingspost 6.1 Dienstverlening, 2027." in funded
    assert "dekking: Begrotingspost 6.1 Dienstverlening, 2027." in funded
    assert "Structureel vanaf 2028 in de kadernota." in funded


def test_the_version_history_says_what_changed_and_whether_the_specialists_saw_it(
        team, clients, login_as):
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    # After the review the team prices one improvement: the final version differs.
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, reviews["ids"][0],
                      cost_estimate="2500").status_code == 303
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/finalise").status_code == 303
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx?version=2"))
    history = document.tables[0]
    assert history.rows[0].cells[4].text == "Veranderd ten opzichte van de vorige versie"
    assert [r.cells[4].text for r in history.rows[1:]] == [
        "eerste versie", "1 verbetering gewijzigd; eenmalige kosten niet geraamd → €\u00a02.500"]
    said = everything_in(document)
    assert ("De specialisten toetsten versie 1. Daarna veranderde: 1 verbetering gewijzigd; "
            "eenmalige kosten niet geraamd → €\u00a02.500. Die wijzigingen zijn niet opnieuw door de "
            "specialisten getoetst") in said


def test_the_summary_gives_each_verdict_its_conditions_and_asks_for_the_dpia(team, clients):
    send_plan(team, clients)
    reviews = open_review(team, clients, ["privacy", "legal"])
    assert sign(clients[Role.PRIVACY_OFFICER], team, reviews["privacy"], verdict="conditional",
                conditions="Privacyverklaring aanpassen.\nEn het register bijwerken.",
                dpia_criteria=["sensitive_data", "matching"]).status_code == 303
    assert sign(clients[Role.LEGAL], team, reviews["legal"]).status_code == 303
    put_in_step(team, Step.ADJUST)
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx"))
    said = "\n".join(p.text for p in document.paragraphs)
    page = said.split("Samenvatting", 2)[2].split("Aanleiding, doel en afbakening")[0]
    assert ("Privacy (AVG): akkoord met voorwaarden, onder voorwaarde: Privacyverklaring "
            "aanpassen; een DPIA is nodig.") in page
    assert "Juridisch: akkoord." in page
    asked = page.split("Gevraagd besluit", 1)[1]
    assert "Een gegevensbeschermingseffectbeoordeling (DPIA) laten uitvoeren" in asked


def test_the_summary_plans_in_the_months_of_the_implementation_plan(team, login_as):
    hostile_project(team, improvements=12)
    plan_for_thirty_months(team)
    document = open_docx(login_as(team[Role.SPONSOR]).get(
        f"{base(team)}/documents/improvement-plan.docx"))
    said = "\n".join(p.text for p in document.paragraphs)
    assert ("Planning\nVolgens het implementatieplan: de snelle verbeteringen van januari 2027 "
            "tot en met juni 2029 en de verbeteringen voor de lange termijn van januari 2027 "
            "tot en met juni 2029.") in said


def test_the_glossary_lists_the_abbreviations_the_plan_uses_and_no_others(team, clients):
    send_plan(team, clients, titles=("Koppeling met de BRP", "Inloggen met DigiD"))
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx"))
    table = next(t for t in document.tables
                 if t.rows[0].cells[0].text == "Term" and t.rows[0].cells[1].text == "Betekenis")
    listed = [row.cells[0].text for row in table.rows[1:]]
    assert {"BRP", "DigiD", "V1, V2, …", "Woo"} <= set(listed)
    assert "RDW" in listed  # in the risks the team wrote
    assert "Wmo" not in listed and "eHerkenning" not in listed and "KCC" not in listed
    # Every term listed is used somewhere before the appendix.
    text = " ".join(document.element.body.itertext())
    body = text[:text.rindex("Bijlage A. Afkortingen en begrippen")]
    for term, _meaning, pattern in glossary.GLOSSARY:
        assert (term in listed) == bool(re.search(pattern, body)), term


def test_the_implementation_plan_has_what_a_board_funds(team, login_as):
    hostile_project(team, improvements=12)
    plan_for_thirty_months(team)
    manager = team[Role.TEAM_MANAGER]
    db.session.add(ImplementationContribution(
        project_id=team.project.id, author_id=manager.id, role=Role.TEAM_MANAGER,
        text="Twee medewerkers, elk vier uur per week, vanaf maart."))
    stuck = db.session.scalars(db.select(ImplementationItem).order_by(
        ImplementationItem.position)).first()
    stuck.status, stuck.blocked_reason = "blocked", "Wacht op de leverancier"
    for item, hours in zip(db.session.scalars(db.select(ImplementationItem).order_by(
            ImplementationItem.position)), (40, 1200, 8), strict=False):
        item.capacity_hours = hours
    db.session.commit()
    document = open_docx(login_as(manager).get(
        f"{base(team)}/documents/implementation-plan.docx"))
    assert_printable(document)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    for chapter in ("Mijlpalen en beslismomenten", "Kosten, baten en capaciteit",
                    "Risico's en maatregelen", "Betrokkenen en communicatie"):
        assert chapter in headings
    tables = {t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")).split(". ", 1)[1]: t
              for t in document.tables}
    milestones = [[c.text for c in r.cells] for r in
                  tables["Mijlpalen en beslismomenten, in de tijd"].rows[1:]]
    done = {what: day for day, what in milestones}
    assert done["De snelle verbeteringen gereed"].endswith("juni 2029")
    assert done["De verbeteringen voor de lange termijn gereed"].endswith("juni 2029")
    costs = tables["Kosten, capaciteit en verwachte baten per verbetering"]
    assert len(costs.rows) == 1 + 12 + 1
    assert [c.text for c in costs.rows[1].cells][3] == "40\u00a0uur"
    total = [c.text for c in costs.rows[-1].cells]
    assert total[0] == "Totaal" and total[1].startswith("€\u00a0") and "niet geraamd" in total[1]
    assert total[3] == "1.248\u00a0uur (9 niet geschat)"  # the team's hours, said honestly
    said = "\n".join(p.text for p in document.paragraphs)
    assert "Twee medewerkers, elk vier uur per week, vanaf maart." in said
    blocked = tables["Verbeteringen die nu vastlopen, met de reden"]
    assert blocked.rows[1].cells[1].text == "Wacht op de leverancier"
    assert f"Uitvoerenden: {manager.name} (12 verbeteringen)" in said
    assert "nog niet bevestigd (stap 10)" in said


def test_one_text_for_both_occasion_and_goal_is_said_once(team, login_as):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    plan = plans.plan_of(team.project)
    plan.context = plan.scope = ""  # both fall back to the assignment
    db.session.commit()
    document = open_docx(login_as(team[Role.SPONSOR]).get(
        f"{base(team)}/documents/improvement-plan.docx"))
    said = "\n".join(p.text for p in document.paragraphs)
    summary = said.split("Samenvatting", 2)[2].split("Aanleiding, doel en afbakening")[0]
    assert summary.count("Sneller en duidelijker.") == 1 and "\nDoel\n" not in summary


@pytest.mark.sqlite_only
@needs_libreoffice
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_no_improvement_number_or_amount_breaks_across_lines_in_the_printed_plan(team, login_as):
    """Columns are as wide as their longest identifier or amount: read back from the PDF, every
    number and sum a table holds is printed whole on one line."""
    hostile_project(team, improvements=150, conditions=40)
    client = login_as(team[Role.SPONSOR])
    document = open_docx(client.get(f"{base(team)}/documents/improvement-plan.docx?version=1"))
    cells = " ".join(cell.text for table in document.tables for row in table.rows
                     for cell in row.cells)
    numbers = set(re.findall(r"\bV\d+\b", cells))
    amounts = set(re.findall(r"€\u00a0[\d.]+\d", cells))
    assert len(numbers) >= 150 and len(amounts) > 100
    response = client.get(f"{base(team)}/documents/improvement-plan.pdf?version=1")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    printed = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                             check=True).stdout.decode().replace("\u00a0", " ")
    assert {n for n in numbers if not re.search(rf"\b{n}\b", printed)} == set()
    assert {a for a in amounts if a.replace("\u00a0", " ") not in printed} == set()
    assert not re.search(r"€\s*\n", printed)  # no sign left at the end of a line


def test_the_organisation_adds_its_own_abbreviations_to_the_glossary(
        team, clients, create_user, login_as):
    admin = login_as(create_user(admin=True))
    settings = {"version": 0, "project_creators": "everyone", "owner_appointed_by": "leader",
                "registered_specialists_only": "y", "four_eyes": "y",
                "gate_approver": "sponsor", "plan_decider": "owner", **OFFICE_HOURS}
    refused = admin.post("/admin/organisation", data={
        **settings, "glossary": "BOA: Buitengewoon opsporingsambtenaar\nzonder betekenis"})
    assert refused.status_code == 422
    assert "Regel 2: schrijf de term, een dubbele punt en de betekenis" in html.unescape(
        refused.get_data(as_text=True))
    assert db.session.scalars(db.select(OrganisationSettings)).first() is None
    assert admin.post("/admin/organisation", data={
        **settings, "glossary": "BOA: Buitengewoon opsporingsambtenaar\r\n"
                                "KCC: Klant Contact Centrum van de gemeente\r\n"
                                "VTH: Vergunningverlening, toezicht en handhaving"}
    ).status_code == 303

    send_plan(team, clients, titles=("BOA's inzetten bij controle", "Terugbellen door het KCC"))
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx"))
    table = next(t for t in document.tables
                 if [c.text for c in t.rows[0].cells] == ["Term", "Betekenis"])
    listed = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
    assert listed["BOA"] == "Buitengewoon opsporingsambtenaar"
    assert listed["KCC"] == "Klant Contact Centrum van de gemeente"  # the organisation's words
    assert "VTH" not in listed  # not used in this plan
    terms = list(listed)
    assert terms == sorted(terms, key=str.casefold)


def fake_libreoffice(monkeypatch, seconds: float = 0.3) -> list[int]:
    """LibreOffice as a stand-in that takes ``seconds`` and writes a PDF; returns the most
    conversions that ran at once (one number per conversion, as it started)."""
    import threading

    running, seen, guard = [0], [], threading.Lock()

    def run(command, **_kwargs):
        with guard:
            running[0] += 1
            seen.append(running[0])
        time.sleep(seconds)
        outdir = command[command.index("--outdir") + 1]
        Path(outdir, "document.pdf").write_bytes(b"%PDF-1.7 fake")
        with guard:
            running[0] -= 1
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(pdf, "converter", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf.subprocess, "run", run)
    return seen


def test_a_server_never_runs_more_conversions_than_configured(app, monkeypatch, tmp_path):
    """The attack: 8 parallel PDF downloads ran 9 LibreOffice processes at once."""
    from concurrent.futures import ThreadPoolExecutor

    seen = fake_libreoffice(monkeypatch)
    app.config.update(PDF_CONVERSIONS=2, PDF_WAIT_SECONDS=30, PDF_SLOTS_DIR=str(tmp_path))

    def convert(_n: int) -> bytes:
        with app.test_request_context():
            return pdf.to_pdf(b"docx")

    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(convert, range(8)))
    assert made == [b"%PDF-1.7 fake"] * 8 and max(seen) == 2


def test_a_request_that_finds_every_slot_taken_hears_when_to_try_again(
        team, clients, monkeypatch, tmp_path, app):
    import fcntl

    fake_libreoffice(monkeypatch)
    app.config.update(PDF_CONVERSIONS=1, PDF_WAIT_SECONDS=0, PDF_SLOTS_DIR=str(tmp_path))
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    with open(tmp_path / "slot-0.lock", "a+b") as taken:  # another process converts
        fcntl.flock(taken, fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = clients[Role.SPONSOR].get(f"{base(team)}/documents/improvement-plan.pdf")
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 5
    assert "zoveel PDF's" in html.unescape(busy.get_data(as_text=True))
