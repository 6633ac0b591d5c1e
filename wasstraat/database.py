"""Engine set-up per backend.

SQLite needs care for a multi-user web app: WAL mode so readers do not block the writer,
foreign keys switched on for every connection (SQLite forgets them), a busy timeout, and write
transactions that take the write lock up front with ``BEGIN IMMEDIATE``. Without that last one,
two requests that read and then write fail with "database is locked" instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import g, has_request_context, request
from sqlalchemy import Engine, event, func, text
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


def containing(column, words: str):
    """``column`` holds ``words`` (case-insensitive; ``%`` and ``_`` in them are plain)."""
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _wants_write_lock() -> bool:
    # Requests that may write take the lock when their transaction begins; page views do not,
    # so reads keep running in parallel. Outside a request (CLI, tests) always take it.
    if has_request_context():
        return request.method not in READ_ONLY_METHODS or g.get("writes_after_reading", False)
    return True


def prepare_to_write(session: Session) -> None:
    """A page view that writes after all (an audit line for a refusal or a download) ends its
    read transaction first, so the next one takes SQLite's write lock and waits its turn: a
    read transaction that tries to write while another process writes fails at once with
    "database is locked", whatever the busy timeout."""
    if (has_request_context() and request.method in READ_ONLY_METHODS
            and not g.get("writes_after_reading") and session.get_bind().dialect.name == "sqlite"):
        g.writes_after_reading = True
        session.rollback()


def write_apart(session: Session, write: Callable[[], T]) -> T:
    """A small write a reading request makes on its own (an API call's rate-limit count):
    the read transaction ends first so the write waits its turn for SQLite's write lock, and
    is committed at once; the request then reads on without holding that lock."""
    was_writing = has_request_context() and g.get("writes_after_reading", False)
    prepare_to_write(session)
    try:
        done = write()
        session.commit()
    finally:
        if has_request_context() and not was_writing:
            g.pop("writes_after_reading", None)
    return done


def lock_until_commit(session: Session, key: int) -> None:
    """Writers that take the same key run one after another until their transaction ends.
    PostgreSQL needs an advisory lock for that; on SQLite every write transaction already holds
    the one write lock (``BEGIN IMMEDIATE`` above)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching a fresh file to WAL waits for other processes
        # (several CLI commands at once) instead of failing with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # What is deleted is overwritten, not left in free pages: an event log's file (case
        # numbers, staff names) is gone from the file once read (see forget_deleted).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def forget_deleted(session) -> None:
    """After a commit that deleted personal data: on SQLite, the write-ahead log still holds
    the pages as they were before; a checkpoint that truncates it lets them go. (Where
    another connection is reading, the log is truncated by a later checkpoint instead.)"""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()  # outside any transaction, as a checkpoint must be
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        connection.close()


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
