"""gunicorn's settings for Wasstraat in production: ``gunicorn -c deploy/gunicorn.conf.py app:app``.

Everything can be set from the environment, so the same file serves a virtual machine, a
container and each release in Kubernetes.

With several workers, each counts its own metrics; with ``PROMETHEUS_MULTIPROC_DIR`` set (an
empty folder, writable, on a tmpfs in a container) every worker writes them there and a
scrape adds them up (``wasstraat/metrics.py``). The hooks below empty that folder when the
server starts and let go of a stopped worker's gauges.
"""

import os
from pathlib import Path

bind = os.environ.get("WASSTRAAT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A PDF made on a request may take LibreOffice a while (exports/pdf.py waits at most 120 s).
timeout = int(os.environ.get("WASSTRAAT_WORKER_TIMEOUT", "150"))
graceful_timeout = 30  # an upgrade lets the requests under way finish
keepalive = 5
accesslog = os.environ.get("WASSTRAAT_ACCESS_LOG", "-") or None
# No query strings in the access log: a filter's search words may name people.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({x-request-id}o)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for old in Path(folder).glob("*.db"):  # counts of an earlier run of this server
            old.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
