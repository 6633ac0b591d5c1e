"""In a real browser (Debian's chromium driven by Playwright): what users do, with htmx and
CSRF switched on, as in production. Screens are saved under test-artifacts/ when a step fails."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import PASSWORD, Team
from werkzeug.serving import make_server

from wasstraat.extensions import db
from wasstraat.models import JourneyPhase, WorkSession
from wasstraat.workflow import Role

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(live_server, request):  # noqa: ANN001, ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(base_url=live_server)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(live_server)
                or r.url.startswith("data:") else outside.append(r.url))
        csp_errors: list[str] = []
        page.on("console", lambda m: csp_errors.append(m.text)
                if "Content Security Policy" in m.text else None)
        yield page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()
        assert outside == [], "the pages fetched something from outside the app"
        assert csp_errors == [], csp_errors


def log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def test_an_improvement_from_a_pain_point_is_noted_during_a_session_without_a_reload(
        create_project, page):  # noqa: ANN001
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
