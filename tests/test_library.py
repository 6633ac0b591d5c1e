"""The process library: every process a closed project described, with its owner, its
department, where its review stands (in words) and its last measured lead time, for every
employee; the projects only for those who may open them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from conftest import Team, organisation_today
from test_api import API, bearer, token_for

from wasstraat.extensions import db
from wasstraat.improvements.sources import describe
from wasstraat.models import (
    EventLog,
    Improvement,
    Notification,
    ProcessStep,
    ProcessSuggestion,
    Project,
    utcnow,
)
from wasstraat.notifications import mail
from wasstraat.notifications import services as notifications
from wasstraat.workflow import Role, StepStatus


def described(team: Team, *, unit: str = "Burgerzaken", revisit_in: int | None = 200,
              closed: bool = True, lead_days: float | None = None) -> None:
    project = team.project
    db.session.add(ProcessStep(project_id=project.id, position=1, activity="Aanvraag"))
    project.organisation_unit = unit
    project.revisit_on = None if revisit_in is None else organisation_today() + timedelta(
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


HOSTILE = '<script>alert("x")</script> =SUM(A1)'


def test_any_employee_suggests_and_the_process_owner_hears_it(create_project, login_as,
                                                               create_user, app):
    team = create_project()
    described(team)
    colleague = create_user("Collega van de balie")
    client = login_as(colleague)
    path = f"/processes/{team.project.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Aanvraag" in page and team[Role.PROCESS_OWNER].name in page
    for bad, message in (("   ", "Schrijf uw suggestie op."), ("x" * 2001, "2000")):
        refused = client.post(path, data={"text": bad})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert db.session.scalars(db.select(ProcessSuggestion)).all() == []
    assert client.post(path, data={"text": HOSTILE}).status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "Collega van de balie" in page and "open" in page
    [told] = db.session.scalars(db.select(Notification).where(
        Notification.kind == "suggestion")).all()
    assert told.user_id == team[Role.PROCESS_OWNER].id and told.detail == HOSTILE
    inbox = login_as(team[Role.PROCESS_OWNER]).get("/notifications").get_data(as_text=True)
    assert "Een collega doet een suggestie voor het proces Parkeervergunning" in inbox
    assert "<script>alert" not in inbox
    with app.test_request_context():
        assert notifications.target(told) == path
    # In the e-mail too: the HTML escapes it, the text is plain text.
    message = mail._compose(team[Role.PROCESS_OWNER], [told])
    html = message.alternatives[0][0]
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_only_a_described_process_of_a_closed_project_takes_suggestions(create_project,
                                                                       login_as):
    running = create_project()
    described(running, closed=False)
    client = login_as(running.outsider)
    assert client.get(f"/processes/{running.project.id}").status_code == 404
    assert client.post(f"/processes/{running.project.id}", data={"text": "Idee"}
                       ).status_code == 404
    assert client.get("/processes/999999").status_code == 404


def test_a_next_cycle_starts_with_the_open_suggestions_traced_to_their_source(
        create_project, login_as, create_user):
    team = create_project()
    described(team)
    author = create_user("Baliemedewerker")
    client = login_as(author)
    for text in ("Online betalen\nNu moet men naar de balie.", "Status per sms"):
        assert client.post(f"/processes/{team.project.id}", data={"text": text}
                           ).status_code == 303
    owner = login_as(team[Role.PROCESS_OWNER])
    offer = owner.get(f"/projects/{team.project.id}/follow-up").get_data(as_text=True)
    assert "2 open suggesties van medewerkers over het proces" in offer
    assert owner.post(f"/projects/{team.project.id}/follow-up",
                      data={"name": "Parkeren, tweede ronde"}).status_code == 303
    follow_up = db.session.scalar(db.select(Project).where(
        Project.name == "Parkeren, tweede ronde"))
    ideas = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == follow_up.id, Improvement.source_type == "suggestion")
        .order_by(Improvement.id)).all()
    assert [i.title for i in ideas] == ["Online betalen", "Status per sms"]
    assert ideas[0].description == "Online betalen\nNu moet men naar de balie."
    assert ideas[0].proposer_id == author.id
    with owner.application.test_request_context():
        sources = describe(follow_up, ideas)
        assert sources[ideas[0].id].name.startswith("Suggestie van Baliemedewerker")
        assert sources[ideas[0].id].url(follow_up) == \
            f"/processes/{team.project.id}#suggestions-heading"
    assert "opgepakt in een vervolgtraject" in client.get(
        f"/processes/{team.project.id}").get_data(as_text=True)


def test_the_api_gives_the_library_to_any_employee(create_project, create_user, client):
    ours, theirs = create_project("Parkeren"), create_project("Verhuizen")
    described(ours, unit="Vergunningen", revisit_in=10, lead_days=12.5)
    described(theirs, revisit_in=None)
    answer = client.get(f"{API}/processes", headers=bearer(token_for(create_user("Iemand"))))
    assert answer.status_code == 200
    first, second = answer.json["items"]  # the review due first comes first
    assert (first["projectId"], first["department"], first["revisitStatus"],
            first["leadTimeDays"], first["processOwners"]) == (
        ours.project.id, "Vergunningen", "soon", 12.5, [ours[Role.PROCESS_OWNER].name])
    assert (second["revisitOn"], second["revisitStatus"], second["leadTimeDays"]) == (
        None, "not_set", None)
