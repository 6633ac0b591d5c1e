"""The A3 for the steering group: the project on one landscape A3 page in the Toyota structure
(background, current condition, causes | target, plan, follow-up), from the project's data as
it stands, offered beside the plans from step 6 on, as Word and as PDF/A."""

from __future__ import annotations

import re
import shutil
import subprocess

from conftest import Team
from docx.oxml.ns import qn
from test_exports import open_docx, put_in_step
from test_plan_documents import (
    ARABIC,
    OVERRIDE,
    hostile_project,
    needs_libreoffice,
    plan_for_thirty_months,
    team,  # noqa: F401
)

from wasstraat.exports import a3
from wasstraat.extensions import db
from wasstraat.models import Improvement, Kpi, KpiMeasurement, User
from wasstraat.workflow import Role, Step

TITLES = ("Statusbericht per e-mail na elke stap", "Koppeling webformulier met de BRP",
          "Vooringevuld aanvraagformulier via DigiD", "Eén behandelaar per aanvraag",
          "Automatische controle op kenteken bij de RDW", "Terugbelverzoek binnen één werkdag")
PARTS = ["1. Achtergrond", "2. Huidige situatie", "3. Oorzaken", "4. Doelsituatie", "5. Plan",
         "6. Opvolging"]


def a3_of(team: Team, login_as, role: Role = Role.SPONSOR):
    return open_docx(login_as(team[role]).get(f"/projects/{team.project.id}/documents/a3.docx"))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def pages(pdf: bytes) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_the_a3_is_one_landscape_a3_sheet_in_the_toyota_structure(team, login_as):
    hostile_project(team, improvements=12)
    plan_for_thirty_months(team)
    document = a3_of(team, login_as)
    [first, columns] = document.sections
    assert (round(first.page_width / 360000, 1), round(first.page_height / 360000, 1)) == (
        42.0, 29.7)
    assert columns._sectPr.find(qn("w:cols")).get(qn("w:num")) == "2"
    assert headings(document) == PARTS
    said = "\n".join(p.text for p in document.paragraphs)
    background = said.split("1. Achtergrond")[1].split("2. Huidige situatie")[0]
    assert "Bewoners wachten drie weken" in background  # the occasion
    assert "Doel: De aanvraag van een bewonersvergunning" in background  # goal and scope
    # The answer starts at the top of the right half.
    target = next(p for p in document.paragraphs if p.text == "4. Doelsituatie")
    assert target._p.find(".//" + qn("w:br")).get(qn("w:type")) == "column"
    assert document.core_properties.language == "nl-NL"
    assert "\u202e" not in document.element.body.xml and ARABIC in document.element.body.xml
    assert OVERRIDE not in document.element.body.xml


def test_the_plan_part_follows_the_owners_order_with_who_and_when(team, login_as):
    hostile_project(team, improvements=12)
    plan_for_thirty_months(team)
    document = a3_of(team, login_as)
    plan = next(t for t in document.tables if t.rows[0].cells[0].text == "Nr.")
    rows = cells(plan)
    assert rows[0] == ["Nr.", "Verbetering", "Termijn", "Wie", "Gereed"]
    assert len(rows) == 13  # all twelve: no more than the sheet holds
    manager = team[Role.TEAM_MANAGER].name
    assert {r[3] for r in rows[1:]} == {manager}
    assert all(re.fullmatch(r"[a-z]+ 2029", r[4]) for r in rows[1:]), rows[1]
    assert {r[2] for r in rows[1:]} == {"snel", "lange termijn"}
    # A long title is cut to a line or two; the plans carry it whole.
    assert all(len(r[1]) <= a3.LINE_LIMIT + 2 for r in rows[1:])


def test_past_forty_the_a3_names_the_first_thirty_and_counts_the_rest(team, login_as):
    hostile_project(team, improvements=45)
    document = a3_of(team, login_as)
    plan = next(t for t in document.tables if t.rows[0].cells[0].text == "Nr.")
    assert len(plan.rows) == 1 + a3.SHOWN_WHEN_MORE
    said = "\n".join(p.text for p in document.paragraphs)
    assert "En nog 15 verbeteringen; het verbeterplan noemt ze alle." in said


def test_the_follow_up_says_each_kpi_in_words_beside_its_colour(team, login_as):
    hostile_project(team, improvements=3)
    kpi = db.session.scalars(db.select(Kpi)).one()
    second = Kpi(project_id=team.project.id, name="Tevredenheid", unit="cijfer",
                 direction="higher", baseline_value=6, target_value=8)
    db.session.add(second)
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=4, measured_on=kpi.created_at.date(),
                                  recorded_by_id=team[Role.PROCESS_OWNER].id))
    db.session.commit()
    document = a3_of(team, login_as)
    follow = next(t for t in document.tables if t.rows[0].cells[-1].text == "Stand")
    states = {row.cells[0].text.split(" (")[0]: row.cells[-1] for row in follow.rows[1:]}
    assert states["Tevredenheid"].text == "nog te meten"
    reached = next(c for name, c in states.items() if name.startswith("Doorlooptijd"))
    assert reached.text == "gemeten, streefwaarde gehaald"
    fill = reached._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == a3.VERDICT_FILL[next(iter(a3.VERDICT_FILL))]


def test_the_a3_is_there_from_step_6_and_offered_on_the_project_page(team, login_as):
    put_in_step(team, Step.SERVICE_FORMULA)
    sponsor = login_as(team[Role.SPONSOR])
    refused = sponsor.get(f"/projects/{team.project.id}/documents/a3.docx")
    assert refused.status_code == 409 and "vanaf stap 6" in refused.get_data(as_text=True)
    assert "/documents/a3.docx" not in sponsor.get(f"/projects/{team.project.id}").get_data(
        as_text=True)
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    page = sponsor.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "/documents/a3.docx" in page and "A3 voor de stuurgroep" in page
    assert open_docx(sponsor.get(f"/projects/{team.project.id}/documents/a3.docx"))


def test_the_cli_writes_the_a3(team, runner, tmp_path):
    hostile_project(team, improvements=3)
    target = tmp_path / "a3.docx"
    result = runner.invoke(args=["export", "a3", str(team.project.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"PK")


def realistic(team: Team) -> None:
    """Names and titles as a municipality writes them (the hostile set's are 200 characters)."""
    for n, row in enumerate(db.session.scalars(db.select(Improvement).order_by(Improvement.id))):
        row.title = f"{TITLES[n % len(TITLES)]} ({n + 1})"
    for role, name in ((Role.TEAM_MANAGER, "Kees van Dijk"), (Role.PROCESS_OWNER, "Henk Jansen"),
                       (Role.PROJECT_LEADER, "Sanne Bakker")):
        db.session.get(User, team[role].id).name = name
    db.session.commit()


@needs_libreoffice
def test_forty_improvements_fit_on_one_a3_page_also_as_pdf_a(team, login_as, runner, tmp_path):
    hostile_project(team, improvements=40)
    plan_for_thirty_months(team)
    realistic(team)
    response = login_as(team[Role.SPONSOR]).get(f"/projects/{team.project.id}/documents/a3.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert pages(data) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 1190\.\d+ 841\.\d+\s*\]", data)  # A3 landscape
    assert b"<pdfaid:part>2</pdfaid:part>" in data or b'pdfaid:part="2"' in data
    assert b"/StructTreeRoot" in data
    target = tmp_path / "a3.pdf"
    result = runner.invoke(args=["export", "a3", str(team.project.id), "--pdf", "-o",
                                 str(target)])
    assert result.exit_code == 0, result.output
    assert pages(target.read_bytes()) == 1
