"""Reminders: what a notification reminds of, once per occasion, and where its work is

Revision ID: c3d4e5f6a7b9
Revises: b2c3d4e5f6a8
Create Date: 2026-11-30 18:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3d4e5f6a7b9'
down_revision = 'b2c3d4e5f6a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('reminder', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('reminder_key', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('days', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('link', sa.String(length=300), nullable=False,
                                   server_default=''))
        batch.create_unique_constraint('uq_notification_user_id_reminder_key',
                                       ['user_id', 'reminder_key'])
    with op.batch_alter_table('notification') as batch:
        batch.alter_column('link', server_default=None)


def downgrade():
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint('uq_notification_user_id_reminder_key', type_='unique')
        batch.drop_column('link')
        batch.drop_column('days')
        batch.drop_column('reminder_key')
        batch.drop_column('reminder')
