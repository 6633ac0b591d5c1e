"""The project history as people read it: in Dutch, in the Netherlands' time, grouped per day,
with the fields and values as the screens show them (not ``done False -> True``).

The audit trail keeps the raw facts (keys, ids, UTC); this module only translates them for
reading. People are named as they are now (a pseudonym after erasure), never as an event copied
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import (
    format_date,
    format_decimal,
    format_time,
    gettext,
    ngettext,
    to_user_timezone,
)
from sqlalchemy import select

from .audit import AUDIT_LABELS
from .duties import role_name
from .extensions import db
from .models import AuditEvent, User
from .sessions.services import SESSION_KINDS
from .titles import step_title
from .workflow import (
    PROCESS_TYPES,
    REVIEW_DOMAIN_BY_KEY,
    ActionStatus,
    Adoption,
    BoardOutcome,
    Decision,
    Direction,
    EndReason,
    GateApprover,
    GateVerdict,
    Horizon,
    PlanDecider,
    PlanKind,
    ResponseKind,
    RiskLevel,
    Role,
    Step,
    StepStatus,
    TaskClosure,
    Verdict,
)

PAGE_SIZE = 50
N_ = str  # marks labels for extraction; they are translated when shown

# The screens' names for the fields the trail records.
FIELD_LABELS: dict[str, str] = {
    "name": N_("Naam"), "product": N_("Product of dienst"), "assignment": N_("Opdracht"),
    "process_type": N_("Soort proces"), "organisation_unit": N_("Afdeling of team"),
    "revisit_on": N_("Proces herzien vóór"),
    "status": N_("Status"), "reason": N_("Reden"), "end_reason": N_("Reden"),
    "notes": N_("Aantekeningen"), "roles": N_("Rollen"), "role": N_("Rol"),
    "user_id": N_("Persoon"), "assignee_id": N_("Toegewezen aan"), "owner_id": N_("Wie"),
    "responsible_id": N_("Verantwoordelijke"), "step": N_("Stap"), "title": N_("Titel"),
    "description": N_("Omschrijving"), "due_date": N_("Deadline"), "done": N_("Afgerond"),
    "count": N_("Aantal"), "product_key": N_("Product"),
    "variant": N_("Hoe"), "note": N_("Toelichting"), "unit": N_("Eenheid"),
    "definition": N_("Definitie"), "direction": N_("Richting"),
    "baseline_value": N_("Nulmeting: waarde"), "baseline_date": N_("Nulmeting: datum"),
    "baseline_source": N_("Nulmeting: bron"), "target_value": N_("Streefwaarde"),
    "target_date": N_("Streefdatum"), "activity": N_("Activiteit"), "actor": N_("Wie doet het"),
    "wait_days": N_("Wachttijd (werkdagen)"), "work_minutes": N_("Werktijd (minuten)"),
    "deviation": N_("Afwijking"), "names": N_("Koppeling van de activiteiten"),
    "filter": N_("Filter"), "attributes": N_("Kenmerken om op te filteren"),
    "optional": N_("Mag ontbreken"), "may_repeat": N_("Mag vaker voorkomen"),
    "parallel": N_("Mag tegelijk met de vorige"),
    "decision": N_("Besluit"), "decision_reason": N_("Reden van het besluit"),
    "horizon": N_("Horizon"), "impact": N_("Impact"), "effort": N_("Inspanning"),
    "cost_estimate": N_("Kosten"), "recurring_cost": N_("Structurele kosten"),
    "verdict": N_("Oordeel"), "motivation": N_("Motivering"),
    "conditions": N_("Voorwaarden"), "domain": N_("Toetsdomein"), "domains": N_("Toetsdomeinen"),
    "number": N_("Versie"), "plan_version": N_("Versie"), "final": N_("Definitief"),
    "adoption": N_("Besluit"), "start_on": N_("Geplande start"), "end_on": N_("Gepland einde"),
    "planned_on": N_("Datum van de evaluatie"), "lessons": N_("Geleerde lessen"),
    "value": N_("Waarde"), "measured_on": N_("Gemeten op"), "text": N_("Tekst"),
    "source": N_("Bron"), "experience": N_("Beleving"), "match": N_("Overeenkomst"),
    "held_on": N_("Datum"), "kind": N_("Soort"), "improvements": N_("Verbeteringen"),
    "added": N_("Toegevoegd"), "blocked_reason": N_("Geblokkeerd door"),
    "document": N_("Document"), "correction": N_("Correctie"), "confirmed": N_("Klopt"),
    "filename": N_("Bestand"), "dpia_required": N_("DPIA nodig"),
    "service_formula_id": N_("Serviceformule"), "remark": N_("Opmerking"),
    "condition": N_("Voorwaarde"), "explanation": N_("Toelichting"),
    # The next cycle, the borging and the benefits.
    "follows_id": N_("Vervolg op traject"), "followed_by_id": N_("Gevolgd door traject"),
    "team": N_("Teamleden"), "kpis": N_("KPI's"), "process_steps": N_("Processtappen"),
    "kpi": N_("KPI"), "months": N_("Maanden na afsluiten"), "moments": N_("Nametingen"),
    "due_on": N_("Datum van de nameting"), "end_note": N_("Reden in eigen woorden"),
    "completed_at": N_("Afgerond op"), "unmeasured_reason": N_("Reden zonder nameting"),
    "remeasure_months": N_("Nametingen na afsluiten (maanden)"),
    "expected": N_("Verwacht per jaar"), "forecast": N_("Prognose per jaar"),
    "forecast_on": N_("Datum van de prognose"), "actual": N_("Gerealiseerd per jaar"),
    "actual_on": N_("Datum van de realisatie"), "improvement": N_("Verbetering"),
    "cost_unknown": N_("Kosten onbekend"),
    "recurring_cost_unknown": N_("Structurele kosten onbekend"),
    # The gate and the step planning.
    "gate": N_("Go of no-go"), "planned_end": N_("Gepland klaar"),
    "gated_steps": N_("Stappen met een go/no-go"), "gate_approver": N_("Wie geeft de go"),
    # Who decides on the plans, and what a board decided.
    "plan_decider": N_("Wie besluit over de plannen"), "portfolio_holder": N_("Portefeuillehouder"),
    "glossary": N_("Eigen afkortingen en begrippen"), "role_names": N_("Namen van de rollen"),
    "plan": N_("Plan"), "board": N_("Bestuur"), "decided_on": N_("Datum van het besluit"),
    "outcome": N_("Uitkomst"), "reference": N_("Kenmerk van het besluit"),
    "woo_public": N_("Openbaar (Woo)"), "woo_reason": N_("Waarom niet openbaar"),
    "funding": N_("Dekking van de kosten"),
    # The risk register and the capacity of an action.
    "likelihood": N_("Kans"), "measure": N_("Maatregel"),
    "capacity_hours": N_("Capaciteit (uren)"),
    # Comments.
    "body": N_("Reactie"), "mentioned": N_("Genoemd"),
}

# Keys that say how something is stored, not what changed: left out of the reading.
TECHNICAL = {"version", "id", "position", "fingerprint", "request_id", "source_id",
             "source_type", "improvement_id", "kpi_id", "review_id", "item_id", "subject",
             "subject_id"}
_MONEY = {"cost_estimate", "recurring_cost"}

_ENUMS: dict[str, Callable[[str], Any]] = {
    "status": lambda v: (StepStatus(v) if v in StepStatus._value2member_map_
                         else ActionStatus(v)),
    "decision": Decision, "horizon": Horizon, "verdict": Verdict, "adoption": Adoption,
    "direction": Direction, "closed_as": TaskClosure, "end_reason": EndReason,
    "gate": GateVerdict, "gate_approver": GateApprover,
    "plan_decider": PlanDecider, "board": PlanDecider, "plan": PlanKind, "outcome": BoardOutcome,
    # A risk's likelihood and impact (an improvement's impact is a score, shown as it is).
    "likelihood": RiskLevel, "impact": RiskLevel,
}
_PEOPLE_KEYS = {"user_id", "assignee_id", "owner_id", "responsible_id"}
_PRODUCTS = {p.key: p for step in Step for p in step.definition.products}
_VARIANTS = {v.key: v.label for p in _PRODUCTS.values() for v in p.variants}
# "kind" is a session's kind or how step 8 answered a finding.
KINDS = {**SESSION_KINDS, **{k.value: k.label for k in ResponseKind}}


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was not there before (a creation)
    after: str | None


@dataclass(frozen=True)
class Entry:
    at: datetime  # UTC, as recorded
    time: str  # local, for reading
    who: str
    what: str
    changes: list[Change]


@dataclass(frozen=True)
class Day:
    label: str
    entries: list[Entry]


def _label(key: str) -> str:
    return gettext(FIELD_LABELS[key]) if key in FIELD_LABELS else key.replace("_", " ")


def _person(value: Any, names: dict[int, str]) -> str | None:
    return names.get(value, gettext("iemand (#%(id)d)", id=value)) \
        if isinstance(value, int) else None


def _roles(value: Any, _names: dict[int, str]) -> str | None:
    if not isinstance(value, list):
        return None
    return ", ".join(role_name(Role(r)) for r in value if r in Role._value2member_map_)


def _domains(value: Any, _names: dict[int, str]) -> str:
    keys = value if isinstance(value, list) else [value]
    return ", ".join(gettext(REVIEW_DOMAIN_BY_KEY[k].label) if k in REVIEW_DOMAIN_BY_KEY
                     else str(k) for k in keys)


def _money(value: Any, _names: dict[int, str]) -> str | None:
    return "€ " + format_decimal(value, format="#,##0") if isinstance(value, int | float) \
        else None


def _step(value: Any, _names: dict[int, str]) -> str | None:
    return step_title(value) \
        if isinstance(value, int) and value in Step._value2member_map_ else None


def _looked_up(table: dict[str, str]) -> Callable[[Any, dict[int, str]], str | None]:
    """A stored key shown by its label in ``table`` (untranslated labels, N_)."""
    return lambda value, _names: gettext(table[value]) if value in table else None


def _enum(enum: Callable[[str], Any]) -> Callable[[Any, dict[int, str]], str | None]:
    def label(value: Any, _names: dict[int, str]) -> str | None:
        if not isinstance(value, str):
            return None
        try:
            return gettext(enum(value).label)
        except ValueError:
            return value
    return label


# How a stored value reads, by the key it was stored under; a formatter that returns None
# leaves the value to the plain reading (_plain).
_FORMATTERS: dict[str, Callable[[Any, dict[int, str]], str | None]] = {
    **{key: _person for key in _PEOPLE_KEYS},
    "roles": _roles,
    "mentioned": lambda value, names: ", ".join(
        filter(None, (_person(v, names) for v in value))) if isinstance(value, list) else None,
    "role": lambda value, _names: (role_name(Role(value))
                                   if value in Role._value2member_map_ else None),
    "step": _step,
    **{key: _money for key in _MONEY},
    "kind": _looked_up(KINDS),
    "product": _looked_up({key: product.title for key, product in _PRODUCTS.items()}),
    "product_key": _looked_up({key: product.title for key, product in _PRODUCTS.items()}),
    "variant": _looked_up(_VARIANTS),
    "process_type": _looked_up(PROCESS_TYPES),
    "domain": _domains,
    "domains": _domains,
    **{key: _enum(enum) for key, enum in _ENUMS.items()},
}


def _plain(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value), "long")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _value(key: str, value: Any, names: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    formatter = _FORMATTERS.get(key)
    shown = formatter(value, names) if formatter is not None else None
    return shown if shown is not None else _plain(value)


def _changes(event: AuditEvent, names: dict[int, str]) -> list[Change]:
    if event.action == "tasks.sync":
        return _task_sync(event.after or {})
    before, after = event.before or {}, event.after or {}
    keys = [k for k in dict.fromkeys([*after, *before]) if k not in TECHNICAL]
    return [Change(_label(k),
                   _value(k, before[k], names) if k in before else None,
                   _value(k, after[k], names) if k in after else None)
            for k in keys if before.get(k) != after.get(k) or k not in before]


def _task_sync(counts: dict[str, int]) -> list[Change]:
    texts = {
        "done": lambda n: ngettext("%(num)d taak afgerond", "%(num)d taken afgerond", n),
        "reopened": lambda n: ngettext("%(num)d taak weer open", "%(num)d taken weer open", n),
        "ended": lambda n: ngettext("%(num)d taak vervallen met de stap",
                                     "%(num)d taken vervallen met de stap", n),
        "assigned": lambda n: ngettext("%(num)d taak naar een ander teamlid",
                                        "%(num)d taken naar een ander teamlid", n),
    }
    return [Change(gettext("Taken"), None, texts[k](n)) for k, n in counts.items()
            if n and k in texts]


def _what(event: AuditEvent) -> str:
    what = gettext(AUDIT_LABELS[event.action]) if event.action in AUDIT_LABELS else event.action
    if event.object_type == "step" and event.object_id in Step._value2member_map_:
        what += " — " + step_title(event.object_id)
    return what


def _names(events: list[AuditEvent]) -> dict[int, str]:
    """The current names of everyone the events speak of, and of who did them: one query."""
    ids = {v for e in events for part in (e.before or {}, e.after or {})
           for k, v in part.items() if k in _PEOPLE_KEYS and isinstance(v, int)}
    ids |= {v for e in events for part in (e.before or {}, e.after or {})
            for v in part.get("mentioned") or () if isinstance(v, int)}
    ids |= {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def project_history(project_id: int, page: int) -> tuple[list[Day], bool]:
    """One page of the project's history, newest first, grouped per local day; and whether
    an older page exists."""
    page = max(1, page)
    rows = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.project_id == project_id,
                                 AuditEvent.result == "success")
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    names = _names(rows)
    days: list[Day] = []
    for event in rows:
        local = to_user_timezone(event.at)
        label = format_date(local, "EEEE d MMMM y")
        entry = Entry(event.at, format_time(local, "HH:mm"),
                      names.get(event.actor_id or 0, gettext("Wasstraat")),
                      _what(event), _changes(event, names))
        if days and days[-1].label == label:
            days[-1].entries.append(entry)
        else:
            days.append(Day(label, [entry]))
    return days, has_older

