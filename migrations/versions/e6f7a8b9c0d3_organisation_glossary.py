"""The organisation's own abbreviations and terms for the plans' glossary

Revision ID: e6f7a8b9c0d3
Revises: d5e6f7a8b9c2
Create Date: 2026-12-05 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e6f7a8b9c0d3'
down_revision = 'd5e6f7a8b9c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.add_column(sa.Column('glossary', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.drop_column('glossary')
