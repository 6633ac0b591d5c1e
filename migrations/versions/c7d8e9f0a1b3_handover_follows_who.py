"""A hand-over follows "Wie" unless the team decides otherwise

Revision ID: c7d8e9f0a1b3
Revises: b6c7d8e9f0a2
Create Date: 2026-12-05 00:30:00

``process_step.handover`` may now be empty: the activity hands the work over when the next one
lies with someone else (its "Wie"). True or false is the team's own decision. An unticked box
was never a decision (the form had no way to say "nee"), so stored false becomes empty and
follows "Wie"; a ticked one stays. Down again, empty becomes false.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c7d8e9f0a1b3'
down_revision = 'b6c7d8e9f0a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_step') as batch:
        batch.alter_column('handover', existing_type=sa.Boolean(), nullable=True)
    op.execute(sa.text("UPDATE process_step SET handover = NULL WHERE handover = :no")
               .bindparams(no=False))


def downgrade():
    op.execute(sa.text("UPDATE process_step SET handover = :no WHERE handover IS NULL")
               .bindparams(no=False))
    with op.batch_alter_table('process_step') as batch:
        batch.alter_column('handover', existing_type=sa.Boolean(), nullable=False)
