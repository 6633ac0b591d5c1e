"""The plan says where the money comes from: a text on the funding of its costs

Revision ID: a2b3c4d5e6f8
Revises: f1a2b3c4d5e7
Create Date: 2026-12-05 08:45:00

Optional like the goal-and-scope and the risks: a version frozen before holds no funding text
and keeps matching an unchanged draft.
"""
import sqlalchemy as sa
from alembic import op

revision = 'a2b3c4d5e6f8'
down_revision = 'f1a2b3c4d5e7'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('improvement_plan', sa.Column('funding', sa.Text(), nullable=False,
                                                server_default=''))


def downgrade():
    op.execute("ALTER TABLE improvement_plan DROP COLUMN funding")
