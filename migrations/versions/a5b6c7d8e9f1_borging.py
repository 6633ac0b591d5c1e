"""The borging: re-measurement moments after the close, and "Afgerond" when they are done

Revision ID: a5b6c7d8e9f1
Revises: f4a5b6c7d8e0
Create Date: 2026-12-04 21:00:00

Closing step 10 no longer ends a project's life: each KPI is measured again at moments
after the close (``remeasurement``, planned from ``evaluation.remeasure_months``), and the
project is "Afgerond" (``project.completed_at``) once every moment is measured or ended with
a reason. A close with no after-measurement at all keeps its reason
(``evaluation.unmeasured_reason``). Reminders of a moment are a new kind, ``remeasure``.

Projects closed before this revision had no borging: they count as completed when they closed.
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

revision = 'a5b6c7d8e9f1'
down_revision = 'f4a5b6c7d8e0'
branch_labels = None
depends_on = None

REASONS = "'not_needed', 'next_cycle', 'other'"
KINDS_BEFORE = ("'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', "
                "'waiting', 'outcome', 'revisit', 'suggestion'")
KINDS = KINDS_BEFORE + ", 'remeasure'"
REMINDERS_BEFORE = ("'action_overdue', 'evaluation_near', 'evaluation_passed', 'step_waiting', "
                    "'revisit_near', 'revisit_passed'")
REMINDERS = REMINDERS_BEFORE + ", 'remeasure_near', 'remeasure_due'"


def upgrade():
    op.create_table(
        'remeasurement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kpi_id', sa.Integer(), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('measurement_id', sa.Integer(), nullable=True),
        sa.Column('end_reason', sa.String(length=12), nullable=True),
        sa.Column('end_note', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_remeasurement_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id'],
                                name=op.f('fk_remeasurement_kpi_id_kpi'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'],
                                name=op.f('fk_remeasurement_owner_id_user_account')),
        sa.ForeignKeyConstraint(['measurement_id'], ['kpi_measurement.id'],
                                name=op.f('fk_remeasurement_measurement_id_kpi_measurement'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remeasurement')),
        sa.UniqueConstraint('kpi_id', 'months', name=op.f('uq_remeasurement_kpi_id_months')),
    )
    op.create_index(op.f('ix_remeasurement_project_id'), 'remeasurement', ['project_id'])
    _check("remeasurement", "end_reason", REASONS)
    # Not a batch: rebuilding a table on SQLite would drop its CHECK triggers.
    op.add_column('evaluation', sa.Column('remeasure_months', sa.JSON(), nullable=False,
                                          server_default=sa.text("'[3, 6, 12]'")))
    op.add_column('evaluation', sa.Column('unmeasured_reason', sa.Text(), nullable=False,
                                          server_default=''))
    op.add_column('project', sa.Column('completed_at', sa.DateTime(timezone=True),
                                       nullable=True))
    # A project closed before the borging existed is done with: completed when it closed.
    op.execute("UPDATE project SET completed_at = (SELECT max(closed_at) FROM step_state "
               "WHERE step_state.project_id = project.id) WHERE NOT EXISTS (SELECT 1 FROM "
               "step_state WHERE step_state.project_id = project.id AND step_state.status "
               "NOT IN ('done', 'skipped')) AND EXISTS (SELECT 1 FROM step_state WHERE "
               "step_state.project_id = project.id)")
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS)
    _uncheck("notification", "reminder")
    _check("notification", "reminder", REMINDERS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'remeasure'")
    op.execute("DELETE FROM notification_setting WHERE kind = 'remeasure'")
    _uncheck("notification", "reminder")
    _check("notification", "reminder", REMINDERS_BEFORE)
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS_BEFORE)
    op.execute("ALTER TABLE project DROP COLUMN completed_at")
    op.execute("ALTER TABLE evaluation DROP COLUMN unmeasured_reason")
    op.execute("ALTER TABLE evaluation DROP COLUMN remeasure_months")
    op.execute("DELETE FROM task WHERE origin = 'remeasure'")
    _uncheck("remeasurement", "end_reason")
    op.drop_index(op.f('ix_remeasurement_project_id'), table_name='remeasurement')
    op.drop_table('remeasurement')
