"""The schema changes only through migrations: head matches the models, and every migration
goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from wasstraat import ROOT
from wasstraat.extensions import db


def _schema_diff() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
    upgrade()
    assert _schema_diff() == []
    assert "audit_event" in inspect(db.engine).get_table_names()
