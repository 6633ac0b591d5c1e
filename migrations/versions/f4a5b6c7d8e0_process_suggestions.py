"""Suggestions on a described process, and the notification that brings them to its owner

Revision ID: f4a5b6c7d8e0
Revises: e3f4a5b6c7d9
Create Date: 2026-12-04 18:30:00

Any employee may leave a suggestion on a process that a closed project described (the
library); it reaches the process owners as a notification of the new kind ``suggestion``, and
a next cycle takes the open ones up as its first improvements (``taken_into_id``).
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

revision = 'f4a5b6c7d8e0'
down_revision = 'e3f4a5b6c7d9'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', "
                "'waiting', 'outcome', 'revisit'")
KINDS = KINDS_BEFORE + ", 'suggestion'"


def upgrade():
    op.create_table(
        'process_suggestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('taken_into_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                                name=op.f('fk_process_suggestion_author_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_process_suggestion_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['taken_into_id'], ['project.id'],
                                name=op.f('fk_process_suggestion_taken_into_id_project'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_suggestion')),
    )
    op.create_index(op.f('ix_process_suggestion_project_id'), 'process_suggestion',
                    ['project_id'], unique=False)
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'suggestion'")
    op.execute("DELETE FROM notification_setting WHERE kind = 'suggestion'")
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", KINDS_BEFORE)
    op.drop_index(op.f('ix_process_suggestion_project_id'), table_name='process_suggestion')
    op.drop_table('process_suggestion')
