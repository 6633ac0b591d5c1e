"""Step 5: the organisation's service formulas, a project's choice, and the comparison of
today's practice with the formula for each of the six P's."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..concurrency import check_version
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..models import FormulaComparison, Project, ServiceFormula, User
from ..windows import require_open
from ..workflow import SERVICE_PS, Action, FormulaMatch

COMPARISON_FIELDS = ["promise", "internal_agreement", "current_practice", "match"]
FORMULA_FIELDS = ["name", "description", "certainties", "active"]
P_KEYS = [p.key for p in SERVICE_PS]


def formulas(*, active_only: bool) -> list[ServiceFormula]:
    query = select(ServiceFormula).order_by(ServiceFormula.name)
    if active_only:
        query = query.where(ServiceFormula.active.is_(True))
    return list(db.session.scalars(query))


def _unique_name(name: str, formula: ServiceFormula | None = None) -> None:
    other = db.session.scalar(select(ServiceFormula).where(
        func.lower(ServiceFormula.name) == name.strip().lower()))
    if other is not None and other is not formula:
        raise InvalidInput(_("Er is al een serviceformule met deze naam."), "name")


def add_formula(actor: User, values: dict[str, Any]) -> ServiceFormula:
    _unique_name(values["name"])
    formula = ServiceFormula(**{k: v.strip() if isinstance(v, str) else v
                                for k, v in values.items()})
    db.session.add(formula)
    db.session.flush()
    audit.record("formula.create", "service_formula", formula.id, None, actor=actor,
                 after={"name": formula.name})
    return formula


def update_formula(formula: ServiceFormula, actor: User, *, expected_version: int,
                   values: dict[str, Any]) -> None:
    check_version(formula, expected_version)
    _unique_name(values["name"], formula)
    audit.apply_changes(formula, values, action="formula.update", object_type="service_formula",
                        project_id=None, actor=actor)


def choose_formula(project: Project, actor: User, formula: ServiceFormula) -> None:
    require_open(project, Action.EDIT_FORMULA)
    if not formula.active:
        raise WorkflowError(_("Deze serviceformule wordt niet meer gebruikt."))
    before = project.service_formula_id
    project.service_formula_id = formula.id
    db.session.flush()
    audit.record("formula.choose", "project", project.id, project.id, actor=actor,
                 before={"service_formula_id": before}, after={"service_formula_id": formula.id})


def comparisons_of(project: Project) -> dict[str, FormulaComparison]:
    rows = db.session.scalars(select(FormulaComparison)
                              .where(FormulaComparison.project_id == project.id))
    return {row.p: row for row in rows}


def save_comparison(project: Project, actor: User, p: str, *, expected_version: int | None,
                    values: dict[str, Any]) -> FormulaComparison:
    """Record the comparison for one P; a first save has no version yet."""
    require_open(project, Action.EDIT_FORMULA)
    if project.service_formula_id is None:
        raise WorkflowError(_("Kies eerst de serviceformule."))
    FormulaMatch(values["match"])  # the form only offers valid ones
    row = comparisons_of(project).get(p)
    if row is None:
        if expected_version is not None:
            raise WorkflowError(_("Deze P bestaat nog niet; laad de pagina opnieuw."))
        row = FormulaComparison(project_id=project.id, p=p,
                                **{k: v.strip() if isinstance(v, str) else v
                                   for k, v in values.items()})
        db.session.add(row)
        db.session.flush()
        audit.record("formula.compare", "formula_comparison", row.id, project.id, actor=actor,
                     after={"p": p, **values})
        return row
    check_version(row, expected_version or 0)
    audit.apply_changes(row, values, action="formula.compare", object_type="formula_comparison",
                        project_id=project.id, actor=actor)
    return row


def save_comparisons(project: Project, actor: User,
                     entries: dict[str, tuple[int | None, dict[str, Any]]]) -> None:
    """Several P's in one go (all or none: a refusal of one rolls the request back)."""
    for p, (version, values) in entries.items():
        save_comparison(project, actor, p, expected_version=version, values=values)


def comparison_problems(project: Project) -> list[str]:
    """Evidence for step 5: a formula chosen and each of the six P's compared."""
    if project.service_formula_id is None:
        return [_("Er is nog geen serviceformule gekozen.")]
    done = comparisons_of(project)
    missing = [_(p.label) for p in SERVICE_PS
               if p.key not in done or not done[p.key].current_practice.strip()]
    if missing:
        return [_("Nog niet vergeleken: %(ps)s.", ps=", ".join(missing))]
    return []
