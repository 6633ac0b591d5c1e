"""Dutch first; English per user; every text in the interface translated."""

from __future__ import annotations

import subprocess
import sys

from babel.messages.pofile import read_po

from wasstraat import ROOT
from wasstraat.extensions import db
from wasstraat.models import User


def test_the_interface_is_dutch_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl"' in page and "Inloggen" in page


def test_a_user_can_switch_to_english_and_back(client, create_user, create_project):
    from conftest import login

    from wasstraat.workflow import Role

    team = create_project()
    user = team[Role.PROJECT_LEADER]
    login(client, user)
    response = client.post("/account/language", data={"locale": "en", "next": "/tasks"})
    assert response.status_code == 303 and response.headers["Location"] == "/tasks"
    assert db.session.get(User, user.id).locale == "en"
    page = client.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Define KPIs" in page and "Project team" in page and "KPI&#39;s bepalen" not in page
    client.post("/account/language", data={"locale": "nl"})
    assert "KPI&#39;s bepalen" in client.get(f"/projects/{team.project.id}").get_data(
        as_text=True)


def test_an_unknown_language_is_refused(client, create_user):
    from conftest import login

    user = create_user()
    login(client, user)
    assert client.post("/account/language", data={"locale": "xx"}).status_code == 400
    assert db.session.get(User, user.id).locale == "nl"


def test_every_interface_text_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
         str(ROOT / "babel.cfg"), "-k", "N_", "-k", "_l", "-o", str(pot), str(ROOT)],
        check=True, cwd=ROOT, capture_output=True,
    )
    with pot.open("rb") as extracted_file:
        extracted = {m.id for m in read_po(extracted_file) if m.id}
    with (ROOT / "wasstraat/translations/en/LC_MESSAGES/messages.po").open("rb") as po_file:
        catalog = read_po(po_file)
    translated = {m.id for m in catalog if m.id and not m.fuzzy and (
        all(m.string) if isinstance(m.string, tuple) else m.string)}
    missing = extracted - translated
    assert not missing, f"run `make extract-messages` and translate: {sorted(missing, key=str)[:10]}"
