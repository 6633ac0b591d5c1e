"""A digest's claim has a lease: a worker that died while sending it no longer keeps the
period's digest from going out

Revision ID: c6d7e8f9a0b1
Revises: b5c6d7e8f9a0
Create Date: 2026-12-06 03:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c6d7e8f9a0b1'
down_revision = 'b5c6d7e8f9a0'
branch_labels = None
depends_on = None


def upgrade():
    # Digests claimed before this migration count as sent (an empty lease).
    with op.batch_alter_table('notification_digest') as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('notification_digest') as batch_op:
        batch_op.drop_column('claimed_until')
