"""The organisation's working calendar: office hours and its own closing days

Revision ID: b9c0d1e2f3a6
Revises: a8b9c0d1e2f5
Create Date: 2026-12-05 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b9c0d1e2f3a6'
down_revision = 'a8b9c0d1e2f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.add_column(sa.Column('office_opens', sa.String(5), nullable=False,
                                   server_default='08:30'))
        batch.add_column(sa.Column('office_closes', sa.String(5), nullable=False,
                                   server_default='17:00'))
        batch.add_column(sa.Column('closing_days', sa.JSON(), nullable=False,
                                   server_default='[]'))


def downgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.drop_column('closing_days')
        batch.drop_column('office_closes')
        batch.drop_column('office_opens')
