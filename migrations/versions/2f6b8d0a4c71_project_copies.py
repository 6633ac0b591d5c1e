"""A project may start as a copy of another: the source it was copied from

Revision ID: 2f6b8d0a4c71
Revises: 7d1f3a9c5e20
Create Date: 2026-12-06 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '2f6b8d0a4c71'
down_revision = '7d1f3a9c5e20'
branch_labels = None
depends_on = None


def upgrade():
    # Not a batch: rebuilding the project table on SQLite would drop its CHECK triggers. No
    # ON DELETE either (SQLite does not reflect it on an added column): destroying a project
    # clears the link of its copies itself (retention.destroy).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE project ADD COLUMN copied_from_id INTEGER "
                   "CONSTRAINT fk_project_copied_from_id_project "
                   "REFERENCES project (id)")
    else:
        op.add_column('project', sa.Column('copied_from_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_project_copied_from_id_project'), 'project', 'project',
                              ['copied_from_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_project_copied_from_id_project'), 'project',
                           type_='foreignkey')
    op.execute("ALTER TABLE project DROP COLUMN copied_from_id")
