"""One improvement project from start to finish, in a real browser, with the real people.

The project leader sets the project up and builds the team; the process owner agrees the KPIs;
the process advisor maps the process; the journey coach records the journey; the team links the
service formula and gathers improvements; the plan goes to review and the privacy officer, the
CISO and the legal specialist sign; the team answers the findings; the process owner approves,
puts the implementation plan in order by drag and drop and closes the evaluation; both Word
documents are downloaded and opened. A screenshot is saved in test-artifacts/ when a step fails.
"""

from __future__ import annotations

import re

import docx
import pytest
from conftest import log_in, needs_chromium
from playwright.sync_api import Page, expect

from wasstraat.extensions import db
from wasstraat.workflow import Role

pytestmark = needs_chromium


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


PEOPLE = {
    Role.PROJECT_LEADER: "Sanne Projectleider",
    Role.PROCESS_OWNER: "Henk Proceseigenaar",
    Role.SPONSOR: "Marieke Sponsor",
    Role.PROCESS_ADVISOR: "Youssef Procesadviseur",
    Role.JOURNEY_COACH: "Lotte Klantreiscoach",
    Role.SUBJECT_EXPERT: "Priya Vakspecialist",
    Role.TEAM_MANAGER: "Kees Teammanager",
    Role.PRIVACY_OFFICER: "Fatma Privacy",
    Role.CISO: "Joost Beveiliging",
    Role.LEGAL: "Eva Juridisch",
}


class Walk:
    """The browser, signed in as one person at a time, on one project."""

    def __init__(self, page: Page, emails: dict[Role, str]) -> None:
        self.page = page
        page.set_default_timeout(10_000)
        self.emails = emails
        self.project_url = ""

    def as_(self, role: Role) -> Page:
        page = self.page
        if page.get_by_role("button", name="Uitloggen").count():
            page.get_by_role("button", name="Uitloggen").click()
        log_in(page, self.emails[role])
        return page

    def step(self, number: int) -> Page:
        self.page.goto(f"{self.project_url}/steps/{number}")
        return self.page

    def start(self, number: int) -> None:
        page = self.step(number)
        page.get_by_role("button", name="Stap starten").click()
        expect(page.locator("#status-heading")).to_contain_text("Bezig")

    def confirm(self, number: int, product: str, note: str = "", variant: str = "") -> None:
        page = self.step(number)
        item = page.locator(f"#product-{product}")
        if variant:
            item.get_by_label(variant).check()
        if note:
            item.get_by_role("textbox").fill(note)
        item.get_by_role("button", name=re.compile("^Bevestigen")).click()
        # Wait for the confirmation itself ("Bevestigd door: <role>" shows before it, too).
        expect(page.locator(f"#product-{product}").get_by_role(
            "button", name=re.compile("^Bevestiging intrekken"))).to_be_visible()

    def close(self, number: int) -> None:
        page = self.step(number)
        button = page.get_by_role("button", name="Stap afronden")
        expect(button).to_be_visible()
        button.click()
        expect(page.locator("#status-heading")).to_contain_text("Afgerond")


def test_a_project_goes_through_all_ten_steps_with_every_role(create_user, page):
    emails = {role: create_user(name).email for role, name in PEOPLE.items()}
    db.session.commit()  # the test holds no transaction while the browser works
    walk = Walk(page, emails)

    # Step 1: the project leader sets the project up and builds the team.
    walk.as_(Role.PROJECT_LEADER)
    page.goto("/projects/new")
    page.get_by_label("Naam van het traject").fill("Aanvraag gehandicaptenparkeerkaart")
    page.get_by_label("Product of dienst").fill("Gehandicaptenparkeerkaart")
    page.get_by_label("Opdracht").fill("Binnen vier weken een besluit, zonder dubbele keuring.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/projects/\d+/team$"))
    walk.project_url = page.url.removesuffix("/team")
    for role, name in PEOPLE.items():
        if role is Role.PROJECT_LEADER:
            continue
        form = page.locator("form", has=page.get_by_label("E-mailadres van de collega"))
        form.get_by_label("E-mailadres van de collega").fill(emails[role])
        form.get_by_label(role.label, exact=True).check()
        form.get_by_role("button", name="Toevoegen aan het team").click()
        expect(page.locator("main")).to_contain_text(name)
    walk.start(1)
    walk.confirm(1, "team")
    walk.confirm(1, "kickoff", note="Kick-off op 12 januari met het hele team.")
    walk.close(1)

    # Step 2: KPIs with a baseline and a target, agreed by the process owner.
    walk.start(2)
    page.goto(f"{walk.project_url}/kpis")
    page.get_by_label("Naam").fill("Doorlooptijd aanvraag")
    page.get_by_label("Eenheid").fill("werkdagen")
    page.get_by_label("Lager is beter").check()
    page.get_by_label("Nulmeting: waarde").fill("35")
    page.get_by_label("Nulmeting: datum").fill("2027-01-04")
    page.get_by_label("Streefwaarde").fill("20")
    page.get_by_label("Streefdatum").fill("2027-12-31")
    page.get_by_role("button", name="KPI toevoegen").click()
    expect(page.locator("main")).to_contain_text("Doorlooptijd aanvraag")
    walk.as_(Role.PROCESS_OWNER)
    page.goto(f"{walk.project_url}/kpis")
    page.get_by_role("button", name="KPI-set vaststellen").click()
    expect(page.locator("main")).to_contain_text("Vastgesteld door Henk Proceseigenaar")
    walk.as_(Role.PROJECT_LEADER)
    walk.close(2)

    # Step 3: the process advisor maps the process; the process owner checks the map.
    walk.start(3)
    walk.as_(Role.PROCESS_ADVISOR)
    page.goto(f"{walk.project_url}/process")
    for activity, wait in (("Aanvraag ontvangen", "2"), ("Medische keuring aanvragen", "15"),
                           ("Besluit nemen en kaart bestellen", "5")):
        page.get_by_label("Activiteit").fill(activity)
        page.get_by_label("Wie doet het (rol of afdeling)").fill("Team Parkeren")
        page.get_by_label("Wachttijd (werkdagen)").fill(wait)
        page.get_by_role("button", name="Processtap toevoegen").click()
        expect(page.locator("main")).to_contain_text(activity)
    walk.as_(Role.PROCESS_OWNER)
    page.goto(f"{walk.project_url}/process")
    page.get_by_label("Klopt en is volledig").check()
    page.get_by_role("button", name="Controle vastleggen").click()
    walk.as_(Role.PROCESS_ADVISOR)
    walk.confirm(3, "process_checked", variant="Samengevoegd met sessie 3a (eenvoudig proces)")
    walk.as_(Role.PROJECT_LEADER)
    walk.close(3)

    # Step 4: the journey coach records the customer journey.
    walk.start(4)
    walk.as_(Role.JOURNEY_COACH)
    page.goto(f"{walk.project_url}/journey")
    page.get_by_label("Eigen interviews met inwoners").check()
    page.get_by_role("button", name="Opslaan").click()
    page.locator("summary", has_text="Fase toevoegen").click()
    page.get_by_label("Fase", exact=True).fill("Keuring afwachten")
    page.get_by_label("heel negatief").check()
    page.get_by_label("Pijnpunten").fill("Weken niets horen; opnieuw gekeurd terwijl dat al was.")
    page.get_by_role("button", name="Fase toevoegen").click()
    expect(page.locator("main")).to_contain_text("Keuring afwachten")
    walk.as_(Role.PROJECT_LEADER)
    walk.close(4)

    # Step 5: the team links the service formula and compares it for each of the six P's.
    walk.start(5)
    page.goto(f"{walk.project_url}/formula")
    page.get_by_label("Serviceformule", exact=True).select_option(index=1)
    page.get_by_role("button", name="Serviceformule kiezen").click()
    for section in page.locator("section[id^=p-]").all():
        section.locator("summary").click()
        section.get_by_label("Huidige praktijk").fill("Per brief, met wachttijd.")
        section.get_by_label("Wijkt af").check()
        section.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).not_to_contain_text("Nog niet vergeleken")
    walk.close(5)

    # Step 6: the subject expert brings in improvements; the team weighs them into the plan,
    # which goes out for review.
    walk.start(6)
    walk.as_(Role.SUBJECT_EXPERT)
    ideas = ["Keuringsuitslag hergebruiken", "Digitale aanvraag met DigiD",
             "Statusbericht na elke stap"]
    for title in ideas:
        page.goto(f"{walk.project_url}/improvements/new?source=step&source_id=6")
        page.get_by_label("Korte titel").fill(title)
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator("main")).to_contain_text("De verbetering is toegevoegd.")
    walk.as_(Role.PROJECT_LEADER)
    for title, horizon, impact, effort in ((ideas[0], "Quick win", "5", "2"),
                                           (ideas[1], "Lange termijn", "4", "4"),
                                           (ideas[2], "Quick win", "3", "1")):
        page.goto(f"{walk.project_url}/plan")
        page.get_by_role("link", name=title).click()
        page.get_by_label("In het plan").check()
        page.get_by_label(horizon).check()
        page.get_by_label("Verwachte impact").select_option(impact)
        page.get_by_label("Verwachte inspanning").select_option(effort)
        page.get_by_label("Doorlooptijd aanvraag").check()
        page.get_by_role("button", name="Opslaan", exact=True).click()
    page.goto(f"{walk.project_url}/plan")
    page.get_by_role("button", name="Plan versturen voor toetsing").click()
    expect(page.locator("main")).to_contain_text("versie 1")
    walk.close(6)

    # Step 7: privacy, information security and legal review and sign.
    walk.start(7)
    page.goto(f"{walk.project_url}/reviews")
    for domain in ("Privacy (AVG)", "Informatiebeveiliging", "Juridisch"):
        page.get_by_label(domain, exact=True).check()
    page.get_by_role("button", name="Toetsdomeinen opslaan").click()
    page.get_by_role("button", name="Toetsing openen").click()
    reviewers = (
        (Role.PRIVACY_OFFICER, "Verbeterplan toetsen op de AVG", "Akkoord", None),
        (Role.CISO, "Verbeterplan toetsen op informatiebeveiliging", "Akkoord", None),
        (Role.LEGAL, "Juridische haalbaarheid toetsen", "Akkoord met voorwaarden",
         "Leg vast dat een eerdere keuring geldig blijft (beleidsregel)."),
    )
    for role, task, verdict, condition in reviewers:
        walk.as_(role)
        page.goto("/tasks")
        page.get_by_role("link", name=task).first.click()
        if condition:
            finding = page.locator("form", has=page.get_by_role("heading",
                                                                 name="Bevinding toevoegen"))
            finding.get_by_label("Verbetering").select_option(label=ideas[0])
            finding.get_by_label(re.compile("^Voorwaarde")).fill(condition)
            finding.get_by_role("button", name="Bevinding toevoegen").click()
        page.get_by_label(verdict, exact=True).check()
        page.get_by_label(re.compile("^Motivering")).fill("Getoetst aan de hand van het plan, versie 1.")
        page.get_by_role("button", name="Concept opslaan").click()
        page.get_by_role("button", name="Toetsing ondertekenen").click()
        expect(page.locator("main")).to_contain_text("ondertekend")
    walk.as_(Role.PROJECT_LEADER)
    walk.close(7)

    # Step 8: the team answers the findings, the plan is made final, the process owner approves.
    walk.start(8)
    page.goto(f"{walk.project_url}/reviews")
    for form in page.locator("#responses form").all():
        form.get_by_label("Overgenomen", exact=True).check()
        form.get_by_role("textbox").fill("Opgenomen in het plan bij de keuring.")
        form.get_by_role("button", name="Reactie opslaan").click()
    expect(page.locator("#responses")).not_to_contain_text("Nog geen reactie.")
    page.goto(f"{walk.project_url}/plan")
    page.get_by_role("button", name="Plan definitief maken").click()
    walk.as_(Role.PROCESS_OWNER)
    page.goto(f"{walk.project_url}/plan")
    page.get_by_role("button", name="Definitief verbeterplan goedkeuren").click()
    expect(page.locator("main")).to_contain_text("goedgekeurd")
    walk.as_(Role.PROJECT_LEADER)
    walk.close(8)

    # Step 9: the process owner decides, puts the plan in order by drag and drop, plans and
    # approves it.
    walk.start(9)
    walk.as_(Role.PROCESS_OWNER)
    page.goto(f"{walk.project_url}/implementation")
    items = page.locator(".order-item")
    expect(items).to_have_count(3)
    last = items.nth(2).locator(".order-item__body > a").inner_text().strip()
    handle, target = items.nth(2).locator(".order-item__handle"), items.first
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for n in range(1, 11):
        page.mouse.move(goal["x"] + 20, box["y"] + (goal["y"] + 5 - box["y"]) * n / 10)
    page.mouse.up()
    expect(page.locator("#live-region")).to_contain_text("De volgorde is opgeslagen")
    page.reload()
    expect(items.first).to_contain_text(last)
    order = [t.strip() for t in page.locator(".order-item__body > a").all_inner_texts()]
    for n, title in enumerate(order):
        page.goto(f"{walk.project_url}/implementation")
        page.get_by_role("link", name=title, exact=True).click()
        page.get_by_label("Uitvoeren").check()
        page.get_by_label("Verantwoordelijke").select_option(label=PEOPLE[Role.TEAM_MANAGER])
        page.get_by_label("Geplande start").fill(f"2027-0{n + 3}-01")
        page.get_by_label("Gepland einde").fill(f"2027-0{n + 4}-15")
        page.get_by_role("button", name="Opslaan", exact=True).click()
    page.goto(f"{walk.project_url}/implementation")
    page.get_by_role("button", name="Implementatieplan vaststellen").click()
    expect(page.locator("main")).to_contain_text("Vastgesteld door Henk Proceseigenaar")
    walk.close(9)

    # Step 10: carried out, the evaluation planned, and the process owner closes the project.
    walk.as_(Role.PROJECT_LEADER)
    walk.start(10)
    walk.confirm(10, "executed", note="Alle drie verbeteringen live sinds 1 juli.")
    walk.as_(Role.PROCESS_OWNER)
    page.goto(f"{walk.project_url}/implementation/evaluation")
    page.get_by_label("Datum van de evaluatie").fill("2027-12-01")
    page.get_by_label("Wie houdt de evaluatie").select_option(label=PEOPLE[Role.PROCESS_OWNER])
    page.get_by_role("button", name="Evaluatie opslaan").click()
    walk.close(10)
    page.goto(walk.project_url)
    expect(page.locator("main")).to_contain_text("Afgerond")

    # Both documents download and open, with the plan's content in them.
    for link, expected in (("improvement-plan.docx", ideas),
                           ("implementation-plan.docx", [last, PEOPLE[Role.TEAM_MANAGER]])):
        with page.expect_download() as download:
            page.locator(f"a[href*='{link}']").first.click()
        document = docx.Document(str(download.value.path()))
        text = "\n".join([p.text for p in document.paragraphs] + [
            c.text for t in document.tables for r in t.rows for c in r.cells])
        assert "Aanvraag gehandicaptenparkeerkaart" in text
        assert all(e in text for e in expected), (link, expected)
