"""The improvement plan and the implementation plan as Word documents, opened again with
python-docx and checked row by row, as the team would hand them round."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from conftest import PASSWORD, Team
from docx import Document
from docx.oxml.ns import qn

from wasstraat import counters
from wasstraat.clock import local_date
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import (
    ImplementationItem,
    ImplementationOrder,
    Kpi,
    PlanApproval,
    Review,
    ReviewFinding,
    StepState,
)
from wasstraat.plans import services as plans
from wasstraat.workflow import Role, Step, StepStatus

HOSTILE = "R&D <script>alert('x')</script> \"quotes\" 😀 \x07bel\x1b"
HOSTILE_IN_DOCUMENT = "R&D <script>alert('x')</script> \"quotes\" 😀 bel"
QUICK = ["Statusbericht per e-mail", "Overdracht schrappen", HOSTILE]
LONG = ["Kenteken automatisch via RDW"]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def put_in_step(team: Team, step: Step) -> None:
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = (StepStatus.DONE if state.step < step else StepStatus.IN_PROGRESS
                        if state.step == step else StepStatus.NOT_STARTED).value
    db.session.commit()


def final_plan(team: Team) -> int:
    """A final, approved plan with reviews of three domains; returns its version number."""
    put_in_step(team, Step.ADJUST)
    leader = team[Role.PROJECT_LEADER]
    db.session.add(Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen",
                       direction="lower", baseline_value=21, target_value=5))
    for titles, horizon in ((QUICK, "quick_win"), (LONG, "long_term")):
        for title in titles:
            row = improvements.add_improvement(
                team.project, leader, resolve(team.project, "step", 6), title=title,
                description=f"Beschrijving van {title}", proposer_id=None)
            row.decision, row.horizon, row.impact, row.effort = "in_plan", horizon, 4, 2
    dropped = improvements.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                           title="Balie langer open", description="",
                                           proposer_id=None)
    dropped.decision, dropped.decision_reason = "not_pursued", "Te weinig vraag"
    db.session.flush()
    final = plans.make_final(team.project, leader, [])
    verdicts = {"privacy": "conditional", "ict": "approved", "legal": "rejected"}
    for domain, verdict in verdicts.items():
        review = Review(project_id=team.project.id, plan_version_id=final.id, domain=domain,
                        verdict=verdict, motivation=f"Motivering {domain}", conditions="",
                        dpia_criteria=[])
        db.session.add(review)
        db.session.flush()
        db.session.add(ReviewFinding(review_id=review.id, improvement_title=QUICK[0],
                                     remark=f"Opmerking {domain} & meer"))
        db.session.flush()
        review.signed_at, review.signer_name = datetime.now(UTC), "Specialist"
    db.session.add(PlanApproval(plan_version_id=final.id, approver_name="Henk Jansen",
                                note="Akkoord"))
    db.session.commit()
    return final.number


def open_docx(response) -> Document:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == DOCX
    return Document(BytesIO(response.data))


def _lines(element) -> list[str]:
    """The text of a paragraph or cell, one item per line (a line break starts a new one)."""
    parts = "".join(e.text or "" if e.tag == qn("w:t") else "\n"
                    for e in element.iter(qn("w:t"), qn("w:br")))
    return parts.split("\n")


def sections_of(document: Document) -> dict[str, list[str]]:
    """Each heading of level 1 or 2 with every line below it (paragraphs and table cells)
    up to the next such heading."""
    sections: dict[str, list[str]] = {}
    current = None
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            style = block.pPr.pStyle.val if block.pPr is not None and block.pPr.pStyle is not None \
                else ""
            if style in ("Heading1", "Heading2"):
                current = "".join(t.text or "" for t in block.iter(qn("w:t")))
                sections[current] = []
            elif current:
                sections[current].extend(_lines(block))
        elif block.tag == qn("w:tbl") and current:
            for cell in block.iter(qn("w:tc")):
                sections[current].extend(_lines(cell))
    return sections


def test_the_improvement_plan_puts_each_improvement_under_its_horizon(team, login_as):
    number = final_plan(team)
    client = login_as(team[Role.SPONSOR])
    response = client.get(f"/projects/{team.project.id}/documents/improvement-plan.docx",
                          query_string={"version": number})
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="verbeterplan-aanvraag-parkeervergunning-v{number}.docx"')
    document = open_docx(response)
    sections = sections_of(document)
    quick, long_term = sections["Snelle verbeteringen"], sections["Lange termijn"]
    for title in QUICK[:2]:
        assert title in quick and title not in long_term
    assert HOSTILE_IN_DOCUMENT in quick  # escaped correctly, control characters dropped
    assert LONG[0] in long_term and LONG[0] not in quick
    assert "Balie langer open" in sections["Niet opgepakt en samengevoegd"]
    reviews = sections["Advies van de specialisten"]
    for verdict in ("Akkoord met voorwaarden", "Akkoord", "Niet akkoord"):
        assert verdict in reviews, verdict
    assert "Opmerking legal & meer" in sections["Juridisch (versie 1)"]
    assert "Henk Jansen" in sections["Besluit"]
    assert "Doorlooptijd" in sections["KPI's"]


def test_the_documents_have_the_form_word_and_assistive_technology_expect(team, login_as):
    number = final_plan(team)
    document = open_docx(login_as(team[Role.SPONSOR]).get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx?version={number}"))
    props = document.core_properties
    assert props.title == "Verbeterplan Aanvraag parkeervergunning"
    assert props.language == "nl-NL" and props.subject == "Parkeervergunning"
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    body = document.element.body.xml
    # The contents: a line per heading of level 1 and 2, each with a link and a page number.
    headings = [p for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    contents = [p for p in document.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert len(contents) == len(headings) > 10
    assert all("PAGEREF _Toc" in p._p.xml and "w:hyperlink" in p._p.xml for p in contents)
    for table in document.tables:
        header = table.rows[0]._tr
        assert header.trPr.find(qn("w:tblHeader")) is not None  # repeats and is marked
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith(
        "Verbeterplan Aanvraag parkeervergunning · versie 1 · goedgekeurd · pagina")
    assert "PAGE" in footer._p.xml and "NUMPAGES" in footer._p.xml
    assert any(d in body for d in ("januari", "februari", "maart", "april", "mei", "juni",
                                   "juli", "augustus", "september", "oktober", "november",
                                   "december"))


def test_the_draft_can_be_downloaded_from_step_6_and_not_before(team, login_as):
    client = login_as(team[Role.SPONSOR])
    path = f"/projects/{team.project.id}/documents/improvement-plan.docx"
    assert client.get(path).status_code == 409
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    response = client.get(path)
    assert "verbeterplan-aanvraag-parkeervergunning-concept.docx" in \
        response.headers["Content-Disposition"]
    assert open_docx(response).core_properties.title.startswith("Verbeterplan")
    assert client.get(path, query_string={"version": 7}).status_code == 404


def test_outsiders_get_no_document(team, login_as):
    final_plan(team)
    outsider = login_as(team.outsider)
    for doc in ("improvement-plan.docx", "implementation-plan.docx"):
        assert outsider.get(f"/projects/{team.project.id}/documents/{doc}").status_code == 404


def test_downloads_are_limited_per_person_per_minute(team, login_as, app, monkeypatch):
    """Building documents is the heaviest request; one person (or script) cannot starve the
    rest (checklist R-11). Someone else can still download."""
    app.config["EXPORTS_PER_MINUTE"] = 3
    # One minute throughout: four documents built on a slow run may cross into the next.
    monkeypatch.setattr(counters, "time", SimpleNamespace(time=lambda: 1_800_000_005.0))
    final_plan(team)
    path = f"/projects/{team.project.id}/documents/improvement-plan.docx"
    leader = login_as(team[Role.PROJECT_LEADER])
    assert [leader.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = leader.get(path)
    assert "over een minuut" in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert login_as(team[Role.PROCESS_OWNER]).get(path).status_code == 200


def test_parallel_downloads_cannot_pass_the_limit_together(team, make_app, create_user):
    """The attack: the count was written after the document was built, so 30 parallel
    exports all passed a limit of 20. The count is now the reservation, made first."""
    from concurrent.futures import ThreadPoolExecutor

    final_plan(team)
    email, path = (team[Role.PROJECT_LEADER].email,
                   f"/projects/{team.project.id}/documents/improvement-plan.docx")
    db.session.commit()  # the test holds no transaction (and no SQLite lock) meanwhile
    apps = [make_app(WTF_CSRF_ENABLED=False, EXPORTS_PER_MINUTE=3) for _ in range(2)]
    clients = []
    for app in apps:
        browser = app.test_client()
        assert browser.post("/login", data={"email": email,
                                            "password": PASSWORD}).status_code == 302
        clients.append(browser)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda n: clients[n % 2].get(path).status_code, range(10)))
    assert sorted(statuses) == [200] * 3 + [429] * 7


def implementation(team: Team) -> list[str]:
    final_plan(team)
    put_in_step(team, Step.EXECUTION)
    db.session.add(ImplementationOrder(project_id=team.project.id))
    rows = plans.board(team.project)
    order = [r for r in rows if r.decision == "in_plan"][::-1]  # the owner's own order
    for position, row in enumerate(order, start=1):
        db.session.add(ImplementationItem(
            project_id=team.project.id, improvement_id=row.id, position=position,
            responsible_id=team[Role.TEAM_MANAGER].id, start_on=date(2027, position, 1),
            end_on=date(2027, position + 1, 15)))
    db.session.commit()
    last = db.session.scalar(db.select(ImplementationItem).order_by(
        ImplementationItem.position.desc()))
    last.adoption, last.drop_reason = "dropped", "Past niet in het budget"
    db.session.commit()
    return [r.title for r in order]


def test_the_implementation_plan_keeps_the_process_owners_order(team, login_as):
    order = implementation(team)
    response = login_as(team[Role.TEAM_MANAGER]).get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx")
    assert 'filename="implementatieplan-aanvraag-parkeervergunning.docx"' in \
        response.headers["Content-Disposition"]
    document = open_docx(response)
    table = document.tables[0]
    # Each improvement by the number it has in the plan carried out (V1-V3 quick, V4 long).
    numbers = {**{t: f"V{n}" for n, t in enumerate(QUICK, start=1)}, LONG[0]: "V4"}
    titles = [row.cells[1].text for row in table.rows[1:]]
    assert titles == [f"{numbers[t]} {HOSTILE_IN_DOCUMENT if t == HOSTILE else t}"
                      for t in order[:-1]]
    assert [row.cells[0].text for row in table.rows[1:]] == ["1", "2", "3"]
    sections = sections_of(document)
    assert "Past niet in het budget" in sections["Uitgesteld en vervallen"]
    assert "X" in sections["Planningstabellen"]
    assert any("Medewerkers trainen" in line
               for line in sections["Borgen: training, documentatie en communicatie"])


def test_the_implementation_plan_exists_from_step_9(team, login_as):
    final_plan(team)
    response = login_as(team[Role.SPONSOR]).get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx")
    assert response.status_code == 409


def test_the_cli_writes_both_documents(team, runner, tmp_path):
    implementation(team)
    for kind in ("improvement-plan", "implementation-plan"):
        target = tmp_path / f"{kind}.docx"
        result = runner.invoke(args=["export", kind, str(team.project.id), "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert Document(str(target)).core_properties.language == "nl-NL"
    missing = runner.invoke(args=["export", "improvement-plan", "999", "-o",
                                  str(tmp_path / "x.docx")])
    assert missing.exit_code != 0 and "No project" in missing.output


@pytest.mark.sqlite_only
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_libreoffice_opens_both_documents_without_repair(team, runner, tmp_path):
    implementation(team)
    for kind in ("improvement-plan", "implementation-plan"):
        target = tmp_path / f"{kind}.docx"
        runner.invoke(args=["export", kind, str(team.project.id), "-o", str(target)])
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
            check=True, capture_output=True, timeout=120)
        pdf = tmp_path / f"{kind}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 10_000


def _text_width_cm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def _table_width_cm(table) -> float:
    return sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))) / 567


def _sections_of_tables(document: Document) -> list[tuple[object, object]]:
    """Each table with the section it stands in (a section ends at its sectPr)."""
    body, sections = document.element.body, document.sections
    found, index = [], 0
    tables = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            found.append((tables[child], sections[index]))
        elif child.tag == qn("w:p") and child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            index += 1
    return found


def assert_a4_within_margins(document: Document) -> None:
    """A4 (portrait or landscape), no table past the margin, rows that do not split."""
    for section in document.sections:
        short, long = sorted((section.page_width, section.page_height))
        assert (round(short / 360000, 1), round(long / 360000, 1)) == (21.0, 29.7)
    for table, section in _sections_of_tables(document):
        assert _table_width_cm(table) <= _text_width_cm(section) + 0.01
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_documents_are_a4_fit_their_tables_and_carry_their_status_and_dates(team, login_as):
    """Print as a municipality sends: A4, no table past the margin, rows that do not split,
    CONCEPT on every page of a draft, the version's date in the properties."""
    from wasstraat.models import PlanVersion

    number = final_plan(team)
    version = db.session.scalars(db.select(PlanVersion).where(
        PlanVersion.number == number)).one()
    client = login_as(team[Role.SPONSOR])
    base = f"/projects/{team.project.id}/documents"
    final = open_docx(client.get(f"{base}/improvement-plan.docx?version={number}"))
    draft = open_docx(client.get(f"{base}/improvement-plan.docx"))
    for document in (final, draft):
        assert_a4_within_margins(document)
    assert "CONCEPT" in draft.sections[0].header.paragraphs[0].text
    assert "concept" in draft.sections[0].footer.paragraphs[0].text
    assert "CONCEPT" not in final.sections[0].header.paragraphs[0].text
    # ... and as a watermark across the page, behind the text.
    assert 'string="CONCEPT"' in draft.sections[0].header._element.xml
    assert 'string="CONCEPT"' not in final.sections[0].header._element.xml
    props = final.core_properties
    # The day the version was made in the organisation, not in UTC.
    assert props.created.date() == props.modified.date() == local_date(version.created_at)
    assert props.author == "Gemeente Voorbeeld" and props.language == "nl-NL"
    title_page = "\n".join(p.text for p in final.paragraphs[:14])
    assert "Goedgekeurd" in title_page


def test_typed_text_arrives_as_typed_with_real_line_breaks_and_no_direction_tricks(team,
                                                                                  login_as):
    from wasstraat.exports import docx_base

    tricky = "Regel een\r\nregel twee\rregel drie \u202ebeppa\u202c مرحبا 🚲"
    assert docx_base.clean(tricky) == "Regel een\nregel twee\nregel drie beppa مرحبا 🚲"
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    row = improvements.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                       resolve(team.project, "step", 6), title="Kenteken",
                                       description=tricky, proposer_id=None)
    row.decision, row.horizon = "in_plan", "quick_win"
    db.session.commit()
    response = login_as(team[Role.SPONSOR]).get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx")
    document = open_docx(response)
    xml = document.element.body.xml
    assert "\r" not in xml and "\u202e" not in xml
    assert "مرحبا 🚲" in xml and "<w:br/>" in xml


def test_a_thirty_month_planning_is_shown_whole_on_landscape_pages(team, login_as):
    items = implementation(team)
    for n, row in enumerate(db.session.scalars(db.select(ImplementationItem).where(
            ImplementationItem.project_id == team.project.id))):
        row.start_on, row.end_on = date(2027, 1, 1), date(2029, 6, 30 - n)
    db.session.commit()
    document = open_docx(login_as(team[Role.SPONSOR]).get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx"))
    planning = [(t, s) for t, s in _sections_of_tables(document)
                if "Planning per maand" in t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))]
    months = [cell.text for table, _section in planning for cell in table.rows[0].cells[1:]]
    assert len(months) == 30 and months[0] == "jan 2027" and months[-1] == "jun 2029"
    for table, section in planning:
        assert section.page_width > section.page_height  # landscape
        assert _table_width_cm(table) <= _text_width_cm(section) + 0.01
    assert document.sections[-1].page_width < document.sections[-1].page_height
    assert items


def test_the_plans_open_with_a_summary_and_say_which_version_they_carry_out(team, login_as):
    number = final_plan(team)
    client = login_as(team[Role.SPONSOR])
    base = f"/projects/{team.project.id}/documents"
    plan = open_docx(client.get(f"{base}/improvement-plan.docx?version={number}"))
    headings = [p.text for p in plan.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Versiegeschiedenis", "Samenvatting"]
    summary = "\n".join(p.text for p in plan.paragraphs)
    assert ("Verbeteringen: 4 in het plan: 3 snelle verbeteringen, 1 voor de "
            "lange termijn") in summary
    # What a board weighs, on the summary's page: doing nothing, the specialists, the risks,
    # when.
    page = summary.split("Samenvatting", 2)[2].split("Aanleiding, doel en afbakening")[0]
    assert "Als we niets doen\nDan blijft doorlooptijd 21 dagen" in page
    assert ("Oordeel van de specialisten\nPrivacy (AVG): akkoord met voorwaarden.\n"
            "ICT-haalbaarheid: akkoord.\nJuridisch: niet akkoord.") in page
    assert "Belangrijkste risico's\nDe koppeling met de RDW hangt af van de leverancier." in page
    assert "Planning\nNa het besluit eerst de snelle verbeteringen (3), daarna die voor de " \
        "lange termijn (1)" in page
    assert "Aanleiding\nBewoners wachten drie weken" in page
    assert "Doel\nDe aanvraag van een bewonersvergunning" in page
    assert "goedgekeurd door Henk Jansen (proceseigenaar)" in summary
    implementation(team)  # makes a newer final version and approves it
    carried = open_docx(client.get(f"{base}/implementation-plan.docx"))
    text = "\n".join(p.text for p in carried.paragraphs)
    assert (f"voert versie {number + 1} van het verbeterplan uit, goedgekeurd door Henk "
            "Jansen") in text


def test_improvements_are_numbered_once_across_the_plan(team, login_as):
    number = final_plan(team)
    plan = open_docx(login_as(team[Role.SPONSOR]).get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx?version={number}"))
    numbered = [(row.cells[0].text, row.cells[1].text) for table in plan.tables
                if table.rows[0].cells[0].text == "Nr" for row in table.rows[1:]]
    assert [n for n, _title in numbered] == ["V1", "V2", "V3", "V4"]
    titles = [t.split("\n")[0] for _n, t in numbered]
    assert titles[:2] == QUICK[:2] and titles[-1] == LONG[0]
