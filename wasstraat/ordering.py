"""Rows kept in a user-chosen order within a project (process steps, journey phases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .extensions import db


def next_position(model: Any, project_id: int) -> int:
    """The position after the last row of this project."""
    last = db.session.scalar(select(func.max(model.position)).where(model.project_id == project_id))
    return (last or 0) + 1


def renumber(rows: list[Any]) -> None:
    """Positions 1, 2, 3 … in the order given."""
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
    db.session.flush()
