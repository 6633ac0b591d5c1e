"""Demo data: one account per role and two projects of a municipality, made through the same
services the app uses (so tasks and audit trail are real). Only `flask seed-demo` calls this."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from . import approvals, clock, closing, duties, guidance
from .auth import services as accounts
from .benefits import services as benefits
from .clock import add_months, organisation_zone
from .comments import services as comments
from .extensions import db
from .formulas import services as formulas
from .ideas import services as ideas
from .implementation import services as implementation
from .improvements import services as improvements
from .improvements.sources import resolve
from .journey import services as journey
from .kpis import services as kpis
from .mining import analysis, generate, parse
from .models import (
    Benefit,
    EventLog,
    EventLogCases,
    Project,
    Review,
    ServiceFormula,
    Task,
    User,
    utcnow,
)
from .plans import services as plans
from .process import services as process
from .project_templates import services as templates
from .projects import planning
from .projects import services as projects
from .questions import services as questions
from .reviews import services as reviews
from .risks import services as risks
from .sessions import services as sessions
from .steps import gate as gates_of_steps
from .steps import services as steps
from .sustain import services as sustain
from .tasks import services as tasks
from .tasks.services import task_link
from .workflow import (
    BenefitKind,
    CommentSubject,
    CopyPart,
    EndReason,
    EventLogStatus,
    GateVerdict,
    OrgFunction,
    QuestionSet,
    Requirement,
    Role,
    Step,
)
from .working_time import organisation_calendar

# The documented demo password; only `flask seed-demo` creates accounts with it.
DEMO_PASSWORD = "wasstraat-demo"  # noqa: S105  # nosec B105
DEMO_DOMAIN = "demo.wasstraat.nl"
STALLED_DEMO_DAYS = 40  # how long the demo's public-space project has been in step 1
# Days each step took, from the project's start: the reports show real lead times and the
# bottlenecks (review and the improvement plan take longest, as in practice).
COMPLETED_DAYS = [14, 21, 28, 21, 10, 35, 42, 21, 14, 140]
PARKING_DAYS = [10, 18, 25, 20, 8, 30, 49, 24]
DEMO_LOG_CASES = 800  # applications in the parking project's measured process

DEMO_NAMES: dict[Role, str] = {
    Role.SPONSOR: "Marieke de Vries",
    Role.PROCESS_OWNER: "Henk Jansen",
    Role.PROJECT_LEADER: "Sanne Bakker",
    Role.PROCESS_ADVISOR: "Youssef El Amrani",
    Role.JOURNEY_COACH: "Lotte Visser",
    Role.SUBJECT_EXPERT: "Priya Ramdin",
    Role.TEAM_MANAGER: "Kees van Dijk",
    Role.PRIVACY_OFFICER: "Fatma Yilmaz",
    Role.CISO: "Joost Mulder",
    Role.IT_SPECIALIST: "Daan Smit",
    Role.LEGAL: "Eva de Boer",
    Role.APP_MANAGER: "Ruud Hendriks",
    Role.COMMUNICATION: "Noor Peters",
}


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


class DemoRefused(RuntimeError):
    """Demo accounts have a published password: never in production."""


def load_demo() -> list[User]:
    if current_app.config.get("PRODUCTION"):
        raise DemoRefused("demo data are refused when WASSTRAAT_ENV=production")
    admin = accounts.create_user(demo_email("admin"), "Beheerder Demo", DEMO_PASSWORD,
                                 is_admin=True, enforce_policy=False)
    people = {
        role: accounts.create_user(demo_email(role.value), name, DEMO_PASSWORD,
                                   enforce_policy=False)
        for role, name in DEMO_NAMES.items()
    }
    for role, person in people.items():  # registered as specialist by the administrator
        if role.is_specialist:
            person.specialisms = [role.value]
    archivist = accounts.create_user(demo_email("archivist"), "Arjen Archivaris", DEMO_PASSWORD,
                                     enforce_policy=False)
    archivist.functions = [OrgFunction.ARCHIVIST.value]  # keeps the Selectielijst terms
    _spread_over_time(_parking_permit_project(people), date(2026, 5, 4), PARKING_DAYS)
    completed = _completed_project(people)
    _spread_over_time(completed, date(2025, 10, 20), COMPLETED_DAYS)
    _borging(completed, people[Role.PROCESS_OWNER])
    public_space = _public_space_project(people)
    _idea_box(people, completed, public_space)
    _template(completed, admin)
    db.session.flush()
    return [admin, *people.values(), archivist]


def _spread_over_time(project: Project, start: date, days: list[int]) -> None:
    """The demo is made in a moment; its projects are given the months they took: each
    finished step its days from `start`, the step in progress its start after them."""
    db.session.flush()
    moment = datetime.combine(start, time(9), UTC)
    for state, took in zip(sorted(project.steps, key=lambda s: s.step),
                           days + [0] * (len(Step) - len(days)), strict=True):
        if state.started_at is None:  # not started, or skipped: then skipped at this moment
            state.closed_at = moment if state.closed_at is not None else None
            continue
        state.started_at = moment
        if state.closed_at is not None:
            moment += timedelta(days=took)
            state.closed_at = moment


def _confirm(project: Project, step: Step, key: str, user: User, variant: str = "",
             note: str = "") -> None:
    definition = step.definition
    product = definition.product(key)
    if product is None:
        raise ValueError(f"step {step} has no product {key}")
    steps.confirm_product(project, step, product, user, set(product.confirmed_by),
                          variant=variant, note=note)


def _close_step(project: Project, step: Step, actor: User, confirmations: dict,
                revisit_on: date | None = None) -> None:
    """Close a step as the app does between requests: the tasks follow the work done so far
    first (in the app each request's commit does that). The tasks people tick are ticked by
    their holders; what is left the closer ends as no longer needed."""
    guidance.sync_tasks(project)
    _go(project, step)
    endings = {}
    for end in closing.loose_ends(project, step):
        if end.task is not None and end.task.condition is None and end.holder is not None:
            tasks.set_done(end.task, end.holder, True)
        else:
            endings[end.key] = closing.Ending(EndReason.NOT_NEEDED)
    closing.close_step(project, step, actor, confirmations, endings, revisit_on)
    guidance.sync_tasks(project)


# What the approvers said at the gates of the demo (the organisation gates steps 8 and 9).
GO_REASONS = {Step.ADJUST: "Past binnen het budget van de afdeling; de kosten van de "
                           "koppeling komen uit het informatiseringsbudget.",
              Step.IMPLEMENTATION_PLAN: "Akkoord met de volgorde; de teams hebben de "
                                        "capaciteit bevestigd."}


def _go(project: Project, step: Step) -> None:
    """The approvers' go at a gated step, by whoever holds their role."""
    gate = gates_of_steps.gate_of(project, step)
    for role in gate.waiting_for if gate else ():
        holder = next(m.user for m in project.memberships if role in m.roles)
        steps.decide_gate(project, step, holder, {role}, verdict=GateVerdict.GO,
                          reason=GO_REASONS.get(step, ""))


def _finish_tasks(project: Project, step: Step, part: str | None = None) -> None:
    """Tick the step's hand-ticked tasks; the others follow the work (see guidance.py)."""
    query = db.select(Task).where(Task.project_id == project.id, Task.step == int(step))
    if part:
        query = query.where(Task.part == part)
    for task in db.session.scalars(query):
        if task.assignee_id and not task.condition and not task.is_done:
            tasks.set_done(task, task.assignee, True)


def _parking_permit_project(people: dict[Role, User]) -> Project:
    leader = people[Role.PROJECT_LEADER]
    project = projects.create_project(
        leader,
        name="Aanvraag parkeervergunning bewoners",
        product="Parkeervergunning voor bewoners",
        assignment=(
            "Bewoners wachten gemiddeld drie weken op hun parkeervergunning en bellen vaak "
            "over de status. Breng het proces terug naar maximaal vijf werkdagen en zorg dat "
            "de aanvrager altijd weet waar de aanvraag staat."
        ),
        process_type="primary", organisation_unit="Vergunningen",
        creator_roles=set(),
    )
    for role, person in people.items():
        if role is not Role.PROJECT_LEADER:
            projects.add_member(project, leader, person, {role})

    # Step 1 done, step 2 done, step 3 half way (3a mapped), step 4 running alongside.
    steps.start_step(project, Step.TEAM, leader)
    _confirm(project, Step.TEAM, "team", leader)
    _confirm(project, Step.TEAM, "kickoff", leader, note="Kick-off op 8 september in het "
             "stadskantoor, met de sponsor.")
    _finish_tasks(project, Step.TEAM)
    _close_step(project, Step.TEAM, leader, steps.confirmations_by_key(project))

    steps.start_step(project, Step.KPIS, leader)
    _kpis(project, people)
    _finish_tasks(project, Step.KPIS)
    _close_step(project, Step.KPIS, leader, steps.confirmations_by_key(project))

    _improvements(project, people)
    steps.start_step(project, Step.JOURNEY, leader)
    steps.start_step(project, Step.PROCESS, leader)
    _current_process(project, people)
    _journey(project, people)
    state = project.step_state(Step.PROCESS)
    state.notes = ("Sessie 3a gehouden met Vergunningen en Parkeerbeheer. Verbeterideeën "
                   "geparkeerd: automatische kentekencheck, statusbericht per e-mail.")
    _finish_tasks(project, Step.PROCESS, part="3a")
    _sessions(project, people)
    # 3b checked in a session, the journey recorded: steps 3 and 4 close, step 5 runs.
    for role in (Role.PROCESS_OWNER, Role.PROJECT_LEADER):
        process.record_check(project, people[role], confirmed=True, correction="")
    _confirm(project, Step.PROCESS, "process_checked", people[Role.PROCESS_ADVISOR],
             variant="session", note="Correctie van Priya verwerkt (belletje tussen stap 4 en 5).")
    _finish_tasks(project, Step.PROCESS)
    _close_step(project, Step.PROCESS, leader, steps.confirmations_by_key(project))
    _finish_tasks(project, Step.JOURNEY)
    _close_step(project, Step.JOURNEY, leader, steps.confirmations_by_key(project))
    steps.start_step(project, Step.SERVICE_FORMULA, leader)
    _service_formula(project, people)
    _finish_tasks(project, Step.SERVICE_FORMULA)
    _close_step(project, Step.SERVICE_FORMULA, leader, steps.confirmations_by_key(project))

    # Steps 6 to 8: the plan drawn up, reviewed by three specialists, adjusted, approved.
    steps.start_step(project, Step.IMPROVEMENT_PLAN, leader)
    _improvement_plan(project, people)
    _finish_tasks(project, Step.IMPROVEMENT_PLAN)
    _close_step(project, Step.IMPROVEMENT_PLAN, leader, {})
    steps.start_step(project, Step.REVIEW, leader)
    signed = _reviews(project, people)
    _finish_tasks(project, Step.REVIEW)
    _close_step(project, Step.REVIEW, leader, {})
    steps.start_step(project, Step.ADJUST, leader)
    _adjust_and_approve(project, people, signed)
    _finish_tasks(project, Step.ADJUST)
    _close_step(project, Step.ADJUST, leader, {})
    # Step 9 open: the process owner can prioritise the plan (by drag and drop or keyboard);
    # the project leader already proposed a planning.
    steps.start_step(project, Step.IMPLEMENTATION_PLAN, leader)
    implementation.contribute(
        project, leader, Role.PROJECT_LEADER,
        "Voorstel: eerst de statusmail en de kentekencheck (quick wins, samen in januari), "
        "daarna de koppeling met het zaaksysteem zodra ICT capaciteit heeft (vanaf maart).")
    _plan_steps(project, leader)
    _conversation(project, people)
    return project


def _conversation(project: Project, people: dict[Role, User]) -> None:
    """The talk about step 9 as it stands: a question for the process owner, a condition
    from the CISO (comments with a mention)."""
    owner, ciso = people[Role.PROCESS_OWNER], people[Role.CISO]
    step = comments.subject_of(project, CommentSubject.STEP, int(Step.IMPLEMENTATION_PLAN))
    comments.add(project, step, ciso, "Voor de koppeling met het zaaksysteem wil ik de "
                 "verwerkersovereenkomst met de leverancier zien voordat de planning vastligt.",
                 [])
    comments.add(project, step, people[Role.PROJECT_LEADER],
                 f"@{owner.name} kun je vóór vrijdag de volgorde vastleggen? ICT heeft pas in "
                 "maart ruimte voor de koppeling.", [])


def _plan_steps(project: Project, leader: User) -> None:
    """The leader's planned end per step: the steps done were finished as planned; step 9
    is due in two weeks, step 10 in five months."""
    today = clock.today()
    planned = {s.step: clock.local_date(s.closed_at) for s in project.steps if s.closed_at}
    planned |= {Step.IMPLEMENTATION_PLAN: today + timedelta(days=14),
                Step.EXECUTION: today + timedelta(days=150)}
    planning.plan_steps(project, leader, {step: planned.get(step) for step in Step},
                        expected_versions=planning.versions(project), today=today)


def _completed_project(people: dict[Role, User]) -> Project:
    """A project that went through all ten steps, with its KPI results measured after."""
    leader, owner = people[Role.PROJECT_LEADER], people[Role.PROCESS_OWNER]
    advisor, expert = people[Role.PROCESS_ADVISOR], people[Role.SUBJECT_EXPERT]
    project = projects.create_project(
        leader, name="Verhuizing doorgeven", product="Adreswijziging in de BRP",
        assignment="Inwoners geven een verhuizing door zonder terugbellen of bezoek aan de "
                   "balie; de wijziging staat binnen twee werkdagen in de BRP.",
        process_type="primary", organisation_unit="Burgerzaken", creator_roles=set())
    for role in (Role.SPONSOR, Role.PROCESS_OWNER, Role.PROCESS_ADVISOR, Role.SUBJECT_EXPERT,
                 Role.TEAM_MANAGER, Role.PRIVACY_OFFICER, Role.JOURNEY_COACH):
        projects.add_member(project, leader, people[role], {role})

    steps.start_step(project, Step.TEAM, leader)
    _confirm(project, Step.TEAM, "team", leader)
    _confirm(project, Step.TEAM, "kickoff", leader, note="Kick-off op 3 februari.")
    _close_step(project, Step.TEAM, leader, steps.confirmations_by_key(project))

    steps.start_step(project, Step.KPIS, leader)
    kpi_rows = [("Doorlooptijd", "dagen", "lower", 6.0, 2.0),
                ("Terugbelverzoeken per 100 meldingen", "verzoeken", "lower", 18.0, 5.0)]
    for name, unit, direction, baseline, goal in kpi_rows:
        kpis.add_kpi(project, advisor, {
            "name": name, "definition": "", "unit": unit, "direction": direction,
            "baseline_value": baseline, "baseline_date": date(2026, 2, 1),
            "baseline_source": "Zaaksysteem", "target_value": goal,
            "target_date": date(2026, 10, 1)})
    kpis.agree_kpi_set(project, owner, {Role.PROCESS_OWNER})
    _close_step(project, Step.KPIS, leader, steps.confirmations_by_key(project))

    steps.start_step(project, Step.PROCESS, leader)
    for activity, handover in (("Melding via webformulier ontvangen", False),
                               ("Adres controleren in de BAG", True),
                               ("Wijziging verwerken in de BRP", True)):
        process.add_step(project, advisor, {
            "activity": activity, "actor": "Burgerzaken", "system": "Zaaksysteem",
            "handover": handover, "wait_days": 1.0, "work_minutes": 10.0, "remarks": ""})
    process.record_check(project, owner, confirmed=True, correction="")
    _confirm(project, Step.PROCESS, "process_checked", advisor, variant="merged",
             note="Eenvoudig proces: gecontroleerd in dezelfde sessie.")
    _close_step(project, Step.PROCESS, leader, steps.confirmations_by_key(project))
    steps.skip_step(project, Step.JOURNEY, leader,
                    "Klantreis 'Verhuizen' van de VNG gebruikt in de verbetersessie.")
    steps.skip_step(project, Step.SERVICE_FORMULA, leader,
                    "Product valt al onder de Flitsformule; vergelijking vorig jaar gedaan.")

    steps.start_step(project, Step.IMPROVEMENT_PLAN, leader)
    # Each with its costs (the link's yearly cost is not known yet) and what it should bring.
    ideas = [("BAG-controle automatisch bij het indienen", "quick_win", 4, 2, 4000, 0),
             ("Bevestiging per e-mail met verwachte datum", "quick_win", 3, 1, 500, 200),
             ("Koppeling webformulier met de BRP", "long_term", 5, 4, 18000, None)]
    lead_time, call_backs = kpis.kpis_of(project)
    expected = {
        "BAG-controle automatisch bij het indienen": [
            (BenefitKind.HOURS, 220.0, None, "Geen handmatige adrescontrole meer."),
            (BenefitKind.QUALITY, None, lead_time.id, "")],
        "Bevestiging per e-mail met verwachte datum": [
            (BenefitKind.EUROS, 3000.0, None, "Minder telefoontjes aan het KCC."),
            (BenefitKind.QUALITY, None, call_backs.id, "")],
        "Koppeling webformulier met de BRP": [
            (BenefitKind.HOURS, 400.0, None, "Geen overtypen in de BRP.")]}
    for title, horizon, impact, effort, one_off, recurring in ideas:
        idea = improvements.add_improvement(project, expert, resolve(project, "step", 3),
                                            title=title, description="", proposer_id=expert.id)
        plans.update_plan_fields(idea, project, advisor, expected_version=idea.version,
                                 kpi_ids=[], values={
                                     "horizon": horizon, "impact": impact, "effort": effort,
                                     "cost_estimate": one_off, "cost_unknown": False,
                                     "recurring_cost": recurring,
                                     "recurring_cost_unknown": recurring is None,
                                     "decision": "in_plan", "decision_reason": ""})
        for kind, value, kpi_id, text in expected[title]:
            benefits.add_expected(idea, advisor, {"kind": kind, "expected": value,
                                                  "kpi_id": kpi_id, "description": text})
    plans.save_texts(project, leader, expected_version=0, values={
        "context": "Inwoners die verhuizen geven dat door, maar één op de vijf belt daarna om "
                   "te vragen of het is gelukt, en de wijziging duurt soms twee weken.",
        "scope": "Het doorgeven van een verhuizing binnen de gemeente, van melding tot "
                 "wijziging in de BRP. Verhuizingen van buiten de gemeente vallen erbuiten.",
        "risks": "De koppeling met de BRP vraagt een aanpassing door de leverancier; de "
                 "controle op de BAG faalt bij nieuwbouwadressen die nog niet zijn "
                 "geregistreerd."})
    _risks(project, leader, [
        ("De leverancier past de BRP-koppeling later aan dan gepland", "medium", "high",
         "Afspraak over de oplevering in het contract; tot dan blijft overtypen nodig.", owner),
        ("De BAG-controle faalt bij nieuwbouwadressen", "high", "low",
         "Handmatige controle voor adressen die nog niet in de BAG staan.", expert)])
    plans.send_for_review(project, leader)
    _close_step(project, Step.IMPROVEMENT_PLAN, leader, {})
    steps.start_step(project, Step.REVIEW, leader)
    reviews.choose_domains(project, leader, ["privacy"])
    review = reviews.open_review(project, leader)[0]
    reviews.save_review(review, project, people[Role.PRIVACY_OFFICER],
                        expected_version=review.version, values={
                            "verdict": "approved", "motivation": "Geen nieuwe verwerkingen.",
                            "conditions": "", "dpia_criteria": [], "answers": []})
    reviews.sign(review, project, people[Role.PRIVACY_OFFICER], Role.PRIVACY_OFFICER,
                 expected_version=review.version)
    _close_step(project, Step.REVIEW, leader, {})
    steps.start_step(project, Step.ADJUST, leader)
    final = plans.make_final(project, leader, reviews.finalise_blockers(project))
    approvals.approve_plan(project, final, owner, "Akkoord.")
    _close_step(project, Step.ADJUST, leader, {})

    steps.start_step(project, Step.IMPLEMENTATION_PLAN, leader)
    planned = {"BAG-controle automatisch bij het indienen": (1, date(2026, 5, 1),
                                                             date(2026, 5, 29)),
               "Bevestiging per e-mail met verwachte datum": (2, date(2026, 5, 4),
                                                              date(2026, 5, 15)),
               "Koppeling webformulier met de BRP": (3, date(2026, 6, 1), date(2026, 8, 28))}
    items = implementation.items_of(project)
    order = sorted(items, key=lambda i: planned[i.improvement.title][0])
    lock = implementation.order_lock(project)
    implementation.reorder(project, owner, [i.id for i in order],
                           expected_version=lock.version)
    for item in order:
        _, start, end = planned[item.improvement.title]
        implementation.update_item(item, project, owner, expected_version=item.version, values={
            "adoption": "taken_over", "responsible_id": people[Role.TEAM_MANAGER].id,
            "start_on": start, "end_on": end, "deferred_until": None, "drop_reason": "",
            "waits_for_id": order[0].id if item is order[2] else None})
    approvals.approve_implementation(project, owner)
    _finish_tasks(project, Step.IMPLEMENTATION_PLAN)
    _close_step(project, Step.IMPLEMENTATION_PLAN, owner, {})

    steps.start_step(project, Step.EXECUTION, leader)
    manager = people[Role.TEAM_MANAGER]
    for item in implementation.items_of(project):
        implementation.add_note(item, project, manager, "Opgeleverd en in gebruik genomen.")
        implementation.update_action(item, project, manager, expected_version=item.version,
                                     status="done", blocked_reason="")
    # The link went live late: its responsible person expects less this year.
    link = db.session.scalar(select(Benefit).where(
        Benefit.project_id == project.id, Benefit.kind == BenefitKind.HOURS,
        Benefit.improvement.has(title="Koppeling webformulier met de BRP")))
    benefits.forecast(link, manager, expected_version=link.version, value=300.0,
                      on=date(2026, 9, 1), today=clock.today())
    implementation.save_evaluation(project, owner, expected_version=0, values={
        "planned_on": date(2026, 10, 5), "owner_id": owner.id,
        "lessons": "De BAG-controle leverde het meeste op. Betrek Burgerzaken eerder bij "
                   "koppelingen: de BRP-koppeling liep drie weken uit.",
        # Burgerzaken wants to know soon whether the gain holds: after 2 months already.
        "remeasure_months": [2, 4, 12]})
    for kpi, value in zip(kpis.kpis_of(project), (1.5, 6.0), strict=True):
        implementation.record_measurement(project, owner, kpi, value=value,
                                          measured_on=date(2026, 10, 1))
    _confirm(project, Step.EXECUTION, "executed", leader,
             note="Alle drie verbeteringen live sinds 1 mei.")
    _confirm(project, Step.EXECUTION, "trained", manager, variant="training",
             note="Medewerkers getraind op 12 mei.")
    _confirm(project, Step.EXECUTION, "documented", people[Role.SUBJECT_EXPERT],
             note="Werkinstructie verhuizingen versie 3 op het intranet.")
    _confirm(project, Step.EXECUTION, "communicated", leader, variant="internal_and_residents",
             note="Nieuwsbericht op de website en in het teamoverleg.")
    for step in Step:
        _finish_tasks(project, step)
    # The process description is reviewed soon: the library's reminder shows in the demo.
    _close_step(project, Step.EXECUTION, owner, steps.confirmations_by_key(project),
                revisit_on=clock.today() + timedelta(days=25))
    return project


def _borging(project: Project, owner: User) -> None:
    """The borging counts from the close as the demo's timeline has it (not from the moment
    the demo was made). The first moments (two months on) are measured on their day: the
    lead time holds, the call-backs came down further; two benefits are counted."""
    closed, today = sustain.closed_on(project), clock.today()
    realised = {BenefitKind.HOURS: 240.0, BenefitKind.EUROS: 2600.0}
    for benefit in db.session.scalars(select(Benefit).where(
            Benefit.project_id == project.id, Benefit.kind.in_(list(realised)))
            .order_by(Benefit.id).limit(2)):
        on = min(add_months(closed, 2), today)
        benefits.record_actual(benefit, owner, expected_version=benefit.version,
                               value=realised[benefit.kind], on=on, today=today)
    measured = {"Doorlooptijd": 1.8, "Terugbelverzoeken per 100 meldingen": 4.5}
    for moment in sustain.moments_of(project, today):
        row = moment.row
        row.due_on = add_months(closed, row.months)
        for task in db.session.scalars(select(Task).where(
                Task.project_id == project.id, Task.origin == sustain.ORIGIN,
                Task.link == task_link("sustain.moment", moment_id=row.id))):
            task.due_date = row.due_on
        if row.months == 2 and row.due_on <= today:
            sustain.record(project, row, owner, value=measured[row.kpi.name],
                           measured_on=row.due_on, today=today)
    guidance.sync_tasks(project)


def _improvement_plan(project: Project, people: dict[Role, User]) -> None:
    """Score and decide every idea, merge a duplicate, write the texts, send for review."""
    advisor = people[Role.PROCESS_ADVISOR]
    lead_time = next(k for k in kpis.kpis_of(project) if k.name == "Doorlooptijd")
    board = {i.title: i for i in plans.board(project)}
    duplicate = improvements.add_improvement(
        project, people[Role.JOURNEY_COACH], resolve(project, "step", int(Step.JOURNEY)),
        title="Bewoner per mail laten weten waar de aanvraag staat",
        description="Uit de klantreis: 'drie weken niets gehoord'.",
        proposer_id=people[Role.JOURNEY_COACH].id)
    digid = improvements.add_improvement(
        project, people[Role.PROCESS_ADVISOR], resolve(project, "step", int(Step.IMPROVEMENT_PLAN)),
        title="Aanvragen met DigiD en gegevens uit de BRP",
        description="Adres en naam komen uit de BRP; de bewoner vult alleen het kenteken in.",
        proposer_id=people[Role.PROCESS_ADVISOR].id)
    counter = improvements.add_improvement(
        project, people[Role.SUBJECT_EXPERT], resolve(project, "step", int(Step.IMPROVEMENT_PLAN)),
        title="Balie een avond per week langer open",
        description="Voor bewoners die overdag werken.", proposer_id=people[Role.SUBJECT_EXPERT].id)
    decisions = [
        (board["Kenteken automatisch controleren via RDW"], "long_term", 5, 4, 18000, 2400),
        (board["Statusbericht per e-mail na elke stap"], "quick_win", 4, 2, 2500, None),
        (board["Overdracht tussen Vergunningen en Parkeerbeheer schrappen"], "quick_win", 4, 1,
         None, None),
        (digid, "long_term", 4, 3, 9000, 1200),
    ]
    for improvement, horizon, impact, effort, cost, recurring in decisions:
        plans.update_plan_fields(improvement, project, advisor,
                                 expected_version=improvement.version, kpi_ids=[lead_time.id],
                                 values={"horizon": horizon, "impact": impact, "effort": effort,
                                         "cost_estimate": cost, "recurring_cost": recurring,
                                         "decision": "in_plan", "decision_reason": ""})
    plans.update_plan_fields(counter, project, advisor, expected_version=counter.version,
                             kpi_ids=[], values={
                                 "horizon": None, "impact": 2, "effort": 3, "cost_estimate": None,
                                 "decision": "not_pursued",
                                 "decision_reason": "Weinig vraag: 4 procent van de aanvragen "
                                                    "komt aan de balie."})
    status_mail = board["Statusbericht per e-mail na elke stap"]
    plans.merge(duplicate, status_mail, project, advisor, expected_version=duplicate.version)
    plans.save_texts(project, people[Role.PROJECT_LEADER], expected_version=0, values={
        "context": "Bewoners wachten gemiddeld 21 dagen op een parkeervergunning. De "
                   "proceseigenaar vroeg om maximaal vijf werkdagen en een aanvrager die altijd "
                   "weet waar de aanvraag staat.",
        "findings": "Vier overdrachten, waarvan twee zonder waarde; elk kenteken wordt met de "
                    "hand gecontroleerd. In de klantreis is 'wachten' het dieptepunt. De "
                    "Flitsformule belooft een besluit binnen vijf werkdagen en een statusbericht "
                    "bij elke stap; beide halen we nu niet.",
        "quick_wins": "Statusberichten en het schrappen van een overdracht kunnen binnen twee "
                      "maanden.",
        "long_term": "De RDW-koppeling en aanvragen met DigiD vragen een aanbesteding en een "
                     "aanpassing van het zaaksysteem.",
        "scope": "Het traject gaat over de bewonersvergunning, van aanvraag tot besluit. "
                 "Bezoekers- en bedrijfsvergunningen en de handhaving vallen erbuiten.",
        "risks": "De RDW-koppeling hangt af van de aanbesteding van het zaaksysteem; schuift "
                 "die op, dan blijft de handmatige controle langer nodig. Parkeerbeheer moet "
                 "de vrijgekomen uren inzetten op de achterstand.",
    })
    _risks(project, people[Role.PROJECT_LEADER], [
        ("De aanbesteding van het zaaksysteem schuift op", "medium", "high",
         "De handmatige kentekencontrole blijft tot de RDW-koppeling er is; de stuurgroep "
         "bewaakt de aanbesteding.", people[Role.PROCESS_OWNER]),
        ("Parkeerbeheer zet de vrijgekomen uren niet in op de achterstand", "medium", "medium",
         "De teammanager plant de uren in en meldt de achterstand maandelijks.",
         people[Role.TEAM_MANAGER]),
        ("Inwoners zonder DigiD vallen buiten de nieuwe aanvraag", "low", "medium",
         "De balie en het papieren formulier blijven.", people[Role.JOURNEY_COACH]),
        ("De privacyverklaring is niet op tijd aangepast", "low", "high",
         "De privacy officer keurt de tekst voor de livegang.",
         people[Role.PRIVACY_OFFICER])])
    plans.send_for_review(project, people[Role.PROJECT_LEADER])


def _risks(project: Project, actor: User,
           rows: list[tuple[str, str, str, str, User]]) -> None:
    for description, likelihood, impact, measure, owner in rows:
        risks.add_risk(project, actor, {"description": description, "likelihood": likelihood,
                                        "impact": impact, "measure": measure,
                                        "owner_id": owner.id})


def _reviews(project: Project, people: dict[Role, User]) -> list[Review]:
    leader = people[Role.PROJECT_LEADER]
    reviews.choose_domains(project, leader, ["privacy", "ict", "legal"])
    questions.replace(project, leader, QuestionSet.REVIEW, REVIEW_QUESTIONS)
    opened = {r.domain: r for r in reviews.open_review(project, leader)}
    in_plan = {i["title"]: i["id"] for i in reviews.improvements_in(opened["privacy"])}
    digid = in_plan["Aanvragen met DigiD en gegevens uit de BRP"]
    rdw = in_plan["Kenteken automatisch controleren via RDW"]

    privacy, officer = opened["privacy"], people[Role.PRIVACY_OFFICER]
    reviews.add_finding(privacy, project, officer, improvement_id=digid,
                        remark="Gebruik van het BSN en BRP-gegevens vraagt een grondslag.",
                        condition="Leg de grondslag vast in het verwerkingsregister.",
                        cost_estimate=None, lead_time_weeks=None)
    reviews.save_review(privacy, project, officer, expected_version=privacy.version, values={
        "verdict": "conditional", "motivation": "De verwerking past binnen de AVG als de "
        "grondslag is vastgelegd en de privacyverklaring klopt.",
        "conditions": "Pas de privacyverklaring op de website aan.",
        "dpia_criteria": ["sensitive_data", "matching"],
        "answers": ["Ja: het BSN, om de gegevens uit de BRP op te halen. Daarvoor is een "
                    "grondslag nodig (zie de bevinding).",
                    "Zolang de vergunning loopt, daarna twee jaar (Selectielijst)."]})
    reviews.sign(privacy, project, officer, Role.PRIVACY_OFFICER,
                 expected_version=privacy.version)

    ict, specialist = opened["ict"], people[Role.IT_SPECIALIST]
    reviews.add_finding(ict, project, specialist, improvement_id=rdw,
                        remark="De RDW-koppeling loopt via de landelijke voorziening.",
                        condition="", cost_estimate=15000, lead_time_weeks=12)
    reviews.save_review(ict, project, specialist, expected_version=ict.version, values={
        "verdict": "approved", "motivation": "Technisch haalbaar met het huidige zaaksysteem.",
        "conditions": "", "dpia_criteria": [],
        "answers": ["Ja: het zaaksysteem en de landelijke voorziening voor de RDW."]})
    reviews.sign(ict, project, specialist, Role.IT_SPECIALIST, expected_version=ict.version)

    legal, lawyer = opened["legal"], people[Role.LEGAL]
    reviews.save_review(legal, project, lawyer, expected_version=legal.version, values={
        "verdict": "approved", "motivation": "Past binnen de parkeerverordening.",
        "conditions": "", "dpia_criteria": [], "answers": []})
    reviews.sign(legal, project, lawyer, Role.LEGAL, expected_version=legal.version)
    return list(opened.values())


def _adjust_and_approve(project: Project, people: dict[Role, User],
                        signed: list[Review]) -> None:
    leader, advisor = people[Role.PROJECT_LEADER], people[Role.PROCESS_ADVISOR]
    answers = {
        "Leg de grondslag vast in het verwerkingsregister.": (
            "adopted", "Opgenomen als eerste actie van de DigiD-verbetering."),
        "Pas de privacyverklaring op de website aan.": (
            "adopted", "Communicatie past de tekst aan vóór de livegang."),
        "De RDW-koppeling loopt via de landelijke voorziening.": (
            "adopted", "Kosten (15.000 euro) en doorlooptijd (12 weken) in het plan gezet."),
    }
    for item in reviews.items_to_answer(signed, {}):
        kind, explanation = answers[item.text.split("\n")[-1]]
        reviews.respond(item.review, project, advisor, subject=item.subject, kind=kind,
                        explanation=explanation, expected_version=None)
    rdw = next(i for i in plans.board(project)
               if i.title == "Kenteken automatisch controleren via RDW")
    plans.update_plan_fields(rdw, project, advisor, expected_version=rdw.version,
                             kpi_ids=[k.id for k in rdw.kpis], values={
                                 "horizon": "long_term", "impact": 5, "effort": 4,
                                 "cost_estimate": 15000, "decision": "in_plan",
                                 "decision_reason": ""})
    _desired_process(project, advisor)
    final = plans.make_final(project, leader, reviews.finalise_blockers(project))
    approvals.approve_plan(project, final, people[Role.PROCESS_OWNER],
                           "Akkoord. Quick wins starten direct; de RDW-koppeling na de "
                           "aanbesteding.")


def _desired_process(project: Project, advisor: User) -> None:
    """Step 8: the process after the improvements (DigiD, the RDW link, a digital decision)."""
    rows = [
        ("Bewoner vraagt vergunning aan met DigiD", "Bewoner", "Website (e-formulier)", False,
         0, 5),
        ("Kenteken en adres automatisch gecontroleerd", "Zaaksysteem", "BRP, RDW", False, 0, 0),
        ("Plek in de vergunningzone toetsen", "Team Vergunningen", "Parkeerregister", False,
         1, 10),
        ("Besluit opstellen en ondertekenen", "Team Vergunningen", "Zaaksysteem", False, 1, 15),
        ("Besluit en vergunning digitaal versturen", "Zaaksysteem", "Berichtenbox", False, 0, 1),
    ]
    for activity, actor, system, handover, wait, work in rows:
        process.add_step(project, advisor, {
            "activity": activity, "actor": actor, "system": system, "handover": handover,
            "wait_days": float(wait), "work_minutes": float(work), "remarks": ""},
            variant=process.DESIRED)


def _sessions(project: Project, people: dict[Role, User]) -> None:
    mapping = sessions.create_session(
        project, people[Role.PROCESS_ADVISOR], step=Step.PROCESS, part="3a",
        held_on=date(2026, 9, 22), kind="in_person",
        attendee_ids=[people[r].id for r in (Role.PROCESS_ADVISOR, Role.SUBJECT_EXPERT,
                                             Role.PROJECT_LEADER)],
        external_participants="Een medewerker van Parkeerbeheer",
        agenda="Het huidige proces van aanvraag tot vergunning op de muur.")
    sessions.add_finding(mapping, people[Role.SUBJECT_EXPERT],
                         "Niemand weet precies wie de vergunning in het parkeerregister zet.")
    sessions.create_session(
        project, people[Role.JOURNEY_COACH], step=Step.JOURNEY, part=None,
        held_on=date(2026, 10, 9), kind="hybrid",
        attendee_ids=[people[r].id for r in (Role.JOURNEY_COACH, Role.SUBJECT_EXPERT)],
        external_participants="Drie bewoners uit de binnenstad",
        agenda="De klantreis doorlopen en pijnpunten benoemen.")


# What the team asks itself per P of the service formula, and each specialist in the review:
# the permit project's own, and the starting questions of the template "Melding".
FORMULA_QUESTIONS = {
    "place": ["Kan de inwoner de aanvraag volledig op de telefoon doen?"],
    "process": ["Welke controles kunnen vooraf en automatisch?",
                "Waar wacht de aanvraag op een collega?"],
    "promotion": ["Wanneer hoort de inwoner iets over zijn aanvraag?"],
}
REVIEW_QUESTIONS = {
    "privacy": ["Worden het BSN of bijzondere persoonsgegevens verwerkt?",
                "Hoe lang worden de gegevens bewaard?"],
    "ict": ["Past de oplossing binnen de applicaties die we al hebben?"],
}


def _service_formula(project: Project, people: dict[Role, User]) -> None:
    flits = db.session.scalar(db.select(ServiceFormula).where(
        ServiceFormula.name == "Flitsformule"))
    if flits is None:  # removed by the organisation: then the demo skips this part
        return
    formulas.choose_formula(project, people[Role.PROJECT_LEADER], flits)
    questions.replace(project, people[Role.PROJECT_LEADER], QuestionSet.FORMULA,
                      FORMULA_QUESTIONS)
    expert = people[Role.SUBJECT_EXPERT]
    rows = {
        "product": ("Een parkeervergunning voor uw eigen auto.", "Eén product, één formulier.",
                    "Drie soorten vergunningen door elkaar op de website.", "partly"),
        "price": ("U ziet vooraf wat het kost.", "Tarief staat op één plek.",
                  "Twee verschillende bedragen op de website.", "differs"),
        "place": ("Online te regelen, ook op de telefoon.", "Formulier werkt op alle schermen.",
                  "Uploaden lukt niet op de telefoon.", "partly"),
        "people": ("Wie u spreekt, kan u verder helpen.", "KCC ziet de status van de zaak.",
                   "KCC kan de status niet zien en verwijst door.", "differs"),
        "process": ("Binnen vijf werkdagen een besluit.", "Geen handmatige controles.",
                    "Gemiddeld 21 dagen door handmatige controles en overdrachten.", "differs"),
        "promotion": ("U weet steeds waar uw aanvraag staat.", "Statusbericht bij elke stap.",
                      "Geen bericht tot het besluit per post.", "differs"),
    }
    for p, (promise, agreement, practice, match) in rows.items():
        formulas.save_comparison(project, expert, p, expected_version=None, values={
            "promise": promise, "internal_agreement": agreement,
            "current_practice": practice, "match": match})


def _kpis(project: Project, people: dict[Role, User]) -> None:
    advisor, owner = people[Role.PROCESS_ADVISOR], people[Role.PROCESS_OWNER]
    measured, target = date(2026, 9, 1), date(2027, 6, 30)
    rows = [
        ("Doorlooptijd", "Kalenderdagen van ontvangst van de aanvraag tot het besluit, "
         "gemiddeld over alle aanvragen in de meetperiode.", "dagen", "lower", 21, 5,
         "Zaaksysteem, aanvragen juni tot en met augustus 2026"),
        ("First time right", "Percentage aanvragen dat zonder aanvulling of herstel in één "
         "keer wordt afgehandeld.", "%", "higher", 62, 90, "Steekproef van 120 dossiers"),
        ("Klanttevredenheid", "Gemiddeld rapportcijfer uit de enquête na afhandeling.",
         "cijfer", "higher", 6.4, 7.5, "KTO-enquête tweede kwartaal 2026"),
        ("Aantal contactmomenten", "Gemiddeld aantal keren dat de bewoner contact opneemt "
         "per aanvraag.", "contacten", "lower", 2.3, 1, "Klantcontactcentrum, telefonie"),
    ]
    for name, definition, unit, direction, baseline, goal, source in rows:
        kpis.add_kpi(project, advisor, {
            "name": name, "definition": definition, "unit": unit, "direction": direction,
            "baseline_value": float(baseline), "baseline_date": measured,
            "baseline_source": source, "target_value": float(goal), "target_date": target,
        })
    kpis.agree_kpi_set(project, owner, {Role.PROCESS_OWNER})


def _current_process(project: Project, people: dict[Role, User]) -> None:
    advisor = people[Role.PROCESS_ADVISOR]
    rows = [
        ("Bewoner vraagt vergunning aan via het webformulier", "Bewoner", "Website (e-formulier)",
         False, 0, 10),
        ("Aanvraag registreren en zaak aanmaken", "Klantcontactcentrum", "Zaaksysteem", True,
         1, 5),
        ("Aanvraag controleren op volledigheid", "Team Vergunningen", "Zaaksysteem", False, 3, 15),
        ("Kenteken en adres handmatig controleren", "Team Vergunningen", "BRP, RDW-portaal", True,
         2, 20),
        ("Plek in de vergunningzone toetsen", "Team Parkeerbeheer", "Parkeerregister", True,
         5, 10),
        ("Besluit opstellen en ondertekenen", "Team Vergunningen", "Zaaksysteem", False, 2, 25),
        ("Vergunning registreren voor handhaving", "Team Parkeerbeheer", "Parkeerregister", True,
         3, 5),
        ("Besluit per post versturen", "Postkamer", "", False, 2, 3),
    ]
    for activity, actor, system, handover, wait, work in rows:
        process.add_step(project, advisor, {
            "activity": activity, "actor": actor, "system": system, "handover": handover,
            "wait_days": float(wait), "work_minutes": float(work), "remarks": "",
            "wastes": ["waiting", "handover"] if handover else [],
        })
    process.record_check(project, people[Role.SUBJECT_EXPERT], confirmed=False,
                         correction="Tussen stap 4 en 5 belt Vergunningen vaak eerst met "
                                    "Parkeerbeheer; dat staat er niet in.")
    _measured_process(project, advisor)


def _measured_process(project: Project, advisor: User) -> None:
    """The zaak system's export of six months of applications, read as in step 3 (a synthetic
    log without personal data, made by mining/generate.py; `make run` shows the feature)."""

    text = "".join(generate.csv_text(generate.cases(DEMO_LOG_CASES, seed=2026))).encode()
    mapping = parse.Mapping("zaaknummer", "activiteit", "starttijd", "eindtijd", "behandelaar",
                            ("kanaal",))
    result, cases = analysis.analyse_with_cases(  # its "behandelaar" column holds teams
        parse.read_csv(io.BytesIO(text), mapping, encoding="utf-8", delimiter=";",
                       zone=organisation_zone()), keep_resources=True,
        calendar=organisation_calendar(), attributes=mapping.attributes)
    log = EventLog(
        project_id=project.id, purpose="current", filename="zaaksysteem-export-2026-h1.csv",
        format="csv", size=len(text), status=EventLogStatus.DONE, events_read=result["events"],
        mapping={**mapping.__dict__, "attributes": list(mapping.attributes),
                 "encoding": "utf-8", "delimiter": ";", "sample": [], "resource_kind": "team"},
        keep_resources=True,
        result=result, created_by_id=advisor.id, finished_at=utcnow())
    db.session.add(log)
    db.session.flush()
    db.session.add(EventLogCases(event_log_id=log.id, data=cases.packed()))


def _journey(project: Project, people: dict[Role, User]) -> None:
    coach = people[Role.JOURNEY_COACH]
    journey.save_source(project, coach, expected_version=None, values={
        "source": "interviews", "source_link": "",
        "notes": "Acht bewoners geïnterviewd bij de balie en telefonisch."})
    phases = [
        ("Oriënteren", "Zoekt op de website wat een vergunning kost en hoe lang het duurt.",
         "Website", 0, "Kosten staan op twee plekken, met verschillende bedragen.",
         "“Ik wist niet of ik nu wel of niet moest betalen.”",
         "Eén pagina met prijs, doorlooptijd en wat je nodig hebt."),
        ("Aanvragen", "Vult het e-formulier in en uploadt het kentekenbewijs.",
         "Website, DigiD", 1, "Kentekenbewijs uploaden lukt niet op de telefoon.", "",
         "Kenteken wordt automatisch opgehaald; niets uploaden."),
        ("Wachten", "Wacht op bericht; belt na een week het klantcontactcentrum.",
         "Telefoon", -2, "Geen bevestiging en geen status; drie weken stilte.",
         "“Ik heb drie keer gebeld en kreeg steeds een ander verhaal.”",
         "Bevestiging direct en een bericht bij elke stap."),
        ("Ontvangen", "Krijgt het besluit per post en zet de vergunning in de app.",
         "Brief, parkeerapp", 1, "Brief komt pas dagen na het besluit.", "",
         "Vergunning direct digitaal actief."),
    ]
    for name, action, touchpoints, score, pain, quote, ideal in phases:
        journey.add_phase(project, coach, {
            "name": name, "resident_action": action, "touchpoints": touchpoints,
            "experience": score, "pain_points": pain, "quotes": quote, "ideal": ideal})
    journey.log_interviews(project, coach, held_on=date(2026, 10, 6), count=5,
                           resident_type="Bewoner met auto, binnenstad")
    journey.log_interviews(project, coach, held_on=date(2026, 10, 8), count=3,
                           resident_type="Bewoner met bedrijfsauto")


def _improvements(project: Project, people: dict[Role, User]) -> None:
    lead_time = next(k for k in kpis.kpis_of(project) if k.name == "Doorlooptijd")
    ideas = [
        ("kpi", lead_time.id, Role.SUBJECT_EXPERT, "Kenteken automatisch controleren via RDW",
         "Nu controleert een medewerker elk kenteken met de hand; dat kost per aanvraag "
         "een dag wachttijd."),
        ("step", int(Step.PROCESS), Role.PROCESS_ADVISOR, "Statusbericht per e-mail na elke stap",
         "Bewoners bellen omdat ze niet weten waar hun aanvraag staat."),
        ("step", int(Step.PROCESS), Role.SUBJECT_EXPERT,
         "Overdracht tussen Vergunningen en Parkeerbeheer schrappen",
         "Vier overdrachten; twee daarvan voegen niets toe."),
    ]
    for kind, source_id, role, title, description in ideas:
        improvements.add_improvement(project, people[role], resolve(project, kind, source_id),
                                     title=title, description=description,
                                     proposer_id=people[role].id)


def _idea_box(people: dict[Role, User], described: Project, running: Project) -> None:
    """Ideas from colleagues: one waiting for triage (and a look-alike merged with it), one
    in a running project, one declined. The process advisor is the coordinator."""
    coordinator = people[Role.PROCESS_ADVISOR]
    coordinator.functions = [OrgFunction.COORDINATOR.value]
    expert, manager = people[Role.SUBJECT_EXPERT], people[Role.TEAM_MANAGER]
    first = ideas.post(
        expert, title="Verhuizing meteen doorgeven aan de afvalstoffenheffing",
        description="Wie verhuist, krijgt nog maanden de aanslag op het oude adres. Als de "
                    "verhuizing meteen doorgaat naar Belastingen, scheelt dat bezwaren.",
        process_id=described.id, organisation_unit="")
    double = ideas.post(manager, title="Na verhuizing automatisch een nieuwe afvalpas sturen",
                        description="", process_id=None, organisation_unit="Burgerzaken")
    ideas.merge(double, first, coordinator, expected_version=double.version)
    photo = ideas.post(manager, title="Foto meesturen bij een melding over zwerfafval",
                       description="Met een foto ziet de buitendienst meteen wat er ligt.",
                       process_id=None, organisation_unit="Stadsbeheer")
    ideas.into_project(photo, running, coordinator, expected_version=photo.version)
    counter = ideas.post(expert, title="Parkeervergunning ook aanvragen aan de balie in het "
                                       "wijkcentrum",
                         description="Niet iedereen kan online.", process_id=None,
                         organisation_unit="Parkeren")
    ideas.decline(counter, coordinator, expected_version=counter.version,
                  reason="Aanvragen kan al aan de balie van het stadskantoor en telefonisch; "
                         "een tweede balie kost meer dan het oplevert.")


def _template(completed: Project, admin: User) -> None:
    """The organisation's process kinds, and the completed project's starting points as the
    template of a "Melding": a new project offers it."""
    settings = duties.settings()
    settings.process_kinds = ["Vergunning", "Melding", "Subsidie", "Informatieverzoek"]
    db.session.add(settings)
    # Its questions, as the team wrote them in its time (its steps have closed since).
    for question_set, asked in ((QuestionSet.FORMULA, FORMULA_QUESTIONS),
                                (QuestionSet.REVIEW, REVIEW_QUESTIONS)):
        questions.add_rows(completed, question_set, [
            {"subject": subject, "question": text}
            for subject, texts in asked.items() for text in texts])
    templates.save_from_project(
        completed, admin, name="Melding aan Burgerzaken", process_kind="Melding",
        parts=set(CopyPart), requirements={Requirement.KPI_BASELINES: Step.PROCESS})


def _public_space_project(people: dict[Role, User]) -> Project:
    leader = people[Role.PROJECT_LEADER]
    project = projects.create_project(
        leader,
        name="Melding openbare ruimte",
        product="Melding openbare ruimte (MOR)",
        assignment="Meldingen over losliggende stoeptegels en zwerfafval sneller en met "
                   "terugkoppeling afhandelen.",
        process_type="primary", organisation_unit="Stadsbeheer",
        creator_roles=set(),
    )
    for role in (Role.SPONSOR, Role.PROCESS_OWNER, Role.SUBJECT_EXPERT, Role.PROCESS_ADVISOR,
                 Role.JOURNEY_COACH):
        projects.add_member(project, leader, people[role], {role})
    steps.start_step(project, Step.TEAM, leader)
    # A project that stalls: step 1 opened six weeks ago, so the portfolio flags it and
    # `flask jobs periodic` reminds the people its tasks wait on.
    db.session.flush()
    opened = utcnow() - timedelta(days=STALLED_DEMO_DAYS)
    project.step_state(Step.TEAM).started_at = opened
    for task in db.session.scalars(db.select(Task).where(Task.project_id == project.id)):
        task.created_at = opened
    return project
