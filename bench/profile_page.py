"""Where a page spends its time: `make profile PAGE=/projects/1/plan [AS=email] [N=20]`.

Signs in (in-process, no server) on the database of `make run` (or DATABASE_URL), asks the page
once to warm up, then N times under cProfile, and prints the functions that take the most time,
with the SQL query count per request. The full profile is written to bench/profile.out (open it
with `python -m pstats bench/profile.out` or snakeviz).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    page = os.environ.get("PAGE") or "/"
    email = os.environ.get("AS") or "process_owner@demo.wasstraat.nl"
    password = os.environ.get("PASSWORD") or "wasstraat-demo"
    runs = int(os.environ.get("N") or "20")
    os.environ.setdefault("WASSTRAAT_MFA_REQUIRED", "nobody")
    from sqlalchemy import event

    from wasstraat import create_app
    from wasstraat.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    signed_in = client.post("/login", data={"email": email, "password": password})
    if signed_in.status_code != 302:
        sys.exit(f"Could not sign in as {email} (status {signed_in.status_code}); set AS and "
                 "PASSWORD.")
    first = client.get(page)
    if first.status_code != 200:
        sys.exit(f"{page} answered {first.status_code}.")
    queries: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(runs):
        client.get(page)
    profile.disable()
    elapsed = (time.perf_counter() - started) / runs
    print(f"{page} as {email}: {elapsed * 1000:.1f} ms per request (profiled), "
          f"{len(queries) // runs} queries, {len(first.data) // 1024} KiB")
    out = ROOT / "bench" / "profile.out"
    profile.dump_stats(out)
    stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
    stats.print_stats(30)
    print(f"Full profile: {out}")


if __name__ == "__main__":
    main()
