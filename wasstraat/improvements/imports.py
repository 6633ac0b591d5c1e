"""Improvements from a spreadsheet: the sticky notes of a session on paper, typed into Excel.

Each row is judged by the same form classes as the screens (the improvement's form for the
title, description and proposer; the plan's form for horizon, impact, effort and cost), so
the lengths, characters and choices are those of the forms. A name is matched to a member of
the team or refused, never created. The preview lists every row with its problems at the row
and the column; the import is all or nothing, and judges the file again when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .. import audit, spreadsheets
from ..errors import WorkflowError
from ..models import Project, User
from ..plans.forms import PlanFieldsForm
from ..spreadsheets import Preview, Table
from ..windows import is_open, refusal, require_open
from ..workflow import SCORE_SCALE, Action, Decision, Horizon, Step
from . import services
from .forms import NewImprovementForm
from .sources import resolve

# The columns, as the template names them: the field each fills, and whether it must be there.
COLUMNS = {"Titel": "title", "Beschrijving": "description", "Bron (stap)": "source",
           "Ingediend door": "proposer", "Horizon": "horizon", "Impact": "impact",
           "Inspanning": "effort", "Kosten": "cost_estimate"}
PLAN_COLUMNS = ("horizon", "impact", "effort", "cost_estimate")
COLUMN_HELP = {
    "Titel": _l("Verplicht, ten hoogste 200 tekens."),
    "Beschrijving": _l("Ten hoogste 5000 tekens."),
    "Bron (stap)": _l("Het nummer van de stap waarin het idee ontstond (1 tot 10); leeg: "
                      "de huidige stap."),
    "Ingediend door": _l("De naam van een teamlid zoals Wasstraat die kent; leeg: u."),
    "Horizon": _l("Quick win of Lange termijn; tot het verbeterplan definitief is."),
    "Impact": _l("1 (heel klein) tot 5 (heel groot)."),
    "Inspanning": _l("1 (heel klein) tot 5 (heel groot)."),
    "Kosten": _l("Globale eenmalige kosten in hele euro's."),
}


@dataclass
class Row(spreadsheets.Row):
    fields: dict = field(default_factory=dict)  # what is stored, once valid


def preview(project: Project, actor: User, table: Table) -> Preview:
    """Every row judged; the header's problems refuse the file."""
    positions = spreadsheets.columns_in(table.header, COLUMNS, "title")
    members = spreadsheets.team_by_name(project)
    existing = {i.title.strip().lower() for i in services.improvements_of(project)}
    seen: dict[str, int] = {}
    rows = []
    for number, cells in table.rows:
        row = Row(number, {key: cells[i] for key, i in positions.items()})
        _judge(project, actor, row, members)
        title = row.values.get("title", "").strip().lower()
        if title in existing:
            row.problems.append(("title", _("Deze titel staat al in dit traject.")))
        elif title in seen:
            row.problems.append(("title", _("Deze titel staat ook in rij %(n)d.",
                                            n=seen[title])))
        seen.setdefault(title, number)
        rows.append(row)
    spreadsheets.rows_of(rows)
    return Preview(rows)


def apply(project: Project, actor: User, checked: Preview, filename: str) -> int:
    """All rows, or none: the caller commits once, after every row was added."""
    if not checked.ok:
        raise WorkflowError(_("Het bestand heeft nog fouten; er is niets geïmporteerd."))
    require_open(project, Action.ADD_IMPROVEMENT)
    for row in checked.rows:
        improvement = services.add_improvement(project, actor, row.fields["source"],
                                               **row.fields["improvement"])
        if row.fields["plan"]:
            audit.apply_changes(improvement, row.fields["plan"], action="improvement.plan",
                                object_type="improvement", project_id=project.id,
                                actor=actor)
    audit.record("improvement.import", "project", project.id, project.id, actor=actor,
                 after={"filename": filename[:200], "count": len(checked.rows)})
    return len(checked.rows)


def _judge(project: Project, actor: User, row: Row, members) -> None:
    spreadsheets.refuse_formulas(row)
    source = _source(project, row)
    proposer = _proposer(actor, row, members) or actor  # an unknown name is reported once
    captured = NewImprovementForm(formdata=MultiDict({
        "title": row.values.get("title", ""), "description": row.values.get("description", ""),
        "proposer_id": str(proposer.id)}), meta={"csrf": False})
    captured.setup_choices(project)
    if not captured.validate():
        spreadsheets.collect(row, captured, {"proposer_id": "proposer"})
    plan = _plan_fields(project, row)
    if row.problems:
        return
    row.fields = {"source": source, "plan": plan, "improvement": {
        "title": captured.title.data, "description": captured.description.data or "",
        "proposer_id": captured.proposer_id.data}}


def _source(project: Project, row: Row):
    written = row.values.get("source", "").strip().lower().removeprefix("stap").strip()
    if not written:
        return resolve(project, "step", int(project.current_step or Step.EXECUTION))
    if not written.isdigit() or int(written) not in set(Step):
        row.problems.append(("source", _("Vul het nummer van een stap in, 1 tot 10.")))
        return None
    return resolve(project, "step", int(written))


def _proposer(actor: User, row: Row, members) -> User | None:
    written = row.values.get("proposer", "").strip()
    if not written:
        return actor
    found = members.get(written.lower(), [])
    if len(found) != 1:
        row.problems.append(("proposer", _(
            "\u201c%(name)s\u201d is geen teamlid van dit traject. Gebruik de naam zoals "
            "Wasstraat die kent, of laat het vak leeg.", name=written[:80]) if not found else
            _("Twee teamleden heten \u201c%(name)s\u201d; vul dit in op het scherm.",
              name=written[:80])))
        return None
    return found[0]


def _plan_fields(project: Project, row: Row) -> dict:
    given = {key: row.values.get(key, "").strip() for key in PLAN_COLUMNS}
    if not any(given.values()):
        return {}
    if not is_open(project, Action.EDIT_PLAN):
        row.problems.append((next(k for k in PLAN_COLUMNS if given[k]),
                             refusal(Action.EDIT_PLAN)))
        return {}
    judged = PlanFieldsForm(formdata=MultiDict({
        "horizon": spreadsheets.choice_value(Horizon, given["horizon"]),
        "impact": _score(given["impact"]), "effort": _score(given["effort"]),
        "cost_estimate": given["cost_estimate"],
        "decision": Decision.OPEN.value, "version": "1"}), meta={"csrf": False})
    judged.setup_choices([])
    if not judged.validate():
        spreadsheets.collect(row, judged, {})
        return {}
    values = judged.values()
    return {key: values[key] for key in PLAN_COLUMNS if values[key] not in (None, "")}


def _score(written: str) -> str:
    """A score as its number, or as the scale's word ("groot")."""
    for number, word in SCORE_SCALE.items():
        if written.lower() in (word, _(word).lower()):
            return str(number)
    return written


def shown(row: Row) -> list[str]:
    """A valid row in the preview: its title, the step it came from, who proposed it."""
    return [row.fields["improvement"]["title"],
            _("Stap %(number)d", number=row.fields["source"].source_id),
            row.values.get("proposer") or _("u")]

