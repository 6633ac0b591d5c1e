"""A revision counter per project and one for the organisation: the keys of cached sections

Revision ID: b5c6d7e8f9a0
Revises: a4b5c6d7e8f1
Create Date: 2026-12-06 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b5c6d7e8f9a0'
down_revision = 'a4b5c6d7e8f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_revision',
        sa.Column('scope', sa.String(length=40), nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False, server_default='0'),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_revision')),
    )


def downgrade():
    op.drop_table('data_revision')
