"""Evidence rules: products of a step whose existence the app checks in the project's data
instead of asking someone to confirm it. Each rule returns why the product is not there yet
(an empty list when it is). Product definitions name their rule in ``workflow.STEPS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from .formulas import services as formulas
from .implementation import services as implementation
from .journey import services as journey
from .kpis import services as kpis
from .models import Project, User
from .plans import services as plans
from .process import services as process
from .reviews import services as reviews
from .sustain import services as sustain
from .workflow import Pending, Role, Step


def kpi_set_agreed(project: Project) -> list[str]:
    rows = kpis.kpis_of(project)
    problems = kpis.agreement_blockers(rows)
    if problems:
        return problems
    agreement = kpis.latest_agreement(project)
    owner = ((Role.PROCESS_OWNER,), "kpis.index#agreement-heading")
    if agreement is None:
        return [Pending(_("De proceseigenaar heeft de KPI-set nog niet vastgesteld."), *owner)]
    if not kpis.agreement_is_current(rows, agreement):
        return [Pending(_("De KPI's zijn gewijzigd na de vaststelling; de proceseigenaar moet "
                          "de KPI-set opnieuw vaststellen."), *owner)]
    return []


def final_plan_approved(project: Project) -> list[str]:
    return reviews.finalise_blockers(project) + plans.final_plan_problems(project)


@dataclass(frozen=True)
class Evidence:
    """A rule that tells why a product is not there yet, and the page where the team produces
    it (an endpoint taking project_id)."""

    problems: Callable[[Project], list[str]]
    page: str


EVIDENCE: dict[str, Evidence] = {
    "kpi_set_agreed": Evidence(kpi_set_agreed, "kpis.index"),
    "process_mapped": Evidence(process.mapping_problems, "process.index"),
    "formula_compared": Evidence(formulas.comparison_problems, "formulas.index"),
    "journey_recorded": Evidence(journey.journey_problems, "journey.index"),
    "plan_sent_for_review": Evidence(plans.sent_for_review_problems, "plans.index"),
    "reviews_signed": Evidence(reviews.signed_problems, "reviews.index"),
    "final_plan_approved": Evidence(final_plan_approved, "plans.index"),
    "implementation_plan_approved": Evidence(implementation.approval_problems,
                                             "implementation.index"),
    "evaluation_planned": Evidence(implementation.evaluation_problems,
                                   "implementation.evaluation"),
}

def _approved_plan(project: Project) -> str:
    version = plans.latest_version(project)
    return f"plan_version:{version.id}" if version and version.approval else ""


def _approved_implementation_plan(project: Project) -> str:
    approval = implementation.latest_approval(project)
    return f"implementation_approval:{approval.id}" if approval else ""


# What a "go" at a step's gate is given on: it stands while this is unchanged (a newer final
# plan approved, or the implementation plan approved again, asks for a new go). A step not
# named here: its go stands until the step reopens.
GATE_SUBJECTS: dict[Step, Callable[[Project], str]] = {
    Step.ADJUST: _approved_plan,
    Step.IMPLEMENTATION_PLAN: _approved_implementation_plan,
}


def gate_subject(project: Project, step: Step) -> str:
    subject = GATE_SUBJECTS.get(step)
    return subject(project) if subject else ""


# What a step brings with it when it opens, besides the tasks of its roles: step 9 takes
# over the final plan's improvements, step 10 turns the taken-over ones into actions.
ON_START: dict[Step, Callable[[Project, User], object]] = {
    Step.IMPLEMENTATION_PLAN: implementation.sync_from_final_plan,
    Step.EXECUTION: implementation.start_execution,
}

# What reopening a step takes back, besides its tasks: reopening step 10 stops the borging.
ON_REOPEN: dict[Step, Callable[[Project, User], object]] = {
    Step.EXECUTION: sustain.withdraw_open,
}

# Hand-confirmed products that need something in the data first; the rule gets the chosen
# variant (3b held as a session, merged into 3a, or online).
CONFIRM_PRECONDITIONS: dict[str, Callable[[Project, str], list[str]]] = {
    "process_checked": process.check_problems,
}
