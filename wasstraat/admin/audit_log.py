"""The audit trail as administrators read it: filtered, a page at a time, or as a CSV file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..audit import AUDIT_LABELS, RESULT_LABELS, timestamp
from ..extensions import db
from ..models import AuditEvent, Project

PAGE_SIZE = 50
RESULTS = tuple(RESULT_LABELS)
CSV_HEADER = ["id", "tijdstip_utc", "actor_id", "actor", "actie", "omschrijving", "object_type",
              "object_id", "project_id", "resultaat", "adres", "request_id", "voor", "na",
              "prev_hash", "hash"]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Criteria:
    action: str | None = None
    actor_id: int | None = None
    project_id: int | None = None
    result: str | None = None
    since: date | None = None
    until: date | None = None

    def as_record(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(self).items() if v is not None}


def _query(criteria: Criteria) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.actor_id:
        query = query.where(AuditEvent.actor_id == criteria.actor_id)
    if criteria.project_id:
        query = query.where(AuditEvent.project_id == criteria.project_id)
    if criteria.result:
        query = query.where(AuditEvent.result == criteria.result)
    if criteria.since:
        query = query.where(AuditEvent.at >= datetime.combine(criteria.since, time(), UTC))
    if criteria.until:
        end = datetime.combine(criteria.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.at < end)
    return query


def page(criteria: Criteria, number: int) -> tuple[list[AuditEvent], bool]:
    """The newest events first; whether there is a page after this one."""
    rows = db.session.scalars(
        _query(criteria).options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc()).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def projects_of(rows: list[AuditEvent]) -> dict[int, Project]:
    """The projects the page's events speak of, in one query; a project since erased is not
    among them (its events keep its number)."""
    ids = {row.project_id for row in rows if row.project_id}
    return {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))}


def known_actions() -> list[str]:
    return sorted(AUDIT_LABELS)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_chunks(criteria: Criteria, batch: int = 500) -> Iterator[str]:
    """The filtered trail, oldest first, as CSV for a Dutch spreadsheet (semicolons, a BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    rows = db.session.scalars(_query(criteria).options(joinedload(AuditEvent.actor))
                              .order_by(AuditEvent.id).execution_options(yield_per=batch))
    for count, event in enumerate(rows, start=1):
        writer.writerow([safe_cell(v) for v in (
            event.id, timestamp(event), event.actor_id, event.actor.name if event.actor else "",
            event.action, AUDIT_LABELS.get(event.action, ""), event.object_type, event.object_id,
            event.project_id, event.result, event.ip, event.request_id,
            _json(event.before), _json(event.after), event.prev_hash, event.hash)])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
