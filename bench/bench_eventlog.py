"""Benchmark: an event log of 1,000,000 events imported through HTTP and analysed as in the app.

A synthetic CSV (mining/generate.py: no personal data) of about 1,000,000 events is uploaded
through the app's own upload form (a multipart POST through the whole WSGI stack: the request
limit, CSRF, the form) into a project in step 3 of a throw-away SQLite database, and its
columns chosen through the columns form. The reading and analysis then run as the background
job runs them (``mining.services.run``), in a fresh Python process, so its memory is measured
from that process's own baseline (the app loaded, nothing read yet) and not from a high-water
mark the upload already set. Reports the upload's time, the analysis's wall time (target:
under a minute on this machine) and its peak memory above the baseline. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404: runs this very script again, fixed arguments
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = 152_000  # about 6.6 events a case: 1,000,000 events
TARGET_SECONDS = 60
PASSWORD = "bench-password-" + "x" * 12


def peak_mb() -> float:
    """This process's peak resident memory: VmHWM, which starts afresh with the program (the
    rusage maximum would carry the parent's peak over through fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _environment(workdir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("WASSTRAAT_MFA_REQUIRED", "nobody")


def analyse(workdir: str, log_id: int) -> None:
    """In the fresh process: the job's run, its time and its memory above the baseline."""
    _environment(workdir)
    from wasstraat import create_app
    from wasstraat.extensions import db
    from wasstraat.mining import services
    from wasstraat.models import EventLog

    app = create_app()
    with app.app_context():
        baseline = peak_mb()
        started = time.perf_counter()
        services.run(log_id)
        seconds = time.perf_counter() - started
        log = db.session.get(EventLog, log_id)
        assert log.status == "done", log.error
        print(json.dumps({"seconds": seconds, "baseline": baseline, "peak": peak_mb(),
                          "events": log.result["events"]}))


def prepare(workdir: str) -> tuple[int, float, int]:
    """The project, the file, and its upload and columns through HTTP: the log's id, the
    upload's seconds and the file's size."""
    _environment(workdir)
    from flask_migrate import upgrade

    from wasstraat import create_app
    from wasstraat.auth import services as accounts
    from wasstraat.extensions import db
    from wasstraat.mining import generate
    from wasstraat.mining import views as mining_views
    from wasstraat.models import EventLog, StepState
    from wasstraat.projects import services as projects
    from wasstraat.workflow import Role, Step, StepStatus

    app = create_app({"WTF_CSRF_ENABLED": False})
    # The columns form hands the log to the job; here the job is the fresh process below.
    mining_views.analyse_event_log = lambda _log_id: None
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        advisor = accounts.create_user("bench@gemeente.example", "Bench", PASSWORD,
                                       enforce_policy=False)
        project = projects.create_project(advisor, name="Bench", product="Vergunning",
                                          assignment="", process_type="primary",
                                          creator_roles={Role.PROCESS_ADVISOR})
        for state in db.session.scalars(db.select(StepState).where(
                StepState.project_id == project.id)):
            state.status = (StepStatus.DONE if state.step < Step.PROCESS else
                            StepStatus.IN_PROGRESS if state.step == Step.PROCESS
                            else StepStatus.NOT_STARTED).value
        db.session.commit()
        project_id = project.id
        path = Path(workdir) / "bench.csv"
        with path.open("w", encoding="utf-8") as out:  # written as a stream, not held
            out.writelines(generate.csv_text(generate.cases(CASES, seed=1)))
        size = path.stat().st_size
        client = app.test_client()
        signed_in = client.post("/login", data={"email": "bench@gemeente.example",
                                                "password": PASSWORD})
        assert signed_in.status_code in (302, 303), signed_in.status_code
        started = time.perf_counter()
        with path.open("rb") as handle:
            sent = client.post(f"/projects/{project_id}/event-logs/new/current",
                               data={"log": (handle, "bench.csv")},
                               content_type="multipart/form-data")
        upload_seconds = time.perf_counter() - started
        assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
        log_id = db.session.scalar(db.select(db.func.max(EventLog.id)))
        chosen = client.post(f"/projects/{project_id}/event-logs/{log_id}/columns", data={
            "case": "zaaknummer", "activity": "activiteit", "timestamp": "starttijd",
            "end": "eindtijd", "resource": "behandelaar"})
        assert chosen.status_code == 303, chosen.get_data(as_text=True)[:500]
        return log_id, upload_seconds, size


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="wasstraat-bench-log-")
    log_id, upload_seconds, size = prepare(workdir)
    measured = subprocess.run(  # noqa: S603 # nosec B603
        [sys.executable, __file__, "--analyse", workdir, str(log_id)], check=True,
        capture_output=True, text=True).stdout.strip().splitlines()[-1]
    run = json.loads(measured)
    seconds = run["seconds"]
    print(f"event log: {run['events']:,} events, {CASES:,} cases, {size / 2**20:.0f} MB CSV")
    print(f"  upload through HTTP (the form, the request limit): {upload_seconds:.1f} s")
    print(f"  reading and analysis (the job): {seconds:.1f} s (target < {TARGET_SECONDS} s) "
          f"{'OK' if seconds < TARGET_SECONDS else 'TOO SLOW'}")
    print(f"  peak memory of the job: {run['peak'] - run['baseline']:.0f} MB above its "
          f"process's baseline ({run['baseline']:.0f} MB with the app loaded); the CSV itself "
          f"is {size / 2**20:.0f} MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--analyse"]:
        analyse(sys.argv[2], int(sys.argv[3]))
    else:
        main()
