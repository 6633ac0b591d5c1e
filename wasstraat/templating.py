"""What every template may use: the workflow enums, formatting filters, the organisation."""

from __future__ import annotations

from datetime import date, datetime

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_translations,
    gettext,
)
from flask_login import current_user

from . import clock, page_cache, workflow
from .access import Action
from .audit import AUDIT_LABELS, OBJECT_LABELS, RESULT_LABELS, timestamp
from .auth import mfa, sso
from .auth import session as lifetimes
from .comments import services as comments
from .duties import may_create_projects, role_name
from .exports import pdf
from .guidance import condition_text, startable_steps, work_url
from .navigation import came_from, with_next
from .notification_kinds import Kind
from .notifications import services as notifications
from .project_templates.services import may_keep_templates
from .titles import step_title


def _date(value: date | datetime | None, fmt: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def _datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y HH:mm")


def _days_ago(moment: datetime | date | None) -> int:
    if moment is None:
        return 0
    day = clock.local_date(moment) if isinstance(moment, datetime) else moment
    return (clock.today() - day).days


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##")


def _euro(value: int | None) -> str:
    if value is None:
        return ""
    return "€ " + format_decimal(value, format="#,##0")


def _translations() -> Translations | NullTranslations:
    """The request's translations, looked up once per request: Flask-Babel looks them up again
    on every call (about 8 µs), and a page translates some hundreds of texts."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def _translate_text(value: str) -> str:
    """Translate a text that comes from data (the workflow, stored task titles).

    Jinja's ``_()`` marks its result safe, which is right for literals in templates but would
    let stored, user-typed text through unescaped; this returns a plain string that
    autoescaping handles like any other value.
    """
    if not value:
        return ""
    return str(_translations().ugettext(value))


def _step_labels() -> tuple[dict[workflow.Step, str], dict[workflow.StepStatus, str]]:
    """The name "Stap n: naam" of each step and of each status, translated once per request: the
    dashboard draws a ten-step lane for every project."""
    if "step_labels" not in g:
        g.step_labels = (
            {step: step_title(step) for step in workflow.Step},
            {status: gettext(status.label) for status in workflow.StepStatus},
        )
    return g.step_labels


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        step_labels=_step_labels,
        Step=workflow.Step,
        Role=workflow.Role,
        StepStatus=workflow.StepStatus,
        ProjectPhase=workflow.ProjectPhase,
        KpiVerdict=workflow.KpiVerdict,
        BenefitKind=workflow.BenefitKind,
        REMEASURE_MONTHS=workflow.REMEASURE_MONTHS,
        EventLogStatus=workflow.EventLogStatus,
        DestructionState=workflow.DestructionState,
        STEPS=workflow.STEPS,
        PROCESS_TYPES=workflow.PROCESS_TYPES,
        WASTES=workflow.WASTES,
        Action=Action,
        AUDIT_LABELS=AUDIT_LABELS, AUDIT_OBJECTS=OBJECT_LABELS, AUDIT_RESULTS=RESULT_LABELS,
        audit_timestamp=timestamp,
        qr_data_uri=mfa.qr_data_uri,
        grouped_secret=mfa.grouped_secret,
        sso_identities=sso.identities,
        Decision=workflow.Decision,
        Horizon=workflow.Horizon,
        Verdict=workflow.Verdict,
        ResponseKind=workflow.ResponseKind,
        SCORE_SCALE=workflow.SCORE_SCALE,
        REVIEW_DOMAIN_BY_KEY=workflow.REVIEW_DOMAIN_BY_KEY,
        DPIA_CRITERIA=workflow.DPIA_CRITERIA,
        QuestionSet=workflow.QuestionSet,
        QUESTIONS_PER_SUBJECT=workflow.QUESTIONS_PER_SUBJECT,
        Adoption=workflow.Adoption,
        ActionStatus=workflow.ActionStatus,
        TaskClosure=workflow.TaskClosure,
        GateVerdict=workflow.GateVerdict,
        Health=workflow.Health,
        EndReason=workflow.EndReason,
        came_from=came_from,
        with_next=with_next,
        task_condition=condition_text,
        startable_steps=startable_steps,
        may_create_projects=may_create_projects, may_keep_templates=may_keep_templates,
        unread_notifications=lambda: notifications.unread_count(current_user),
        unread_badge=page_cache.unread_badge,
        NotificationKind=Kind,
    )
    # Jinja's _() and ngettext() through the request's translations (see _translations).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.filters["nl_date"] = _date
    app.jinja_env.filters["t"] = _translate_text
    app.jinja_env.filters["nl_number"] = _number
    app.jinja_env.filters["nl_datetime"] = _datetime
    app.jinja_env.filters["mentions"] = comments.marked_up
    app.jinja_env.filters["euro"] = _euro
    app.jinja_env.filters["days_ago"] = _days_ago
    app.jinja_env.filters["task_url"] = work_url
    app.jinja_env.filters["role_name"] = role_name
    # PDF links are offered where LibreOffice is installed (exports/pdf.py).
    app.jinja_env.globals["pdf_available"] = pdf.available

    @app.context_processor
    def _organisation() -> dict[str, object]:
        return {
            "organisation": current_app.config["WASSTRAAT_ORGANISATION"],
            "theme_class": current_app.config["WASSTRAAT_THEME_CLASS"],
            "theme_css": current_app.config["WASSTRAAT_THEME_CSS"],
            "current_locale": str(get_locale() or "nl"),
        }

    @app.context_processor
    def _session_lifetime() -> dict[str, object]:
        return {"session_idle_seconds": lifetimes.idle_seconds,
                "session_warning_seconds": lifetimes.warning_seconds}

