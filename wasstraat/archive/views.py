"""The archive, for the archivist: each closed project's Selectielijst class and archive date,
the classes, and the destruction lists to approve."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import clock
from ..errors import refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..models import ArchiveClass, DestructionItem, DestructionList, Project
from ..zaken import services as zaken
from . import services
from .forms import ClassChoiceForm, ExcludeForm, NewClassForm

bp = Blueprint("archive", __name__, url_prefix="/archief")


def _archivist():
    user = current_user._get_current_object()
    services.require_archivist(user)
    return user


@bp.route("/")
@login_required
def index():
    _archivist()
    today = clock.today()
    shown = services.overview(today)
    return render_template(
        "archive/index.html", records=shown.records, today=today, listed=shown.listed,
        due=shown.due, classes=shown.classes, describe=services.describe,
        zaak_dates=zaken.archive_dates([r.project.id for r in shown.records]),
        lists=db.session.scalars(db.select(DestructionList).order_by(
            DestructionList.id.desc())).all())


@bp.route("/projects/<int:project_id>/class", methods=["GET", "POST"])
@login_required
def project_class(project_id: int):
    actor = _archivist()
    project = db.get_or_404(Project, project_id)
    record = services.record_of(project)
    form = ClassChoiceForm(data={"archive_class": record.archive_class.id if record else None})
    form.offer(services.classes(), services.describe)
    page = form_page("archive/project_class.html", project=project, record=record)
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="archive_class")
    services.set_class(project, db.get_or_404(ArchiveClass, form.archive_class.data), actor)
    db.session.commit()
    flash(_("De categorie van %(name)s is opgeslagen.", name=project.name), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/classes/new", methods=["GET", "POST"])
@login_required
def new_class():
    actor = _archivist()
    form = NewClassForm()
    page = form_page("archive/new_class.html")
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page)
    services.add_class(actor, **form.values())
    db.session.commit()
    flash(_("De categorie is toegevoegd."), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/lists", methods=["POST"])
@login_required
def draw_up():
    actor = _archivist()
    listed = services.draw_up(actor)
    db.session.commit()
    return redirect(url_for(".destruction_list", list_id=listed.id), 303)


@bp.route("/lists/<int:list_id>")
@login_required
def destruction_list(list_id: int):
    _archivist()
    return _list_page(db.get_or_404(DestructionList, list_id))


def _exclude_form(item_id: int, **kwargs) -> ExcludeForm:
    return ExcludeForm(prefix=f"item{item_id}", **kwargs)  # one per item on the page


def _list_page(listed: DestructionList, exclude_form: ExcludeForm | None = None,
               failed_item: int | None = None, status: int = 200):
    return render_template("archive/list.html", listed=listed, exclude_form=exclude_form,
                           failed_item=failed_item,
                           exclude_for=lambda i: _exclude_form(i, formdata=None)), status


@bp.route("/lists/<int:list_id>/items/<int:item_id>/exclude", methods=["POST"])
@login_required
def exclude(list_id: int, item_id: int):
    actor = _archivist()
    item = db.first_or_404(db.select(DestructionItem).filter_by(id=item_id, list_id=list_id))
    form = _exclude_form(item.id)

    def page(form, status):
        return _list_page(item.destruction_list, form, item.id, status)

    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, field="reason")
    services.exclude(item, form.reason.data, actor)
    db.session.commit()
    flash(_("%(name)s blijft bewaard.", name=item.project_name), "success")
    return redirect(url_for(".destruction_list", list_id=list_id), 303)


@bp.route("/lists/<int:list_id>/approve", methods=["POST"])
@login_required
def approve(list_id: int):
    actor = _archivist()
    destroyed = services.approve(db.get_or_404(DestructionList, list_id), actor)
    db.session.commit()
    flash(ngettext("De lijst is goedgekeurd: %(num)d traject is vernietigd.",
                   "De lijst is goedgekeurd: %(num)d trajecten zijn vernietigd.", destroyed),
          "success")
    return redirect(url_for(".destruction_list", list_id=list_id), 303)
