"""After the project: closing step 10 starts the borging. Each KPI is measured again at
moments after the close, each a task of its owner; the project is "Afgerond" only once every
moment is measured or ended with a reason; reopening step 10 takes the open moments back."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import END_ALL, Team, organisation_today, put_in_step
from test_api import API, bearer, token_for

from wasstraat import closing
from wasstraat.clock import add_months
from wasstraat.endings import Ending
from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.models import (
    AuditEvent,
    Evaluation,
    EventLog,
    Kpi,
    Notification,
    Remeasurement,
    Task,
)
from wasstraat.notification_kinds import Reminder
from wasstraat.notifications import reminders
from wasstraat.steps import services as steps
from wasstraat.sustain import services as sustain
from wasstraat.workflow import (
    Direction,
    EndReason,
    EventLogStatus,
    KpiVerdict,
    MomentState,
    ProjectPhase,
    Role,
    Step,
    TaskClosure,
)

TODAY = organisation_today()


def ready_to_close(team: Team, *, measured: bool = True) -> None:
    """Step 10 under way with its products confirmed, an evaluation and two KPIs (one
    measured after the change, unless ``measured`` is false)."""
    project, leader = team.project, team[Role.PROJECT_LEADER]
    put_in_step(project, Step.EXECUTION)
    for key, role, variant in (("executed", Role.PROJECT_LEADER, ""),
                               ("trained", Role.TEAM_MANAGER, "meeting"),
                               ("documented", Role.SUBJECT_EXPERT, ""),
                               ("communicated", Role.PROJECT_LEADER, "internal")):
        steps.confirm_product(project, Step.EXECUTION, Step.EXECUTION.definition.product(key),
                              team[role], {role}, variant=variant, note="")
    db.session.add(Evaluation(project_id=project.id, planned_on=TODAY + timedelta(days=60),
                              owner_id=team[Role.PROCESS_OWNER].id))
    for name, direction, target in (("Doorlooptijd", Direction.LOWER, 5),
                                    ("Tevredenheid", Direction.HIGHER, 8)):
        db.session.add(Kpi(project_id=project.id, name=name, unit="dagen", direction=direction,
                           baseline_value=20, baseline_date=TODAY - timedelta(days=300),
                           target_value=target, created_by_id=leader.id))
    db.session.flush()
    if measured:
        closing.implementation.add_measurement(project, leader, kpis(team)[0], value=9,
                                               measured_on=TODAY - timedelta(days=1))
    db.session.commit()


def kpis(team: Team) -> list[Kpi]:
    return list(db.session.scalars(db.select(Kpi).where(Kpi.project_id == team.project.id)
                                   .order_by(Kpi.id)))


def close(team: Team, login_as, **extra):
    """Close step 10 as its process owner: the reason for no after-measurement only when
    given here."""
    data = {key: value for key, value in END_ALL.items() if key != "unmeasured_reason"}
    return login_as(team[Role.PROCESS_OWNER]).post(
        f"/projects/{team.project.id}/steps/10/close", data=data | extra)


def moments(team: Team) -> list[Remeasurement]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Remeasurement).where(
        Remeasurement.project_id == team.project.id)
        .order_by(Remeasurement.kpi_id, Remeasurement.months)))


def moment_tasks(team: Team) -> list[Task]:
    return list(db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.origin == "remeasure").order_by(Task.id)))


@pytest.fixture
def borging(create_project, login_as) -> Team:
    team = create_project()
    ready_to_close(team)
    assert close(team, login_as).status_code == 303
    return team


def url(team: Team, moment: Remeasurement | None = None, action: str = "") -> str:
    base = f"/projects/{team.project.id}/borging"
    return base + (f"/{moment.id}" if moment else "") + (f"/{action}" if action else "")


def test_closing_step_10_starts_the_borging_with_a_task_per_kpi_and_moment(borging, login_as):
    rows = moments(borging)
    assert [(row.kpi.name, row.months, row.due_on) for row in rows] == [
        (kpi, months, add_months(TODAY, months))
        for kpi in ("Doorlooptijd", "Tevredenheid") for months in (3, 6, 12)]
    owner = borging[Role.PROCESS_OWNER]
    assert {row.owner_id for row in rows} == {owner.id}
    tasks = moment_tasks(borging)
    assert len(tasks) == 6 and all(t.done_at is None and t.assignee_id == owner.id
                                   for t in tasks)
    assert tasks[0].title == "Nameting Doorlooptijd, 3 maanden na afsluiten"
    assert borging.project.phase is ProjectPhase.SUSTAINING
    # The owner finds them in "Wat nu?" and on the project page, in words.
    page = login_as(owner).get(f"/projects/{borging.project.id}").get_data(as_text=True)
    assert "Het traject is in borging" in page
    # "Wat nu?" names the next date; the task itself waits in "Mijn taken" until it is near.
    assert f"Volgende nameting: {add_months(TODAY, 3).day} " in page
    assert "3 maanden na afsluiten" not in page
    assert "Nameting Doorlooptijd, 3 maanden na afsluiten" in login_as(owner).get(
        "/tasks").get_data(as_text=True)
    assert "Doorlooptijd</strong>: gemeten, streefwaarde niet gehaald" in page
    assert "Tevredenheid</strong>: nog te meten" in page
    borging_page = login_as(borging[Role.SPONSOR]).get(url(borging)).get_data(as_text=True)
    assert "In borging" in borging_page and borging_page.count("gepland") == 6


def test_closing_with_no_after_measurement_asks_why(create_project, login_as):
    team = create_project()
    ready_to_close(team, measured=False)
    page = login_as(team[Role.PROCESS_OWNER]).get(
        f"/projects/{team.project.id}/steps/10").get_data(as_text=True)
    assert "Waarom wordt het traject afgerond zonder nameting?" in page
    refused = close(team, login_as)
    assert refused.status_code == 422
    assert "Er is nog geen enkele KPI nagemeten" in refused.get_data(as_text=True)
    assert moments(team) == [] and not team.project.is_finished
    assert close(team, login_as, unmeasured_reason="Het systeem levert pas in maart cijfers"
                 ).status_code == 303
    evaluation = db.session.scalar(db.select(Evaluation).where(
        Evaluation.project_id == team.project.id))
    assert evaluation.unmeasured_reason == "Het systeem levert pas in maart cijfers"
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "evaluation.unmeasured")) is not None


def test_a_typed_re_measurement_finishes_its_task_and_counts_for_the_kpi(borging, login_as):
    first = moments(borging)[0]
    owner = login_as(borging[Role.PROCESS_OWNER])
    assert owner.post(url(borging, first, "measure"),
                      data={"value": "4", "measured_on": TODAY.isoformat()}).status_code == 303
    first = moments(borging)[0]
    assert first.measurement.value == 4
    task = next(t for t in moment_tasks(borging) if t.link.endswith(f"={first.id}"))
    assert task.closed_as is TaskClosure.BY_RULE
    assert "Doorlooptijd</strong>: gemeten, streefwaarde gehaald" in owner.get(
        f"/projects/{borging.project.id}").get_data(as_text=True)
    measured_page = owner.get(url(borging, first)).get_data(as_text=True)
    assert "gemeten" in measured_page and "Meting opslaan" not in measured_page
    again = owner.post(url(borging, first, "measure"),
                       data={"value": "3", "measured_on": TODAY.isoformat()})
    assert again.status_code == 409


@pytest.mark.parametrize("sent, message", [
    ({"value": "", "measured_on": TODAY.isoformat()}, "Vul een getal in."),
    ({"value": "inf", "measured_on": TODAY.isoformat()}, "Vul een getal in."),
    ({"value": "4", "measured_on": "gisteren"}, "Ongeldige datum."),
    ({"value": "4", "measured_on": (TODAY - timedelta(days=2)).isoformat()},
     "op of na het afsluiten"),
    ({"value": "4", "measured_on": (TODAY + timedelta(days=1)).isoformat()},
     "niet gepland"),
])
def test_a_bad_re_measurement_is_refused_at_its_field_and_nothing_is_stored(
        borging, login_as, sent, message):
    first = moments(borging)[0]
    refused = login_as(borging[Role.PROCESS_OWNER]).post(url(borging, first, "measure"), data=sent)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert moments(borging)[0].measurement_id is None


def test_only_the_people_who_keep_the_process_measure_and_only_its_owner_plans(
        borging, login_as):
    first = moments(borging)[0]
    data = {"value": "4", "measured_on": TODAY.isoformat()}
    assert login_as(borging[Role.SUBJECT_EXPERT]).post(
        url(borging, first, "measure"), data=data).status_code == 403
    leader = login_as(borging[Role.PROJECT_LEADER])
    assert leader.post(url(borging, first, "end"), data={"reason": "not_needed"}
                       ).status_code == 403
    assert leader.post(url(borging, first, "measure"), data=data).status_code == 303


def test_a_re_measurement_comes_from_an_event_log_after_the_change(borging, login_as):
    first = moments(borging)[0]
    stamp = datetime.combine(TODAY, datetime.min.time()).timestamp()
    log = EventLog(project_id=borging.project.id, purpose="after", filename="na.csv",
                   format="csv", status=EventLogStatus.DONE,
                   result={"cases": 40, "first": stamp - 86400 * 30, "last": stamp,
                           "lead_time": {"median": 6.0, "p90": 11.0, "mean": 7.0}})
    old = EventLog(project_id=borging.project.id, purpose="after", filename="oud.csv",
                   format="csv", status=EventLogStatus.DONE,
                   result={"cases": 40, "first": stamp - 86400 * 90, "last": stamp - 86400 * 30,
                           "lead_time": {"median": 8.0, "p90": 11.0, "mean": 9.0}})
    db.session.add_all([log, old])
    db.session.commit()
    owner = login_as(borging[Role.PROCESS_OWNER])
    form = owner.get(url(borging, first)).get_data(as_text=True)
    assert "na.csv" in form
    refused = owner.post(url(borging, first, "from-log"),
                         data={"log_id": old.id, "figure": "lead_median"})
    assert refused.status_code == 422 and "vóór het afsluiten" in refused.get_data(as_text=True)
    assert owner.post(url(borging, first, "from-log"),
                      data={"log_id": log.id, "figure": "lead_median"}).status_code == 303
    measured = moments(borging)[0].measurement
    assert (measured.value, measured.measured_on) == (6.0, TODAY)
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "borging.measure"))
    assert event.after["source"] == f"event_log:{log.id}"


def test_the_project_is_afgerond_only_after_its_last_moment(borging, login_as):
    owner = login_as(borging[Role.PROCESS_OWNER])
    rows = moments(borging)
    for row in rows[:-1]:
        assert owner.post(url(borging, row, "measure"),
                          data={"value": "4", "measured_on": TODAY.isoformat()}
                          ).status_code == 303
        db.session.expire_all()
        assert borging.project.phase is ProjectPhase.SUSTAINING
    last = rows[-1]
    refused = owner.post(url(borging, last, "end"), data={"reason": "other", "note": " "})
    assert refused.status_code == 422
    assert "Schrijf op waarom" in refused.get_data(as_text=True)
    assert owner.post(url(borging, last, "end"),
                      data={"reason": "other", "note": "De KPI is vervangen"}
                      ).status_code == 303
    db.session.expire_all()
    assert borging.project.phase is ProjectPhase.COMPLETED
    assert moments(borging)[-1].end_reason is EndReason.OTHER
    assert all(t.done_at is not None for t in moment_tasks(borging))
    page = owner.get(url(borging)).get_data(as_text=True)
    assert "De KPI is vervangen" in page and "vervallen, met reden" in page
    assert "het traject is afgerond" in page
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "project.complete")) is not None


def test_the_process_owner_moves_or_hands_over_a_moment_within_the_rules(borging, login_as):
    first = moments(borging)[0]
    owner = login_as(borging[Role.PROCESS_OWNER])

    def move(due_on, owner_id=None, version=None):
        return owner.post(url(borging, first, "reschedule"), data={
            "due_on": due_on.isoformat() if isinstance(due_on, date) else due_on,
            "owner_id": owner_id or borging[Role.PROJECT_LEADER].id,
            "version": version or moments(borging)[0].version})

    before = move(TODAY)
    assert before.status_code == 422 and "na het afsluiten" in before.get_data(as_text=True)
    far = move(add_months(TODAY, 40))
    assert far.status_code == 422 and "binnen 36 maanden" in far.get_data(as_text=True)
    expert = move(TODAY + timedelta(days=30), owner_id=borging[Role.SUBJECT_EXPERT].id)
    assert expert.status_code == 422
    assert move(TODAY + timedelta(days=30)).status_code == 303
    moved = moments(borging)[0]
    assert moved.due_on == TODAY + timedelta(days=30)
    assert moved.owner_id == borging[Role.PROJECT_LEADER].id
    task = next(t for t in moment_tasks(borging) if t.link.endswith(f"={moved.id}"))
    assert (task.due_date, task.assignee_id) == (moved.due_on, moved.owner_id)
    assert move(TODAY + timedelta(days=31), version=1).status_code == 409  # stale
    # Within two weeks of its day, "Wat nu?" offers it to its new owner.
    assert move(TODAY + timedelta(days=14)).status_code == 303
    page = login_as(borging[Role.PROJECT_LEADER]).get(f"/projects/{borging.project.id}")
    assert "Nameting Doorlooptijd, 3 maanden na afsluiten" in page.get_data(as_text=True)


def test_the_evaluation_may_not_lie_after_the_last_re_measurement(borging, login_as):
    evaluation = db.session.scalar(db.select(Evaluation))
    evaluation.planned_on = add_months(TODAY, 11)
    db.session.commit()
    owner = login_as(borging[Role.PROCESS_OWNER])
    for row in moments(borging):
        if row.months == 12:  # move each KPI's last moment before the evaluation
            refused = owner.post(url(borging, row, "reschedule"), data={
                "due_on": add_months(TODAY, 10).isoformat(),
                "owner_id": borging[Role.PROCESS_OWNER].id, "version": row.version})
            expected = 303 if row.kpi.name == "Doorlooptijd" else 422
            assert refused.status_code == expected, row.kpi.name
    # The last one moved before the evaluation was refused, and nothing moved with it.
    assert max(row.due_on for row in moments(borging)) == add_months(TODAY, 12)


def test_reopening_step_10_takes_the_open_moments_back(borging, login_as):
    owner = login_as(borging[Role.PROCESS_OWNER])
    first = moments(borging)[0]
    owner.post(url(borging, first, "measure"), data={"value": "4",
                                                     "measured_on": TODAY.isoformat()})
    assert owner.post(f"/projects/{borging.project.id}/steps/10/reopen",
                      data={"reason": "Nog een actie"}).status_code == 303
    assert [(row.kpi.name, row.months) for row in moments(borging)] == [("Doorlooptijd", 3)]
    assert len(moment_tasks(borging)) == 1
    assert borging.project.phase is ProjectPhase.RUNNING
    assert close(borging, login_as).status_code == 303
    assert len(moments(borging)) == 6  # the measured one stays, the others come back


@pytest.mark.parametrize("months, message", [
    ("3, x", "Vul hele maanden in"),
    ("0, 6", "van 1 tot en met 36"),
    ("", "ten minste één"),
    ("1,2,3,4,5,6,7", "ten hoogste 6"),
])
def test_the_evaluation_sets_the_moments_and_refuses_bad_months(
        create_project, login_as, months, message):
    team = create_project()
    put_in_step(team.project, Step.EXECUTION)
    refused = login_as(team[Role.PROCESS_OWNER]).post(
        f"/projects/{team.project.id}/implementation/evaluation",
        data={"version": 0, "planned_on": (TODAY + timedelta(days=30)).isoformat(),
              "owner_id": team[Role.PROCESS_OWNER].id, "lessons": "",
              "remeasure_months": months})
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(Evaluation)) is None


def test_the_evaluation_lies_before_the_last_moment(create_project, login_as):
    team = create_project()
    put_in_step(team.project, Step.EXECUTION)
    owner = login_as(team[Role.PROCESS_OWNER])
    data = {"version": 0, "planned_on": add_months(TODAY, 7).isoformat(),
            "owner_id": team[Role.PROCESS_OWNER].id, "lessons": "", "remeasure_months": "3, 6"}
    refused = owner.post(f"/projects/{team.project.id}/implementation/evaluation", data=data)
    assert refused.status_code == 422
    assert "na de laatste nameting" in refused.get_data(as_text=True)
    assert owner.post(f"/projects/{team.project.id}/implementation/evaluation",
                      data=data | {"remeasure_months": "3 6 9"}).status_code == 303
    assert db.session.scalar(db.select(Evaluation)).remeasure_months == [3, 6, 9]


def test_a_moment_reminds_its_owner_two_weeks_ahead_and_once_it_is_due(borging):
    first = moments(borging)[0]
    owner = borging[Role.PROCESS_OWNER]

    def reminded_on(day: date) -> list[Reminder]:
        due = [d for d in reminders.due(day, 30) if d.reminder.kind.value == "remeasure"]
        return [d.reminder for d in due if d.key.split(":")[1] == str(first.id)]

    assert reminded_on(first.due_on - timedelta(days=15)) == []
    assert reminded_on(first.due_on - timedelta(days=14)) == [Reminder.REMEASURE_NEAR]
    assert reminded_on(first.due_on) == [Reminder.REMEASURE_DUE]
    # Given once per occasion, however often the job runs.
    day = datetime.combine(first.due_on, datetime.min.time(), UTC) + timedelta(hours=10)
    reminders.send_reminders(day)
    reminders.send_reminders(day)
    rows = db.session.scalars(db.select(Notification).where(
        Notification.user_id == owner.id, Notification.reminder == Reminder.REMEASURE_DUE)).all()
    assert len(rows) == 2  # the two KPIs' first moments
    # Measured: no more reminders for it, and the one given is handled (out of the badge).
    sustain.record(borging.project, first, owner, value=4, measured_on=TODAY, today=TODAY)
    db.session.commit()
    assert reminded_on(first.due_on) == []
    db.session.expire_all()
    handled = {n.reminder_key.split(":")[1]: n.handled_at is not None for n in rows}
    other = moments(borging)[3]  # the other KPI's first moment
    assert (other.kpi_id, other.months) != (first.kpi_id, first.months)
    assert handled == {str(first.id): True, str(other.id): False}


def test_a_moment_ended_through_the_service_needs_its_reason(borging):
    first = moments(borging)[0]
    with pytest.raises(InvalidInput):
        sustain.end(borging.project, first, borging[Role.PROCESS_OWNER],
                    Ending(EndReason.OTHER, ""))
    assert sustain.state_of(first, TODAY) is MomentState.PLANNED
    assert sustain.state_of(first, first.due_on) is MomentState.DUE
    assert KpiVerdict.TO_MEASURE.label == "nog te meten"


def test_the_api_gives_the_moments_with_their_state_and_the_library(borging, client):
    first = moments(borging)[0]
    sustain.record(borging.project, first, borging[Role.PROCESS_OWNER], value=4,
                   measured_on=TODAY, today=TODAY)
    db.session.commit()
    token = token_for(borging[Role.SPONSOR])
    page = client.get(f"{API}/projects/{borging.project.id}/remeasurements?pageSize=2",
                      headers=bearer(token)).json
    assert page["totalItems"] == 6 and len(page["items"]) == 2
    measured, planned = page["items"]
    assert (measured["kpi"]["name"], measured["months"], measured["state"], measured["value"],
            measured["measuredOn"]) == ("Doorlooptijd", 3, "measured", 4.0, TODAY.isoformat())
    assert (planned["state"], planned["value"], planned["owner"]["name"]) == (
        "planned", None, borging[Role.PROCESS_OWNER].name)
    outsider = client.get(f"{API}/projects/{borging.project.id}/remeasurements",
                          headers=bearer(token_for(borging.outsider)))
    assert outsider.status_code == 404


def test_in_the_borging_a_log_of_the_process_after_the_change_may_still_be_imported(
        borging, login_as):
    logs = f"/projects/{borging.project.id}/event-logs/new"
    advisor = login_as(borging[Role.PROCESS_ADVISOR])
    assert advisor.get(f"{logs}/after").status_code == 200
    assert advisor.get(f"{logs}/current").status_code == 403  # step 3's log: that is over
    assert login_as(borging[Role.SUBJECT_EXPERT]).get(f"{logs}/after").status_code == 403


def test_the_evaluation_is_held_by_the_process_owner_unless_chosen_otherwise(
        create_project, login_as):
    team = create_project()
    put_in_step(team.project, Step.EXECUTION)
    page = login_as(team[Role.PROJECT_LEADER]).get(
        f"/projects/{team.project.id}/implementation/evaluation").get_data(as_text=True)
    [chosen] = re.findall(r'<option selected value="(\d+)">', page)
    assert int(chosen) == team[Role.PROCESS_OWNER].id


def test_the_services_refuse_what_the_forms_do_not_offer(borging):
    """A log of the current process, or a moment handed to someone who may not measure:
    refused by the rules themselves, not only by the choices a form offers."""
    first, owner = moments(borging)[0], borging[Role.PROCESS_OWNER]
    current = EventLog(project_id=borging.project.id, purpose="current", filename="voor.csv",
                       format="csv", status=EventLogStatus.DONE,
                       result={"cases": 1, "first": 0.0,  # up to today: only its purpose
                               "last": datetime.now(UTC).timestamp(),  # is wrong
                               "lead_time": {"median": 5.0}})
    db.session.add(current)
    db.session.commit()
    with pytest.raises(InvalidInput):
        sustain.record_from_log(borging.project, first, owner, log=current,
                                figure="lead_median", today=TODAY)
    with pytest.raises(InvalidInput):
        sustain.reschedule(borging.project, first, owner, expected_version=first.version,
                           due_on=TODAY + timedelta(days=40),
                           owner_id=borging[Role.SUBJECT_EXPERT].id)
    db.session.rollback()
    assert moments(borging)[0].measurement_id is None
    assert moments(borging)[0].owner_id == owner.id


def test_the_history_names_the_borging_in_dutch(borging, login_as):
    first = moments(borging)[0]
    owner = login_as(borging[Role.PROCESS_OWNER])
    owner.post(url(borging, first, "measure"), data={"value": "4",
                                                     "measured_on": TODAY.isoformat()})
    page = owner.get(f"/projects/{borging.project.id}/history").get_data(as_text=True)
    assert "Nameting van de borging vastgelegd" in page and "Maanden na afsluiten" in page
    for key in ("months", "measured on", "due on", "moments"):
        assert f">{key}<" not in page and f"{key}:" not in page, key
