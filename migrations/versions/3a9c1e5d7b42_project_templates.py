"""Templates per process type: versioned starting points, the requirements a project takes
over, and the organisation's list of process kinds

Revision ID: 3a9c1e5d7b42
Revises: 2f6b8d0a4c71
Create Date: 2026-12-06 21:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '3a9c1e5d7b42'
down_revision = '2f6b8d0a4c71'
branch_labels = None
depends_on = None

REQUIREMENTS = "'kpi_baselines', 'kpi_targets', 'desired_process'"
STEPS = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"


def upgrade():
    op.create_table(
        'project_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('process_kind', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_project_template_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_template')),
        sa.UniqueConstraint('name', name=op.f('uq_project_template_name')),
    )
    op.create_table(
        'template_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('requirements', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['template_id'], ['project_template.id'], ondelete='CASCADE',
                                name=op.f('fk_template_version_template_id_project_template')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_template_version_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_template_version')),
        sa.UniqueConstraint('template_id', 'number',
                            name='uq_template_version_template_id_number'),
    )
    op.create_table(
        'project_requirement',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('requirement', sa.String(length=20), nullable=False),
        sa.Column('step', sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(f"requirement IN ({REQUIREMENTS})",
                           name=op.f('ck_project_requirement_requirement_valid')),
        sa.CheckConstraint(f"step IN ({STEPS})", name=op.f('ck_project_requirement_step_valid')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_project_requirement_project_id_project')),
        sa.PrimaryKeyConstraint('project_id', 'requirement', name=op.f('pk_project_requirement')),
    )
    # Not batches: rebuilding these tables on SQLite would drop their CHECK triggers.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE project ADD COLUMN template_version_id INTEGER "
                   "CONSTRAINT fk_project_template_version_id_template_version "
                   "REFERENCES template_version (id)")
    else:
        op.add_column('project', sa.Column('template_version_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_project_template_version_id_template_version'),
                              'project', 'template_version', ['template_version_id'], ['id'])
    op.add_column('organisation_settings', sa.Column('process_kinds', sa.JSON(), nullable=False,
                                                     server_default='[]'))


def downgrade():
    op.execute("ALTER TABLE organisation_settings DROP COLUMN process_kinds")
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_project_template_version_id_template_version'), 'project',
                           type_='foreignkey')
    op.execute("ALTER TABLE project DROP COLUMN template_version_id")
    op.drop_table('project_requirement')
    op.drop_table('template_version')
    op.drop_table('project_template')
