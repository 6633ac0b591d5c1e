"""The names the organisation gives the roles (an empty map: the method's names)

Revision ID: a8b9c0d1e2f5
Revises: f7a8b9c0d1e4
Create Date: 2026-12-05 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a8b9c0d1e2f5'
down_revision = 'f7a8b9c0d1e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.add_column(sa.Column('role_names', sa.JSON(), nullable=False,
                                   server_default='{}'))


def downgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.drop_column('role_names')
