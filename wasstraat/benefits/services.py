"""Benefits per improvement: what the plan expects (euros or hours a year, or a quality tied
to a KPI), what the responsible person forecasts during step 10, and what was realised.

The expected values are the plan's: they change with the plan (``Action.EDIT_BENEFITS``) and
are locked once the final plan is approved, like the rest of the approved version. A forecast
and an actual are still accepted after that. An actual tells the improvement's proposer
(notifications.events), so people hear what became of their idea.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..models import Benefit, ImplementationItem, Improvement, Kpi, Project, User
from ..plans import services as plans
from ..windows import require_open
from ..workflow import Action, BenefitKind

VALUE_LIMIT = 1e9  # euros or hours a year; more is a typing error
TEXT_LIMIT = 1000


def benefits_of(improvement: Improvement) -> list[Benefit]:
    return list(db.session.scalars(
        select(Benefit).where(Benefit.improvement_id == improvement.id)
        .options(joinedload(Benefit.kpi)).order_by(Benefit.id)))


def of_project(project: Project) -> list[Benefit]:
    """Every benefit recorded on the project's improvements, in one query."""
    return list(db.session.scalars(
        select(Benefit).where(Benefit.project_id == project.id).order_by(Benefit.id)))


def action_of(improvement: Improvement) -> ImplementationItem | None:
    """The action that carries the improvement out in step 10, if it was taken over."""
    return db.session.scalar(select(ImplementationItem).where(
        ImplementationItem.improvement_id == improvement.id))


def expected_locked(project: Project) -> bool:
    """The final plan is approved: what it expects is fixed with it."""
    latest = plans.latest_version(project)
    return latest is not None and latest.is_final and latest.approval is not None


def _require_expected_open(project: Project) -> None:
    require_open(project, Action.EDIT_BENEFITS)
    if expected_locked(project):
        raise WorkflowError(_("Het definitieve plan is goedgekeurd: de verwachte baten liggen "
                              "vast. Een prognose en de gerealiseerde baten kunnen wel."))


def _value_problem(value: float | None, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if value < 0:
        return {field: _("Vul een bedrag of aantal van 0 of meer in.")}
    if value > VALUE_LIMIT:
        return {field: _("Vul een bedrag of aantal onder het miljard in.")}
    return {}


def expected_problems(project: Project, values: dict) -> dict[str, str]:
    """Why this expected benefit cannot be recorded, per field."""
    kind = values.get("kind")
    if kind is None:
        return {"kind": _("Kies wat de verbetering oplevert.")}
    problems = _value_problem(values.get("expected"), "expected")
    if kind.counted and values.get("expected") is None:
        problems["expected"] = _("Vul in hoeveel het per jaar oplevert.")
    if kind is BenefitKind.QUALITY and not (values.get("kpi_id") or
                                            (values.get("description") or "").strip()):
        problems["description"] = _("Kies de KPI die beter wordt, of beschrijf de kwaliteit.")
    if values.get("kpi_id") and db.session.scalar(select(Kpi.id).where(
            Kpi.id == values["kpi_id"], Kpi.project_id == project.id)) is None:
        problems["kpi_id"] = _("Kies een KPI van dit traject.")
    if len(values.get("description") or "") > TEXT_LIMIT:
        problems["description"] = _("Houd de omschrijving korter dan %(limit)d tekens.",
                                    limit=TEXT_LIMIT)
    return problems


def add_expected(improvement: Improvement, actor: User, values: dict) -> Benefit:
    project = improvement.project
    _require_expected_open(project)
    problems = expected_problems(project, values)
    if problems:
        raise InvalidInput(problems)
    benefit = Benefit(project_id=project.id, improvement_id=improvement.id, kind=values["kind"],
                      kpi_id=values.get("kpi_id") or None, expected=values.get("expected"),
                      description=(values.get("description") or "").strip())
    db.session.add(benefit)
    db.session.flush()
    audit.record("benefit.expect", "benefit", benefit.id, project.id, actor=actor,
                 after={"improvement": improvement.title, "kind": benefit.kind,
                        "expected": benefit.expected, "kpi_id": benefit.kpi_id,
                        "description": benefit.description})
    return benefit


def remove_expected(benefit: Benefit, actor: User) -> None:
    project = benefit.improvement.project
    _require_expected_open(project)
    audit.record("benefit.remove", "benefit", benefit.id, project.id, actor=actor,
                 before={"kind": benefit.kind, "expected": benefit.expected})
    db.session.delete(benefit)
    db.session.flush()


def _checked(benefit: Benefit, value: float, on: date, today: date) -> None:
    if not benefit.kind.counted:
        raise WorkflowError(_("Een kwaliteit meet u met haar KPI, in de borging; hier telt u "
                              "euro's en uren."))
    problems = _value_problem(value, "value")
    if on > today:
        problems["on"] = _("Kies vandaag of een dag ervoor.")
    if problems:
        raise InvalidInput(problems)


def forecast(benefit: Benefit, actor: User, *, expected_version: int, value: float,
             on: date, today: date) -> None:
    """Step 10: what the responsible person now expects it to bring."""
    require_open(benefit.improvement.project, Action.FORECAST_BENEFIT)
    check_version(benefit, expected_version)
    _checked(benefit, value, on, today)
    audit.apply_changes(benefit, {"forecast": value, "forecast_on": on},
                        action="benefit.forecast", object_type="benefit",
                        project_id=benefit.project_id, actor=actor)


def record_actual(benefit: Benefit, actor: User, *, expected_version: int, value: float,
                  on: date, today: date) -> None:
    """Once carried out, and at each re-measurement: what it brought."""
    require_open(benefit.improvement.project, Action.RECORD_BENEFIT)
    check_version(benefit, expected_version)
    _checked(benefit, value, on, today)
    audit.apply_changes(benefit, {"actual": value, "actual_on": on},
                        action="benefit.actual", object_type="benefit",
                        project_id=benefit.project_id, actor=actor)
