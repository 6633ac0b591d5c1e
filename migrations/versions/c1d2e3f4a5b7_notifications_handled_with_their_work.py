"""A notification is handled when the work it announced is finished

Revision ID: c1d2e3f4a5b7
Revises: b9c0d1e2f3a5
Create Date: 2026-12-04 17:00:00

Notifications get ``handled_at``: set when their task closes (done, ended with its step, or
ended by hand), cleared when it opens again. The badge counts only notifications neither read
nor handled. Those of tasks already closed are handled as of the task's closing, and any of
them still waiting for a digest is not e-mailed any more, as for a task closed from now on.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c1d2e3f4a5b7'
down_revision = 'b9c0d1e2f3a5'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('notification', sa.Column('handled_at', sa.DateTime(timezone=True),
                                            nullable=True))
    closed = "SELECT id FROM task WHERE done_at IS NOT NULL"
    op.execute("UPDATE notification SET handled_at = (SELECT done_at FROM task WHERE "
               f"task.id = notification.task_id) WHERE task_id IN ({closed})")
    op.execute(f"UPDATE notification SET mail_state = 'none' WHERE mail_state = 'digest' "
               f"AND task_id IN ({closed})")


def downgrade():
    # Not a batch: rebuilding the table on SQLite would drop its CHECK triggers.
    op.execute("ALTER TABLE notification DROP COLUMN handled_at")
