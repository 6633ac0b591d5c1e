"""Step 2: the KPI register, the process owner's agreement, and the gate on closing the step."""

from __future__ import annotations

import pytest
from conftest import END_ALL, Team

from wasstraat.extensions import db
from wasstraat.models import Kpi, KpiAgreement, StepState
from wasstraat.workflow import Role, Step, StepStatus

KPI = {"name": "Doorlooptijd", "definition": "Dagen van aanvraag tot besluit", "unit": "dagen",
       "direction": "lower", "baseline_value": "21", "baseline_date": "2026-09-01",
       "baseline_source": "Zaaksysteem", "target_value": "5", "target_date": "2027-06-30"}


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture
def step_2_open(team, login_as):
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    for key in ("team", "kickoff"):
        leader.post(f"/projects/{team.project.id}/steps/1/products/{key}/confirm", data={})
    leader.post(f"/projects/{team.project.id}/steps/1/close", data=END_ALL)
    assert leader.post(f"/projects/{team.project.id}/steps/2/start").status_code == 303
    return leader


def kpis(team: Team) -> list[Kpi]:
    return list(db.session.scalars(db.select(Kpi).where(Kpi.project_id == team.project.id)))


def close_step_2(client, team):
    return client.post(f"/projects/{team.project.id}/steps/2/close", data=END_ALL)


def test_step_2_closes_only_with_an_agreed_kpi_that_has_baseline_and_target(
        team, step_2_open, login_as):
    leader, owner = step_2_open, login_as(team[Role.PROCESS_OWNER])
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    base = f"/projects/{team.project.id}/kpis"

    refused = close_step_2(leader, team)
    assert refused.status_code == 409
    assert "minstens één KPI" in refused.get_data(as_text=True)

    # A KPI without a measured baseline cannot be agreed yet.
    incomplete = {**KPI, "baseline_value": "", "baseline_date": ""}
    assert advisor.post(base, data=incomplete).status_code == 303
    response = owner.post(f"{base}/agree")
    assert response.status_code == 409
    # The refusal names, at the KPI, what it still lacks.
    assert (f"{KPI['name']}: nog nodig de waarde van de nulmeting, de datum van de nulmeting."
            in response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count()).select_from(KpiAgreement)) == 0

    assert advisor.post(base, data=KPI).status_code == 303
    refused = close_step_2(leader, team)
    assert refused.status_code == 409
    assert "nog niet vastgesteld" in refused.get_data(as_text=True)

    assert owner.post(f"{base}/agree").status_code == 303
    page = owner.get(base).get_data(as_text=True)
    assert f"Vastgesteld door {team[Role.PROCESS_OWNER].name}" in page
    assert close_step_2(leader, team).status_code == 303


def test_a_change_after_agreement_needs_a_new_agreement(team, step_2_open, login_as):
    leader, owner = step_2_open, login_as(team[Role.PROCESS_OWNER])
    base = f"/projects/{team.project.id}/kpis"
    leader.post(base, data=KPI)
    owner.post(f"{base}/agree")
    kpi = kpis(team)[0]
    response = leader.post(f"{base}/{kpi.id}/edit",
                           data={**KPI, "target_value": "7", "version": kpi.version})
    assert response.status_code == 303
    assert "Gewijzigd na de vaststelling" in owner.get(base).get_data(as_text=True)
    refused = close_step_2(leader, team)
    assert refused.status_code == 409 and "opnieuw vaststellen" in refused.get_data(as_text=True)
    assert owner.post(f"{base}/agree").status_code == 303
    agreements = db.session.scalars(db.select(KpiAgreement).order_by(KpiAgreement.id)).all()
    assert [a.kpi_set[0]["target_value"] for a in agreements] == [5.0, 7.0]
    assert close_step_2(leader, team).status_code == 303


def test_the_same_set_is_not_agreed_twice(team, step_2_open, login_as):
    owner = login_as(team[Role.PROCESS_OWNER])
    base = f"/projects/{team.project.id}/kpis"
    step_2_open.post(base, data=KPI)
    assert owner.post(f"{base}/agree").status_code == 303
    assert owner.post(f"{base}/agree").status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(KpiAgreement)) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("baseline_value", "eenentwintig", "Vul een getal in"),
    ("baseline_value", "NaN", "Vul een getal in"),
    ("target_value", "Infinity", "Vul een getal in"),
    ("target_value", "1e400", "Vul een getal in"),
    ("baseline_date", "2026-02-30", "Ongeldige datum"),
    ("target_date", "2026-08-01", "De streefdatum moet na de datum van de nulmeting liggen."),
    ("name", "", "Dit veld is verplicht."),
    ("unit", "", "Dit veld is verplicht."),
    ("direction", "sideways", "Ongeldige keuze"),
    ("name", "x" * 121, "120"),
])
def test_bad_kpi_input_gets_a_dutch_message_and_stores_nothing(team, step_2_open, field, value,
                                                              message):
    response = step_2_open.post(f"/projects/{team.project.id}/kpis", data={**KPI, field: value})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert kpis(team) == []


def test_a_decimal_comma_is_understood(team, step_2_open):
    data = {**KPI, "name": "Klanttevredenheid", "unit": "cijfer", "direction": "higher",
            "baseline_value": "6,4", "target_value": "7,5"}
    assert step_2_open.post(f"/projects/{team.project.id}/kpis", data=data).status_code == 303
    kpi = kpis(team)[0]
    assert (kpi.baseline_value, kpi.target_value) == (6.4, 7.5)
    page = step_2_open.get(f"/projects/{team.project.id}/kpis").get_data(as_text=True)
    assert "6,4 cijfer" in page and "7,5 cijfer" in page


def test_typical_kpis_are_offered_as_a_start(team, step_2_open):
    page = step_2_open.get(f"/projects/{team.project.id}/kpis",
                           query_string={"example": "first_time_right"}).get_data(as_text=True)
    assert 'value="First time right"' in page
    assert "Doorlooptijd" in page and "Aantal contactmomenten" in page


def test_two_editors_of_one_kpi_the_second_gets_a_conflict(team, step_2_open, login_as):
    base = f"/projects/{team.project.id}/kpis"
    step_2_open.post(base, data=KPI)
    kpi = kpis(team)[0]
    kpi_id, loaded_version = kpi.id, kpi.version  # both editors opened the form now
    advisor, owner = login_as(team[Role.PROCESS_ADVISOR]), login_as(team[Role.PROCESS_OWNER])
    assert advisor.post(f"{base}/{kpi_id}/edit", data={**KPI, "target_value": "6",
                                                        "version": loaded_version}).status_code == 303
    response = owner.post(f"{base}/{kpi_id}/edit", data={**KPI, "target_value": "4",
                                                          "version": loaded_version})
    assert response.status_code == 409
    assert 'value="6"' in response.get_data(as_text=True)
    assert kpis(team)[0].target_value == 6.0


def test_kpis_are_frozen_once_step_2_is_closed(team, step_2_open, login_as):
    base = f"/projects/{team.project.id}/kpis"
    step_2_open.post(base, data=KPI)
    login_as(team[Role.PROCESS_OWNER]).post(f"{base}/agree")
    close_step_2(step_2_open, team)
    kpi = kpis(team)[0]
    assert step_2_open.post(base, data=KPI).status_code == 409
    assert step_2_open.post(f"{base}/{kpi.id}/delete").status_code == 409
    assert len(kpis(team)) == 1
    state = db.session.scalar(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == int(Step.KPIS)))
    assert StepStatus(state.status) is StepStatus.DONE


def test_a_kpi_of_another_project_is_not_found(create_project, login_as):
    first, second = create_project("A"), create_project("B")
    leader_b = login_as(second[Role.PROJECT_LEADER])
    leader_b.post(f"/projects/{second.project.id}/kpis", data={**KPI, "name": "Geheime KPI"})
    foreign = db.session.scalars(db.select(Kpi)).one()
    leader_a = login_as(first[Role.PROJECT_LEADER])
    assert leader_a.get(f"/projects/{first.project.id}/kpis/{foreign.id}/edit").status_code == 404
    assert leader_a.post(f"/projects/{first.project.id}/kpis/{foreign.id}/delete").status_code == 404
    assert "Geheime KPI" not in leader_a.get(f"/projects/{first.project.id}/kpis").get_data(
        as_text=True)
