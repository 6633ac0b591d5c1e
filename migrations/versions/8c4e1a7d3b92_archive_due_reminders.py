"""The archivists hear when a record passes its archive date: a notification kind and its
reminder

Revision ID: 8c4e1a7d3b92
Revises: 7b3f9d2e4a61
Create Date: 2026-12-06 15:00:00
"""
import importlib.util
from pathlib import Path

from alembic import op

# The enum checks' helpers, kept once beside the revisions (migrations/enum_checks.py).
_spec = importlib.util.spec_from_file_location(
    "enum_checks", Path(__file__).resolve().parent.parent / "enum_checks.py")
_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_checks)
_check, _uncheck = _checks.check, _checks.uncheck

revision = '8c4e1a7d3b92'
down_revision = '7b3f9d2e4a61'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', "
                "'waiting', 'outcome', 'revisit', 'suggestion', 'remeasure'")
KINDS = KINDS_BEFORE + ", 'archive'"
REMINDERS_BEFORE = ("'action_overdue', 'evaluation_near', 'evaluation_passed', 'step_waiting', "
                    "'revisit_near', 'revisit_passed', 'remeasure_near', 'remeasure_due'")
REMINDERS = REMINDERS_BEFORE + ", 'archive_due'"


def _checked(kinds: str, reminders: str) -> None:
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", kinds)
    _uncheck("notification", "reminder")
    _check("notification", "reminder", reminders)


def upgrade():
    _checked(KINDS, REMINDERS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'archive'")
    op.execute("DELETE FROM notification_setting WHERE kind = 'archive'")
    _checked(KINDS_BEFORE, REMINDERS_BEFORE)
