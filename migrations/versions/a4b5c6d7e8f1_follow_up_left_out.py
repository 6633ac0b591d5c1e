"""The roles a follow-up did not carry over, with the appointment rule that refused each

Revision ID: a4b5c6d7e8f1
Revises: f3a4b5c6d7e0
Create Date: 2026-12-05 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a4b5c6d7e8f1'
down_revision = 'f3a4b5c6d7e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_cycle') as batch:
        batch.add_column(sa.Column('left_out', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('project_cycle') as batch:
        batch.drop_column('left_out')
