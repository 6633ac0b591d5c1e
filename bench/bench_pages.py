"""Benchmark: the pages people use most, on a large municipality, under gunicorn.

1. Generates 1,000 projects with 100,000 improvements, spread over the ten steps as in a real
   portfolio (many young projects, fewer far along; improvements from step 3 on, sizes
   skewed), with teams, tasks and implementation plans; plus a project with 10 and one with
   10,000 improvements for the query counts.
2. Counts the SQL queries of each page at 10 and at 10,000 rows (target: equal).
3. Serves the app and a bare Flask+Jinja page (a template file, compiled once, as the app's
   are) with gunicorn, both at once with the same workers. Several clients ask the bare page
   and every app page in turn, over several rounds, so a busy moment on the shared machine
   falls on both alike. Prints p50/p95 per page, the ratio of each round's p95 to the bare
   page's p95 in that round (the median over the rounds is the figure; target at most 3x), and
   the server's CPU time per request (from a Server-Timing header) next to the wall time.

Writes its section of bench/RESULTS.md. `make bench` runs it; set
DATABASE_URL to run it on PostgreSQL (the database is emptied first, unless BENCH_REUSE=1 says
to measure the data a previous run left), otherwise a throw-away SQLite file is used, or the
file BENCH_DATA names (kept, and reused when it exists: for profiling and repeated runs).
"""

from __future__ import annotations

import http.cookiejar
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "1000"))
IMPROVEMENTS = int(os.environ.get("BENCH_IMPROVEMENTS", "100000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "25"))  # per client, per round
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PASSWORD = "een lang wachtwoord voor de benchmark"  # noqa: S105 - a throw-away database
# How a portfolio spreads over the steps: most projects early, a tail far along.
STEP_WEIGHTS = [14, 12, 12, 10, 9, 10, 8, 7, 9, 9]
SEED = 20261123
# A SQLite file to keep the generated data in and reuse on the next run (profiling, repeated
# measurements); without it the data is made afresh in a throw-away file.
KEPT_DATA = os.environ.get("BENCH_DATA")


def _users(count_per_role: int) -> dict:
    from wasstraat.auth.passwords import hash_password
    from wasstraat.extensions import db
    from wasstraat.models import User
    from wasstraat.workflow import Role

    hashed = hash_password(PASSWORD)
    # Specialists are registered as such by the administrator (duties.py).
    pool = {role: [User(email=f"{role.value}{n}@bench.example", name=f"{role.label} {n}",
                        password_hash=hashed,
                        specialisms=[role.value] if role.is_specialist else [])
                   for n in range(count_per_role)] for role in Role}
    db.session.add_all(u for users in pool.values() for u in users)
    db.session.flush()
    return pool


def _project(name: str, team: dict, current: int, improvements: int, rng: random.Random):
    """One project with its team, at step `current`, with tasks for the step under way and
    its improvements (and implementation plan from step 9) written in bulk."""
    from sqlalchemy import insert

    from wasstraat.extensions import db
    from wasstraat.models import ImplementationItem, ImplementationOrder, Improvement
    from wasstraat.projects import services as projects
    from wasstraat.tasks.services import create_step_tasks
    from wasstraat.workflow import Role, Step, StepStatus

    leader = team[Role.PROJECT_LEADER]
    project = projects.create_project(leader, name=name, product="Product",
                                      assignment="Sneller, eenvoudiger, goedkoper.",
                                      process_type="primary", creator_roles=set())
    for role, user in team.items():
        if role is not Role.PROJECT_LEADER:
            projects.add_member(project, leader, user, {role})
    days_in_step = rng.randint(1, 60)
    # Finished steps took their time before the current one (the reports' lead times); half
    # of the projects in step 10 are closed.
    closed = current == Step.EXECUTION and rng.random() < 0.5
    moment = datetime.now(UTC) - timedelta(days=days_in_step)
    for state in sorted(project.steps, key=lambda s: -s.step):
        if state.step == current and not closed:
            state.status, state.started_at = StepStatus.IN_PROGRESS.value, moment
        elif state.step <= current:
            state.status, state.closed_at = StepStatus.DONE.value, moment
            moment -= timedelta(days=rng.randint(3, 90))
            state.started_at = moment
    db.session.flush()
    create_step_tasks(project, Step(current), leader)
    if not improvements:
        return project
    planned = current > Step.IMPROVEMENT_PLAN
    rows = [{
        "project_id": project.id, "title": f"Verbetering {n} van {name}",
        "description": "Wat er beter kan, en waarom.", "step": rng.choice([3, 4, 5, 6]),
        "source_type": "step", "source_id": 3, "version": 1, "decision_reason": "",
        "created_at": datetime.now(UTC),
        "horizon": rng.choice(["quick_win", "long_term"]) if planned else None,
        "impact": rng.randint(1, 5) if planned else None,
        "effort": rng.randint(1, 5) if planned else None,
        "decision": "in_plan" if planned else "open",
    } for n in range(improvements)]
    db.session.execute(insert(Improvement), rows)
    if current >= Step.IMPLEMENTATION_PLAN:
        ids = db.session.scalars(db.select(Improvement.id).where(
            Improvement.project_id == project.id).order_by(Improvement.id)).all()
        db.session.add(ImplementationOrder(project_id=project.id))
        start = date(2027, 1, 4)
        db.session.execute(insert(ImplementationItem), [{
            "project_id": project.id, "improvement_id": i, "position": n, "version": 1,
            "adoption": "taken_over", "drop_reason": "", "blocked_reason": "",
            "status": "not_started", "responsible_id": team[Role.SUBJECT_EXPERT].id,
            "start_on": start + timedelta(weeks=n % 40),
            "end_on": start + timedelta(weeks=n % 40 + 4),
        } for n, i in enumerate(ids, start=1)])
    return project


def generate() -> dict[str, int]:
    """The large municipality; returns the ids the measurements use."""
    from wasstraat.extensions import db
    from wasstraat.workflow import Role

    rng = random.Random(SEED)  # noqa: S311 - repeatable data, not secrets
    pool = _users(25)
    steps = rng.choices(range(1, 11), weights=STEP_WEIGHTS, k=PROJECTS)
    with_ideas = [i for i, s in enumerate(steps) if s >= 3]
    # Improvement counts skewed (lognormal), scaled to the total, for projects past step 2.
    raw = [rng.lognormvariate(0, 0.8) for _ in with_ideas]
    sizes = {i: max(1, round(r / sum(raw) * IMPROVEMENTS)) for i, r in zip(with_ideas, raw,
                                                                           strict=True)}
    started = time.perf_counter()
    typical = None
    for i, current in enumerate(steps):
        team = {role: rng.choice(users) for role, users in pool.items()}
        project = _project(f"Traject {i + 1}", team, current, sizes.get(i, 0), rng)
        if typical is None and current == 9 and 60 <= sizes.get(i, 0) <= 140:
            typical = (project.id, team[Role.PROCESS_OWNER].email)
        if i % 100 == 99:
            db.session.commit()
            print(f"  {i + 1} projecten ({time.perf_counter() - started:.0f} s)", flush=True)
    # The query-count pair: the same shape of project at 10 and at 10,000 improvements, each with
    # its own team so "my tasks" and the dashboard differ only in the amount of data.
    counted = {}
    for label, size in (("klein", 10), ("groot", 10_000)):
        team = {role: users[0] for role, users in _users_for(label).items()}
        project = _project(f"Meting {label}", team, 9, size, rng)
        counted[label] = (project.id, team[Role.PROCESS_OWNER].email)
    db.session.commit()
    assert typical is not None, "no typical project in step 9; change the seed"
    return {"typical": typical, **counted}


def find_subjects() -> dict[str, tuple[int, str]]:
    """The same ids as generate() returned, read back from kept data."""
    from wasstraat.extensions import db
    from wasstraat.models import (
        Improvement,
        Membership,
        MembershipRole,
        Project,
        ProjectPosition,
        User,
    )
    from wasstraat.workflow import Role

    def owner(project_id: int) -> str:
        return db.session.scalar(db.select(User.email).join(Membership).join(MembershipRole).where(
            Membership.project_id == project_id,
            MembershipRole.role == Role.PROCESS_OWNER).order_by(User.id).limit(1))

    sizes = db.select(Improvement.project_id, db.func.count().label("n")).group_by(
        Improvement.project_id).subquery()
    typical = db.session.scalar(
        db.select(Project.id).join(sizes, sizes.c.project_id == Project.id)
        .join(ProjectPosition, ProjectPosition.project_id == Project.id)
        .where(ProjectPosition.step == 9, sizes.c.n.between(60, 140),
               Project.name.like("Traject %")).order_by(Project.id).limit(1))
    subjects = {"typical": (typical, owner(typical))}
    for label in ("klein", "groot"):
        found = db.session.scalar(db.select(Project.id).where(Project.name == f"Meting {label}"))
        subjects[label] = (found, owner(found))
    return subjects


def _users_for(label: str) -> dict:
    from wasstraat.auth.passwords import hash_password
    from wasstraat.extensions import db
    from wasstraat.models import User
    from wasstraat.workflow import Role

    hashed = hash_password(PASSWORD)
    users = {role: [User(email=f"{role.value}-{label}@bench.example", name=f"{role.label} {label}",
                         password_hash=hashed,
                         specialisms=[role.value] if role.is_specialist else [])]
             for role in Role}
    db.session.add_all(u[0] for u in users.values())
    db.session.flush()
    return users


FLOOR = "vloer: wachtwoord wijzigen"
FLOOR_PATH = "/account/password"


def pages(project_id: int) -> dict[str, str]:
    """The floor (a signed-in page with the full layout and one small form: what every page
    pays) first, then the pages people use most."""
    return {
        FLOOR: FLOOR_PATH,
        "dashboard": "/",
        "dashboard, portfolio pagina 40": "/?page=40",
        "projectpagina": f"/projects/{project_id}",
        "verbeterbord": f"/projects/{project_id}/plan",
        "mijn taken": "/tasks",
        "implementatieplan": f"/projects/{project_id}/implementation",
        "rapportages": "/reports",
        "stappagina (stap 9)": f"/projects/{project_id}/steps/9",
        "inbox": "/notifications",
        "geschiedenis": f"/projects/{project_id}/history",
    }


def count_queries(app, subjects: dict) -> dict[str, dict[str, int]]:
    """Queries per page for the process owner of the 10- and the 10,000-row project."""
    from sqlalchemy import event

    from wasstraat.extensions import db

    counts: dict[str, dict[str, int]] = {}
    app.config["WTF_CSRF_ENABLED"] = False  # the in-process client signs in without a form
    for label in ("klein", "groot"):
        project_id, email = subjects[label]
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        with app.app_context():
            engine = db.engine
        for name, path in pages(project_id).items():
            seen: list[str] = []
            listener = _counter(seen)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                status = client.get(path).status_code
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            assert status == 200, (path, status)
            counts.setdefault(name, {})[label] = len(seen)
    return counts


def _counter(seen: list[str]):
    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)
    return count


BARE_APP = '''
import time
from flask import Flask, g, render_template
app = Flask(__name__)

@app.before_request
def start_clock():
    g.cpu_started = time.process_time()

@app.after_request
def report(response):
    spent = (time.process_time() - g.cpu_started) * 1000
    response.headers["Server-Timing"] = f"cpu;dur={spent:.2f}"
    return response

@app.route("/")
def bare():
    items = [f"Regel {n}" for n in range(20)]
    return render_template("bare.html", title="Kale pagina", items=items)
'''
BARE_TEMPLATE = """<!doctype html><html lang="nl"><head><title>{{ title }}</title></head><body>
<main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></main>
</body></html>"""
BARE = "kale pagina"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(module: str, env: dict[str, str], cwd: Path,
          workers: int = WORKERS) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", module], cwd=cwd, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health" if module == "app:app" else base,  # noqa: S310
                                   timeout=2).close()
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start for {module}")


def _signed_in_opener(base: str, email: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                   "password": PASSWORD}).encode()
    opener.open(base + "/login", body).read()
    return opener


@dataclass
class Timings:
    wall: dict[str, list[list[float]]]  # page -> per round, seconds
    cpu: dict[str, list[float]]  # page -> server CPU ms per request


def _cpu_ms(response) -> float | None:
    found = re.search(r"cpu;dur=([\d.]+)", response.headers.get("Server-Timing", ""))
    return float(found.group(1)) if found else None


def load(bare_base: str, app_base: str, paths: dict[str, str], email: str,
         requests: int = REQUESTS_PER_PAGE) -> Timings:
    """CLIENTS clients at once; in each round each asks the bare page and every app page in
    turn, ``requests`` times."""
    targets = {BARE: bare_base + "/", **{name: app_base + path for name, path in paths.items()}}
    timings = Timings({name: [[] for _ in range(ROUNDS)] for name in targets},
                      {name: [] for name in targets})
    lock = threading.Lock()
    errors: list[str] = []

    def client() -> None:
        opener = _signed_in_opener(app_base, email)
        for url in targets.values():  # warm-up
            opener.open(url).read()
        for round_ in range(ROUNDS):
            for _ in range(requests):
                for name, url in targets.items():
                    started = time.perf_counter()
                    with opener.open(url) as response:
                        response.read()
                        if response.status != 200 or "/login" in response.url:
                            errors.append(f"{url}: {response.status} {response.url}")
                        cpu = _cpu_ms(response)
                    elapsed = time.perf_counter() - started
                    with lock:
                        timings.wall[name][round_].append(elapsed)
                        if cpu is not None:
                            timings.cpu[name].append(cpu)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]
    return timings


LARGE = {"verbeterbord, 10.000 verbeteringen": "verbeterbord",
         "implementatieplan, 10.000 verbeteringen": "implementatieplan"}


def large_pages(project_id: int) -> dict[str, str]:
    """The pages of the project with 10,000 improvements (asked by its process owner), with
    the floor page again so each run has its own."""
    return {
        FLOOR: FLOOR_PATH,
        "verbeterbord, 10.000 verbeteringen": f"/projects/{project_id}/plan",
        "implementatieplan, 10.000 verbeteringen": f"/projects/{project_id}/implementation",
    }


# Where the floor page's time goes: a part of the request, and the functions (file suffix and
# name, as cProfile names them) whose cumulative time is that part's.
FLOOR_PARTS = (
    ("sessie en gebruiker (cookie, token, account)", (("auth/session.py", "_load_user"),
                                                      ("auth/session.py", "enforce_lifetimes"))),
    ("instellingen van de organisatie", (("duties.py", "settings"),)),
    ("aantal ongelezen berichten", (("notifications/services.py", "unread_count"),)),
    ("CSRF-token", (("flask_wtf/csrf.py", "generate_csrf"), ("flask_wtf/csrf.py", "protect"))),
    ("vertalingen", (("wasstraat/templating.py", "_translations"),
                     ("jinja2/ext.py", "gettext"), ("jinja2/ext.py", "ngettext"))),
    ("adressen (url_for)", (("flask/app.py", "url_for"),)),
    ("sjabloon (layout en formulier), samen", (("flask/templating.py", "render_template"),)),
    ("het hele verzoek", (("flask/app.py", "wsgi_app"),)),
)


def floor_breakdown(email: str, runs: int = 300) -> tuple[float, list[tuple[str, float]]]:
    """The floor page's time per request in process (no server), and the milliseconds per
    request of each part of FLOOR_PARTS (the template's own includes the translations and
    addresses it asks for; the parts overlap that way, the whole request is the sum)."""
    import cProfile
    import pstats

    from wasstraat import create_app

    app = create_app()  # with CSRF, as served (count_queries turned it off in its own)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": email,
                                       "password": PASSWORD}).status_code == 302
    for _ in range(20):
        client.get(FLOOR_PATH)
    profile = cProfile.Profile()
    started = time.process_time()
    for _ in range(runs):
        client.get(FLOOR_PATH)
    plain = (time.process_time() - started) / runs * 1000
    profile.enable()
    for _ in range(runs):
        client.get(FLOOR_PATH)
    profile.disable()
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    parts = []
    for label, functions in FLOOR_PARTS:
        spent = sum(ct for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items()
                    if any(file.endswith(suffix) and name == wanted
                           for suffix, wanted in functions))
        parts.append((label, spent / runs * 1000))
    return plain, parts


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_memory(env: dict[str, str], paths: dict[str, str], email: str,
                  times: int = 10) -> tuple[float, float]:
    """One gunicorn worker's resident memory (MiB) once it served a signed-in dashboard, and
    after serving each of ``paths`` ``times`` times."""
    served, base = serve("app:app", env, ROOT, workers=1)
    try:
        master = served.pid
        worker = int(Path(f"/proc/{master}/task/{master}/children").read_text().split()[0])
        opener = _signed_in_opener(base, email)
        opener.open(base + "/").read()
        before = _rss_mib(worker)
        for _ in range(times):
            for path in paths.values():
                opener.open(base + path).read()
        return before, _rss_mib(worker)
    finally:
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=30)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _summary(measured: Timings, name: str) -> tuple[float, float, float, float]:
    """p50 and p95 wall time over all rounds, the median of the rounds' p95 ratios to the bare
    page, and the median CPU ms per request."""
    rounds = measured.wall[name]
    every = [t for round_ in rounds for t in round_]
    ratio = statistics.median(p(mine, 95) / p(theirs, 95)
                              for mine, theirs in zip(rounds, measured.wall[BARE], strict=True))
    cpu = statistics.median(measured.cpu[name]) if measured.cpu[name] else float("nan")
    return p(every, 50), p(every, 95), ratio, cpu


def report_lines(database: str, projects: int, rows: int, generated_in: float,
                 counts: dict, timings: Timings, large_timings: Timings,
                 floor: tuple[float, list[tuple[str, float]]],
                 memory: tuple[float, float]) -> list[str]:
    bare_p50, bare_p95, _ratio, bare_cpu = _summary(timings, BARE)
    floor_cpu = _summary(timings, FLOOR)[3]
    lines = [
        f"## Pagina's onder gunicorn, {database} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cpu's, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; database {database}. "
        f"{projects} trajecten, {rows} verbeteringen (gemaakt in {generated_in:.0f} s). "
        f"gunicorn {WORKERS} workers, {CLIENTS} clients tegelijk, {ROUNDS} rondes van "
        f"{REQUESTS_PER_PAGE} verzoeken per pagina per client; de kale pagina, de vloer en de "
        "pagina's om en om. Gemeten traject: stap 9, ~100 verbeteringen, als proceseigenaar. "
        "CPU: de tijd die het werkproces aan het verzoek besteedt (Server-Timing), met de "
        "paginacache zoals in gebruik: na de eerste keer zijn de zware delen bewaard tot de "
        "gegevens veranderen.",
        "",
        "| Pagina | CPU ms per verzoek (mediaan) | × vloer | p50 ms | p95 ms | p95 × kale p95 "
        "| queries bij 10 rijen | bij 10.000 rijen |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| kale Flask+Jinja-pagina (templatebestand) | {bare_cpu:.2f} | – | {bare_p50 * 1000:.1f} "
        f"| {bare_p95 * 1000:.1f} | 1.0 | – | – |",
    ]
    over = []
    for name in pages(0):
        p50, p95, ratio, cpu = _summary(timings, name)
        small, large = counts[name]["klein"], counts[name]["groot"]
        if cpu > 3 * floor_cpu or small != large:
            over.append(name)
        lines.append(f"| {name} | {cpu:.1f} | {cpu / floor_cpu:.1f} | {p50 * 1000:.1f} | "
                     f"{p95 * 1000:.1f} | {ratio:.1f} | {small} | {large} |")
    lines += ["", "| Pagina bij 10.000 verbeteringen | CPU ms | × dezelfde pagina bij ~100 | "
              "× vloer (van deze ronde) | p50 ms | p95 ms | queries |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    large_floor = _summary(large_timings, FLOOR)[3]
    for name, small_name in LARGE.items():
        p50, p95, _ratio, cpu = _summary(large_timings, name)
        against = cpu / _summary(timings, small_name)[3]
        if against > 1.5:
            over.append(name)
        lines.append(f"| {name} | {cpu:.1f} | {against:.2f} | {cpu / large_floor:.1f} | "
                     f"{p50 * 1000:.1f} | {p95 * 1000:.1f} | {counts[small_name]['groot']} |")
    plain, parts = floor
    whole = parts[-1][1]
    lines += ["", f"**De vloer** (`{FLOOR_PATH}`) in het proces zelf, zonder server: "
              f"{plain:.2f} ms CPU per verzoek; de kale pagina kost onder gunicorn "
              f"{bare_cpu:.2f} ms. Waar de tijd heen gaat (cProfile, als deel van het hele "
              "verzoek, omgerekend naar de tijd zonder profiler; het sjabloon omvat de "
              "vertalingen en adressen die het vraagt):", "",
              "| deel | ms per verzoek | aandeel |", "|---|---:|---:|"]
    lines += [f"| {label} | {spent / whole * plain:.2f} | {spent / whole:.0%} |"
              for label, spent in parts]
    before, after = memory
    growth = after - before
    if growth > 20:
        over.append("geheugen van de worker")
    lines += ["", f"Geheugen van één worker (RSS): {before:.1f} MiB na het dashboard, "
              f"{after:.1f} MiB na 10× verbeterbord en implementatieplan van het traject "
              f"met 10.000 verbeteringen: {growth:+.1f} MiB (doel: hoogstens +20 MiB).",
              "", "Doelen: elke pagina hoogstens 3× de CPU van de vloer; bij 10.000 "
              "verbeteringen hoogstens 1,5× dezelfde pagina bij ~100; queries gelijk bij 10 en "
              "10.000 rijen. " + (f"Boven doel: {', '.join(over)}." if over
                                   else "Alle doelen gehaald.")]
    return lines


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wasstraat-bench-"))
    kept = Path(KEPT_DATA).resolve() if KEPT_DATA else None
    reuse = (kept is not None and kept.exists()) or os.environ.get("BENCH_REUSE") == "1"
    url = (os.environ.get("DATABASE_URL") or f"sqlite:///{kept or workdir / 'bench.sqlite'}")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 60, "WASSTRAAT_ENV": "development"}
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from wasstraat import create_app
    from wasstraat.extensions import db

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql" and not reuse:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        if reuse:
            print(f"Gegevens van {kept} opnieuw gebruikt.", flush=True)
            subjects = find_subjects()
        else:
            print(f"Gegevens maken: {PROJECTS} trajecten, {IMPROVEMENTS} verbeteringen ...",
                  flush=True)
            subjects = generate()
        generated_in = time.perf_counter() - started
        rows = db.session.execute(text("SELECT count(*) FROM improvement")).scalar()
        projects = db.session.execute(text("SELECT count(*) FROM project")).scalar()
        db.session.remove()
    print(f"  klaar in {generated_in:.0f} s: {projects} trajecten, {rows} verbeteringen")

    counts = count_queries(app, subjects)
    floor_plain, floor_parts = floor_breakdown(subjects["typical"][1])
    with app.app_context():
        db.engine.dispose()

    (workdir / "bare_app.py").write_text(BARE_APP)
    (workdir / "templates").mkdir(exist_ok=True)
    (workdir / "templates" / "bare.html").write_text(BARE_TEMPLATE)
    project_id, email = subjects["typical"]
    large_id, large_email = subjects["groot"]
    bare, bare_base = serve("bare_app:app", env, workdir)
    served, app_base = serve("app:app", {**env, "WASSTRAAT_SERVER_TIMING": "1"}, ROOT)
    try:
        timings = load(bare_base, app_base, pages(project_id), email)
        # The large project's pages: fewer requests (each reads 10,000 rows), same rounds.
        large_timings = load(bare_base, app_base, large_pages(large_id), large_email,
                             requests=max(2, REQUESTS_PER_PAGE // 5))
    finally:
        for process in (bare, served):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    memory_before, memory_after = worker_memory(env, large_pages(large_id), large_email)
    database = url.split(":")[0].split("+")[0]
    lines = report_lines(database, projects, rows, generated_in, counts, timings, large_timings,
                         (floor_plain, floor_parts), (memory_before, memory_after))
    report = "\n".join(lines)
    print("\n" + report)
    results_file = ROOT / "bench" / "RESULTS.md"
    text_before = results_file.read_text() if results_file.exists() else "# Benchmarks\n"
    # One section per database; this run replaces its own (and the older undivided one).
    sections = text_before.rstrip().split("\n## ")
    kept = [part for part in sections
            if not part.startswith((f"Pagina's onder gunicorn, {database}",
                                    "Pagina's onder gunicorn ("))]
    results_file.write_text("\n## ".join(kept) + "\n\n" + report + "\n")


if __name__ == "__main__":
    main()
