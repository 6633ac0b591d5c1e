"""Deviations from the desired process the process owner accepts, with the reason

Revision ID: e2f3a4b5c6d9
Revises: d1e2f3a4b5c8
Create Date: 2026-12-05 19:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e2f3a4b5c6d9'
down_revision = 'd1e2f3a4b5c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accepted_deviation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(450), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_accepted_deviation_project_id_project')),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'],
                                name=op.f('fk_accepted_deviation_accepted_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accepted_deviation')),
        sa.UniqueConstraint('project_id', 'key', name=op.f('uq_accepted_deviation_project_id_key')))
    op.create_index(op.f('ix_accepted_deviation_project_id'), 'accepted_deviation',
                    ['project_id'])


def downgrade():
    op.drop_index(op.f('ix_accepted_deviation_project_id'), table_name='accepted_deviation')
    op.drop_table('accepted_deviation')
