"""Projects: the organisation unit whose process it is, and the project a follow-up continues

Plain ADD/DROP COLUMN and a table of its own for the link: on SQLite, rebuilding the project
table (batch mode) would drop it, and with foreign keys on, that deletes every row that
cascades from a project.

Revision ID: e5f6a7b8c9d1
Revises: d4e5f6a7b8c0
Create Date: 2026-11-30 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5f6a7b8c9d1'
down_revision = 'd4e5f6a7b8c0'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('project', sa.Column('organisation_unit', sa.String(length=120),
                                       nullable=False, server_default=''))
    op.create_table(
        'project_cycle',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('follows_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'],
                                name=op.f('fk_project_cycle_project_id_project'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['follows_id'], ['project.id'],
                                name=op.f('fk_project_cycle_follows_id_project'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_cycle')),
    )
    op.create_index(op.f('ix_project_cycle_follows_id'), 'project_cycle', ['follows_id'])


def downgrade():
    op.drop_index(op.f('ix_project_cycle_follows_id'), 'project_cycle')
    op.drop_table('project_cycle')
    op.drop_column('project', 'organisation_unit')
