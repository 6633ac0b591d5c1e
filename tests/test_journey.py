"""Step 4: the customer journey, its curve, the interview log and the gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import END_ALL, Team, organisation_today

from wasstraat.extensions import db
from wasstraat.models import InterviewLog, Journey, JourneyPhase
from wasstraat.workflow import Role, Step

PHASE = {"name": "Wachten", "resident_action": "Belt het KCC", "touchpoints": "Telefoon",
         "experience": "-2", "pain_points": "Geen status", "quotes": "“Drie keer gebeld.”",
         "ideal": "Bericht bij elke stap"}


@pytest.fixture
def team(create_project) -> Team:
    from wasstraat.steps import services as steps

    team = create_project()
    team.project.step_state(Step.TEAM).status = "done"
    steps.start_step(team.project, Step.JOURNEY, team[Role.PROJECT_LEADER])
    db.session.commit()
    return team


def base(team: Team) -> str:
    return f"/projects/{team.project.id}/journey"


def test_the_journey_runs_alongside_steps_2_and_3_and_closes_with_source_and_phases(
        team, login_as):
    coach, leader = login_as(team[Role.JOURNEY_COACH]), login_as(team[Role.PROJECT_LEADER])
    close = f"/projects/{team.project.id}/steps/4/close"
    refused = leader.post(close, data=END_ALL)
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert "De bron van de klantreis is nog niet vastgelegd." in body
    assert "De klantreis heeft nog geen fasen." in body
    assert coach.post(f"{base(team)}/source", data={"source": "interviews"}).status_code == 303
    assert coach.post(f"{base(team)}/phases", data=PHASE).status_code == 303
    assert leader.post(close, data=END_ALL).status_code == 303


def test_the_curve_is_drawn_with_text_and_shapes_not_colour_alone(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    for name, score in (("Oriënteren", "0"), ("Aanvragen", "1"), ("Wachten", "-2")):
        coach.post(f"{base(team)}/phases", data={**PHASE, "name": name, "experience": score})
    page = coach.get(base(team)).get_data(as_text=True)
    assert 'role="img" aria-labelledby="curve-title curve-desc"' in page
    assert "Oriënteren: 0 (neutraal); Aanvragen: +1 (positief); Wachten: -2 (heel negatief)" in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<path") == 3 and "<polyline" in svg
    assert ">-2<" in svg and ">+1<" in svg
    assert "style=" not in svg  # the strict CSP forbids inline styles


def test_another_municipalitys_journey_needs_a_safe_link(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    no_link = coach.post(f"{base(team)}/source", data={"source": "other_municipality"})
    assert no_link.status_code == 409
    script = coach.post(f"{base(team)}/source", data={"source": "other_municipality",
                                                      "source_link": "javascript:alert(1)"})
    assert script.status_code == 422
    assert "https://" in script.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Journey)) == 0
    ok = coach.post(f"{base(team)}/source", data={
        "source": "other_municipality", "source_link": "https://vng.nl/klantreizen/parkeren"})
    assert ok.status_code == 303
    assert 'href="https://vng.nl/klantreizen/parkeren"' in coach.get(base(team)).get_data(
        as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({**PHASE, "experience": "3"}, "Ongeldige keuze"),
    ({**PHASE, "experience": "heel blij"}, "Ongeldige keuze"),
    ({k: v for k, v in PHASE.items() if k != "experience"}, "Kies hoe de inwoner deze fase beleeft."),
    ({**PHASE, "name": ""}, "Dit veld is verplicht."),
])
def test_bad_phase_input_stores_nothing(team, login_as, data, message):
    response = login_as(team[Role.JOURNEY_COACH]).post(f"{base(team)}/phases", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(JourneyPhase)) == 0


def test_interviews_are_logged_by_count_date_and_kind_of_resident_only(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    ok = coach.post(f"{base(team)}/interviews", data={
        "held_on": "2026-10-06", "count": "5", "resident_type": "Bewoner met auto"})
    assert ok.status_code == 303
    columns = set(InterviewLog.__table__.columns.keys())
    assert columns == {"id", "project_id", "held_on", "count", "resident_type"}
    cases = [
        ({"held_on": "2026-10-06", "count": "0", "resident_type": "x"}, "1 tot 500"),
        ({"held_on": "2026-10-06", "count": "veel", "resident_type": "x"}, "Ongeldig"),
        ({"held_on": (organisation_today() + timedelta(days=3)).isoformat(), "count": "1",
          "resident_type": "x"}, "niet in de toekomst"),
        ({"held_on": "", "count": "1", "resident_type": "x"}, "Vul een datum in."),
    ]
    for data, message in cases:
        response = coach.post(f"{base(team)}/interviews", data=data)
        assert response.status_code in (409, 422), data
        assert message in response.get_data(as_text=True), (data, message)
    assert db.session.scalar(db.select(db.func.count()).select_from(InterviewLog)) == 1


def test_an_improvement_from_a_pain_point_links_to_its_phase(team, login_as):
    coach = login_as(team[Role.JOURNEY_COACH])
    coach.post(f"{base(team)}/phases", data=PHASE)
    phase = db.session.scalars(db.select(JourneyPhase)).one()
    response = coach.post(f"/projects/{team.project.id}/improvements/new",
                          query_string={"source": "journey_phase", "source_id": phase.id},
                          data={"title": "Statusbericht per e-mail",
                                "proposer_id": team[Role.JOURNEY_COACH].id})
    assert response.status_code == 303
    listing = coach.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "Klantreis, fase Wachten" in listing and f"#phase-{phase.id}" in listing
