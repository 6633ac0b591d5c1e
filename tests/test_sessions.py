"""Sessions: planned with members and outsiders by description, and improvements and findings
captured on the session page while it runs."""

from __future__ import annotations

import pytest
from conftest import Team

from wasstraat.extensions import db
from wasstraat.models import Improvement, JourneyPhase, SessionFinding, WorkSession
from wasstraat.workflow import Role


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def sessions_url(team: Team) -> str:
    return f"/projects/{team.project.id}/sessions"


def new_session(client, team, **extra):
    data = {"held_on": "2026-10-06", "step": "4", "kind": "in_person",
            "attendees": [team[Role.JOURNEY_COACH].id, team[Role.SUBJECT_EXPERT].id],
            "external_participants": "Twee bewoners uit de binnenstad", "agenda": "Klantreis"}
    data.update(extra)
    return client.post(sessions_url(team), data=data)


def test_a_session_records_step_attendees_and_outsiders_by_description(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    response = new_session(coach, team)
    assert response.status_code == 303
    session = db.session.scalars(db.select(WorkSession)).one()
    assert (session.step, session.part, session.kind) == (4, None, "in_person")
    assert {u.id for u in session.attendees} == {team[Role.JOURNEY_COACH].id,
                                                 team[Role.SUBJECT_EXPERT].id}
    page = coach.get(response.headers["Location"]).get_data(as_text=True)
    assert "Twee bewoners uit de binnenstad" in page and "Stap 4: Klantreis" in page


def test_a_3a_session_is_part_of_step_3(team, login_as):
    assert new_session(login_as(team[Role.PROCESS_ADVISOR]), team, step="3:3a").status_code == 303
    assert db.session.scalars(db.select(WorkSession)).one().part == "3a"


@pytest.mark.parametrize(("extra", "message"), [
    ({"held_on": "06-10-2026"}, "Ongeldige datum"),
    ({"step": "12"}, "Ongeldige keuze"),
    ({"step": "4:3a"}, "Ongeldige keuze"),
    ({"kind": "telepathisch"}, "Ongeldige keuze"),
    ({"attendees": ["999"]}, "keuze"),
])
def test_bad_session_input_stores_nothing(team, login_as, extra, message):
    response = new_session(login_as(team[Role.PROJECT_LEADER]), team, **extra)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkSession)) == 0


def test_an_outsider_cannot_be_an_attendee(team, login_as):
    response = new_session(login_as(team[Role.PROJECT_LEADER]), team,
                           attendees=[team.outsider.id])
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkSession)) == 0


def test_improvements_from_a_pain_point_are_captured_in_place_during_the_session(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    phase = JourneyPhase(project_id=team.project.id, position=1, name="Wachten", experience=-2,
                         pain_points="Geen status")
    db.session.add(phase)
    db.session.commit()
    new_session(coach, team)
    session = db.session.scalars(db.select(WorkSession)).one()
    page = coach.get(f"{sessions_url(team)}/{session.id}").get_data(as_text=True)
    assert f'value="journey_phase:{phase.id}"' in page and "Klantreis, fase Wachten" in page
    response = coach.post(f"{sessions_url(team)}/{session.id}/improvements",
                          data={"source": f"journey_phase:{phase.id}",
                                "title": "Statusbericht per sms"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card section" id="captures"')
    assert "<li>Statusbericht per sms</li>" in body and "Verbetering genoteerd" in body
    improvement = db.session.scalars(db.select(Improvement)).one()
    assert (improvement.source_type, improvement.source_id, improvement.session_id) == (
        "journey_phase", phase.id, session.id)
    listing = coach.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "Statusbericht per sms" in listing and "Klantreis, fase Wachten" in listing


def test_a_capture_without_title_or_with_a_foreign_source_is_refused(team, login_as,
                                                                     create_project):
    coach = login_as(team[Role.JOURNEY_COACH])
    new_session(coach, team)
    session = db.session.scalars(db.select(WorkSession)).one()
    url = f"{sessions_url(team)}/{session.id}/improvements"
    empty = coach.post(url, data={"source": f"session:{session.id}", "title": ""},
                       headers={"HX-Request": "true"})
    assert empty.status_code == 422 and "Dit veld is verplicht." in empty.get_data(as_text=True)
    other = create_project("Ander traject")
    foreign = JourneyPhase(project_id=other.project.id, position=1, name="Geheim", experience=0)
    db.session.add(foreign)
    db.session.commit()
    refused = coach.post(url, data={"source": f"journey_phase:{foreign.id}", "title": "x"})
    assert refused.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Improvement)) == 0


def test_findings_are_noted_in_the_session(team, login_as):
    expert = login_as(team[Role.SUBJECT_EXPERT])
    new_session(expert, team)
    session = db.session.scalars(db.select(WorkSession)).one()
    response = expert.post(f"{sessions_url(team)}/{session.id}/findings",
                           data={"text": "Bewoners weten niet dat er een app is"})
    assert response.status_code == 303
    assert db.session.scalars(db.select(SessionFinding.text)).all() == [
        "Bewoners weten niet dat er een app is"]


def test_a_session_of_another_project_is_not_found(team, create_project, login_as):
    new_session(login_as(team[Role.PROJECT_LEADER]), team)
    session = db.session.scalars(db.select(WorkSession)).one()
    other = create_project("Ander traject")
    stranger = login_as(other[Role.PROJECT_LEADER])
    assert stranger.get(f"/projects/{other.project.id}/sessions/{session.id}").status_code == 404
    assert stranger.post(f"/projects/{other.project.id}/sessions/{session.id}/findings",
                         data={"text": "x"}).status_code == 404
