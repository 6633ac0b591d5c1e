"""Benchmark: an event log of 1,000,000 events imported and analysed as in the app.

A synthetic CSV (mining/generate.py: no personal data) of about 1,000,000 events is uploaded
into a project in step 3 of a throw-away SQLite database, its columns chosen, and then read and
analysed by the same function the background job runs (``mining.services.run``): the file from
the database, parsed as a stream, analysed, the result stored, the file removed. Reports the
wall time of that run (target: under a minute on this machine) and the process's peak memory
(resident set size) before and during it. Run with `make bench`.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = 152_000  # about 6.6 events a case: 1,000,000 events
TARGET_SECONDS = 60


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="wasstraat-bench-log-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite"
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)
    os.environ.setdefault("WASSTRAAT_MFA_REQUIRED", "nobody")
    from flask_migrate import upgrade

    from wasstraat import create_app
    from wasstraat.auth import services as accounts
    from wasstraat.extensions import db
    from wasstraat.mining import generate, services
    from wasstraat.models import EventLog, StepState
    from wasstraat.projects import services as projects
    from wasstraat.workflow import Step, StepStatus

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        advisor = accounts.create_user("bench@gemeente.example", "Bench", "x" * 20,
                                       enforce_policy=False)
        project = projects.create_project(advisor, name="Bench", product="Vergunning",
                                          assignment="", process_type="primary",
                                          creator_roles=set())
        for state in db.session.scalars(db.select(StepState).where(
                StepState.project_id == project.id)):
            state.status = (StepStatus.DONE if state.step < Step.PROCESS else
                            StepStatus.IN_PROGRESS if state.step == Step.PROCESS
                            else StepStatus.NOT_STARTED).value
        db.session.commit()
        path = Path(workdir) / "bench.csv"
        with path.open("w", encoding="utf-8") as out:  # written as a stream, not held
            out.writelines(generate.csv_text(generate.cases(CASES, seed=1)))
        data = path.read_bytes()
        log = services.upload(project, advisor, "current", "bench.csv", data)
        services.choose_columns(log, project, advisor, case="zaaknummer",
                                activity="activiteit", timestamp="starttijd", end="eindtijd",
                                resource="behandelaar", keep_resources=False, keep_reason="")
        db.session.commit()
        log_id, size = log.id, len(data)
        del data, log
        db.session.expire_all()
        before = peak_mb()
        started = time.perf_counter()
        services.run(log_id)
        seconds = time.perf_counter() - started
        log = db.session.get(EventLog, log_id)
        assert log.status == "done", log.error
        events = log.result["events"]
    print(f"event log: {events:,} events, {CASES:,} cases, {size / 2**20:.0f} MB CSV")
    print(f"  import and analysis: {seconds:.1f} s (target < {TARGET_SECONDS} s) "
          f"{'OK' if seconds < TARGET_SECONDS else 'TOO SLOW'}")
    print(f"  peak memory: {peak_mb():.0f} MB (process before the run: {before:.0f} MB; "
          f"the CSV itself is {size / 2**20:.0f} MB)")


if __name__ == "__main__":
    main()
