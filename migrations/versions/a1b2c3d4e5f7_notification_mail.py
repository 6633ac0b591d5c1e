"""Notifications by e-mail: each message's delivery state, and each person's choice per kind

Revision ID: a1b2c3d4e5f7
Revises: f0a1b2c3d4e5
Create Date: 2026-11-30 15:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d4e5f7'
down_revision = 'f0a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification') as batch:
        # Messages from before e-mail existed are not sent afterwards.
        batch.add_column(sa.Column('mail_state', sa.String(length=10), nullable=False,
                                   server_default='none'))
        batch.add_column(sa.Column('mail_attempts', sa.SmallInteger(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('mail_next_attempt_at', sa.DateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table('notification') as batch:
        batch.alter_column('mail_state', server_default=None)
        batch.alter_column('mail_attempts', server_default=None)
    op.create_index('ix_notification_mail_state', 'notification', ['mail_state'])
    op.create_table(
        'notification_setting',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_setting_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_setting')),
    )


def downgrade():
    op.drop_table('notification_setting')
    op.drop_index('ix_notification_mail_state', 'notification')
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('mail_next_attempt_at')
        batch.drop_column('mail_attempts')
        batch.drop_column('mail_state')
