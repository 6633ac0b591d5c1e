"""Steps 6 and 8: the improvement board, the plan's texts, its versions, final and approved."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import approvals, fragments
from ..access import Action, ProjectAccess, project_access, project_object
from ..errors import WorkflowError, on_refusal, refuse_into, refuse_with_flash
from ..extensions import db
from ..improvements.sources import describe
from ..jobs import make_kept_pdf
from ..models import Improvement
from ..navigation import back_to, came_from, page_arg, with_next
from ..page_cache import cached_page, project_scope
from ..paging import Window, window
from ..reviews import services as reviews
from ..risks import services as risks
from ..workflow import PLAN_SECTIONS, Decision, Horizon
from . import services
from .forms import ApproveForm, MergeForm, PlanFieldsForm, PlanTextsForm, UnmergeForm

bp = Blueprint("plans", __name__, url_prefix="/projects/<int:project_id>/plan")


def _user():
    return current_user._get_current_object()


ROWS_PER_GROUP = 50
GROUP_KEYS = ("quick_wins", "long_term", "open", "not_pursued", "merged")


@dataclass(frozen=True)
class BoardGroup:
    """One section of the board, a page of its rows at a time (``?<key>-page=n``)."""

    key: str
    heading: str
    rows: list  # this page's: the ids, then (_shown_rows) the lines
    shown: Window

    def url(self, page: int) -> str:
        """This group's page ``page``, the other groups staying where they are."""
        return url_for(request.endpoint, **{**request.view_args, **request.args.to_dict(),
                                            f"{self.key}-page": page})


def _groups(ids: dict[tuple[str, str | None], list[int]]) -> list[BoardGroup]:
    """The board's sections, in reading order, each a page of its improvements' ids; a long
    one shows ROWS_PER_GROUP rows a page (a project with thousands of improvements would
    otherwise draw them all)."""
    def of(key: str, heading: str, decision: Decision,
           horizon: Horizon | None = None) -> BoardGroup:
        rows = ids.get((decision.value, horizon.value if horizon else None), [])
        shown = window(len(rows), page_arg(f"{key}-page"), ROWS_PER_GROUP)
        return BoardGroup(key, heading, rows[shown.offset:shown.last], shown)

    return [
        of("quick_wins", _("In het plan: quick wins"), Decision.IN_PLAN, Horizon.QUICK_WIN),
        of("long_term", _("In het plan: lange termijn"), Decision.IN_PLAN, Horizon.LONG_TERM),
        of("open", _("Nog niet besloten"), Decision.OPEN),
        of("not_pursued", _("Niet opgepakt"), Decision.NOT_PURSUED),
        of("merged", _("Samengevoegd"), Decision.MERGED),
    ]


def _shown_rows(project, summary: services.BoardSummary,
                groups: list[BoardGroup]) -> tuple[list[BoardGroup], dict, dict]:
    """The rows of the groups' pages and of what was merged into them, read by id; their
    sources; each shown row's merged improvements."""
    shown = [i for group in groups for i in group.rows]
    children = {i: summary.merged[i] for i in shown if i in summary.merged}
    lines = {line.id: line for line in services.board_lines(
        project, shown + [c for ids in children.values() for c in ids])}
    return ([replace(group, rows=[lines[i] for i in group.rows]) for group in groups],
            describe(project, list(lines.values())),
            {i: [lines[c] for c in ids] for i, ids in children.items()})


def _board_html(project, summary: services.BoardSummary) -> str:
    groups, sources, merged = _shown_rows(project, summary, _groups(summary.groups))
    return render_template(
        "plans/_board.html", project=project, groups=groups, sources=sources, merged=merged,
        matrix=summary.matrix,
        # Matrix points link to the improvement's own page (its row may be on another page
        # of the board): one pattern for every point instead of a url_for each.
        entry_url=url_for("plans.entry", project_id=project.id, improvement_id=1)[:-1])


def _render_index(access: ProjectAccess, texts_form: PlanTextsForm | None = None,
                  approve_form: ApproveForm | None = None, status: int = 200):
    project = access.project
    plan = services.plan_of(project)
    state = fragments.project_state(project.id)
    summary = services.kept_board_summary(project, plan, state)
    pages = tuple(page_arg(f"{key}-page") for key in GROUP_KEYS)
    board = fragments.cached(("board", *state, pages), lambda: _board_html(project, summary))
    versions = services.versions_of(project)
    all_reviews = reviews.reviews_of(project)
    return render_template(
        "plans/index.html", access=access, project=project, plan=plan,
        state=services.plan_state(project, summary.draft, versions),
        board=Markup(board),  # noqa: S704  # nosec B704 (our own template's output)
        versions=versions,
        texts_form=texts_form or PlanTextsForm(formdata=None, obj=plan),
        approve_form=approve_form or ApproveForm(formdata=None), sections=PLAN_SECTIONS,
        send_blockers=summary.send_blockers,
        finalise_blockers=(reviews.finalise_blockers(project, all_reviews)
                           if access.is_open(Action.MAKE_PLAN_FINAL) else []),
        latest_reviews=list(reviews.latest_by_domain(all_reviews).values()),
        risk_count=risks.count_of(project),
    ), status


@bp.route("")
@login_required
@cached_page(project_scope)
def index(project_id: int):
    return _render_index(project_access(project_id))


@bp.route("/texts", methods=["POST"])
@login_required
def texts(project_id: int):
    access = project_access(project_id, need=Action.EDIT_PLAN)
    form = PlanTextsForm()
    refuse_into(form, lambda shown, status: _render_index(
        project_access(project_id), texts_form=shown, status=status),
        reload=lambda: PlanTextsForm(formdata=None, obj=services.plan_of(access.project)))
    if not form.validate_on_submit():
        return _render_index(access, texts_form=form, status=422)
    services.save_texts(access.project, _user(), expected_version=form.version.data,
                        values={s.key: getattr(form, s.key).data or "" for s in PLAN_SECTIONS})
    db.session.commit()
    flash(_("De teksten van het plan zijn opgeslagen."), "success")
    return redirect(url_for("plans.index", project_id=project_id) + "#texts", 303)


def _improvement(access: ProjectAccess, improvement_id: int) -> Improvement:
    return project_object(access, Improvement, improvement_id)


def _render_entry(access: ProjectAccess, improvement: Improvement, form: PlanFieldsForm,
                  status: int = 200, merge_form: MergeForm | None = None):
    improvements = services.board_lines(access.project)
    merge_form = merge_form or MergeForm(formdata=None, obj=improvement)
    merge_form.setup_choices(improvement, improvements)
    return render_template(
        "plans/entry.html", access=access, project=access.project, improvement=improvement,
        form=form, merge_form=merge_form, unmerge_form=UnmergeForm(formdata=None, obj=improvement),
        source=describe(access.project, [improvement]).get(improvement.id),
        merged=services.merged_children(improvements).get(improvement.id, []),
        findings=[(review, finding) for review in reviews.reviews_of(access.project)
                  if review.is_signed for finding in review.findings
                  if finding.improvement_id == improvement.id],
    ), status


def _fields_form(access: ProjectAccess, improvement: Improvement, formdata=True):
    form = (PlanFieldsForm(obj=improvement) if formdata
            else PlanFieldsForm(formdata=None, obj=improvement))
    form.setup_choices(services.kpis_of(access.project))
    if request.method == "GET" or not formdata:
        form.kpi_ids.data = [k.id for k in improvement.kpis]
        form.horizon.data = improvement.horizon or ""
    return form


def _refuse_on_entry(project_id: int, improvement_id: int) -> None:
    """A refused change to an entry shows the entry as it is now, the reason on top."""

    def render(error: WorkflowError):
        access = project_access(project_id)
        improvement = _improvement(access, improvement_id)
        form = _fields_form(access, improvement, formdata=False)
        form.form_errors.append(error.message)
        return _render_entry(access, improvement, form, error.status_code)

    on_refusal(render)


@bp.route("/improvements/<int:improvement_id>", methods=["GET", "POST"])
@login_required
def entry(project_id: int, improvement_id: int):
    access = project_access(project_id)
    improvement = _improvement(access, improvement_id)
    if request.method == "POST":
        access.require(Action.EDIT_PLAN)
    form = _fields_form(access, improvement)
    if not form.validate_on_submit():
        return _render_entry(access, improvement, form, 422 if form.is_submitted() else 200)
    _refuse_on_entry(project_id, improvement_id)
    services.update_plan_fields(improvement, access.project, _user(),
                                expected_version=form.version.data, values=form.values(),
                                kpi_ids=form.kpi_ids.data or [])
    db.session.commit()
    flash(_("Verbetering %(title)s is bijgewerkt.", title=improvement.title), "success")
    return redirect(url_for("plans.index", project_id=project_id)
                    + f"#plan-improvement-{improvement_id}", 303)


@bp.route("/improvements/<int:improvement_id>/merge", methods=["POST"])
@login_required
def merge(project_id: int, improvement_id: int):
    access = project_access(project_id, need=Action.EDIT_PLAN)
    improvement = _improvement(access, improvement_id)
    form = MergeForm()
    form.setup_choices(improvement, services.board_lines(access.project))
    if not form.validate_on_submit():
        return _render_entry(access, improvement, _fields_form(access, improvement, False),
                             422, merge_form=form)
    into = _improvement(access, form.into_id.data)
    _refuse_on_entry(project_id, improvement_id)
    services.merge(improvement, into, access.project, _user(), expected_version=form.version.data)
    db.session.commit()
    flash(_("%(duplicate)s is samengevoegd met %(into)s.", duplicate=improvement.title,
            into=into.title), "success")
    return redirect(url_for("plans.index", project_id=project_id)
                    + f"#plan-improvement-{into.id}", 303)


@bp.route("/improvements/<int:improvement_id>/unmerge", methods=["POST"])
@login_required
def unmerge(project_id: int, improvement_id: int):
    access = project_access(project_id, need=Action.EDIT_PLAN)
    improvement = _improvement(access, improvement_id)
    form = UnmergeForm()
    if not form.validate_on_submit():
        abort(400)
    _refuse_on_entry(project_id, improvement_id)
    services.unmerge(improvement, access.project, _user(), expected_version=form.version.data)
    db.session.commit()
    flash(_("Het samenvoegen van %(title)s is ongedaan gemaakt.", title=improvement.title),
          "success")
    return redirect(url_for("plans.entry", project_id=project_id,
                            improvement_id=improvement_id), 303)


def _refuse_on_plan(project_id: int) -> None:
    """A refused plan-wide action shows the plan again with the reason above it."""
    refuse_with_flash(lambda status: _render_index(project_access(project_id), status=status))


def _act(project_id: int, action: Action, do, done: str):
    access = project_access(project_id, need=action)
    _refuse_on_plan(project_id)
    do(access)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("plans.index", project_id=project_id), 303)


@bp.route("/send", methods=["POST"])
@login_required
def send(project_id: int):
    return _act(project_id, Action.SEND_PLAN,
                lambda access: services.send_for_review(access.project, _user()),
                _("Het plan is vastgelegd als nieuwe versie en verstuurd voor toetsing."))


@bp.route("/finalise", methods=["POST"])
@login_required
def finalise(project_id: int):
    return _act(project_id, Action.MAKE_PLAN_FINAL,
                lambda access: services.make_final(access.project, _user(),
                                                   reviews.finalise_blockers(access.project)),
                _("Het plan is definitief gemaakt. De proceseigenaar kan het goedkeuren."))


@bp.route("/latest")
@login_required
def latest(project_id: int):
    """The newest version (where the process owner approves the final one), or the plan."""
    access = project_access(project_id)
    newest = services.latest_version(access.project)
    if newest is None:
        return redirect(url_for("plans.index", project_id=project_id))
    target = url_for("plans.version", project_id=project_id, number=newest.number)
    anchor = "#approve-heading" if newest.is_final and newest.approval is None else ""
    return redirect(with_next(target, came_from()) + anchor)


@bp.route("/versions/<int:number>")
@login_required
def version(project_id: int, number: int):
    access = project_access(project_id)
    frozen = services.version_by_number(access.project, number)
    if frozen is None:
        abort(404)
    by_decision, section_rows = services.snapshot_groups(frozen.snapshot)
    return render_template(
        "plans/version.html", access=access, project=access.project, frozen=frozen,
        texts=frozen.snapshot["texts"], sections=PLAN_SECTIONS, by_decision=by_decision,
        section_rows=section_rows,
        reviews=reviews.reviews_of(access.project, version=frozen),
        approve_form=ApproveForm(formdata=None),
        # Said at the approve form, which only a final version awaiting approval has.
        unanswered=reviews.unanswered(access.project) if frozen.is_final and not frozen.approval
        else 0,
        latest=services.latest_version(access.project))


@bp.route("/versions/<int:number>/approve", methods=["POST"])
@login_required
def approve(project_id: int, number: int):
    access = project_access(project_id, need=Action.APPROVE_PLAN)
    frozen = services.version_by_number(access.project, number)
    if frozen is None:
        abort(404)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.note.errors), "error")
        return _render_index(access, approve_form=form, status=422)
    _refuse_on_plan(project_id)
    approvals.approve_plan(access.project, frozen, _user(), form.note.data or "")
    db.session.commit()
    make_kept_pdf("plan_version", frozen.id)
    return back_to(url_for("plans.index", project_id=project_id),
                   _("U heeft versie %(number)d van het verbeterplan goedgekeurd.", number=number))
