"""Step 7 and the review side of step 8: domains, reviews, sign-off, responses, overrides."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import WorkflowError, on_refusal, refuse_with_flash
from ..extensions import db
from ..models import Review, ReviewFinding
from ..navigation import back_to, came_from, confirm_deletion, with_next
from ..plans import services as plans
from ..questions import services as questions
from ..workflow import DPIA_THRESHOLD, REVIEW_DOMAINS, QuestionSet, Verdict
from . import services
from .forms import (
    DomainsForm,
    FindingForm,
    OverrideForm,
    ResponseForm,
    ReviewForm,
    SignForm,
    response_prefix,
)

bp = Blueprint("reviews", __name__, url_prefix="/projects/<int:project_id>/reviews")


def _user():
    return current_user._get_current_object()


def _response_forms(items: list[services.OpenItem]) -> dict[str, ResponseForm]:
    forms = {}
    for item in items:
        prefix = response_prefix(item.review.id, item.subject)
        response = item.response
        forms[prefix] = ResponseForm(
            formdata=None, prefix=prefix, version=response.version if response else 0,
            kind=response.kind if response else None,
            explanation=response.explanation if response else "")
    return forms


def _render_index(access: ProjectAccess, *, status: int = 200,
                  domains_form: DomainsForm | None = None,
                  failed: tuple[str, object] | None = None):
    """The review overview; ``failed`` is a (prefix, form) pair to show again with its errors."""
    project = access.project
    all_reviews = services.reviews_of(project)
    items = services.items_to_answer(all_reviews, services.responses_of(project))
    forms = _response_forms(items)
    forms.update({f"override-{r.id}": OverrideForm(formdata=None, prefix=f"override-{r.id}")
                  for r in all_reviews if r.verdict is Verdict.REJECTED})
    if failed:
        forms[failed[0]] = failed[1]
    chosen = services.chosen_domains(project)
    if domains_form is None:
        domains_form = DomainsForm(formdata=None)
        domains_form.domains.data = [d.key for d in chosen]
    latest = plans.latest_version(project)
    holders = {d.key: [m.user.name for m in project.memberships if d.role in m.roles]
               for d in REVIEW_DOMAINS}
    asked = questions.questions_of(project, QuestionSet.REVIEW)
    versions: dict[int, list[Review]] = {}
    for review in all_reviews:
        versions.setdefault(review.plan_version.number, []).append(review)
    return render_template(
        "reviews/index.html", access=access, project=project, domains_form=domains_form,
        chosen=chosen, versions=versions, latest=latest,
        open_blockers=services.open_blockers(project, latest, chosen), items=items,
        latest_by_domain=services.latest_by_domain(all_reviews), forms=forms,
        response_prefix=response_prefix,
        domain_descriptions={
            key: (_("In het team: %(names)s", names=", ".join(names)) if names else
                  _("Nog niemand met deze rol in het team."))
            for key, names in holders.items()},
        unstaffed=[d for d in chosen if not holders[d.key]],
        questions=[(d, asked[d.key]) for d in REVIEW_DOMAINS if asked[d.key]],
    ), status


def _here(project_id: int, review_id: int, anchor: str = "") -> str:
    """The review page again, keeping the page the review was opened from."""
    url = url_for("reviews.show", project_id=project_id, review_id=review_id) + anchor
    return with_next(url, came_from())


@bp.route("")
@login_required
def index(project_id: int):
    return _render_index(project_access(project_id))


def _refuse_on_index(project_id: int) -> None:
    """A refused action shows the reviews again with the reason above them."""
    refuse_with_flash(lambda status: _render_index(project_access(project_id), status=status))


@bp.route("/domains", methods=["POST"])
@login_required
def domains(project_id: int):
    access = project_access(project_id, need=Action.CHOOSE_REVIEWERS)
    form = DomainsForm()
    if not form.validate_on_submit():
        return _render_index(access, status=422, domains_form=form)
    _refuse_on_index(project_id)
    services.choose_domains(access.project, _user(), form.domains.data)
    db.session.commit()
    flash(_("De toetsdomeinen zijn opgeslagen."), "success")
    return redirect(url_for("reviews.index", project_id=project_id), 303)


@bp.route("/open", methods=["POST"])
@login_required
def open_review(project_id: int):
    access = project_access(project_id, need=Action.OPEN_REVIEW)
    _refuse_on_index(project_id)
    created = services.open_review(access.project, _user())
    db.session.commit()
    flash(ngettext("De toetsing is geopend; %(num)d toetsdomein heeft een taak gekregen.",
                   "De toetsing is geopend; %(num)d toetsdomeinen hebben een taak gekregen.",
                   len(created)), "success")
    return redirect(url_for("reviews.index", project_id=project_id), 303)


def _review(access: ProjectAccess, review_id: int) -> Review:
    return project_object(access, Review, review_id)


def _render_review(access: ProjectAccess, review: Review, *, form: ReviewForm | None = None,
                   finding_form: FindingForm | None = None, status: int = 200):
    improvements = services.improvements_in(review)
    if form is None:
        form = ReviewForm(formdata=None, obj=review)
    form.fit(review.questions)
    if finding_form is None:
        finding_form = FindingForm(formdata=None)
    finding_form.setup_choices(improvements)
    findings_by_improvement: dict[int, list[ReviewFinding]] = {}
    for finding in review.findings:
        findings_by_improvement.setdefault(finding.improvement_id or 0, []).append(finding)
    domain = review.domain_info
    may_edit = access.can(Action.REVIEW, domain=domain) and not review.is_signed
    return render_template(
        "reviews/show.html", access=access, project=access.project, review=review,
        domain=domain, improvements=improvements, form=form, finding_form=finding_form,
        sign_form=SignForm(formdata=None, obj=review), findings=findings_by_improvement,
        may_edit=may_edit, sign_blockers=services.sign_blockers(review),
        dpia_threshold=DPIA_THRESHOLD,
    ), status


def _refuse_on_review(project_id: int, review_id: int,
                      finding_form: FindingForm | None = None) -> None:
    """A refused change shows the review as it is now, the reason on the form that was sent
    (the finding form, or else the review form)."""

    def render(error: WorkflowError):
        access = project_access(project_id)
        review = _review(access, review_id)
        form = ReviewForm(formdata=None, obj=review)
        (finding_form or form).form_errors.append(error.message)
        return _render_review(access, review, form=form, finding_form=finding_form,
                              status=error.status_code)

    on_refusal(render)


@bp.route("/<int:review_id>", methods=["GET", "POST"])
@login_required
def show(project_id: int, review_id: int):
    access = project_access(project_id)
    review = _review(access, review_id)
    if request.method == "GET":
        return _render_review(access, review)
    access.require(Action.REVIEW, domain=review.domain_info)
    form = ReviewForm().fit(review.questions)
    if not form.validate_on_submit():
        return _render_review(access, review, form=form, status=422)
    _refuse_on_review(project_id, review_id)
    services.save_review(review, access.project, _user(), expected_version=form.version.data,
                         values={"verdict": form.verdict.data or None,
                                 "motivation": form.motivation.data or "",
                                 "conditions": form.conditions.data or "",
                                 "dpia_criteria": form.dpia_criteria.data or [],
                                 "answers": [answer or "" for answer in form.answers.data]})
    db.session.commit()
    flash(_("Uw toetsing is opgeslagen als concept."), "success")
    return redirect(_here(project_id, review_id), 303)


@bp.route("/<int:review_id>/findings", methods=["POST"])
@login_required
def add_finding(project_id: int, review_id: int):
    access = project_access(project_id)
    review = _review(access, review_id)
    access.require(Action.REVIEW, domain=review.domain_info)
    form = FindingForm()
    form.setup_choices(services.improvements_in(review))
    if not form.validate_on_submit():
        return _render_review(access, review, finding_form=form, status=422)
    _refuse_on_review(project_id, review_id, finding_form=form)
    services.add_finding(review, access.project, _user(),
                         improvement_id=form.improvement_id.data,
                         remark=form.remark.data or "", condition=form.condition.data or "",
                         cost_estimate=form.cost_estimate.data,
                         lead_time_weeks=form.lead_time_weeks.data)
    db.session.commit()
    flash(_("De bevinding is toegevoegd."), "success")
    return redirect(_here(project_id, review_id, "#findings"), 303)


@bp.route("/<int:review_id>/findings/<int:finding_id>/delete", methods=["GET", "POST"])
@login_required
def delete_finding(project_id: int, review_id: int, finding_id: int):
    access = project_access(project_id)
    review = _review(access, review_id)
    access.require(Action.REVIEW, domain=review.domain_info)
    finding = db.session.scalar(select(ReviewFinding).where(
        ReviewFinding.id == finding_id, ReviewFinding.review_id == review.id))
    if finding is None:
        abort(404)
    if request.method == "GET":
        return confirm_deletion(
            access.project, _("bevinding bij %(title)s", title=finding.improvement_title),
            _here(project_id, review_id, "#findings"))
    _refuse_on_review(project_id, review_id)
    services.delete_finding(review, finding, access.project, _user())
    db.session.commit()
    flash(_("De bevinding is verwijderd."), "success")
    return redirect(_here(project_id, review_id, "#findings"), 303)


@bp.route("/<int:review_id>/sign", methods=["POST"])
@login_required
def sign(project_id: int, review_id: int):
    access = project_access(project_id)
    review = _review(access, review_id)
    domain = review.domain_info
    access.require(Action.REVIEW, domain=domain)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    _refuse_on_review(project_id, review_id)
    services.sign(review, access.project, _user(), domain.role,
                  expected_version=form.version.data)
    db.session.commit()
    return back_to(url_for("reviews.show", project_id=project_id, review_id=review_id),
                   _("U heeft de toetsing ondertekend."))


@bp.route("/<int:review_id>/override", methods=["POST"])
@login_required
def override(project_id: int, review_id: int):
    access = project_access(project_id, need=Action.OVERRIDE_REJECTION)
    review = _review(access, review_id)
    form = OverrideForm(prefix=f"override-{review.id}")
    if not form.validate_on_submit():
        return _render_index(access, status=422, failed=(f"override-{review.id}", form))
    _refuse_on_index(project_id)
    services.override(review, access.project, _user(), form.motivation.data)
    db.session.commit()
    flash(_("Uw besluit om door te gaan is vastgelegd."), "success")
    return redirect(url_for("reviews.index", project_id=project_id), 303)


@bp.route("/<int:review_id>/rereview", methods=["POST"])
@login_required
def rereview(project_id: int, review_id: int):
    access = project_access(project_id, need=Action.REQUEST_RE_REVIEW)
    review = _review(access, review_id)
    _refuse_on_index(project_id)
    services.request_re_review(access.project, review, _user())
    db.session.commit()
    flash(_("%(domain)s toetst de nieuwe versie; de specialist heeft een taak gekregen.",
            domain=_(review.domain_info.label)), "success")
    return redirect(url_for("reviews.index", project_id=project_id), 303)


@bp.route("/<int:review_id>/respond", methods=["POST"])
@login_required
def respond(project_id: int, review_id: int):
    access = project_access(project_id, need=Action.RESPOND_FINDINGS)
    review = _review(access, review_id)
    subject = (request.form.get("subject") or "")[:40]
    key = response_prefix(review.id, subject)
    form = ResponseForm(prefix=key)
    if not form.validate_on_submit():
        return _render_index(access, status=422, failed=(key, form))
    _refuse_on_index(project_id)
    services.respond(review, access.project, _user(), subject=subject,
                     kind=form.kind.data, explanation=form.explanation.data,
                     expected_version=form.version.data)
    db.session.commit()
    flash(_("Uw reactie is opgeslagen."), "success")
    return redirect(url_for("reviews.index", project_id=project_id) + f"#{key}", 303)
