"""Real processes on loopback, for the tests of a scaled-out installation: HAProxy in front of
three gunicorn instances, PgBouncer in transaction mode in front of PostgreSQL, workers per
queue, and an SMTP server that can hold a message while the test kills its sender.

A pytest plugin (conftest's ``pytest_plugins``): its fixtures are ``inbox`` and ``stack``.
The timings are shortened for the tests: a worker silent for 6 s counts as dead, a mail claim
lasts 10 s, the periodic work runs every 5 s.
"""

from __future__ import annotations

import asyncio
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
from email import policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlalchemy.engine import make_url

from wasstraat import ROOT
from wasstraat.extensions import db
from wasstraat.models import Notification

# Debian's packages the stack runs on; a test that needs them is skipped without them.
STACK_PROGRAMS = ("haproxy", "pgbouncer")
needs_stack = pytest.mark.skipif(not all(shutil.which(p) for p in STACK_PROGRAMS),
                                 reason="needs Debian's haproxy and pgbouncer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


STALLED_SECONDS = 6
METRICS_TOKEN = "de-scraper-van-het-cluster-0123456789"
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
                await asyncio.sleep(0.1)
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class Stack:
    """The processes of one installation, all on loopback."""

    def __init__(self, database_url: str, smtp_port: int, folder: Path) -> None:
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        self.metrics_ports: dict[str, int] = {}
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
            "WASSTRAAT_METRICS_TOKEN": METRICS_TOKEN,
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
        """A job worker for ``queues``, serving its own metrics on ``metrics_ports[name]``."""
        command = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
        for queue in queues:
            command += ["--queue", queue]
        self.metrics_ports[name] = free_port()
        self.start(name, [*command, "--metrics-port", str(self.metrics_ports[name])])

    def worker_metrics(self, name: str) -> str:
        return requests.get(f"http://127.0.0.1:{self.metrics_ports[name]}/metrics", timeout=5,
                            headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text

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

    def sign_in(self, email_address: str, password: str) -> None:
        self.page("/login")
        assert self.submit("/login", email=email_address, password=password).status_code == 302


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


def responds(url: str) -> bool:
    """Whether ``url`` answers with a success."""
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _ready(port: int) -> bool:
    return responds(f"http://127.0.0.1:{port}/_healthz/readyz/")


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
