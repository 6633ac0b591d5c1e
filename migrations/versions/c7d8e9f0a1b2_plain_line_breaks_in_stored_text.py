"""Plain line breaks in stored text: "\\r\\n" (as browsers send it) and "\\r" become "\\n"

Revision ID: c7d8e9f0a1b2
Revises: b6c7d8e9f0a1
Create Date: 2026-11-30 11:20:00

The forms store "\\n" from now on. What is frozen stays as it was (the audit trail, plan versions
and signed reviews: their triggers refuse any change, rightly); the documents clean those when
they are written.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c7d8e9f0a1b2'
down_revision = 'b6c7d8e9f0a1'
branch_labels = None
depends_on = None

FROZEN = {"audit_event", "plan_version", "review", "review_finding", "alembic_version"}


def upgrade():
    bind = op.get_bind()
    cr, lf = ("char(13)", "char(10)") if bind.dialect.name == "sqlite" else ("chr(13)", "chr(10)")
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table in FROZEN:
            continue
        for column in inspector.get_columns(table):
            if not isinstance(column["type"], sa.Text | sa.String):
                continue
            name = column["name"]
            op.execute(
                f'UPDATE "{table}" SET "{name}" = '
                f'replace(replace("{name}", {cr} || {lf}, {lf}), {cr}, {lf}) '
                f"WHERE \"{name}\" LIKE '%' || {cr} || '%'")


def downgrade():
    pass  # the line breaks stay plain: nothing to undo
