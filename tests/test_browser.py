"""In a real browser (Debian's chromium driven by Playwright): what users do, with htmx and
CSRF switched on, as in production. Screens are saved under test-artifacts/ when a step fails."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from conftest import PASSWORD, Team, log_in, needs_chromium, put_in_step
from playwright.sync_api import expect

from wasstraat.extensions import db
from wasstraat.models import JourneyPhase, WorkSession
from wasstraat.woo import services as woo
from wasstraat.workflow import ONDERZOEKSRAPPORTEN, Role, Step, WooDocument

pytestmark = needs_chromium


@pytest.fixture
def app_config(tmp_path) -> dict:
    # E-mail to the development outbox, whose page is checked like every other.
    return {"WTF_CSRF_ENABLED": True, "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp_path / "outbox")}


def test_an_improvement_from_a_pain_point_is_noted_during_a_session_without_a_reload(
        create_project, page):
    team: Team = create_project()
    phase = JourneyPhase(project_id=team.project.id, position=1, name="Wachten", experience=-2,
                         pain_points="Drie weken geen bericht")
    session = WorkSession(project_id=team.project.id, step=4, held_on=date(2026, 10, 6),
                          kind="in_person")
    db.session.add_all([phase, session])
    db.session.commit()
    project_id, session_id = team.project.id, session.id
    email = team[Role.JOURNEY_COACH].email
    db.session.commit()  # the test holds no transaction (and no SQLite lock) while the app runs

    log_in(page, email)
    page.goto(f"/projects/{project_id}/sessions/{session_id}")
    page.evaluate("window.__sameDocument = true")
    page.select_option("#source", label="Klantreis, fase Wachten")
    page.fill("#title", "Statusbericht per sms bij elke stap")
    page.press("#title", "Enter")  # keyboard only
    page.wait_for_selector("#session-improvements li:has-text('Statusbericht per sms')")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    from playwright.sync_api import expect

    expect(page.locator("#live-region")).to_contain_text("Verbetering genoteerd")  # announced

    page.goto(f"/projects/{project_id}/improvements")
    item = page.locator(".improvement", has_text="Statusbericht per sms bij elke stap")
    assert "Klantreis, fase Wachten" in item.inner_text()


def test_a_privacy_officer_signs_a_review_from_a_task_and_the_leader_sees_it_on_the_plan(
        create_project, page):
    from playwright.sync_api import expect

    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import StepState
    from wasstraat.plans import services as plans
    from wasstraat.reviews import services as reviews
    from wasstraat.workflow import Step, StepStatus

    team: Team = create_project()
    leader = team[Role.PROJECT_LEADER]
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = (StepStatus.DONE if state.step < Step.IMPROVEMENT_PLAN else
                        StepStatus.IN_PROGRESS if state.step == Step.IMPROVEMENT_PLAN else
                        StepStatus.NOT_STARTED).value
    for title in ("Aanvraag met DigiD", "Kenteken automatisch controleren"):
        idea = improvements.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                            title=title, description="", proposer_id=None)
        idea.decision, idea.horizon, idea.impact, idea.effort = "in_plan", "quick_win", 4, 2
    db.session.flush()
    plans.send_for_review(team.project, leader)
    team.project.step_state(Step.REVIEW).status = StepStatus.IN_PROGRESS.value
    reviews.choose_domains(team.project, leader, ["privacy"])
    reviews.open_review(team.project, leader)
    project_id = team.project.id
    officer_email, leader_email = team[Role.PRIVACY_OFFICER].email, leader.email
    db.session.commit()

    log_in(page, officer_email)
    page.goto("/tasks")
    page.locator(".task", has_text="Verbeterplan toetsen op de AVG").get_by_role(
        "link", name=re.compile("^Naar het werk")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Privacy (AVG)")
    for title, remark in (("Aanvraag met DigiD", "Leg de grondslag voor de BSN vast"),
                          ("Kenteken automatisch controleren", "Koppeling met RDW melden")):
        page.get_by_label("Verbetering", exact=True).select_option(label=title)
        page.get_by_label("Opmerking").fill(remark)
        page.get_by_role("button", name="Bevinding toevoegen").click()
        expect(page.locator(".finding", has_text=remark)).to_be_visible()
    page.get_by_label("Akkoord met voorwaarden").check()
    page.get_by_label(re.compile("^Motivering")).fill("Past binnen de AVG met twee aanpassingen.")
    page.get_by_label("Voorwaarden voor het hele plan").fill("Privacyverklaring bijwerken.")
    page.get_by_label("Bijzondere of gevoelige persoonsgegevens", exact=False).check()
    page.get_by_role("button", name="Concept opslaan").click()
    page.get_by_role("button", name="Toetsing ondertekenen").click()
    # Back where the work was opened from, with a confirmation, and the task is done.
    page.wait_for_url(re.compile(r"/tasks$"))
    expect(page.locator("main")).to_contain_text("U heeft de toetsing ondertekend.")
    expect(page.locator(".task:not(.task--done)", has_text="Verbeterplan toetsen op de AVG")
           ).to_have_count(0)
    page.goto(f"/projects/{project_id}/reviews")
    page.get_by_role("link", name="Privacy (AVG)").first.click()
    expect(page.locator("#signed")).to_contain_text("Akkoord met voorwaarden")
    expect(page.locator("#signed")).to_contain_text("Een DPIA is niet nodig.")
    expect(page.get_by_role("button", name="Toetsing ondertekenen")).to_have_count(0)

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, leader_email)
    page.goto(f"/projects/{project_id}/plan")
    result = page.locator("#review-result-privacy")
    expect(result).to_contain_text("Akkoord met voorwaarden")
    expect(result).to_contain_text("ondertekend door")
    expect(result).to_contain_text("Leg de grondslag voor de BSN vast")
    expect(result).to_contain_text("Koppeling met RDW melden")


def test_the_process_owner_reorders_by_drag_and_drop_and_by_keyboard_and_the_order_stays(
        create_project, page):
    from playwright.sync_api import expect

    from wasstraat.improvements import services as improvements
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import ImplementationItem, ImplementationOrder, StepState
    from wasstraat.workflow import Step, StepStatus

    team: Team = create_project()
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = (StepStatus.DONE if state.step < Step.IMPLEMENTATION_PLAN else
                        StepStatus.IN_PROGRESS if state.step == Step.IMPLEMENTATION_PLAN else
                        StepStatus.NOT_STARTED).value
    titles = ["Statusbericht per e-mail", "Kenteken automatisch", "Overdracht schrappen"]
    db.session.add(ImplementationOrder(project_id=team.project.id))
    for position, title in enumerate(titles, start=1):
        idea = improvements.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                            resolve(team.project, "step", 6), title=title,
                                            description="", proposer_id=None)
        db.session.add(ImplementationItem(project_id=team.project.id, improvement_id=idea.id,
                                          position=position))
    project_id, email = team.project.id, team[Role.PROCESS_OWNER].email
    db.session.commit()

    def shown() -> list[str]:
        return [t.strip() for t in page.locator(".order-item__body > a").all_inner_texts()]

    log_in(page, email)
    page.goto(f"/projects/{project_id}/implementation")
    assert shown() == titles
    # Drag the third improvement by its handle above the first.
    page.evaluate("window.__sameDocument = true")
    handle = page.locator(".order-item", has_text=titles[2]).locator(".order-item__handle")
    target = page.locator(".order-item", has_text=titles[0])
    box, goal = handle.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(goal["x"] + 20, box["y"] + (goal["y"] + 5 - box["y"]) * step / 10)
    page.mouse.up()
    expect(page.locator(".order-item").first).to_contain_text(titles[2])
    expect(page.locator("#live-region")).to_contain_text("De volgorde is opgeslagen")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    page.reload()
    assert shown() == [titles[2], titles[0], titles[1]]

    # By keyboard: move the (now) second improvement down with its button.
    button = page.get_by_role("button", name=re.compile(f"^Omlaag.*{titles[0]}"))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".order-item").nth(2)).to_contain_text(titles[0])
    # And by typing a place for the last one.
    page.get_by_label(f"Nieuwe plaats voor {titles[0]}").fill("1")
    page.keyboard.press("Enter")
    expect(page.locator(".order-item").first).to_contain_text(titles[0])
    page.reload()
    assert shown() == [titles[0], titles[2], titles[1]]


WCAG_21_AA = {"runOnly": {"type": "tag",
                          "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


# Words a table cell broke in two ("Burgerzake n"): each word's pieces must share one line.
# Hyphenated words may break at their hyphen.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/[^\\s\\u00a0-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                              .map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG_21_AA)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
            for v in result.response["violations"]]


@pytest.mark.sqlite_only
def test_every_page_type_passes_axe_in_its_filled_empty_and_error_states(page, municipality):
    """WCAG 2.1 A/AA by axe-core, on the demo municipality: every page type as the roles that
    see its forms, an empty project, forms with errors, and a page after an htmx swap."""
    from playwright.sync_api import expect

    from wasstraat.demo import DEMO_PASSWORD, demo_email
    from wasstraat.jobs import periodic_work
    from wasstraat.models import (
        EventLog,
        Idea,
        ImplementationItem,
        Improvement,
        Kpi,
        Membership,
        Project,
        Review,
        User,
        WorkSession,
    )

    p, done, empty = municipality.values()
    first = {
        "ws": db.session.scalar(db.select(WorkSession.id).where(WorkSession.project_id == p)),
        "i": db.session.scalar(db.select(Improvement.id).where(Improvement.project_id == p)),
        "rv": db.session.scalar(db.select(Review.id).where(Review.project_id == p)),
        "it": db.session.scalar(db.select(ImplementationItem.id).where(
            ImplementationItem.project_id == p)),
        "done_it": db.session.scalar(db.select(ImplementationItem.id).where(
            ImplementationItem.project_id == done)),
        "kpi": db.session.scalar(db.select(Kpi.id).where(Kpi.project_id == p)),
        "member": db.session.scalar(db.select(Membership.id).where(Membership.project_id == p)),
        "log": db.session.scalar(db.select(EventLog.id).where(EventLog.project_id == p)),
        "sponsor": db.session.scalar(db.select(User.id).where(
            User.email == demo_email("sponsor"))),
        # A Woo publication of the closed project's evaluation, being redacted.
        "woo": woo.prepare(db.session.get(Project, done), db.session.scalar(
            db.select(User).where(User.email == demo_email("process_owner"))),
            document=WooDocument.EVALUATION, category=ONDERZOEKSRAPPORTEN,
            title="Evaluatie Verhuizing doorgeven").id,
        "idea": db.session.scalar(db.select(db.func.min(Idea.id)).where(Idea.state == "open")),
        "declined": db.session.scalar(db.select(Idea.id).where(Idea.state == "declined")),
    }
    db.session.commit()
    periodic_work()  # reminders in the inboxes, e-mails in the outbox
    pages = {
        "project_leader": [
            "/", "/tasks", f"/projects/{p}", f"/projects/{p}/team", f"/projects/{p}/history",
            f"/projects/{p}/edit", *(f"/projects/{p}/steps/{n}" for n in range(1, 11)),
            f"/projects/{p}/planning", f"/projects/{p}/board-decisions",
            f"/projects/{p}/team/{first['member']}/roles",
            f"/projects/{p}/kpis", f"/projects/{p}/process", f"/projects/{p}/process/desired",
            f"/projects/{p}/journey",
            f"/projects/{p}/formula", f"/projects/{p}/sessions",
            f"/projects/{p}/sessions/{first['ws']}", f"/projects/{p}/improvements",
            f"/projects/{p}/improvements/new?source=step&source_id=6",
            f"/projects/{p}/tasks/new", f"/projects/{p}/plan",
            f"/projects/{p}/plan/improvements/{first['i']}", f"/projects/{p}/plan/versions/2",
            f"/projects/{p}/reviews", f"/projects/{p}/reviews/{first['rv']}",
            f"/projects/{empty}", f"/projects/{empty}/plan", f"/projects/{empty}/reviews",
            f"/projects/{empty}/implementation", f"/projects/{empty}/kpis",
            f"/projects/{done}/implementation", f"/projects/{done}/implementation/evaluation",
            f"/projects/{done}/implementation/actions/{first['done_it']}",
            "/projects/new", "/account/password", f"/projects/{p}/kpis/{first['kpi']}/delete",
            "/notifications", "/reports", "/account/api-tokens", "/api/documentatie",
            f"/projects/{p}/event-logs/{first['log']}",
            f"/projects/{p}/improvements/{first['i']}/comments", f"/projects/{p}/steps/1/comments",
            f"/projects/{done}/actions/{first['done_it']}/comments",
            f"/projects/{p}/improvements/import", f"/projects/{done}/copy"],
        "process_owner": ["/notifications", "/notifications/settings", f"/projects/{done}",
                          f"/projects/{p}/implementation/import",
                          f"/projects/{done}/woo", f"/projects/{done}/woo/{first['woo']}",
                          f"/projects/{done}/follow-up",
                          f"/projects/{p}/implementation",
                          f"/projects/{p}/implementation/items/{first['it']}"],
        # The gate of step 9, with the sponsor's form; the project's health.
        "sponsor": [f"/projects/{p}/steps/9", f"/projects/{p}", f"/projects/{p}/planning"],
        # The idea box, as its coordinator sees it; the figures.
        "process_advisor": ["/ideas", "/ideas?shown=all", f"/ideas/{first['idea']}",
                            f"/ideas/{first['declined']}", "/ideas/new",
                            f"/ideas/{first['idea']}/new-project", "/reports/ideas"],
        "admin": ["/reports", "/reports?year=abc", "/reports?year=2025&page=1",
                  "/admin/organisation", "/admin/woo",
                  "/admin/outbox", "/admin/users", "/admin/users/new", "/admin/formulas", "/admin/formulas/new",
                  f"/admin/users/{first['sponsor']}/edit", "/admin/audit",
                  "/admin/audit?since=gisteren&project=-1",
                  # Templates: the list, a version, saving a project as one, importing.
                  "/templates", "/templates/versions/1", f"/projects/{done}/template",
                  "/templates/import"],
    }
    failures = []
    page.goto("/login")
    failures += [f"/login {v}" for v in axe_violations(page)]
    for who, paths in pages.items():
        log_in(page, demo_email(who), DEMO_PASSWORD)
        for path in paths:
            page.goto(path)
            failures += [f"{path} {v}" for v in axe_violations(page)]
        page.get_by_role("button", name="Uitloggen").click()

    # Error states: forms sent back with their messages.
    log_in(page, demo_email("project_leader"), DEMO_PASSWORD)
    page.goto("/projects/new")
    page.locator("main form button[type=submit]").last.click()
    failures += [f"/projects/new (errors) {v}" for v in axe_violations(page)]
    page.goto(f"/projects/{empty}/kpis")
    page.locator("main form button[type=submit]").last.click()
    failures += [f"kpis (errors) {v}" for v in axe_violations(page)]
    page.goto(f"/projects/{empty}/team")
    page.get_by_label("Collega 1: naam of e-mailadres").fill("Niemand Bekend")
    page.get_by_role("button", name="Toevoegen aan het team").click()
    failures += [f"team (errors) {v}" for v in axe_violations(page)]
    page.goto(f"/projects/{p}/planning")
    page.get_by_label("Stap 10 gepland klaar").fill("2000-01-01")
    page.get_by_role("button", name="Planning opslaan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    failures += [f"planning (errors) {v}" for v in axe_violations(page)]
    # The dialog that asks before deleting (with JavaScript; the page above without).
    page.goto(f"/projects/{p}/team")
    page.get_by_role("link", name=re.compile("^Uit het team halen")).first.click()
    expect(page.locator("#confirm-delete")).to_be_visible()
    failures += [f"team (delete dialog) {v}" for v in axe_violations(page)]
    page.keyboard.press("Escape")
    # After an htmx swap: a task ticked off on the step page.
    page.goto(f"/projects/{empty}/steps/1")
    page.locator(".task__toggle").first.click()
    page.wait_for_timeout(300)
    failures += [f"step 1 (after htmx) {v}" for v in axe_violations(page)]
    # A new API token, shown once in the list of tokens; then the form refused.
    page.goto("/account/api-tokens")
    page.get_by_label("Naam van het token").fill("Dashboard Vergunningen")
    page.get_by_label("Uw wachtwoord, ter bevestiging").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Token maken").click()
    expect(page.locator("#new-token")).to_contain_text("wst_")
    failures += [f"api tokens (new) {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="Token maken").click()
    failures += [f"api tokens (errors) {v}" for v in axe_violations(page)]
    # Improvements from a CSV: a file with errors, then one ready to import.
    for name, content in (("fouten", "Titel;Impact\r\n=1+1;veel\r\n"),
                          ("goed", "Titel;Beschrijving\r\nBalie op afspraak;Geen rij\r\n")):
        page.goto(f"/projects/{p}/improvements/import")
        page.get_by_label("Excel- of CSV-bestand").set_input_files(
            {"name": f"{name}.csv", "mimeType": "text/csv", "buffer": content.encode()})
        page.get_by_role("button", name="Bestand controleren").click()
        failures += [f"import ({name}) {v}" for v in axe_violations(page)]
    expect(page.get_by_role("button", name="1 rij importeren")).to_be_visible()
    # The idea box: look-alikes while typing (htmx), a decline refused without its reason.
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, demo_email("process_advisor"), DEMO_PASSWORD)
    page.goto("/ideas/new")
    page.get_by_label("Uw idee in één zin").press_sequentially("Verhuizing doorgeven afvalstoffenheffing")
    expect(page.locator("#similar")).to_contain_text("Lijkt op deze ideeën")
    failures += [f"idea (look-alikes) {v}" for v in axe_violations(page)]
    page.goto(f"/ideas/{first['idea']}")
    page.get_by_role("button", name="Afwijzen").click()
    expect(page.locator(".error-summary").first).to_be_visible()
    failures += [f"idea (decline refused) {v}" for v in axe_violations(page)]
    # The questions beside the work (the empty project at step 5, then 7), one refused.
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, demo_email("project_leader"), DEMO_PASSWORD)
    for step, question_set in ((Step.SERVICE_FORMULA, "formula"), (Step.REVIEW, "review")):
        put_in_step(db.session.get(Project, empty), step)
        page.goto(f"/projects/{empty}/questions/{question_set}")
        failures += [f"questions ({question_set}) {v}" for v in axe_violations(page)]
    page.locator("main textarea").first.fill("\n".join(f"Vraag {n}?" for n in range(11)))
    page.get_by_role("button", name="Vragen opslaan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    failures += [f"questions (refused) {v}" for v in axe_violations(page)]
    assert failures == []
    # On a phone the tables scroll; their words stay whole, and the page does not scroll
    # sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/projects/{p}/process", f"/projects/{p}/plan", f"/projects/{p}/kpis",
                 f"/projects/{p}/reviews", f"/projects/{p}/implementation", "/reports",
                 f"/projects/{p}/history", "/processes", f"/projects/{p}/planning"):
        page.goto(path)
        assert page.evaluate(BROKEN_WORDS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), path


def test_the_session_warning_lets_a_keyboard_user_stay_signed_in(create_user, page, app):
    """WCAG 2.2.1: before the idle timeout a dialog offers more time, usable by keyboard."""
    from playwright.sync_api import expect

    email = create_user().email
    db.session.commit()
    page.clock.install()
    log_in(page, email)
    page.goto("/tasks")
    dialog = page.locator("#session-warning")
    expect(dialog).to_be_hidden()
    idle, warning = app.config["SESSION_IDLE_MINUTES"] * 60, 120
    page.clock.fast_forward((idle - warning + 1) * 1000)
    expect(dialog).to_be_visible()
    expect(page.get_by_role("button", name="Ingelogd blijven")).to_be_focused()
    assert axe_violations(page) == []
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#live-region")).to_contain_text("U blijft ingelogd")
    assert page.url.endswith("/tasks")


def test_setting_up_the_second_factor_and_signing_in_with_it(create_user, page, app):
    """Every screen of the second factor passes axe, and the whole flow works in a browser."""
    import pyotp
    from playwright.sync_api import expect

    app.config["MFA_REQUIRED"] = "admins"
    email = create_user(admin=True).email
    db.session.commit()
    failures: list[str] = []
    def type_password() -> None:
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")

    type_password()  # the password alone leads to the set-up, and nowhere else
    expect(page).to_have_url(re.compile("/account/second-factor$"))
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile("/account/second-factor$"))
    failures += [f"set-up (start) {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="Tweestapsverificatie instellen").click()
    secret = page.locator(".secret-key").inner_text().replace(" ", "")
    expect(page.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
    failures += [f"set-up (QR) {v}" for v in axe_violations(page)]
    page.get_by_label(re.compile("^Code")).fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    failures += [f"set-up (error) {v}" for v in axe_violations(page)]
    page.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    failures += [f"recovery codes {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="Uitloggen").click()

    type_password()
    expect(page).to_have_url(re.compile("/login/code"))
    failures += [f"code step {v}" for v in axe_violations(page)]
    page.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Welkom"))).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    page.goto("/account/second-factor")
    failures += [f"settings (on) {v}" for v in axe_violations(page)]
    assert failures == []


def test_a_required_field_looks_normal_until_the_form_is_sent_and_refused(create_project, page):
    """Browsers call an empty required field :invalid from the start; the error styling is
    for fields the server refused (aria-invalid), not for a form no one has sent yet."""
    from wasstraat.models import StepState
    from wasstraat.workflow import Step, StepStatus

    team: Team = create_project()
    db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == Step.KPIS)).one().status = \
        StepStatus.IN_PROGRESS.value
    email, project_id = team[Role.PROJECT_LEADER].email, team.project.id
    db.session.commit()  # the test holds no transaction while the browser works
    log_in(page, email)
    page.goto(f"/projects/{project_id}/kpis")
    radio = page.get_by_label("Lager is beter")
    style = "e => getComputedStyle(e).borderColor + ' ' + getComputedStyle(e).borderWidth"
    fresh = radio.evaluate(style)
    refused = radio.evaluate("e => { e.setAttribute('aria-invalid', 'true'); return "
                             "getComputedStyle(e).borderColor + ' ' + "
                             "getComputedStyle(e).borderWidth; }")
    assert radio.evaluate("e => e.matches(':invalid')")  # the browser's view
    assert fresh != refused  # but it does not look refused


def test_on_a_phone_wat_nu_is_on_the_first_screen_of_every_step_page(create_project, page):
    team: Team = create_project()
    email, project_id = team[Role.PROJECT_LEADER].email, team.project.id
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, email)
    for number in range(1, 11):
        page.goto(f"/projects/{project_id}/steps/{number}")
        heading = page.locator("#next-heading").bounding_box()
        assert heading["y"] + heading["height"] <= 844, number
        assert not page.locator(".progress__step").first.is_visible()
    # The folded track opens from its line, by keyboard too.
    page.locator(".progress__summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".progress__step").nth(9)).to_be_visible()
    # On a wide screen the ten steps are open, without the line.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/projects/{project_id}/steps/1")
    expect(page.locator(".progress__step").nth(9)).to_be_visible()
    expect(page.locator(".progress__summary")).to_be_hidden()


def test_after_an_in_place_update_focus_stays_in_the_updated_part(create_project, page):
    """Confirming with Enter swaps the step's work area; focus goes to that area's status
    message, never to a control someone else's task put where the button was."""
    team: Team = create_project()
    email, project_id = team[Role.PROJECT_LEADER].email, team.project.id
    db.session.commit()
    log_in(page, email)
    page.goto(f"/projects/{project_id}/steps/1")
    page.get_by_role("button", name="Stap 1: Samenstellen projectgroep starten").first.click()
    page.locator("#product-team button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#product-team")).to_contain_text("Bevestiging intrekken")
    focused = page.evaluate("""() => { const a = document.activeElement;
        return [a.isConnected && a.closest('#step-work') !== null, a.tagName, a.className,
                a.hasAttribute('data-announce')]; }""")
    assert focused[0] and focused[1] != "BODY", focused
    assert "task__toggle" not in focused[2], focused
    # On the product just confirmed, so the next Tab continues from there.
    assert page.evaluate("document.activeElement.id") == "product-team"


def test_the_persons_own_next_action_is_four_keys_away_on_a_step_and_a_project_page(
        create_project, page):
    """Tab, Tab to the skip link "Naar „Wat nu?”", Enter, Tab: the first of their actions."""
    team: Team = create_project()
    email, project_id = team[Role.PROJECT_LEADER].email, team.project.id
    db.session.commit()
    log_in(page, email)
    for path in (f"/projects/{project_id}", f"/projects/{project_id}/steps/1"):
        page.goto(path)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Naar „Wat nu?”", path
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        first = page.locator("#next .next-actions__item").first.locator("a, button").first
        assert first.evaluate("e => e === document.activeElement"), path


def test_typing_at_suggests_a_team_member_and_the_comment_notifies_them(create_project, page):
    """Issue 36: @ plus the start of a name lists the team; Enter chooses, which writes the
    name and ticks its box; the comment (sent through htmx) shows the mention, and the
    thread passes axe with the suggestions open."""
    from conftest import put_in_step

    from wasstraat.models import Notification
    from wasstraat.notification_kinds import Kind
    from wasstraat.workflow import Step

    team: Team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    leader = team[Role.PROJECT_LEADER]
    email, leader_name, leader_id = team[Role.PROCESS_ADVISOR].email, leader.name, leader.id
    thread = f"/projects/{team.project.id}/steps/6/comments"
    db.session.commit()  # no transaction of the test left open while the browser writes
    log_in(page, email)
    page.goto(thread)
    box = page.get_by_label("Uw reactie")
    box.click()
    box.press_sequentially("Wie betaalt dit, @proj")
    expect(page.get_by_role("option", name=leader_name)).to_be_visible()
    assert axe_violations(page) == []
    box.press("Enter")
    expect(box).to_have_value(f"Wie betaalt dit, @{leader_name} ")
    # The person's box (in the folded list) is ticked too.
    expect(page.locator(f"input[name=mention][value='{leader_id}']")).to_be_checked()
    page.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.locator(".comment .mention")).to_have_text(f"@{leader_name}")
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == leader_id, Notification.kind == Kind.MENTION)) == 1
