"""The desired process beside the current one (step 8), the kinds of waste on activities, and
the date by which the process owner revisits the process description

Revision ID: f6a7b8c9d0e2
Revises: e5f6a7b8c9d1
Create Date: 2026-11-30 19:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f6a7b8c9d0e2'
down_revision = 'e5f6a7b8c9d1'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild); what was mapped so far is the current process.
    op.add_column('process_step', sa.Column('variant', sa.String(length=10), nullable=False,
                                            server_default='current'))
    op.add_column('process_step', sa.Column('wastes', sa.JSON(), nullable=False,
                                            server_default='[]'))
    op.add_column('project', sa.Column('revisit_on', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('project', 'revisit_on')
    op.drop_column('process_step', 'wastes')
    op.drop_column('process_step', 'variant')
