"""Benefits per improvement (expected, forecast, actual), and "onbekend" as a cost answer

Revision ID: b6c7d8e9f0a2
Revises: a5b6c7d8e9f1
Create Date: 2026-12-04 21:30:00

An improvement records what it brings (``benefit``: euros or hours a year, or a quality tied
to a KPI), expected in the plan, forecast during step 10 and realised after. Its costs may be
answered "onbekend" (``cost_unknown``, ``recurring_cost_unknown``). The proposer hears when
the benefit is measured (outcome ``measured``). Stored rows do not change.
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

revision = 'b6c7d8e9f0a2'
down_revision = 'a5b6c7d8e9f1'
branch_labels = None
depends_on = None

KINDS = "'euros', 'hours', 'quality'"
OUTCOMES_BEFORE = "'in_plan', 'not_pursued', 'merged', 'done', 'overruled'"
OUTCOMES = OUTCOMES_BEFORE + ", 'measured'"


def upgrade():
    op.create_table(
        'benefit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('improvement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('kpi_id', sa.Integer(), nullable=True),
        sa.Column('description', sa.Text(), nullable=False, server_default=''),
        sa.Column('expected', sa.Float(), nullable=True),
        sa.Column('forecast', sa.Float(), nullable=True),
        sa.Column('forecast_on', sa.Date(), nullable=True),
        sa.Column('actual', sa.Float(), nullable=True),
        sa.Column('actual_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_benefit_project_id_project'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['improvement_id'], ['improvement.id'],
                                name=op.f('fk_benefit_improvement_id_improvement'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kpi_id'], ['kpi.id'], name=op.f('fk_benefit_kpi_id_kpi'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit')),
    )
    op.create_index(op.f('ix_benefit_project_id'), 'benefit', ['project_id'])
    op.create_index(op.f('ix_benefit_improvement_id'), 'benefit', ['improvement_id'])
    _check("benefit", "kind", KINDS)
    for column in ("cost_unknown", "recurring_cost_unknown"):
        op.add_column('improvement', sa.Column(column, sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    # The proposer hears when the benefit of their idea is measured.
    _uncheck("notification", "outcome")
    _check("notification", "outcome", OUTCOMES)


def downgrade():
    op.execute("DELETE FROM notification WHERE outcome = 'measured'")
    _uncheck("notification", "outcome")
    _check("notification", "outcome", OUTCOMES_BEFORE)
    # Not a batch: rebuilding the table on SQLite would drop its CHECK triggers.
    op.execute("ALTER TABLE improvement DROP COLUMN recurring_cost_unknown")
    op.execute("ALTER TABLE improvement DROP COLUMN cost_unknown")
    _uncheck("benefit", "kind")
    op.drop_index(op.f('ix_benefit_improvement_id'), table_name='benefit')
    op.drop_index(op.f('ix_benefit_project_id'), table_name='benefit')
    op.drop_table('benefit')
