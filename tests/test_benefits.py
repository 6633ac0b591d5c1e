"""Benefits per improvement: expected with the plan (locked once it is approved), forecast in
step 10, actual after; costs with "onbekend" as an answer; and the register across projects,
against a data set computed by hand."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from conftest import Team, organisation_today, put_in_step
from test_api import API, bearer, token_for

from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import (
    Benefit,
    ImplementationItem,
    Improvement,
    Kpi,
    Notification,
    PlanApproval,
    StepState,
)
from wasstraat.notification_kinds import Outcome
from wasstraat.plans import services as plans
from wasstraat.workflow import BenefitKind, Role, Step, StepStatus

TODAY = organisation_today()


def idea(team: Team, title: str = "Melding via app", **costs) -> Improvement:
    row = improvements.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                       resolve(team.project, "step", 6), title=title,
                                       description="", proposer_id=team[Role.SUBJECT_EXPERT].id)
    row.decision, row.horizon = "in_plan", "quick_win"
    for name, value in costs.items():
        setattr(row, name, value)
    db.session.commit()
    return row


@pytest.fixture
def planning(create_project) -> Team:
    team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    return team


def url(team: Team, improvement: Improvement, tail: str = "") -> str:
    return f"/projects/{team.project.id}/improvements/{improvement.id}/benefits{tail}"


def stored(improvement: Improvement) -> list[Benefit]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Benefit).where(
        Benefit.improvement_id == improvement.id).order_by(Benefit.id)))


def test_the_plan_records_what_an_improvement_should_bring(planning, login_as):
    row = idea(planning)
    kpi = Kpi(project_id=planning.project.id, name="Doorlooptijd", unit="dagen",
              direction="lower")
    db.session.add(kpi)
    db.session.commit()
    leader = login_as(planning[Role.PROJECT_LEADER])
    assert leader.post(url(planning, row), data={"kind": "euros", "expected": "12500"}
                       ).status_code == 303
    assert leader.post(url(planning, row), data={"kind": "quality", "kpi_id": kpi.id}
                       ).status_code == 303
    assert [(b.kind, b.expected, b.kpi_id) for b in stored(row)] == [
        (BenefitKind.EUROS, 12500.0, None), (BenefitKind.QUALITY, None, kpi.id)]
    page = login_as(planning[Role.SPONSOR]).get(url(planning, row)).get_data(as_text=True)
    assert "€ 12.500" in page and "KPI: Doorlooptijd" in page
    assert "Verwachte baat toevoegen" not in page  # the sponsor reads, the plan's editors add


@pytest.mark.parametrize("sent, message", [
    ({"expected": "100"}, "Kies wat de verbetering oplevert."),
    ({"kind": "euros", "expected": "-5"}, "0 of meer"),
    ({"kind": "hours"}, "Vul in hoeveel het per jaar oplevert."),
    ({"kind": "quality"}, "Kies de KPI die beter wordt, of beschrijf de kwaliteit."),
    ({"kind": "euros", "expected": "nan"}, "Vul een getal in."),
    ({"kind": "bitcoin", "expected": "1"}, "Ongeldige keuze"),
    ({"kind": "quality", "kpi_id": "99999"}, "Ongeldige keuze"),
])
def test_a_bad_expected_benefit_is_refused_at_its_field(planning, login_as, sent, message):
    row = idea(planning)
    refused = login_as(planning[Role.PROJECT_LEADER]).post(url(planning, row), data=sent)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert stored(row) == []


def approve_the_plan(team: Team) -> None:
    """The final plan approved by the process owner, step 8 still under way."""
    put_in_step(team.project, Step.ADJUST)
    final = plans.make_final(team.project, team[Role.PROJECT_LEADER], [])
    db.session.add(PlanApproval(plan_version_id=final.id, approver_name="PO"))
    db.session.commit()


def test_after_approval_the_expected_values_are_locked_but_forecast_and_actual_are_not(
        planning, login_as):
    row = idea(planning)
    leader = login_as(planning[Role.PROJECT_LEADER])
    leader.post(url(planning, row), data={"kind": "hours", "expected": "300"})
    [benefit] = stored(row)
    approve_the_plan(planning)
    refused = leader.post(url(planning, row), data={"kind": "euros", "expected": "1"})
    assert refused.status_code == 409 and "liggen vast" in refused.get_data(as_text=True)
    assert leader.post(url(planning, row, f"/{benefit.id}/remove")).status_code == 409
    # A forecast belongs to step 10.
    data = {f"forecast-{benefit.id}-value": "250", f"forecast-{benefit.id}-on":
            TODAY.isoformat(), f"forecast-{benefit.id}-version": benefit.version}
    early = leader.post(url(planning, row, f"/{benefit.id}/forecast"), data=data)
    assert early.status_code == 409
    put_in_step(planning.project, Step.EXECUTION)
    assert leader.post(url(planning, row, f"/{benefit.id}/forecast"), data=data
                       ).status_code == 303
    # The actual, also after the close (in the borging); the proposer hears of it.
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == planning.project.id)):
        state.status = StepStatus.DONE
    db.session.commit()
    version = stored(row)[0].version
    assert leader.post(url(planning, row, f"/{benefit.id}/actual"), data={
        f"actual-{benefit.id}-value": "320", f"actual-{benefit.id}-on": TODAY.isoformat(),
        f"actual-{benefit.id}-version": version}).status_code == 303
    [benefit] = stored(row)
    assert (benefit.expected, benefit.forecast, benefit.actual) == (300.0, 250.0, 320.0)
    told = db.session.scalar(db.select(Notification).where(
        Notification.user_id == planning[Role.SUBJECT_EXPERT].id,
        Notification.outcome == Outcome.MEASURED))
    assert told is not None and told.title == "Melding via app"


@pytest.mark.parametrize("value, on, message", [
    ("-1", TODAY.isoformat(), "0 of meer"),
    ("1", (TODAY + timedelta(days=1)).isoformat(), "Kies vandaag of een dag ervoor."),
    ("", TODAY.isoformat(), "Vul een getal in."),
])
def test_a_bad_actual_is_refused_and_nothing_changes(planning, login_as, value, on, message):
    row = idea(planning)
    db.session.add(Benefit(project_id=planning.project.id, improvement_id=row.id,
                           kind=BenefitKind.EUROS, expected=100.0))
    db.session.commit()
    [benefit] = stored(row)
    put_in_step(planning.project, Step.EXECUTION)
    refused = login_as(planning[Role.PROCESS_OWNER]).post(
        url(planning, row, f"/{benefit.id}/actual"), data={
            f"actual-{benefit.id}-value": value, f"actual-{benefit.id}-on": on,
            f"actual-{benefit.id}-version": benefit.version})
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert stored(row)[0].actual is None


def test_only_the_leader_the_owner_and_the_responsible_record_benefits(planning, login_as):
    row = idea(planning)
    db.session.add(Benefit(project_id=planning.project.id, improvement_id=row.id,
                           kind=BenefitKind.EUROS, expected=100.0))
    db.session.commit()
    [benefit] = stored(row)
    put_in_step(planning.project, Step.EXECUTION)
    data = {f"actual-{benefit.id}-value": "90", f"actual-{benefit.id}-on": TODAY.isoformat(),
            f"actual-{benefit.id}-version": benefit.version}
    assert login_as(planning[Role.SPONSOR]).post(url(planning, row, f"/{benefit.id}/actual"),
                                                 data=data).status_code == 403


def test_costs_are_asked_with_onbekend_as_an_answer(planning, login_as):
    row = idea(planning)
    entry = f"/projects/{planning.project.id}/plan/improvements/{row.id}"
    leader = login_as(planning[Role.PROJECT_LEADER])
    base = {"decision": "in_plan", "horizon": "quick_win", "version": row.version}
    both = leader.post(entry, data=base | {"cost_estimate": "500", "cost_unknown": "y"})
    assert both.status_code == 422
    assert "niet allebei" in both.get_data(as_text=True)
    assert leader.post(entry, data=base | {"cost_estimate": "500",
                                           "recurring_cost_unknown": "y"}).status_code == 303
    db.session.expire_all()
    row = db.session.get(Improvement, row.id)
    assert (row.cost_estimate, row.cost_unknown, row.recurring_cost,
            row.recurring_cost_unknown) == (500, False, None, True)
    assert "onbekend" in leader.get(url(planning, row)).get_data(as_text=True)


@pytest.fixture
def register(create_project, admin) -> dict:
    """Two projects of two departments and process owners. By hand:
    A1: euros 10.000 expected, 8.000 actual (2026); one-off 6.000, recurring 2.000:
        net actual 6.000 a year, payback 6.000 / 6.000 * 12 = 12 months.
    A2: hours 500 expected, 450 actual (2027); costs unknown: no net, no payback.
    B1: euros 1.234.567 expected, none actual; one-off 0, recurring 0; quality "Klanttevredenheid".
    """
    first, second = create_project(), create_project()
    first.project.organisation_unit, second.project.organisation_unit = "Burgerzaken", "VTH"
    a1 = idea(first, "A1", cost_estimate=6000, recurring_cost=2000)
    a2 = idea(first, "A2", cost_unknown=True, recurring_cost_unknown=True)
    b1 = idea(second, "B1", cost_estimate=0, recurring_cost=0)
    kpi = Kpi(project_id=second.project.id, name="Klanttevredenheid", unit="cijfer",
              direction="higher")
    db.session.add(kpi)
    db.session.flush()
    db.session.add_all([
        Benefit(project_id=first.project.id, improvement_id=a1.id, kind=BenefitKind.EUROS,
                expected=10000.0, actual=8000.0, actual_on=date(2026, 6, 1)),
        Benefit(project_id=first.project.id, improvement_id=a2.id, kind=BenefitKind.HOURS,
                expected=500.0, actual=450.0, actual_on=date(2027, 2, 1)),
        Benefit(project_id=second.project.id, improvement_id=b1.id, kind=BenefitKind.EUROS,
                expected=1234567.0),
        Benefit(project_id=second.project.id, improvement_id=b1.id,
                kind=BenefitKind.QUALITY, kpi_id=kpi.id)])
    db.session.commit()
    return {"first": first, "second": second, "b1_year": TODAY.year}


@pytest.fixture
def admin(create_user):
    return create_user(admin=True)


def test_the_register_adds_up_as_computed_by_hand(register, admin, login_as):
    client = login_as(admin)
    page = client.get("/reports/benefits?group=unit").get_data(as_text=True)
    assert "Burgerzaken" in page and "VTH" in page
    assert "€ 1.244.567" in page  # expected euros in total
    assert "12 maanden" in page  # A1's payback
    assert "Klanttevredenheid" in page
    rows = list(csv.reader(io.StringIO(client.get("/reports/benefits.csv").get_data(
        as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], {row[4]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header[:6] == ["Traject", "Afdeling", "Proceseigenaar", "Jaar", "Verbetering",
                          "Euro per jaar verwacht"]
    assert body["A1"]["Netto per jaar gerealiseerd"] == "6000"
    assert body["A1"]["Terugverdientijd (maanden)"] == "12"
    assert body["A1"]["Jaar"] == "2026"
    assert body["A2"]["Kosten onbekend"] == "ja" and body["A2"]["Netto per jaar verwacht"] == ""
    assert body["A2"]["Uren per jaar gerealiseerd"] == "450" and body["A2"]["Jaar"] == "2027"
    assert body["B1"]["Euro per jaar verwacht"] == "1234567"  # exact, no exponent
    assert body["B1"]["Kwaliteit"] == "Klanttevredenheid"
    book = zipfile.ZipFile(io.BytesIO(client.get("/reports/rapportage.xlsx").data))
    register_sheet = book.read("xl/worksheets/sheet5.xml").decode()  # numbers as numbers
    assert "<v>1234567</v>" in register_sheet and "<v>12</v>" in register_sheet
    assert "Batenregister" in book.read("xl/workbook.xml").decode()


def test_the_register_totals_by_year_and_owner(register, admin, login_as):
    client = login_as(admin)
    by_year = client.get("/reports/benefits?group=year").get_data(as_text=True)
    assert "2026" in by_year and "2027" in by_year
    assert "1 met kosten onbekend" in by_year
    assert client.get("/reports/benefits?group=colour").status_code == 400


def test_the_register_shows_only_the_projects_a_person_is_in(register, login_as):
    first = register["first"]
    page = login_as(first[Role.SPONSOR]).get("/reports/benefits").get_data(as_text=True)
    assert "A1" in page and "B1" not in page


def test_the_api_gives_the_benefits_of_a_project(register, client):
    first = register["first"]
    answer = client.get(f"{API}/projects/{first.project.id}/benefits",
                        headers=bearer(token_for(first[Role.SPONSOR])))
    assert answer.status_code == 200
    items = answer.json["items"]
    assert [(i["kind"], i["expected"], i["actual"], i["actualOn"]) for i in items] == [
        ("euros", 10000.0, 8000.0, "2026-06-01"), ("hours", 500.0, 450.0, "2027-02-01")]


def test_the_person_carrying_it_out_records_its_benefit_and_a_quality_is_not_counted(
        planning, login_as):
    row, other = idea(planning), idea(planning, "Ander idee")
    expert = planning[Role.SUBJECT_EXPERT]
    db.session.add_all([
        ImplementationItem(project_id=planning.project.id, improvement_id=other.id,
                           position=1, responsible_id=planning[Role.TEAM_MANAGER].id),
        ImplementationItem(project_id=planning.project.id, improvement_id=row.id,
                           position=2, responsible_id=expert.id),
        Benefit(project_id=planning.project.id, improvement_id=row.id,
                kind=BenefitKind.HOURS, expected=50.0),
        Benefit(project_id=planning.project.id, improvement_id=row.id,
                kind=BenefitKind.QUALITY, description="Vriendelijker")])
    db.session.commit()
    hours, quality = stored(row)
    put_in_step(planning.project, Step.EXECUTION)
    client = login_as(expert)  # neither leader nor owner: the action is theirs

    def forecast(benefit):
        return client.post(url(planning, row, f"/{benefit.id}/forecast"), data={
            f"forecast-{benefit.id}-value": "40", f"forecast-{benefit.id}-on":
            TODAY.isoformat(), f"forecast-{benefit.id}-version": benefit.version})

    assert forecast(hours).status_code == 303
    refused = forecast(quality)
    assert refused.status_code == 409 and "KPI" in refused.get_data(as_text=True)
    assert [b.forecast for b in stored(row)] == [40.0, None]
