"""Scale-out, with real processes on loopback (scaled.py): HAProxy in front of three gunicorn
instances, PgBouncer in transaction mode in front of PostgreSQL, two mail workers and one for
documents and event logs. A worker is killed in the middle of an e-mail delivery and another in
the middle of the periodic run; a web instance is killed under traffic. The blocked work
resumes on its own, nothing is lost, and every e-mail goes exactly once.

One test, slow by nature (about a minute). The team's walk through the method on this set-up,
with kills between its steps, is the scenario's (test_scenario.py) on PostgreSQL.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import PASSWORD
from prometheus_client.parser import text_string_to_metric_families
from scaled import (
    Browser,
    doing_on_the_mail_queue,
    ended,
    jobs_by_state,
    live_workers,
    mailed_once,
    needs_stack,
    settled,
    wait_until,
)

from wasstraat.extensions import db
from wasstraat.models import Task
from wasstraat.notification_kinds import Channel, Kind
from wasstraat.notifications import mail
from wasstraat.workflow import Role

pytestmark = [pytest.mark.postgres_only, needs_stack]


def test_killed_workers_and_a_killed_web_instance_lose_nothing_and_mail_each_message_once(
        stack, inbox, create_project):
    team = create_project()
    project = team.project.id
    members = [team[role] for role in Role]
    leader_email = team[Role.PROJECT_LEADER].email
    leader = Browser(stack.base)
    leader.sign_in(leader_email, PASSWORD)

    # --- A mail worker is killed while it delivers an e-mail. ---
    inbox.hold_pattern = b"Subject:"
    stack.worker("mail-1", "mail")
    wait_until(lambda: live_workers() == 1, 30, "the first mail worker runs")
    leader.page(f"/projects/{project}")
    assert leader.submit(f"/projects/{project}/steps/1/start").status_code == 303
    wait_until(inbox.holding.is_set, 30, "the worker is in the middle of an e-mail")
    dying = doing_on_the_mail_queue()  # the only mail worker's: a delivery or a periodic run
    assert dying
    stack.worker("mail-2", "mail")
    stack.worker("other-1", "documents", "eventlogs")
    wait_until(lambda: live_workers() == 3, 30, "the other workers run")
    stack.kill("mail-1")
    inbox.let_go.set()
    # New work while the dead worker's delivery still holds its lock.
    leader.page(f"/projects/{project}/tasks/new")
    assert leader.submit(f"/projects/{project}/tasks/new", title="Na de storing", step="1",
                       assignee_id=str(team[Role.PROCESS_OWNER].id)).status_code == 303
    wait_until(settled, 90, "every e-mail sent and no job left doing")
    assert all(counts == [1] * len(counts) for counts in mailed_once(inbox, members).values())
    assert any("Na de storing" in m.get_body(("plain",)).get_content()
               for m in inbox.to(team[Role.PROCESS_OWNER].email))
    # The dead worker's job was put back and done, or ended where the same work waited.
    wait_until(lambda: ended(dying), 60, "the dead worker's job is no longer doing")
    assert jobs_by_state()[("wasstraat.deliver", "succeeded")] >= 1

    # --- The mail worker is killed in the middle of the periodic run (a digest). ---
    sponsor = team[Role.SPONSOR]
    mail.choose(sponsor, Kind.TASK, Channel.DAILY)
    db.session.commit()
    inbox.hold_pattern = b"Uw overzicht van vandaag"
    inbox.holding.clear()
    inbox.let_go.clear()
    assert leader.submit(f"/projects/{project}/tasks/new", title="Voor het overzicht", step="1",
                       assignee_id=str(sponsor.id)).status_code == 303
    wait_until(inbox.holding.is_set, 60, "the periodic run is sending the digest")
    dying = doing_on_the_mail_queue()
    assert dying
    stack.kill("mail-2")
    inbox.let_go.set()
    stack.worker("mail-3", "mail")  # the restart
    stack.worker("mail-4", "mail")
    wait_until(lambda: any("Voor het overzicht" in m.get_body(("plain",)).get_content()
                           for m in inbox.to(sponsor.email)), 90, "the digest goes out")
    wait_until(settled, 60, "every e-mail sent and no job left doing")
    wait_until(lambda: ended(dying), 60, "the dead periodic run is no longer doing")
    digests = [m for m in inbox.to(sponsor.email) if "overzicht" in m["Subject"]]
    assert len(digests) == 1
    assert all(counts == [1] * len(counts) for counts in mailed_once(inbox, members).values())
    # The workers started after the kill counted what they did themselves, on their own ports:
    # between them, the digest's periodic run and its e-mail.
    counted: Counter = Counter()
    for name in ("mail-3", "mail-4"):
        for family in text_string_to_metric_families(stack.worker_metrics(name)):
            counted.update({(s.name, s.labels.get("task"), s.labels.get("outcome")): s.value
                            for s in family.samples})
    assert counted[("wasstraat_jobs_total", "wasstraat.periodic", "succeeded")] >= 1
    assert counted[("wasstraat_notification_mails_total", None, "sent")] >= 1
    # The periodic work goes on after the dead run: later runs succeed.
    runs_before = jobs_by_state()[("wasstraat.periodic", "succeeded")]
    wait_until(lambda: jobs_by_state()[("wasstraat.periodic", "succeeded")] > runs_before, 30,
               "a later periodic run succeeds")

    # --- A web instance is killed under traffic. ---
    outcomes: list[int | str] = []
    titles: list[str] = []

    def person(n: int) -> None:
        browser = Browser(stack.base)
        browser.sign_in(leader_email, PASSWORD)
        for i in range(12):
            assert browser.page(f"/projects/{project}").status_code == 200
            title = f"Drukte {n}-{i}"
            browser.page(f"/projects/{project}/tasks/new")
            try:
                status = browser.submit(f"/projects/{project}/tasks/new", title=title, step="1",
                                      assignee_id="0").status_code
            except requests.ConnectionError:
                status = "connection lost"
            outcomes.append(status)
            if status == 303:
                titles.append(title)

    with ThreadPoolExecutor(3) as people:
        running = [people.submit(person, n) for n in range(3)]
        time.sleep(2)
        stack.kill("web1")
        for future in running:
            future.result()
    failed = [o for o in outcomes if o != 303]
    assert len(failed) <= 1, failed  # at most the killed instance's one request in flight
    db.session.rollback()
    stored = set(db.session.scalars(db.select(Task.title).where(
        Task.title.like("Drukte %"))))
    assert set(titles) <= stored  # no write that was answered is lost
    assert len(stored) >= len(titles) and len(stored) <= len(titles) + len(failed)
