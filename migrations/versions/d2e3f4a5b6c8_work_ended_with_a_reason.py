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
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The enum checks' helpers, kept once beside the revisions (migrations/enum_checks.py).
_spec = importlib.util.spec_from_file_location(
    "enum_checks", Path(__file__).resolve().parent.parent / "enum_checks.py")
_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_checks)
_check, _uncheck = _checks.check, _checks.uncheck

revision = 'd2e3f4a5b6c8'
down_revision = 'c1d2e3f4a5b7'
branch_labels = None
depends_on = None

REASONS = "'not_needed', 'next_cycle', 'other'"
CLOSURES_BEFORE = "'hand', 'rule', 'step'"
CLOSURES = "'hand', 'rule', 'step', 'ended'"


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
