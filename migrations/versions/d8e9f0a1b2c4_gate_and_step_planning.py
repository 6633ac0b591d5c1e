"""The gate: a go or no-go on chosen steps by a named approver; planned end dates per step

Revision ID: d8e9f0a1b2c4
Revises: c7d8e9f0a1b3
Create Date: 2026-12-05 07:00:00

The organisation chooses which steps need a "go" before they close
(``organisation_settings.gated_steps``, steps 8 and 9 unless chosen otherwise) and whose it is
(``gate_approver``: the sponsor, the process owner, or both). Each decision is kept in
``gate_decision``. The project leader plans when each step should be finished
(``step_state.planned_end``); the project's health is read from those dates.

Steps already closed stay closed: a gate asks only at a close still to come.
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

revision = 'd8e9f0a1b2c4'
down_revision = 'c7d8e9f0a1b3'
branch_labels = None
depends_on = None

STEPS = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
ROLES = ("'sponsor', 'process_owner', 'project_leader', 'process_advisor', 'journey_coach', "
         "'subject_expert', 'team_manager', 'privacy_officer', 'ciso', 'it_specialist', "
         "'legal', 'app_manager', 'communication'")
VERDICTS = "'go', 'no_go'"
APPROVERS = "'sponsor', 'owner', 'both'"


def upgrade():
    op.create_table(
        'gate_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.SmallInteger(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('verdict', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('subject', sa.String(length=60), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decider_name', sa.String(length=200), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_gate_decision_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_gate_decision_decided_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_decision')),
    )
    op.create_index(op.f('ix_gate_decision_project_id'), 'gate_decision', ['project_id'])
    _check("gate_decision", "step", STEPS)
    _check("gate_decision", "role", ROLES)
    _check("gate_decision", "verdict", VERDICTS)
    # Not a batch: rebuilding a table on SQLite would drop its CHECK triggers.
    op.add_column('organisation_settings', sa.Column(
        'gated_steps', sa.JSON(), nullable=False, server_default=sa.text("'[8, 9]'")))
    op.add_column('organisation_settings', sa.Column(
        'gate_approver', sa.String(length=10), nullable=False, server_default='sponsor'))
    _check("organisation_settings", "gate_approver", APPROVERS)
    op.add_column('step_state', sa.Column('planned_end', sa.Date(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE step_state DROP COLUMN planned_end")
    _uncheck("organisation_settings", "gate_approver")
    op.execute("ALTER TABLE organisation_settings DROP COLUMN gate_approver")
    op.execute("ALTER TABLE organisation_settings DROP COLUMN gated_steps")
    op.execute("DELETE FROM task WHERE origin = 'no_go' OR template_key LIKE 'gate.%'")
    for column in ("verdict", "role", "step"):
        _uncheck("gate_decision", column)
    op.drop_index(op.f('ix_gate_decision_project_id'), table_name='gate_decision')
    op.drop_table('gate_decision')
