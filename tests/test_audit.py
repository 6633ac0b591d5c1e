"""The audit trail: every change recorded with who, when, what, before and after; and it cannot
be changed afterwards, neither through the app nor in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from wasstraat import audit
from wasstraat.extensions import db
from wasstraat.models import AppendOnlyError, AuditEvent
from wasstraat.workflow import Role


def events(project_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.project_id == project_id).order_by(AuditEvent.id)))


def test_each_change_to_project_team_steps_and_tasks_is_recorded(create_project, login_as,
                                                                 create_user):
    team = create_project(roles=[Role.PROJECT_LEADER, Role.SPONSOR])
    leader_user = team[Role.PROJECT_LEADER]
    leader = login_as(leader_user)
    pid = team.project.id
    newcomer = create_user("Kees van Dijk")
    leader.post(f"/projects/{pid}/team", data={"rows-0-person": newcomer.email,
                                               "rows-0-role": "team_manager"})
    leader.post(f"/projects/{pid}/edit", data={"name": "Nieuwe naam", "product": "Parkeervergunning",
                                               "process_type": "primary", "assignment": "",
                                               "version": team.project.version})
    leader.post(f"/projects/{pid}/steps/1/start")
    leader.post(f"/projects/{pid}/steps/1/notes", data={"notes": "Kick-off op maandag",
                                                        "version": 2})
    actions = [e.action for e in events(pid)]
    for expected in ("project.create", "team.add", "project.update", "step.start",
                     "tasks.generate", "step.notes"):
        assert expected in actions, expected

    update = next(e for e in events(pid) if e.action == "project.update")
    assert update.actor_id == leader_user.id
    assert update.before == {"name": "Aanvraag parkeervergunning",
                             "assignment": "Sneller en duidelijker."}
    assert update.after == {"name": "Nieuwe naam", "assignment": ""}
    assert update.at.tzinfo is not None
    assert update.request_id and update.ip == "127.0.0.1"


def test_the_history_page_shows_the_trail_to_members(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/steps/1/start")
    page = login_as(team[Role.SPONSOR]).get(f"/projects/{team.project.id}/history")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stap gestart" in body and "Traject aangemaakt" in body
    assert team[Role.PROJECT_LEADER].name in body


def test_a_refused_action_is_recorded_as_denied(create_project, login_as):
    team = create_project()
    login_as(team[Role.SPONSOR]).post(f"/projects/{team.project.id}/steps/1/start")
    denied = db.session.scalars(db.select(AuditEvent).where(AuditEvent.result == "denied")).one()
    assert denied.actor_id == team[Role.SPONSOR].id and denied.project_id == team.project.id
    assert denied.after == {"method": "POST", "path": f"/projects/{team.project.id}/steps/1/start"}


def test_the_app_refuses_to_change_or_delete_audit_rows(create_project):
    team = create_project()
    event = events(team.project.id)[0]
    event.action = "something.else"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events(team.project.id)[0])
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'x'",
    "DELETE FROM audit_event",
])
def test_the_database_refuses_to_change_or_delete_audit_rows(create_project, statement):
    team = create_project()
    before = len(events(team.project.id))
    # SQLite: a trigger. PostgreSQL: the app's role lacks the privilege (and a trigger behind it).
    with pytest.raises(DBAPIError, match="append-only|permission denied for table audit_event"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert len(events(team.project.id)) == before
    assert all(e.action != "x" for e in events(team.project.id))


def test_the_audit_trail_holds_no_passwords(client, create_user):
    from conftest import PASSWORD

    user = create_user()
    client.post("/login", data={"email": user.email, "password": "verkeerd wachtwoord 123"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/account/password", data={"current_password": PASSWORD,
                                           "new_password": "nieuw lang wachtwoord 2026",
                                           "confirm_password": "nieuw lang wachtwoord 2026"})
    rows = db.session.scalars(db.select(AuditEvent)).all()
    dump = " ".join(str((e.before, e.after)) for e in rows)
    for secret in (PASSWORD, "verkeerd wachtwoord 123", "nieuw lang wachtwoord 2026"):
        assert secret not in dump
    # What was typed into a failed login (maybe a password in the wrong field) is not kept.
    failed = next(e for e in rows if e.action == "auth.login_failed")
    assert failed.before is None and failed.after is None


@pytest.mark.postgres_only
def test_on_postgresql_the_apps_role_may_only_add_and_read_audit_rows(app):
    allowed = {privilege: db.session.scalar(text(
        "SELECT has_table_privilege(current_user, 'audit_event', :privilege)"),
        {"privilege": privilege}) for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE",
                                                     "TRUNCATE")}
    assert allowed == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False,
                       "TRUNCATE": False}


def test_each_row_is_chained_to_the_one_before(create_project):
    team = create_project()
    rows = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(rows) > 3
    assert rows[0].prev_hash == audit.GENESIS
    for before, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == before.hash
        assert row.hash == audit.link_hash(before.hash, row) and len(row.hash) == 64
    assert list(audit.verify()) == []
    assert team.project.id


def _as_an_intruder_with_database_access(statement: str) -> None:
    """Switch off the guards inside this transaction (rolled back by the test) and run it."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        db.session.execute(text("GRANT UPDATE, DELETE ON audit_event TO CURRENT_USER"))
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    db.session.execute(text(statement))


CHANGED = "content changed, or not linked with the key"


@pytest.mark.parametrize(("statement", "reason"), [
    ("UPDATE audit_event SET after = NULL WHERE id = {target}", CHANGED),
    ("UPDATE audit_event SET actor_id = NULL WHERE id = {target}", CHANGED),
    ("DELETE FROM audit_event WHERE id = {target}", "previous row missing or changed"),
])
def test_verify_finds_a_row_edited_or_removed_in_the_database(create_project, runner,
                                                               statement, reason):
    create_project()
    ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    target = ids[len(ids) // 2]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    try:
        _as_an_intruder_with_database_access(statement.format(target=target))
        db.session.expire_all()
        found = list(audit.verify())
        result = runner.invoke(args=["audit", "verify"])
    finally:
        db.session.rollback()
    broken_at = target if reason == CHANGED else ids[ids.index(target) + 1]
    assert found[0] == audit.Break(broken_at, reason)
    assert result.exit_code == 1 and f"Row {broken_at}: {reason}" in result.output


def test_verify_reports_an_intact_trail(create_project, runner):
    create_project()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "chain unbroken" in result.output


def test_a_typed_line_break_cannot_forge_a_log_line(app, client, caplog):
    """Checklist L-3: what a visitor types reaches the log escaped, one line per event."""
    def broken(rest: str):
        raise RuntimeError("a bug")

    app.add_url_rule("/kapot/<rest>", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the error page, as in production
    with caplog.at_level("ERROR", logger="wasstraat.errors"):
        response = client.get("/kapot/x%0D%0AINFO%20admin%20logged%20in")
    assert response.status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == "wasstraat.errors"]
    assert messages and all("\n" not in m and "\r" not in m for m in messages)
    assert "\\r\\nINFO admin logged in" in messages[0]


def _recompute_from(target: int, *, strip_keys: bool = False) -> None:
    """What an intruder without the key can do: change a row, then make every later link
    whole again with plain SHA-256 (under the row's key id, or pretending no key was used)."""
    import hashlib

    rows = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    prev = next((r.hash for r in rows if r.id < target and r.id == target - 1), audit.GENESIS)
    for row in (r for r in rows if r.id >= target):
        key_id = None if strip_keys else row.key_id
        probe = AuditEvent(at=row.at, actor_id=row.actor_id, action=row.action,
                           object_type=row.object_type, object_id=row.object_id,
                           project_id=row.project_id, result=row.result, before=row.before,
                           after=row.after, ip=row.ip, request_id=row.request_id, key_id=key_id)
        digest = hashlib.sha256(prev.encode() + audit.canonical(probe)).hexdigest()
        db.session.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h, key_id = :k "
                                "WHERE id = :i"), {"p": prev, "h": digest, "k": key_id,
                                                   "i": row.id})
        prev = digest


@pytest.mark.parametrize("strip_keys", [False, True])
def test_a_chain_recomputed_without_the_key_does_not_pass(create_project, strip_keys):
    create_project()
    ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    target = ids[len(ids) // 2]
    try:
        _as_an_intruder_with_database_access(
            f"UPDATE audit_event SET after = NULL WHERE id = {target}")
        _recompute_from(target, strip_keys=strip_keys)
        db.session.expire_all()
        found = list(audit.verify())
    finally:
        db.session.rollback()
    assert found and found[0].event_id == target


def test_a_forged_row_appended_at_the_end_does_not_pass(create_project):
    import hashlib

    create_project()
    last = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    forged = AuditEvent(at=last.at, actor_id=None, action="plan.approve", object_type="plan",
                        object_id=1, project_id=last.project_id, result="success",
                        before=None, after={"number": 1}, ip="", request_id="", key_id="test1")
    digest = hashlib.sha256(last.hash.encode() + audit.canonical(forged)).hexdigest()
    try:
        db.session.execute(text(
            "INSERT INTO audit_event (at, actor_id, action, object_type, object_id, project_id, "
            "result, before, after, ip, request_id, prev_hash, hash, key_id) VALUES (:at, NULL, "
            "'plan.approve', 'plan', 1, :p, 'success', NULL, '{\"number\": 1}', '', '', :prev, "
            ":h, 'test1')"), {"at": last.at, "p": last.project_id, "prev": last.hash,
                              "h": digest})
        found = list(audit.verify())
    finally:
        db.session.rollback()
    assert [b.reason for b in found] == [CHANGED]


def test_checkpoints_outside_the_database_catch_a_trail_cut_short(create_project, runner,
                                                                   app, tmp_path):
    checkpoints = tmp_path / "checkpoints.jsonl"
    app.config["AUDIT_CHECKPOINTS"] = str(checkpoints)
    create_project()
    lines = checkpoints.read_text().splitlines()
    assert lines, "every commit that added audit rows leaves a checkpoint"
    head = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert f'"id":{head.id},"hash":"{head.hash}"' in lines[-1]
    args = ["audit", "verify", "--checkpoints", str(checkpoints)]
    assert runner.invoke(args=args).exit_code == 0
    try:  # the newest rows removed: what is left is a perfect chain, but shorter
        _as_an_intruder_with_database_access(f"DELETE FROM audit_event WHERE id = {head.id}")
        db.session.expire_all()
        cut = list(audit.verify(checkpoints=lines))
        result = runner.invoke(args=args)
    finally:
        db.session.rollback()
    assert cut == [audit.Break(head.id, "checkpoint: this row is missing or no longer the same")]
    assert result.exit_code == 1


def test_a_row_names_the_key_it_was_linked_with_and_old_keys_still_verify(create_project, app):
    create_project()
    assert {r.key_id for r in db.session.scalars(db.select(AuditEvent))} == {"test1"}
    # A rotated key: new rows use the new one, the old one stays listed for the old rows.
    app.config["AUDIT_KEYS"] = [("test2", b"a-second-audit-key-that-is-long-enough-xyz"),
                                *app.config["AUDIT_KEYS"]]
    create_project("Tweede traject")
    assert {r.key_id for r in db.session.scalars(db.select(AuditEvent))} == {"test1", "test2"}
    assert list(audit.verify()) == []
    app.config["AUDIT_KEYS"] = app.config["AUDIT_KEYS"][:1]  # the old key lost
    assert any("not configured" in b.reason for b in list(audit.verify()))


@pytest.mark.postgres_only
def test_the_runtime_role_cannot_change_the_trail_or_its_guard(app, runner, monkeypatch):
    """The attack: with one role for migrations and running, the app's role could grant
    itself UPDATE again and drop the trigger. With `flask runtime-role` the app runs as a role
    that owns nothing."""
    import os

    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    name = f"wasstraat_rt_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    monkeypatch.setenv("WASSTRAAT_RUNTIME_PASSWORD", "runtime-password-for-the-test")
    db.session.commit()
    result = runner.invoke(args=["runtime-role", name])
    assert result.exit_code == 0, result.output
    url = db.engine.url.set(username=name, password="runtime-password-for-the-test")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM audit_event")) >= 0
            assert connection.scalar(text("SELECT count(*) FROM project")) >= 0
        for attack in ("UPDATE audit_event SET ip = 'x'", "DELETE FROM audit_event",
                       "TRUNCATE audit_event",
                       "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                       "DROP TRIGGER audit_event_append_only ON audit_event",
                       "ALTER TABLE audit_event ADD COLUMN x int"):
            with pytest.raises(DBAPIError), engine.begin() as connection:
                connection.execute(text(attack))
        with engine.begin() as connection:  # granting itself more is silently nothing
            connection.execute(text("GRANT UPDATE ON audit_event TO CURRENT_USER"))
            assert connection.scalar(text(
                "SELECT has_table_privilege(current_user, 'audit_event', 'UPDATE')")) is False
    finally:
        engine.dispose()
        with db.engine.begin() as connection:  # as the owner: take the grants back
            for statement in (
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} REVOKE ALL ON TABLES FROM {r}",
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA {s} REVOKE ALL ON SEQUENCES FROM {r}",
                    "REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
                    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
                    "REVOKE ALL ON SCHEMA {s} FROM {r}", "DROP ROLE {r}"):
                schema = connection.scalar(text("SELECT current_schema()"))
                connection.execute(text(statement.format(s=schema, r=name)))
