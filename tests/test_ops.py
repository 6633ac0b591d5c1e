"""Running as a service: the probes a load balancer and Kubernetes ask, and the metrics
Prometheus scrapes."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import PASSWORD, put_in_step
from flask_login import current_user
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families
from scaled import free_port, responds, wait_until
from sqlalchemy import func, select, text

from wasstraat import create_app, jobs, logs, metrics
from wasstraat.config import ConfigError, JobQueue, load_config
from wasstraat.extensions import db
from wasstraat.models import Notification, ProjectPosition
from wasstraat.notification_kinds import MailState
from wasstraat.ops import tracing
from wasstraat.workflow import Role, Step

TOKEN = "een-token-van-de-scraper-0123456789"


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": False, "METRICS_TOKEN": TOKEN}


def scrape(client, token: str = TOKEN) -> dict[str, dict[tuple, float]]:
    """The scrape as {metric sample name: {labels: value}}, parsed as Prometheus parses it."""
    response = client.get("/_metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return parsed(response.get_data(as_text=True))


def parsed(exposition: str) -> dict[str, dict[tuple, float]]:
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = \
                sample.value
    return samples


# --- Probes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/_healthz/livez", "/_healthz/livez/"])
def test_the_liveness_probe_answers_without_touching_the_database(client, count_queries, path):
    answers = []
    assert count_queries(lambda: answers.append(client.get(path))) == 0
    assert answers[0].status_code == 200 and answers[0].json["status"] == "ok"


@pytest.mark.parametrize("path", ["/_healthz/readyz", "/_healthz/readyz/", "/health"])
def test_the_readiness_probe_asks_the_database(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_an_instance_is_unready_while_its_database_is_away_and_ready_when_it_returns(
        tmp_path: Path):
    gone = tmp_path / "volume"  # a database on a volume that is not mounted (yet)
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{gone / 'wasstraat.sqlite'}"})
    client = app.test_client()
    with app.app_context():
        away = client.get("/_healthz/readyz")
        assert away.status_code == 503
        assert away.json == {"status": "unavailable",
                             "checks": {"database": "unavailable (OperationalError)"}}
        assert str(gone) not in away.get_data(as_text=True)  # no paths or hosts in public
        assert client.get("/_healthz/livez").status_code == 200  # alive: no restart for this
        gone.mkdir()
        assert client.get("/_healthz/readyz").status_code == 200
        db.engine.dispose()


def test_a_release_starts_taking_requests_once_its_migrations_ran(app, client):
    started = client.get("/_healthz/")
    assert started.status_code == 200 and started.json["checks"]["schema"] == "ok"
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = 'b5c6d7e8f9a0'"))
    db.session.commit()
    try:  # (on PostgreSQL the next test's reset leaves this table alone: put it back)
        behind = client.get("/_healthz")
        assert behind.status_code == 503
        assert behind.json["checks"]["schema"].startswith("schema at b5c6d7e8f9a0, release wants")
    finally:
        db.session.rollback()
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()


def test_on_postgresql_readiness_includes_the_job_queue(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the job queue lives on PostgreSQL")
    app.config["JOB_QUEUE"] = JobQueue.PROCRASTINATE
    assert client.get("/_healthz/readyz").json["checks"] == {"database": "ok", "queue": "ok"}
    db.session.execute(text("ALTER TABLE procrastinate_workers RENAME TO workers_elsewhere"))
    db.session.commit()
    try:
        response = client.get("/_healthz/readyz")
        assert response.status_code == 503
        assert response.json["checks"] == {"database": "ok",
                                           "queue": "unavailable (UndefinedTable)"}
    finally:
        db.session.execute(text("ALTER TABLE workers_elsewhere RENAME TO procrastinate_workers"))
        db.session.commit()


# --- Metrics -----------------------------------------------------------------------------------

def test_the_metrics_are_not_there_unless_a_token_is_set(app, client):
    app.config["METRICS_TOKEN"] = ""
    assert client.get("/_metrics", headers={"Authorization": f"Bearer {TOKEN}"}
                      ).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer een-ander-token-van-iemand-anders",
                                    TOKEN])
def test_the_metrics_need_the_scrapers_token(client, header):
    headers = {"Authorization": header} if header is not None else {}
    assert client.get("/_metrics", headers=headers).status_code == 401


def test_requests_are_counted_by_route_template_and_status_never_by_path(
        client, create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    before = scrape(client).get("wasstraat_http_requests_total", {})
    route = (("method", "GET"), ("route", "/projects/<int:project_id>"), ("status", "200"))
    for _ in range(3):
        assert leader.get(f"/projects/{team.project.id}").status_code == 200
    # Someone outside the project is told it is not there.
    assert login_as(team.outsider).get(f"/projects/{team.project.id}").status_code == 404
    client.get("/geen/pagina/12345")
    after = scrape(client)
    counted = after["wasstraat_http_requests_total"]
    assert counted[route] - before.get(route, 0) == 3
    forbidden = (("method", "GET"), ("route", "/projects/<int:project_id>"), ("status", "404"))
    assert counted[forbidden] - before.get(forbidden, 0) == 1
    assert not any("12345" in value or "/geen" in value
                   for labels in counted for _name, value in labels)
    unmatched = (("method", "GET"), ("route", "<unmatched>"), ("status", "404"))
    assert counted[unmatched] >= 1
    durations = after["wasstraat_http_request_duration_seconds_count"]
    assert durations[(("method", "GET"), ("route", "/projects/<int:project_id>"))] >= 4


def test_the_projects_per_step_are_read_from_the_database(client, create_project):
    for step in (Step.TEAM, Step.TEAM, Step.PROCESS):
        team = create_project()
        put_in_step(team.project, step)
    db.session.commit()
    counted = dict(db.session.execute(select(ProjectPosition.step, func.count())
                                      .group_by(ProjectPosition.step)).all())
    projects = scrape(client)["wasstraat_projects"]
    assert {dict(labels)["step"]: value for labels, value in projects.items()} == \
        {str(step): counted.get(step, 0) for step in range(1, 11)} | \
        {"none": counted.get(None, 0)}
    assert projects[(("step", str(int(Step.TEAM))),)] == 2
    assert projects[(("step", str(int(Step.PROCESS))),)] == 1


def test_mail_waiting_and_given_up_is_read_from_the_database(client, create_project,
                                                            login_as):
    team = create_project()
    assert login_as(team[Role.PROJECT_LEADER]).post(
        f"/projects/{team.project.id}/steps/1/start").status_code in (302, 303)
    messages = db.session.scalars(select(Notification)).all()
    assert len(messages) >= 3
    messages[0].mail_state = MailState.FAILED
    messages[1].mail_state = MailState.DIGEST
    db.session.commit()
    in_table = dict(db.session.execute(select(Notification.mail_state, func.count())
                                       .group_by(Notification.mail_state)).all())
    waiting = {dict(labels)["state"]: value for labels, value in
               scrape(client)["wasstraat_notification_mails_waiting"].items()}
    assert waiting == {state: in_table.get(state, 0)
                       for state in ("pending", "sending", "digest", "failed")}
    assert waiting["failed"] == 1 and waiting["digest"] == 1


def test_the_event_logs_and_the_events_read_are_read_from_the_database(
        client, create_project, login_as):
    from test_mining import KNOWN, choose, latest, upload

    team = create_project()
    put_in_step(team.project, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, KNOWN)
    assert choose(advisor, latest()).status_code == 303
    done = latest()
    assert done.status == "done"
    samples = scrape(client)
    logs = {dict(labels)["status"]: value for labels, value in
            samples["wasstraat_event_logs"].items()}
    assert logs == {"uploaded": 0, "queued": 0, "running": 0, "done": 1, "failed": 0}
    assert samples["wasstraat_event_log_events_read"][()] == done.events_read > 0


def test_a_document_download_is_timed(client, create_project, login_as):
    team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    key = (("document", "improvement_plan"),)
    before = scrape(client).get("wasstraat_document_build_seconds_count", {}).get(key, 0)
    response = login_as(team[Role.PROJECT_LEADER]).get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx")
    assert response.status_code == 200
    assert scrape(client)["wasstraat_document_build_seconds_count"][key] == before + 1


def test_on_postgresql_the_job_counts_match_the_queues_table(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the job queue lives on PostgreSQL")
    app.config["JOB_QUEUE"] = JobQueue.PROCRASTINATE
    app.config["KEPT_PDF"] = "job"
    queue = jobs.queue(app)
    with queue.open():
        queue.tasks["wasstraat.deliver"].defer()
        for owner in (1, 2, 3):
            queue.tasks["wasstraat.keep_pdf"].defer(kind="plan_version", owner_id=owner)
        # Waiting for its moment, not for a worker: no wait to report.
        queue.tasks["wasstraat.analyse_log"].configure(schedule_in={"hours": 1}).defer(log_id=1)
    db.session.execute(text(
        "UPDATE procrastinate_jobs SET status = 'failed' WHERE id = (SELECT max(id) "
        "FROM procrastinate_jobs WHERE task_name = 'wasstraat.keep_pdf')"))
    db.session.commit()
    samples = scrape(client)
    in_table = {(queue_name, status): count for queue_name, status, count in db.session.execute(
        text("SELECT queue_name, status::text, count(*) FROM procrastinate_jobs "
             "GROUP BY 1, 2"))}
    counted = {(dict(labels)["queue"], dict(labels)["state"]): value
               for labels, value in samples["wasstraat_jobs"].items() if value}
    assert counted == in_table == {("mail", "todo"): 1, ("documents", "todo"): 2,
                                   ("documents", "failed"): 1, ("eventlogs", "todo"): 1}
    oldest = {dict(labels)["queue"]: value
              for labels, value in samples["wasstraat_job_oldest_waiting_seconds"].items()}
    assert oldest["mail"] >= 0 and oldest["eventlogs"] == 0
    assert samples["wasstraat_job_workers"][()] == 0


# --- Logs --------------------------------------------------------------------------------------

def test_a_log_line_is_json_naming_the_request_and_the_person_by_id_never_by_e_mail(
        app, create_project, login_as):
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logs.JsonLines())

    def noting() -> str:
        current_user.id  # noqa: B018 (signed in: the person is loaded, as on any page)
        logging.getLogger("wasstraat.test").warning("Iets om te melden")
        return "ok"

    app.add_url_rule("/_test/log", "test_log", noting)
    logging.getLogger("wasstraat.test").addHandler(handler)
    try:
        team = create_project()
        leader = team[Role.PROJECT_LEADER]
        response = login_as(leader).get("/_test/log", headers={"X-Request-Id": "verzoek-123"})
    finally:
        logging.getLogger("wasstraat.test").removeHandler(handler)
    [line] = lines.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "Iets om te melden" and entry["level"] == "WARNING"
    assert entry["request_id"] == response.headers["X-Request-Id"] == "verzoek-123"
    assert entry["user_id"] == leader.id
    assert leader.email not in line and leader.name not in line


def test_a_job_s_log_lines_carry_the_request_that_deferred_it():
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logs.JsonLines())
    logger = logging.getLogger("wasstraat.test.job")
    logger.addHandler(handler)
    try:
        with logs.job("wasstraat.deliver", "verzoek-456"):
            logger.error("Bezorgen mislukt")
        logger.error("Daarna")
    finally:
        logger.removeHandler(handler)
    inside, after = (json.loads(line) for line in lines.getvalue().splitlines())
    assert (inside["job"], inside["request_id"]) == ("wasstraat.deliver", "verzoek-456")
    assert "job" not in after and "request_id" not in after


def test_production_logs_json_lines_once_however_often_an_app_is_made(make_app):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        for _ in range(2):
            make_app(LOG_FORMAT="json")
        ours = [h for h in root.handlers if isinstance(h.formatter, logs.JsonLines)]
        assert len(ours) == 1
    finally:
        root.handlers = before


@pytest.mark.parametrize("value", ["xml", "JSONN"])
def test_a_log_format_that_is_not_known_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("WASSTRAAT_LOG_FORMAT", value)
    with pytest.raises(ConfigError, match="WASSTRAAT_LOG_FORMAT"):
        load_config(tmp_path)


def test_json_is_the_log_format_of_production(monkeypatch, tmp_path):
    assert load_config(tmp_path)["LOG_FORMAT"] == "text"
    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "een geheime sleutel die lang genoeg is voor productie!")
    monkeypatch.setenv("WASSTRAAT_AUDIT_KEYS", "k1:" + "a" * 64)
    monkeypatch.setenv("WASSTRAAT_MFA_REQUIRED", "admins")
    assert load_config(tmp_path)["LOG_FORMAT"] == "json"


# --- PgBouncer ---------------------------------------------------------------------------------

def test_behind_pgbouncer_nothing_is_prepared_on_the_server_and_workers_poll(
        monkeypatch, tmp_path, make_app):
    assert "connect_args" not in load_config(tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]
    monkeypatch.setenv("WASSTRAAT_PGBOUNCER", "1")
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"prepare_threshold": None}
    queue = jobs.queue(make_app(JOB_QUEUE=JobQueue.PROCRASTINATE, PGBOUNCER=True))
    assert queue.worker_defaults["listen_notify"] is False
    assert queue.connector._pool_args["kwargs"] == {"prepare_threshold": None}
    direct = jobs.queue(make_app(JOB_QUEUE=JobQueue.PROCRASTINATE, PGBOUNCER=False))
    assert direct.worker_defaults["listen_notify"] is True


def test_the_metrics_token_may_come_from_a_mounted_secret(monkeypatch, tmp_path):
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    monkeypatch.setenv("WASSTRAAT_METRICS_TOKEN_FILE", str(secret))
    assert load_config(tmp_path)["METRICS_TOKEN"] == TOKEN
    secret.write_text("kort")
    with pytest.raises(ConfigError, match="at least 24"):
        load_config(tmp_path)


# --- Under gunicorn ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_under_gunicorn_a_scrape_adds_up_what_every_worker_counted(database_url, tmp_path):
    """Two workers behind one port, each counting in its own process: the scrape (whichever
    worker answers it) reports the requests of both."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "WASSTRAAT_METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "WEB_CONCURRENCY": "2",
           "WASSTRAAT_BIND": f"127.0.0.1:{port}", "WASSTRAAT_ACCESS_LOG": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "app:app"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: responds(base + "/_healthz/livez"), 30, "gunicorn answers")
        # A request whose headers are not finished keeps one (sync) worker waiting for them,
        # so the others all go to the other worker; then the first is finished.
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"GET /_healthz/readyz/ HTTP/1.1\r\nHost: localhost\r\n")
            time.sleep(0.5)
            with ThreadPoolExecutor(4) as clients:
                list(clients.map(lambda _n: requests.get(base + "/_healthz/readyz", timeout=10),
                                 range(40)))
            slow.sendall(b"Connection: close\r\n\r\n")
            assert slow.recv(100).startswith(b"HTTP/1.1 200")
        scraped = requests.get(base + "/_metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                               timeout=10).text
    finally:
        server.terminate()
        server.wait(timeout=30)
    counted = {}
    for family in text_string_to_metric_families(scraped):
        for sample in family.samples:
            if sample.name == "wasstraat_http_requests_total":
                counted[sample.labels["route"]] = sample.value
    assert counted["/_healthz/readyz/"] == 41
    workers = {path.stem.rsplit("_", 1)[-1] for path in (tmp_path / "metrics").glob("counter_*")}
    assert len(workers) == 2  # both workers counted, and the scrape added them up



# --- A job worker's own port --------------------------------------------------------------------

def test_a_worker_counts_its_jobs_and_serves_them_on_its_own_port_behind_the_token():
    def ran(task: str, outcome: str) -> float:
        return metrics.JOBS.labels(task, outcome)._value.get()

    server = metrics.serve(free_port(), TOKEN, host="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_port}/metrics"
    try:
        with metrics.job_run("wasstraat.proef"):
            pass
        with pytest.raises(RuntimeError), metrics.job_run("wasstraat.proef"):
            raise RuntimeError("de taak faalt")
        assert (ran("wasstraat.proef", "succeeded"), ran("wasstraat.proef", "failed")) == (1, 1)
        for header in ({}, {"Authorization": "Bearer " + "x" * 40},
                       {"Authorization": f"Basic {TOKEN}"}):
            assert requests.get(base, headers=header, timeout=5).status_code == 401
        answer = requests.get(base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        assert answer.status_code == 200
    finally:
        server.shutdown()
        server.server_close()
    samples = parsed(answer.text)
    assert samples["wasstraat_jobs_total"][
        (("outcome", "failed"), ("task", "wasstraat.proef"))] == 1
    assert samples["wasstraat_job_duration_seconds_count"][(("task", "wasstraat.proef"),)] == 2


# --- Traces ------------------------------------------------------------------------------------

def test_without_a_collector_nothing_is_traced(app, monkeypatch):
    for name in tracing.ENDPOINTS:
        monkeypatch.delenv(name, raising=False)
    assert tracing.configure(app) is False


def test_a_request_is_traced_with_its_statements_naming_the_person_by_id(
        make_app, create_project):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    traced = make_app(OTEL_TRACER_PROVIDER=provider, TESTING=True, WTF_CSRF_ENABLED=False)
    team = create_project()
    leader = team[Role.PROJECT_LEADER]
    email_address, leader_id, project_id = leader.email, leader.id, team.project.id
    db.session.rollback()  # SQLite: this test's own session holds no lock while the app writes
    client = traced.test_client()
    assert client.post("/login", data={"email": email_address, "password": PASSWORD}
                       ).status_code == 302
    exporter.clear()
    response = client.get(f"/projects/{project_id}", headers={"X-Request-Id": "spoor-1"})
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.kind is SpanKind.SERVER]
    assert request.name == "GET /projects/<int:project_id>"
    assert request.attributes["wasstraat.request_id"] == "spoor-1"
    assert request.attributes["enduser.id"] == str(leader_id)
    statements = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert statements and all(s.context.trace_id == request.context.trace_id
                              for s in statements)
    assert not any(email_address in str(value) for s in spans
                   for value in (s.attributes or {}).values())
