"""Evidence rules: products of a step whose existence the app checks in the project's data
instead of asking someone to confirm it. Each rule returns why the product is not there yet
(an empty list when it is). Product definitions name their rule in ``workflow.STEPS``."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from ..formulas import services as formulas
from ..implementation import services as implementation
from ..journey import services as journey
from ..kpis import services as kpis
from ..models import Project, User
from ..plans import services as plans
from ..process import services as process
from ..reviews import services as reviews
from ..workflow import Step


def kpi_set_agreed(project: Project) -> list[str]:
    rows = kpis.kpis_of(project)
    problems = kpis.agreement_blockers(rows)
    if problems:
        return problems
    agreement = kpis.latest_agreement(project)
    if agreement is None:
        return [_("De proceseigenaar heeft de KPI-set nog niet vastgesteld.")]
    if not kpis.agreement_is_current(rows, agreement):
        return [_("De KPI's zijn gewijzigd na de vaststelling; de proceseigenaar moet de "
                  "KPI-set opnieuw vaststellen.")]
    return []


def final_plan_approved(project: Project) -> list[str]:
    return reviews.finalise_blockers(project) + plans.final_plan_problems(project)


EVIDENCE: dict[str, Callable[[Project], list[str]]] = {
    "kpi_set_agreed": kpi_set_agreed,
    "process_mapped": process.mapping_problems,
    "formula_compared": formulas.comparison_problems,
    "journey_recorded": journey.journey_problems,
    "plan_sent_for_review": plans.sent_for_review_problems,
    "reviews_signed": reviews.signed_problems,
    "final_plan_approved": final_plan_approved,
    "implementation_plan_approved": implementation.approval_problems,
    "evaluation_planned": implementation.evaluation_problems,
}

# The page where the team produces the evidence (an endpoint taking project_id).
EVIDENCE_PAGES: dict[str, str] = {
    "kpi_set_agreed": "kpis.index",
    "process_mapped": "process.index",
    "formula_compared": "formulas.index",
    "journey_recorded": "journey.index",
    "plan_sent_for_review": "plans.index",
    "reviews_signed": "reviews.index",
    "final_plan_approved": "plans.index",
    "implementation_plan_approved": "implementation.index",
    "evaluation_planned": "implementation.evaluation",
}

# What a step brings with it when it opens, besides the tasks of its roles: step 9 takes
# over the final plan's improvements, step 10 turns the taken-over ones into actions.
ON_START: dict[Step, Callable[[Project, User], object]] = {
    Step.IMPLEMENTATION_PLAN: implementation.sync_from_final_plan,
    Step.EXECUTION: implementation.start_execution,
}

# Hand-confirmed products that need something in the data first; the rule gets the chosen
# variant (3b held as a session, merged into 3a, or online).
CONFIRM_PRECONDITIONS: dict[str, Callable[[Project, str], list[str]]] = {
    "process_checked": process.check_problems,
}
