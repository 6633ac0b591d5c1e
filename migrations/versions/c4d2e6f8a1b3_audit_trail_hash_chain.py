"""Audit trail hash chain; on PostgreSQL no UPDATE, DELETE or TRUNCATE on it for the app

Revision ID: c4d2e6f8a1b3
Revises: b3f1c2d4e5a6
Create Date: 2026-11-23 17:00:00

"""
import hashlib
import json
from datetime import UTC

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e6f8a1b3'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
GUARD_MESSAGE = "audit_event is append-only"
audit_event = sa.table(
    "audit_event", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
    sa.column("project_id", sa.Integer), sa.column("result", sa.String),
    sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("ip", sa.String),
    sa.column("request_id", sa.String), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _hash(prev, row):
    # A frozen copy of wasstraat.audit.canonical as it was when the chain began.
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    content = json.dumps({
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor_id": row.actor_id,
        "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
        "project_id": row.project_id, "result": row.result, "before": row.before,
        "after": row.after, "ip": row.ip, "request_id": row.request_id,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(prev.encode() + content).hexdigest()


def _guards(create):
    sqlite = op.get_bind().dialect.name == "sqlite"
    if create and sqlite:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_event_no_{action.lower()} BEFORE {action} ON "
                       f"audit_event BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END")
    elif create:
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "
                   "audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()")
    elif sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")


def _privileges(grant):
    if op.get_bind().dialect.name != "postgresql":
        return
    # The role that runs the app (and owns the tables, in a one-role set-up) keeps INSERT and
    # SELECT only. With a separate migration role, grant the app role no more than that.
    verb = "GRANT" if grant else "REVOKE"
    op.execute(f"{verb} UPDATE, DELETE, TRUNCATE ON audit_event "
               f"{'TO' if grant else 'FROM'} CURRENT_USER")


def upgrade():
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(length=64), nullable=False,
                                           server_default=""))
    op.add_column("audit_event", sa.Column("hash", sa.String(length=64), nullable=False,
                                           server_default=""))
    _guards(create=False)
    connection = op.get_bind()
    prev = GENESIS
    for row in connection.execute(sa.select(audit_event).order_by(audit_event.c.id)).all():
        digest = _hash(prev, row)
        connection.execute(audit_event.update().where(audit_event.c.id == row.id)
                           .values(prev_hash=prev, hash=digest))
        prev = digest
    _guards(create=True)
    _privileges(grant=False)


def downgrade():
    _privileges(grant=True)
    _guards(create=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    _guards(create=True)
