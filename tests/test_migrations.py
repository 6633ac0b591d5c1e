"""The schema changes only through migrations: head matches the models, and every migration
goes down and up again."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from wasstraat import ROOT, duties
from wasstraat.extensions import db
from wasstraat.models import (
    FormulaComparison,
    KpiAgreement,
    Membership,
    NotificationSetting,
    OrganisationSettings,
    ProductConfirmation,
    StepState,
    Task,
)
from wasstraat.notification_kinds import Channel
from wasstraat.steps import services as steps
from wasstraat.workflow import FormulaMatch, ProjectCreators, Role, Step, StepStatus, TaskClosure


def _schema_diff() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # The job queue's tables belong to Procrastinate (their own migration).
            "include_name": lambda name, type_, _parents: not (
                type_ == "table" and name.startswith("procrastinate_"))})
        return compare_metadata(context, db.metadata)


def test_there_is_exactly_one_head():
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(app):
    assert _schema_diff() == []


def test_all_migrations_go_down_to_empty_and_up_again(app):
    downgrade(revision="base")
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    assert not _procrastinate_objects_left()
    upgrade()
    assert _schema_diff() == []
    assert "audit_event" in inspect(db.engine).get_table_names()


def test_existing_tasks_are_brought_to_the_rules_that_tasks_follow_the_work(app):
    """A database from before 'tasks follow the work': ticked tasks count as done by hand,
    tasks of finished steps end with them, in a closed project nothing stays open, and every
    workflow task finds its template (the step-9 proposals under their new titles)."""
    downgrade(revision="f3a4b5c6d7e8")
    statements = [
        "INSERT INTO user_account (id, email, name, password_hash, is_admin, active, "
        "session_token, locale, must_change_password, created_at, sso_link_allowed, version) "
        "VALUES (1, 'a@b.nl', 'A', 'x', false, true, 't1', 'nl', false, CURRENT_TIMESTAMP, "
        "false, 1)",
    ]
    for project_id, statuses in ((1, ["done"] * 8 + ["in_progress", "not_started"]),
                                 (2, ["done"] * 10)):
        statements.append(
            "INSERT INTO project (id, name, product, assignment, process_type, created_at, "
            f"version) VALUES ({project_id}, 'P{project_id}', 'x', '', 'primary', "
            "CURRENT_TIMESTAMP, 1)")
        statements += [
            "INSERT INTO step_state (project_id, step, status, notes, skip_reason, version) "
            f"VALUES ({project_id}, {n}, '{status}', '', '', 1)"
            for n, status in enumerate(statuses, start=1)]
    tasks = [  # id, project, step, role, title, origin, done
        (1, 1, 1, "sponsor", "Het traject uitdragen richting directie en bestuur", "workflow", 0),
        (2, 1, 1, "project_leader", "Kick-off organiseren", "workflow", 1),
        (3, 1, 9, "project_leader", "Planning van de implementatie uitwerken", "workflow", 0),
        (4, 1, 1, None, "Bedankmail sturen", "manual", 0),
        (5, 2, 10, None, "Nog iets", "manual", 0),
    ]
    statements += [
        "INSERT INTO task (id, project_id, step, role, title, description, origin, link, "
        f"created_at, done_at, version) VALUES ({i}, {p}, {s}, "
        f"{repr(r) if r else 'NULL'}, '{t}', '', '{o}', '', CURRENT_TIMESTAMP, "
        f"{'CURRENT_TIMESTAMP' if d else 'NULL'}, 1)"
        for i, p, s, r, t, o, d in tasks]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(text(
            "SELECT id, template_key, closed_as, title, done_at FROM task"))}
    assert (rows[1].template_key, rows[1].closed_as) == ("team.advocate", "step")
    assert (rows[2].template_key, rows[2].closed_as) == ("team.kickoff", "hand")
    assert (rows[3].template_key, rows[3].closed_as) == ("implementation.planning", None)
    assert rows[3].title == "Voorstel voor de planning van de implementatie geven"
    assert rows[4].closed_as is None  # a manual task of a closed step stays the leader's
    assert rows[5].closed_as == "step" and rows[5].done_at is not None  # the project closed


def test_stored_text_gets_plain_line_breaks_and_frozen_rows_stay(app):
    """Browsers sent "\\r\\n"; the migration makes it "\\n" where text may still change."""
    downgrade(revision="b6c7d8e9f0a1")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO project (id, name, product, assignment, process_type, created_at, "
            "version) VALUES (1, 'P', 'x', :a, 'primary', CURRENT_TIMESTAMP, 1)"),
            {"a": "Regel een\r\nregel twee\rregel drie"})
    upgrade()
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT assignment FROM project")) == \
            "Regel een\nregel twee\nregel drie"


def _procrastinate_objects_left() -> list[str]:
    """On PostgreSQL, the job queue's functions and types go down with its migration too."""
    if db.engine.dialect.name != "postgresql":
        return []
    with db.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND proname LIKE 'procrastinate%' UNION ALL "
            "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = current_schema() AND typname LIKE 'procrastinate%'")).scalars())


def test_state_columns_keep_their_values_and_the_database_refuses_others(app):
    """From the head before the enum columns, with data: every stored state stays what it
    was (an empty optional one becomes none), the models read members of their enums, and
    the database itself refuses a value outside the enum, on insert and on update."""
    downgrade(revision="c9d0e1f2a3b5")
    statements = [
        "INSERT INTO project (id, name, product, assignment, process_type, created_at, "
        "version) VALUES (1, 'P', 'x', '', 'primary', CURRENT_TIMESTAMP, 1)",
        *["INSERT INTO step_state (project_id, step, status, notes, skip_reason, version) "
          f"VALUES (1, {n}, '{'done' if n < 3 else 'in_progress' if n == 3 else 'not_started'}'"
          ", '', '', 1)" for n in range(1, 11)],
        "INSERT INTO task (id, project_id, step, role, title, description, origin, link, "
        "created_at, closed_as, version) VALUES (1, 1, 2, 'process_owner', 'T', '', "
        "'workflow', '', CURRENT_TIMESTAMP, 'rule', 1), (2, 1, 3, '', 'U', '', 'manual', '', "
        "CURRENT_TIMESTAMP, '', 1)",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT step, status FROM step_state ORDER BY step")).all()[1:4] == [
            (2, "done"), (3, "in_progress"), (4, "not_started")]
        assert connection.execute(text("SELECT id, role, closed_as FROM task ORDER BY id")
                                  ).all() == [(1, "process_owner", "rule"), (2, None, None)]
    third = db.session.scalar(select(StepState).where(StepState.step == 3))
    assert third.step is Step.PROCESS and third.status is StepStatus.IN_PROGRESS
    task = db.session.get(Task, 1)
    assert task.role is Role.PROCESS_OWNER and task.closed_as is TaskClosure.BY_RULE
    db.session.rollback()
    for statement in (
            "UPDATE step_state SET status = 'finished' WHERE step = 1",
            "UPDATE step_state SET step = 11 WHERE step = 10",
            "UPDATE task SET role = 'mayor' WHERE id = 1",
            "INSERT INTO task (project_id, step, role, title, description, origin, link, "
            "created_at, closed_as, version) VALUES (1, 2, NULL, 'V', '', 'manual', '', "
            "CURRENT_TIMESTAMP, 'lapsed', 1)"):
        with pytest.raises(DBAPIError, match="ck_"), db.engine.begin() as connection:
            connection.execute(text(statement))


def test_choice_columns_keep_their_values_and_the_database_refuses_others(app, create_project):
    """From the head before, with data made by the app: the organisation's choices, the
    notification choices, the member roles, the confirming and agreeing roles and a formula
    verdict keep their values and read as members; a notification choice for a kind the app
    does not know is dropped; the database refuses a value outside the enum."""
    team = create_project()
    leader_id, owner_id = team[Role.PROJECT_LEADER].id, team[Role.PROCESS_OWNER].id
    project_id = team.project.id
    db.session.add_all([
        OrganisationSettings(project_creators="admins", owner_appointed_by="leader",
                             registered_specialists_only=True, four_eyes=True),
        NotificationSetting(user_id=owner_id, kind="review", channel="weekly"),
        ProductConfirmation(project_id=project_id, step=1, product_key="assignment",
                            confirmed_by_id=owner_id, confirmed_role="process_owner"),
        KpiAgreement(project_id=project_id, fingerprint="f", kpi_set=[],
                     agreed_by_id=owner_id, agreed_role="process_owner"),
        FormulaComparison(project_id=project_id, p="product", match="partly"),
    ])
    db.session.commit()
    db.session.close()
    downgrade(revision="d1e2f3a4b5c6")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO notification_setting (user_id, kind, channel) "
                                f"VALUES ({leader_id}, 'newsletter', 'daily')"))
    upgrade()

    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT project_creators, owner_appointed_by FROM organisation_settings")
        ).one() == ("admins", "leader")
        assert connection.execute(text(
            "SELECT user_id, kind, channel FROM notification_setting")
        ).all() == [(owner_id, "review", "weekly")]
    assert duties.settings().project_creators is ProjectCreators.ADMINS
    assert db.session.get(NotificationSetting, (owner_id, "review")).channel is Channel.WEEKLY
    member = db.session.scalar(select(Membership).where(Membership.user_id == owner_id))
    assert member.roles == {Role.PROCESS_OWNER}
    assert db.session.scalar(select(ProductConfirmation)).confirmed_role is Role.PROCESS_OWNER
    assert db.session.scalar(select(KpiAgreement)).agreed_role is Role.PROCESS_OWNER
    assert db.session.scalar(select(FormulaComparison)).match is FormulaMatch.PARTLY
    db.session.rollback()
    for statement in (
            "UPDATE organisation_settings SET project_creators = 'nobody'",
            "UPDATE organisation_settings SET owner_appointed_by = 'mayor'",
            f"UPDATE notification_setting SET channel = 'hourly' WHERE user_id = {owner_id}",
            f"INSERT INTO notification_setting VALUES ({leader_id}, 'newsletter', 'daily')",
            "UPDATE membership_role SET role = 'mayor'",
            "UPDATE product_confirmation SET confirmed_role = 'admin'",
            "UPDATE kpi_agreement SET agreed_role = 'admin'",
            "UPDATE formula_comparison SET match = 'maybe'"):
        with pytest.raises(DBAPIError, match="ck_"), db.engine.begin() as connection:
            connection.execute(text(statement))


def test_messages_of_tasks_closed_before_the_upgrade_are_handled(app, create_project):
    team = create_project()
    steps.start_step(team.project, Step.TEAM, team[Role.PROJECT_LEADER])
    db.session.commit()
    db.session.close()
    downgrade(revision="b9c0d1e2f3a5")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE notification SET mail_state = 'digest'"))
        first = connection.execute(text(
            "SELECT min(task_id) FROM notification")).scalar()
        connection.execute(text(f"UPDATE task SET done_at = created_at WHERE id = {first}"))
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT task_id, handled_at IS NOT NULL, mail_state FROM notification "
            "ORDER BY task_id")).all()
    assert rows[0] == (first, True, "none")
    assert len(rows) > 1 and all(row[1:] == (False, "digest") for row in rows[1:])


def test_projects_closed_before_the_borging_count_as_completed(app, create_project):
    running, closed = create_project().project.id, create_project().project.id
    db.session.commit()
    db.session.close()
    downgrade(revision="f4a5b6c7d8e0")
    with db.engine.begin() as connection:
        connection.execute(text(
            "UPDATE step_state SET status = 'done', closed_at = '2026-05-01 10:00:00+00:00' "
            "WHERE project_id = "
            f"{closed}"))
    upgrade()
    with db.engine.connect() as connection:
        completed = dict(connection.execute(text(
            "SELECT id, completed_at IS NOT NULL FROM project")).all())
    assert completed == {running: False, closed: True}


def test_an_unticked_handover_follows_wie_after_the_upgrade_and_a_ticked_one_stays(
        app, create_project):
    project = create_project().project.id
    db.session.commit()
    db.session.close()
    downgrade(revision="b6c7d8e9f0a2")
    with db.engine.begin() as connection:
        for position, handover in ((1, True), (2, False)):
            connection.execute(text(
                "INSERT INTO process_step (project_id, position, activity, actor, system, "
                "handover, wait_days, work_minutes, remarks, variant, wastes, version) VALUES "
                "(:p, :n, 'Stap', 'KCC', '', :h, 0, 0, '', 'current', '[]', 1)"),
                {"p": project, "n": position, "h": handover})
    upgrade()
    with db.engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT position, handover FROM process_step ORDER BY position")).all()
    assert [(n, None if h is None else bool(h)) for n, h in stored] == [(1, True), (2, None)]


def test_migrations_may_run_over_a_direct_connection_of_their_own(make_app, tmp_path):
    """Behind PgBouncer the app's URL is the pooler's; the migrations go to the database
    itself (WASSTRAAT_MIGRATIONS_DATABASE_URL)."""
    direct = tmp_path / "direct.sqlite"
    app = make_app(MIGRATIONS_DATABASE_URL=f"sqlite:///{direct}")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    with sqlite3.connect(direct) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == \
            [(head,)]
