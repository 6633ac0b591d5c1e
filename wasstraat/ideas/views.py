"""The idea box: every employee posts and follows ideas (ideas.index, .new, .show); the
coordinators triage them on the idea's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import refuse_into
from ..extensions import db
from ..forms import FlaskForm, form_page, prefilled, show_form
from ..library.queries import described_processes
from ..models import Idea, Project
from ..workflow import IdeaState, Role
from . import queries, services
from .forms import DeclineForm, IdeaForm, IntoProjectForm, MergeForm, NewProjectFromIdeaForm

bp = Blueprint("ideas", __name__, url_prefix="/ideas")


def _user():
    return current_user._get_current_object()


def _idea(idea_id: int) -> Idea:
    return db.get_or_404(Idea, idea_id)


@bp.route("")
@login_required
def index():
    shown = request.args.get("shown", "open")
    if shown not in queries.SHOWN:
        abort(400)
    rows, page = queries.box(_user(), shown, request.args.get("page", 1, type=int))
    return render_template("ideas/index.html", rows=rows, page=page, shown=shown,
                           coordinator=services.is_coordinator(_user()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = IdeaForm()
    form.offer(db.session.scalars(described_processes()).all())
    page = form_page("ideas/new.html")
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    idea = services.post(_user(), **form.values())
    db.session.commit()
    flash(_("Uw idee staat in de ideeënbus. U hoort wat ermee gebeurt."), "success")
    return redirect(url_for(".show", idea_id=idea.id), 303)


@bp.route("/similar")
@login_required
def similar():
    title = (request.args.get("title") or "")[:200]
    ideas = services.similar_ideas(title) if len(title) >= 4 else []
    return render_template("ideas/_similar.html", ideas=ideas)


def _triage(idea: Idea, **sent) -> dict:
    """What a coordinator sees to triage an open idea: its look-alikes and the three forms,
    the sent one as sent (with its choices, for its check), the others fresh."""
    alike = services.similar_ideas(idea.title, other_than=idea.id)
    version = {"version": idea.version}
    forms = {"into_form": IntoProjectForm(formdata=None, data=version),
             "merge_form": MergeForm(formdata=None, data=version),
             "decline_form": DeclineForm(formdata=None, data=version)} | sent
    forms["into_form"].offer(services.running_projects())
    forms["merge_form"].offer(services.merge_candidates(idea, alike))
    return {"similar": alike, **forms}


def _show(idea: Idea, status: int = 200, triage: dict | None = None):
    user = _user()
    coordinator = services.is_coordinator(user) and idea.state is IdeaState.OPEN
    if coordinator and triage is None:
        triage = _triage(idea)
    return render_template(
        "ideas/show.html", idea=idea, follows=services.follows(idea, user),
        may_open_project=services.may_open_project(idea, user),
        followers=services.follower_count(idea), coordinator=coordinator,
        **(triage if coordinator else {"similar": []}),
        follow_form=FlaskForm(formdata=None)), status


@bp.route("/<int:idea_id>")
@login_required
def show(idea_id: int):
    return _show(_idea(idea_id))


@bp.route("/<int:idea_id>/follow", methods=["POST"])
@login_required
def follow(idea_id: int):
    idea = _idea(idea_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    following = request.form.get("follow") != "no"
    (services.follow if following else services.unfollow)(idea, _user())
    db.session.commit()
    flash(_("U volgt dit idee.") if following else _("U volgt dit idee niet meer."), "success")
    return redirect(url_for(".show", idea_id=idea.id), 303)


def _decide(idea_id: int, form_class, name: str, field: str, decide):
    """A triage form sent: checked with its choices, refused on the idea's page, or decided
    (``decide(idea, form)`` gives the message) and back to the idea."""
    services.require_coordinator(_user())
    idea = _idea(idea_id)
    services.require_open(idea)
    triage = _triage(idea, **{name: form_class()})
    form = triage[name]

    def page(shown, status):
        return _show(idea, status, triage | {name: shown})

    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field=field)
    message = decide(idea, form)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".show", idea_id=idea.id), 303)


@bp.route("/<int:idea_id>/into-project", methods=["POST"])
@login_required
def into_project(idea_id: int):
    def decide(idea, form):
        project = db.get_or_404(Project, form.project_id.data)
        services.into_project(idea, project, _user(), expected_version=form.version.data)
        return _("Het idee staat nu bij de verbeteringen van %(name)s.", name=project.name)

    return _decide(idea_id, IntoProjectForm, "into_form", "project_id", decide)


@bp.route("/<int:idea_id>/merge", methods=["POST"])
@login_required
def merge(idea_id: int):
    def decide(idea, form):
        services.merge(idea, _idea(form.into_id.data), _user(),
                       expected_version=form.version.data)
        return _("Het idee is samengevoegd; de volgers volgen nu het andere idee.")

    return _decide(idea_id, MergeForm, "merge_form", "into_id", decide)


@bp.route("/<int:idea_id>/decline", methods=["POST"])
@login_required
def decline(idea_id: int):
    def decide(idea, form):
        services.decline(idea, _user(), expected_version=form.version.data,
                         reason=form.reason.data)
        return _("Het idee is afgewezen; de indiener en de volgers lezen de reden.")

    return _decide(idea_id, DeclineForm, "decline_form", "reason", decide)


@bp.route("/<int:idea_id>/new-project", methods=["GET", "POST"])
@login_required
def new_project(idea_id: int):
    services.require_coordinator(_user())
    idea = _idea(idea_id)
    services.require_open(idea)
    form = prefilled(NewProjectFromIdeaForm, services.project_values(idea))
    page = form_page("ideas/new_project.html", idea=idea)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="my_roles")
    project = services.into_new_project(
        idea, _user(), expected_version=form.version.data, project_values=form.values(),
        creator_roles={Role(r) for r in form.my_roles.data})
    db.session.commit()
    flash(_("Het traject is aangemaakt, met het idee als eerste verbetering. Stel nu de "
            "projectgroep samen."), "success")
    return redirect(url_for("projects.team", project_id=project.id), 303)
