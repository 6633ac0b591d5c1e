"""The audit chain keyed: each new row names the key (kept outside the database) of its HMAC

Revision ID: b6c7d8e9f0a1
Revises: a5b6c7d8e9f0
Create Date: 2026-11-30 11:10:00

Existing rows keep their SHA-256 links; the first keyed row chains onto them, so changing an
older row breaks a link that only the key can make again.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b6c7d8e9f0a1'
down_revision = 'a5b6c7d8e9f0'
branch_labels = None
depends_on = None


def upgrade():
    # A new column is not an UPDATE of the rows: the append-only guard stays in place.
    op.add_column('audit_event', sa.Column('key_id', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('key_id')
