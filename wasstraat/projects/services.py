"""Projects and their teams. Functions check state, change it, audit it and flush; the view
commits."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from .. import audit, clock, duties
from ..access import membership_for
from ..auth import services as accounts
from ..concurrency import check_version
from ..errors import InvalidInput, WorkflowError
from ..extensions import db
from ..models import Membership, MembershipRole, Project, ProjectPosition, StepState, User
from ..workflow import N_, Role, Step

PROJECT_FIELDS = ["name", "product", "assignment", "process_type", "organisation_unit",
                  "woo_public", "woo_reason"]


def name_problem(name: str, unit: str = "", *, other_than: int | None = None) -> str | None:
    """Running projects are told apart by name, whatever the case: a second with the same name
    is refused, with a suggestion that distinguishes it."""
    query = (select(Project.id).join(ProjectPosition, ProjectPosition.project_id == Project.id)
             .where(func.lower(Project.name) == name.strip().lower(),
                    ProjectPosition.step.is_not(None), Project.anonymised_at.is_(None)))
    if other_than is not None:
        query = query.where(Project.id != other_than)
    if db.session.scalar(query.limit(1)) is None:
        return None
    addition = unit.strip() or str(clock.today().year)
    return _("Er loopt al een traject met deze naam. Maak de naam onderscheidend, bijvoorbeeld "
             "\"%(suggestion)s\".", suggestion=f"{name.strip()} ({addition})")


def create_project(actor: User, *, name: str, product: str, assignment: str,
                   process_type: str, creator_roles: set[Role],
                   organisation_unit: str = "") -> Project:
    problem = name_problem(name, organisation_unit)
    if problem:
        raise InvalidInput(problem, "name")
    project = Project(name=name.strip(), product=product.strip(), assignment=assignment.strip(),
                      process_type=process_type, organisation_unit=organisation_unit.strip(),
                      created_by_id=actor.id)
    project.steps = [StepState(step=int(step)) for step in Step]
    problems = duties.appointment_problems(None, actor, actor, creator_roles)
    if problems:
        raise InvalidInput(problems, "my_roles")
    db.session.add(project)
    db.session.flush()
    audit.record("project.create", "project", project.id, project.id, actor=actor,
                 after={f: getattr(project, f) for f in PROJECT_FIELDS})
    add_member(project, actor, actor, creator_roles | {Role.PROJECT_LEADER})
    return project


REVISIT_WITHIN_YEARS = 10  # a review date further away is a typing error


def set_revisit(project: Project, actor: User, revisit_on: date, today: date) -> None:
    """The process owner's date to revisit the process description of a closed project."""
    if not project.is_finished:
        raise WorkflowError(_("Een herzieningsdatum krijgt de procesbeschrijving van een "
                              "afgerond traject."))
    if revisit_on <= today:
        raise InvalidInput(_("Kies een datum na vandaag."), "revisit_on")
    if revisit_on > today.replace(year=today.year + REVISIT_WITHIN_YEARS, day=min(today.day, 28)):
        raise InvalidInput(_("Kies een datum binnen tien jaar."), "revisit_on")
    audit.apply_changes(project, {"revisit_on": revisit_on}, action="project.revisit",
                        object_type="project", project_id=project.id, actor=actor)


def update_project(project: Project, actor: User, *, expected_version: int,
                   values: dict[str, str]) -> None:
    check_version(project, expected_version)
    problem = name_problem(values["name"], values.get("organisation_unit", ""),
                           other_than=project.id)
    if problem:
        raise InvalidInput(problem, "name")
    values = {**values, "woo_reason": values["woo_reason"].strip() if not values["woo_public"]
              else ""}
    if not values["woo_public"] and not values["woo_reason"]:
        raise InvalidInput(_("Geef aan waarom de plannen niet (volledig) openbaar zijn, met de "
                             "uitzonderingsgrond uit de Woo."), "woo_reason")
    audit.apply_changes(project, {f: values[f] for f in PROJECT_FIELDS}, action="project.update",
                        object_type="project", project_id=project.id, actor=actor)


def add_member(project: Project, actor: User, user: User, roles: set[Role]) -> Membership:
    if not roles:
        raise WorkflowError(_("Kies minstens één rol."))
    if membership_for(project, user) is not None:
        raise WorkflowError(_("%(name)s zit al in het team.", name=user.name))
    if not user.active:
        raise WorkflowError(_("Dit account is niet actief."))
    _check_appointment(project, actor, user, roles)
    membership = Membership(project=project, user=user)
    membership.role_rows = [MembershipRole(role=r) for r in roles]
    db.session.add(membership)
    db.session.flush()
    audit.record("team.add", "membership", membership.id, project.id, actor=actor,
                 after={"user_id": user.id, "roles": sorted(r.value for r in roles)})
    return membership


def set_roles(membership: Membership, actor: User, roles: set[Role]) -> None:
    if not roles:
        raise WorkflowError(_("Kies minstens één rol, of haal het teamlid uit het team."))
    old = membership.roles
    if old == roles:
        return
    project = membership.project
    _keep_the_method_roles(project, membership, old - roles)
    _check_appointment(project, actor, membership.user, roles - old)
    membership.role_rows = [MembershipRole(role=r) for r in roles]
    db.session.flush()
    audit.record("team.roles", "membership", membership.id, project.id, actor=actor,
                 before={"roles": sorted(r.value for r in old)},
                 after={"roles": sorted(r.value for r in roles)})


def remove_member(membership: Membership, actor: User) -> None:
    project = membership.project
    _keep_the_method_roles(project, membership, membership.roles)
    audit.record("team.remove", "membership", membership.id, project.id, actor=actor,
                 before={"user_id": membership.user_id,
                         "roles": sorted(r.value for r in membership.roles)})
    project.memberships.remove(membership)
    db.session.flush()


# Roles a project cannot be without once it has them: someone steers it, someone owns it.
# (A new project starts with its leader; the process owner joins when the team is formed.)
KEPT_ROLES: dict[Role, str] = {
    Role.PROJECT_LEADER: N_("Een project heeft altijd minstens één projectleider nodig."),
    Role.PROCESS_OWNER: N_("Een project houdt altijd een proceseigenaar: wijs eerst een "
                           "andere proceseigenaar aan."),
}


def _check_appointment(project: Project, actor: User, person: User, adding: set[Role]) -> None:
    """The organisation's segregation of duties (duties.py) for roles being given."""
    if adding == {Role.PROJECT_LEADER} and person.id == actor.id:
        return  # who starts a project leads it
    problems = duties.appointment_problems(project, actor, person,
                                           adding - {Role.PROJECT_LEADER}
                                           if person.id == actor.id else adding)
    if problems:
        raise WorkflowError(" ".join(problems))


def _keep_the_method_roles(project: Project, membership: Membership, losing: set[Role]) -> None:
    """Tasks follow the team by themselves (guidance.py); the roles the method needs stay."""
    for role, message in KEPT_ROLES.items():
        if role in losing and not any(
                role in m.roles for m in project.memberships if m is not membership):
            raise WorkflowError(_(message))


# --- Building the team: people found by name or e-mail address, several at once -------------

SUGGESTIONS = 20
_EMAIL_IN_TEXT = re.compile(r"<?([^\s<>()]+@[^\s<>()]+)>?\)?\s*$")


def people_matching(project: Project, text: str, limit: int = SUGGESTIONS) -> list[User]:
    """Active accounts outside the team whose name or e-mail address contains ``text``."""
    members = [m.user_id for m in project.memberships]
    query = select(User).where(User.active.is_(True), User.id.not_in(members))
    text = text.strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(or_(func.lower(User.name).like(pattern),
                                func.lower(User.email).like(pattern)))
    return list(db.session.scalars(query.order_by(User.name, User.id).limit(limit)))


@dataclass
class Found:
    """Who a typed name or address points at: one person, several, or nobody."""

    user: User | None = None
    candidates: list[User] = field(default_factory=list)


def find_person(text: str) -> Found:
    """An e-mail address (also as "Naam (adres)", as the suggestions show it) finds its
    account; a name finds the one active account of that name, or the candidates."""
    text = text.strip()
    match = _EMAIL_IN_TEXT.search(text)
    if match and "@" in match.group(1):
        user = accounts.find_user_by_email(match.group(1).rstrip(")"))
        return Found(user if user is not None and user.active else None)
    same_name = list(db.session.scalars(
        select(User).where(User.active.is_(True), func.lower(User.name) == text.lower())
        .order_by(User.id)))
    if len(same_name) == 1:
        return Found(same_name[0])
    return Found(None, same_name)


def add_members(project: Project, actor: User, chosen: list[tuple[User, Role]]) -> list[User]:
    """Several people with their roles in one go; someone already in the team gains the
    roles. All or nothing: the caller rolls back on a refusal."""
    roles_of: dict[int, set[Role]] = {}
    people: dict[int, User] = {}
    for user, role in chosen:
        roles_of.setdefault(user.id, set()).add(role)
        people[user.id] = user
    for user_id, roles in roles_of.items():
        membership = membership_for(project, people[user_id])
        if membership is None:
            add_member(project, actor, people[user_id], roles)
        else:
            set_roles(membership, actor, membership.roles | roles)
    return list(people.values())


def invite(project: Project, actor: User, *, name: str, email: str,
           role: Role) -> tuple[User, str]:
    """A colleague without an account: one is made with a one-time password that they change
    at their first sign-in, and they join the team. Returns the password, to show once."""
    password = secrets.token_urlsafe(12)
    user = accounts.create_user(email, name, password, actor=actor, enforce_policy=False,
                                must_change=True)
    add_member(project, actor, user, {role})
    audit.record("team.invite", "user", user.id, project.id, actor=actor,
                 after={"user_id": user.id, "role": role.value})
    return user, password
