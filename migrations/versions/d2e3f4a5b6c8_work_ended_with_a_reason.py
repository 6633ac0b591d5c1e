"""Work left unfinished at a step's close is ended with a reason

Revision ID: d2e3f4a5b6c8
Revises: c1d2e3f4a5b7
Create Date: 2026-12-04 17:30:00

Closing a step becomes a decision (closing.py): each open task, and in step 10 each action not
done, is finished or ended by the closer with a reason. Tasks and actions get ``end_reason``
(``not_needed``, ``next_cycle``, ``other``) and ``end_note``; a task so ended closes as
``ended``, so the check on ``task.closed_as`` gains that value. Stored rows do not change:
what lapsed before stays "vervallen met de stap".
"""
import sqlalchemy as sa
from alembic import op

revision = 'd2e3f4a5b6c8'
down_revision = 'c1d2e3f4a5b7'
branch_labels = None
depends_on = None

REASONS = "'not_needed', 'next_cycle', 'other'"
CLOSURES_BEFORE = "'hand', 'rule', 'step'"
CLOSURES = "'hand', 'rule', 'step', 'ended'"


def _check(table: str, column: str, values: str) -> None:
    name = f"ck_{table}_{column}_valid"
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(op.f(name), table, f"{column} IN ({values})")
        return
    for event in ("INSERT", f"UPDATE OF {column}"):
        op.execute(f"CREATE TRIGGER {name}_{event.split()[0].lower()} BEFORE {event} "
                   f"ON {table} WHEN NEW.{column} NOT IN ({values}) "
                   f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")


def _uncheck(table: str, column: str) -> None:
    name = f"ck_{table}_{column}_valid"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {name}_update")
    else:
        op.drop_constraint(op.f(name), table, type_="check")


def upgrade():
    for table in ("task", "implementation_item"):
        op.add_column(table, sa.Column("end_reason", sa.String(length=12), nullable=True))
        op.add_column(table, sa.Column("end_note", sa.Text(), nullable=False,
                                       server_default=""))
        _check(table, "end_reason", REASONS)
    _uncheck("task", "closed_as")
    _check("task", "closed_as", CLOSURES)


def downgrade():
    op.execute("UPDATE task SET closed_as = 'step' WHERE closed_as = 'ended'")
    _uncheck("task", "closed_as")
    _check("task", "closed_as", CLOSURES_BEFORE)
    for table in ("task", "implementation_item"):
        _uncheck(table, "end_reason")
        # Not a batch: rebuilding the table on SQLite would drop its CHECK triggers.
        op.execute(f"ALTER TABLE {table} DROP COLUMN end_note")
        op.execute(f"ALTER TABLE {table} DROP COLUMN end_reason")
