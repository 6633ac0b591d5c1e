"""Step 7 and the review side of step 8: which specialists review the plan, their findings
and signed verdicts, step 8's responses, and the process owner's override of a rejection.

A review belongs to one plan version and one domain. Signing records name, role, time and
version; a signed review never changes (the models refuse it too). A new plan version needs a
new review.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from .. import audit, duties
from ..concurrency import add_once, check_version
from ..errors import ConflictError, InvalidInput, WorkflowError
from ..extensions import db
from ..models import (
    PlanVersion,
    Project,
    Review,
    ReviewFinding,
    ReviewOverride,
    ReviewResponse,
    Task,
    User,
    utcnow,
)
from ..plans import services as plans
from ..questions import services as questions
from ..tasks.services import task_link
from ..windows import is_open, refusal, require_open
from ..workflow import (
    REVIEW_DOMAIN_BY_KEY,
    REVIEW_DOMAINS,
    Action,
    Pending,
    QuestionSet,
    ResponseKind,
    ReviewDomain,
    Role,
    Step,
    Verdict,
    dpia_required,
)

CONDITIONS = "conditions"


def chosen_domains(project: Project) -> list[ReviewDomain]:
    keys = set(plans.plan_of(project).review_domains or [])
    return [d for d in REVIEW_DOMAINS if d.key in keys]


def reviews_of(project: Project, version: PlanVersion | None = None) -> list[Review]:
    """Every review of the project (or of one version), newest version first, with findings
    and override."""
    query = (
        select(Review).where(Review.project_id == project.id)
        .join(PlanVersion, PlanVersion.id == Review.plan_version_id)
        .options(selectinload(Review.findings), selectinload(Review.override),
                 contains_eager(Review.plan_version))
        .order_by(PlanVersion.number.desc(), Review.id)
    )
    if version is not None:
        query = query.where(Review.plan_version_id == version.id)
    return list(db.session.scalars(query))


def responses_of(project: Project) -> dict[tuple[int, str], ReviewResponse]:
    rows = db.session.scalars(select(ReviewResponse).where(
        ReviewResponse.project_id == project.id).options(
        selectinload(ReviewResponse.responded_by)))
    return {(r.review_id, r.subject): r for r in rows}


# --- Step 7: choosing domains and opening the review ------------------------------------------

def choose_domains(project: Project, actor: User, keys: list[str]) -> None:
    require_open(project, Action.CHOOSE_REVIEWERS)
    unknown = [k for k in keys if k not in REVIEW_DOMAIN_BY_KEY]
    if unknown or not keys:
        raise WorkflowError(_("Kies minstens één toetsdomein."))
    plan = plans.store_plan(plans.plan_of(project))
    before = sorted(plan.review_domains or [])
    plan.review_domains = sorted(set(keys))
    db.session.flush()
    if before != plan.review_domains:
        audit.record("review.domains", "plan", plan.id, project.id, actor=actor,
                     before={"domains": before}, after={"domains": plan.review_domains})


def open_blockers(project: Project, version: PlanVersion | None,
                  chosen: list[ReviewDomain] | None = None) -> list[str]:
    blockers = []
    if not is_open(project, Action.OPEN_REVIEW):
        blockers.append(refusal(Action.OPEN_REVIEW))
    if version is None or version.is_final:
        blockers.append(_("Verstuur eerst een versie van het plan voor toetsing (stap 6)."))
    if not (chosen if chosen is not None else chosen_domains(project)):
        blockers.append(_("Kies eerst welke specialisten het plan toetsen."))
    return blockers


def open_review(project: Project, actor: User) -> list[Review]:
    """A review per chosen domain on the latest version sent for review, and a task for each
    specialist holding the domain's role."""
    version = plans.latest_version(project)
    blockers = open_blockers(project, version)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    existing = {r.domain for r in db.session.scalars(
        select(Review).where(Review.plan_version_id == version.id))}
    asked = questions.questions_of(project, QuestionSet.REVIEW)
    created = [_new_review(project, version, domain, actor, asked[domain.key])
               for domain in chosen_domains(project) if domain.key not in existing]
    if not created:
        raise WorkflowError(_("De toetsing van versie %(number)d is al geopend voor alle "
                              "gekozen specialisten.", number=version.number))
    return created


def _new_review(project: Project, version: PlanVersion, domain: ReviewDomain,
                actor: User, asked: list[str]) -> Review:
    """A review of ``version`` by ``domain``, with the domain's questions as they are now."""
    review = Review(project_id=project.id, plan_version_id=version.id, domain=domain.key,
                    motivation="", conditions="", dpia_criteria=[], questions=list(asked),
                    answers=[""] * len(asked))
    add_once(review, _("Iemand anders heeft deze toetsing intussen geopend."))
    link = task_link("reviews.show", review_id=review.id)
    holders = [m.user_id for m in project.memberships if domain.role in m.roles] or [None]
    for user_id in holders:
        db.session.add(Task(
            project_id=project.id, step=int(Step.REVIEW), role=domain.role.value,
            title=domain.task_title, description="", assignee_id=user_id, origin="review",
            link=link, created_by_id=actor.id))
    db.session.flush()
    audit.record("review.open", "review", review.id, project.id, actor=actor,
                 after={"domain": domain.key, "plan_version": version.number})
    return review


def request_re_review(project: Project, rejected: Review, actor: User) -> Review:
    """Step 8: after a "niet akkoord", the domain reviews a newer version of the plan."""
    require_open(project, Action.REQUEST_RE_REVIEW)
    version = plans.latest_version(project)
    if version is None or version.is_final or version.number <= rejected.plan_version.number:
        raise WorkflowError(_("Verstuur eerst een nieuwe versie van het plan voor toetsing."))
    already = db.session.scalar(select(Review).where(
        Review.plan_version_id == version.id, Review.domain == rejected.domain))
    if already is not None:
        raise WorkflowError(_("Deze specialist toetst versie %(number)d al.",
                              number=version.number))
    asked = questions.questions_of(project, QuestionSet.REVIEW)[rejected.domain]
    return _new_review(project, version, rejected.domain_info, actor, asked)


# --- A specialist's review --------------------------------------------------------------------

def check_open(review: Review, project: Project) -> None:
    if review.is_signed:
        raise WorkflowError(_("Deze toetsing is ondertekend en kan niet meer worden gewijzigd. "
                              "Een nieuwe versie van het plan krijgt een nieuwe toetsing."))
    require_open(project, Action.REVIEW)


def save_review(review: Review, project: Project, actor: User, *, expected_version: int,
                values: dict) -> None:
    check_version(review, expected_version)
    check_open(review, project)
    if not review.domain_info.dpia_screen:
        values = {**values, "dpia_criteria": []}
    values = {**values, "dpia_criteria": sorted(values["dpia_criteria"])}
    if len(values["answers"]) != len(review.questions):
        raise InvalidInput(_("Beantwoord de toetsvragen van deze toetsing; laad de pagina "
                             "opnieuw als ze ontbreken."))
    values["answers"] = [answer.strip() for answer in values["answers"]]
    audit.apply_changes(review, values, action="review.update", object_type="review",
                        project_id=project.id, actor=actor)


def improvements_in(review: Review) -> list[dict]:
    """The improvements of the reviewed version that are in the plan, as frozen."""
    return [i for i in review.plan_version.snapshot["improvements"] if i["decision"] == "in_plan"]


def add_finding(review: Review, project: Project, actor: User, *, improvement_id: int,
                remark: str, condition: str, cost_estimate: int | None,
                lead_time_weeks: int | None) -> ReviewFinding:
    check_open(review, project)
    frozen = next((i for i in improvements_in(review) if i["id"] == improvement_id), None)
    if frozen is None:
        raise WorkflowError(_("Kies een verbetering uit de getoetste versie."))
    if not (remark.strip() or condition.strip()):
        raise WorkflowError(_("Schrijf een opmerking of een voorwaarde."))
    if not review.domain_info.asks_costs:
        cost_estimate = lead_time_weeks = None
    finding = ReviewFinding(
        review_id=review.id, improvement_id=improvement_id, improvement_title=frozen["title"],
        remark=remark.strip(), condition=condition.strip(), cost_estimate=cost_estimate,
        lead_time_weeks=lead_time_weeks)
    db.session.add(finding)
    db.session.flush()
    audit.record("review.finding", "review", review.id, project.id, actor=actor,
                 after={"improvement_id": improvement_id, "remark": finding.remark,
                        "condition": finding.condition, "cost_estimate": cost_estimate,
                        "lead_time_weeks": lead_time_weeks})
    return finding


def delete_finding(review: Review, finding: ReviewFinding, project: Project,
                   actor: User) -> None:
    check_open(review, project)
    audit.record("review.finding_delete", "review", review.id, project.id, actor=actor,
                 before={"improvement_id": finding.improvement_id, "remark": finding.remark,
                         "condition": finding.condition})
    db.session.delete(finding)
    db.session.flush()


class NotIndependentError(WorkflowError):
    """Segregation of duties: who sent a plan for review may not sign its review."""

    status_code = 403


def sign_blockers(review: Review) -> list[str]:
    verdict = review.verdict
    blockers = []
    if verdict is None:
        blockers.append(_("Kies een oordeel."))
    if not review.motivation.strip():
        blockers.append(_("Schrijf een motivering bij het oordeel."))
    has_conditions = review.conditions.strip() or any(f.condition for f in review.findings)
    if verdict is Verdict.CONDITIONAL and not has_conditions:
        blockers.append(_("Bij akkoord met voorwaarden hoort minstens één voorwaarde."))
    unanswered = [str(number) for number, answer in enumerate(review.answers, start=1)
                  if not answer.strip()]
    if unanswered:
        blockers.append(ngettext("Beantwoord toetsvraag %(numbers)s.",
                                 "Beantwoord de toetsvragen %(numbers)s.", len(unanswered),
                                 numbers=", ".join(unanswered)))
    return blockers


def sign(review: Review, project: Project, actor: User, role: Role, *,
         expected_version: int) -> None:
    """The specialist's sign-off: afterwards the review is fixed."""
    check_version(review, expected_version)
    check_open(review, project)
    if review.plan_version.created_by_id == actor.id:
        raise NotIndependentError(_(
            "U heeft deze versie van het plan zelf ter toetsing verstuurd. De toetsing moet "
            "onafhankelijk zijn: een andere %(role)s ondertekent.",
            role=duties.role_name_in_sentence(role)))
    refused = duties.four_eyes_problem(project, actor, made_by_id=None,
                                       what=_("dit verbeterplan"))
    if refused:
        raise NotIndependentError(refused)
    blockers = sign_blockers(review)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    if review.domain_info.dpia_screen:
        review.dpia_required = dpia_required(set(review.dpia_criteria or []))
    review.signed_at = utcnow()
    review.signed_by_id = actor.id
    review.signer_name = actor.name
    review.signer_role = role.value
    db.session.flush()
    audit.record("review.sign", "review", review.id, project.id, actor=actor,
                 after={"domain": review.domain, "verdict": review.verdict,
                        "plan_version": review.plan_version.number, "role": role.value,
                        "dpia_required": review.dpia_required,
                        **({"four_eyes_waived": True} if duties.waived() else {})})


# --- Step 8: responses and overrides ----------------------------------------------------------

@dataclass(frozen=True)
class OpenItem:
    """A condition or finding of a signed review that step 8 must answer."""

    review: Review
    subject: str
    finding: ReviewFinding | None
    response: ReviewResponse | None

    @property
    def text(self) -> str:
        if self.finding is None:
            return self.review.conditions
        return "\n".join(t for t in (self.finding.remark, self.finding.condition) if t)


def items_to_answer(reviews: list[Review],
                    responses: dict[tuple[int, str], ReviewResponse]) -> list[OpenItem]:
    items = []
    for review in reviews:
        if not review.is_signed:
            continue
        if review.conditions.strip():
            items.append(OpenItem(review, CONDITIONS, None,
                                  responses.get((review.id, CONDITIONS))))
        for finding in review.findings:
            subject = f"finding:{finding.id}"
            items.append(OpenItem(review, subject, finding, responses.get((review.id, subject))))
    return items


def respond(review: Review, project: Project, actor: User, *, subject: str, kind: str,
            explanation: str, expected_version: int | None) -> ReviewResponse:
    require_open(project, Action.RESPOND_FINDINGS)
    valid = {item.subject for item in items_to_answer([review], {})}
    if subject not in valid:
        raise WorkflowError(_("Deze bevinding hoort niet bij deze toetsing."))
    existing = db.session.scalar(select(ReviewResponse).where(
        ReviewResponse.review_id == review.id, ReviewResponse.subject == subject))
    values = {"kind": ResponseKind(kind).value, "explanation": explanation.strip()}
    if existing is None:
        if expected_version:
            raise ConflictError()
        response = ReviewResponse(project_id=project.id, review_id=review.id, subject=subject,
                                  responded_by_id=actor.id, **values)
        add_once(response)
        audit.record("review.respond", "review", review.id, project.id, actor=actor,
                     after={"subject": subject, **values})
        return response
    check_version(existing, expected_version or 0)
    existing.responded_by_id, existing.responded_at = actor.id, utcnow()
    audit.apply_changes(existing, values, action="review.respond", object_type="review",
                        project_id=project.id, actor=actor)
    return existing


def override(review: Review, project: Project, actor: User, motivation: str) -> ReviewOverride:
    """The process owner's recorded decision to go on despite a "niet akkoord"."""
    require_open(project, Action.OVERRIDE_REJECTION)
    if not review.is_signed or review.verdict is not Verdict.REJECTED:
        raise WorkflowError(_("Alleen een ondertekend 'niet akkoord' kan worden doorbroken."))
    if review.override is not None:
        raise ConflictError(_("Voor deze toetsing is al een besluit vastgelegd."))
    decision = ReviewOverride(review_id=review.id, motivation=motivation.strip(),
                              decided_by_id=actor.id, decider_name=actor.name)
    add_once(decision, _("Voor deze toetsing is al een besluit vastgelegd."))
    audit.record("review.override", "review", review.id, project.id, actor=actor,
                 after={"domain": review.domain, "motivation": decision.motivation})
    return decision


# --- Gates ------------------------------------------------------------------------------------

def latest_by_domain(reviews: list[Review]) -> dict[str, Review]:
    """Each domain's review of the newest version it was asked to review."""
    latest: dict[str, Review] = {}
    for review in reviews:  # newest version first
        latest.setdefault(review.domain, review)
    return latest


def signed_problems(project: Project) -> list[str]:
    """Evidence for step 7: every chosen domain signed the latest version sent for review."""
    domains = chosen_domains(project)
    if not domains:
        return [Pending(_("Er is nog niet gekozen welke specialisten het plan toetsen."),
                        (Role.PROJECT_LEADER,), "reviews.index#domains-heading")]
    version = plans.latest_version(project)
    if version is None or version.is_final:
        return [_("Er is geen versie van het plan ter toetsing.")]
    signed = {r.domain for r in reviews_of(project)
              if r.plan_version_id == version.id and r.is_signed}
    missing = [d for d in domains if d.key not in signed]
    return [Pending(_("%(domain)s heeft versie %(number)d nog niet getoetst en ondertekend.",
                      domain=_(d.label), number=version.number), (d.role,), "reviews.index")
            for d in missing]


def unanswered(project: Project, reviews: list[Review] | None = None) -> int:
    """How many findings and conditions of signed reviews have no response yet."""
    reviews = reviews_of(project) if reviews is None else reviews
    return sum(1 for item in items_to_answer(reviews, responses_of(project))
               if not item.response)


def unanswered_sentence(count: int) -> str:
    return ngettext("%(num)d bevinding of voorwaarde heeft nog geen reactie.",
                    "%(num)d bevindingen of voorwaarden hebben nog geen reactie.", count)


def finalise_blockers(project: Project, reviews: list[Review] | None = None) -> list[str]:
    """Step 8: what must happen before the plan can become final (``reviews``: the
    project's reviews, when the caller has them already)."""
    reviews = reviews_of(project) if reviews is None else reviews
    blockers = []
    open_items = unanswered(project, reviews)
    if open_items:
        blockers.append(Pending(unanswered_sentence(open_items), (Role.PROJECT_LEADER,),
                                "reviews.index#responses"))
    for domain in chosen_domains(project):
        review = latest_by_domain(reviews).get(domain.key)
        if review is None:
            blockers.append(Pending(_("%(domain)s heeft het plan niet getoetst.",
                                      domain=_(domain.label)), (domain.role,), "reviews.index"))
        elif not review.is_signed:
            blockers.append(Pending(_("%(domain)s heeft versie %(number)d nog niet ondertekend.",
                                      domain=_(domain.label),
                                      number=review.plan_version.number),
                                    (domain.role,), "reviews.index"))
        elif review.verdict is Verdict.REJECTED and review.override is None:
            # The process owner decides (the leader may instead ask for a new review).
            blockers.append(Pending(_(
                "%(domain)s gaf 'niet akkoord'. Laat een nieuwe versie toetsen, of de "
                "proceseigenaar legt een gemotiveerd besluit vast om toch door te gaan.",
                domain=_(domain.label)), (Role.PROCESS_OWNER,),
                f"reviews.index#rejected-{review.id}"))
    return blockers
