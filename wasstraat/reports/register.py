"""The benefits register: per improvement with benefits, across the projects in scope, what
was expected and what was realised (euros and hours a year), its costs, the net benefit a year
and the payback time, with totals by year, department or process owner.

Euros and hours are added up; a quality benefit is named, never summed. A cost answered
"onbekend" counts as unknown: the net and the payback of that improvement are then unknown
too, rather than flattered by a missing cost. The year of an improvement is when its benefit
was realised (the latest actual), else when the plan expected it (the benefit's making).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.sql import Select

from ..clock import local_date
from ..extensions import db
from ..models import Benefit, Improvement, Kpi, Membership, MembershipRole, Project, User
from ..workflow import BenefitKind, Role

GROUPS = ("year", "unit", "owner")


@dataclass
class RegisterRow:
    """One improvement with its benefits, expected against actual."""

    project: str
    unit: str
    owner: str
    year: int
    improvement: str
    euros_expected: float | None = None  # None: no benefit of this kind
    euros_actual: float | None = None
    hours_expected: float | None = None
    hours_actual: float | None = None
    qualities: list[str] = field(default_factory=list)
    one_off: float | None = None  # None: unknown or not answered
    recurring: float | None = None

    @property
    def net_expected(self) -> float | None:
        """Euros a year the plan expected, less the recurring cost."""
        if self.recurring is None:
            return None
        return (self.euros_expected or 0.0) - self.recurring

    @property
    def net_actual(self) -> float | None:
        if self.recurring is None or self.euros_actual is None:
            return None
        return self.euros_actual - self.recurring

    @property
    def payback_months(self) -> float | None:
        """How long the one-off cost takes to earn back from the net benefit realised (the
        expected one while nothing is realised yet)."""
        net = self.net_actual if self.net_actual is not None else self.net_expected
        if self.one_off is None or net is None or net <= 0:
            return None
        return round(self.one_off / net * 12, 1)


@dataclass
class Totals:
    label: str
    euros_expected: float = 0.0
    euros_actual: float = 0.0
    hours_expected: float = 0.0
    hours_actual: float = 0.0
    one_off: float = 0.0
    recurring: float = 0.0
    improvements: int = 0
    unknown_costs: int = 0  # improvements whose costs are unknown, not in the sums

    @property
    def net_expected(self) -> float:
        return self.euros_expected - self.recurring

    @property
    def net_actual(self) -> float:
        return self.euros_actual - self.recurring


def register(scope: Select) -> list[RegisterRow]:
    """Every improvement with a benefit in the projects in scope (two queries)."""
    rows = db.session.execute(
        select(Benefit, Improvement.title, Improvement.cost_estimate, Improvement.cost_unknown,
               Improvement.recurring_cost, Improvement.recurring_cost_unknown, Project.name,
               Project.organisation_unit, Project.id, Kpi.name)
        .join(Improvement, Improvement.id == Benefit.improvement_id)
        .join(Project, Project.id == Benefit.project_id)
        .outerjoin(Kpi, Kpi.id == Benefit.kpi_id)
        .where(Benefit.project_id.in_(scope))
        .order_by(Project.name, Project.id, Improvement.id, Benefit.id)).all()
    owners = _owners({row[8] for row in rows})
    by_improvement: dict[int, RegisterRow] = {}
    for (benefit, title, one_off, one_off_unknown, recurring, recurring_unknown, project,
         unit, project_id, kpi) in rows:
        line = by_improvement.get(benefit.improvement_id)
        if line is None:
            line = by_improvement[benefit.improvement_id] = RegisterRow(
                project, unit, owners.get(project_id, ""), _year(benefit), title,
                one_off=None if one_off_unknown else one_off,
                recurring=None if recurring_unknown else recurring)
        _add(line, benefit, kpi)
    return list(by_improvement.values())


def _year(benefit: Benefit) -> int:
    return (benefit.actual_on or local_date(benefit.created_at)).year


def _add(line: RegisterRow, benefit: Benefit, kpi: str | None) -> None:
    if benefit.actual_on:
        line.year = max(line.year, benefit.actual_on.year)
    if benefit.kind is BenefitKind.EUROS:
        line.euros_expected = (line.euros_expected or 0.0) + (benefit.expected or 0.0)
        if benefit.actual is not None:
            line.euros_actual = (line.euros_actual or 0.0) + benefit.actual
    elif benefit.kind is BenefitKind.HOURS:
        line.hours_expected = (line.hours_expected or 0.0) + (benefit.expected or 0.0)
        if benefit.actual is not None:
            line.hours_actual = (line.hours_actual or 0.0) + benefit.actual
    else:
        line.qualities.append(kpi or benefit.description)


def _owners(project_ids: set[int]) -> dict[int, str]:
    if not project_ids:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    for project_id, name in db.session.execute(
            select(Membership.project_id, User.name).join(User, User.id == Membership.user_id)
            .join(MembershipRole).where(Membership.project_id.in_(project_ids),
                                        MembershipRole.role == Role.PROCESS_OWNER.value)
            .order_by(User.name)):
        names[project_id].append(name)
    return {project_id: ", ".join(people) for project_id, people in names.items()}


def _count(total: Totals, row: RegisterRow) -> None:
    total.improvements += 1
    total.euros_expected += row.euros_expected or 0.0
    total.euros_actual += row.euros_actual or 0.0
    total.hours_expected += row.hours_expected or 0.0
    total.hours_actual += row.hours_actual or 0.0
    if row.one_off is None or row.recurring is None:
        total.unknown_costs += 1
    total.one_off += row.one_off or 0.0
    total.recurring += row.recurring or 0.0


def totals(rows: list[RegisterRow], group: str) -> list[Totals]:
    """The rows added up per year, department or process owner (``GROUPS``)."""
    grouped: dict[str, Totals] = {}
    for row in rows:
        label = {"year": str(row.year), "unit": row.unit, "owner": row.owner}[group]
        _count(grouped.setdefault(label, Totals(label)), row)
    return sorted(grouped.values(), key=lambda t: t.label)


def grand_total(rows: list[RegisterRow]) -> Totals:
    total = Totals("")
    for row in rows:
        _count(total, row)
    return total
