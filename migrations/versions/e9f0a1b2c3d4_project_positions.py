"""Where each project stands (current step and since when), kept as a read model for the
portfolio's filters, sorting and paging

Revision ID: e9f0a1b2c3d4
Revises: d8e9f0a1b2c3
Create Date: 2026-11-30 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e9f0a1b2c3d4'
down_revision = 'd8e9f0a1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_position',
        sa.Column('project_id', sa.Integer(),
                  sa.ForeignKey('project.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('step', sa.SmallInteger(), nullable=True),
        sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_project_position_step', 'project_position', ['step'])
    op.create_index('ix_project_position_since', 'project_position', ['since'])
    # The furthest step in progress, else the first one not done or skipped (workflow.py).
    op.execute("""
        INSERT INTO project_position (project_id, step, since)
        SELECT project_id,
               COALESCE(MAX(CASE WHEN status = 'in_progress' THEN step END),
                        MIN(CASE WHEN status NOT IN ('done', 'skipped') THEN step END)),
               MAX(COALESCE(closed_at, started_at))
        FROM step_state GROUP BY project_id
    """)


def downgrade():
    op.drop_index('ix_project_position_since', 'project_position')
    op.drop_index('ix_project_position_step', 'project_position')
    op.drop_table('project_position')
