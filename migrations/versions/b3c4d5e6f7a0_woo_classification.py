"""Openbaarheid (Woo) of a project's plans: public unless the team gives the ground

Revision ID: b3c4d5e6f7a0
Revises: a2b3c4d5e6f8
Create Date: 2026-12-05 09:00:00

Every project stays as it was: public, which is what the Woo expects unless an exception
applies.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b3c4d5e6f7a0'
down_revision = 'a2b3c4d5e6f8'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('project', sa.Column('woo_public', sa.Boolean(), nullable=False,
                                       server_default=sa.true()))
    op.add_column('project', sa.Column('woo_reason', sa.Text(), nullable=False,
                                       server_default=''))


def downgrade():
    op.execute("ALTER TABLE project DROP COLUMN woo_reason")
    op.execute("ALTER TABLE project DROP COLUMN woo_public")
