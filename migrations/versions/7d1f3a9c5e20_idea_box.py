"""The idea box: ideas from any employee and their followers; news without a project

Revision ID: 7d1f3a9c5e20
Revises: 5e2b8c4f7a13
Create Date: 2026-12-06 21:00:00
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

revision = '7d1f3a9c5e20'
down_revision = '5e2b8c4f7a13'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("'task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', "
                "'waiting', 'outcome', 'revisit', 'suggestion', 'remeasure', 'archive', "
                "'mention'")
KINDS = KINDS_BEFORE + ", 'idea_new', 'idea'"
OUTCOMES_BEFORE = "'in_plan', 'not_pursued', 'merged', 'done', 'overruled', 'measured'"
OUTCOMES = OUTCOMES_BEFORE + (", 'idea_project', 'idea_started', 'idea_merged', "
                              "'idea_decline', 'idea_in_plan', 'idea_dropped', 'idea_done'")
STATES = "'open', 'in_project', 'new_project', 'merged', 'declined'"


def _checked(kinds: str, outcomes: str) -> None:
    for table in ("notification", "notification_setting"):
        _uncheck(table, "kind")
        _check(table, "kind", kinds)
    _uncheck("notification", "outcome")
    _check("notification", "outcome", outcomes)


def _project_optional(optional: bool) -> None:
    """notification.project_id NOT NULL or not. SQLite rebuilds the table for that, which
    drops its triggers (the enum checks): they are read first and made again after."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    triggers = [row[0] for row in op.get_bind().execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'notification'"))
    ] if sqlite else []
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("project_id", existing_type=sa.Integer(), nullable=optional)
    for trigger in triggers:
        op.execute(trigger)


def upgrade():
    op.create_table(
        'idea',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('process_id', sa.Integer(), nullable=True),
        sa.Column('organisation_unit', sa.String(length=120), nullable=False),
        sa.Column('proposer_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('triaged_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('improvement_id', sa.Integer(), nullable=True),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint(f"state IN ({STATES})", name=op.f('ck_idea_state_valid')),
        sa.ForeignKeyConstraint(['process_id'], ['project.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_process_id_project')),
        sa.ForeignKeyConstraint(['proposer_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_proposer_id_user_account')),
        sa.ForeignKeyConstraint(['triaged_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_triaged_by_id_user_account')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_project_id_project')),
        sa.ForeignKeyConstraint(['improvement_id'], ['improvement.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_improvement_id_improvement')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['idea.id'], ondelete='SET NULL',
                                name=op.f('fk_idea_merged_into_id_idea')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idea')),
    )
    op.create_index(op.f('ix_idea_proposer_id'), 'idea', ['proposer_id'])
    op.create_index(op.f('ix_idea_project_id'), 'idea', ['project_id'])
    op.create_index('ix_idea_state_created_at', 'idea', ['state', 'created_at'])
    op.create_table(
        'idea_follower',
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], ondelete='CASCADE',
                                name=op.f('fk_idea_follower_idea_id_idea')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_idea_follower_user_id_user_account')),
        sa.PrimaryKeyConstraint('idea_id', 'user_id', name=op.f('pk_idea_follower')),
    )
    op.create_index(op.f('ix_idea_follower_user_id'), 'idea_follower', ['user_id'])
    _project_optional(True)
    _checked(KINDS, OUTCOMES)


def downgrade():
    op.execute("DELETE FROM notification WHERE project_id IS NULL OR kind IN ('idea_new', 'idea')")
    op.execute("DELETE FROM notification_setting WHERE kind IN ('idea_new', 'idea')")
    _checked(KINDS_BEFORE, OUTCOMES_BEFORE)
    _project_optional(False)
    op.drop_table('idea_follower')
    op.drop_index('ix_idea_state_created_at', table_name='idea')
    op.drop_table('idea')
