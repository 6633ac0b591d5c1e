"""Scale-out, with real processes on loopback: HAProxy in front of three gunicorn instances,
PgBouncer in transaction mode in front of PostgreSQL, two mail workers and one for documents
and event logs. A worker is killed in the middle of an e-mail delivery and another in the
middle of the periodic run; a web instance is killed under traffic. The blocked work resumes
on its own, nothing is lost, and every e-mail goes exactly once.

One test, slow by nature (about a minute): the timings are shortened for it (a worker silent
for 6 s counts as dead, a mail claim lasts 10 s, the periodic work runs every 5 s).
"""

from __future__ import annotations

import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email import policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from conftest import PASSWORD
from sqlalchemy import text
from sqlalchemy.engine import make_url
from test_notification_mail import free_port

from wasstraat import ROOT
from wasstraat.extensions import db
from wasstraat.models import Notification, Task
from wasstraat.notification_kinds import Channel, Kind
from wasstraat.notifications import mail
from wasstraat.workflow import Role

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not (shutil.which("haproxy") and shutil.which("pgbouncer")),
                       reason="needs Debian's haproxy and pgbouncer"),
]

STALLED_SECONDS = 6
LEASE_SECONDS = 10


class Inbox:
    """An SMTP server that can hold the next message matching a pattern: the sender waits
    (as on a slow server) until it is let go, and the message is then refused."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.hold_pattern: bytes | None = None
        self.holding = threading.Event()
        self.let_go = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_pattern and self.hold_pattern in envelope.content:
            self.hold_pattern = None
            self.holding.set()
            while not self.let_go.is_set():  # the test kills the sender meanwhile
                await _sleep(0.1)
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)



def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


class Stack:
    """The processes of one installation, all on loopback."""

    def __init__(self, database_url: str, smtp_port: int, folder: Path) -> None:
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        url = make_url(database_url)
        self.bouncer_port = free_port()
        self._start_pgbouncer(url)
        bounced = url.set(host="127.0.0.1", port=self.bouncer_port, database="wasstraat",
                          username="pooled", password=None).difference_update_query(["options"])
        self.env = {
            **os.environ, "DATABASE_URL": bounced.render_as_string(hide_password=False),
            "WASSTRAAT_PGBOUNCER": "1", "WASSTRAAT_JOB_QUEUE": "procrastinate",
            "WASSTRAAT_JOB_SCHEDULE": "* * * * * */5",
            "WASSTRAAT_JOB_STALLED_SECONDS": str(STALLED_SECONDS),
            "WASSTRAAT_MAIL_LEASE_SECONDS": str(LEASE_SECONDS),
            "WASSTRAAT_SMTP_HOST": "127.0.0.1", "WASSTRAAT_SMTP_PORT": str(smtp_port),
            "WASSTRAAT_SMTP_STARTTLS": "off", "WASSTRAAT_DIGEST_HOUR": "0",
            "WASSTRAAT_MFA_REQUIRED": "nobody", "SECRET_KEY": "schaal-" + "x" * 40,
            "WEB_CONCURRENCY": "1", "WASSTRAAT_ACCESS_LOG": "", "WASSTRAAT_LOG_FORMAT": "json",
        }
        self.web_ports = [free_port() for _ in range(3)]
        for n, port in enumerate(self.web_ports):
            self.start(f"web{n}", [sys.executable, "-m", "gunicorn", "-c",
                                   str(ROOT / "deploy" / "gunicorn.conf.py"), "app:app"],
                       WASSTRAAT_BIND=f"127.0.0.1:{port}")
        self.port = free_port()
        self._start_haproxy()
        self.base = f"http://127.0.0.1:{self.port}"

    def _start_pgbouncer(self, url) -> None:
        # PgBouncer passes no startup options on: the test's schema (one per xdist worker,
        # conftest.PG_SCHEMA) is set on each of its server connections instead.
        schema = re.search(r"search_path=(\w+)", url.query.get("options", ""))
        setting = f" connect_query='SET search_path TO {schema.group(1)}'" if schema else ""
        config = self.folder / "pgbouncer.ini"
        config.write_text(f"""[databases]
wasstraat = host=127.0.0.1 port={url.port or 5432} dbname={url.database} user={url.username} password={url.password}{setting}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.bouncer_port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 300
default_pool_size = 12
ignore_startup_parameters = extra_float_digits,options
""", encoding="utf-8")
        # PgBouncer will not run as root; the database's own account runs it.
        self.start("pgbouncer", ["pgbouncer", "-u", "postgres", str(config)])
        wait_until(lambda: _answers(self.bouncer_port), 10, "PgBouncer listens")

    def _start_haproxy(self) -> None:
        servers = "\n".join(f"  server web{n} 127.0.0.1:{port} check inter 500 fall 2 rise 2"
                            for n, port in enumerate(self.web_ports))
        config = self.folder / "haproxy.cfg"
        config.write_text(f"""defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 2
  option redispatch
  retry-on conn-failure empty-response
frontend web
  bind 127.0.0.1:{self.port}
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /_healthz/readyz/
{servers}
""", encoding="utf-8")
        self.start("haproxy", ["haproxy", "-db", "-f", str(config)])

    def start(self, name: str, command: list[str], **env: str) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env={**getattr(self, "env", os.environ), **env}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    def worker(self, name: str, *queues: str) -> None:
        command = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
        for queue in queues:
            command += ["--queue", queue]
        self.start(name, command)

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def stop(self) -> None:
        """The workers and web instances first, the load balancer and PgBouncer last (a worker
        whose database went away first would wait to reconnect)."""
        for name, process in reversed(self.processes.items()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop within 15 s")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Browser(requests.Session):
    """A person at a browser, through the load balancer: a GET whose connection broke is
    asked again, as a browser does."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.token = ""

    def page(self, path: str) -> requests.Response:
        for attempt in range(3):
            try:
                response = self.get(self.base + path, timeout=20)
            except requests.ConnectionError:
                if attempt == 2:
                    raise
                continue
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
            self.token = found.group(1) if found else self.token
            return response
        raise AssertionError("unreachable")

    def submit(self, path: str, **fields: str) -> requests.Response:
        return self.post(self.base + path, data={"csrf_token": self.token, **fields},
                         allow_redirects=False, timeout=20)

    def sign_in(self, email_address: str) -> None:
        self.page("/login")
        assert self.submit("/login", email=email_address, password=PASSWORD).status_code == 302


@pytest.fixture
def inbox():
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def stack(database_url, inbox):
    folder = Path(tempfile.mkdtemp(prefix="wasstraat-scale-"))
    folder.chmod(0o755)  # PgBouncer, as postgres, reads its configuration here
    stack = Stack(database_url, inbox.port, folder)
    try:
        wait_until(lambda: all(_ready(port) for port in stack.web_ports), 60, "web instances ready")
        # HAProxy's own checks find them up: six answers in a row, twice round the three.
        wait_until(lambda: all(_ready(stack.port) for _ in range(6)), 30, "HAProxy sends on")
        yield stack
    finally:
        stack.stop()
        for log in sorted(folder.glob("*.log")):  # shown by pytest when the test failed
            print(f"--- {log.name}", *log.read_text(errors="replace").splitlines()[-15:],
                  sep="\n")
        shutil.rmtree(folder, ignore_errors=True)


def _ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/_healthz/readyz/", timeout=2).ok
    except requests.RequestException:
        return False


def jobs_by_state() -> Counter:
    db.session.rollback()
    return Counter(tuple(row) for row in db.session.execute(text(
        "SELECT task_name, status::text FROM procrastinate_jobs")))


def doing_on_the_mail_queue() -> list[int]:
    db.session.rollback()
    return list(db.session.scalars(text(
        "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND queue_name = 'mail'")))


def status_of(job_ids: list[int]) -> dict[int, str]:
    db.session.rollback()
    return dict(db.session.execute(text(
        "SELECT id, status::text FROM procrastinate_jobs WHERE id = ANY(:ids)"),
        {"ids": job_ids}).all())


def ended(job_ids: list[int]) -> bool:
    return set(status_of(job_ids).values()) <= {"succeeded", "failed"}


def live_workers() -> int:
    db.session.rollback()
    return db.session.scalar(text(
        "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - "
        "interval '3 seconds'"))


def mailed_once(inbox: Inbox, users) -> dict[str, list[int]]:
    """For each person, how many of their e-mails carry each of their notifications' titles:
    all ones when every message went exactly once."""
    db.session.rollback()
    counts: dict[str, list[int]] = {}
    for user in users:
        titles = db.session.scalars(db.select(Notification.title).where(
            Notification.user_id == user.id, Notification.mail_state == "sent")).all()
        texts = [m.get_body(("plain",)).get_content() for m in inbox.to(user.email)]
        counts[user.email] = [sum(title in body for body in texts) for title in titles]
    return counts


def settled() -> bool:
    """No e-mail waits or is being sent, and no job is left "doing"."""
    db.session.rollback()
    busy = db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
        Notification.mail_state.in_(("pending", "sending"))))
    return busy == 0 and not [key for key in jobs_by_state() if key[1] == "doing"
                              and key[0] != "wasstraat.periodic"]


def test_killed_workers_and_a_killed_web_instance_lose_nothing_and_mail_each_message_once(
        stack, inbox, create_project):
    team = create_project()
    project = team.project.id
    members = [team[role] for role in Role]
    leader_email = team[Role.PROJECT_LEADER].email
    leader = Browser(stack.base)
    leader.sign_in(leader_email)

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
    # The periodic work goes on after the dead run: later runs succeed.
    runs_before = jobs_by_state()[("wasstraat.periodic", "succeeded")]
    wait_until(lambda: jobs_by_state()[("wasstraat.periodic", "succeeded")] > runs_before, 30,
               "a later periodic run succeeds")

    # --- A web instance is killed under traffic. ---
    outcomes: list[int | str] = []
    titles: list[str] = []

    def person(n: int) -> None:
        browser = Browser(stack.base)
        browser.sign_in(leader_email)
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
