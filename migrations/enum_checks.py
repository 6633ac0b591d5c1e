"""The value check of an enum column, for the revisions that add or widen one: a CHECK
constraint on PostgreSQL, and on SQLite (where ALTER TABLE cannot add one) a trigger on insert
and on update. Alembic loads revisions by their path, without this folder on sys.path, so a
revision loads this file by its path too (see d2e3f4a5b6c8 and the ones after it).
"""
from alembic import op


def check(table: str, column: str, values: str) -> None:
    name = f"ck_{table}_{column}_valid"
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(op.f(name), table, f"{column} IN ({values})")
        return
    for event in ("INSERT", f"UPDATE OF {column}"):
        op.execute(f"CREATE TRIGGER {name}_{event.split()[0].lower()} BEFORE {event} "
                   f"ON {table} WHEN NEW.{column} NOT IN ({values}) "
                   f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")


def uncheck(table: str, column: str) -> None:
    name = f"ck_{table}_{column}_valid"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {name}_update")
    else:
        op.drop_constraint(op.f(name), table, type_="check")
