"""The record's retention by the Selectielijst: archive classes, each project's class, the
archivist's function and the destruction lists

Revision ID: 9a7c3e5f1b2d
Revises: c6d7e8f9a0b1
Create Date: 2026-12-06 07:30:00

Every project starts in the organisation's default class, as the Selectielijst gemeenten en
intergemeentelijke organen 2020 most likely classes an improvement project: procestype 1
"Instellen en inrichten organisatie", resultaat 1.1 "Ingericht", ten years, then destroyed.
The archivist confirms or changes it.
"""
import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The enum checks' helpers, kept once beside the revisions (migrations/enum_checks.py).
_spec = importlib.util.spec_from_file_location(
    "enum_checks", Path(__file__).resolve().parent.parent / "enum_checks.py")
_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_checks)
_check, _uncheck = _checks.check, _checks.uncheck

revision = '9a7c3e5f1b2d'
down_revision = 'c6d7e8f9a0b1'
branch_labels = None
depends_on = None


def upgrade():
    classes = op.create_table(
        'archive_class',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_type', sa.SmallInteger(), nullable=False),
        sa.Column('process_type_name', sa.String(length=200), nullable=False),
        sa.Column('result', sa.String(length=12), nullable=False),
        sa.Column('result_name', sa.String(length=200), nullable=False),
        sa.Column('term_years', sa.SmallInteger(), nullable=False),
        sa.Column('nomination', sa.String(length=10), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("nomination IN ('destroy', 'keep')",
                           name=op.f('ck_archive_class_nomination_valid')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_class')),
    )
    op.bulk_insert(classes, [{
        'id': 1, 'process_type': 1, 'process_type_name': 'Instellen en inrichten organisatie',
        'result': '1.1', 'result_name': 'Ingericht', 'term_years': 10,
        'nomination': 'destroy', 'is_default': True,
        'created_at': datetime.now(UTC)}])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('archive_class', 'id'), 1)")
    op.create_table(
        'destruction_list',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('drawn_up_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('drawn_up_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approver_name', sa.String(length=120), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('proposed', 'destroyed')",
                           name=op.f('ck_destruction_list_state_valid')),
        sa.ForeignKeyConstraint(['drawn_up_by_id'], ['user_account.id'],
                                name=op.f('fk_destruction_list_drawn_up_by_id_user_account')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'],
                                name=op.f('fk_destruction_list_approved_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_list')),
    )
    op.create_table(
        'destruction_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('list_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('project_name', sa.String(length=200), nullable=False),
        sa.Column('project_product', sa.String(length=200), nullable=False),
        sa.Column('class_result', sa.String(length=12), nullable=False),
        sa.Column('class_description', sa.String(length=420), nullable=False),
        sa.Column('term_years', sa.SmallInteger(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=False),
        sa.Column('archive_date', sa.Date(), nullable=False),
        sa.Column('excluded_reason', sa.Text(), nullable=False),
        sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['list_id'], ['destruction_list.id'],
                                name=op.f('fk_destruction_item_list_id_destruction_list')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='SET NULL',
                                name=op.f('fk_destruction_item_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_item')),
    )
    op.create_index(op.f('ix_destruction_item_list_id'), 'destruction_item', ['list_id'])
    op.create_index(op.f('ix_destruction_item_project_id'), 'destruction_item', ['project_id'])
    # Not batches: rebuilding a table on SQLite would drop its CHECK triggers.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE project ADD COLUMN archive_class_id INTEGER "
                   "CONSTRAINT fk_project_archive_class_id_archive_class "
                   "REFERENCES archive_class (id)")
    else:
        op.add_column('project', sa.Column('archive_class_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_project_archive_class_id_archive_class'), 'project',
                              'archive_class', ['archive_class_id'], ['id'])
    op.add_column('user_account', sa.Column('functions', sa.JSON(), nullable=False,
                                            server_default='[]'))


def downgrade():
    op.execute("ALTER TABLE user_account DROP COLUMN functions")
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_project_archive_class_id_archive_class'), 'project',
                           type_='foreignkey')
    op.execute("ALTER TABLE project DROP COLUMN archive_class_id")
    op.drop_index(op.f('ix_destruction_item_project_id'), table_name='destruction_item')
    op.drop_index(op.f('ix_destruction_item_list_id'), table_name='destruction_item')
    op.drop_table('destruction_item')
    op.drop_table('destruction_list')
    op.drop_table('archive_class')
