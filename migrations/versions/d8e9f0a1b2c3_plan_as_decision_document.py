"""The plan as a decision document: recurring costs, goal-and-scope and risk texts, and the
signed documents kept as they were

Revision ID: d8e9f0a1b2c3
Revises: c7d8e9f0a1b2
Create Date: 2026-11-30 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd8e9f0a1b2c3'
down_revision = 'c7d8e9f0a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('improvement') as batch:
        batch.add_column(sa.Column('recurring_cost', sa.Integer(), nullable=True))
    with op.batch_alter_table('improvement_plan') as batch:
        batch.add_column(sa.Column('scope', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('risks', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'plan_document',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_version_id', sa.Integer(),
                  sa.ForeignKey('plan_version.id', ondelete='CASCADE'), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('plan_version_id', 'format'),
    )


def downgrade():
    op.drop_table('plan_document')
    with op.batch_alter_table('improvement_plan') as batch:
        batch.drop_column('risks')
        batch.drop_column('scope')
    with op.batch_alter_table('improvement') as batch:
        batch.drop_column('recurring_cost')
