"""Benchmark: one instance against three behind HAProxy, on PostgreSQL.

The bench data of bench_pages.py (1,000 projects; run that first with the same DATABASE_URL),
a signed-in process owner asking the project page and the dashboard in turn. wrk (Debian's)
drives HAProxy with 16 connections for 20 s per set-up; each instance is gunicorn with
WEB_CONCURRENCY workers. Requests per second and the latency percentiles go into
bench/RESULTS.md. On a machine of two cores three instances have no more CPU than one: the
ratio shows what a second and third instance cost or give here, not on a bigger machine.

    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/bench_scale.py
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import ROOT, _free_port, _signed_in_opener, find_subjects

WORKERS = int(os.environ.get("WEB_CONCURRENCY", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))

# Both pages in turn on every connection, and the percentiles wrk keeps.
WRK_SCRIPT = """
local paths = {"%s", "/"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% 2) + 1], {["Cookie"] = "%s"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f %%.1f\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def start_instances(count: int, env: dict[str, str], folder: Path) -> tuple[list, int]:
    ports = [_free_port() for _ in range(count)]
    processes = [subprocess.Popen(  # noqa: S603 - our interpreter and arguments
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "app:app"], cwd=ROOT, env={**env, "WASSTRAAT_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    front = _free_port()
    servers = "\n".join(f"  server web{n} 127.0.0.1:{port} check inter 1s"
                        for n, port in enumerate(ports))
    config = folder / f"haproxy-{count}.cfg"
    config.write_text(f"""defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
frontend web
  bind 127.0.0.1:{front}
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /_healthz/readyz/
{servers}
""")
    processes.append(subprocess.Popen(["haproxy", "-db", "-f", str(config)],  # noqa: S603,S607
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return processes, front


def wait_ready(front: int, instances: int) -> None:
    import urllib.request

    for _ in range(300):
        try:
            for _ in range(2 * instances):
                urllib.request.urlopen(f"http://127.0.0.1:{front}/_healthz/readyz/",
                                       timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the instances did not become ready")


def measure(front: int, email: str, project_id: int, folder: Path) -> dict[str, float]:
    opener = _signed_in_opener(f"http://127.0.0.1:{front}", email)
    cookie = _cookie(opener)
    script = folder / "pages.lua"
    script.write_text(WRK_SCRIPT % (f"/projects/{project_id}", cookie))
    # A first pass fills each worker's kept pages, as a working day would.
    subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", "-d5s", "-s", str(script),  # noqa: S603,S607
                    f"http://127.0.0.1:{front}/"], check=True, capture_output=True)
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s",  # noqa: S603,S607
                          str(script), f"http://127.0.0.1:{front}/"], check=True,
                         capture_output=True, text=True).stdout
    requests, bad_status, failed, p50, p95, p99 = re.search(
        r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out).groups()
    return {"rps": int(requests) / SECONDS, "non_2xx": int(bad_status), "errors": int(failed),
            "p50": float(p50), "p95": float(p95), "p99": float(p99)}


def _cookie(opener) -> str:
    for handler in opener.handlers:
        jar = getattr(handler, "cookiejar", None)
        if jar is not None:
            return "; ".join(f"{c.name}={c.value}" for c in jar)
    raise RuntimeError("not signed in")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql") or not (shutil.which("wrk") and shutil.which("haproxy")):
        sys.exit("needs DATABASE_URL on PostgreSQL with bench_pages.py's data, and Debian's "
                 "wrk and haproxy")
    env = {**os.environ, "SECRET_KEY": "bench-" + "x" * 60, "WASSTRAAT_ENV": "development",
           "WEB_CONCURRENCY": str(WORKERS), "WASSTRAAT_ACCESS_LOG": "",
           "WASSTRAAT_JOB_SCHEDULE": ""}
    os.environ.update(env)
    from wasstraat import create_app
    from wasstraat.extensions import db

    app = create_app()
    with app.app_context():
        project_id, email = find_subjects()["typical"]
        db.engine.dispose()
    folder = Path(tempfile.mkdtemp(prefix="wasstraat-scale-bench-"))
    results = {}
    for instances in (1, 3):
        processes, front = start_instances(instances, env, folder)
        try:
            wait_ready(front, instances)
            results[instances] = measure(front, email, project_id, folder)
            print(instances, results[instances], flush=True)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
    write_results(results)


def write_results(results: dict[int, dict[str, float]]) -> None:
    one, three = results[1], results[3]
    lines = [
        f"## Eén instantie tegen drie achter HAProxy, postgresql "
        f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cpu's, Python "
        f"{platform.python_version()}. Gegevens van bench_pages.py (1.000 trajecten); een "
        f"ingelogde proceseigenaar vraagt om en om de projectpagina en het dashboard. wrk met "
        f"{CONNECTIONS} verbindingen, {SECONDS} s per opstelling, na 5 s inlopen; elke "
        f"instantie is gunicorn met {WORKERS} workers; HAProxy ervoor, ook bij één.",
        "",
        "| opstelling | verzoeken per s | p50 ms | p95 ms | p99 ms | fouten |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for instances, row in results.items():
        lines.append(f"| {instances} × gunicorn ({instances * WORKERS} workers) | "
                     f"{row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | "
                     f"{row['p99']:.1f} | {row['non_2xx'] + row['errors']} |")
    lines += ["", f"Drie instanties geven {three['rps'] / one['rps']:.2f}× de verzoeken per "
              f"seconde van één, met p95 {three['p95'] / one['p95']:.2f}× zo lang. Op twee "
              "cores delen alle workers dezelfde CPU, dus meer instanties geven hier geen "
              "capaciteit, alleen beschikbaarheid (een instantie mag wegvallen). Op een "
              "machine of cluster met meer cores schaalt het mee zolang PostgreSQL het bijhoudt: "
              "de instanties delen niets dan de database."]
    results_file = ROOT / "bench" / "RESULTS.md"
    sections = results_file.read_text().rstrip().split("\n## ")
    kept = [s for s in sections if not s.startswith("Eén instantie tegen drie")]
    results_file.write_text("\n## ".join(kept) + "\n\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
