"""Notifications: each person's inbox of work of the method that became theirs

Revision ID: f0a1b2c3d4e5
Revises: e9f0a1b2c3d4
Create Date: 2026-11-30 15:45:00
"""
from alembic import op
import sqlalchemy as sa



revision = 'f0a1b2c3d4e5'
down_revision = 'e9f0a1b2c3d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('step', sa.SmallInteger(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_notification_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['task_id'], ['task.id'],
                                name=op.f('fk_notification_task_id_task'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_id_read_at', 'notification', ['user_id', 'read_at'])
    op.create_index(op.f('ix_notification_project_id'), 'notification', ['project_id'])
    op.create_index(op.f('ix_notification_task_id'), 'notification', ['task_id'])


def downgrade():
    op.drop_table('notification')
