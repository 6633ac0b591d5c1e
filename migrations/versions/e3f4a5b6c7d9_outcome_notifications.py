"""Notifications of what became of someone's work, and reminders to review a process

Revision ID: e3f4a5b6c7d9
Revises: d2e3f4a5b6c8
Create Date: 2026-12-04 18:00:00

A new kind of notification, ``outcome``: the proposer of an improvement hears how it was
decided and that it was carried out, and a specialist hears that their "niet akkoord" was
overruled. ``notification.outcome`` says which (``in_plan``, ``not_pursued``, ``merged``,
``done``, ``overruled``) and ``notification.detail`` carries the reason or motivation. The
checks on the notification kinds (of a notification, and of a person's choice per kind) gain
``outcome``. Another kind, ``revisit``, reminds a process owner that the description of a
closed project's process is due for review (``revisit_near``, ``revisit_passed``), so the
check on the reminders gains those. Stored rows do not change.
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

revision = 'e3f4a5b6c7d9'
down_revision = 'd2e3f4a5b6c8'
branch_labels = None
depends_on = None

KINDS_BEFORE = "'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', 'waiting'"
KINDS = KINDS_BEFORE + ", 'outcome', 'revisit'"
REMINDERS_BEFORE = "'action_overdue', 'evaluation_near', 'evaluation_passed', 'step_waiting'"
REMINDERS = REMINDERS_BEFORE + ", 'revisit_near', 'revisit_passed'"
OUTCOMES = "'in_plan', 'not_pursued', 'merged', 'done', 'overruled'"


def upgrade():
    op.add_column("notification", sa.Column("outcome", sa.String(length=12), nullable=True))
    op.add_column("notification", sa.Column("detail", sa.Text(), nullable=False,
                                            server_default=""))
    _check("notification", "outcome", OUTCOMES)
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS)
    _uncheck("notification", "reminder")
    _check("notification", "reminder", REMINDERS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('outcome', 'revisit')")
    op.execute("DELETE FROM notification_setting WHERE kind IN ('outcome', 'revisit')")
    _uncheck("notification", "reminder")
    _check("notification", "reminder", REMINDERS_BEFORE)
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS_BEFORE)
    _uncheck("notification", "outcome")
    # Not a batch: rebuilding the table on SQLite would drop its CHECK triggers.
    op.execute("ALTER TABLE notification DROP COLUMN detail")
    op.execute("ALTER TABLE notification DROP COLUMN outcome")
