"""Database models (SQLAlchemy 2 typed mappings), one module per feature area, all importable
from here as before (``from wasstraat.models import Project``).

Steps and roles are stored as their enum *values* (small integers and role keys), so the data
stays readable and independent of Python names. The schema changes only through migrations.
Relationships name models of other modules as strings (type-only imports): the registry
resolves them once every module below is imported.
"""

from __future__ import annotations

from .accounts import (
    ApiRateWindow,
    ApiToken,
    ExternalIdentity,
    LoginFailure,
    OrganisationSettings,
    RecoveryCode,
    User,
)
from .archive import (
    ArchiveClass,
    DestructionItem,
    DestructionList,
)
from .audit_trail import (
    AppendOnlyError,
    AuditEvent,
)
from .base import (
    IntEnumColumn,
    StrEnumColumn,
    UTCDateTime,
    hold_members_on_assignment,
    new_session_token,
    utcnow,
)
from .comments import (
    Comment,
    CommentMention,
)
from .event_logs import (
    AcceptedDeviation,
    EventLog,
    EventLogCases,
    EventLogFile,
    EventLogFilter,
)
from .ideas import (
    Idea,
    IdeaFollower,
)
from .implementation import (
    ActionNote,
    Evaluation,
    ImplementationApproval,
    ImplementationContribution,
    ImplementationDocument,
    ImplementationItem,
    ImplementationOrder,
    KpiMeasurement,
    Remeasurement,
)
from .notifications import (
    Notification,
    NotificationDigest,
    NotificationSetting,
)
from .plans import (
    Benefit,
    FrozenError,
    Improvement,
    ImprovementKpi,
    ImprovementPlan,
    PlanApproval,
    PlanDocument,
    PlanRisk,
    PlanVersion,
    Review,
    ReviewFinding,
    ReviewOverride,
    ReviewResponse,
)
from .project_templates import (
    ProjectRequirement,
    ProjectTemplate,
    TemplateVersion,
)
from .projects import (
    BoardDecision,
    GateDecision,
    Membership,
    MembershipRole,
    ProcessSuggestion,
    ProductConfirmation,
    Project,
    ProjectCycle,
    ProjectPosition,
    SessionAttendee,
    SessionFinding,
    StepState,
    Task,
    WorkSession,
)
from .revisions import DataRevision
from .step_work import (
    FormulaComparison,
    InterviewLog,
    Journey,
    JourneyPhase,
    Kpi,
    KpiAgreement,
    ProcessAttachment,
    ProcessCheck,
    ProcessStep,
    ProjectQuestion,
    ServiceFormula,
)
from .woo import (
    WooPublication,
    WooRedaction,
    WooSettings,
)
from .zaken import (
    ZaakAction,
    ZaakSettings,
)

hold_members_on_assignment()

__all__ = [
    "Comment",
    "CommentMention",
    "WooPublication",
    "WooRedaction",
    "WooSettings",
    "ZaakAction",
    "ZaakSettings",
    "ActionNote",
    "ArchiveClass",
    "DestructionItem",
    "DestructionList",
    "DataRevision",
    "ApiRateWindow",
    "ApiToken",
    "Benefit",
    "AppendOnlyError",
    "AuditEvent",
    "Evaluation",
    "AcceptedDeviation",
    "EventLog",
    "EventLogCases",
    "EventLogFile",
    "EventLogFilter",
    "ExternalIdentity",
    "FormulaComparison",
    "FrozenError",
    "ImplementationApproval",
    "ImplementationContribution",
    "ImplementationDocument",
    "ImplementationItem",
    "ImplementationOrder",
    "Improvement",
    "ImprovementKpi",
    "ImprovementPlan",
    "IntEnumColumn",
    "InterviewLog",
    "Journey",
    "JourneyPhase",
    "Kpi",
    "KpiAgreement",
    "KpiMeasurement",
    "LoginFailure",
    "Membership",
    "MembershipRole",
    "Idea",
    "IdeaFollower",
    "Notification",
    "ProjectQuestion",
    "ProjectRequirement",
    "ProjectTemplate",
    "TemplateVersion",
    "NotificationDigest",
    "NotificationSetting",
    "OrganisationSettings",
    "PlanApproval",
    "PlanDocument",
    "PlanRisk",
    "PlanVersion",
    "ProcessAttachment",
    "ProcessCheck",
    "ProcessStep",
    "ProcessSuggestion",
    "BoardDecision",
    "BoardDecision",
    "GateDecision",
    "ProductConfirmation",
    "Project",
    "ProjectCycle",
    "ProjectPosition",
    "RecoveryCode",
    "Remeasurement",
    "Review",
    "ReviewFinding",
    "ReviewOverride",
    "ReviewResponse",
    "ServiceFormula",
    "SessionAttendee",
    "SessionFinding",
    "StepState",
    "StrEnumColumn",
    "Task",
    "UTCDateTime",
    "User",
    "WorkSession",
    "new_session_token",
    "utcnow",
]
