"""Pages run a fixed number of queries, however much data there is."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import login

from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.kpis import services as kpis
from wasstraat.models import (
    ActionNote,
    Benefit,
    Comment,
    Idea,
    IdeaFollower,
    ImplementationItem,
    ImplementationOrder,
    JourneyPhase,
    KpiMeasurement,
    PlanRisk,
    PlanVersion,
    ProcessCheck,
    ProcessStep,
    Remeasurement,
    Review,
    ReviewFinding,
    ReviewResponse,
    utcnow,
)
from wasstraat.plans import services as plans
from wasstraat.steps import services as steps
from wasstraat.tasks import services as tasks
from wasstraat.workflow import Role, Step


def grow(team, extra_projects, create_user, start=0) -> None:
    """More projects for the same leader, more members and more tasks."""
    leader = team[Role.PROJECT_LEADER]
    from wasstraat.models import OrganisationSettings
    from wasstraat.projects import services as projects

    # A small organisation: the leader holds every role in the projects it grows.
    if db.session.scalar(db.select(db.func.count()).select_from(OrganisationSettings)) == 0:
        db.session.add(OrganisationSettings(project_creators="everyone",
                                            owner_appointed_by="leader",
                                            registered_specialists_only=False, four_eyes=False))

    for n in range(start, start + extra_projects):
        project = projects.create_project(leader, name=f"Traject {n}", product="P",
                                          assignment="", process_type="primary",
                                          creator_roles=set(Role) - {Role.PROJECT_LEADER})
        steps.start_step(project, Step.TEAM, leader)
        for m in range(3):
            projects.add_member(project, leader, create_user(), {Role.SUBJECT_EXPERT})
            tasks.add_task(project, leader, title=f"Taak {m}", description="", step=Step.TEAM,
                           assignee_id=leader.id, due_date=None)
    if team.project.step_state(Step.TEAM).status == "not_started":
        steps.start_step(team.project, Step.TEAM, leader)
    for m in range(extra_projects):
        tasks.add_task(team.project, leader, title=f"Extra {m}", description="", step=Step.TEAM,
                       assignee_id=leader.id, due_date=None)
        expert = create_user()
        projects.add_member(team.project, leader, expert, {Role.SUBJECT_EXPERT})
        db.session.add(ProcessCheck(project_id=team.project.id, user_id=expert.id,
                                    confirmed=True))
        idea = improvements.add_improvement(team.project, leader,
                                            resolve(team.project, "step", 1),
                                            title=f"Verbetering {m}", description="",
                                            proposer_id=leader.id)
        idea.decision, idea.horizon, idea.impact, idea.effort = "in_plan", "quick_win", 3, 2
        db.session.flush()
        # A comment naming a member, on the idea and on step 1: their threads grow.
        for subject, subject_id in (("improvement", idea.id), ("step", 1)):
            db.session.add(Comment(project_id=team.project.id, subject=subject,
                                   subject_id=subject_id, author_id=leader.id,
                                   body=f"Vraag {m}", mentioned=[expert]))
        for kind in ("euros", "hours"):  # on the first idea too: its page grows
            db.session.add(Benefit(project_id=team.project.id, kind=kind, expected=100.0,
                                   improvement_id=plans.board(team.project)[0].id
                                   if m % 2 else idea.id, actual=90.0))
        item = ImplementationItem(project_id=team.project.id, improvement_id=idea.id,
                                  position=100 + m, responsible_id=leader.id,
                                  start_on=date(2027, 1 + m % 12, 1),
                                  end_on=date(2027, 1 + m % 12, 28))
        db.session.add(item)
        db.session.flush()
        db.session.add(ActionNote(item_id=item.id, text="Voortgang", author_id=leader.id))
        # The idea box: an idea per round, followed, the first one taken into the project.
        box_idea = Idea(title=f"Idee {m} parkeren", proposer_id=expert.id,
                        organisation_unit=f"Afdeling {m % 3}", state="in_project",
                        project_id=team.project.id, improvement_id=idea.id)
        db.session.add(box_idea)
        db.session.flush()
        db.session.add_all([IdeaFollower(idea_id=idea_id, user_id=expert.id)
                            for idea_id in {box_idea.id, _first_idea()}])
        db.session.add(JourneyPhase(project_id=team.project.id, position=100 + m,
                                    name=f"Fase {m}", experience=(m % 5) - 2))
        db.session.add(PlanRisk(project_id=team.project.id, description=f"Risico {m}",
                                likelihood="high", impact="low", measure="", owner_id=leader.id))
        db.session.add(ProcessStep(project_id=team.project.id, position=100 + m,
                                   activity=f"Stap {m}", handover=bool(m % 2)))
        kpi = kpis.add_kpi(team.project, leader, {"name": f"KPI {m}", "definition": "", "unit": "x",
                                            "direction": "lower", "baseline_value": 1.0,
                                            "baseline_date": None, "baseline_source": "",
                                            "target_value": None, "target_date": None})
        measurement = KpiMeasurement(kpi_id=kpi.id, value=0.5, measured_on=date(2027, 6, 1))
        db.session.add(measurement)
        db.session.flush()
        for months in (3, 6):  # the borging: one measured, one still to come
            db.session.add(Remeasurement(
                project_id=team.project.id, kpi_id=kpi.id, months=months,
                due_on=date(2027, months, 1), owner_id=leader.id,
                measurement_id=measurement.id if months == 3 else None))
    if db.session.scalar(db.select(ImplementationOrder).where(
            ImplementationOrder.project_id == team.project.id)) is None:
        db.session.add(ImplementationOrder(project_id=team.project.id))
    db.session.flush()
    _grow_plan(team, extra_projects)
    db.session.commit()


def _first_idea() -> int:
    return db.session.scalar(db.select(db.func.min(Idea.id)))


def _grow_plan(team, extra) -> None:
    """More plan versions, each reviewed with findings and responses."""
    improvement_ids = [i.id for i in plans.board(team.project)]
    for _ in range(extra):
        number = len(plans.versions_of(team.project)) + 1
        data = plans.current_snapshot(team.project)
        version = PlanVersion(project_id=team.project.id, number=number, snapshot=data,
                              fingerprint=plans.fingerprint(data))
        db.session.add(version)
        db.session.flush()
        for domain in ("privacy", "legal"):
            review = Review(project_id=team.project.id, plan_version_id=version.id,
                            domain=domain, verdict="conditional", motivation="M",
                            conditions="Voorwaarde")
            db.session.add(review)
            db.session.flush()
            finding = ReviewFinding(review_id=review.id, improvement_id=improvement_ids[0],
                                    improvement_title="Verbetering", remark="Opmerking")
            db.session.add(finding)
            db.session.flush()
            review.signed_at, review.signer_name = utcnow(), "Specialist"
            db.session.add(ReviewResponse(project_id=team.project.id, review_id=review.id,
                                          subject=f"finding:{finding.id}", kind="adopted",
                                          explanation="Verwerkt"))


PAGES = ["/", "/?page=40", "/tasks", "/tasks?page=40", "/projects/{p}", "/projects/{p}/zaakdossier",
         "/projects/{p}/woo", "/projects/{p}/steps/1", "/projects/{p}/steps/2",
         "/projects/{p}/kpis", "/projects/{p}/improvements", "/projects/{p}/process",
         "/projects/{p}/process/desired",
         "/projects/{p}/formula", "/projects/{p}/journey",
         "/projects/{p}/sessions",
         "/projects/{p}/team",
         "/projects/{p}/history", "/projects/{p}/history?page=40",
         "/projects/{p}/plan", "/projects/{p}/plan/versions/1", "/projects/{p}/plan/risks",
         "/projects/{p}/plan/improvements/{i}", "/projects/{p}/reviews",
         "/projects/{p}/plan?open-page=40&quick_wins-page=40",
         "/projects/{p}/reviews/{rv}", "/projects/{p}/implementation",
         "/projects/{p}/implementation?page=40",
         "/projects/{p}/implementation/evaluation", "/projects/{p}/borging",
         "/projects/{p}/improvements/{i}/benefits", "/reports/benefits",
         "/reports", "/reports?page=2", "/projects/{p}/steps/1/comments",
         "/projects/{p}/improvements/{i}/comments", "/ideas?shown=all", "/ideas/{idea}",
         "/reports/ideas"]


# The plan pages bring several things together (board, versions, review results), each in
# one batched query; what matters is that none grows with the data.
# Every page reads the organisation's settings once (may this person start a project); a step
# page also weighs what the viewer can do next ("Wat nu?": the step's gates).
# Every full page also counts the person's unread notifications for the header (one query).
# The reports: benefits (five queries), flow (four) and the filter's choices (three).
# The dashboard's portfolio reads the health of its running projects in one query.
# Counted cold (every cached section built). +1 on the pages kept whole per person
# (page_cache.py: the dashboard, a project, a step, the board, the implementation plan, the
# reports) for the counters of its key. The dashboard: +2 more for the counters of its cached rows and the
# projects of the rows to build, read apart. The board: +3 for the counters and the shown rows
# read apart from the summary of all. A warm page reads fewer.
LIMITS = {"/": 20, "/?page=40": 20, "/reports": 20, "/reports?page=2": 20, "/projects/{p}/plan": 20,
          "/projects/{p}/plan?open-page=40&quick_wins-page=40": 20,
          "/projects/{p}/implementation": 15, "/projects/{p}/implementation?page=40": 15,
          "/projects/{p}/plan/versions/1": 15, "/projects/{p}/plan/improvements/{i}": 16,
          "/projects/{p}/reviews": 15,
          # a step: its thread's count of comments is one more
          "/projects/{p}/steps/1": 15, "/projects/{p}/steps/2": 15,
          # the project's standing in the zaaksysteem (Open Zaak) is one more
          "/projects/{p}": 13}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_data(page, create_project, create_user, client,
                                             count_queries):
    team = create_project(roles=[Role.PROJECT_LEADER, Role.SPONSOR])
    login(client, team[Role.PROJECT_LEADER])
    grow(team, 2, create_user)
    path = page.format(p=team.project.id, i=plans.board(team.project)[0].id,
                       rv=db.session.scalar(db.select(db.func.min(Review.id))),
                       idea=_first_idea())
    client.get(path)  # warm up: first-request work is not what we measure
    small = count_queries(lambda: client.get(path))
    grow(team, 8, create_user, start=2)
    large = count_queries(lambda: client.get(path))
    assert large == small, f"{path}: {small} queries with little data, {large} with more"
    assert small <= LIMITS.get(page, 12), f"{path}: {small} queries"


@pytest.mark.parametrize("page", ["/admin/audit", "/admin/audit?result=success",
                                  "/admin/audit/export.csv", "/admin/users"])
def test_administration_pages_do_not_grow_with_data(page, create_project, create_user,
                                                     client, count_queries):
    team = create_project(roles=[Role.PROJECT_LEADER])
    login(client, create_user(admin=True))
    grow(team, 2, create_user)
    client.get(page)
    small = count_queries(lambda: client.get(page))
    grow(team, 8, create_user, start=2)
    large = count_queries(lambda: client.get(page))
    assert large == small <= 12, f"{page}: {small} queries with little data, {large} with more"
