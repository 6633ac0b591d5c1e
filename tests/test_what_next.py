""""Wat nu?" tells the truth in every state of the method. For every step and every product
the method asks of it, the step's gate says what is missing, which role lifts it and on which
page. The person holding that role finds it in "Wat nu?", leading to that page, and the page
holds the place named. Everyone else reads whom the project waits on. The cases come from the
method table, so a product added to it is covered without a new test."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from conftest import Team
from flask import url_for
from test_plans import clients, respond_to_all, reviewed_plan  # noqa: F401

from wasstraat import guidance
from wasstraat.extensions import db
from wasstraat.models import Kpi, Project, Review, StepState, Task
from wasstraat.steps import services as steps
from wasstraat.workflow import Pending, Role, Step, StepStatus

CASES = [pytest.param(step, product, id=f"{int(step)}-{product.key}")
         for step in Step for product in step.definition.products]
# Holds no role any product of steps 1-10 needs before a review is opened: the onlooker.
ONLOOKER = Role.COMMUNICATION


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def at_step(team: Team, step: Step) -> Project:
    """The steps before ``step`` done, then ``step`` started by the project leader."""
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id, StepState.step < int(step))):
        state.status = StepStatus.DONE.value
    db.session.flush()
    steps.start_step(team.project, step, team[Role.PROJECT_LEADER])
    db.session.commit()
    return db.session.get(Project, team.project.id)


def holding_up(project: Project, step: Step) -> list[Pending]:
    return steps.close_blockers(project, step, steps.confirmations_by_key(project),
                                steps.evidence_problems(project, step))


def what_next(page: str) -> str:
    return page.split('id="next"', 1)[1].split("</section>", 1)[0]


def targets(section: str) -> set[str]:
    """Where the links and buttons of "Wat nu?" lead: path and fragment, without ?next=."""
    found = set()
    for href in re.findall(r'(?:href|action)="([^"]+)"', section):
        parts = urlsplit(html.unescape(href))
        found.add(parts.path + (f"#{parts.fragment}" if parts.fragment else ""))
    return found


def own_work(team: Team, project: Project, role: Role) -> set[str | None]:
    """Where the open tasks of the role's holder lead."""
    rows = db.session.scalars(db.select(Task).where(
        Task.project_id == project.id, Task.assignee_id == team[role].id,
        Task.done_at.is_(None)))
    return {guidance.work_url(row) for row in rows}


def lifts(team: Team, login_as, item: Pending, url: str, page: str) -> str:
    """The holder reads the sentence in "Wat nu?", which leads to the page holding the place
    (returned)."""
    section = what_next(page)
    assert item.detail in html.unescape(section), item
    assert url in targets(section), (item, url, targets(section))
    path, _sep, fragment = url.partition("#")
    target = login_as(team[item.roles[0]]).get(path, follow_redirects=True)
    assert target.status_code == 200, url
    if fragment:
        assert f'id="{fragment}"' in target.get_data(as_text=True), url
    return target.get_data(as_text=True)


@pytest.mark.parametrize(("step", "product"), CASES)
def test_what_next_names_what_holds_a_step_who_lifts_it_and_where(
        team, login_as, app, step, product):
    project = at_step(team, step)
    pending = [p for p in holding_up(project, step) if product.title in p]
    assert pending, "a product that is not there yet holds its step up"
    onlooker = what_next(login_as(team[ONLOOKER]).get(f"/projects/{project.id}")
                         .get_data(as_text=True))
    for item in pending:
        assert item.roles and ONLOOKER not in item.roles, item
        with app.test_request_context():
            url = guidance.page_url(project.id, step, item.page)
        holder = login_as(team[item.roles[0]])
        page = holder.get(f"/projects/{project.id}").get_data(as_text=True)
        lifts(team, login_as, item, url, page)
        with app.test_request_context():
            own = own_work(team, project, item.roles[0])
        if item.subject and url not in own:  # no task of theirs names the work: the product
            assert item.subject in html.unescape(what_next(page)), item
        if not product.evidence:  # confirmed by hand: "Wat nu?" leads to its confirm form
            with app.test_request_context():
                confirm = url_for("steps.confirm_product", project_id=project.id,
                                  number=int(step), key=product.key)
            place = holder.get(url).get_data(as_text=True).split(
                f'id="{url.partition("#")[2]}"')[1]
            assert f'action="{confirm}"' in place.split("</li>")[0], product.key
            # ... and says beforehand when that form asks how the product came about.
            assert ("Kies bij het bevestigen" in item) == bool(product.variants)
        # Everyone else: whom the project waits on, and for what.
        assert "U hoeft nu niets te doen" in onlooker
        said = html.unescape(onlooker)
        assert item.detail in said and (item.subject or item.detail) in said, item
        assert team[item.roles[0]].name in onlooker


def test_a_niet_akkoord_waits_for_the_process_owners_decision_with_the_form_in_reach(
        team, clients, login_as, app):
    reviewed = reviewed_plan(team, clients, legal_verdict="rejected")
    project = db.session.get(Project, team.project.id)
    item = next(p for p in holding_up(project, Step.ADJUST) if "niet akkoord" in p)
    assert item.roles == (Role.PROCESS_OWNER,)
    assert item.page == f"reviews.index#rejected-{reviewed['legal']}"
    page = clients[Role.PROCESS_OWNER].get(f"/projects/{project.id}").get_data(as_text=True)
    with app.test_request_context():
        url = guidance.page_url(project.id, Step.ADJUST, item.page)
    lifts(team, login_as, item, url, page)
    form = clients[Role.PROCESS_OWNER].get(url.partition("#")[0]).get_data(as_text=True)
    assert "Toch doorgaan (besluit proceseigenaar)" in form.split(
        f'id="rejected-{reviewed["legal"]}"')[1]
    # Decided: the step no longer waits on it, and "Wat nu?" no longer says so.
    review = db.session.get(Review, reviewed["legal"])
    assert clients[Role.PROCESS_OWNER].post(
        f"/projects/{project.id}/reviews/{review.id}/override",
        data={f"override-{review.id}-motivation": "Het risico is aanvaardbaar, want de "
              "termijn is wettelijk."}).status_code == 303
    page = clients[Role.PROCESS_OWNER].get(f"/projects/{project.id}").get_data(as_text=True)
    assert "niet akkoord" not in html.unescape(what_next(page))


def test_the_kpi_fields_still_missing_are_named_at_the_kpi(team, login_as):
    project = at_step(team, Step.KPIS)
    for name in ("Doorlooptijd", "Klanttevredenheid", "Herstelverzoeken", "Doorverwijzingen"):
        db.session.add(Kpi(project_id=project.id, name=name, definition="Gemiddeld",
                           unit="dagen", direction="lower", baseline_value=20))
    db.session.commit()
    for role in (Role.PROCESS_ADVISOR, Role.PROJECT_LEADER):
        section = html.unescape(what_next(login_as(team[role]).get(
            f"/projects/{project.id}").get_data(as_text=True)))
        assert "Doorlooptijd: nog nodig" in section and "streefwaarde" in section, role
        # Two points at a glance, and how many more there are on the page it leads to.
        assert "Klanttevredenheid" not in section and "En nog 3 punten." in section
    onlooker = html.unescape(what_next(login_as(team[ONLOOKER]).get(
        f"/projects/{project.id}").get_data(as_text=True)))
    assert "Doorlooptijd: nog nodig" in onlooker
    # The leader's task is that same work at that same page: said once, not twice.
    assert "Nulmeting laten uitvoeren" not in onlooker


def test_step_8_names_the_answers_then_the_approval_each_at_its_holder(
        team, clients, login_as, app):
    reviewed = reviewed_plan(team, clients)
    project = db.session.get(Project, team.project.id)

    def only(sentence: str) -> Pending:
        found = [p for p in holding_up(project, Step.ADJUST) if sentence in p]
        assert len(found) == 1, holding_up(project, Step.ADJUST)
        return found[0]

    def page_of(role: Role) -> str:
        return clients[role].get(f"/projects/{project.id}").get_data(as_text=True)

    answers = only("2 bevindingen of voorwaarden hebben nog geen reactie")
    assert (answers.roles, answers.page) == ((Role.PROJECT_LEADER,), "reviews.index#responses")
    with app.test_request_context():
        lifts(team, login_as, answers, guidance.page_url(project.id, Step.ADJUST, answers.page),
              page_of(Role.PROJECT_LEADER))
    respond_to_all(team, clients, reviewed["privacy"])
    assert clients[Role.PROJECT_LEADER].post(
        f"/projects/{project.id}/plan/finalise").status_code == 303
    approval = only("nog niet goedgekeurd")
    assert (approval.roles, approval.page) == ((Role.PROCESS_OWNER,), "plans.latest")
    with app.test_request_context():
        url = guidance.page_url(project.id, Step.ADJUST, approval.page)
    version = lifts(team, login_as, approval, url, page_of(Role.PROCESS_OWNER))
    assert "/approve" in version  # the final version, with the owner's approve form


def test_a_step_with_nothing_missing_waits_for_its_closer(team, login_as, app):
    project = at_step(team, Step.TEAM)
    for product in Step.TEAM.definition.products:
        steps.confirm_product(project, Step.TEAM, product, team[Role.PROJECT_LEADER],
                              {Role.PROJECT_LEADER}, variant="", note="")
    db.session.commit()
    assert holding_up(project, Step.TEAM) == []
    onlooker = what_next(login_as(team[ONLOOKER]).get(f"/projects/{project.id}")
                         .get_data(as_text=True))
    assert f"{team[Role.PROJECT_LEADER].name}</strong> (Projectleider): Stap 1: " \
        "Samenstellen projectgroep afronden" in onlooker


def test_a_task_without_a_page_of_its_own_leads_to_itself_not_back_to_the_same_page(
        team, login_as):
    project = at_step(team, Step.TEAM)
    task = db.session.scalar(db.select(Task).where(
        Task.project_id == project.id, Task.assignee_id == team[Role.SPONSOR].id))
    sponsor = login_as(team[Role.SPONSOR])
    step_page = f"/projects/{project.id}/steps/1"
    for path in (f"/projects/{project.id}", step_page):
        section = what_next(sponsor.get(path).get_data(as_text=True))
        assert f"{step_page}#task-{task.id}" in targets(section), path
    assert f'id="task-{task.id}"' in sponsor.get(step_page).get_data(as_text=True)
