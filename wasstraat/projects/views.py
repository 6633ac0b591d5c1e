"""Projects: create, show (the ten-step track and the team), edit, team, history."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import clock, duties
from .. import history as project_history
from ..access import Action, ProjectAccess, access_to, project_access
from ..archive import services as archive
from ..errors import refuse_into, refuse_with_flash
from ..extensions import db
from ..forms import choices, form_page, prefilled, show_form
from ..guidance import next_actions
from ..http import wants_partial
from ..implementation import services as implementation
from ..models import Membership, Task, TemplateVersion
from ..navigation import confirm_deletion, int_arg
from ..page_cache import cached_page, project_scope
from ..plans import services as plans
from ..project_templates import services as templates
from ..project_templates.forms import TemplateChoiceForm
from ..woo import services as woo
from ..workflow import (
    BoardOutcome,
    CopyPart,
    PlanKind,
    Role,
    Step,
    StepStatus,
    revisit_status,
)
from ..zaken import services as zaken
from . import board, copying, cycles, planning, services
from .forms import (
    AddMembersForm,
    BoardDecisionForm,
    CopyProjectForm,
    EditProjectForm,
    FollowUpForm,
    InviteForm,
    MemberRolesForm,
    NewProjectForm,
    RevisitForm,
    StepPlanningForm,
)

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _user():
    return current_user._get_current_object()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not duties.may_create_projects(_user()):
        abort(403)
    form, start = NewProjectForm(), TemplateChoiceForm().offer(templates.latest_versions())
    page = form_page("projects/new.html", start=start)
    if not (form.validate_on_submit() & start.validate_on_submit()):
        return show_form(page, form)
    refuse_into(form, page, field="my_roles")
    project = services.create_project(_user(), **form.values(),
                                      creator_roles={Role(r) for r in form.my_roles.data})
    if start.template_version.data:
        templates.start_from(project, db.get_or_404(TemplateVersion,
                                                    start.template_version.data), _user())
    db.session.commit()
    flash(_("Het traject is aangemaakt. Stel nu de projectgroep samen."), "success")
    return redirect(url_for("projects.team", project_id=project.id), 303)


@bp.route("/<int:project_id>/copy", methods=["GET", "POST"])
@login_required
def copy(project_id: int):
    """A new project that starts from this one, with the parts the team ticks."""
    source = project_access(project_id).project
    if not duties.may_create_projects(_user()):
        abort(403)
    form = prefilled(CopyProjectForm, _copy_defaults(source))
    page = form_page("projects/copy.html", source=source)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="my_roles")
    project = copying.copy_project(source, _user(), values=form.values(),
                                   creator_roles={Role(r) for r in form.my_roles.data},
                                   parts={CopyPart(p) for p in form.parts.data})
    db.session.commit()
    flash(_("Het traject is aangemaakt als kopie van %(name)s. Stel nu de projectgroep samen.",
            name=source.name), "success")
    return redirect(url_for("projects.team", project_id=project.id), 303)


def _copy_defaults(source) -> dict:
    return {"name": _("Kopie van %(name)s", name=source.name)[:200], "product": source.product,
            "process_type": source.process_type, "organisation_unit": source.organisation_unit,
            "assignment": source.assignment, "parts": [p.value for p in CopyPart]}


@bp.route("/<int:project_id>")
@login_required
@cached_page(project_scope)
def show(project_id: int):
    return _render_show(project_access(project_id))


def _render_show(access: ProjectAccess, revisit_form: RevisitForm | None = None,
                 status: int = 200):
    project = access.project
    project_id = project.id
    tasks_by_step = dict(db.session.execute(
        select(Task.step, func.count()).where(Task.project_id == project_id,
                                              Task.done_at.is_(None))
        .group_by(Task.step)).all())
    plan_started = project.step_status(Step.IMPROVEMENT_PLAN) is not StepStatus.NOT_STARTED
    cycle = cycles.chain(project)
    return render_template(
        "projects/show.html", access=access, project=project, tasks_by_step=tasks_by_step,
        open_task_count=sum(tasks_by_step.values()),
        guidance=next_actions(project, access.user, access.roles),
        plan_document=plans.document_version(plans.versions_of(project))
        if plan_started else None,
        plan_started=plan_started, chain=cycle,
        revisit_form=revisit_form or RevisitForm(formdata=None,
                                                 data={"revisit_on": project.revisit_on}),
        revisit=revisit_status(project.revisit_on, clock.today()),
        may_follow_up=access.can(Action.START_FOLLOW_UP)
        and cycles.follow_up_refusal(project, _user(), cycle) is None,
        description=cycles.process_description(project) if project.is_finished else None,
        results=implementation.kpi_results([project.id]).get(project.id, [])
        if project.is_finished else [],
        health=planning.health_of(project, clock.today()),
        archive_record=archive.record_of(project) if project.is_finished else None,
        zaak=zaken.summary(project),
        woo=woo.publications(project)
        if project.step_status(Step.ADJUST) is StepStatus.DONE else None,
    ), status


@bp.route("/<int:project_id>/revisit", methods=["POST"])
@login_required
def revisit(project_id: int):
    """The process owner's date to revisit the process description of a closed project."""
    access = project_access(project_id, need=Action.SET_REVISIT)
    form = RevisitForm()
    if not form.validate_on_submit():
        return _render_show(access, revisit_form=form, status=422)
    refuse_into(form, lambda shown, status: _render_show(
        project_access(project_id), revisit_form=shown, status=status), field="revisit_on")
    services.set_revisit(access.project, _user(), form.revisit_on.data, clock.today())
    db.session.commit()
    flash(_("De herzieningsdatum is opgeslagen."), "success")
    return redirect(url_for("projects.show", project_id=project_id) + "#description", 303)


def _follow_up_page(access: ProjectAccess):
    def page(form, status: int | None):  # what carries over, and whether it may, as it is now
        previous = access.project
        refusal = cycles.follow_up_refusal(previous, _user())
        return render_template("projects/follow_up.html", access=access, project=previous,
                               form=form, refusal=refusal,
                               carried=cycles.what_carries_over(previous)), (
            status or (refusal.status_code if refusal else 200))

    return page


@bp.route("/<int:project_id>/follow-up", methods=["GET", "POST"])
@login_required
def follow_up(project_id: int):
    """The next cycle: the process owner starts a follow-up of a closed project."""
    access = project_access(project_id, need=Action.START_FOLLOW_UP)
    previous = access.project
    page = _follow_up_page(access)
    if request.method == "GET":
        form = FollowUpForm(data={"name": _("%(name)s (vervolg)", name=previous.name)[:200]})
        return page(form, None)  # 409 when no follow-up may start
    form = FollowUpForm()
    if not form.validate_on_submit():
        return page(form, 422)
    refuse_into(form, page)
    project = cycles.start_follow_up(previous, _user(), name=form.name.data)
    db.session.commit()
    return _after_follow_up(previous, project)


def _after_follow_up(previous, project):
    """To the new project; or, where the starter's own role was not carried over (an
    administrator appoints the owner), back to where they can look, saying so."""
    user = _user()
    left_out = cycles.left_out(project)
    if not access_to(project, user).can(Action.VIEW_PROJECT):
        flash(_("Het vervolgtraject „%(name)s” is aangemaakt. Uw eigen rol is niet "
                "overgenomen (zie hieronder waarom); de projectleider of een beheerder wijst "
                "u opnieuw aan.", name=project.name), "warning")
        for row in left_out:
            if row.user_id == user.id:
                flash(row.reason, "info")
        return redirect(url_for("projects.show", project_id=previous.id), 303)
    flash(_("Het vervolgtraject is aangemaakt. Kijk het team na en start stap 1."), "success")
    if left_out:
        flash(_("Niet alle rollen zijn overgenomen; het teamoverzicht zegt welke en waarom."),
              "warning")
    return redirect(url_for("projects.show", project_id=project.id), 303)


def _planning_form(project, **kwargs) -> StepPlanningForm:
    data = {planning.field_name(s.step): s.planned_end for s in project.steps}
    return StepPlanningForm(data=data | {"versions": planning.versions(project)}, **kwargs)


@bp.route("/<int:project_id>/planning", methods=["GET", "POST"])
@login_required
def step_planning(project_id: int):
    """When each step should be finished; the leader plans, every member reads."""
    access = project_access(project_id)
    if request.method == "POST":
        access.require(Action.PLAN_STEPS)
    project = access.project
    page = form_page("projects/planning.html", access=access, project=project,
                     health=planning.health_of(project, clock.today()))
    form = StepPlanningForm() if request.method == "POST" else _planning_form(project)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _planning_form(
        project_access(project_id).project, formdata=None))
    planning.plan_steps(project, _user(), form.planned(),
                        expected_versions=form.versions.data, today=clock.today())
    db.session.commit()
    flash(_("De planning van de stappen is opgeslagen."), "success")
    return redirect(url_for("projects.step_planning", project_id=project_id), 303)


@bp.route("/<int:project_id>/board-decisions", methods=["GET", "POST"])
@login_required
def board_decisions(project_id: int):
    """What the board decided on the plans; the owner or the leader records it."""
    access = project_access(project_id)
    if request.method == "POST":
        access.require(Action.RECORD_BOARD_DECISION)
    page = form_page("projects/board_decisions.html", access=access, project=access.project,
                     decisions=board.decisions_of(access.project), settings=duties.settings())
    form = BoardDecisionForm()
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    board.record(access.project, _user(), plan=PlanKind(form.plan.data),
                 decided_on=form.decided_on.data, outcome=BoardOutcome(form.outcome.data),
                 reference=form.reference.data, note=form.note.data or "", today=clock.today())
    db.session.commit()
    flash(_("Het besluit van het bestuur is vastgelegd."), "success")
    return redirect(url_for("projects.board_decisions", project_id=project_id), 303)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    access = project_access(project_id, need=Action.EDIT_PROJECT)
    project = access.project
    form = EditProjectForm(obj=project)
    page = form_page("projects/edit.html", access=access, project=project)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: EditProjectForm(
        formdata=None, obj=db.session.get(type(project), project_id)))
    services.update_project(project, _user(), expected_version=form.version.data,
                            values=form.values())
    db.session.commit()
    flash(_("De gegevens van het traject zijn opgeslagen."), "success")
    return redirect(url_for("projects.show", project_id=project_id), 303)


@bp.route("/<int:project_id>/team", methods=["GET", "POST"])
@login_required
def team(project_id: int):
    access = project_access(project_id)
    form = AddMembersForm()
    if not form.is_submitted():
        return _team_page(access, form)
    access.require(Action.MANAGE_TEAM)
    chosen = _chosen_people(access, form) if form.validate() else None
    if chosen is None:
        return _team_page(access, form, status=422)
    refuse_into(form, lambda shown, status: _team_page(project_access(project_id), shown,
                                                       status=status))
    added = services.add_members(access.project, _user(), chosen)
    db.session.commit()
    flash(ngettext("%(names)s is aan het team toegevoegd.", "%(names)s zijn aan het team "
                   "toegevoegd.", len(added), names=", ".join(u.name for u in added)),
          "success")
    return redirect(url_for("projects.team", project_id=project_id), 303)


def _chosen_people(access: ProjectAccess, form: AddMembersForm) -> list | None:
    """Each filled-in row as (person, role); None when a row names nobody or several people
    (the row then says so, and offers the candidates to choose from)."""
    chosen, complete = [], True
    for row in form.rows:
        text = (row.form.person.data or "").strip()
        if not text:
            continue
        found = services.find_person(text)
        picked = next((u for u in found.candidates if u.id == row.form.candidate.data), None)
        user = found.user or picked
        if user is None:
            complete = False
            _explain_not_found(row.form, found)
            continue
        chosen.append((user, Role(row.form.role.data)))
    return chosen if complete else None


def _explain_not_found(row, found) -> None:
    if found.candidates:
        row.candidate.choices = choices([(0, _("Kies wie u bedoelt"))] + [
            (u.id, f"{u.name} ({u.email})") for u in found.candidates])
        row.person.errors.append(_("Meerdere collega's heten zo. Kies wie u bedoelt."))
    elif current_app.config["INVITE_BY_LEADERS"]:
        row.person.errors.append(_("Geen account gevonden. Nodig deze collega hieronder uit."))
    else:
        row.person.errors.append(_("Geen actief account gevonden met deze naam of dit "
                                   "e-mailadres. De beheerder maakt accounts aan."))


def _team_page(access: ProjectAccess, form: AddMembersForm, *, status: int = 200,
               invite_form: InviteForm | None = None):
    suggestions = (services.people_matching(access.project, "")
                   if access.can(Action.MANAGE_TEAM) else [])
    preset = request.args.get("role")
    if not form.is_submitted() and preset in {r.value for r in Role}:
        form.rows[0].form.role.data = preset
    return render_template(
        "projects/team.html", access=access, project=access.project, form=form,
        suggestions=suggestions, left_out=cycles.left_out(access.project),
        may_invite=current_app.config["INVITE_BY_LEADERS"],
        invite_form=invite_form or InviteForm(formdata=None)), status


@bp.route("/<int:project_id>/team/people")
@login_required
def people(project_id: int):
    """Suggestions while typing a colleague's name (the options of the form's datalist)."""
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    text = next((v for k, v in request.args.items() if k == "q" or k.endswith("-person")), "")
    return render_template("projects/_people.html",
                           people=services.people_matching(access.project, text[:100]))


@bp.route("/<int:project_id>/team/invite", methods=["POST"])
@login_required
def invite(project_id: int):
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    if not current_app.config["INVITE_BY_LEADERS"]:
        abort(403)
    form = InviteForm()
    if not form.validate_on_submit():
        return _team_page(access, AddMembersForm(formdata=None), status=422, invite_form=form)
    refuse_into(form, lambda shown, status: _team_page(
        project_access(project_id), AddMembersForm(formdata=None), status=status,
        invite_form=shown), field="email")
    user, password = services.invite(access.project, _user(), name=form.name.data,
                                     email=form.email.data, role=Role(form.role.data))
    db.session.commit()
    # Shown once, never stored or sent: the leader passes it on, the colleague replaces it.
    return render_template("projects/invited.html", access=access, project=access.project,
                           invited=user, password=password)


def _membership(access, membership_id: int) -> Membership:
    membership = next((m for m in access.project.memberships if m.id == membership_id), None)
    if membership is None:
        abort(404)
    return membership


@bp.route("/<int:project_id>/team/<int:membership_id>/roles", methods=["GET", "POST"])
@login_required
def member_roles(project_id: int, membership_id: int):
    """One person's roles, on a page of their own (the team page lists them in a table)."""
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    membership = _membership(access, membership_id)
    if request.method == "GET":
        return _roles_page(access, membership, MemberRolesForm(
            formdata=None, prefix=f"m{membership.id}",
            data={"roles": [r.value for r in membership.sorted_roles]}), 200)
    form = MemberRolesForm(prefix=f"m{membership.id}")
    if not form.validate():
        return _roles_page(access, membership, form, 422)
    refuse_into(form, lambda shown, status: _roles_page(
        project_access(project_id), membership, shown, status), field="roles")
    services.set_roles(membership, _user(), {Role(r) for r in form.roles.data})
    db.session.commit()
    flash(_("De rollen van %(name)s zijn opgeslagen.", name=membership.user.name), "success")
    return redirect(url_for("projects.team", project_id=project_id)
                    + f"#member-{membership.id}", 303)


def _roles_page(access: ProjectAccess, membership: Membership, form: MemberRolesForm,
                status: int):
    return render_template("projects/member_roles.html", access=access,
                           project=access.project, membership=membership, form=form), status


@bp.route("/<int:project_id>/team/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def member_remove(project_id: int, membership_id: int):
    access = project_access(project_id, need=Action.MANAGE_TEAM)
    membership = _membership(access, membership_id)
    name = membership.user.name
    if request.method == "GET":
        return _confirm_removal(access.project, name)
    refuse_with_flash(lambda status: _team_again(project_id, status))
    services.remove_member(membership, _user())
    db.session.commit()
    flash(_("%(name)s is uit het team gehaald.", name=name), "success")
    return redirect(url_for("projects.team", project_id=project_id), 303)


def _confirm_removal(project, name: str):
    return confirm_deletion(
        project, name, url_for("projects.team", project_id=project.id),
        _("Open taken van %(name)s gaan naar een ander met dezelfde rol, of terug naar de "
          "rol.", name=name),
        question=_("Weet u zeker dat u %(name)s uit het team wilt halen?", name=name),
        confirm=_("Ja, uit het team halen"))


def _team_again(project_id: int, status: int):
    return _team_page(project_access(project_id), AddMembersForm(formdata=None), status=status)


@bp.route("/<int:project_id>/history")
@login_required
def history(project_id: int):
    access = project_access(project_id)
    page = int_arg("page", 1)
    if not 1 <= page <= 100_000:
        abort(404)
    days, has_older = project_history.project_history(project_id, page)
    template = "projects/_history.html" if wants_partial() else "projects/history.html"
    return render_template(template, access=access, project=access.project, days=days,
                           page=page, has_older=has_older)
