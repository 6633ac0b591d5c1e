"""The process owner's approvals of the final improvement plan and of the implementation plan:
the decision (``plans``, ``implementation``) and the signed document kept as it is at that
moment (``exports.archive``), in one transaction.

Above both features, as ``gates`` and ``guidance`` are: the plan's rules do not need to know
how documents are built, and the documents are built on the plan's services.
"""

from __future__ import annotations

from flask_babel import gettext as _

from .errors import WorkflowError
from .exports import archive
from .implementation import services as implementation
from .models import ImplementationApproval, PlanApproval, PlanVersion, Project, User
from .plans import services as plans
from .reviews import services as reviews


def approve_plan(project: Project, version: PlanVersion, actor: User, note: str) -> PlanApproval:
    """Refused while a specialist's finding or condition has no response: a board would
    otherwise sign a plan that has not answered its own review."""
    open_items = reviews.unanswered(project)
    if open_items:
        raise WorkflowError(reviews.unanswered_sentence(open_items) + " " + _(
            "Het plan wordt goedgekeurd als op elke bevinding en voorwaarde is gereageerd."))
    approval = plans.approve(project, version, actor, note)
    archive.keep_signed(project, version)  # what was signed, as the .docx it was
    return approval


def approve_implementation(project: Project, actor: User) -> ImplementationApproval:
    approval = implementation.approve(project, actor)
    archive.keep_signed_implementation(project, approval)
    return approval
