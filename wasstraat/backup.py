"""Backups of the whole database, and restoring one.

SQLite: SQLite's online backup API copies the database in one step under a read lock, so the
copy is consistent even while the app writes (WAL mode lets the writers go on meanwhile). The
copy's ``PRAGMA integrity_check`` must answer "ok".

PostgreSQL: ``pg_dump`` in its custom format (a consistent snapshot, taken while the app runs)
and ``pg_restore --clean`` in one transaction. Credentials go to the tools through the
environment, never on their command line (where other users of the server could read them).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump/pg_restore, fixed arguments, no shell
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL


class BackupError(RuntimeError):
    """A backup or restore that did not complete; the message says why."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    check: str  # what the integrity check answered


def backup(url: URL, target: Path) -> Outcome:
    if url.get_backend_name() == "sqlite":
        return _sqlite_backup(_sqlite_path(url), target)
    if url.get_backend_name() == "postgresql":
        return _pg_dump(url, target)
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def restore(url: URL, source: Path) -> Outcome:
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        return _sqlite_restore(source, _sqlite_path(url))
    if url.get_backend_name() == "postgresql":
        return _pg_restore(url, source)
    raise BackupError(f"no restore for {url.get_backend_name()} databases")


# SQLite


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def integrity(path: Path) -> str:
    """What ``PRAGMA integrity_check`` answers ("ok" when all is well)."""
    try:
        with _closing(sqlite3.connect(path)) as connection:
            return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as error:
        return str(error)


def _sqlite_backup(source: Path, target: Path) -> Outcome:
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with _closing(sqlite3.connect(source, timeout=30)) as live, \
            _closing(sqlite3.connect(partial)) as copy:
        live.backup(copy)  # all pages in one step: a consistent snapshot
    check = integrity(partial)
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {check}")
    partial.replace(target)  # never a half-written file under the real name
    return Outcome(target, target.stat().st_size, check)


def _sqlite_restore(source: Path, live: Path) -> Outcome:
    check = integrity(source)
    if check != "ok":
        raise BackupError(f"the backup failed its integrity check: {check}")
    with _closing(sqlite3.connect(source)) as backup_copy, \
            _closing(sqlite3.connect(live, timeout=30)) as database:
        backup_copy.backup(database)  # page by page into the live file, under its locks
    return Outcome(live, live.stat().st_size, integrity(live))


class _closing:
    """sqlite3's own context manager commits but does not close."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


# PostgreSQL


def _pg_environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value:
            env[key] = str(value)
    options = url.query.get("options")
    if options:  # e.g. -csearch_path=... (the tests give each worker its own schema)
        env["PGOPTIONS"] = unquote(options if isinstance(options, str) else options[0])
    return env


def _schema(url: URL) -> list[str]:
    """The app's schema only: other schemas in the database are not the app's to restore."""
    options = _pg_environment(url).get("PGOPTIONS", "")
    for option in options.split():
        if option.startswith("-csearch_path="):
            return ["--schema", option.split("=", 1)[1].split(",")[0]]
    return ["--schema", "public"]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def _run(arguments: list[str], url: URL) -> None:
    result = subprocess.run(arguments, env=_pg_environment(url),  # noqa: S603 # nosec B603
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{arguments[0]} failed")


def _pg_dump(url: URL, target: Path) -> Outcome:
    partial = target.with_name(target.name + ".part")
    _run([_tool("pg_dump"), "--format=custom", "--file", str(partial), *_schema(url)], url)
    # Reading the whole archive's table of contents is pg_restore's check of a dump.
    _run([_tool("pg_restore"), "--list", str(partial)], url)
    partial.replace(target)
    return Outcome(target, target.stat().st_size, "ok")


def _pg_restore(url: URL, source: Path) -> Outcome:
    _run([_tool("pg_restore"), "--list", str(source)], url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction",
          "--exit-on-error", "--dbname", url.database or "", *_schema(url), str(source)], url)
    return Outcome(source, source.stat().st_size, "ok")
