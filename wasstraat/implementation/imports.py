"""The implementation plan's actions from a spreadsheet: who carries out each improvement,
from when to when (step 9, the process owner's planning) and how far it is (step 10).

A row names an improvement of the plan by its title; it is matched, never created. The
planning is judged by the plan's own form (``ItemForm``: a member responsible, the end after
the start) and the status by the action's (``ActionForm``), each only where the person may do
that now: the same policy and edit windows as the screens. The preview lists every row's
problems at its column; the import is all or nothing, through the same services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .. import audit, spreadsheets
from ..access import ProjectAccess
from ..errors import WorkflowError
from ..models import ImplementationItem, User
from ..spreadsheets import Preview, Table
from ..workflow import Action, ActionStatus
from . import services
from .forms import ActionForm, ItemForm

COLUMNS = {"Verbetering": "title", "Verantwoordelijke": "responsible", "Start": "start_on",
           "Einde": "end_on", "Status": "status", "Waardoor geblokkeerd": "blocked_reason"}
PLANNING = ("responsible", "start_on", "end_on")
PROGRESS = ("status", "blocked_reason")
COLUMN_HELP = {
    "Verbetering": _l("Verplicht: de titel van een verbetering in het implementatieplan."),
    "Verantwoordelijke": _l("De naam van een teamlid zoals Wasstraat die kent (stap 9)."),
    "Start": _l("De geplande start, als 2027-01-31 of 31-01-2027 (stap 9)."),
    "Einde": _l("Het geplande einde, niet vóór de start (stap 9)."),
    "Status": _l("Niet gestart, Bezig, Klaar of Geblokkeerd (stap 10)."),
    "Waardoor geblokkeerd": _l("Verplicht bij de status Geblokkeerd."),
}
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


@dataclass
class Row(spreadsheets.Row):
    item: ImplementationItem | None = None
    planning: dict | None = None
    progress: dict | None = None


def preview(access: ProjectAccess, table: Table) -> Preview:
    positions = spreadsheets.columns_in(table.header, COLUMNS, "title")
    items = {i.improvement.title.strip().lower(): i
             for i in services.items_of(access.project)}
    members = spreadsheets.team_by_name(access.project)
    seen: dict[int, int] = {}
    rows = []
    for number, cells in table.rows:
        row = Row(number, {key: cells[i] for key, i in positions.items()})
        _judge(access, row, items, members)
        if row.item is not None:
            if row.item.id in seen:
                row.problems.append(("title", _("Deze verbetering staat ook in rij %(n)d.",
                                                n=seen[row.item.id])))
            seen.setdefault(row.item.id, number)
        rows.append(row)
    spreadsheets.rows_of(rows)
    return Preview(rows)


def apply(access: ProjectAccess, actor: User, checked: Preview, filename: str) -> int:
    """Every row through the services, or none (the caller commits once)."""
    if not checked.ok:
        raise WorkflowError(_("Het bestand heeft nog fouten; er is niets geïmporteerd."))
    for row in checked.rows:
        if row.planning is not None:
            services.update_item(row.item, access.project, actor,
                                 expected_version=row.item.version, values=row.planning)
        if row.progress is not None:
            services.update_action(row.item, access.project, actor,
                                   expected_version=row.item.version, **row.progress)
    audit.record("implementation.import", "project", access.project.id, access.project.id,
                 actor=actor, after={"filename": filename[:200], "count": len(checked.rows)})
    return len(checked.rows)


def _judge(access: ProjectAccess, row: Row, items, members) -> None:
    spreadsheets.refuse_formulas(row)
    written = {key: str(value).strip() for key, value in row.values.items()}
    row.item = items.get(written.get("title", "").lower())
    if row.item is None:
        if not any(column == "title" for column, _reason in row.problems):
            row.problems.append(("title", _("Deze verbetering staat niet in het "
                                            "implementatieplan.")))
        return
    if any(written.get(key) for key in PLANNING):
        row.planning = _planning(access, row, written, members)
    if any(written.get(key) for key in PROGRESS):
        row.progress = _progress(access, row, written)


def _may(access: ProjectAccess, row: Row, action: Action, column: str) -> bool:
    if not access.permits(action, item=row.item):
        row.problems.append((column, _("U mag dit niet wijzigen in dit traject.")))
        return False
    if not access.is_open(action):
        row.problems.append((column, access.refusal(action)))
        return False
    return True


def _planning(access: ProjectAccess, row: Row, written: dict, members) -> dict | None:
    column = next(key for key in PLANNING if written.get(key))
    if not _may(access, row, Action.ORDER_IMPLEMENTATION, column):
        return None
    item = row.item
    responsible = item.responsible_id
    if written.get("responsible"):
        found = members.get(written["responsible"].lower(), [])
        if len(found) != 1:
            row.problems.append(("responsible", _(
                "\u201c%(name)s\u201d is geen teamlid van dit traject. Gebruik de naam zoals "
                "Wasstraat die kent.", name=written["responsible"][:80]) if not found else
                _("Twee teamleden heten \u201c%(name)s\u201d; kies op het scherm.",
                  name=written["responsible"][:80])))
            return None
        responsible = found[0].id
    judged = ItemForm(formdata=MultiDict({
        "adoption": item.adoption.value, "responsible_id": str(responsible or ""),
        "start_on": _iso(written.get("start_on")) or _iso_of(item.start_on),
        "end_on": _iso(written.get("end_on")) or _iso_of(item.end_on),
        "waits_for_id": str(item.waits_for_id or ""),
        "capacity_hours": str(item.capacity_hours if item.capacity_hours is not None else ""),
        "deferred_until": _iso_of(item.deferred_until), "drop_reason": item.drop_reason,
        "version": str(item.version)}), meta={"csrf": False})
    judged.setup_choices(access.project, services.WaitsForChoices([], searchable=False))
    judged.waits_for_id.choices = [(str(item.waits_for_id or ""), "")]
    if not judged.validate():
        spreadsheets.collect(row, judged, {"responsible_id": "responsible"})
        return None
    return judged.values()


def _progress(access: ProjectAccess, row: Row, written: dict) -> dict | None:
    if not _may(access, row, Action.UPDATE_ACTION, "status"):
        return None
    judged = ActionForm(formdata=MultiDict({
        "status": spreadsheets.choice_value(ActionStatus,
                                            written.get("status") or row.item.status.value),
        "blocked_reason": written.get("blocked_reason", ""), "version": str(row.item.version)}),
        meta={"csrf": False})
    if not judged.validate():
        spreadsheets.collect(row, judged, {})
        return None
    if judged.status.data == ActionStatus.BLOCKED and not (judged.blocked_reason.data or
                                                           "").strip():
        row.problems.append(("blocked_reason", _("Geef aan waardoor de actie geblokkeerd "
                                                 "is.")))
        return None
    return {"status": judged.status.data, "blocked_reason": judged.blocked_reason.data or ""}


def _iso(written: str | None) -> str:
    """A date as the form reads it: 2027-01-31 as it is, 31-01-2027 turned round."""
    match = _DUTCH_DATE.match(written or "")
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return written or ""


def _iso_of(value) -> str:
    return value.isoformat() if value else ""


def shown(row: Row) -> list[str]:
    """A valid row in the preview: the improvement, who, when, and its status as it will be."""
    item, planning, progress = row.item, row.planning or {}, row.progress or {}
    who = row.values.get("responsible") or (item.responsible.name if item.responsible else "")
    start, end = planning.get("start_on", item.start_on), planning.get("end_on", item.end_on)
    status = ActionStatus(progress.get("status", item.status))
    return [item.improvement.title, who,
            f"{start or ''} – {end or ''}" if start or end else "", _(status.label)]

