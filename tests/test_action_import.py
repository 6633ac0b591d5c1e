"""The implementation plan's actions from Excel or CSV (issue 36): the process owner plans who
and when (step 9), the team reports how far (step 10), each row judged by the screens' forms,
policy and windows; all rows or none."""

from __future__ import annotations

import io
import re

import pytest
from conftest import put_in_step as in_step
from openpyxl import load_workbook
from test_implementation import TITLES, clients, items, plan, team  # noqa: F401 (fixtures)

from wasstraat.extensions import db
from wasstraat.models import AuditEvent
from wasstraat.workflow import ActionStatus, Role, Step


def send(client, team, text: str):
    return client.post(f"/projects/{team.project.id}/implementation/import",
                       data={"file": (io.BytesIO(text.encode()), "acties.csv")},
                       content_type="multipart/form-data")


def kept_of(html: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
            for name in ("kept", "filename")}


def problems(response) -> dict[tuple[str, str], str]:
    html = response.get_data(as_text=True)
    table = html.split("Wat niet klopt", 1)[1] if "Wat niet klopt" in html else ""
    cells = [c.strip() for c in re.findall(r'<td class="utrecht-table__cell">(.*?)</td>',
                                           table, re.S)]
    return {(cells[i], cells[i + 1]): cells[i + 2] for i in range(0, len(cells), 3)}


def test_the_process_owner_plans_the_actions_from_a_sheet(team, clients, plan):
    expert = team[Role.SUBJECT_EXPERT]
    owner = clients[Role.PROCESS_OWNER]
    sheet = (f"Verbetering;Verantwoordelijke;Start;Einde\r\n"
             f"{TITLES[0]};{expert.name};04-01-2027;2027-02-26\r\n"
             f"{TITLES[2]};{team[Role.PROJECT_LEADER].name};2027-03-01;31-03-2027\r\n")
    preview = send(owner, team, sheet)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 rijen importeren" in html
    assert all(i.responsible_id is None for i in items(team))  # shown, not yet stored
    assert owner.post(f"/projects/{team.project.id}/implementation/import",
                      data=kept_of(html)).status_code == 303
    planned = {i.improvement.title: i for i in items(team)}
    first, third = planned[TITLES[0]], planned[TITLES[2]]
    assert (first.responsible_id, str(first.start_on), str(first.end_on)) == (
        expert.id, "2027-01-04", "2027-02-26")
    assert (third.responsible_id, str(third.end_on)) == (team[Role.PROJECT_LEADER].id,
                                                       "2027-03-31")
    assert planned[TITLES[1]].responsible_id is None
    assert db.session.scalar(db.select(AuditEvent).filter_by(
        action="implementation.import")).after["count"] == 2


def test_a_sheet_with_wrong_rows_changes_no_action(team, clients, plan, create_user):
    stranger = create_user("Iemand Anders")
    sheet = (f"Verbetering;Verantwoordelijke;Start;Einde\r\n"
             f"Bestaat niet;;;\r\n"
             f"{TITLES[0]};{stranger.name};2027-01-04;2027-02-26\r\n"
             f"{TITLES[1]};{team[Role.SUBJECT_EXPERT].name};2027-03-01;2027-01-01\r\n"
             f"{TITLES[2]};=A1;2027-03-01;2027-04-01\r\n"
             f"{TITLES[2]};;2027-03-01;2027-04-01\r\n")
    response = send(clients[Role.PROCESS_OWNER], team, sheet)
    assert response.status_code == 422
    found = problems(response)
    assert "staat niet in het implementatieplan" in found[("2", "Verbetering")]
    assert "geen teamlid" in found[("3", "Verantwoordelijke")]
    assert "vóór de start" in found[("4", "Einde")]
    assert "formule" in found[("5", "Verantwoordelijke")]
    assert "ook in rij 5" in found[("6", "Verbetering")]
    assert all(i.responsible_id is None and i.start_on is None for i in items(team))


def test_only_the_process_owner_plans_and_the_status_waits_for_step_10(team, clients, plan):
    sheet = f"Verbetering;Start;Einde;Status\r\n{TITLES[0]};2027-01-04;2027-02-26;Bezig\r\n"
    response = send(clients[Role.PROJECT_LEADER], team, sheet)
    assert response.status_code == 422
    found = problems(response)
    assert "U mag dit niet wijzigen" in found[("2", "Start")]
    assert "stap 10" in found[("2", "Status")]


def test_in_step_10_the_team_reports_how_far_each_action_is(team, clients, plan):
    expert = team[Role.SUBJECT_EXPERT]
    for item in items(team):
        item.responsible_id = expert.id
    db.session.commit()
    in_step(team.project, Step.EXECUTION)
    leader = clients[Role.PROJECT_LEADER]
    blocked = f"Verbetering;Status\r\n{TITLES[1]};Geblokkeerd\r\n"
    assert "waardoor de actie geblokkeerd" in problems(send(leader, team, blocked))[
        ("2", "Waardoor geblokkeerd")]
    sheet = (f"Verbetering;Status;Waardoor geblokkeerd\r\n{TITLES[0]};Bezig;\r\n"
             f"{TITLES[1]};geblokkeerd;Wacht op de leverancier\r\n")
    html = send(leader, team, sheet).get_data(as_text=True)
    assert leader.post(f"/projects/{team.project.id}/implementation/import",
                       data=kept_of(html)).status_code == 303
    by_title = {i.improvement.title: i for i in items(team)}
    assert by_title[TITLES[0]].status is ActionStatus.IN_PROGRESS
    assert (by_title[TITLES[1]].status, by_title[TITLES[1]].blocked_reason) == (
        ActionStatus.BLOCKED, "Wacht op de leverancier")


def test_the_template_lists_the_plans_improvements(team, clients, plan):
    response = clients[Role.PROCESS_OWNER].get(
        f"/projects/{team.project.id}/implementation/import/sjabloon.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Verbetering", "Verantwoordelijke", "Start",
                                           "Einde", "Status", "Waardoor geblokkeerd"]
    assert sorted(sheet.cell(row=r, column=1).value for r in (2, 3, 4)) == sorted(TITLES)


def test_who_neither_plans_nor_reports_is_refused_at_the_door(team, clients, plan):
    assert clients[Role.TEAM_MANAGER].get(
        f"/projects/{team.project.id}/implementation/import").status_code == 403


def test_a_name_two_members_share_is_refused_and_a_bad_preview_never_applied(
        team, clients, plan, create_user):
    from wasstraat.access import access_to
    from wasstraat.errors import WorkflowError
    from wasstraat.implementation import imports
    from wasstraat.projects import services as projects
    from wasstraat.spreadsheets import Table

    twin = create_user(team[Role.SUBJECT_EXPERT].name)
    projects.add_member(team.project, team[Role.PROJECT_LEADER], twin, {Role.TEAM_MANAGER})
    db.session.commit()
    sheet = f"Verbetering;Verantwoordelijke\r\n{TITLES[0]};{twin.name}\r\n"
    found = problems(send(clients[Role.PROCESS_OWNER], team, sheet))
    assert "Twee teamleden heten" in found[("2", "Verantwoordelijke")]
    access = access_to(team.project, team[Role.PROCESS_OWNER])
    checked = imports.preview(access, Table(["Verbetering"], [(2, ["Bestaat niet"])]))
    with pytest.raises(WorkflowError):
        imports.apply(access, team[Role.PROCESS_OWNER], checked, "x.csv")
