"""State columns hold only their enum's values, checked by the database too

Revision ID: d1e2f3a4b5c6
Revises: c9d0e1f2a3b5
Create Date: 2026-12-04 10:30:00

The models store each state as its enum's value (``models.StrEnumColumn``), as before: no
stored value changes, except that an empty text in an optional state (no horizon, no verdict
yet) becomes NULL, which the code always read as the same. PostgreSQL gets a CHECK constraint
per column, named as the models name it. SQLite cannot add a constraint to an existing table
without rebuilding it, which would drop the triggers that guard signed reviews and frozen
plans and, with foreign keys on, cascade the drop to child rows; there a trigger per column
refuses what the CHECK would refuse, with the same name in its message.

The values are written out here, not imported: a migration describes the schema as it was on
its day.
"""
from alembic import op


revision = 'd1e2f3a4b5c6'
down_revision = 'c9d0e1f2a3b5'
branch_labels = None
depends_on = None

STEPS = tuple(range(1, 11))
ROLES = ('sponsor', 'process_owner', 'project_leader', 'process_advisor', 'journey_coach',
         'subject_expert', 'team_manager', 'privacy_officer', 'ciso', 'it_specialist', 'legal',
         'app_manager', 'communication')
STATES = {
    ('event_log', 'status'): ('uploaded', 'queued', 'running', 'done', 'failed'),
    ('implementation_contribution', 'role'): ROLES,
    ('kpi', 'direction'): ('higher', 'lower'),
    ('product_confirmation', 'step'): STEPS,
    ('step_state', 'step'): STEPS,
    ('step_state', 'status'): ('not_started', 'in_progress', 'done', 'skipped'),
    ('task', 'step'): STEPS,
    ('task', 'role'): ROLES,
    ('task', 'closed_as'): ('hand', 'rule', 'step'),
    ('work_session', 'step'): STEPS,
    ('improvement', 'step'): STEPS,
    ('improvement', 'horizon'): ('quick_win', 'long_term'),
    ('improvement', 'decision'): ('open', 'in_plan', 'not_pursued', 'merged'),
    ('notification', 'kind'): ('task', 'review', 'action', 'plan', 'answer', 'overdue',
                               'evaluation', 'waiting'),
    ('notification', 'step'): STEPS,
    ('notification', 'mail_state'): ('pending', 'sending', 'digest', 'sent', 'failed', 'none'),
    ('notification', 'reminder'): ('action_overdue', 'evaluation_near', 'evaluation_passed',
                                   'step_waiting'),
    ('review', 'verdict'): ('approved', 'conditional', 'rejected'),
    ('implementation_item', 'adoption'): ('taken_over', 'deferred', 'dropped'),
    ('implementation_item', 'status'): ('not_started', 'in_progress', 'done', 'blocked'),
    ('review_response', 'kind'): ('adopted', 'not_adopted'),
}
# Optional states that may have been stored as an empty text: the same as none.
OPTIONAL = [('task', 'role'), ('task', 'closed_as'), ('improvement', 'horizon'),
            ('notification', 'reminder'), ('review', 'verdict')]


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_valid"


def _values(values: tuple) -> str:
    return ", ".join(str(v) if isinstance(v, int) else f"'{v}'" for v in values)


def upgrade():
    for table, column in OPTIONAL:
        if (table, column) == ('review', 'verdict'):
            # A signed review is guarded against any change; one signed has a verdict.
            op.execute(f"UPDATE review SET verdict = NULL WHERE verdict = '' "
                       f"AND signed_at IS NULL")
            continue
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} = ''")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for (table, column), values in STATES.items():
        name = _name(table, column)
        if not sqlite:
            op.create_check_constraint(op.f(name), table, f"{column} IN ({_values(values)})")
            continue
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
