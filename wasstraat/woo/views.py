"""A project's Woo publications (prepare, review, approve, deliver, withdraw) and the
organisation as publisher (administrators)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, audit
from ..access import ProjectAccess
from ..admin.views import admin_required
from ..errors import InvalidInput, refuse_into, refuse_with_flash
from ..extensions import db
from ..forms import VersionedForm, form_page, show_form
from ..http import member_or_404
from ..models import WooPublication
from ..workflow import WOO_CATEGORIES, WOO_SOURCES, Action, WooDocument, WooGround, WooState
from . import services
from .forms import (
    PassageForm,
    PrepareForm,
    PublishedForm,
    ReasonForm,
    WooSettingsForm,
    grounds_of,
    redaction_form,
)

bp = Blueprint("woo", __name__)
_BASE = "/projects/<int:project_id>/woo"
_ONE = _BASE + "/<int:publication_id>"


def _actor():
    return current_user._get_current_object()


# --- The organisation as publisher -------------------------------------------------------------

def _settings_form(**kwargs) -> WooSettingsForm:
    row = services.settings()
    form = WooSettingsForm(obj=row, **kwargs)
    if not form.is_submitted() or kwargs.get("formdata", True) is None:
        form.preparer.data = row.preparer.value
    return form


@bp.route("/admin/woo", methods=["GET", "POST"])
@admin_required
def settings():
    form = _settings_form()
    page = form_page("woo/settings.html")
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _settings_form(formdata=None))
    services.save_settings(_actor(), expected_version=form.version.data, values=form.values())
    db.session.commit()
    flash(_("De instellingen voor Woo-publicaties zijn opgeslagen."), "success")
    return redirect(url_for(".settings"), 303)


# --- A project's publications ------------------------------------------------------------------

def _index(project_access: ProjectAccess, status: int = 200, forms: dict | None = None):
    project = project_access.project
    forms = forms or _prepare_forms(project)
    publications = services.publications(project)
    return render_template(
        "woo/index.html", project=project, access=project_access, forms=forms,
        publications=publications, Action=Action, running=services.running(publications),
        not_ready={d: services.not_ready(project, d) for d in WooDocument},
        descriptions={d: services.category_descriptions(d) for d in WooDocument}), status


def _prepare_forms(project) -> dict:
    """Each document's form, with the proposed category and a title to start from."""
    return {d: PrepareForm(formdata=None, category=WOO_SOURCES[d].proposed,
                           title=services.proposed_title(project, d)) for d in WooDocument}


@bp.route(_BASE)
@login_required
def index(project_id: int):
    return _index(access.project_access(project_id))


@bp.route(_BASE + "/<document>", methods=["POST"])
@login_required
def prepare(project_id: int, document: str):
    project_access = access.project_access(project_id, need=Action.PREPARE_PUBLICATION)
    kind = member_or_404(WooDocument, document)
    form = PrepareForm()
    forms = _prepare_forms(project_access.project) | {kind: form}
    if not form.validate_on_submit():
        return _index(project_access, 422, forms)
    refuse_into(form, lambda f, status: _index(project_access, status, forms))
    publication = services.prepare(project_access.project, _actor(), document=kind,
                                   category=form.category.data, title=form.title.data)
    db.session.commit()
    return redirect(url_for(".publication", project_id=project_id,
                            publication_id=publication.id), 303)


def _one(project_id: int, publication_id: int, need: Action = Action.VIEW_PROJECT):
    project_access = access.project_access(project_id, need=need)
    return project_access, access.project_object(project_access, WooPublication,
                                                 publication_id)


def _page(project_access: ProjectAccess, publication: WooPublication, status: int = 200,
          **forms):
    forms.setdefault("redactions", redaction_form(publication.findings, formdata=None,
                                                  version=publication.version))
    for name, form in (("passage", PassageForm), ("send_back", ReasonForm),
                       ("withdrawal", ReasonForm), ("published", PublishedForm)):
        forms.setdefault(name, form(formdata=None, version=publication.version))
    return render_template(
        "woo/publication.html", project=project_access.project, access=project_access,
        publication=publication, forms=forms, states=WooState, Action=Action,
        category=WOO_CATEGORIES.get(publication.category), settings=services.settings(),
        four_eyes=services.four_eyes_problem(publication, _actor())), status


@bp.route(_ONE)
@login_required
def publication(project_id: int, publication_id: int):
    return _page(*_one(project_id, publication_id))


@bp.route(_ONE + "/redactions", methods=["POST"])
@login_required
def decide(project_id: int, publication_id: int):
    project_access, found = _one(project_id, publication_id, Action.PREPARE_PUBLICATION)
    form = redaction_form(found.findings)
    if not form.validate_on_submit():
        return _page(project_access, found, 422, redactions=form)
    refuse_into(form, lambda f, status: _page(project_access, found, status, redactions=f))
    services.decide(found, _actor(), expected_version=form.version.data,
                    grounds=grounds_of(form))
    db.session.commit()
    flash(_("De beslissingen zijn opgeslagen."), "success")
    return _back(found)


@bp.route(_ONE + "/passages", methods=["POST"])
@login_required
def add_passage(project_id: int, publication_id: int):
    project_access, found = _one(project_id, publication_id, Action.PREPARE_PUBLICATION)
    form = PassageForm()
    if not form.validate_on_submit():
        return _page(project_access, found, 422, passage=form)
    refuse_into(form, lambda f, status: _page(project_access, found, status, passage=f))
    services.add_passage(found, _actor(), text=form.text.data, ground=_ground(form))
    db.session.commit()
    flash(_("De passage wordt weggelakt."), "success")
    return _back(found)


def _ground(form: PassageForm):
    return WooGround(form.ground.data)


def _back(publication: WooPublication):
    return redirect(url_for(".publication", project_id=publication.project_id,
                            publication_id=publication.id), 303)


def _button(project_id: int, publication_id: int, need: Action, act, done: str,
            form_name: str | None = None, form_class=ReasonForm):
    """A state change from a button, or from a form with a reason or an address: a refusal
    shows above the page, or at the form that was sent."""
    project_access, found = _one(project_id, publication_id, need)
    form = form_class()
    if form_name is None:
        refuse_with_flash(lambda status: _page(project_access, found, status))
        if not form.validate_on_submit():
            raise InvalidInput(_("Het formulier kwam niet volledig aan. Laad de pagina "
                                 "opnieuw en probeer het nog eens."))
    elif not form.validate_on_submit():
        return _page(project_access, found, 422, **{form_name: form})
    else:
        refuse_into(form, lambda f, status: _page(project_access, found, status,
                                                  **{form_name: f}))
    act(found, form)
    db.session.commit()
    flash(done, "success")
    return _back(found)


@bp.route(_ONE + "/submit", methods=["POST"])
@login_required
def submit(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.PREPARE_PUBLICATION,
                   lambda p, f: services.submit(p, _actor(), expected_version=f.version.data),
                   _("De weglakkingen liggen ter goedkeuring."), form_class=VersionedForm)


@bp.route(_ONE + "/approve", methods=["POST"])
@login_required
def approve(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.APPROVE_PUBLICATION,
                   lambda p, f: services.approve(p, _actor(), expected_version=f.version.data),
                   _("De weglakkingen zijn goedgekeurd; de PDF/A is gemaakt."),
                   form_class=VersionedForm)


@bp.route(_ONE + "/send-back", methods=["POST"])
@login_required
def send_back(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.APPROVE_PUBLICATION,
                   lambda p, f: services.send_back(p, _actor(), expected_version=f.version.data,
                                                   reason=f.reason.data),
                   _("De weglakkingen zijn teruggestuurd."), "send_back")


@bp.route(_ONE + "/deliver", methods=["POST"])
@login_required
def deliver(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.PREPARE_PUBLICATION,
                   lambda p, f: services.deliver(p, _actor(), expected_version=f.version.data),
                   _("Gepubliceerd in de publicatiebank."), form_class=VersionedForm)


@bp.route(_ONE + "/published", methods=["POST"])
@login_required
def record_published(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.PREPARE_PUBLICATION,
                   lambda p, f: services.record_published(
                       p, _actor(), expected_version=f.version.data, url=f.url.data),
                   _("De publicatie is vastgelegd."), "published", PublishedForm)


@bp.route(_ONE + "/withdraw", methods=["POST"])
@login_required
def withdraw(project_id: int, publication_id: int):
    return _button(project_id, publication_id, Action.PREPARE_PUBLICATION,
                   lambda p, f: services.withdraw(p, _actor(), expected_version=f.version.data,
                                                  reason=f.reason.data),
                   _("De publicatie is ingetrokken."), "withdrawal")


@bp.route(_ONE + "/package.zip")
@login_required
def package(project_id: int, publication_id: int):
    project_access, found = _one(project_id, publication_id)
    if not (project_access.permits(Action.PREPARE_PUBLICATION)
            or project_access.permits(Action.APPROVE_PUBLICATION)):
        abort(403)
    result = services.package(found)
    audit.record("woo.package", "woo_publication", found.id, project_id, actor=_actor(),
                 after={"file": result.filename})
    db.session.commit()
    return Response(result.content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"'})
