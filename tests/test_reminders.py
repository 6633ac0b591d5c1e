"""Reminders: an action past its end date, the evaluation moment coming near or passing
without results, a step waiting on someone too long, a specialist's review answered; each
reminds its person once per occasion, with the method's words and a link to the work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import Team
from test_implementation import TITLES, execute, plan  # noqa: F401
from test_plans import base, clients, respond_to_all, reviewed_plan  # noqa: F401

from wasstraat import clock
from wasstraat.clock import local_date
from wasstraat.extensions import db
from wasstraat.models import (
    Evaluation,
    ImplementationItem,
    Kpi,
    KpiMeasurement,
    Notification,
    StepState,
    Task,
)
from wasstraat.notification_kinds import Channel, Kind, Reminder
from wasstraat.notifications import mail, reminders, services
from wasstraat.workflow import ActionStatus, Role, Step, StepStatus

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def on(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM).astimezone(UTC)


def given(reminder: Reminder, user=None) -> list[Notification]:
    query = db.select(Notification).where(Notification.reminder == reminder.value)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    db.session.expire_all()
    return list(db.session.scalars(query.order_by(Notification.id)))


def sentence(notification: Notification, app) -> str:
    with app.test_request_context():
        return services.sentence(notification)


def target(notification: Notification, app) -> str:
    with app.test_request_context():
        return services.target(notification)


def test_today_is_the_organisations_day_also_in_the_last_hour_before_utc_midnight(
        app, monkeypatch):
    class LateEvening(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 4, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", LateEvening)
    with app.app_context():
        assert clock.today() == date(2026, 12, 5)


def test_an_action_past_its_end_date_reminds_its_responsible_person_once(
        app, team, clients, plan):
    execute(team, clients, plan)  # ends 28 Feb, 28 Mar and 28 Apr 2027, all the expert's
    expert = team[Role.SUBJECT_EXPERT]
    assert reminders.send_reminders(on(date(2027, 2, 28))) >= 0
    assert given(Reminder.ACTION_OVERDUE) == []  # the end date itself is not late

    reminders.send_reminders(on(date(2027, 3, 3)))
    [overdue] = given(Reminder.ACTION_OVERDUE)
    assert overdue.user_id == expert.id and overdue.kind == Kind.OVERDUE.value
    assert sentence(overdue, app) == (
        "Stap 10 (Uitvoeren implementatieplan): de einddatum van uw actie is 3 dagen voorbij "
        f"({TITLES[0]}). Werk de status bij of spreek een nieuwe datum af.")
    assert target(overdue, app) == \
        f"/projects/{team.project.id}/implementation/actions/{plan[TITLES[0]]}"
    assert clients[Role.SUBJECT_EXPERT].get(target(overdue, app)).status_code == 200

    # Every later run, on any worker, finds the occasion given.
    assert reminders.send_reminders(on(date(2027, 3, 3), 15)) == 0
    reminders.send_reminders(on(date(2027, 3, 10)))
    assert len(given(Reminder.ACTION_OVERDUE)) == 1

    # A new end date that passes is a new occasion; an action done is not late.
    item = db.session.get(ImplementationItem, plan[TITLES[0]])
    item.end_on = date(2027, 3, 12)
    second = db.session.get(ImplementationItem, plan[TITLES[1]])
    second.status = ActionStatus.DONE.value
    db.session.commit()
    reminders.send_reminders(on(date(2027, 4, 1)))
    overdue = given(Reminder.ACTION_OVERDUE)
    assert [(n.days, n.link.split("=")[1]) for n in overdue] == [
        (3, str(item.id)), (20, str(item.id))]


def test_a_deactivated_person_and_a_finished_project_get_no_reminders(team, clients, plan):
    execute(team, clients, plan)
    team[Role.SUBJECT_EXPERT].active = False
    db.session.commit()
    reminders.send_reminders(on(date(2027, 6, 1)))
    assert given(Reminder.ACTION_OVERDUE) == []
    team[Role.SUBJECT_EXPERT].active = True
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = "done"
    db.session.commit()
    reminders.send_reminders(on(date(2027, 6, 1)))
    assert given(Reminder.ACTION_OVERDUE) == []


def plan_evaluation(team: Team, planned_on: date, owner=None) -> Evaluation:
    evaluation = Evaluation(project_id=team.project.id, planned_on=planned_on,
                            owner_id=owner.id if owner else None)
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


def test_the_evaluation_reminds_a_week_before_and_when_it_passed_without_results(
        app, team, clients, plan):
    execute(team, clients, plan)
    owner = team[Role.PROCESS_OWNER]
    plan_evaluation(team, date(2027, 6, 30), owner=owner)
    reminders.send_reminders(on(date(2027, 6, 22)))
    assert given(Reminder.EVALUATION_NEAR) == []  # eight days ahead

    reminders.send_reminders(on(date(2027, 6, 23)))
    [near] = given(Reminder.EVALUATION_NEAR, owner)
    assert sentence(near, app).startswith("Stap 10 (Uitvoeren implementatieplan): het "
                                          "evaluatiemoment is over 7 dagen.")
    assert target(near, app) == f"/projects/{team.project.id}/implementation/evaluation"

    reminders.send_reminders(on(date(2027, 6, 30), 17))
    assert given(Reminder.EVALUATION_PASSED) == []  # the day itself: it may be under way
    reminders.send_reminders(on(date(2027, 7, 1)))
    [passed] = given(Reminder.EVALUATION_PASSED, owner)
    assert "evaluatiemoment is 1 dag voorbij en er zijn nog geen nametingen" in \
        sentence(passed, app)
    assert len(given(Reminder.EVALUATION_NEAR)) == 1


def test_an_evaluation_planned_at_short_notice_reminds_at_once(app, team, clients, plan):
    execute(team, clients, plan)
    plan_evaluation(team, date(2027, 6, 30), owner=team[Role.PROCESS_OWNER])
    reminders.send_reminders(on(date(2027, 6, 27)))
    [near] = given(Reminder.EVALUATION_NEAR)
    assert "het evaluatiemoment is over 3 dagen" in sentence(near, app)
    # Planned for today: nothing today ("over 0 dagen"), and tomorrow it has passed.
    db.session.scalar(db.select(Evaluation)).planned_on = date(2027, 6, 28)
    db.session.commit()
    reminders.send_reminders(on(date(2027, 6, 28)))
    assert len(given(Reminder.EVALUATION_NEAR)) == 1 and given(Reminder.EVALUATION_PASSED) == []
    reminders.send_reminders(on(date(2027, 6, 29)))
    assert [n.days for n in given(Reminder.EVALUATION_PASSED)] == [1]


def test_no_evaluation_reminder_once_the_kpis_are_measured_again(team, clients, plan):
    execute(team, clients, plan)
    plan_evaluation(team, date(2027, 6, 30))  # no owner: the process owners are reminded
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen", direction="lower",
              baseline_value=21, target_value=5)
    db.session.add(kpi)
    db.session.commit()
    reminders.send_reminders(on(date(2027, 6, 25)))
    assert [n.user_id for n in given(Reminder.EVALUATION_NEAR)] == [team[Role.PROCESS_OWNER].id]
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=6, measured_on=date(2027, 6, 29)))
    db.session.commit()
    reminders.send_reminders(on(date(2027, 7, 2)))
    assert given(Reminder.EVALUATION_PASSED) == []


def start_step_1(team: Team, login_as) -> None:
    assert login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/steps/1/start").status_code == 303


def test_a_step_waiting_on_someone_reminds_them_after_the_stalled_period_and_again_later(
        app, team, login_as):
    start_step_1(team, login_as)
    started = datetime.now(UTC)
    sponsor = team[Role.SPONSOR]
    reminders.send_reminders(started + timedelta(days=29))
    assert given(Reminder.STEP_WAITING) == []

    reminders.send_reminders(started + timedelta(days=31))
    waiting = given(Reminder.STEP_WAITING)
    open_tasks = db.session.scalars(db.select(Task).where(
        Task.project_id == team.project.id, Task.done_at.is_(None))).all()
    assert sorted((n.user_id, n.task_id) for n in waiting) == sorted(
        (t.assignee_id, t.id) for t in open_tasks)
    [for_sponsor] = given(Reminder.STEP_WAITING, sponsor)
    assert sentence(for_sponsor, app) == (
        "Stap 1 (Samenstellen projectgroep) wacht sinds 31 dagen op u: "
        f"{for_sponsor.task.title}.")
    assert for_sponsor.link == ""  # the task says where its work is
    assert login_as(sponsor).get(target(for_sponsor, app)).status_code == 200

    reminders.send_reminders(started + timedelta(days=45))
    assert len(given(Reminder.STEP_WAITING, sponsor)) == 1
    reminders.send_reminders(started + timedelta(days=61))
    # In the organisation's days, which a change of summer time can shift by one.
    assert [n.days for n in given(Reminder.STEP_WAITING, sponsor)] == [
        (local_date(started + timedelta(days=n)) - local_date(started)).days for n in (31, 61)]

    # A task that is done waits on no one.
    for task in open_tasks:
        task.done_at = datetime.now(UTC)
    db.session.commit()
    assert reminders.send_reminders(started + timedelta(days=95)) == 0


def test_a_task_waits_from_when_the_step_opened_or_it_came_later(app, team, login_as):
    from wasstraat.tasks import services as tasks

    start_step_1(team, login_as)
    now = datetime.now(UTC)
    opened = now - timedelta(days=50)
    db.session.scalar(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == 1)).started_at = opened
    for task in db.session.scalars(db.select(Task)):
        task.created_at = opened
    leader = team[Role.PROJECT_LEADER]
    later = tasks.add_task(team.project, leader, title="Later toegevoegd", description="",
                           step=Step.TEAM, assignee_id=team[Role.SPONSOR].id, due_date=None)
    new = tasks.add_task(team.project, leader, title="Net toegevoegd", description="",
                         step=Step.TEAM, assignee_id=team[Role.SPONSOR].id, due_date=None)
    ahead = tasks.add_task(team.project, leader, title="Voor stap 2", description="",
                           step=Step.KPIS, assignee_id=team[Role.SPONSOR].id, due_date=None)
    db.session.flush()
    later.created_at, ahead.created_at = now - timedelta(days=35), now - timedelta(days=60)
    db.session.commit()
    reminders.send_reminders(now)
    waiting = {n.task.title: n.days for n in given(Reminder.STEP_WAITING, team[Role.SPONSOR])}

    def days_since(moment: datetime) -> int:  # the organisation's days (a DST change between)
        return (local_date(now) - local_date(moment)).days

    # Since it came, not since the step opened; the step's own tasks since it opened.
    assert waiting.pop("Later toegevoegd") == days_since(now - timedelta(days=35))
    assert set(waiting.values()) == {days_since(opened)}
    assert "Net toegevoegd" not in waiting and "Voor stap 2" not in waiting
    assert new.id and ahead.id


def test_a_task_made_long_before_its_step_opened_waits_from_the_opening(team, login_as):
    start_step_1(team, login_as)
    now = datetime.now(UTC)
    for task in db.session.scalars(db.select(Task)):
        task.created_at = now - timedelta(days=60)
    db.session.commit()
    assert reminders.send_reminders(now) == 0


def test_the_stalled_period_is_the_organisations_setting(app, team, login_as):
    app.config["STALLED_AFTER_DAYS"] = 10
    start_step_1(team, login_as)
    now = datetime.now(UTC)
    reminders.send_reminders(now + timedelta(days=11))
    assert given(Reminder.STEP_WAITING, team[Role.SPONSOR])[0].days == (
        local_date(now + timedelta(days=11)) - local_date(now)).days


def test_the_specialist_hears_that_the_team_answered_their_review(app, team, clients):
    reviews = reviewed_plan(team, clients)
    officer = team[Role.PRIVACY_OFFICER]
    respond_to_all(team, clients, reviews["privacy"])
    answers = db.session.scalars(db.select(Notification).where(
        Notification.kind == Kind.ANSWER.value).order_by(Notification.id)).all()
    assert {n.user_id for n in answers} == {officer.id}
    assert sorted(sentence(n, app) for n in answers) == [
        "Stap 8 (Bijstellen proces en verbeterplan): het team reageerde op uw toetsing "
        "(Aanvraag digitaal).",
        "Stap 8 (Bijstellen proces en verbeterplan): het team reageerde op uw toetsing (de voorwaarden).",
    ]
    assert target(answers[0], app) == f"{base(team)}/reviews/{reviews['privacy']}"
    assert clients[Role.PRIVACY_OFFICER].get(target(answers[0], app)).status_code == 200


def test_defaults_follow_the_role_a_specialist_gets_review_requests_at_once(
        team, create_project):
    officer = team[Role.PRIVACY_OFFICER]
    wanted = mail.channels(officer)
    assert wanted[Kind.REVIEW] is Channel.IMMEDIATE and wanted[Kind.TASK] is Channel.DAILY
    assert wanted[Kind.OVERDUE] is Channel.DAILY
    leader = mail.channels(team[Role.PROJECT_LEADER])
    assert leader[Kind.TASK] is Channel.IMMEDIATE and leader[Kind.WAITING] is Channel.DAILY

    # Also a team member elsewhere: that project's tasks are work to hear of at once.
    from wasstraat.projects import services as projects

    other = create_project("Melding openbare ruimte")
    projects.add_member(other.project, other[Role.PROJECT_LEADER], officer,
                        {Role.SUBJECT_EXPERT})
    db.session.commit()
    assert mail.channels(officer)[Kind.TASK] is Channel.IMMEDIATE
    mail.choose(officer, Kind.TASK, Channel.WEEKLY)  # and a choice beats every default
    assert mail.channels(officer)[Kind.TASK] is Channel.WEEKLY



def test_the_periodic_work_ends_its_transaction_even_with_nothing_to_do(app, team):
    """Outside a request a SQLite transaction holds the write lock: a periodic run that only
    read (no reminders, no digest due) must not keep it, or every sign-in waits for it."""
    from wasstraat.jobs import periodic_work

    for hour in (3, 12):  # before the digest hour (local) and after it
        periodic_work(datetime(2026, 12, 1, hour, 0, tzinfo=UTC))
        assert db.session().get_transaction() is None


def test_waiting_days_are_the_organisations_days_also_just_after_midnight(app, team, login_as):
    """A step opened at 00:30 in the Netherlands (23:30 UTC the day before) has waited 30
    days on the 30th day after, not 31."""
    from wasstraat.models import ProjectPosition

    start_step_1(team, login_as)
    opened = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Amsterdam
    db.session.execute(db.update(ProjectPosition).where(
        ProjectPosition.project_id == team.project.id).values(since=opened))
    db.session.execute(db.update(Task).where(Task.project_id == team.project.id)
                       .values(created_at=opened))
    db.session.commit()
    due = reminders.due(date(2026, 12, 31), 30)
    assert due and {r.days for r in due} == {30}


def closed_with_review_on(team: Team, revisit_on: date) -> None:
    for state in team.project.steps:
        state.status = StepStatus.DONE
    team.project.revisit_on = revisit_on
    db.session.commit()


@pytest.mark.parametrize("days_ahead, reminded", [(31, False), (30, True), (1, True),
                                                  (0, False), (-1, True)])
def test_a_process_owner_is_reminded_a_month_before_the_review_date_and_after_it(
        app, team, days_ahead, reminded):
    """The review date of a closed project's process description: a reminder from 30 days
    ahead, none on the day itself, one once it passed; each occasion once, however often the
    periodic work runs."""
    today = date(2027, 6, 1)
    closed_with_review_on(team, today + timedelta(days=days_ahead))
    reminders.send_reminders(on(today))
    reminders.send_reminders(on(today, 15))
    expected = Reminder.REVISIT_PASSED if days_ahead < 0 else Reminder.REVISIT_NEAR
    given_now = given(expected)
    assert len(given_now) == (1 if reminded else 0)
    if reminded:
        [told] = given_now
        assert told.user_id == team[Role.PROCESS_OWNER].id and told.kind == "revisit"
        assert team.project.name in sentence(told, app)
        assert target(told, app) == f"/projects/{team.project.id}"
    # Nobody else of the team hears of it.
    assert not db.session.scalars(db.select(Notification).where(
        Notification.kind == "revisit",
        Notification.user_id != team[Role.PROCESS_OWNER].id)).all()


def test_no_review_reminder_for_a_project_still_running(team):
    team.project.revisit_on = date(2027, 6, 10)
    db.session.commit()
    reminders.send_reminders(on(date(2027, 6, 1)))
    assert given(Reminder.REVISIT_NEAR) == []
