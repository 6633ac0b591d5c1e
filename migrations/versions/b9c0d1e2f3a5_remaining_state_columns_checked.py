"""The remaining choice columns hold only their enum's values, checked by the database too

Revision ID: b9c0d1e2f3a5
Revises: d1e2f3a4b5c6
Create Date: 2026-12-04 16:30:00

The same step as d1e2f3a4b5c6 for the columns it left as free text: the organisation's two
segregation-of-duties choices, a person's notification choices, the roles a member holds, the
role in which a product was confirmed or a KPI set agreed, and a service-formula comparison's
verdict. No stored value changes. A notification choice for a kind or channel the app does not
know (none was ever written) means nothing and is removed rather than refused; any other value
outside its enum makes the upgrade fail, since guessing what it meant would change a record.

PostgreSQL gets a CHECK constraint per column, SQLite a trigger per column (why: see
d1e2f3a4b5c6). The values are written out here, not imported.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b9c0d1e2f3a5'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None

ROLES = ('sponsor', 'process_owner', 'project_leader', 'process_advisor', 'journey_coach',
         'subject_expert', 'team_manager', 'privacy_officer', 'ciso', 'it_specialist', 'legal',
         'app_manager', 'communication')
KINDS = ('task', 'review', 'action', 'plan', 'answer', 'overdue', 'evaluation', 'waiting')
CHANNELS = ('immediate', 'daily', 'weekly', 'off')
STATES = {
    ('organisation_settings', 'project_creators'): ('everyone', 'admins'),
    ('organisation_settings', 'owner_appointed_by'): ('leader', 'admins'),
    ('notification_setting', 'kind'): KINDS,
    ('notification_setting', 'channel'): CHANNELS,
    ('membership_role', 'role'): ROLES,
    ('product_confirmation', 'confirmed_role'): ROLES,
    ('kpi_agreement', 'agreed_role'): ROLES,
    ('formula_comparison', 'match'): ('matches', 'partly', 'differs'),
}


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_valid"


def _values(values: tuple) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    op.execute(f"DELETE FROM notification_setting WHERE kind NOT IN ({_values(KINDS)}) "
               f"OR channel NOT IN ({_values(CHANNELS)})")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for (table, column), values in STATES.items():
        name = _name(table, column)
        if not sqlite:
            op.create_check_constraint(op.f(name), table, f"{column} IN ({_values(values)})")
            continue
        # A trigger checks new values only: refuse a stored one out of place, as the CHECK
        # constraint does on PostgreSQL.
        stray = op.get_bind().execute(sa.text(
            f"SELECT {column} FROM {table} WHERE {column} NOT IN ({_values(values)})")).first()
        if stray is not None:
            raise RuntimeError(f"{table}.{column} holds {stray[0]!r}, outside {values}")
        for event in ("INSERT", f"UPDATE OF {column}"):
            op.execute(f"CREATE TRIGGER {name}_{event.split()[0].lower()} BEFORE {event} "
                       f"ON {table} WHEN NEW.{column} NOT IN ({_values(values)}) "
                       f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column in STATES:
        name = _name(table, column)
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
            op.execute(f"DROP TRIGGER IF EXISTS {name}_update")
        else:
            op.drop_constraint(op.f(name), table, type_="check")
