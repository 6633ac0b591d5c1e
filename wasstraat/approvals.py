"""The process owner's approval of the final improvement plan: the decision (``plans``) and the
signed document kept as it is at that moment (``exports.archive``), in one transaction.

Above both features, as ``gates`` and ``guidance`` are: the plan's rules do not need to know
how documents are built, and the documents are built on the plan's services.
"""

from __future__ import annotations

from .exports import archive
from .models import PlanApproval, PlanVersion, Project, User
from .plans import services as plans


def approve_plan(project: Project, version: PlanVersion, actor: User, note: str) -> PlanApproval:
    approval = plans.approve(project, version, actor, note)
    archive.keep_signed(project, version)  # what was signed, as the .docx it was
    return approval
