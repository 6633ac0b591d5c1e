"""The hours of the team's time an improvement in the implementation plan takes

Revision ID: f7a8b9c0d1e4
Revises: e6f7a8b9c0d3
Create Date: 2026-12-05 16:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f7a8b9c0d1e4'
down_revision = 'e6f7a8b9c0d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('implementation_item') as batch:
        batch.add_column(sa.Column('capacity_hours', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('implementation_item') as batch:
        batch.drop_column('capacity_hours')
