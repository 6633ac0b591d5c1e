"""The job queue on PostgreSQL: Procrastinate's schema (3.10), on PostgreSQL only

SQLite runs background work in the web process and needs no queue. The SQL is Procrastinate's
own schema.sql of the pinned version, kept beside the migrations so this migration stays the
same when the library moves on; a later Procrastinate version comes with a migration applying
its migration scripts (procrastinate/sql/migrations) the same way.

Revision ID: d4e5f6a7b8c0
Revises: c3d4e5f6a7b9
Create Date: 2026-11-30 18:45:00
"""
from pathlib import Path

from alembic import op


revision = 'd4e5f6a7b8c0'
down_revision = 'c3d4e5f6a7b9'
branch_labels = None
depends_on = None

SCHEMA = Path(__file__).parent.parent / "sql" / "procrastinate-3.10.0.sql"


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _execute_script(sql: str) -> None:
    # The script has many statements and percent signs: the driver's cursor runs it as is
    # (no parameters, so nothing is taken for a placeholder).
    with op.get_bind().connection.cursor() as cursor:
        cursor.execute(sql)


def upgrade():
    if _on_postgresql():
        _execute_script(SCHEMA.read_text(encoding="utf-8"))


def downgrade():
    if not _on_postgresql():
        return
    _execute_script("""
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
            LOOP
                EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
            END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
            procrastinate_job_status CASCADE;
    """)
