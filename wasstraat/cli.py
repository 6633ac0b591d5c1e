"""Command-line tools: thin wrappers around the same services the web pages use."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from . import audit, backup, guidance, jobs, metrics, retention
from .auth import services as accounts
from .config import JobQueue
from .demo import DEMO_PASSWORD, load_demo
from .errors import WorkflowError
from .exports import a3, archive, house_style, implementation_plan, improvement_plan, pdf
from .exports.docx_base import options
from .extensions import db
from .jobs import periodic_work, queue
from .models import AuditEvent, Notification, Project, User
from .notification_kinds import MailState
from .notifications import mail
from .plans.services import version_by_number

user_cli = AppGroup("user", help="Manage accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name shown in the app.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--password", help="Password; asked for when left out.")
@click.option("--generate-password", is_flag=True,
              help="Generate a random one-time password, print it, and require the owner to "
                   "replace it at the first sign-in (use this for the first administrator).")
def create_user(email: str, name: str, admin: bool, password: str | None,
                generate_password: bool) -> None:
    """Create an account."""
    if generate_password:
        password = secrets.token_urlsafe(18)
    elif not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, name, password, is_admin=admin,
                                    must_change=generate_password)
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"Created {'administrator' if admin else 'user'} {user.email} (id {user.id}).")
    if generate_password:
        click.echo(f"One-time password: {password}")
        click.echo("It must be replaced at the first sign-in.")


@user_cli.command("list")
def list_users() -> None:
    """List accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        flags = ",".join(f for f, on in (("admin", user.is_admin), ("inactive", not user.active))
                         if on)
        click.echo(f"{user.id}\t{user.email}\t{user.name}\t{flags}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds accounts.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo municipality: accounts per role and a project part-way through."""

    if current_app.config["PRODUCTION"]:
        raise click.ClickException(
            "Demo data are refused when WASSTRAAT_ENV=production: the demo accounts (among them "
            "an administrator) have a password that is published in the README.")
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Database already holds data; demo data not loaded.")
        return
    try:
        users = load_demo()
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    # The demo's past is in the inboxes, but it is no news to e-mail anyone about.
    db.session.execute(update(Notification).values(mail_state=MailState.NONE))
    db.session.commit()
    click.echo(f"Demo data loaded. Every demo account has the password '{DEMO_PASSWORD}':")
    for user in users:
        click.echo(f"  {user.email}")


export_cli = AppGroup("export", help="Write a project's plans and its A3 as Word or PDF/A.")


def _project_or_fail(project_id: int):
    project = db.session.get(Project, project_id)
    if project is None:
        raise click.ClickException(f"No project with id {project_id}.")
    return project


def _need_pdf(as_pdf: bool) -> None:
    if as_pdf and not pdf.available():
        raise click.ClickException("PDF/A needs LibreOffice (soffice), which is not installed.")


def _write(output: str, result: improvement_plan.Export) -> None:
    with open(output, "wb") as handle:
        handle.write(result.content)
    click.echo(f"Wrote {output} ({len(result.content)} bytes).")


_PDF = click.option("--pdf", "as_pdf", is_flag=True, help="Write the PDF/A instead of Word.")
_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                       required=True)


@export_cli.command("improvement-plan")
@click.argument("project_id", type=int)
@_OUTPUT
@click.option("--version", "number", type=int, help="A frozen version; default: the draft.")
@_PDF
def export_improvement_plan(project_id: int, output: str, number: int | None,
                            as_pdf: bool) -> None:
    """The improvement plan (verbeterplan) of PROJECT_ID; an approved version as it was
    kept at its approval, byte for byte."""
    _need_pdf(as_pdf)
    project = _project_or_fail(project_id)
    version = version_by_number(project, number) if number is not None else None
    if number is not None and version is None:
        raise click.ClickException(f"Project {project_id} has no plan version {number}.")

    def build() -> improvement_plan.Export:
        return improvement_plan.export(project, version, **options())

    _write(output, archive.signed_pdf(version, build, now=True) if as_pdf
           else archive.signed_docx(version, build, now=True))
    db.session.commit()  # a signed version's files are kept once made


@export_cli.command("implementation-plan")
@click.argument("project_id", type=int)
@_OUTPUT
@click.option("--version", "number", type=int,
              help="An approved version, as it was kept; default: the plan as it is now.")
@_PDF
def export_implementation_plan(project_id: int, output: str, number: int | None,
                               as_pdf: bool) -> None:
    """The implementation plan (implementatieplan) of PROJECT_ID."""
    _need_pdf(as_pdf)
    project = _project_or_fail(project_id)
    if number is not None and number not in dict(archive.approved_versions(project)):
        raise click.ClickException(f"Project {project_id} has no approved implementation "
                                   f"plan {number}.")

    def build() -> improvement_plan.Export:
        return implementation_plan.export(project, **options())

    _write(output, archive.implementation_pdf(project, build, number, now=True)
           if as_pdf
           else archive.implementation_docx(project, build, number, now=True))
    db.session.commit()


@export_cli.command("a3")
@click.argument("project_id", type=int)
@_OUTPUT
@_PDF
def export_a3(project_id: int, output: str, as_pdf: bool) -> None:
    """The A3 of PROJECT_ID for the steering group, as the project stands now."""
    _need_pdf(as_pdf)
    result = a3.export(_project_or_fail(project_id), **options())
    _write(output, archive.as_pdf(result) if as_pdf else result)


documents_cli = AppGroup("documents", help="The documents the app kept as they were signed.")


@documents_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_document(file: Path) -> None:
    """Whether FILE is, byte for byte, a plan the app kept when it was approved."""
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    kept = archive.kept_with(digest)
    if not kept:
        raise click.ClickException(f"{file.name} (SHA-256 {digest}) is not a document this "
                                   "app kept at an approval, or it has been changed.")
    for document in kept:
        click.echo(f"{file.name}: SHA-256 {digest} is {document.filename}, kept "
                   f"{document.created_at:%Y-%m-%d %H:%M} UTC.")


audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
@click.option("--checkpoints", "checkpoint_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Checkpoint files (one JSON line per commit) kept outside the database; "
                   "may be given more than once (one per app server).")
def verify_audit(checkpoint_files: tuple[Path, ...]) -> None:
    """Check the keyed chain (and the checkpoints): exit 1 when a row was edited, removed or
    inserted afterwards, or the trail no longer holds what a checkpoint saw."""

    lines = [line for path in checkpoint_files
             for line in path.read_text(encoding="utf-8").splitlines()]
    breaks = list(audit.verify(checkpoints=lines))
    for found in breaks:
        click.echo(f"Row {found.event_id}: {found.reason}", err=True)
    if breaks:
        raise SystemExit(1)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    click.echo(f"Audit trail intact: {count} rows, chain unbroken.")


tasks_cli = AppGroup("tasks", help="The tasks of the method.")


@tasks_cli.command("sync")
def sync_tasks() -> None:
    """Bring every project's tasks in line with its state (after an upgrade: the app does it
    by itself for each project that changes)."""

    changed = 0
    for project in db.session.scalars(select(Project).order_by(Project.id)):
        changed += bool(guidance.sync_tasks(project))
        db.session.commit()
    click.echo(f"Tasks in line with the work; {changed} project(s) changed.")


RUNTIME_GRANTS = [
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    # The trail: read and add, nothing else; the schema's version is the owner's business.
    "REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_event FROM {role}",
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {role}",
    # Tables a later migration adds get the same grants (the owner runs the migrations).
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE "
    "ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
]


@click.command("runtime-role")
@click.argument("name")
@click.option("--password-env", default="WASSTRAAT_RUNTIME_PASSWORD", show_default=True,
              help="The environment variable that holds the new role's password.")
def runtime_role(name: str, password_env: str) -> None:
    """PostgreSQL: make the role the app runs as. Run it as the schema owner (who runs the
    migrations, with CREATEROLE): the new role reads and writes the data and adds to the audit
    trail, but cannot change or empty the trail, switch off its trigger, grant itself more or
    alter the schema, since it owns nothing."""
    import os

    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Roles are a PostgreSQL matter; SQLite has none.")
    password = os.environ.get(password_env, "")
    if len(password) < 16:
        raise click.ClickException(f"Put a password of at least 16 characters in "
                                   f"${password_env} first.")
    with db.engine.begin() as connection:
        schema = connection.scalar(text("SELECT quote_ident(current_schema())"))
        role = connection.scalar(text("SELECT quote_ident(CAST(:name AS text))"), {"name": name})
        exists = connection.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :n"),
                                   {"n": name})
        verb = "ALTER" if exists else "CREATE"
        connection.execute(text(connection.scalar(
            text("SELECT format('%s ROLE %I LOGIN PASSWORD %L', CAST(:verb AS text), "
                 "CAST(:name AS text), CAST(:password AS text))"),
            {"verb": verb, "name": name, "password": password})))
        for grant in RUNTIME_GRANTS:
            connection.execute(text(grant.format(schema=schema, role=role)))
    click.echo(f"Role {name} can now run the app: DATABASE_URL with {name}; run the "
               "migrations as the schema owner.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_database(file: Path) -> None:
    """Write a consistent copy of the whole database to FILE; safe while the app runs."""

    db.session.remove()  # hold no transaction of our own meanwhile
    try:
        outcome = backup.backup(db.engine.url, file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {outcome.path} ({outcome.size} bytes); "
               f"integrity check: {outcome.check}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_database(file: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in FILE. Stop the app first."""

    if not yes:
        click.confirm(f"Replace everything in {db.engine.url.render_as_string()} with {file}?",
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection holds on to the old tables
    try:
        outcome = backup.restore(db.engine.url, file)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    breaks = list(audit.verify())
    click.echo(f"Restored {file}; integrity check: {outcome.check}; audit trail "
               f"{'intact' if not breaks else f'BROKEN at row {breaks[0].event_id}'}.")
    click.echo("If the backup comes from an older version, run: flask --app app db upgrade")
    if breaks:
        raise SystemExit(1)


retention_cli = AppGroup("retention", help="The retention term for closed projects.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List the projects; change nothing.")
def run_retention(dry_run: bool) -> None:
    """Anonymise closed projects older than WASSTRAAT_RETENTION_MONTHS (the archivist's
    destruction list destroys records, at the end of their Selectielijst term)."""

    months = current_app.config["RETENTION_MONTHS"]
    action = current_app.config["RETENTION_ACTION"]
    if not months:
        raise click.ClickException("No retention term set: WASSTRAAT_RETENTION_MONTHS.")
    if action == "delete":
        click.echo("Records are destroyed only on a destruction list the archivist approves, "
                   "at the end of their Selectielijst term (Archief); this run anonymises.")
    if dry_run:
        for project, closed_at in retention.due(months):
            click.echo(f"#{project.id}\tclosed {closed_at:%Y-%m-%d}\twould anonymise")
        return
    handled = retention.run(months, action)
    db.session.commit()
    for done in handled:
        click.echo(f"#{done.project_id}\tclosed {done.closed_at:%Y-%m-%d}\t{done.action}d")
    click.echo(f"{len(handled)} project{'' if len(handled) == 1 else 's'} closed more than "
               f"{months} months ago anonymised.")


@click.command("docx-reference")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write it; default: the copy shipped in wasstraat/exports.")
def docx_reference(output: Path | None) -> None:
    """Write the reference .docx with the house style of the plan documents (start a
    municipality's own WASSTRAAT_DOCX_TEMPLATE from it)."""

    click.echo(f"Wrote {house_style.write_reference(output or house_style.REFERENCE)}.")


notifications_cli = AppGroup("notifications", help="Notifications by e-mail.")


@notifications_cli.command("deliver")
def deliver_notifications() -> None:
    """Send the e-mails that are due (new ones, and failed ones whose retry time came). Run it
    every minute or so from cron or a worker where WASSTRAAT_MAIL_AFTER_REQUEST is off; with
    it on, it retries what failed."""

    done = mail.deliver()
    click.echo(f"{done.sent} sent, {done.retried} to retry, {done.failed} given up")


jobs_cli = AppGroup("jobs", help="Background work: e-mail, reminders, digests.")


@jobs_cli.command("periodic")
def jobs_periodic() -> None:
    """Run the periodic work once: new reminders, due e-mails and retries, then the daily and
    weekly digests (each person's digest of a period goes once, however often or wherever
    this runs). From cron every few minutes where no worker runs."""

    click.echo(periodic_work().summary())


# Its first name, kept for cron lines written before the job queue.
notifications_cli.add_command(jobs_periodic, "periodic")


@jobs_cli.command("worker")
@click.option("--once", is_flag=True, help="Run what is queued now, then stop.")
@click.option("--concurrency", default=1, show_default=True, help="Jobs at the same time.")
@click.option("--queue", "queues", multiple=True, type=click.Choice([str(q) for q in jobs.QUEUES]),
              help="Only this kind of work (repeatable; the upkeep comes along). "
                   "Default: all.")
@click.option("--heartbeat-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Touched at every heartbeat, for `flask jobs probe`.")
@click.option("--metrics-port", type=click.IntRange(1, 65535),
              help="Serve this worker's counters for Prometheus on this port, behind "
                   "WASSTRAAT_METRICS_TOKEN.")
def jobs_worker(once: bool, concurrency: int, queues: tuple[str, ...],
                heartbeat_file: Path | None, metrics_port: int | None) -> None:
    """A worker of the job queue on PostgreSQL (WASSTRAAT_JOB_QUEUE=procrastinate): run one
    or more on any machine that reaches the database; they share the queue and the periodic
    work runs once a minute among them. A worker per queue gives each kind of work its own
    concurrency; each also puts back the jobs of workers that died."""

    app = current_app._get_current_object()
    if app.config["JOB_QUEUE"] != JobQueue.PROCRASTINATE:
        raise click.ClickException(
            "The job queue needs PostgreSQL (DATABASE_URL); on SQLite the web process "
            "delivers e-mail itself and `flask jobs periodic` runs the periodic work.")
    if metrics_port:
        _serve_metrics(app, metrics_port)
    worker = queue(app)
    if heartbeat_file:
        jobs.beat_into(worker, heartbeat_file)
    jobs.check_for_stalled_jobs(app)  # a restart frees what this worker's death left
    worker.run_worker(wait=not once, concurrency=concurrency, install_signal_handlers=not once,
                      queues=jobs.worker_queues(queues))


def _serve_metrics(app: Flask, port: int) -> None:
    token = app.config["METRICS_TOKEN"]
    if not token:
        raise click.ClickException("--metrics-port needs WASSTRAAT_METRICS_TOKEN (or "
                                   "WASSTRAAT_METRICS_TOKEN_FILE): the scrapers' token.")
    try:
        metrics.serve(port, token)
    except OSError as error:
        raise click.ClickException(f"Cannot serve the metrics on port {port}: {error}") \
            from error


@jobs_cli.command("probe")
@click.option("--heartbeat-file", required=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--max-age", type=int,
              help="Seconds since the last heartbeat before the worker counts as stuck "
                   "(default: WASSTRAAT_JOB_STALLED_SECONDS).")
def jobs_probe(heartbeat_file: Path, max_age: int | None) -> None:
    """Exit 0 while the worker on this machine sends its heartbeat, 1 otherwise (a liveness
    probe)."""
    max_age = max_age or jobs.stalled_after(current_app)
    age = jobs.heartbeat_age(heartbeat_file)
    if age is None or age > max_age:
        raise click.ClickException(
            "no heartbeat yet" if age is None else f"last heartbeat {age:.0f} s ago")
    click.echo(f"alive: last heartbeat {age:.0f} s ago")


def register_cli(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(docx_reference)
    app.cli.add_command(user_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(runtime_role)
    app.cli.add_command(tasks_cli)
    app.cli.add_command(backup_database)
    app.cli.add_command(restore_database)
    app.cli.add_command(retention_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(export_cli)
    app.cli.add_command(documents_cli)
