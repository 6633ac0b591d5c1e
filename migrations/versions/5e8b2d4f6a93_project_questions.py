"""The questions a project keeps per P of its service formula and per review domain, and a
review's own questions with the specialist's answers

Revision ID: 5e8b2d4f6a93
Revises: 3a9c1e5d7b42
Create Date: 2026-12-07 00:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5e8b2d4f6a93'
down_revision = '3a9c1e5d7b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('question_set', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=30), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.CheckConstraint("question_set IN ('formula', 'review')",
                           name=op.f('ck_project_question_question_set_valid')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_project_question_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_question')),
        sa.UniqueConstraint('project_id', 'question_set', 'subject', 'position',
                            name=op.f('uq_project_question_project_id_question_set_subject_position')),
    )
    op.create_index(op.f('ix_project_question_project_id'), 'project_question', ['project_id'])
    # Plain columns, not a batch: rebuilding the review table on SQLite would drop its CHECK
    # triggers.
    op.add_column('review', sa.Column('questions', sa.JSON(), nullable=False,
                                      server_default='[]'))
    op.add_column('review', sa.Column('answers', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade():
    op.execute("ALTER TABLE review DROP COLUMN answers")
    op.execute("ALTER TABLE review DROP COLUMN questions")
    op.drop_index(op.f('ix_project_question_project_id'), table_name='project_question')
    op.drop_table('project_question')
