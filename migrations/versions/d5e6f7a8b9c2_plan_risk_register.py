"""The plan's risk register: risk, likelihood, impact, measure and owner, one row each

Revision ID: d5e6f7a8b9c2
Revises: c4d5e6f7a8b1
Create Date: 2026-12-05 15:10:00

The free text "Risico's en randvoorwaarden" stays; the register beside it gives the board a
risk table (the three largest in the summary) and the implementation plan its measures.
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

revision = 'd5e6f7a8b9c2'
down_revision = 'c4d5e6f7a8b1'
branch_labels = None
depends_on = None

LEVELS = "'low', 'medium', 'high'"


def upgrade():
    op.create_table(
        'plan_risk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('likelihood', sa.String(length=8), nullable=False),
        sa.Column('impact', sa.String(length=8), nullable=False),
        sa.Column('measure', sa.Text(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_plan_risk_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'],
                                name=op.f('fk_plan_risk_owner_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_risk')),
    )
    op.create_index(op.f('ix_plan_risk_project_id'), 'plan_risk', ['project_id'])
    _check("plan_risk", "likelihood", LEVELS)
    _check("plan_risk", "impact", LEVELS)


def downgrade():
    for column in ("impact", "likelihood"):
        _uncheck("plan_risk", column)
    op.drop_index(op.f('ix_plan_risk_project_id'), table_name='plan_risk')
    op.drop_table('plan_risk')
