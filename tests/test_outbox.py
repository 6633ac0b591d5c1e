"""The development outbox: without a mail server, `make run` keeps the e-mails it would
have sent, and an administrator reads them; production has no such page."""

from __future__ import annotations

import pytest
from conftest import Team

from wasstraat.workflow import Role


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"WTF_CSRF_ENABLED": False, "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp_path / "outbox"), "BASE_URL": "http://127.0.0.1:5000"}


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def test_an_administrator_reads_the_mail_that_would_have_gone_out(app, team, login_as,
                                                                  create_user):
    admin = create_user("Beheerder", admin=True)
    reader = login_as(admin)
    assert "Nog geen e-mails" in reader.get("/admin/outbox").get_data(as_text=True)
    assert "Uitgaande e-mail" in reader.get("/admin/users").get_data(as_text=True)

    assert login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/steps/1/start").status_code == 303
    page = reader.get("/admin/outbox").get_data(as_text=True)
    sponsor = team[Role.SPONSOR]
    assert f"<dd>{sponsor.name} &lt;{sponsor.email}&gt;</dd>" in page or sponsor.email in page
    assert "Stap 1 (Samenstellen projectgroep)" in page
    assert f"http://127.0.0.1:5000/projects/{team.project.id}/" in page
    assert login_as(sponsor).get("/admin/outbox").status_code == 403


def test_there_is_no_outbox_where_mail_goes_to_a_server(app, login_as, create_user):
    app.config["MAIL_BACKEND"] = "smtp"
    reader = login_as(create_user("Beheerder", admin=True))
    assert reader.get("/admin/outbox").status_code == 404
    assert "Uitgaande e-mail" not in reader.get("/admin/users").get_data(as_text=True)
