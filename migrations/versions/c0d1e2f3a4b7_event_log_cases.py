"""Event logs: per case (without its number) its start, lead times and variant, and the
comparison of a log after the change with the log before it

Revision ID: c0d1e2f3a4b7
Revises: b9c0d1e2f3a6
Create Date: 2026-12-05 19:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c0d1e2f3a4b7'
down_revision = 'b9c0d1e2f3a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_log_cases',
        sa.Column('event_log_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['event_log_id'], ['event_log.id'], ondelete='CASCADE',
                                name=op.f('fk_event_log_cases_event_log_id_event_log')),
        sa.PrimaryKeyConstraint('event_log_id', name=op.f('pk_event_log_cases')))
    with op.batch_alter_table('event_log') as batch:
        batch.add_column(sa.Column('comparison', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('event_log') as batch:
        batch.drop_column('comparison')
    op.drop_table('event_log_cases')
