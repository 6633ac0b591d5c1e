"""Segregation of duties, as the organisation set it (one row of settings, changed by an
administrator and recorded in the audit trail).

- Who may start a project: everyone signed in, or administrators only.
- Who appoints a project's process owner: its project leader, or administrators only.
- Specialist roles (privacy officer, CISO, ...) only for accounts an administrator registered
  as specialist of that domain.
- Four eyes: nobody gives themselves an approving role (process owner, a specialist), nobody
  approves a plan version they made final or lead, nobody signs a review of a plan they lead.
  A small organisation may switch this off; each use of that is recorded.
- The gate: which steps need a "go" before they close, and whose it is (the sponsor, the
  process owner, or both).
- Who decides on the plans (the process owner under mandate, the directieteam or the
  college), and the portfolio holder: the documents say so.
- The working calendar: office hours and the organisation's own closing days, beside the
  public holidays (working_time.py).
- The organisation's own names for the roles ("Procesverantwoordelijke" for the process
  owner): every page, message and document says the role as the organisation names it.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from .concurrency import save_the_only_row
from .errors import InvalidInput
from .extensions import db
from .models import OrganisationSettings, Project, User, WooSettings
from .workflow import (
    DEFAULT_GATED_STEPS,
    SPECIALIST_ROLES,
    GateApprover,
    OwnerAppointer,
    PlanDecider,
    ProjectCreators,
    Role,
    Step,
)

SETTING_FIELDS = ["project_creators", "owner_appointed_by", "registered_specialists_only",
                  "four_eyes", "gated_steps", "gate_approver", "plan_decider", "portfolio_holder",
                  "glossary", "role_names", "office_opens", "office_closes", "closing_days",
                  "process_kinds"]
# The longest name an organisation may give a role (it stands in sentences and table cells).
ROLE_NAME_LENGTH = 60
# Roles that approve or sign: nobody gives them to themselves while four eyes hold.
APPROVING_ROLES = frozenset({Role.PROCESS_OWNER, *SPECIALIST_ROLES})


def settings() -> OrganisationSettings:
    """The organisation's settings; the defaults until an administrator saved them. Read once
    per request (every page asks whether the person may start a project)."""
    if has_request_context() and "organisation_settings" in g:
        return g.organisation_settings
    row = db.session.scalar(select(OrganisationSettings).order_by(OrganisationSettings.id))
    row = row or OrganisationSettings(project_creators=ProjectCreators.EVERYONE,
                                      owner_appointed_by=OwnerAppointer.LEADER,
                                      registered_specialists_only=True, four_eyes=True,
                                      gated_steps=[int(s) for s in DEFAULT_GATED_STEPS],
                                      gate_approver=GateApprover.SPONSOR,
                                      plan_decider=PlanDecider.OWNER, portfolio_holder="",
                                      glossary="", role_names={}, office_opens="08:30",
                                      office_closes="17:00", closing_days=[], version=0)
    if has_request_context():
        g.organisation_settings = row
    return row


def role_name(role: Role) -> str:
    """The role as the organisation names it; else the method's name, translated."""
    return settings().role_names.get(role.value) or _(role.label)


def role_name_in_sentence(role: Role) -> str:
    """The same within a sentence: a capital that only starts the name goes ("de
    proceseigenaar"); an abbreviation or a proper name stays ("de CISO")."""
    name = role_name(role)
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _shared_names(names: dict[str, str]) -> dict[str, str]:
    """Why a role cannot have the name typed for it, per field: another role has it."""
    def own(role: Role) -> str:
        return (names.get(role.value) or "").strip()

    seen: dict[str, Role] = {}
    problems = {}
    for role in Role:
        name = own(role) or _(role.label)
        other = seen.setdefault(name.casefold(), role)
        if other is not role:
            blamed, kept = (role, other) if own(role) else (other, role)
            problems[f"role_name_{blamed.value}"] = _(
                "„%(name)s” is al de naam van de rol %(other)s.", name=own(blamed),
                other=_(kept.label))
    return problems


def _own_names(names: dict[str, str]) -> dict[str, str]:
    """Only the roles the organisation names otherwise; the method's own name is none."""
    return {role.value: name for role in Role
            if (name := (names.get(role.value) or "").strip())
            and name not in (role.label, _(role.label))}


def save_settings(actor: User, *, expected_version: int, values: dict) -> None:
    if "role_names" in values:
        if problems := _shared_names(values["role_names"]):
            raise InvalidInput(problems)
        values = {**values, "role_names": _own_names(values["role_names"])}
    _row, created = save_the_only_row(
        OrganisationSettings, actor, expected_version=expected_version,
        values={f: values[f] for f in SETTING_FIELDS if f in values},
        action="settings.update", object_type="settings")
    if created:
        g.pop("organisation_settings", None)


def gate_roles(step: Step) -> tuple[Role, ...]:
    """Whose "go" the step needs before it closes; none when the organisation does not gate
    it."""
    rules = settings()
    return rules.gate_approver.roles if int(step) in rules.gated_steps else ()


def woo_preparer() -> Role:
    """Who prepares a project's Woo publications: the process owner, unless the organisation
    names another role (Beheer → Woo-publicatie). Read once per request."""
    if has_request_context() and "woo_preparer" in g:
        return g.woo_preparer
    role = db.session.scalar(select(WooSettings.preparer).order_by(WooSettings.id).limit(1))
    role = role or Role.PROCESS_OWNER
    if has_request_context():
        g.woo_preparer = role
    return role


def may_create_projects(user: User) -> bool:
    return user.is_admin or settings().project_creators is ProjectCreators.EVERYONE


def appointment_problems(project: Project | None, actor: User, person: User,
                         adding: set[Role], *, carried_over: bool = False) -> list[str]:
    """Why ``actor`` may not give ``person`` these roles in the project. ``carried_over``:
    roles the person held in the cycle before, which someone else appointed them to then; the
    four-eyes rule against appointing oneself does not refuse those again, the organisation's
    other rules do."""
    rules = settings()
    problems = []
    if rules.registered_specialists_only:
        unregistered = [r for r in adding if r.is_specialist
                        and r.value not in (person.specialisms or [])]
        problems += [_("%(name)s is niet door de beheerder geregistreerd als %(role)s; alleen "
                       "geregistreerde specialisten krijgen die rol.", name=person.name,
                       role=role_name_in_sentence(r)) for r in unregistered]
    if (Role.PROCESS_OWNER in adding and rules.owner_appointed_by is OwnerAppointer.ADMINS
            and not actor.is_admin):
        problems.append(_("De %(role)s wordt in deze organisatie aangewezen door een "
                          "beheerder.", role=role_name_in_sentence(Role.PROCESS_OWNER)))
    if rules.four_eyes and person.id == actor.id and not carried_over:
        own = sorted((r for r in adding if r in APPROVING_ROLES), key=list(Role).index)
        if own:
            problems.append(_("U kunt uzelf niet de rol %(role)s geven: wie het traject "
                              "trekt, keurt of toetst het niet zelf (vier ogen). Laat een "
                              "ander u aanwijzen.", role=role_name_in_sentence(own[0])))
    return problems


def four_eyes_problem(project: Project, person: User, *, made_by_id: int | None,
                      what: str) -> str | None:
    """Why ``person`` may not approve or sign ``what``: they made it, or they lead the
    project. None when they may (or when the organisation switched four eyes off)."""
    if not settings().four_eyes:
        return None
    if made_by_id == person.id:
        return _("U heeft %(what)s zelf voorgesteld; een ander keurt het goed (vier ogen).",
                 what=what)
    leads = any(m.user_id == person.id and Role.PROJECT_LEADER in m.roles
                for m in project.memberships)
    if leads:
        return _("U bent projectleider van dit traject; %(what)s wordt beoordeeld door "
                 "iemand die het traject niet trekt (vier ogen).", what=what)
    return None


def waived() -> bool:
    """Four eyes switched off: what it would have refused is recorded as waived."""
    return not settings().four_eyes
