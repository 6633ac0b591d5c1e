"""Step 3: map the current process (3a) and check it (3b); step 8: the desired process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import refuse_above, refuse_into
from ..extensions import db
from ..forms import form_page, show_form
from ..mining import services as mining
from ..models import ProcessAttachment, ProcessStep
from ..navigation import back_to, confirm_deletion
from . import attachments, services
from .forms import AttachmentForm, EditProcessStepForm, NewProcessStepForm, ProcessCheckForm

bp = Blueprint("process", __name__, url_prefix="/projects/<int:project_id>/process")


def _user():
    return current_user._get_current_object()


def _render(access: ProjectAccess, *, form=None, check_form=None, attachment_form=None,
            status: int = 200, error: str | None = None):
    project = access.project
    steps = services.steps_of(project)
    checks = services.checks_of(project)
    return render_template(
        "process/index.html", access=access, project=project, steps=steps,
        handovers=services.handovers(steps), summary=services.summary(steps), checks=checks,
        checked_by={c.user_id: c for c in checks},
        participants=services.check_participants(project),
        is_participant=services.is_participant(project, _user()),
        form=form or NewProcessStepForm(formdata=None),
        check_form=check_form or ProcessCheckForm(formdata=None), error=error,
        attachments=attachments.attachments_of(project),
        attachment_form=attachment_form or AttachmentForm(formdata=None),
        allowed_extensions=attachments.allowed_extensions(),
        max_megabytes=attachments.max_bytes() // (1024 * 1024),
        **mining.section(access, "current"),
    ), status


def _render_desired(access: ProjectAccess, *, form=None, status: int = 200,
                    error: str | None = None):
    project = access.project
    current = services.steps_of(project, services.CURRENT)
    desired = services.steps_of(project, services.DESIRED)
    comparison = services.compare(current, desired)
    return render_template(
        "process/desired.html", access=access, project=project, steps=desired,
        handovers=services.handovers(desired),
        comparison=comparison, timeline=services.timeline(comparison),
        form=form or NewProcessStepForm(formdata=None), error=error, variant=services.DESIRED,
    ), status


@dataclass(frozen=True)
class Description:
    """A description of the process as the views serve it (which step edits it is in
    workflow.PROCESS_VARIANTS): who edits it, its page, how the page is drawn."""

    editor: Action
    endpoint: str
    render: Callable


DESCRIPTIONS = {
    services.CURRENT: Description(Action.EDIT_PROCESS, "process.index", _render),
    services.DESIRED: Description(Action.EDIT_DESIRED_PROCESS, "process.desired",
                                  _render_desired),
}


def _step(access: ProjectAccess, step_id: int) -> ProcessStep:
    """A step of this project, for whoever may edit its description (else 403)."""
    step = project_object(access, ProcessStep, step_id)
    access.require(DESCRIPTIONS[step.variant].editor)
    return step


def _page(project_id: int, variant: str) -> str:
    return url_for(DESCRIPTIONS[variant].endpoint, project_id=project_id)


def _refuse_on(project_id: int, variant: str = services.CURRENT, field: str | None = None,
               **forms) -> None:
    """A refusal shows the description again with the reason on top."""
    refuse_above(lambda **shown: DESCRIPTIONS[variant].render(project_access(project_id),
                                                              **shown), field=field, **forms)


def _back(project_id: int, message: str, anchor: str = "",
          variant: str = services.CURRENT):
    db.session.commit()
    return back_to(_page(project_id, variant) + anchor, message)


@bp.route("", methods=["GET", "POST"])
@login_required
def index(project_id: int):
    """Step 3: the current process."""
    return _page_of(project_id, services.CURRENT)


@bp.route("/desired", methods=["GET", "POST"])
@login_required
def desired(project_id: int):
    """Step 8: the desired process, the adjusted activities, beside the current one."""
    return _page_of(project_id, services.DESIRED)


def _page_of(project_id: int, variant: str):
    """A description's page; a POST adds an activity to it."""
    description = DESCRIPTIONS[variant]
    access = project_access(project_id)
    if request.method == "GET":
        return description.render(access)
    access.require(description.editor)
    form = NewProcessStepForm()
    if not form.validate_on_submit():
        return description.render(access, form=form, status=422)
    _refuse_on(project_id, variant, form=form)
    services.add_step(access.project, _user(), form.values(), variant=variant)
    return _back(project_id, _("De processtap is toegevoegd."), "#add-heading", variant)


@bp.route("/<int:step_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int, step_id: int):
    access = project_access(project_id)
    step = _step(access, step_id)
    form = EditProcessStepForm(obj=step)
    page = form_page("process/edit.html", access=access, project=access.project, step=step,
                     variant=step.variant, back=_page(project_id, step.variant))
    if not form.validate_on_submit():
        return show_form(page, form)
    refuse_into(form, page, reload=lambda: EditProcessStepForm(
        formdata=None, obj=_step(project_access(project_id), step_id)))
    services.update_step(step, access.project, _user(), expected_version=form.version.data,
                         values=form.values())
    db.session.commit()
    flash(_("De processtap is opgeslagen."), "success")
    return redirect(_page(project_id, step.variant), 303)


@bp.route("/<int:step_id>/move", methods=["POST"])
@login_required
def move(project_id: int, step_id: int):
    access = project_access(project_id)
    step = _step(access, step_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    _refuse_on(project_id, step.variant)
    services.move_step(step, access.project, _user(), offset)
    return _back(project_id, _("De volgorde is aangepast."), f"#process-step-{step_id}",
                 step.variant)


@bp.route("/<int:step_id>/delete", methods=["GET", "POST"])
@login_required
def delete(project_id: int, step_id: int):
    access = project_access(project_id)
    step = _step(access, step_id)
    variant = step.variant
    if request.method == "GET":
        return confirm_deletion(access.project, step.activity, _page(project_id, variant))
    _refuse_on(project_id, variant)
    services.delete_step(step, access.project, _user())
    return _back(project_id, _("De processtap is verwijderd."), variant=variant)


@bp.route("/attachments", methods=["POST"])
@login_required
def upload(project_id: int):
    access = project_access(project_id, need=Action.EDIT_PROCESS)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _render(access, attachment_form=form, status=422)
    upload = form.file.data
    _refuse_on(project_id, field="file", attachment_form=form)
    attachments.add_attachment(access.project, _user(), upload.filename or "",
                               upload.read(attachments.max_bytes() + 1))
    return _back(project_id, _("Het bestand is toegevoegd."), "#attachments-heading")


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(project_id: int, attachment_id: int):
    access = project_access(project_id)
    row = _attachment(access, attachment_id)
    response = send_file(BytesIO(row.data), mimetype=row.content_type, as_attachment=True,
                         download_name=row.filename, max_age=0)
    # Never rendered by the browser, whatever the file claims to be.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["GET", "POST"])
@login_required
def delete_attachment(project_id: int, attachment_id: int):
    access = project_access(project_id, need=Action.EDIT_PROCESS)
    row = _attachment(access, attachment_id)
    if request.method == "GET":
        return confirm_deletion(access.project, row.filename,
                                url_for("process.index", project_id=project_id))
    _refuse_on(project_id)
    attachments.delete_attachment(row, access.project, _user())
    return _back(project_id, _("Het bestand is verwijderd."), "#attachments-heading")


def _attachment(access: ProjectAccess, attachment_id: int) -> ProcessAttachment:
    return project_object(access, ProcessAttachment, attachment_id)


@bp.route("/check", methods=["POST"])
@login_required
def check(project_id: int):
    access = project_access(project_id, need=Action.CHECK_PROCESS)
    form = ProcessCheckForm()
    if not form.validate_on_submit():
        return _render(access, check_form=form, status=422)
    _refuse_on(project_id, field="correction", check_form=form)
    services.record_check(access.project, _user(), confirmed=form.verdict.data == "confirmed",
                          correction=form.correction.data or "")
    return _back(project_id, _("Uw controle is vastgelegd."), "#check-heading")
