"""Improvements: the kind of waste an improvement removes

Revision ID: a7b8c9d0e1f3
Revises: f6a7b8c9d0e2
Create Date: 2026-11-30 20:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7b8c9d0e1f3'
down_revision = 'f6a7b8c9d0e2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('improvement', sa.Column('removes_waste', sa.String(length=20), nullable=True))


def downgrade():
    op.drop_column('improvement', 'removes_waste')
