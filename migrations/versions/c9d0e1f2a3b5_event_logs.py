"""Event logs: the measured process of step 3 and step 10, and the file until it is read

Revision ID: c9d0e1f2a3b5
Revises: b8c9d0e1f2a4
Create Date: 2026-11-30 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c9d0e1f2a3b5'
down_revision = 'b8c9d0e1f2a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('format', sa.String(length=4), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('keep_resources', sa.Boolean(), nullable=False),
        sa.Column('keep_reason', sa.Text(), nullable=False),
        sa.Column('events_read', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_event_log_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_event_log_project_id_project'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_log')),
    )
    op.create_index(op.f('ix_event_log_project_id'), 'event_log', ['project_id'], unique=False)
    op.create_table(
        'event_log_file',
        sa.Column('event_log_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['event_log_id'], ['event_log.id'],
                                name=op.f('fk_event_log_file_event_log_id_event_log'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_log_id', name=op.f('pk_event_log_file')),
    )


def downgrade():
    op.drop_table('event_log_file')
    op.drop_index(op.f('ix_event_log_project_id'), table_name='event_log')
    op.drop_table('event_log')
