"""The connection to Open Zaak (administrators) and each project's zaakdossier."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import access
from ..admin.views import admin_required
from ..archive import services as archive
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import Project
from ..workflow import ZaakPartState
from . import services
from .forms import settings_form

bp = Blueprint("zaken", __name__)


def _form(**kwargs):
    row = services.settings()
    form = settings_form(archive.classes(), archive.describe, obj=row, **kwargs)
    if not form.is_submitted():
        form.fill(row)
    return form


@bp.route("/admin/zaaksysteem", methods=["GET", "POST"])
@admin_required
def settings():
    form = _form()
    page = form_page("zaken/settings.html", checks=None)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: _form(formdata=None))
    services.save_settings(current_user._get_current_object(),
                           expected_version=form.version.data, values=form.values(),
                           resultaattypen=form.resultaattypen())
    db.session.commit()
    flash(_("De koppeling met Open Zaak is opgeslagen."), "success")
    return redirect(url_for(".settings"), 303)


@bp.route("/admin/zaaksysteem/test", methods=["POST"])
@admin_required
def test_connection():
    checks = services.test_connection(current_user._get_current_object())
    return render_template("zaken/settings.html", form=_form(formdata=None), checks=checks)


@bp.route("/projects/<int:project_id>/zaakdossier")
@login_required
def dossier(project_id: int):
    project = access.project_access(project_id).project
    return render_template("zaken/dossier.html", project=project,
                           dossier=services.dossier(project), settings=services.settings(),
                           describe=services.describe, states=ZaakPartState)


@bp.route("/projects/<int:project_id>/zaakdossier/retry", methods=["POST"])
@admin_required
def retry(project_id: int):
    project = db.get_or_404(Project, project_id)
    count = services.retry(project, current_user._get_current_object())
    db.session.commit()
    flash(ngettext("%(num)d onderdeel wordt opnieuw verstuurd.",
                   "%(num)d onderdelen worden opnieuw verstuurd.", count), "success")
    return redirect(url_for(".dossier", project_id=project.id), 303)
