"""Notifications by e-mail, against a real SMTP server on loopback (aiosmtpd): who gets what,
with working links and a link that turns a kind off; an unreachable server leaves the
person's action done and the message retried; two deliveries at once send once."""

from __future__ import annotations

import email
import re
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from conftest import Team
from scaled import free_port

from wasstraat import jobs
from wasstraat.extensions import db
from wasstraat.ideas import services as ideas
from wasstraat.models import Notification, NotificationSetting, Task, utcnow
from wasstraat.notification_kinds import Channel, Kind
from wasstraat.notifications import mail
from wasstraat.workflow import OrgFunction, Role, Step

BASE_URL = "https://wasstraat.gemeente.example"


class Inbox:
    """Collects what the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app_config(smtp_port: int) -> dict:
    return {"WTF_CSRF_ENABLED": False, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5, "BASE_URL": BASE_URL,
            "MAIL_DEFAULT_SENDER": "Wasstraat <wasstraat@gemeente.example>"}


@pytest.fixture
def smtp(smtp_port: int):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def start_step_1(team: Team, login_as) -> None:
    response = login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/steps/1/start")
    assert response.status_code == 303


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


def test_a_step_opening_mails_each_new_task_holder_once_with_links_to_the_work(
        team, login_as, smtp):
    start_step_1(team, login_as)
    sponsor, leader = team[Role.SPONSOR], team[Role.PROJECT_LEADER]
    assert smtp.to(leader.email) == []  # the leader opened the step itself
    [message] = smtp.to(sponsor.email)
    text, html = parts(message)
    assert "Stap 1 (Samenstellen projectgroep)" in message["Subject"] or \
        "nieuwe meldingen" in message["Subject"]
    assert team.project.name in text and "Stap 1 (Samenstellen projectgroep)" in text
    links = re.findall(rf"{re.escape(BASE_URL)}/\S+", text)
    assert any("/notifications/off/" in link for link in links)
    work = [link for link in links if "/projects/" in link]
    assert work, text
    assert 'lang="nl"' in html and "<a href=" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The link leads to the work for the signed-in person.
    client = login_as(sponsor)
    assert client.get(work[0].removeprefix(BASE_URL)).status_code == 200
    assert all(n.mail_state == "sent" for n in db.session.scalars(
        db.select(Notification).where(Notification.user_id == sponsor.id)))


def test_the_link_in_the_mail_turns_that_kind_off_without_signing_in(team, login_as, smtp,
                                                                     client):
    start_step_1(team, login_as)
    sponsor = team[Role.SPONSOR]
    text, _html = parts(smtp.to(sponsor.email)[0])
    off = re.search(rf"{re.escape(BASE_URL)}(/notifications/off/\S+)", text).group(1)
    asked = client.get(off)  # mail scanners open links: a GET only asks
    assert asked.status_code == 200 and "Niet meer per e-mail" in asked.get_data(as_text=True)
    assert db.session.get(NotificationSetting, (sponsor.id, "task")) is None
    assert client.post(off).status_code == 200  # the button, or a mail client's one-click
    assert db.session.get(NotificationSetting, (sponsor.id, "task")).channel == "off"
    assert client.get("/notifications/off/forged").status_code == 404
    # The next task of that kind stays in the app only.
    from wasstraat.tasks import services as tasks
    from wasstraat.workflow import Step
    before = len(smtp.messages)
    tasks.add_task(team.project, team[Role.PROJECT_LEADER], title="Nog een taak",
                   description="", step=Step.TEAM, assignee_id=sponsor.id, due_date=None)
    db.session.commit()
    mail.deliver()
    assert len(smtp.messages) == before
    assert db.session.scalars(db.select(Notification.mail_state).where(
        Notification.title == "Nog een taak")).one() == "none"


def test_an_unreachable_mail_server_leaves_the_action_done_and_the_mail_retried(
        team, login_as, smtp_port, app):
    start_step_1(team, login_as)  # no SMTP server listens: the step starts all the same
    assert team.project.step_state(1).status == "in_progress"
    waiting = db.session.scalars(db.select(Notification).where(
        Notification.user_id == team[Role.SPONSOR].id)).all()
    assert waiting and all(n.mail_state == "pending" and n.mail_attempts == 1
                           and n.mail_next_attempt_at is not None for n in waiting)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert mail.deliver().sent == 0  # not yet: the retry waits its turn
        done = mail.deliver(utcnow() + timedelta(minutes=2))
        assert done.sent >= 1 and inbox.to(team[Role.SPONSOR].email)
    finally:
        controller.stop()


def test_two_deliveries_at_once_claim_each_message_once(team, login_as, app):
    app.config["MAIL_AFTER_REQUEST"] = False
    start_step_1(team, login_as)
    now = utcnow()
    seen_by_the_other = list(db.session.scalars(db.select(Notification.id).where(
        mail._due(now))))
    first = mail._claim(now)
    assert first and mail._claim(now) == []  # the second finds them claimed
    # A delivery that saw them due just before the first claimed them takes none either.
    assert mail._take(seen_by_the_other, now) == []
    # A claim whose process died is taken up again when its lease ends.
    assert sorted(mail._claim(now + mail.lease() + timedelta(seconds=1))) == sorted(first)


def test_choosing_per_kind_what_comes_by_mail(team, login_as):
    client = login_as(team[Role.PRIVACY_OFFICER])
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Toetsing gevraagd" in page and "Meteen per e-mail" in page
    data = {kind.value: "immediate" for kind in Kind}
    response = client.post("/notifications/settings", data={**data, "task": "off"})
    assert response.status_code == 303
    assert mail.channels(team[Role.PRIVACY_OFFICER])[mail.Kind.TASK] is mail.Channel.OFF
    refused = client.post("/notifications/settings", data={**data, "review": "weekly-ish"})
    assert refused.status_code == 422
    assert mail.channels(team[Role.PRIVACY_OFFICER])[mail.Kind.REVIEW] is mail.Channel.IMMEDIATE


def test_without_a_mail_server_production_sends_nothing_but_the_inbox_has_it(
        team, login_as, app, monkeypatch):
    app.config["MAIL_ENABLED"] = False
    deliveries = []
    monkeypatch.setattr(mail, "deliver", lambda: deliveries.append(1))
    start_step_1(team, login_as)
    states = set(db.session.scalars(db.select(Notification.mail_state)))
    assert states == {"none"}
    assert deliveries == []  # nothing to send, so the request does not look


# --- Digests ---------------------------------------------------------------------------------

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: int, hour: int) -> datetime:
    """A moment in December 2026, the organisation's time (Tuesday the 1st, Monday the 7th)."""
    return datetime(2026, 12, day, hour, tzinfo=AMSTERDAM).astimezone(UTC)


def sponsor_wants(team: Team, channel: Channel) -> None:
    mail.choose(team[Role.SPONSOR], Kind.TASK, channel)
    db.session.commit()


def states_of(user) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(db.select(Notification.mail_state).where(
        Notification.user_id == user.id)))


def test_a_daily_digest_goes_once_a_day_from_the_digest_hour_grouped_by_project(
        team, login_as, smtp):
    sponsor = team[Role.SPONSOR]
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    assert smtp.to(sponsor.email) == [] and states_of(sponsor) == {"digest"}
    assert mail.send_digests(at(1, 6)).sent == 0  # before 7:00
    assert mail.send_digests(at(1, 7)).sent == 1
    [digest] = smtp.to(sponsor.email)
    assert "Uw overzicht van vandaag" in digest["Subject"]
    text, html = parts(digest)
    assert "<h2" in html and team.project.name in html and "Stap 1 (" in text
    assert states_of(sponsor) == {"sent"}
    # Once a day: later runs that day send nothing; what came after waits for tomorrow.
    from wasstraat.tasks import services as tasks
    from wasstraat.workflow import Step
    tasks.add_task(team.project, team[Role.PROJECT_LEADER], title="Later die dag",
                   description="", step=Step.TEAM, assignee_id=sponsor.id, due_date=None)
    db.session.commit()
    mail.deliver()
    assert mail.send_digests(at(1, 15)).sent == 0
    assert mail.send_digests(at(2, 7)).sent == 1 and len(smtp.to(sponsor.email)) == 2


def test_a_weekly_digest_goes_on_monday(team, login_as, smtp):
    sponsor_wants(team, Channel.WEEKLY)
    start_step_1(team, login_as)
    assert mail.send_digests(at(1, 9)).sent == 0  # Tuesday
    assert mail.send_digests(at(7, 9)).sent == 1  # Monday
    assert "Uw overzicht van deze week" in smtp.to(team[Role.SPONSOR].email)[0]["Subject"]


def test_two_workers_at_once_send_a_period_s_digest_once(team, login_as, smtp, app):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    sent: list[int] = []

    def worker() -> None:
        with app.app_context():
            sent.append(mail.send_digests(at(1, 8)).sent)
            db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert len(smtp.to(team[Role.SPONSOR].email)) == 1


def test_a_digest_whose_worker_died_while_sending_goes_out_once_its_lease_ends(
        team, login_as, smtp, monkeypatch):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)

    def killed(*args, **kwargs):  # the worker is killed between the claim and the e-mail
        raise SystemExit

    with monkeypatch.context() as patched:
        patched.setattr(mail, "_send_digest", killed)
        with pytest.raises(SystemExit):
            mail.send_digests(at(1, 8))
    db.session.rollback()
    # The claim keeps other runs off while the dead worker might still be sending...
    assert mail.send_digests(at(1, 8) + mail.lease() / 2).sent == 0
    assert smtp.to(team[Role.SPONSOR].email) == []
    # ... and the first run after the lease sends the period's digest, once.
    assert mail.send_digests(at(1, 8) + mail.lease() * 2).sent == 1
    assert mail.send_digests(at(1, 8) + mail.lease() * 4).sent == 0
    [digest] = smtp.to(team[Role.SPONSOR].email)
    assert "Uw overzicht van vandaag" in digest["Subject"]


def test_a_digest_that_cannot_be_sent_is_tried_again_at_the_next_run(team, login_as, app,
                                                                    smtp_port):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    assert mail.send_digests(at(1, 8)).retried == 1  # no server listening
    assert states_of(team[Role.SPONSOR]) == {"digest"}
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert mail.send_digests(at(1, 9)).sent == 1 and inbox.to(team[Role.SPONSOR].email)
    finally:
        controller.stop()


def test_changing_a_digest_to_at_once_sends_what_waited(team, login_as, smtp):
    sponsor = team[Role.SPONSOR]
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    sponsor_wants(team, Channel.IMMEDIATE)
    assert states_of(sponsor) == {"pending"}
    mail.deliver()
    assert len(smtp.to(sponsor.email)) == 1 and states_of(sponsor) == {"sent"}


def test_the_periodic_command_sends_what_is_due(team, app, smtp, runner):
    from wasstraat.tasks import services as tasks
    from wasstraat.workflow import Step

    app.config["MAIL_AFTER_REQUEST"] = False  # as where a worker or cron sends
    tasks.add_task(team.project, team[Role.PROJECT_LEADER], title="Via cron", description="",
                   step=Step.TEAM, assignee_id=team[Role.SPONSOR].id, due_date=None)
    db.session.commit()
    result = runner.invoke(args=["notifications", "periodic"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 sent, 0 to retry, 0 given up")
    assert "Via cron" in smtp.to(team[Role.SPONSOR].email)[0]["Subject"]


def test_a_deactivated_account_gets_no_mail_and_no_digest(team, login_as, smtp, app):
    sponsor, owner = team[Role.SPONSOR], team[Role.PROCESS_OWNER]
    sponsor_wants(team, Channel.DAILY)
    mail.choose(owner, Kind.TASK, Channel.DAILY)
    db.session.commit()
    app.config["MAIL_AFTER_REQUEST"] = False
    start_step_1(team, login_as)
    owner.active = False  # before the delivery: its messages are not kept for a digest
    db.session.commit()
    mail.deliver()
    assert states_of(owner) == {"none"} and states_of(sponsor) == {"digest"}
    sponsor.active = False  # while its messages waited for the digest
    db.session.commit()
    assert mail.send_digests(at(1, 8)).sent == 0
    assert states_of(sponsor) == {"none"}
    assert smtp.to(sponsor.email) == [] and smtp.to(owner.email) == []


# --- A whole project -------------------------------------------------------------------------

WALK = [Step.TEAM, Step.JOURNEY, Step.KPIS, Step.PROCESS, Step.SERVICE_FORMULA,
        Step.IMPROVEMENT_PLAN, Step.REVIEW, Step.ADJUST, Step.IMPLEMENTATION_PLAN]


def mails_since(smtp, first: int) -> dict[str, list[str]]:
    received: dict[str, list[str]] = {}
    for message in smtp.messages[first:]:
        received.setdefault(message["To"], []).append(str(message["Subject"]))
    return received


# Who is mailed at once when each step opens (by the project leader, who is told nothing of
# tasks it gave itself), and about what: the method's own tasks, the reviews asked of the
# chosen specialists, the plan for the team managers, the actions for their responsible.
MAILED_WHEN_THE_STEP_OPENS = {
    Step.TEAM: {Role.SPONSOR: "Het traject uitdragen", Role.PROCESS_OWNER: "Opdracht en scope",
                Role.PROCESS_ADVISOR: "Kick-off bijwonen", Role.JOURNEY_COACH: "Kick-off bijwonen",
                Role.SUBJECT_EXPERT: "Kick-off bijwonen"},
    Step.JOURNEY: {Role.JOURNEY_COACH: "Klantreis uitvoeren",
                   Role.SUBJECT_EXPERT: "Meedenken over de klantreis"},
    Step.KPIS: {Role.PROCESS_OWNER: "KPI-set en streefwaarden vaststellen",
                Role.PROCESS_ADVISOR: "KPI's voorstellen"},
    Step.PROCESS: {Role.PROCESS_OWNER: "Proceskaart controleren",
                   Role.PROCESS_ADVISOR: "2 nieuwe meldingen", Role.SUBJECT_EXPERT:
                   "2 nieuwe meldingen"},
    Step.SERVICE_FORMULA: {Role.PROCESS_OWNER: "Keuze van de serviceformule bevestigen",
                           Role.JOURNEY_COACH: "Inbreng vanuit de klantreis",
                           Role.SUBJECT_EXPERT: "Per P het huidige proces vergelijken"},
    Step.IMPROVEMENT_PLAN: {Role.PROCESS_OWNER: "Meedenken over de keuze",
                            Role.PROCESS_ADVISOR: "Verbeteringen ordenen",
                            Role.JOURNEY_COACH: "Verbeteringen vanuit de klantreis"},
    Step.REVIEW: {Role.PRIVACY_OFFICER: "uw toetsing wordt gevraagd (Verbeterplan toetsen op "
                  "de AVG)", Role.LEGAL: "uw toetsing wordt gevraagd (Juridische"},
    Step.ADJUST: {Role.PROCESS_OWNER: "Definitief verbeterplan goedkeuren",
                  Role.PROCESS_ADVISOR: "Gewenst proces bijstellen",
                  Role.SUBJECT_EXPERT: "Meedenken over de bijstellingen",
                  Role.TEAM_MANAGER: "Definitief verbeterplan bekijken voor het eigen team",
                  Role.SPONSOR: "Go of no-go geven"},
    Step.IMPLEMENTATION_PLAN: {Role.PROCESS_OWNER: "Verbeteringen prioriteren",
                               Role.PROCESS_ADVISOR: "Afhankelijkheden",
                               Role.TEAM_MANAGER: "Capaciteit en aanpak",
                               Role.SPONSOR: "Go of no-go geven"},
    Step.EXECUTION: {Role.PROCESS_OWNER: "Evaluatiemoment plannen",
                     Role.SUBJECT_EXPERT: "2 nieuwe meldingen",
                     Role.TEAM_MANAGER: "Medewerkers trainen"},
}


def check_links(message, user, client) -> None:
    """Every link in an e-mail works for its recipient; its off-link is theirs."""
    text, _html = parts(message)
    links = re.findall(rf"{re.escape(BASE_URL)}(/\S+)", text)
    work = [link for link in links if link.startswith("/projects/")]
    assert work, text
    for link in work:
        assert client.get(link).status_code == 200, link
    [off] = [link for link in links if link.startswith("/notifications/off/")][:1]
    assert mail.read_unsubscribe_token(off.rsplit("/", 1)[1])[0].id == user.id


def test_a_project_walked_through_the_ten_steps_mails_each_person_their_work(
        team, login_as, smtp, app):
    from test_steps import _finish

    clients = {role: login_as(user) for role, user in team.members.items()}
    by_address = {user.email: role for role, user in team.members.items()}
    for step in WALK + [Step.EXECUTION]:
        first = len(smtp.messages)
        if step is Step.EXECUTION:
            assert clients[Role.PROJECT_LEADER].post(
                f"/projects/{team.project.id}/steps/10/start").status_code == 303
        else:
            _finish(team, clients, step)
        opened = [m for m in smtp.messages[first:] if "Deze taak is nu van u" in m["Subject"]
                  or "nieuwe meldingen" in m["Subject"] or "toetsing" in m["Subject"]
                  or "bekijken" in m["Subject"]]
        got = {by_address[m["To"]]: str(m["Subject"]) for m in opened}
        expected = MAILED_WHEN_THE_STEP_OPENS[step]
        assert set(got) == set(expected), step
        for message in opened:
            role = by_address[message["To"]]
            assert expected[role] in got[role], (step, role)
            assert f"Stap {int(step)} (" in parts(message)[0]
            check_links(message, team[role], clients[role])

    # The action's end date (31 March 2027) passes: its person's reminder waits for the daily
    # digest, which also names the other work that has waited on them since December.
    owner = clients[Role.PROCESS_OWNER]
    assert owner.post(f"/projects/{team.project.id}/implementation/evaluation", data={
        "version": "0", "planned_on": "2027-09-01",
        "owner_id": team[Role.PROCESS_OWNER].id}).status_code == 303
    expert = team[Role.SUBJECT_EXPERT]
    first = len(smtp.messages)
    jobs.periodic_work(datetime(2027, 4, 2, 6, tzinfo=AMSTERDAM))  # before the digest hour
    assert smtp.messages[first:] == []
    jobs.periodic_work(datetime(2027, 4, 2, 7, 5, tzinfo=AMSTERDAM))
    [digest] = [m for m in smtp.messages[first:] if m["To"] == expert.email]
    text, _html = parts(digest)
    assert "Uw overzicht van vandaag" in digest["Subject"]
    assert "de einddatum van uw actie is 2 dagen voorbij (Aanvraag digitaal met DigiD)" in text
    assert "wacht sinds" in text
    check_links(digest, expert, clients[Role.SUBJECT_EXPERT])

    # A week before the evaluation, its owner is reminded (in the owner's digest).
    first = len(smtp.messages)
    jobs.periodic_work(datetime(2027, 8, 25, 7, 5, tzinfo=AMSTERDAM))
    [digest] = [m for m in smtp.messages[first:] if m["To"] == team[Role.PROCESS_OWNER].email]
    assert "het evaluatiemoment is over 7 dagen" in parts(digest)[0]
    # Nothing twice: the same run again sends nothing.
    first = len(smtp.messages)
    jobs.periodic_work(datetime(2027, 8, 25, 7, 35, tzinfo=AMSTERDAM))
    assert smtp.messages[first:] == []


def test_a_digest_does_not_carry_work_finished_before_it_goes(team, login_as, smtp):
    sponsor_wants(team, Channel.DAILY)
    start_step_1(team, login_as)
    sponsor = team[Role.SPONSOR]
    for task in db.session.scalars(db.select(Task).where(Task.assignee_id == sponsor.id)):
        task.done_at = task.created_at
    db.session.commit()
    assert states_of(sponsor) == {"none"}
    assert mail.send_digests(at(1, 7)).sent == 0 and smtp.to(sponsor.email) == []


def test_a_mention_comes_at_once_or_in_the_digest_as_each_person_chose(team, login_as, smtp):
    """Issue 36: a mention in a comment reaches each named member through their own channel
    for mentions; the mail names the writer and the subject, escaped, and links to the thread."""
    from wasstraat.models import Improvement

    leader, sponsor, advisor = (team[Role.PROJECT_LEADER], team[Role.SPONSOR],
                                team[Role.PROCESS_ADVISOR])
    advisor.name = "<i>Adviseur</i>"
    idea = Improvement(project_id=team.project.id, title="Loket <b>dicht</b>",
                       step=Step.PROCESS, source_type="free")
    db.session.add(idea)
    mail.choose(leader, Kind.MENTION, Channel.DAILY)
    db.session.commit()
    thread = f"/projects/{team.project.id}/improvements/{idea.id}/comments"
    response = login_as(advisor).post(thread, data={
        "body": f"@{sponsor.name} en @{leader.name}: wat vinden jullie?"})
    assert response.status_code == 303
    [message] = smtp.to(sponsor.email)
    text, html = parts(message)
    assert "<i>Adviseur</i> noemt u in een reactie bij Loket <b>dicht</b>" in text
    assert "&lt;i&gt;Adviseur&lt;/i&gt;" in html and "<i>Adviseur</i>" not in html
    assert "Loket &lt;b&gt;dicht&lt;/b&gt;" in html
    assert f"{BASE_URL}{thread}" in text
    assert smtp.to(leader.email) == [] and states_of(leader) == {"digest"}
    assert mail.send_digests(at(1, 7)).sent == 1
    assert "noemt u in een reactie" in parts(smtp.to(leader.email)[0])[0]


def test_news_of_the_idea_box_comes_under_its_own_heading_with_the_reason_escaped(
        create_user, smtp):
    """An idea belongs to no project: its news is grouped as "Ideeënbus" in the digest, and
    leads to the idea's page (issue 36)."""
    proposer, coordinator = create_user("Bas"), create_user("Cora")
    coordinator.functions = [OrgFunction.COORDINATOR.value]
    idea = ideas.post(proposer, title="Foto bij een melding", description="",
                      process_id=None, organisation_unit="Stadsbeheer")
    db.session.commit()
    ideas.decline(idea, coordinator, expected_version=idea.version,
                  reason="Kan al <script>alert(1)</script> via de app.")
    db.session.commit()
    mail.deliver()
    assert mail.send_digests(at(1, 8)).sent == 2  # the coordinator's news, the proposer's
    [digest] = smtp.to(proposer.email)
    text, html = parts(digest)
    assert "Ideeënbus" in text and f"/ideas/{idea.id}" in text
    assert "wordt niet opgepakt" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
