"""The project in the zaaksysteem (Open Zaak): the connection and the parts sent

Revision ID: 4d8e2a6c1f3b
Revises: 9a7c3e5f1b2d
Create Date: 2026-12-06 10:20:00

The connection an administrator configures (one row; the client's secret stays outside the
database), each project's parts for the zaaksysteem (an outbox the jobs send), and each
Selectielijst class's resultaattype in Open Zaak.
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

revision = '4d8e2a6c1f3b'
down_revision = '9a7c3e5f1b2d'
branch_labels = None
depends_on = None

_URL = sa.String(length=1000)


def upgrade():
    op.create_table(
        'zaak_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('zaken_root', _URL, nullable=False),
        sa.Column('documenten_root', _URL, nullable=False),
        sa.Column('catalogi_root', _URL, nullable=False),
        sa.Column('besluiten_root', _URL, nullable=False),
        sa.Column('client_id', sa.String(length=120), nullable=False),
        sa.Column('rsin', sa.String(length=9), nullable=False),
        sa.Column('zaaktype', _URL, nullable=False),
        sa.Column('besluittype', _URL, nullable=False),
        sa.Column('roltypen', sa.JSON(), nullable=False),
        sa.Column('statustypen', sa.JSON(), nullable=False),
        sa.Column('informatieobjecttypen', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_zaak_settings')),
    )
    op.create_table(
        'zaak_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=60), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('urls', sa.JSON(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "part IN ('zaak', 'roles', 'status', 'document', 'besluit', 'resultaat', "
            "'archive')", name=op.f('ck_zaak_action_part_valid')),
        sa.CheckConstraint("state IN ('waiting', 'done', 'failed')",
                           name=op.f('ck_zaak_action_state_valid')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='CASCADE',
                                name=op.f('fk_zaak_action_project_id_project')),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ondelete='SET NULL',
                                name=op.f('fk_zaak_action_actor_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_zaak_action')),
        sa.UniqueConstraint('project_id', 'subject',
                            name=op.f('uq_zaak_action_project_id_subject')),
    )
    op.create_index(op.f('ix_zaak_action_project_id'), 'zaak_action', ['project_id'])
    # Not a batch: rebuilding the table on SQLite would drop its CHECK triggers.
    op.execute("ALTER TABLE archive_class ADD COLUMN zaak_resultaattype VARCHAR(1000) "
               "NOT NULL DEFAULT ''")


def downgrade():
    op.execute("ALTER TABLE archive_class DROP COLUMN zaak_resultaattype")
    op.drop_index(op.f('ix_zaak_action_project_id'), table_name='zaak_action')
    op.drop_table('zaak_action')
    op.drop_table('zaak_settings')
