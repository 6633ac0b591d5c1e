"""The desired process as a model a log is checked against: an activity may be left out, may
repeat, or may run alongside the one before it

Revision ID: d1e2f3a4b5c8
Revises: c0d1e2f3a4b7
Create Date: 2026-12-05 19:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd1e2f3a4b5c8'
down_revision = 'c0d1e2f3a4b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_step') as batch:
        for name in ('optional', 'may_repeat', 'parallel'):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('process_step') as batch:
        for name in ('parallel', 'may_repeat', 'optional'):
            batch.drop_column(name)
