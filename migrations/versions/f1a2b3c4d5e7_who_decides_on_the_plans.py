"""Who decides on the plans (the process owner under mandate, the directieteam or the college),
and the portfolio holder

Revision ID: f1a2b3c4d5e7
Revises: e0f1a2b3c4d6
Create Date: 2026-12-05 08:30:00

The organisation's settings say who takes the decision the plan documents ask for; until an
administrator chooses, the process owner decides under mandate, as before.
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

revision = 'f1a2b3c4d5e7'
down_revision = 'e0f1a2b3c4d6'
branch_labels = None
depends_on = None

DECIDERS = "'owner', 'management', 'college'"


def upgrade():
    # Not a batch: rebuilding a table on SQLite would drop its CHECK triggers.
    op.add_column('organisation_settings', sa.Column(
        'plan_decider', sa.String(length=12), nullable=False, server_default='owner'))
    op.add_column('organisation_settings', sa.Column(
        'portfolio_holder', sa.String(length=200), nullable=False, server_default=''))
    _check("organisation_settings", "plan_decider", DECIDERS)


def downgrade():
    _uncheck("organisation_settings", "plan_decider")
    op.execute("ALTER TABLE organisation_settings DROP COLUMN portfolio_holder")
    op.execute("ALTER TABLE organisation_settings DROP COLUMN plan_decider")
