"""Planned end dates per step and the project's health: the project leader plans, the sponsor
and the portfolio read "Op schema", "Risico" or "Achter" with the reason in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import Team, organisation_today

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, GateDecision, StepState, utcnow
from wasstraat.projects.planning import assess
from wasstraat.workflow import AT_RISK_DAYS, GateVerdict, Health, Role, Step, StepStatus

TODAY = date(2027, 3, 1)
S = StepStatus


def plan(*rows: tuple[int, StepStatus, date | None]) -> list:
    return [(Step(n), status, end) for n, status, end in rows]


@pytest.mark.parametrize(("rows", "no_go", "health"), [
    # Nothing planned yet.
    (plan((1, S.IN_PROGRESS, None), (2, S.NOT_STARTED, None)), False, Health.UNPLANNED),
    # A step not finished past its date is behind, even with a no-go besides.
    (plan((1, S.IN_PROGRESS, TODAY - timedelta(days=1))), True, Health.BEHIND),
    # A finished step past its date is history, not a delay.
    (plan((1, S.DONE, TODAY - timedelta(days=30)), (2, S.IN_PROGRESS, TODAY)), False,
     Health.ON_TRACK),
    # Due today is not late yet.
    (plan((1, S.IN_PROGRESS, TODAY)), False, Health.ON_TRACK),
    # A standing no-go.
    (plan((1, S.IN_PROGRESS, TODAY + timedelta(days=60))), True, Health.AT_RISK),
    # Not started and due within the risk window (its last day included), or just beyond it.
    (plan((1, S.IN_PROGRESS, None), (2, S.NOT_STARTED, TODAY + timedelta(days=AT_RISK_DAYS))),
     False, Health.AT_RISK),
    (plan((1, S.IN_PROGRESS, None),
          (2, S.NOT_STARTED, TODAY + timedelta(days=AT_RISK_DAYS + 1))), False, Health.ON_TRACK),
    # Under way and due soon is simply the plan.
    (plan((1, S.IN_PROGRESS, TODAY + timedelta(days=3))), False, Health.ON_TRACK),
])
def test_the_health_of_a_project_against_its_planned_dates(app, rows, no_go, health):
    with app.test_request_context():
        assert assess(rows, TODAY, no_go=no_go).health is health


def test_a_finished_project_has_no_health(app):
    with app.test_request_context():
        assert assess(plan((1, S.DONE, TODAY), (2, S.SKIPPED, None)), TODAY) is None


def test_behind_names_the_step_and_its_date(app):
    with app.test_request_context():
        report = assess(plan((3, S.IN_PROGRESS, date(2027, 2, 1))), TODAY)
    assert report.reason == ("Stap 3: Proces in kaart brengen zou op 1 februari 2027 "
                             "klaar zijn.")


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def planning(team: Team) -> str:
    return f"/projects/{team.project.id}/planning"


def versions(team: Team) -> str:
    db.session.expire_all()
    return ",".join(str(v) for v in db.session.scalars(
        db.select(StepState.version).where(StepState.project_id == team.project.id)
        .order_by(StepState.step)))


def planned_ends(team: Team) -> dict[int, date | None]:
    db.session.expire_all()
    return dict(db.session.execute(db.select(StepState.step, StepState.planned_end).where(
        StepState.project_id == team.project.id)).all())


def test_the_leader_plans_the_steps_and_every_member_reads_it(team, login_as):
    leader, sponsor = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SPONSOR])
    start = organisation_today()
    dates = {f"step_{n}": (start + timedelta(days=30 * n)).isoformat() for n in range(1, 11)}
    response = leader.post(planning(team), data={"versions": versions(team), **dates})
    assert response.status_code == 303
    assert planned_ends(team)[3] == start + timedelta(days=90)
    recorded = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "steps.plan")).all()
    assert len(recorded) == 10
    page = sponsor.get(planning(team)).get_data(as_text=True)
    assert 'name="step_3"' not in page  # read, not planned, by the sponsor
    assert "Op schema" in page
    assert sponsor.post(planning(team), data={"versions": versions(team)}).status_code == 403
    history = sponsor.get(f"/projects/{team.project.id}/history").get_data(as_text=True)
    assert "Planning van de stappen gewijzigd" in history and "Gepland klaar" in history


@pytest.mark.parametrize(("sent", "field", "message"), [
    ({"step_1": "2000-01-01"}, "step_1", "plant u niet in het verleden"),
    ({"step_1": "2999-01-01", "step_2": "2998-01-01"}, "step_2",
     "niet eerder klaar zijn dan Stap 1: Samenstellen projectgroep"),
    ({"step_4": "2027-02-30"}, "step_4", "Ongeldige datum"),
    ({"step_4": "0999-01-01"}, "step_4", "Vul een datum tussen 1900 en 2999 in."),
])
def test_a_bad_plan_is_refused_at_its_field_and_nothing_is_stored(team, login_as, sent, field,
                                                                  message):
    leader = login_as(team[Role.PROJECT_LEADER])
    response = leader.post(planning(team), data={"versions": versions(team), **sent})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert set(planned_ends(team).values()) == {None}


def test_a_plan_saved_by_someone_else_meanwhile_is_not_overwritten(team, login_as):
    leader = login_as(team[Role.PROJECT_LEADER])
    seen = versions(team)
    first = (organisation_today() + timedelta(days=20)).isoformat()
    assert leader.post(planning(team), data={"versions": seen, "step_1": first}).status_code == 303
    stale = leader.post(planning(team), data={"versions": seen, "step_1": ""})
    assert stale.status_code == 409
    assert planned_ends(team)[1] == date.fromisoformat(first)


def test_the_sponsor_and_the_portfolio_see_a_project_behind(team, login_as):
    state = db.session.scalar(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == 1))
    state.status, state.planned_end = StepStatus.IN_PROGRESS, organisation_today() - timedelta(
        days=2)
    db.session.commit()
    sponsor = login_as(team[Role.SPONSOR])
    project_page = sponsor.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "status-badge--behind" in project_page and "Achter" in project_page
    assert "Stap 1: Samenstellen projectgroep zou op" in project_page
    dashboard = sponsor.get("/").get_data(as_text=True)
    assert "status-badge--behind" in dashboard


def test_a_standing_no_go_puts_the_project_at_risk(team, login_as):
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.planned_end = organisation_today() + timedelta(days=200 + state.step)
        if state.step == 8:
            state.status = StepStatus.IN_PROGRESS
    sponsor = team[Role.SPONSOR]
    for verdict in (GateVerdict.GO, GateVerdict.NO_GO):  # the newest decision counts
        db.session.add(GateDecision(project_id=team.project.id, step=8, role=Role.SPONSOR,
                                    verdict=verdict, reason="Te duur.", decider_name="S"))
    db.session.commit()
    page = login_as(sponsor).get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "status-badge--at_risk" in page and "no-go" in page
    db.session.add(GateDecision(project_id=team.project.id, step=8, role=Role.SPONSOR,
                                verdict=GateVerdict.GO, decider_name="S"))
    db.session.commit()
    page = login_as(sponsor).get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "status-badge--on_track" in page
    # A no-go of a step reopened since no longer stands.
    db.session.add(GateDecision(project_id=team.project.id, step=8, role=Role.SPONSOR,
                                verdict=GateVerdict.NO_GO, reason="Nee.", decider_name="S",
                                superseded_at=utcnow()))
    db.session.commit()
    page = login_as(sponsor).get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "status-badge--on_track" in page


def test_past_dates_stay_for_finished_steps_and_for_dates_already_set(team, login_as):
    """The history is planned too: a finished step may carry a date in the past, and a late
    step keeps its date when the leader saves the rest (the plan shows it is behind)."""
    states = {s.step: s for s in db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id))}
    states[1].status = StepStatus.DONE
    states[2].status = StepStatus.IN_PROGRESS
    late = organisation_today() - timedelta(days=3)
    states[2].planned_end = late
    db.session.commit()
    leader = login_as(team[Role.PROJECT_LEADER])
    past = (organisation_today() - timedelta(days=40)).isoformat()
    later = (organisation_today() + timedelta(days=40)).isoformat()
    response = leader.post(planning(team), data={
        "versions": versions(team), "step_1": past, "step_2": late.isoformat(),
        "step_3": later})
    assert response.status_code == 303
    assert planned_ends(team)[1] == date.fromisoformat(past)
    assert planned_ends(team)[2] == late
