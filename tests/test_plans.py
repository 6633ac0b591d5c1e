"""Steps 6 to 8: the improvement plan, its frozen versions, the specialists' reviews and
sign-off, step 8's responses, a rejection and its override, and the final approval."""

from __future__ import annotations

import html
import re

import pytest
from conftest import END_ALL, Team, give_go
from sqlalchemy.orm.attributes import set_committed_value

from wasstraat.errors import ConflictError
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import (
    AuditEvent,
    FrozenError,
    Improvement,
    Kpi,
    Notification,
    OrganisationSettings,
    PlanApproval,
    PlanVersion,
    Review,
    ReviewFinding,
    StepState,
    Task,
)
from wasstraat.plans import services as plans
from wasstraat.projects.services import membership_for, set_roles
from wasstraat.workflow import Role, Step, StepStatus


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def put_in_step(team: Team, step: Step) -> None:
    """Test setup: every earlier step done, this one in progress."""
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        if state.step < step:
            state.status = StepStatus.DONE.value
        elif state.step == step:
            state.status = StepStatus.IN_PROGRESS.value
    db.session.commit()


def idea(team: Team, title: str, source: str = "step", source_id: int = 6) -> int:
    row = improvements.add_improvement(
        team.project, team[Role.SUBJECT_EXPERT], resolve(team.project, source, source_id),
        title=title, description="", proposer_id=None)
    db.session.commit()
    return row.id


def version_of(improvement_id: int) -> int:
    return db.session.scalar(db.select(Improvement.version).where(
        Improvement.id == improvement_id))


def plan_entry(client, team: Team, improvement_id: int, **fields):
    data = {"decision": "in_plan", "horizon": "quick_win", "impact": "4", "effort": "2",
            "version": version_of(improvement_id), **fields}
    return client.post(f"/projects/{team.project.id}/plan/improvements/{improvement_id}",
                       data=data)


def plan_version(team: Team) -> int:
    """The version of the plan's texts a form was opened with."""
    return plans.plan_of(team.project).version


def base(team: Team) -> str:
    return f"/projects/{team.project.id}"


@pytest.fixture
def clients(team: Team, login_as) -> dict:
    return {role: login_as(user) for role, user in team.members.items()}


# --- Step 6: the board -----------------------------------------------------------------------

def test_an_improvement_needs_a_horizon_before_it_can_be_in_the_plan(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    advisor = clients[Role.PROCESS_ADVISOR]
    response = plan_entry(advisor, team, improvement_id, horizon="")
    assert response.status_code == 422
    assert "Kies quick win of lange termijn" in response.get_data(as_text=True)
    row = db.session.get(Improvement, improvement_id)
    assert row.decision == "open" and row.horizon is None

    assert plan_entry(advisor, team, improvement_id).status_code == 303
    db.session.expire_all()
    row = db.session.get(Improvement, improvement_id)
    assert (row.decision, row.horizon, row.impact, row.effort) == ("in_plan", "quick_win", 4, 2)


def test_not_pursuing_an_improvement_needs_a_reason(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Balie langer open")
    advisor = clients[Role.PROCESS_ADVISOR]
    response = plan_entry(advisor, team, improvement_id, decision="not_pursued", horizon="")
    assert response.status_code == 422
    assert "waarom deze verbetering niet wordt opgepakt" in response.get_data(as_text=True)
    assert plan_entry(advisor, team, improvement_id, decision="not_pursued", horizon="",
                      decision_reason="Te duur voor het effect").status_code == 303


def outcomes_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "outcome")
        .order_by(Notification.id)))


def test_the_proposer_hears_how_their_idea_was_decided_with_the_reason(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    proposer = team[Role.TEAM_MANAGER]
    row = improvements.add_improvement(
        team.project, team[Role.SUBJECT_EXPERT], resolve(team.project, "step", 6),
        title="Balie langer open", description="", proposer_id=proposer.id)
    db.session.commit()
    advisor = clients[Role.PROCESS_ADVISOR]
    assert plan_entry(advisor, team, row.id, decision="not_pursued", horizon="",
                      decision_reason="Te duur voor het effect").status_code == 303
    [told] = outcomes_of(proposer)
    assert (told.outcome, told.detail, told.step) == ("not_pursued", "Te duur voor het effect", 6)
    inbox = clients[Role.TEAM_MANAGER].get("/notifications").get_data(as_text=True)
    assert ("uw verbeteridee wordt niet opgepakt: Balie langer open. De reden: Te duur voor "
            "het effect") in inbox
    # A save that leaves the decision as it was tells nothing again; a new decision does.
    assert plan_entry(advisor, team, row.id, decision="not_pursued", horizon="",
                      decision_reason="Te duur voor het effect.").status_code == 303
    assert len(outcomes_of(proposer)) == 1
    assert plan_entry(advisor, team, row.id).status_code == 303
    assert [n.outcome for n in outcomes_of(proposer)] == ["not_pursued", "in_plan"]
    # Whoever decides on their own idea needs no message.
    own = improvements.add_improvement(
        team.project, team[Role.SUBJECT_EXPERT], resolve(team.project, "step", 6),
        title="Eigen idee", description="", proposer_id=team[Role.PROCESS_ADVISOR].id)
    db.session.commit()
    assert plan_entry(advisor, team, own.id).status_code == 303
    assert outcomes_of(team[Role.PROCESS_ADVISOR]) == []


def test_scores_out_of_range_and_foreign_kpis_are_refused(team, clients, create_project):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    other = create_project(name="Ander traject", roles=[Role.PROJECT_LEADER])
    foreign = Kpi(project_id=other.project.id, name="Vreemd", unit="x", direction="lower")
    db.session.add(foreign)
    db.session.commit()
    advisor = clients[Role.PROCESS_ADVISOR]
    assert plan_entry(advisor, team, improvement_id, impact="9").status_code == 422
    assert plan_entry(advisor, team, improvement_id, cost_estimate="-5").status_code == 422
    assert plan_entry(advisor, team, improvement_id,
                      kpi_ids=[str(foreign.id)]).status_code == 422
    assert db.session.get(Improvement, improvement_id).decision == "open"


def test_merging_a_duplicate_keeps_both_sources_on_the_plan(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen", direction="lower")
    db.session.add(kpi)
    db.session.commit()
    kept = idea(team, "Digitaal aanvragen")
    duplicate = idea(team, "Online aanvraagformulier", source="kpi", source_id=kpi.id)
    advisor = clients[Role.PROCESS_ADVISOR]
    response = advisor.post(f"{base(team)}/plan/improvements/{duplicate}/merge",
                            data={"into_id": kept, "version": version_of(duplicate)})
    assert response.status_code == 303
    row = db.session.get(Improvement, duplicate)
    assert (row.decision, row.merged_into_id) == ("merged", kept)

    page = advisor.get(f"{base(team)}/plan").get_data(as_text=True)
    kept_row = page.split(f'id="plan-improvement-{kept}"')[1].split("</tr>")[0]
    assert "Stap 6" in kept_row or "stap 6" in kept_row.lower()
    assert "Doorlooptijd" in kept_row and "Online aanvraagformulier" in kept_row

    # Both sources travel into the frozen version too.
    assert plan_entry(advisor, team, kept).status_code == 303
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/send").status_code == 303
    frozen = db.session.scalar(db.select(PlanVersion))
    sources = next(i for i in frozen.snapshot["improvements"] if i["id"] == kept)["sources"]
    assert len(sources) == 2 and any("Doorlooptijd" in s for s in sources)


def test_an_improvement_cannot_merge_into_itself_or_into_a_merged_one(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    first, second, third = (idea(team, t) for t in ("Een", "Twee", "Drie"))
    advisor = clients[Role.PROCESS_ADVISOR]
    path = f"{base(team)}/plan/improvements/{{}}/merge"
    assert advisor.post(path.format(first), data={
        "into_id": first, "version": version_of(first)}).status_code == 422  # not a choice
    assert advisor.post(path.format(second), data={
        "into_id": third, "version": version_of(second)}).status_code == 303
    refused = advisor.post(path.format(first), data={"into_id": second,
                                                     "version": version_of(first)})
    assert refused.status_code == 422
    assert db.session.get(Improvement, first).decision == "open"


def test_a_team_manager_reads_the_plan_but_does_not_change_it(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    manager = clients[Role.TEAM_MANAGER]
    assert manager.get(f"{base(team)}/plan").status_code == 200
    assert plan_entry(manager, team, improvement_id).status_code == 403
    assert manager.post(f"{base(team)}/plan/texts", data={"version": 0}).status_code == 403


def test_plan_texts_saved_over_someone_elses_change_get_a_conflict(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    path = f"{base(team)}/plan/texts"
    leader, advisor = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_ADVISOR]
    seen = plan_version(team)  # both opened the page with this version
    assert leader.post(path, data={"version": seen, "context": "Van de leider"}).status_code == 303
    response = advisor.post(path, data={"version": seen, "context": "Van de adviseur"})
    assert response.status_code == 409
    assert "Van de leider" in response.get_data(as_text=True)


def test_the_matrix_draws_each_scored_improvement_as_a_link_with_a_table(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    scored, unscored = idea(team, "Aanvraag digitaal"), idea(team, "Nog te schatten")
    advisor = clients[Role.PROCESS_ADVISOR]
    assert plan_entry(advisor, team, scored, impact="5", effort="1").status_code == 303
    page = advisor.get(f"{base(team)}/plan").get_data(as_text=True)
    matrix = page.split('id="matrix"')[1]
    # A point opens the improvement itself (its row may be on another page of the board).
    entry = f"{base(team)}/plan/improvements"
    assert f'href="{entry}/{scored}"' in matrix
    assert f'href="{entry}/{unscored}"' not in matrix
    assert "<title>1. Aanvraag digitaal: impact 5, inspanning 1, Quick win</title>" in matrix
    assert "De punten in de matrix" in matrix


def many_ideas(team: Team, count: int) -> None:
    """``count`` undecided improvements at once (a large project's board)."""
    db.session.add_all(Improvement(project_id=team.project.id, step=6, source_type="step",
                                   source_id=6, title=f"Idee {n:04d}") for n in range(count))
    db.session.commit()


def test_a_long_board_group_shows_50_rows_a_page(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    many_ideas(team, 120)
    advisor = clients[Role.PROCESS_ADVISOR]
    page = advisor.get(f"{base(team)}/plan").get_data(as_text=True)
    open_group = page.split('id="group-open"')[1].split('id="group-not_pursued"')[0]
    assert "Nog niet besloten (120)" in page
    assert open_group.count('id="plan-improvement-') == 50
    assert "Pagina 1 van 3" in open_group and "open-page=2#group-open" in open_group
    last = advisor.get(f"{base(team)}/plan?open-page=3").get_data(as_text=True)
    assert last.split('id="group-open"')[1].split('id="group-not_pursued"')[0].count(
        'id="plan-improvement-') == 20
    assert "Pagina 3 van 3" in advisor.get(f"{base(team)}/plan?open-page=99").get_data(
        as_text=True)
    assert advisor.get(f"{base(team)}/plan?open-page=0").status_code == 400
    assert advisor.get(f"{base(team)}/plan?open-page=x").status_code == 400


@pytest.mark.parametrize("path", ["/plan", "/plan?open-page=40"])
def test_the_board_runs_the_same_queries_on_every_page(path, team, clients, count_queries):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    many_ideas(team, 120)
    advisor = clients[Role.PROCESS_ADVISOR]
    advisor.get(base(team) + path)
    small = count_queries(lambda: advisor.get(base(team) + path))
    many_ideas(team, 2000)  # 43 pages: page 40 is a real page now
    response = advisor.get(base(team) + path)
    assert ("Pagina 40 van 43" in response.get_data(as_text=True)) == ("40" in path)
    large = count_queries(lambda: advisor.get(base(team) + path))
    assert large == small, f"{path}: {small} queries with 120 ideas, {large} with 2120"


# --- Versions --------------------------------------------------------------------------------

def test_sending_for_review_freezes_a_version_that_later_changes_do_not_touch(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    leader, advisor = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_ADVISOR]
    assert leader.post(f"{base(team)}/plan/send").status_code == 409  # nothing decided yet
    assert plan_entry(advisor, team, improvement_id).status_code == 303
    assert leader.post(f"{base(team)}/plan/send").status_code == 303
    assert leader.post(f"{base(team)}/plan/send").status_code == 409  # nothing changed since

    assert plan_entry(advisor, team, improvement_id, horizon="long_term",
                      impact="2").status_code == 303
    first = db.session.scalar(db.select(PlanVersion).where(PlanVersion.number == 1))
    frozen = first.snapshot["improvements"][0]
    assert (frozen["horizon"], frozen["impact"]) == ("quick_win", 4)
    page = leader.get(f"{base(team)}/plan/versions/1").get_data(as_text=True)
    assert "Aanvraag digitaal" in page and "Deze versie verandert niet meer" in page
    assert "gewijzigd sinds versie 1" in leader.get(f"{base(team)}/plan").get_data(as_text=True)

    assert leader.post(f"{base(team)}/plan/send").status_code == 303
    numbers = db.session.scalars(db.select(PlanVersion.number).order_by(PlanVersion.number))
    assert list(numbers) == [1, 2]


def test_a_frozen_version_is_refused_any_update_by_the_app_and_the_database(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, improvement_id).status_code == 303
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/send").status_code == 303
    frozen = db.session.scalar(db.select(PlanVersion))
    frozen.snapshot = {"texts": {}, "improvements": []}
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Exception, match="frozen"):
        db.session.execute(db.update(PlanVersion).values(fingerprint="tampered"))
    db.session.rollback()


# --- Step 7: the review ----------------------------------------------------------------------

def send_plan(team: Team, clients: dict, titles=("Aanvraag digitaal", "Kenteken automatisch")):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    ids = [idea(team, title) for title in titles]
    for improvement_id in ids:
        assert plan_entry(clients[Role.PROCESS_ADVISOR], team, improvement_id).status_code == 303
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/send").status_code == 303
    put_in_step(team, Step.REVIEW)
    return ids


def open_review(team: Team, clients: dict, domains: list[str]) -> dict[str, int]:
    leader = clients[Role.PROJECT_LEADER]
    assert leader.post(f"{base(team)}/reviews/domains",
                       data={"domains": domains}).status_code == 303
    assert leader.post(f"{base(team)}/reviews/open").status_code == 303
    return {r.domain: r.id for r in db.session.scalars(
        db.select(Review).order_by(Review.id.desc()))} | {}


def review_version(review_id: int) -> int:
    return db.session.scalar(db.select(Review.version).where(Review.id == review_id))


def sign(client, team: Team, review_id: int, verdict: str = "approved", **extra):
    data = {"verdict": verdict, "motivation": "Getoetst aan het beleid.",
            "version": review_version(review_id), **extra}
    response = client.post(f"{base(team)}/reviews/{review_id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client.post(f"{base(team)}/reviews/{review_id}/sign",
                       data={"version": review_version(review_id)})


def test_opening_the_review_gives_only_the_chosen_specialists_a_task(team, clients):
    send_plan(team, clients)
    reviews = open_review(team, clients, ["privacy", "ict"])
    assert set(reviews) == {"privacy", "ict"}
    tasks = db.session.scalars(db.select(Task).where(Task.origin == "review")).all()
    assert {t.role for t in tasks} == {"privacy_officer", "it_specialist"}
    privacy_task = next(t for t in tasks if t.role == "privacy_officer")
    assert privacy_task.assignee_id == team[Role.PRIVACY_OFFICER].id
    mine = clients[Role.PRIVACY_OFFICER].get("/tasks").get_data(as_text=True)
    # The task links to the review itself, and back to "Mijn taken" after signing.
    assert f'href="/projects/{team.project.id}/reviews/{reviews["privacy"]}?next=%2Ftasks"' in mine


def test_only_the_domains_specialist_may_review_and_sign_it(team, clients):
    send_plan(team, clients)
    review_id = open_review(team, clients, ["privacy"])["privacy"]
    path = f"{base(team)}/reviews/{review_id}"
    for role in (Role.CISO, Role.LEGAL, Role.PROJECT_LEADER, Role.PROCESS_OWNER):
        assert clients[role].post(path, data={"verdict": "approved", "version": 1}).status_code \
            == 403, role
        assert clients[role].post(f"{path}/sign", data={"version": 1}).status_code == 403, role
    assert sign(clients[Role.PRIVACY_OFFICER], team, review_id).status_code == 303
    review = db.session.get(Review, review_id)
    assert review.signer_name == team[Role.PRIVACY_OFFICER].name
    assert review.signer_role == "privacy_officer" and review.signed_at is not None
    assert review.plan_version.number == 1


def test_who_sent_the_plan_for_review_cannot_sign_its_review(team, clients):
    """Segregation of duties: in a small organisation (four eyes switched off) the project
    leader is also the privacy officer and sends the plan; the privacy review must still be
    signed by someone else: the sender never reviews what they sent."""
    db.session.add(OrganisationSettings(project_creators="everyone", owner_appointed_by="leader",
                                        registered_specialists_only=True, four_eyes=False))
    leader = team[Role.PROJECT_LEADER]
    leader.specialisms = ["privacy_officer"]
    set_roles(membership_for(team.project, leader), leader,
              {Role.PROJECT_LEADER, Role.PRIVACY_OFFICER})
    db.session.commit()
    send_plan(team, clients)
    review_id = open_review(team, clients, ["privacy"])["privacy"]
    refused = sign(clients[Role.PROJECT_LEADER], team, review_id)
    assert refused.status_code == 403
    assert "onafhankelijk" in refused.get_data(as_text=True)
    assert db.session.get(Review, review_id).signed_at is None
    assert sign(clients[Role.PRIVACY_OFFICER], team, review_id).status_code == 303


def test_signing_needs_a_verdict_and_a_motivation(team, clients):
    send_plan(team, clients)
    review_id = open_review(team, clients, ["legal"])["legal"]
    legal = clients[Role.LEGAL]
    refused = legal.post(f"{base(team)}/reviews/{review_id}/sign", data={"version": 1})
    assert refused.status_code == 409 and "Kies een oordeel" in refused.get_data(as_text=True)
    refused = sign(legal, team, review_id, verdict="conditional")
    assert refused.status_code == 409
    assert "minstens één voorwaarde" in refused.get_data(as_text=True)
    assert db.session.get(Review, review_id).signed_at is None


def test_a_signed_review_and_its_findings_cannot_change(team, clients):
    ids = send_plan(team, clients)
    review_id = open_review(team, clients, ["privacy"])["privacy"]
    officer = clients[Role.PRIVACY_OFFICER]
    path = f"{base(team)}/reviews/{review_id}"
    assert officer.post(f"{path}/findings", data={
        "improvement_id": ids[0], "remark": "Grondslag vastleggen"}).status_code == 303
    assert sign(officer, team, review_id).status_code == 303
    finding_id = db.session.scalar(db.select(ReviewFinding.id))

    edit = officer.post(path, data={"verdict": "rejected", "motivation": "Toch niet",
                                    "version": review_version(review_id)})
    assert edit.status_code == 409 and "ondertekend" in edit.get_data(as_text=True)
    assert officer.post(f"{path}/findings", data={
        "improvement_id": ids[1], "remark": "Nog iets"}).status_code == 409
    assert officer.post(f"{path}/findings/{finding_id}/delete").status_code == 409
    assert officer.post(f"{path}/sign",
                        data={"version": review_version(review_id)}).status_code == 409
    review = db.session.get(Review, review_id)
    assert (review.verdict, len(review.findings)) == ("approved", 1)

    # Below the app the models refuse it too.
    review.motivation = "Achteraf aangepast"
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    db.session.add(ReviewFinding(review_id=review_id, improvement_title="x", remark="x"))
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()


def test_the_privacy_review_requires_a_dpia_when_two_criteria_apply(team, clients):
    send_plan(team, clients)
    review_id = open_review(team, clients, ["privacy"])["privacy"]
    assert sign(clients[Role.PRIVACY_OFFICER], team, review_id,
                dpia_criteria=["sensitive_data", "matching"]).status_code == 303
    review = db.session.get(Review, review_id)
    assert review.dpia_required is True
    page = clients[Role.PROJECT_LEADER].get(f"{base(team)}/reviews/{review_id}")
    assert "Een DPIA is nodig." in page.get_data(as_text=True)


def test_one_dpia_criterion_does_not_require_a_dpia(team, clients):
    send_plan(team, clients)
    review_id = open_review(team, clients, ["privacy"])["privacy"]
    assert sign(clients[Role.PRIVACY_OFFICER], team, review_id,
                dpia_criteria=["new_technology"]).status_code == 303
    assert db.session.get(Review, review_id).dpia_required is False


def test_ict_findings_carry_cost_and_lead_time(team, clients):
    ids = send_plan(team, clients)
    review_id = open_review(team, clients, ["ict", "legal"])["ict"]
    response = clients[Role.IT_SPECIALIST].post(
        f"{base(team)}/reviews/{review_id}/findings",
        data={"improvement_id": ids[1], "condition": "Koppeling met RDW nodig",
              "cost_estimate": "12000", "lead_time_weeks": "8"})
    assert response.status_code == 303
    finding = db.session.scalar(db.select(ReviewFinding))
    assert (finding.cost_estimate, finding.lead_time_weeks) == (12000, 8)
    assert finding.improvement_title == "Kenteken automatisch"


def test_step_7_closes_only_when_every_chosen_domain_signed(team, clients):
    send_plan(team, clients)
    reviews = open_review(team, clients, ["privacy", "legal"])
    leader = clients[Role.PROJECT_LEADER]
    close = f"{base(team)}/steps/7/close"
    assert sign(clients[Role.PRIVACY_OFFICER], team, reviews["privacy"]).status_code == 303
    refused = leader.post(close, data=END_ALL)
    assert refused.status_code == 409
    assert "Juridisch heeft versie 1 nog niet getoetst" in refused.get_data(as_text=True)
    assert sign(clients[Role.LEGAL], team, reviews["legal"]).status_code == 303
    assert leader.post(close, data=END_ALL).status_code == 303


# --- Step 8: responses, rejection, override, final and approval ------------------------------

def reviewed_plan(team: Team, clients: dict, legal_verdict: str = "approved") -> dict:
    ids = send_plan(team, clients)
    reviews = open_review(team, clients, ["privacy", "legal"])
    officer = clients[Role.PRIVACY_OFFICER]
    assert officer.post(f"{base(team)}/reviews/{reviews['privacy']}/findings", data={
        "improvement_id": ids[0], "remark": "Leg de grondslag vast",
        "condition": "Verwerkingsregister bijwerken"}).status_code == 303
    assert sign(officer, team, reviews["privacy"], verdict="conditional",
                conditions="Privacyverklaring aanpassen").status_code == 303
    assert sign(clients[Role.LEGAL], team, reviews["legal"], verdict=legal_verdict).status_code \
        == 303
    put_in_step(team, Step.ADJUST)
    return {"ids": ids, **reviews}


def respond_to_all(team: Team, clients: dict, review_id: int) -> None:
    review = db.session.get(Review, review_id)
    subjects = (["conditions"] if review.conditions else []) + [
        f"finding:{f.id}" for f in review.findings]
    for subject in subjects:
        prefix = f"r{review_id}-{subject.replace(':', '-')}"
        response = clients[Role.PROCESS_ADVISOR].post(
            f"{base(team)}/reviews/{review_id}/respond",
            data={"subject": subject, f"{prefix}-version": "0", f"{prefix}-kind": "adopted",
                  f"{prefix}-explanation": "Verwerkt in het plan."})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]


def test_step_8_needs_a_response_to_every_finding_and_condition(team, clients):
    reviews = reviewed_plan(team, clients)
    leader = clients[Role.PROJECT_LEADER]
    refused = leader.post(f"{base(team)}/plan/finalise")
    assert refused.status_code == 409
    assert "2 bevindingen of voorwaarden hebben nog geen reactie" in \
        refused.get_data(as_text=True)
    respond_to_all(team, clients, reviews["privacy"])
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303
    final = db.session.scalar(db.select(PlanVersion).where(PlanVersion.is_final.is_(True)))
    assert final.number == 2


def test_a_final_plan_with_findings_unanswered_is_not_approved_and_the_screen_says_why(
        team, clients):
    reviewed_plan(team, clients)
    # A final version made around the rule (as a script or an import could): still no approval.
    final = plans.make_final(team.project, team[Role.PROJECT_LEADER], [])
    db.session.commit()
    owner = clients[Role.PROCESS_OWNER]
    page = owner.get(f"{base(team)}/plan/versions/{final.number}").get_data(as_text=True)
    said = page.split('id="approve-unanswered"')[1].split("</p>")[0]
    assert "2 bevindingen of voorwaarden van de specialisten hebben nog geen reactie" in said
    assert f"{base(team)}/reviews#responses" in said
    refused = owner.post(f"{base(team)}/plan/versions/{final.number}/approve",
                         data={"note": "Akkoord"})
    assert refused.status_code == 409
    assert "2 bevindingen of voorwaarden hebben nog geen reactie" in refused.get_data(
        as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(PlanApproval)) == 0


def test_a_response_without_explanation_is_refused_on_the_form(team, clients):
    reviews = reviewed_plan(team, clients)
    prefix = f"r{reviews['privacy']}-conditions"
    response = clients[Role.PROCESS_ADVISOR].post(
        f"{base(team)}/reviews/{reviews['privacy']}/respond",
        data={"subject": "conditions", f"{prefix}-version": "0",
              f"{prefix}-kind": "not_adopted", f"{prefix}-explanation": ""})
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.get_data(as_text=True)
    assert clients[Role.TEAM_MANAGER].post(
        f"{base(team)}/reviews/{reviews['privacy']}/respond",
        data={"subject": "conditions"}).status_code == 403


def test_a_rejection_blocks_the_final_plan_until_the_process_owner_overrides_it(team, clients):
    reviews = reviewed_plan(team, clients, legal_verdict="rejected")
    respond_to_all(team, clients, reviews["privacy"])
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    refused = leader.post(f"{base(team)}/plan/finalise")
    assert refused.status_code == 409
    assert "Juridisch gaf &#39;niet akkoord&#39;" in refused.get_data(as_text=True)

    override = f"{base(team)}/reviews/{reviews['legal']}/override"
    prefix = f"override-{reviews['legal']}"
    assert leader.post(override, data={f"{prefix}-motivation": "x" * 30}).status_code == 403
    too_short = owner.post(override, data={f"{prefix}-motivation": "Moet"})
    assert too_short.status_code == 422
    assert "minstens 20 tekens" in too_short.get_data(as_text=True)
    assert owner.post(override, data={
        f"{prefix}-motivation": "Wettelijke termijn dwingt ons nu te starten."}).status_code == 303
    assert owner.post(override, data={
        f"{prefix}-motivation": "Nog een keer, nog een keer."}).status_code == 409
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "review.override"))
    assert event.actor_id == team[Role.PROCESS_OWNER].id
    assert "Wettelijke termijn" in event.after["motivation"]
    # The specialist hears that their "niet akkoord" was overruled, and why.
    [told] = outcomes_of(team[Role.LEGAL])
    assert told.outcome == "overruled" and told.detail.startswith("Wettelijke termijn")
    inbox = clients[Role.LEGAL].get("/notifications").get_data(as_text=True)
    assert "de proceseigenaar gaat door ondanks uw &#39;niet akkoord&#39; (Juridisch)" in inbox
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303


def test_a_rejection_is_lifted_by_the_domain_approving_a_new_version(team, clients):
    reviews = reviewed_plan(team, clients, legal_verdict="rejected")
    respond_to_all(team, clients, reviews["privacy"])
    leader, advisor = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_ADVISOR]
    rereview = f"{base(team)}/reviews/{reviews['legal']}/rereview"
    assert leader.post(rereview).status_code == 409  # no newer version yet
    assert plan_entry(advisor, team, reviews["ids"][1], horizon="long_term").status_code == 303
    assert leader.post(f"{base(team)}/plan/send").status_code == 303
    assert leader.post(rereview).status_code == 303
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 409  # awaiting legal
    second = db.session.scalar(db.select(Review).where(
        Review.domain == "legal", Review.signed_at.is_(None)))
    assert second.plan_version.number == 2
    assert sign(clients[Role.LEGAL], team, second.id).status_code == 303
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303


def test_the_process_owner_approves_the_final_plan_and_step_8_closes(team, clients):
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    assert leader.post(f"{base(team)}/steps/8/close", data=END_ALL).status_code == 409
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303
    manager_tasks = db.session.scalars(db.select(Task).where(
        Task.assignee_id == team[Role.TEAM_MANAGER].id, Task.origin == "plan")).all()
    assert len(manager_tasks) == 1
    manager_page = clients[Role.TEAM_MANAGER].get("/tasks").get_data(as_text=True)
    assert f'href="/projects/{team.project.id}/plan/versions/2?next=%2Ftasks"' in manager_page

    assert leader.post(f"{base(team)}/plan/versions/2/approve").status_code == 403
    assert owner.post(f"{base(team)}/plan/versions/1/approve").status_code == 409  # not final
    assert owner.post(f"{base(team)}/plan/versions/2/approve",
                      data={"note": "Akkoord, start na de zomer."}).status_code == 303
    assert owner.post(f"{base(team)}/plan/versions/2/approve").status_code == 409  # only once
    give_go(clients[Role.SPONSOR], team.project, 8)
    assert leader.post(f"{base(team)}/steps/8/close", data=END_ALL).status_code == 303

    # After step 8 the plan is fixed until the step is reopened.
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, reviews["ids"][0],
                      impact="1").status_code == 409


def test_changing_the_plan_after_approval_needs_a_new_final_version(team, clients):
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303
    assert owner.post(f"{base(team)}/plan/versions/2/approve").status_code == 303
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, reviews["ids"][0],
                      impact="1").status_code == 303
    refused = leader.post(f"{base(team)}/steps/8/close", data=END_ALL)
    assert refused.status_code == 409
    assert "gewijzigd na de definitieve versie" in refused.get_data(as_text=True)


def test_two_approvals_at_the_same_moment_leave_exactly_one_record(team, clients):
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/finalise").status_code == 303
    final = plans.latest_version(team.project)
    assert final.approval is None  # both owners loaded the page before either approved
    owner = team[Role.PROCESS_OWNER]
    plans.approve(team.project, final, owner, "De eerste")
    # The second request read the version before the first approval was committed.
    set_committed_value(final, "approval", None)
    with pytest.raises(ConflictError):
        plans.approve(team.project, final, owner, "De tweede")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(PlanApproval)) == 1


def test_past_a_hundred_points_the_matrix_counts_per_cell(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    db.session.add_all(Improvement(project_id=team.project.id, step=6, source_type="step",
                                   source_id=6, title=f"Idee {n}", impact=5 if n % 2 else 1,
                                   effort=1, horizon="quick_win" if n % 3 else None)
                       for n in range(150))
    db.session.commit()
    page = clients[Role.PROCESS_ADVISOR].get(f"{base(team)}/plan").get_data(as_text=True)
    matrix = page.split('id="matrix"')[1]
    assert "matrix__point" not in matrix and "De punten in de matrix" not in matrix
    assert "75 verbeteringen: impact 5, inspanning 1 (quick win 50, lange termijn 0, nog " \
           "geen horizon 25)" in matrix
    twin = matrix.split("Aantal verbeteringen per impact en inspanning")[1]
    rows = re.findall(r'<th scope="row"[^>]*>(\d)</th>((?:<td[^>]*>\d+</td>){5})', twin)
    counts = {impact: re.findall(r">(\d+)<", cells) for impact, cells in rows}
    assert counts["5"] == ["75", "0", "0", "0", "0"] and counts["1"][0] == "75"
    assert counts["3"] == ["0"] * 5


def test_the_draft_fingerprint_streamed_equals_the_fingerprint_of_the_whole_snapshot(team):
    """The board hashes the draft an improvement at a time; a frozen version stores the
    fingerprint of the whole snapshot. If the two ever differed, every plan would show as
    changed after it was frozen (or never)."""
    put_in_step(team, Step.IMPROVEMENT_PLAN)

    def both() -> tuple[str, str]:
        lines = plans.board_lines(team.project)
        plan = plans.plan_of(team.project)
        return (plans.draft_fingerprint(team.project, plan, lines),
                plans.fingerprint(plans.snapshot(team.project, plan, lines)))

    empty = both()
    assert empty[0] == empty[1]
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd € “dagen”", unit="dagen",
              direction="lower")
    db.session.add(kpi)
    db.session.commit()
    kept = idea(team, "Digitaal aanvragen – één loket")
    merged = idea(team, "Online formulier", source="kpi", source_id=kpi.id)
    row = db.session.get(Improvement, kept)
    row.kpis.append(kpi)
    row.cost_estimate, row.recurring_cost, row.description = 1200, 300, "Regel 1\nRegel 2 \"x\""
    db.session.get(Improvement, merged).merged_into_id = kept
    db.session.get(Improvement, merged).decision = "merged"
    plan = plans.plan_of(team.project)
    plan.context = "Aanleiding met ë"
    db.session.add(plan)
    db.session.commit()
    streamed, whole = both()
    assert streamed == whole != empty[0]


def test_a_go_on_the_approved_plan_lapses_when_a_newer_version_is_approved(team, clients):
    """The sponsor's go at step 8 is for the version the owner approved; a newer final
    version, approved again, asks the sponsor again."""
    reviews = reviewed_plan(team, clients)
    respond_to_all(team, clients, reviews["privacy"])
    leader, owner = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_OWNER]
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303
    assert owner.post(f"{base(team)}/plan/versions/2/approve").status_code == 303
    give_go(clients[Role.SPONSOR], team.project, 8)
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, reviews["ids"][0],
                      impact="1").status_code == 303
    assert leader.post(f"{base(team)}/plan/finalise").status_code == 303
    assert owner.post(f"{base(team)}/plan/versions/3/approve").status_code == 303
    refused = leader.post(f"{base(team)}/steps/8/close", data=END_ALL)
    assert refused.status_code == 409
    assert "gold voor een eerdere versie" in refused.get_data(as_text=True)
    give_go(clients[Role.SPONSOR], team.project, 8)
    assert leader.post(f"{base(team)}/steps/8/close", data=END_ALL).status_code == 303


def test_what_a_version_changed_counts_improvements_in_and_out_of_the_plan_and_the_costs():
    def entry(id_: int, decision: str = "in_plan", **fields) -> dict:
        return {"id": id_, "decision": decision, "title": f"Verbetering {id_}",
                "horizon": "quick_win", "cost_estimate": None, **fields}

    before = {"improvements": [entry(1, cost_estimate=1000), entry(2), entry(3, "open")]}
    after = {"improvements": [entry(1, cost_estimate=800), entry(2, "not_pursued"), entry(3),
                              entry(4, title="Nieuw")]}
    changes = plans.version_changes(before, after)
    assert (changes.added, changes.removed, changes.changed) == (2, 1, 1)
    assert changes.one_off == (1000, 800) and changes.recurring == (None, None)
    assert not plans.version_changes(after, after)


def test_a_plan_without_the_texts_a_board_needs_is_not_sent_and_says_which(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Aanvraag digitaal")
    assert plan_entry(clients[Role.PROCESS_ADVISOR], team, improvement_id).status_code == 303
    plan = plans.plan_of(team.project)
    plan.context, plan.risks = "", "  "
    db.session.commit()
    missing = ("Vul eerst in wat wie besluit nodig heeft: Aanleiding en opdracht, Risico's en "
               "randvoorwaarden.")
    leader = clients[Role.PROJECT_LEADER]
    page = html.unescape(leader.get(f"{base(team)}/plan").get_data(as_text=True))
    assert missing in page
    # The form says which texts sending needs, instead of calling them optional.
    label = page.split('for="context"', 1)[1].split("</label>", 1)[0]
    assert "(nodig voor het versturen)" in label and "optioneel" not in label
    refused = leader.post(f"{base(team)}/plan/send")
    assert refused.status_code == 409 and missing in html.unescape(
        refused.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count()).select_from(PlanVersion)) == 0
    plan = plans.plan_of(team.project)
    plan.context, plan.risks = "Waarom dit traject.", "Wat het kan tegenhouden."
    db.session.commit()
    assert leader.post(f"{base(team)}/plan/send").status_code == 303
