"""Templates per process type: the list (for administrators and coordinators), a version with
its JSON document (for everyone signed in), saving a project as a template, and importing a
template's document with a preview."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import project_access
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, prefilled, show_form
from ..models import TemplateVersion
from ..workflow import CopyPart, QuestionSet, Requirement
from . import services
from .forms import SaveTemplateForm, TemplateImportForm

bp = Blueprint("project_templates", __name__)


def _keeper():
    user = current_user._get_current_object()
    services.require_keeper(user)
    return user


@bp.route("/templates")
@login_required
def index():
    _keeper()
    return render_template("project_templates/index.html", templates=services.templates(),
                           kinds=services.process_kinds())


@bp.route("/templates/versions/<int:version_id>")
@login_required
def version(version_id: int):
    shown = db.get_or_404(TemplateVersion, version_id)
    return render_template("project_templates/version.html", version=shown,
                           requirements=[(Requirement(r["requirement"]), r["step"])
                                         for r in shown.requirements],
                           keeper=services.may_keep_templates(current_user),
                           part_titles=services.PART_TITLES,
                           subjects={question_set.part.value: question_set.subjects
                                     for question_set in QuestionSet})


@bp.route("/templates/versions/<int:version_id>.json")
@login_required
def export(version_id: int):
    shown = db.get_or_404(TemplateVersion, version_id)
    body = json.dumps(services.document(shown), ensure_ascii=False, indent=2)
    name = f"sjabloon-{shown.template_id}-v{shown.number}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/projects/<int:project_id>/template", methods=["GET", "POST"])
@login_required
def save(project_id: int):
    project = project_access(project_id).project
    actor = _keeper()
    form = prefilled(SaveTemplateForm, {"name": project.product,
                                        "parts": [p.value for p in CopyPart]})
    form.offer(services.process_kinds())
    page = form_page("project_templates/save.html", project=project)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    saved = services.save_from_project(
        project, actor, name=form.name.data, process_kind=form.process_kind.data,
        parts={CopyPart(p) for p in form.parts.data}, requirements=form.requirements())
    db.session.commit()
    flash(_("Versie %(number)d van het sjabloon %(name)s is opgeslagen.",
            number=saved.number, name=saved.template.name), "success")
    return redirect(url_for(".version", version_id=saved.id), 303)


def _import_page(parsed: dict | None = None, problems: list[str] | None = None):
    return form_page("project_templates/import.html", parsed=parsed, problems=problems or [],
                     part_titles=services.PART_TITLES)


@bp.route("/templates/import", methods=["GET", "POST"])
@login_required
def import_document():
    """A file is shown first, with what is wrong; its checked document is imported when the
    keeper confirms (and checked again then)."""
    actor = _keeper()
    form = TemplateImportForm()
    if not form.validate_on_submit():
        return show_form(_import_page(), form)
    chosen = form.file.data if form.file.data and form.file.data.filename else None
    parsed, problems = services.read_document(
        chosen.read() if chosen else (form.document.data or "").encode())
    if problems or chosen:
        form.document.data = "" if problems else json.dumps(parsed, ensure_ascii=False)
        return _import_page(parsed, problems)(form, 422 if problems else 200)
    refuse_into(form, _import_page())
    saved = services.import_document(parsed, actor)
    db.session.commit()
    flash(_("Het sjabloon %(name)s is geïmporteerd als versie %(number)d.",
            name=saved.template.name, number=saved.number), "success")
    return redirect(url_for(".version", version_id=saved.id), 303)
