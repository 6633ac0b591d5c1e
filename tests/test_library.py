"""The process library: every process a closed project described, with its owner, its
department, where its review stands (in words) and its last measured lead time, for every
employee; the projects only for those who may open them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import Team

from wasstraat.extensions import db
from wasstraat.models import EventLog, ProcessStep, utcnow
from wasstraat.workflow import Role, StepStatus


def described(team: Team, *, unit: str = "Burgerzaken", revisit_in: int | None = 200,
              closed: bool = True, lead_days: float | None = None) -> None:
    project = team.project
    db.session.add(ProcessStep(project_id=project.id, position=1, activity="Aanvraag"))
    project.organisation_unit = unit
    project.revisit_on = None if revisit_in is None else date.today() + timedelta(
        days=revisit_in)
    if closed:
        for state in project.steps:
            state.status = StepStatus.DONE
    if lead_days is not None:
        for median in (99.0, lead_days):  # the newest log counts
            db.session.add(EventLog(project_id=project.id, purpose="after", filename="log.csv",
                                    format="csv", status="done", finished_at=utcnow(),
                                    result={"lead_time": {"median": median}}))
    db.session.commit()


def rows(client, query: str = "") -> list[str]:
    response = client.get(f"/processes{query}")
    assert response.status_code == 200
    body = response.get_data(as_text=True).split("<tbody", 1)
    return re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", body[1], re.S) \
        if len(body) > 1 else []


def text(row: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.mark.parametrize("days, state", [(31, "op orde"), (30, "binnenkort"),
                                          (0, "binnenkort"), (-1, "verlopen"),
                                          (None, "geen datum")])
def test_the_review_state_in_words_at_its_boundaries(create_project, login_as, days, state):
    team = create_project()
    described(team, revisit_in=days)
    [row] = rows(login_as(team.outsider))
    assert state in text(row)


def test_every_employee_sees_the_library_and_opens_only_their_own_projects(
        create_project, login_as, create_user):
    ours, theirs = create_project("Parkeren"), create_project("Verhuizen")
    described(ours, unit="Vergunningen", revisit_in=10, lead_days=12.5)
    described(theirs, revisit_in=300)
    member = login_as(ours[Role.SUBJECT_EXPERT])
    first, second = rows(member)  # the review due first comes first
    assert "Parkeervergunning" in first and "Vergunningen" in first
    assert ours[Role.PROCESS_OWNER].name in first and "12,5 dagen" in first
    assert f'href="/projects/{ours.project.id}"' in first
    assert f'href="/projects/{theirs.project.id}"' not in second
    assert "Verhuizen" in second and "nog niet gemeten" in second
    assert len(rows(login_as(create_user("Nieuwe medewerker")))) == 2


def test_only_closed_projects_that_described_their_process(create_project, login_as):
    running, empty, gone = (create_project("Lopend"), create_project("Leeg"),
                            create_project("Weg"))
    described(running, closed=False)
    for state in empty.project.steps:
        state.status = StepStatus.DONE
    described(gone)
    gone.project.anonymised_at = utcnow()
    db.session.commit()
    page = login_as(running.outsider).get("/processes").get_data(as_text=True)
    assert rows(login_as(running.outsider)) == []
    assert "Er is nog geen proces beschreven" in page


def test_the_library_runs_the_same_queries_for_more_processes(create_project, login_as,
                                                              count_queries):
    first = create_project("Eerste")
    described(first, lead_days=3)
    client = login_as(first.outsider)
    client.get("/processes")
    few = count_queries(lambda: client.get("/processes"))
    for n in range(4):
        described(create_project(f"Nog een {n}"), lead_days=n + 1)
    assert count_queries(lambda: client.get("/processes")) == few
