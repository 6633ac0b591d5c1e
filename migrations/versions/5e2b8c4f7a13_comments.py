"""Comments with mentions: a thread per improvement, finding, action and step, and the
notification kind of a mention

Revision ID: 5e2b8c4f7a13
Revises: 8c4e1a7d3b92
Create Date: 2026-12-06 18:00:00
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The enum checks' helpers, kept once beside the revisions (migrations/enum_checks.py).
_spec = importlib.util.spec_from_file_location(
    "enum_checks", Path(__file__).resolve().parent.parent / "enum_checks.py")
_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_checks)
_check, _uncheck = _checks.check, _checks.uncheck

revision = '5e2b8c4f7a13'
down_revision = '8c4e1a7d3b92'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', "
                "'waiting', 'outcome', 'revisit', 'suggestion', 'remeasure', 'archive'")
KINDS = KINDS_BEFORE + ", 'mention'"


def _kinds(kinds: str) -> None:
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", kinds)


def upgrade():
    op.create_table(
        'comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=12), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('removed_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("subject IN ('improvement', 'finding', 'action', 'step')",
                           name=op.f('ck_comment_subject_valid')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_comment_project_id_project')),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                                name=op.f('fk_comment_author_id_user_account')),
        sa.ForeignKeyConstraint(['removed_by_id'], ['user_account.id'],
                                name=op.f('fk_comment_removed_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_comment')),
    )
    op.create_index('ix_comment_thread', 'comment', ['project_id', 'subject', 'subject_id'])
    op.create_table(
        'comment_mention',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], ondelete='CASCADE',
                                name=op.f('fk_comment_mention_comment_id_comment')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_comment_mention_user_id_user_account')),
        sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_comment_mention')),
    )
    _kinds(KINDS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'mention'")
    op.execute("DELETE FROM notification_setting WHERE kind = 'mention'")
    _kinds(KINDS_BEFORE)
    op.drop_table('comment_mention')
    op.drop_index('ix_comment_thread', table_name='comment')
    op.drop_table('comment')
