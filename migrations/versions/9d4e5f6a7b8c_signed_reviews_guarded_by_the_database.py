"""Signed reviews and their findings are guarded by the database too, so no path (a cascade
from a deleted improvement, a hand-written UPDATE) changes what a specialist signed

Revision ID: 9d4e5f6a7b8c
Revises: 8c3d2e1f0a9b
Create Date: 2026-11-30 10:50:00

Deleting a whole project (retention) still removes its reviews, and anonymising one may still
replace who signed (signed_by_id, signer_name): what was signed is refused any change.
"""
from alembic import op


revision = '9d4e5f6a7b8c'
down_revision = '8c3d2e1f0a9b'
branch_labels = None
depends_on = None

SIGNED = "a signed review cannot be changed"
# What a specialist signed; who signed may be anonymised after the retention term.
SIGNED_CONTENT = ("plan_version_id", "domain", "verdict", "motivation", "conditions",
                  "dpia_criteria", "dpia_required", "signed_at", "signer_role")
FINDING = "the findings of a signed review cannot be changed"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER review_signed_no_update BEFORE UPDATE OF "
                   f"{', '.join(SIGNED_CONTENT)} ON review WHEN OLD.signed_at IS NOT NULL "
                   f"BEGIN SELECT RAISE(ABORT, '{SIGNED}'); END")
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD")):
            op.execute(f"CREATE TRIGGER review_finding_signed_no_{event.lower()} BEFORE {event} "
                       "ON review_finding WHEN (SELECT signed_at FROM review "
                       f"WHERE id = {row}.review_id) IS NOT NULL "
                       f"BEGIN SELECT RAISE(ABORT, '{FINDING}'); END")
        return
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SIGNED_CONTENT
                          if c != "dpia_criteria")
    # json has no equality in PostgreSQL: compare its text.
    changed += " OR NEW.dpia_criteria::text IS DISTINCT FROM OLD.dpia_criteria::text"
    op.execute(f"""
        CREATE FUNCTION review_refuse_change_after_signing() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
            IF OLD.signed_at IS NOT NULL AND ({changed}) THEN
                RAISE EXCEPTION '{SIGNED}';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER review_signed_frozen BEFORE UPDATE ON review FOR EACH ROW "
               "EXECUTE FUNCTION review_refuse_change_after_signing()")
    op.execute(f"""
        CREATE FUNCTION review_finding_refuse_change_after_signing() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
            IF (SELECT signed_at FROM review WHERE id =
                CASE WHEN TG_OP = 'INSERT' THEN NEW.review_id ELSE OLD.review_id END)
                IS NOT NULL THEN
                RAISE EXCEPTION '{FINDING}';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER review_finding_signed_frozen BEFORE INSERT OR UPDATE "
               "ON review_finding FOR EACH ROW "
               "EXECUTE FUNCTION review_finding_refuse_change_after_signing()")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS review_signed_no_update")
        op.execute("DROP TRIGGER IF EXISTS review_finding_signed_no_insert")
        op.execute("DROP TRIGGER IF EXISTS review_finding_signed_no_update")
        return
    op.execute("DROP TRIGGER IF EXISTS review_finding_signed_frozen ON review_finding")
    op.execute("DROP FUNCTION IF EXISTS review_finding_refuse_change_after_signing()")
    op.execute("DROP TRIGGER IF EXISTS review_signed_frozen ON review")
    op.execute("DROP FUNCTION IF EXISTS review_refuse_change_after_signing()")
