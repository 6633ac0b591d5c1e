"""Improvements from Excel or CSV (issue 36): a good workbook imports exactly, after a preview;
a hostile one (formulas, huge cells, too many rows, wrong types, duplicate titles, names of
non-users, a zip bomb) is refused with the row and the reason, and nothing is stored."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import pytest
from conftest import Team, put_in_step
from openpyxl import Workbook, load_workbook

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, Improvement
from wasstraat.workflow import Horizon, Role, Step

HEADER = ["Titel", "Beschrijving", "Bron (stap)", "Ingediend door", "Horizon", "Impact",
          "Inspanning", "Kosten"]


@pytest.fixture
def team(create_project) -> Team:
    team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    return team


def workbook(rows: list[list], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def send(client, team: Team, data: bytes, filename: str = "sessie.xlsx"):
    return client.post(f"/projects/{team.project.id}/improvements/import",
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def stored(team: Team) -> list[Improvement]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == team.project.id).order_by(Improvement.id)))


def kept_of(html: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
            for name in ("kept", "filename")}


def test_a_good_workbook_is_previewed_then_imported_exactly(team, login_as):
    expert = team[Role.SUBJECT_EXPERT]
    client = login_as(team[Role.PROJECT_LEADER])
    data = workbook([
        ["Statusbericht per e-mail", "Na elke stap een bericht", 3, expert.name, "Quick win",
         4, 2, 1500],
        ["Kentekencheck via RDW", "", "stap 4", "", "lange termijn", "groot", 5, None],
        ["Formulier korter", None, None, None, None, None, None, None],
    ])
    preview = send(client, team, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Klaar om te importeren: 3 rijen" in html
    assert stored(team) == []  # a new file is shown first
    done = client.post(f"/projects/{team.project.id}/improvements/import", data=kept_of(html))
    assert done.status_code == 303
    first, second, third = stored(team)
    assert (first.title, first.description, first.step, first.proposer_id) == (
        "Statusbericht per e-mail", "Na elke stap een bericht", Step.PROCESS, expert.id)
    assert (first.horizon, first.impact, first.effort, first.cost_estimate) == (
        Horizon.QUICK_WIN, 4, 2, 1500)
    assert (second.step, second.horizon, second.impact, second.effort) == (
        Step.JOURNEY, Horizon.LONG_TERM, 4, 5)
    assert second.proposer_id == team[Role.PROJECT_LEADER].id  # empty: whoever imports
    assert third.step == Step.IMPROVEMENT_PLAN and third.horizon is None
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="improvement.import"))
    assert event.after == {"filename": "sessie.xlsx", "count": 3}


def test_a_csv_with_semicolons_imports_too(team, login_as):
    client = login_as(team[Role.PROCESS_ADVISOR])
    data = "Titel;Beschrijving\r\nBalie op afspraak;Geen wachtrij meer\r\n".encode("utf-8-sig")
    html = send(client, team, data, "ideeen.csv").get_data(as_text=True)
    client.post(f"/projects/{team.project.id}/improvements/import", data=kept_of(html))
    assert [(i.title, i.description) for i in stored(team)] == [
        ("Balie op afspraak", "Geen wachtrij meer")]


def problems(response) -> list[tuple[str, str, str]]:
    html = response.get_data(as_text=True)
    table = html.split("Wat niet klopt", 1)[1] if "Wat niet klopt" in html else ""
    cells = re.findall(r'<td class="utrecht-table__cell">(.*?)</td>', table, re.S)
    return [tuple(c.strip() for c in cells[i:i + 3]) for i in range(0, len(cells), 3)]


def test_a_hostile_workbook_is_refused_row_by_row_and_nothing_is_stored(team, login_as,
                                                                        create_user):
    stranger = create_user("Iemand Anders")
    client = login_as(team[Role.PROJECT_LEADER])
    response = send(client, team, workbook([
        ["=HYPERLINK(\"http://x\",\"klik\")", "", None, None, None, None, None, None],
        ["x" * 20_000, "", None, None, None, None, None, None],
        ["Dubbel", "", None, None, None, "veel", 9, "duur"],
        ["Dubbel", "", 12, stranger.name, "morgen", None, None, None],
        ["<script>alert(1)</script>", "", None, None, None, None, None, None],
    ]))
    assert response.status_code == 422
    found = problems(response)
    rows = {(row, column) for row, column, _reason in found}
    assert ("2", "Titel") in rows and "formule" in dict(((r, c), m) for r, c, m in found)[
        ("2", "Titel")]
    assert ("3", "Titel") in rows  # longer than 200 characters
    assert {("4", "Impact"), ("4", "Inspanning"), ("4", "Kosten")} <= rows
    assert {("5", "Titel"), ("5", "Bron (stap)"), ("5", "Ingediend door"),
            ("5", "Horizon")} <= rows
    assert all(re.search(r"[a-z]", reason) for _r, _c, reason in found)
    html = response.get_data(as_text=True)
    assert "Iemand Anders" in html and "is geen teamlid" in html
    assert "<script>alert(1)" not in html
    assert "importeren</button>" not in html
    assert stored(team) == []


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("te-veel.xlsx", None, "meer dan 2000 rijen"),
    ("bom.xlsx", "bomb", "pakt uit tot veel meer"),
    ("kapot.xlsx", b"PK\x03\x04 niet echt", "geen geldig Excel-bestand"),
    ("plaatje.png", b"\x89PNG", "Kies een Excel-bestand"),
    ("leeg.csv", b"Titel\r\n", "geen rijen"),
    ("vreemd.csv", b"Titel;Prioriteit\r\nA;1\r\n", "Prioriteit"),
])
def test_a_file_that_is_no_table_of_ideas_is_refused_whole(team, login_as, name, data, reason):
    if data is None:
        data = workbook([[f"Idee {n}"] for n in range(10_000)], header=["Titel"])
    elif data == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
        data = buffer.getvalue()
    response = send(login_as(team[Role.PROJECT_LEADER]), team, data, name)
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert stored(team) == []


def test_a_kept_file_is_judged_again_when_it_is_imported(team, login_as):
    client = login_as(team[Role.PROJECT_LEADER])
    forged = base64.b64encode(workbook([["=1+1"]], header=["Titel"])).decode()
    response = client.post(f"/projects/{team.project.id}/improvements/import",
                           data={"kept": forged, "filename": "x.xlsx"})
    assert response.status_code == 422 and stored(team) == []
    garbage = client.post(f"/projects/{team.project.id}/improvements/import",
                          data={"kept": "%%%", "filename": "x.xlsx"})
    assert garbage.status_code == 422 and "Kies het bestand opnieuw" in garbage.get_data(
        as_text=True)


def test_the_plans_columns_are_refused_once_the_plan_is_final(create_project, login_as):
    team = create_project()
    put_in_step(team.project, Step.EXECUTION)
    response = send(login_as(team[Role.PROJECT_LEADER]), team, workbook([
        ["Eerder", "", None, None, "Quick win", None, None, None]]))
    assert response.status_code == 422 and stored(team) == []
    assert problems(response)[0][:2] == ("2", "Horizon")
    assert "Het verbeterplan is definitief" in problems(response)[0][2]


def test_the_template_has_the_forms_columns_and_the_teams_names(team, login_as):
    response = login_as(team[Role.PROCESS_ADVISOR]).get(
        f"/projects/{team.project.id}/improvements/import/sjabloon.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    assert book.worksheets[1]["A1"].value == "Titel"


def test_outsiders_cannot_import(team, login_as):
    client = login_as(team.outsider)
    assert client.get(f"/projects/{team.project.id}/improvements/import").status_code == 404
    assert send(client, team, workbook([["Idee"]])).status_code == 404


def test_a_title_already_in_the_project_and_a_name_two_members_share_are_refused(
        team, login_as, create_user):
    from wasstraat.projects import services as projects

    leader = team[Role.PROJECT_LEADER]
    twin = create_user(team[Role.SUBJECT_EXPERT].name)  # a second colleague of that name
    projects.add_member(team.project, leader, twin, {Role.TEAM_MANAGER})
    db.session.add(Improvement(project_id=team.project.id, title="Balie op afspraak",
                               step=Step.PROCESS, source_type="step", source_id=3))
    db.session.commit()
    response = send(login_as(leader), team, workbook([
        ["balie op afspraak "], ["Nieuw idee", "", None, twin.name],
        ["Ander idee", "", None, "=B2"]]))
    assert response.status_code == 422
    found = {(row, column): reason for row, column, reason in problems(response)}
    assert "staat al in dit traject" in found[("2", "Titel")]
    assert "Twee teamleden heten" in found[("3", "Ingediend door")]
    # A formula is reported once, as a formula (not also as an unknown name).
    assert [c for r, c, _m in problems(response) if r == "4"] == ["Ingediend door"]
    assert "formule" in found[("4", "Ingediend door")]
    assert len(stored(team)) == 1


def test_a_preview_with_problems_is_never_applied(team):
    from wasstraat.errors import WorkflowError
    from wasstraat.improvements import imports
    from wasstraat.spreadsheets import Table

    checked = imports.preview(team.project, team[Role.PROJECT_LEADER],
                              Table(["Titel"], [(2, [""])]))
    assert not checked.ok
    with pytest.raises(WorkflowError):
        imports.apply(team.project, team[Role.PROJECT_LEADER], checked, "x.csv")
    assert stored(team) == []
