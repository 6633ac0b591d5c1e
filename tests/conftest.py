"""Test fixtures: an app on a fresh, migrated database per test (SQLite or PostgreSQL).

The schema is built once per run by the real migrations; each test then gets a copy (SQLite)
or emptied tables (PostgreSQL), so tests are isolated and fast.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event, text
from werkzeug.serving import make_server

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-tests-0123")
os.environ.setdefault("WASSTRAAT_AUDIT_KEYS", "test1:test-audit-key-that-is-long-enough-for-tests-456")
# Each test process writes its audit checkpoints to its own file, out of the repository.
os.environ.setdefault("WASSTRAAT_AUDIT_CHECKPOINTS", str(
    Path(tempfile.gettempdir()) / f"wasstraat-audit-checkpoints-{os.getpid()}.jsonl"))
os.environ.pop("DATABASE_URL", None)

from wasstraat import create_app
from wasstraat.auth import passwords
from wasstraat.auth import services as accounts
from wasstraat.extensions import db
from wasstraat.models import ImprovementPlan, Project, User
from wasstraat.projects import services as projects
from wasstraat.workflow import Role, Step


def organisation_today() -> date:
    """Today as the app counts days: in Amsterdam. On a UTC machine between 23:00 and
    midnight, ``date.today()`` is still yesterday there."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


PASSWORD = "een lang genoeg wachtwoord voor tests"
# Posted with a step's close: whatever would end unfinished ends as no longer needed
# (closing.py), and the close that finishes a project sets the process's review date (and
# says why when no KPI was measured again), so that tests about something else close as
# before.
END_ALL = {"all_ends": "not_needed",
           "revisit_on": (organisation_today() + timedelta(days=365)).isoformat(),
           "unmeasured_reason": "De nameting volgt in de borging."}
BACKEND = os.environ.get("WASSTRAAT_TEST_BACKEND", "sqlite")
# The processes of a scaled-out installation (HAProxy, PgBouncer, workers), as fixtures.
pytest_plugins = ["scaled", "zgw_mock"]
# Under pytest-xdist each worker (gw0, gw1, ...) gets its own PostgreSQL schema.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_SCHEMA = f"test_{WORKER}" if WORKER else "public"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Let fixtures see whether the test failed (the browser saves a screenshot then)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        marker, reason = "sqlite_only", "run once, on SQLite: the database changes nothing here"
    else:
        marker, reason = "postgres_only", "needs PostgreSQL (WASSTRAAT_TEST_BACKEND=postgresql)"
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker(marker):
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"wasstraat database backend: {BACKEND}"


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.exit("WASSTRAAT_TEST_BACKEND=postgresql needs TEST_DATABASE_URL", returncode=2)
    if PG_SCHEMA != "public":
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{PG_SCHEMA}"
    return url


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()


# Rows the migrations themselves insert (reference data), restored after each PostgreSQL test.
SEEDED_ROWS: dict[str, list[dict]] = {}


def _snapshot_seeded_rows(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = [dict(r) for r in conn.execute(table.select()).mappings()]
            if rows:
                SEEDED_ROWS[table.name] = rows
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL."""
    if BACKEND == "postgresql":
        url = _postgres_url()
        _reset_postgres(url)
        _migrate(url)
        _snapshot_seeded_rows(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


def _empty_postgres_tables(url: str, attempts: int = 3) -> None:
    """Empty every table; once in several hundred tests a connection of the previous test's
    app is still finishing and PostgreSQL breaks the deadlock by aborting us: then again."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            _truncate_all(url)
            return
        except OperationalError as error:
            if "deadlock detected" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    try:
        _empty_written_tables(engine)
    finally:
        engine.dispose()


def _empty_written_tables(engine) -> None:
    """Empty what the last test wrote, and draw ids from 1 again. Deleting the rows of the
    few tables a test writes is a tenth of the time of truncating all of them (a TRUNCATE
    makes new files for every table it names)."""
    with engine.begin() as conn:
        written = _written_tables(conn)
        # The app's role may not change the audit trail (append-only: a trigger refuses
        # DELETE, and a deleted account's check for its events needs UPDATE); the owner grants
        # itself these for this moment only (a production app role has no grant option).
        conn.execute(text("GRANT TRUNCATE, UPDATE ON audit_event TO CURRENT_USER"))
        if "audit_event" in written:
            conn.execute(text("TRUNCATE audit_event"))
        # The job queue's tables (not the app's models): truncated together when used.
        queue_tables = sorted(written - set(db.metadata.tables))
        if queue_tables:
            conn.execute(text(f"TRUNCATE {', '.join(queue_tables)} RESTART IDENTITY CASCADE"))
        # Table names come from our own metadata and the catalogue, never from input.
        for table in reversed(db.metadata.sorted_tables):  # those referring to others first
            if table.name in written and table.name != "audit_event":
                conn.execute(table.delete())
        for name in written & set(db.metadata.tables):
            if "id" in db.metadata.tables[name].c:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  "1, false)"))
        conn.execute(text("REVOKE TRUNCATE, UPDATE ON audit_event FROM CURRENT_USER"))
        for name, rows in SEEDED_ROWS.items():
            conn.execute(db.metadata.tables[name].insert(), rows)
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                              f"(SELECT max(id) FROM {name}))"))


def _written_tables(conn) -> set[str]:
    """The tables a test may have written: those with rows, or whose ids were drawn (a
    rolled-back insert draws one too). The seeded ones always."""
    names = conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename <> 'alembic_version'")).scalars().all()
    # Table names come from the catalogue of our own schema, never from input.
    with_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT FROM {name})" for name in names)
    drawn = conn.execute(text(
        "SELECT replace(sequencename, '_id_seq', '') FROM pg_sequences "
        "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).scalars()
    return (set(conn.execute(text(with_rows)).scalars()) | (set(drawn) & set(names))
            | set(SEEDED_ROWS))


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if BACKEND == "postgresql":
        _empty_postgres_tables(database_template)
        return database_template
    path = tmp_path / "test.sqlite"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own `g` and database session, as in
    production, even though the test holds an app context open for its own queries."""

    def open(self, *args, **kwargs):
        db.session.commit()  # the test's own changes are visible to the request
        kwargs.setdefault("buffered", True)  # a streamed body is read inside the request too
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.commit()  # ends the test's read transaction and expires its objects


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still argon2id, with light parameters so a test can create a dozen accounts quickly.
    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": False}


class SharedBytecode(BytecodeCache):
    """Compiled templates kept across the suite's apps: each test makes a new app, and
    compiling every template again for each was a fifth of a typical test's time.
    Jinja checks each entry against the template's source, so an edit is never stale."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()
# Most tests sign administrators in with a password alone; the tests of the second factor
# (test_second_factor.py) switch the requirement on.
WITHOUT_SECOND_FACTOR = {"MFA_REQUIRED": "nobody"}
# The office hours every post of the organisation page carries (its form always sends them).
OFFICE_HOURS = {"office_opens": "08:30", "office_closes": "17:00"}


@pytest.fixture
def app(database_url: str, app_config: dict) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "MAIL_BACKEND": "locmem", "EVENT_LOG_INLINE": True,
                      # A signed plan's PDF made on its first download, and a .docx's page
                      # numbers left to Word (no conversion per download); the job and the
                      # numbering are tested on their own (test_plan_documents, test_pages).
                      "KEPT_PDF": "request", "TOC_PAGE_NUMBERS": "word",
                      **WITHOUT_SECOND_FACTOR, **app_config})
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = SHARED_BYTECODE
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Another app on the test database, with other settings; its connections are closed after."""
    made: list[Flask] = []

    def _make(**config: object) -> Flask:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **WITHOUT_SECOND_FACTOR,
                          **config})
        made.append(app)
        return app

    yield _make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_client(app: Flask) -> Callable[[], FlaskClient]:
    return app.test_client


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def _create(name: str | None = None, *, email: str | None = None, admin: bool = False,
                password: str = PASSWORD) -> User:
        n = next(counter)
        user = accounts.create_user(email or f"user{n}@gemeente.example", name or f"Medewerker {n}",
                                    password, is_admin=admin, enforce_policy=False)
        db.session.commit()
        return user

    return _create


@pytest.fixture
def municipality(app: Flask) -> dict[str, int]:
    """The demo municipality (wasstraat.demo): its three projects by name, everyone in every
    role, each with the demo password."""
    from wasstraat.demo import load_demo

    load_demo()
    db.session.commit()
    return {name: db.session.scalar(db.select(Project.id).where(Project.name == name))
            for name in ("Aanvraag parkeervergunning bewoners", "Verhuizing doorgeven",
                         "Melding openbare ruimte")}


@dataclass
class Team:
    project: Project
    members: dict[Role, User]
    outsider: User

    def __getitem__(self, role: Role) -> User:
        return self.members[role]


PLAN_TEXTS = {
    "context": "Bewoners wachten drie weken op een vergunning en bellen vaak na.",
    "scope": "De aanvraag van een bewonersvergunning, van aanvraag tot besluit.",
    "risks": "De koppeling met de RDW hangt af van de leverancier.",
}


@pytest.fixture
def create_project(create_user: Callable[..., User]) -> Callable[..., Team]:
    """A project with one member per role (or the roles given) and one non-member."""

    made: list[str] = []

    def _create(name: str = "Aanvraag parkeervergunning", roles: list[Role] | None = None) -> Team:
        roles = list(Role) if roles is None else roles
        # Running projects have distinct names (projects.name_problem): a second one of the
        # same name in a test gets a number.
        made.append(name)
        if made.count(name) > 1:
            name = f"{name} {made.count(name)}"
        members = {role: create_user(f"{role.label} van {name}") for role in roles}
        for role, user in members.items():  # registered by the administrator (duties.py)
            if role.is_specialist:
                user.specialisms = [role.value]
        leader = members.get(Role.PROJECT_LEADER) or create_user("Projectleider")
        project = projects.create_project(leader, name=name, product="Parkeervergunning",
                                          assignment="Sneller en duidelijker.",
                                          process_type="primary", creator_roles=set())
        for role, user in members.items():
            if user is not leader:
                projects.add_member(project, leader, user, {role})
        # The texts a board reads before deciding, as a team writes them along the way: a plan
        # is not sent without them (plans.send_blockers).
        db.session.add(ImprovementPlan(project_id=project.id, **PLAN_TEXTS))
        db.session.commit()
        return Team(project, members, create_user())

    return _create


def give_go(client: FlaskClient, project: Project, step: int) -> None:
    """The sponsor's go at a gated step (steps 8 and 9 unless the organisation chooses
    otherwise), given once the step's work is in order."""
    response = client.post(f"/projects/{project.id}/steps/{step}/gate", data={"verdict": "go"})
    assert response.status_code == 303, response.get_data(as_text=True)


def put_in_step(project: Project, step: Step) -> None:
    """The project as if the earlier steps were done and this one under way."""
    from wasstraat.models import StepState
    from wasstraat.workflow import StepStatus

    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == project.id)):
        state.status = (StepStatus.DONE if state.step < step else StepStatus.IN_PROGRESS
                        if state.step == step else StepStatus.NOT_STARTED).value
    db.session.commit()


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


@pytest.fixture
def login_as(make_client: Callable[[], FlaskClient]) -> Callable[[User], FlaskClient]:
    """A fresh client signed in as the user (several can be signed in at once)."""

    def _login(user: User) -> FlaskClient:
        client = make_client()
        login(client, user)
        return client

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


@pytest.fixture
def count_queries(app: Flask) -> Callable[..., int]:
    def _count(action: Callable[[], object], cold: bool = True) -> int:
        if cold:  # the worst case: every cached section (fragments.py) built afresh
            app.extensions["fragments"].clear()
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            action()
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return counter.count

    return _count


# --- In a real browser: Debian's chromium driven by Playwright (never a downloaded browser) ---

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

def _buffered(app):
    """Read each response whole and close it before the server writes it.

    Werkzeug's development server skips closing the response when the browser
    resets the connection, which leaves a static file open (a ResourceWarning,
    an error under our warning filter). Production servers close it themselves.
    """
    def wsgi(environ, start_response):
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    return wsgi


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def site(live_server) -> str:
    """Where the browser goes: this test's own server (a test may put a whole installation
    in its place: test_scenario.py)."""
    return live_server


@pytest.fixture
def page(site, request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(base_url=site)
        page = context.new_page()
        outside: list[str] = []
        # A test may name other origins it uses on purpose (an identity provider).
        allowed = [site, "data:", *getattr(request.node, "allowed_origins", [])]
        page.on("request", lambda r: None if r.url.startswith(tuple(allowed))
                else outside.append(r.url))
        csp_errors: list[str] = []
        page.on("console", lambda m: csp_errors.append(m.text)
                if "Content Security Policy" in m.text else None)
        yield page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()
        assert outside == [], "the pages fetched something from outside the app"
        assert csp_errors == [], csp_errors


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
