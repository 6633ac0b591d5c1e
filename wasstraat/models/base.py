"""The column types and helpers every model uses."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    SmallInteger,
    String,
    event,
    type_coerce,
)
from sqlalchemy.types import SchemaType, TypeDecorator

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)



def new_session_token() -> str:
    return secrets.token_urlsafe(32)



class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value



class StrEnumColumn(TypeDecorator, SchemaType):
    """A state column: stores the enum's value (as it always was), returns the member, refuses
    any other value in Python and, by a CHECK constraint named after the column, in the
    database (Indico's PyIntEnum). ``length`` keeps the column's width as the schema has it."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum] | type[IntEnum], length: int | None = None) -> None:
        self.enum = enum
        TypeDecorator.__init__(self, *([length] if length else []))
        SchemaType.__init__(self)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.enum(value)

    def _set_table(self, column: Any, table: Any) -> None:  # SchemaType: once on its table
        table.append_constraint(CheckConstraint(
            type_coerce(column, self.impl).in_([member.value for member in self.enum]),
            name=f"{column.name}_valid"))

    def copy(self, **kw: Any) -> StrEnumColumn:
        return type(self)(self.enum, getattr(self.impl, "length", None))



class IntEnumColumn(StrEnumColumn):
    """The same for an ``IntEnum`` stored as a small integer (the step numbers)."""

    impl = SmallInteger
    cache_ok = True


def hold_members_on_assignment() -> None:
    """Called once all models are mapped (the package's ``__init__``). A state column holds
    the member from the moment it is set, not only once read back:
    ``state.status = "done"`` (or a constructor's keyword) stores ``StepStatus.DONE``, and a
    value outside the enum is refused there and then."""
    for mapper in db.Model.registry.mappers:
        for prop in mapper.column_attrs:
            column_type = prop.columns[0].type
            if isinstance(column_type, StrEnumColumn):
                event.listen(getattr(mapper.class_, prop.key), "set",
                             _coerce_to(column_type.enum), retval=True)

def _coerce_to(enum: type[StrEnum] | type[IntEnum]) -> Any:
    def coerce(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
        return None if value is None else enum(value)
    return coerce
