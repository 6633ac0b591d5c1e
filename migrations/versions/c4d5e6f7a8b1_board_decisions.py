"""What the board decided on a plan: date, outcome and reference, recorded after its meeting

Revision ID: c4d5e6f7a8b1
Revises: b3c4d5e6f7a0
Create Date: 2026-12-05 09:10:00
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

revision = 'c4d5e6f7a8b1'
down_revision = 'b3c4d5e6f7a0'
branch_labels = None
depends_on = None

PLANS = "'improvement', 'implementation'"
BOARDS = "'owner', 'management', 'college'"
OUTCOMES = "'adopted', 'amended', 'rejected'"


def upgrade():
    op.create_table(
        'board_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('plan', sa.String(length=16), nullable=False),
        sa.Column('board', sa.String(length=12), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_board_decision_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                                name=op.f('fk_board_decision_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_decision')),
    )
    op.create_index(op.f('ix_board_decision_project_id'), 'board_decision', ['project_id'])
    _check("board_decision", "plan", PLANS)
    _check("board_decision", "board", BOARDS)
    _check("board_decision", "outcome", OUTCOMES)


def downgrade():
    for column in ("outcome", "board", "plan"):
        _uncheck("board_decision", column)
    op.drop_index(op.f('ix_board_decision_project_id'), table_name='board_decision')
    op.drop_table('board_decision')
