"""Named filters of an event log's cases

Revision ID: f3a4b5c6d7e0
Revises: e2f3a4b5c6d9
Create Date: 2026-12-05 21:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f3a4b5c6d7e0'
down_revision = 'e2f3a4b5c6d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_log_filter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_log_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(80), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_log_id'], ['event_log.id'], ondelete='CASCADE',
                                name=op.f('fk_event_log_filter_event_log_id_event_log')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_event_log_filter_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_log_filter')),
        sa.UniqueConstraint('event_log_id', 'name',
                            name=op.f('uq_event_log_filter_event_log_id_name')))
    op.create_index(op.f('ix_event_log_filter_event_log_id'), 'event_log_filter',
                    ['event_log_id'])


def downgrade():
    op.drop_index(op.f('ix_event_log_filter_event_log_id'), table_name='event_log_filter')
    op.drop_table('event_log_filter')
