"""Segregation of duties: the organisation's settings and the specialisms of each account

Revision ID: a5b6c7d8e9f0
Revises: 9d4e5f6a7b8c
Create Date: 2026-11-30 11:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


revision = 'a5b6c7d8e9f0'
down_revision = '9d4e5f6a7b8c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_creators', sa.String(length=10), nullable=False),
    sa.Column('owner_appointed_by', sa.String(length=10), nullable=False),
    sa.Column('registered_specialists_only', sa.Boolean(), nullable=False),
    sa.Column('four_eyes', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_settings'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('specialisms', sa.JSON(), nullable=False,
                                      server_default='[]'))
    # Accounts already holding a specialist role in a project keep being allowed to.
    specialist_roles = ("privacy_officer", "ciso", "it_specialist", "legal", "app_manager",
                        "communication")
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT DISTINCT m.user_id, r.role FROM membership m "
        "JOIN membership_role r ON r.membership_id = m.id")).all()
    held: dict[int, list[str]] = {}
    for user_id, role in rows:
        if role in specialist_roles:
            held.setdefault(user_id, []).append(role)
    value = ":s" if connection.dialect.name == "sqlite" else "CAST(:s AS JSON)"
    for user_id, roles in held.items():
        connection.execute(sa.text(f"UPDATE user_account SET specialisms = {value} "
                                   "WHERE id = :u"),
                           {"s": json.dumps(sorted(roles)), "u": user_id})


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('specialisms')
    op.drop_table('organisation_settings')
