"""Moving a project through the ten steps: who may, in what order, and what must exist."""

from __future__ import annotations

import pytest
from conftest import END_ALL, Team, give_go
from flask import url_for

from wasstraat.extensions import db
from wasstraat.gates import EVIDENCE
from wasstraat.models import (
    AuditEvent,
    ImplementationItem,
    Improvement,
    PlanVersion,
    Review,
    StepState,
    Task,
)
from wasstraat.steps import services
from wasstraat.workflow import DEFAULT_GATED_STEPS, SERVICE_PS, STEPS, Role, Step, StepStatus


def url(team: Team, step: Step, action: str = "") -> str:
    base = f"/projects/{team.project.id}/steps/{int(step)}"
    return f"{base}/{action}" if action else base


def status_of(team: Team, step: Step) -> StepStatus:
    state = db.session.scalar(
        db.select(StepState).where(StepState.project_id == team.project.id,
                                   StepState.step == int(step))
    )
    return StepStatus(state.status)


def confirm_data(product) -> dict:
    data = {f"{product.key}-note": "Klaar."}
    if product.variants:
        data[f"{product.key}-variant"] = product.variants[0].key
    return data


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture
def clients(team: Team, login_as) -> dict:
    signed_in = {role: login_as(user) for role, user in team.members.items()}
    signed_in["outsider"] = login_as(team.outsider)
    return signed_in


def test_a_project_walks_through_all_ten_steps_and_each_wrong_role_is_refused(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    # The customer journey runs alongside steps 2 and 3, as the method allows.
    order = [Step.TEAM, Step.JOURNEY, Step.KPIS, Step.PROCESS, *range(5, 11)]
    for step in map(Step, order):
        definition = STEPS[step]
        for role, client in clients.items():
            if role is not Role.PROJECT_LEADER:
                expected = 404 if role == "outsider" else 403
                assert client.post(url(team, step, "start")).status_code == expected, role
        assert leader.post(url(team, step, "start")).status_code == 303
        assert status_of(team, step) is StepStatus.IN_PROGRESS

        for product in definition.products:
            if product.evidence:
                produce_evidence(team, clients, product, check_refusals=True)
                continue
            path = url(team, step, f"products/{product.key}/confirm")
            for role, client in clients.items():
                if role == "outsider":
                    assert client.post(path, data=confirm_data(product)).status_code == 404
                elif role not in product.confirmed_by:
                    assert client.post(path, data=confirm_data(product)).status_code == 403, (
                        step, product.key, role)
            confirmer = clients[product.confirmed_by[0]]
            assert confirmer.post(path, data=confirm_data(product)).status_code == 303

        if step in DEFAULT_GATED_STEPS:  # the sponsor's go, which nobody else gives
            for role, client in clients.items():
                if role is not Role.SPONSOR:
                    expected = 404 if role == "outsider" else 403
                    assert client.post(url(team, step, "gate"),
                                       data={"verdict": "go"}).status_code == expected, role
            give_go(clients[Role.SPONSOR], team.project, step)

        for role, client in clients.items():
            if role == "outsider":
                assert client.post(url(team, step, "close"), data=END_ALL).status_code == 404
            elif role not in definition.closers:
                assert client.post(url(team, step, "close"), data=END_ALL).status_code == 403, (step, role)
        closer = clients[definition.closers[-1]]  # the process owner for steps 9 and 10
        assert closer.post(url(team, step, "close"), data=END_ALL).status_code == 303, step
        assert status_of(team, step) is StepStatus.DONE

    assert db.session.get(type(team.project), team.project.id).current_step is None
    page = leader.get(f"/projects/{team.project.id}")
    assert "Alle stappen afgerond" in page.get_data(as_text=True)


def test_a_step_cannot_start_before_the_steps_it_needs(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    response = leader.post(url(team, Step.KPIS, "start"))
    assert response.status_code == 409
    assert "Rond eerst Stap 1: Samenstellen projectgroep af." in response.get_data(as_text=True)
    assert status_of(team, Step.KPIS) is StepStatus.NOT_STARTED


def test_a_step_cannot_close_before_its_products_are_confirmed(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    leader.post(url(team, Step.TEAM, "start"))
    leader.post(url(team, Step.TEAM, "products/team/confirm"), data={"team-note": ""})
    response = leader.post(url(team, Step.TEAM, "close"), data=END_ALL)
    assert response.status_code == 409
    assert "Nog niet bevestigd: Kick-off gehouden." in response.get_data(as_text=True)
    assert status_of(team, Step.TEAM) is StepStatus.IN_PROGRESS


def test_the_3b_check_may_be_merged_into_3a_and_that_choice_is_recorded(team, clients):
    leader, advisor = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_ADVISOR]
    for step in (Step.TEAM, Step.KPIS):
        _finish(team, clients, step)
    leader.post(url(team, Step.PROCESS, "start"))
    advisor.post(f"/projects/{team.project.id}/process", data=PROCESS_STEP_FORM)
    refused = advisor.post(url(team, Step.PROCESS, "products/process_checked/confirm"),
                           data={"process_checked-variant": "by-mail"})
    assert refused.status_code == 409
    merged = advisor.post(url(team, Step.PROCESS, "products/process_checked/confirm"),
                          data={"process_checked-variant": "merged",
                                "process_checked-note": "Eenvoudig proces."})
    assert merged.status_code == 303
    page = advisor.get(url(team, Step.PROCESS)).get_data(as_text=True)
    assert "Samengevoegd met sessie 3a (eenvoudig proces)" in page
    assert leader.post(url(team, Step.PROCESS, "close"), data=END_ALL).status_code == 303


def test_skipping_needs_a_skippable_step_and_a_reason(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    _finish(team, clients, Step.TEAM)
    no_reason = leader.post(url(team, Step.JOURNEY, "skip"), data={"reason": "  "})
    assert no_reason.status_code == 422
    assert "Geef een reden op." in no_reason.get_data(as_text=True)
    assert status_of(team, Step.JOURNEY) is StepStatus.NOT_STARTED

    not_skippable = leader.post(url(team, Step.KPIS, "skip"), data={"reason": "Geen tijd"})
    assert not_skippable.status_code == 409
    assert status_of(team, Step.KPIS) is StepStatus.NOT_STARTED

    skipped = leader.post(url(team, Step.JOURNEY, "skip"),
                          data={"reason": "Intern ondersteunend proces zonder inwoners."})
    assert skipped.status_code == 303
    assert status_of(team, Step.JOURNEY) is StepStatus.SKIPPED
    page = leader.get(url(team, Step.JOURNEY)).get_data(as_text=True)
    assert "Intern ondersteunend proces zonder inwoners." in page


def test_reopening_a_closed_step_needs_a_reason_and_is_recorded(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    _finish(team, clients, Step.TEAM)
    assert leader.post(url(team, Step.TEAM, "reopen"), data={"reason": ""}).status_code == 422
    assert clients[Role.PROCESS_OWNER].post(
        url(team, Step.TEAM, "reopen"), data={"reason": "Nieuw teamlid"}).status_code == 403
    assert status_of(team, Step.TEAM) is StepStatus.DONE
    assert leader.post(url(team, Step.TEAM, "reopen"),
                       data={"reason": "Teammanager ontbrak"}).status_code == 303
    assert status_of(team, Step.TEAM) is StepStatus.IN_PROGRESS
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "step.reopen")).one()
    assert event.after["reason"] == "Teammanager ontbrak"
    assert event.before == {"status": "done"}


def test_htmx_step_start_returns_the_work_area_only(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    response = leader.post(url(team, Step.TEAM, "start"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="step-work"')
    assert "<html" not in body
    assert "Stap 1: Samenstellen projectgroep is gestart." in body  # announced to screen readers


def test_a_step_number_outside_the_method_is_not_found(team, clients):
    assert clients[Role.PROJECT_LEADER].get(url(team, 11)).status_code == 404  # type: ignore[arg-type]
    assert clients[Role.PROJECT_LEADER].get(f"/projects/{team.project.id}/steps/0").status_code == 404


KPI_FORM = {"name": "Doorlooptijd", "unit": "dagen", "direction": "lower",
            "baseline_value": "21", "baseline_date": "2026-09-01", "baseline_source": "Zaaksysteem",
            "target_value": "5", "target_date": "2027-06-30"}


PROCESS_STEP_FORM = {"activity": "Aanvraag registreren", "actor": "KCC", "system": "Zaaksysteem",
                     "handover": "yes", "wait_days": "1", "work_minutes": "5"}


def produce_evidence(team: Team, clients: dict, product, check_refusals: bool = False) -> None:
    """Do what the product's evidence rule looks for, as the roles that produce it."""
    producers = {
        "kpi_set_agreed": _agree_kpis,
        "process_mapped": _map_process,
        "formula_compared": _compare_formula,
        "journey_recorded": _record_journey,
        "plan_sent_for_review": _send_plan,
        "reviews_signed": _sign_reviews,
        "final_plan_approved": _approve_final_plan,
        "implementation_plan_approved": _approve_implementation_plan,
        "evaluation_planned": _plan_evaluation,
    }
    producers[product.evidence](team, clients, product, check_refusals)
    if check_refusals:
        step = next(s for s in Step if product in STEPS[s].products)
        direct = clients[product.confirmed_by[0]].post(
            url(team, step, f"products/{product.key}/confirm"), data={})
        assert direct.status_code == 409  # the data decides, not a tick


def _agree_kpis(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/kpis"
    if check_refusals:
        for role, client in clients.items():
            if role == "outsider":
                assert client.post(base, data=KPI_FORM).status_code == 404
            elif role not in STEPS[Step.KPIS].actors:
                assert client.post(base, data=KPI_FORM).status_code == 403, role
            if role not in ("outsider", *product.confirmed_by):
                assert client.post(f"{base}/agree").status_code in (403, 404), role
    assert clients[Role.PROCESS_ADVISOR].post(base, data=KPI_FORM).status_code == 303
    assert clients[product.confirmed_by[0]].post(f"{base}/agree").status_code == 303


def _map_process(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/process"
    mappers = {Role.PROJECT_LEADER, *STEPS[Step.PROCESS].part("3a").actors}
    checkers = set(STEPS[Step.PROCESS].part("3b").actors)
    check = {"verdict": "confirmed", "correction": ""}
    if check_refusals:
        for role, client in clients.items():
            if role == "outsider":
                assert client.post(base, data=PROCESS_STEP_FORM).status_code == 404
            elif role not in mappers:
                assert client.post(base, data=PROCESS_STEP_FORM).status_code == 403, role
            if role not in ("outsider", *checkers):
                assert client.post(f"{base}/check", data=check).status_code == 403, role
    assert clients[Role.SUBJECT_EXPERT].post(base, data=PROCESS_STEP_FORM).status_code == 303
    # The 3b check by a participant, which the advisor's confirmation of 3b then relies on.
    assert clients[Role.PROCESS_OWNER].post(f"{base}/check", data=check).status_code == 303


def _compare_formula(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/formula"
    actors = set(STEPS[Step.SERVICE_FORMULA].actors)
    if check_refusals:
        for role, client in clients.items():
            expected = 404 if role == "outsider" else 403
            if role == "outsider" or role not in actors:
                assert client.post(f"{base}/choose", data={"formula_id": 1}).status_code == expected
    expert = clients[Role.SUBJECT_EXPERT]
    assert clients[Role.PROJECT_LEADER].post(f"{base}/choose",
                                             data={"formula_id": 1}).status_code == 303
    data = {f"{p.key}-{name}": value for p in SERVICE_PS
            for name, value in (("current_practice", "Zo gaat het nu"), ("match", "partly"))}
    assert expert.post(f"{base}/compare", data=data).status_code == 303  # six P's, one form


def _record_journey(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/journey"
    editors = {Role.PROJECT_LEADER, *STEPS[Step.JOURNEY].actors}
    phase = {"name": "Wachten", "experience": "-2", "pain_points": "Geen status"}
    if check_refusals:
        for role, client in clients.items():
            if role == "outsider":
                assert client.post(f"{base}/phases", data=phase).status_code == 404
            elif role not in editors:
                assert client.post(f"{base}/phases", data=phase).status_code == 403, role
    coach = clients[Role.JOURNEY_COACH]
    assert coach.post(f"{base}/source", data={"source": "feedback"}).status_code == 303
    assert coach.post(f"{base}/phases", data=phase).status_code == 303


def _refused_unless(clients: dict, allowed: set, path: str, data: dict | None = None) -> None:
    for role, client in clients.items():
        if role == "outsider":
            assert client.post(path, data=data or {}).status_code == 404
        elif role not in allowed:
            assert client.post(path, data=data or {}).status_code == 403, role


def _send_plan(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}"
    advisor = clients[Role.PROCESS_ADVISOR]
    response = advisor.post(f"{base}/improvements/new?source=step&source_id=6", data={
        "title": "Aanvraag digitaal met DigiD", "proposer_id": team[Role.PROCESS_ADVISOR].id})
    assert response.status_code == 303
    improvement_id = db.session.scalar(db.select(db.func.max(Improvement.id)).where(
        Improvement.project_id == team.project.id))
    entry = {"decision": "in_plan", "horizon": "quick_win", "impact": "4", "effort": "2",
             "version": "1"}
    if check_refusals:
        _refused_unless(clients, {Role.JOURNEY_COACH, Role.PROCESS_ADVISOR, Role.PROJECT_LEADER,
                                  Role.PROCESS_OWNER, Role.SUBJECT_EXPERT},
                        f"{base}/plan/improvements/{improvement_id}", entry)
        _refused_unless(clients, {Role.PROJECT_LEADER}, f"{base}/plan/send")
    assert advisor.post(f"{base}/plan/improvements/{improvement_id}",
                        data=entry).status_code == 303
    assert clients[Role.PROJECT_LEADER].post(f"{base}/plan/send").status_code == 303


def _sign_reviews(team: Team, clients: dict, product, check_refusals: bool) -> None:

    base = f"/projects/{team.project.id}/reviews"
    leader = clients[Role.PROJECT_LEADER]
    if check_refusals:
        _refused_unless(clients, {Role.PROJECT_LEADER}, f"{base}/domains",
                        {"domains": ["privacy", "legal"]})
        _refused_unless(clients, {Role.PROJECT_LEADER}, f"{base}/open")
    assert leader.post(f"{base}/domains", data={"domains": ["privacy", "legal"]}).status_code == 303
    assert leader.post(f"{base}/open").status_code == 303
    reviews = db.session.scalars(db.select(Review).where(
        Review.project_id == team.project.id).order_by(Review.id)).all()
    signers = {"privacy": Role.PRIVACY_OFFICER, "legal": Role.LEGAL}
    for review_id, domain in [(r.id, r.domain) for r in reviews]:
        role = signers[domain]
        verdict = {"verdict": "approved", "motivation": "Geen bezwaren.", "version": "1"}
        if check_refusals:
            _refused_unless(clients, {role}, f"{base}/{review_id}", verdict)
            _refused_unless(clients, {role}, f"{base}/{review_id}/sign", {"version": "1"})
        assert clients[role].post(f"{base}/{review_id}", data=verdict).status_code == 303
        assert clients[role].post(f"{base}/{review_id}/sign",
                                  data={"version": "2"}).status_code == 303


def _approve_final_plan(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/plan"
    if check_refusals:
        _refused_unless(clients, {Role.PROJECT_LEADER}, f"{base}/finalise")
    assert clients[Role.PROJECT_LEADER].post(f"{base}/finalise").status_code == 303
    number = db.session.scalar(db.select(db.func.max(PlanVersion.number)).where(
        PlanVersion.project_id == team.project.id))
    if check_refusals:
        _refused_unless(clients, {Role.PROCESS_OWNER}, f"{base}/versions/{number}/approve")
    assert clients[Role.PROCESS_OWNER].post(f"{base}/versions/{number}/approve").status_code == 303


def _approve_implementation_plan(team: Team, clients: dict, product, check_refusals: bool) -> None:

    base = f"/projects/{team.project.id}/implementation"
    item_id = db.session.scalar(db.select(ImplementationItem.id).where(
        ImplementationItem.project_id == team.project.id))
    assert item_id is not None, "step 9 takes over the final plan's improvements"
    decision = {"adoption": "taken_over", "responsible_id": team[Role.SUBJECT_EXPERT].id,
                "start_on": "2027-01-04", "end_on": "2027-03-31", "version": "1"}
    if check_refusals:
        _refused_unless(clients, {Role.PROCESS_OWNER}, f"{base}/items/{item_id}", decision)
        _refused_unless(clients, {Role.PROCESS_OWNER}, f"{base}/approve")
    owner = clients[Role.PROCESS_OWNER]
    assert owner.post(f"{base}/items/{item_id}", data=decision).status_code == 303
    assert owner.post(f"{base}/approve").status_code == 303


def _plan_evaluation(team: Team, clients: dict, product, check_refusals: bool) -> None:
    base = f"/projects/{team.project.id}/implementation/evaluation"
    data = {"version": "0", "planned_on": "2027-09-01", "owner_id": team[Role.PROCESS_OWNER].id}
    if check_refusals:
        _refused_unless(clients, set(STEPS[Step.EXECUTION].actors), base, data)
    assert clients[Role.PROCESS_OWNER].post(base, data=data).status_code == 303


def _finish(team: Team, clients: dict, step: Step) -> None:
    leader = clients[Role.PROJECT_LEADER]
    assert leader.post(url(team, step, "start")).status_code == 303
    for product in STEPS[step].products:
        if product.evidence:
            produce_evidence(team, clients, product)
            continue
        response = clients[product.confirmed_by[0]].post(
            url(team, step, f"products/{product.key}/confirm"), data=confirm_data(product))
        assert response.status_code == 303
    if step in DEFAULT_GATED_STEPS:
        give_go(clients[Role.SPONSOR], team.project, step)
    assert leader.post(url(team, step, "close"), data=END_ALL).status_code == 303


def test_notes_of_a_closed_step_change_only_after_reopening(team, clients):
    leader = clients[Role.PROJECT_LEADER]
    _finish(team, clients, Step.TEAM)
    state_version = db.session.scalar(db.select(StepState.version).where(
        StepState.project_id == team.project.id, StepState.step == 1))
    path = url(team, Step.TEAM, "notes")
    refused = leader.post(path, data={"notes": "Achteraf aangepast", "version": state_version})
    assert refused.status_code == 409
    assert "Heropen de stap" in refused.get_data(as_text=True)
    leader.post(url(team, Step.TEAM, "reopen"), data={"reason": "Aantekening aanvullen"})
    state_version = db.session.scalar(db.select(StepState.version).where(
        StepState.project_id == team.project.id, StepState.step == 1))
    assert leader.post(path, data={"notes": "Aangevuld", "version": state_version}).status_code == 303


def test_notes_saved_over_someone_elses_change_get_a_conflict(team, clients):
    sponsor, owner = clients[Role.SPONSOR], clients[Role.PROCESS_OWNER]
    path = url(team, Step.TEAM, "notes")
    assert sponsor.post(path, data={"notes": "Van de sponsor", "version": 1}).status_code == 303
    response = owner.post(path, data={"notes": "Van de eigenaar", "version": 1},
                          headers={"HX-Request": "true"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card section" id="notes"')
    assert "Van de sponsor" in body and "Iemand anders heeft dit intussen gewijzigd" in body
    notes = db.session.scalar(db.select(StepState.notes).where(
        StepState.project_id == team.project.id, StepState.step == 1))
    assert notes == "Van de sponsor"


def test_a_step_start_that_fails_halfway_leaves_nothing_behind(create_project, login_as,
                                                               monkeypatch):
    """Starting a step is several writes (status, audit line, tasks); when one fails after the
    others, none of them stays (checklist R-6)."""
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    project_id = team.project.id

    def tasks_fail(*args: object) -> None:
        raise RuntimeError("the task service fell over")

    monkeypatch.setattr(services, "create_step_tasks", tasks_fail)
    with pytest.raises(RuntimeError):
        leader.post(url(team, Step.TEAM, "start"))
    db.session.expire_all()
    assert status_of(team, Step.TEAM) is StepStatus.NOT_STARTED
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.project_id == project_id, AuditEvent.action == "step.start")) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Task).where(
        Task.project_id == project_id)) == 0


def test_every_evidence_rule_a_product_names_exists_and_leads_to_a_page(app):
    named = {p.evidence for s in Step for p in s.definition.products if p.evidence}
    assert named == set(EVIDENCE)
    with app.test_request_context():
        for rule in EVIDENCE.values():
            assert url_for(rule.page, project_id=1).startswith("/projects/1")
