"""The idea box (issue 36): any employee posts an idea and follows it; a coordinator triages
it into a running project, a new project, a merge with a look-alike, or a decline with a
reason; the proposer and the followers hear each outcome, and later what the project made of
it; the reports count ideas by department."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import Team, put_in_step
from flask_login import login_user

from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.ideas import queries, services
from wasstraat.models import (
    AuditEvent,
    Idea,
    ImplementationItem,
    Improvement,
    Notification,
    ProcessStep,
    Project,
    StepState,
    User,
)
from wasstraat.notification_kinds import Kind, Outcome
from wasstraat.workflow import (
    ActionStatus,
    Decision,
    IdeaState,
    OrgFunction,
    Role,
    Step,
    StepStatus,
)


@pytest.fixture
def coordinator(create_user) -> User:
    user = create_user("Coördinator Cora")
    user.functions = [OrgFunction.COORDINATOR.value]
    db.session.commit()
    return user


@pytest.fixture
def proposer(create_user) -> User:
    return create_user("Baliemedewerker Bas")


@pytest.fixture
def team(create_project) -> Team:
    team = create_project()
    put_in_step(team.project, Step.PROCESS)
    return team


def post_idea(login_as, user: User, **data) -> Idea:
    client = login_as(user)
    response = client.post("/ideas/new", data={
        "title": "Aanvraag parkeervergunning digitaal ondertekenen",
        "description": "Nu moet de bewoner het formulier printen en opsturen.",
        "process_id": "", "organisation_unit": "Parkeren", **data})
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalars(db.select(Idea).order_by(Idea.id.desc())).first()


def idea_news(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == Kind.IDEA)
        .order_by(Notification.id)))


def follow(login_as, user: User, idea: Idea) -> None:
    response = login_as(user).post(f"/ideas/{idea.id}/follow", data={"follow": "yes"})
    assert response.status_code == 303


def test_any_employee_posts_an_idea_follows_it_and_the_coordinators_hear_of_it(
        proposer, coordinator, login_as):
    idea = post_idea(login_as, proposer)
    assert idea.state is IdeaState.OPEN and idea.proposer_id == proposer.id
    assert idea.organisation_unit == "Parkeren"
    assert services.followers(idea.id) == [proposer.id]
    [news] = db.session.scalars(db.select(Notification).where(
        Notification.user_id == coordinator.id)).all()
    assert news.kind is Kind.IDEA_NEW and news.project_id is None
    # The coordinator's inbox names the idea box, and the message leads to the idea.
    client = login_as(coordinator)
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "Nieuw idee in de ideeënbus: Aanvraag parkeervergunning digitaal ondertekenen" in inbox
    assert "Ideeënbus" in inbox
    opened = client.post(f"/notifications/{news.id}/open")
    assert opened.headers["Location"].endswith(f"/ideas/{idea.id}")
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Nu moet de bewoner het formulier printen" in page and "Beoordelen" in page
    # The proposer sees no triage, but their idea in "Mijn ideeën".
    own = login_as(proposer)
    assert "Beoordelen" not in own.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert idea.title in own.get("/ideas?shown=mine").get_data(as_text=True)
    assert idea.title not in login_as(coordinator).get("/ideas?shown=mine").get_data(
        as_text=True)
    # Someone else's news of the idea box is not there for them.
    assert own.post(f"/notifications/{news.id}/open").status_code == 404
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "idea")) == "idea.create"


def test_an_idea_without_a_title_or_with_a_process_not_in_the_library_is_refused(
        proposer, team, login_as):
    client = login_as(proposer)
    empty = client.post("/ideas/new", data={"title": " ", "description": "x"})
    assert empty.status_code == 422 and "Geef uw idee een titel." in empty.get_data(as_text=True)
    # A running project is no described process: it is not offered, so not accepted.
    running = client.post("/ideas/new", data={"title": "Sneller", "process_id": team.project.id})
    assert running.status_code == 422
    long = client.post("/ideas/new", data={"title": "Sneller", "description": "x" * 4001})
    assert long.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 0


def test_look_alike_ideas_show_while_typing(proposer, login_as):
    post_idea(login_as, proposer)
    client = login_as(proposer)
    alike = client.get("/ideas/similar?title=parkeervergunning digitaal aanvragen")
    assert "Aanvraag parkeervergunning digitaal ondertekenen" in alike.get_data(as_text=True)
    other = client.get("/ideas/similar?title=snoeien van bomen in het park")
    assert "Aanvraag parkeervergunning" not in other.get_data(as_text=True)


def test_a_coordinator_brings_an_idea_into_a_running_project_and_everyone_following_hears(
        proposer, coordinator, team, create_user, login_as):
    idea = post_idea(login_as, proposer)
    colleague = create_user("Collega Cees")
    follow(login_as, colleague, idea)
    client = login_as(coordinator)
    response = client.post(f"/ideas/{idea.id}/into-project", data={
        "version": idea.version, "project_id": team.project.id})
    assert response.status_code == 303
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert idea.state is IdeaState.IN_PROJECT and idea.project_id == team.project.id
    improvement = db.session.get(Improvement, idea.improvement_id)
    assert (improvement.source_type, improvement.source_id) == ("idea", idea.id)
    assert improvement.title == idea.title and improvement.project_id == team.project.id
    for person in (proposer, colleague, team[Role.PROJECT_LEADER]):
        [news] = idea_news(person)
        assert news.outcome is Outcome.IDEA_IN_PROJECT and news.detail == team.project.name
    assert idea_news(coordinator) == []  # nobody hears of their own act
    # The team sees where it came from.
    improvements = login_as(team[Role.PROJECT_LEADER]).get(
        f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert f"Ideeënbus: {idea.title}" in improvements
    # A member follows the idea into the project; the proposer, outside it, reads its name.
    link = f'href="/projects/{team.project.id}"'
    assert link in login_as(team[Role.PROJECT_LEADER]).get(f"/ideas/{idea.id}").get_data(
        as_text=True)
    shown = login_as(proposer).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert team.project.name in shown and link not in shown
    # It is triaged once.
    assert client.get(f"/ideas/{idea.id}/new-project").status_code == 409
    again = client.post(f"/ideas/{idea.id}/decline", data={
        "version": idea.version, "reason": "Toch niet"})
    assert again.status_code == 409 and "al beoordeeld" in again.get_data(as_text=True)


def test_a_coordinator_starts_a_new_project_from_an_idea(proposer, coordinator, login_as):
    idea = post_idea(login_as, proposer)
    client = login_as(coordinator)
    form = client.get(f"/ideas/{idea.id}/new-project").get_data(as_text=True)
    assert 'value="Aanvraag parkeervergunning digitaal ondertekenen"' in form
    response = client.post(f"/ideas/{idea.id}/new-project", data={
        "version": idea.version, "name": "Digitaal ondertekenen 2027",
        "product": "Parkeervergunning", "process_type": "primary",
        "organisation_unit": "Parkeren", "assignment": idea.description})
    assert response.status_code == 303
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    project = db.session.get(Project, idea.project_id)
    assert idea.state is IdeaState.NEW_PROJECT and project.name == "Digitaal ondertekenen 2027"
    assert [u.id for u in project.holders(Role.PROJECT_LEADER)] == [coordinator.id]
    assert db.session.get(Improvement, idea.improvement_id).project_id == project.id
    [news] = idea_news(proposer)
    assert news.outcome is Outcome.IDEA_NEW_PROJECT


def test_a_merge_moves_the_followers_to_the_look_alike(proposer, coordinator, create_user,
                                                        login_as):
    first = post_idea(login_as, create_user("Eerste indiener"))
    second = post_idea(login_as, proposer, title="Parkeervergunning digitaal ondertekenen")
    client = login_as(coordinator)
    page = client.get(f"/ideas/{second.id}").get_data(as_text=True)
    assert f"#{first.id} {first.title}" in page  # offered as the look-alike
    response = client.post(f"/ideas/{second.id}/merge", data={
        "version": second.version, "into_id": first.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Idea, second.id).state is IdeaState.MERGED
    assert proposer.id in services.followers(first.id)
    [news] = idea_news(proposer)
    assert news.outcome is Outcome.IDEA_MERGED and news.detail == first.title
    assert news.link == f"ideas.show:idea_id={first.id}"
    # Later news of the surviving idea reaches the merged idea's proposer too.
    client.post(f"/ideas/{first.id}/decline", data={"version": 1, "reason": "Wet staat het "
                                                   "niet toe."})
    assert [n.outcome for n in idea_news(proposer)] == [Outcome.IDEA_MERGED,
                                                        Outcome.IDEA_DECLINED]


def test_an_idea_cannot_merge_with_itself_or_a_declined_one(proposer, coordinator, login_as):
    idea = post_idea(login_as, proposer)
    declined = post_idea(login_as, proposer, title="Iets anders")
    client = login_as(coordinator)
    client.post(f"/ideas/{declined.id}/decline", data={"version": 1, "reason": "Nee."})
    for into in (idea.id, declined.id):
        response = client.post(f"/ideas/{idea.id}/merge", data={"version": 1, "into_id": into})
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).state is IdeaState.OPEN


def test_a_decline_needs_a_reason_which_the_proposer_reads(proposer, coordinator, login_as):
    idea = post_idea(login_as, proposer)
    client = login_as(coordinator)
    follow(login_as, coordinator, idea)  # nobody hears of their own act, followed or not
    empty = client.post(f"/ideas/{idea.id}/decline", data={"version": 1, "reason": "  "})
    assert empty.status_code == 422
    assert "Geef de reden" in empty.get_data(as_text=True)
    assert idea_news(proposer) == []
    response = client.post(f"/ideas/{idea.id}/decline", data={
        "version": 1, "reason": "Dit regelt de landelijke RDW-koppeling al in 2027."})
    assert response.status_code == 303
    [news] = idea_news(proposer)
    assert news.outcome is Outcome.IDEA_DECLINED and "RDW-koppeling" in news.detail
    assert idea_news(coordinator) == []
    inbox = login_as(proposer).get("/notifications").get_data(as_text=True)
    assert "wordt niet opgepakt. De reden: Dit regelt de landelijke RDW-koppeling" in inbox
    shown = login_as(proposer).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Dit regelt de landelijke RDW-koppeling al in 2027." in shown


def test_only_a_coordinator_triages(proposer, team, login_as):
    idea = post_idea(login_as, proposer)
    client = login_as(team[Role.PROJECT_LEADER])  # a project leader is no coordinator
    for path, data in (("into-project", {"project_id": team.project.id}),
                       ("merge", {"into_id": idea.id}), ("decline", {"reason": "Nee"}),
                       ("new-project", {"name": "X", "product": "Y",
                                        "process_type": "primary"})):
        response = client.post(f"/ideas/{idea.id}/{path}", data={"version": 1, **data})
        assert response.status_code == 403, path
    assert client.get(f"/ideas/{idea.id}/new-project").status_code == 403
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).state is IdeaState.OPEN
    assert db.session.scalar(db.select(db.func.count()).select_from(Improvement)) == 0


def test_a_stale_triage_form_is_refused(proposer, coordinator, team, login_as):
    idea = post_idea(login_as, proposer)
    response = login_as(coordinator).post(f"/ideas/{idea.id}/into-project", data={
        "version": idea.version + 1, "project_id": team.project.id})
    assert response.status_code == 409


def test_what_the_project_makes_of_the_idea_reaches_its_followers(
        proposer, coordinator, team, login_as):
    idea = post_idea(login_as, proposer)
    services.into_project(idea, team.project, coordinator, expected_version=idea.version)
    db.session.commit()
    improvement = db.session.get(Improvement, idea.improvement_id)
    improvement.decision = Decision.IN_PLAN
    db.session.commit()
    item = ImplementationItem(project_id=team.project.id, improvement_id=improvement.id,
                              status=ActionStatus.NOT_STARTED, position=1)
    db.session.add(item)
    db.session.commit()
    item.status = ActionStatus.DONE
    db.session.commit()
    assert [n.outcome for n in idea_news(proposer)] == [
        Outcome.IDEA_IN_PROJECT, Outcome.IDEA_IN_PLAN, Outcome.IDEA_DONE]
    assert all(n.project_id is None for n in idea_news(proposer))


def test_the_report_counts_ideas_by_department(coordinator, team, create_user, login_as):
    """A known set: Parkeren 3 ideas (one in a project and realised, one declined, one open),
    Burgerzaken 2 (one merged into the other, which is in a project but not done), and one
    without a department."""
    bas = create_user("Bas")

    def idea(title, unit, **values):
        row = Idea(title=title, organisation_unit=unit, proposer_id=bas.id, **values)
        db.session.add(row)
        db.session.flush()
        return row

    done = idea("Digitaal ondertekenen", "Parkeren")
    idea("Minder papier", "Parkeren", state=IdeaState.DECLINED, reason="Nee")
    idea("Sneller besluiten", "Parkeren")
    running = idea("Afspraak online", "Burgerzaken")
    idea("Online afspraak maken", "Burgerzaken", state=IdeaState.MERGED,
         merged_into_id=running.id)
    idea("Iets", "", created_at=datetime(2025, 3, 1, tzinfo=UTC))
    started = idea("Een nieuw traject", "Stadsbeheer")
    db.session.commit()
    for row in (done, running):
        services.into_project(row, team.project, coordinator, expected_version=row.version)
    services.into_new_project(started, coordinator, expected_version=started.version,
                              project_values={"name": "Stadsbeheer 2027", "product": "Melding",
                                              "assignment": "", "process_type": "primary"},
                              creator_roles=set())
    db.session.add(ImplementationItem(project_id=team.project.id,
                                      improvement_id=done.improvement_id,
                                      status=ActionStatus.DONE, position=1))
    db.session.commit()
    figures = {row.department: row for row in queries.figures(None)}
    assert figures["Parkeren"] == queries.DepartmentFigures("Parkeren", 3, 1, 0, 1, 1, 1)
    assert figures["Burgerzaken"] == queries.DepartmentFigures("Burgerzaken", 2, 1, 1, 0, 0, 0)
    assert figures["Stadsbeheer"].taken_up == 1  # a new project takes it up too
    assert figures[""].received == 1
    assert queries.total(list(figures.values())).received == 7
    this_year = datetime.now(UTC).year
    assert "" not in {row.department for row in queries.figures(this_year)}
    page = login_as(bas).get("/reports/ideas").get_data(as_text=True)
    assert "Burgerzaken" in page and "Niet genoemd" in page
    assert login_as(bas).get("/reports/ideas?year=1999").status_code == 400


def test_a_proposer_s_ideas_are_in_their_data_export_and_erasure_ends_the_following(
        proposer, create_user, login_as):
    idea = post_idea(login_as, proposer)
    data = json.loads(login_as(proposer).get("/account/personal-data").get_data(as_text=True))
    assert data["ideas"] == [{"id": idea.id, "title": idea.title,
                              "description": idea.description,
                              "posted_at": data["ideas"][0]["posted_at"], "state": "open"}]
    assert data["ideas_followed"] == [idea.id]
    admin = login_as(create_user(admin=True))
    response = admin.post(f"/admin/users/{proposer.id}/erase",
                          data={"erase-confirm": "y"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    assert services.followers(idea.id) == []
    page = login_as(create_user()).get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"Voormalig medewerker {proposer.id}" in page


def test_an_administrator_makes_someone_coordinator_who_then_triages(proposer, create_user,
                                                                     login_as):
    idea = post_idea(login_as, proposer)
    person = create_user("Nieuwe coördinator")
    assert login_as(person).post(f"/ideas/{idea.id}/decline", data={
        "version": 1, "reason": "Nee"}).status_code == 403
    admin = login_as(create_user("Beheerder", admin=True))
    assert "Verbetercoördinator" in admin.get(f"/admin/users/{person.id}/edit").get_data(
        as_text=True)
    sent = admin.post(f"/admin/users/{person.id}/edit", data={
        "version": person.version, "name": person.name, "email": person.email,
        "active": "y", "functions": "coordinator"})
    assert sent.status_code == 303
    client = login_as(person)
    assert "Beoordelen" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert client.post(f"/ideas/{idea.id}/decline", data={
        "version": 1, "reason": "Past niet in het beleid."}).status_code == 303


def described_process(unit: str = "Burgerzaken") -> Project:
    """A closed project that described its process: the library offers it."""
    closed = Project(name="Verhuizing 2025", product="Verhuizing doorgeven", assignment="",
                     process_type="primary", organisation_unit=unit,
                     steps=[StepState(step=n, status=StepStatus.DONE) for n in range(1, 11)])
    db.session.add(closed)
    db.session.flush()
    db.session.add(ProcessStep(project_id=closed.id, position=1, activity="Aanvraag"))
    db.session.commit()
    return closed


def test_the_services_refuse_what_the_forms_do_not_offer(proposer, coordinator, team):
    """The rules hold for every caller, not only for the forms that offer the choices."""
    process = described_process()
    idea = services.post(proposer, title="Verhuizing aan de balie", description="",
                         process_id=process.id, organisation_unit="")
    assert idea.organisation_unit == "Burgerzaken"  # the process's department counts
    for wrong in ({"process_id": team.project.id}, {"title": "x" * 201},
                  {"description": "x" * 4001}, {"title": "  "}):
        with pytest.raises(InvalidInput):
            services.post(proposer, **{"title": "Idee", "description": "", "process_id": None,
                                       "organisation_unit": "", **wrong})
    declined = services.post(proposer, title="Iets anders", description="", process_id=None,
                             organisation_unit="")
    db.session.commit()
    with pytest.raises(InvalidInput):
        services.decline(declined, coordinator, expected_version=1, reason="  ")
    with pytest.raises(InvalidInput):
        services.decline(declined, coordinator, expected_version=1, reason="x" * 2001)
    services.decline(declined, coordinator, expected_version=1, reason="Nee.")
    for into in (idea, declined):
        with pytest.raises(InvalidInput):
            services.merge(idea, into, coordinator, expected_version=idea.version)
    with pytest.raises(InvalidInput):  # a closed project takes no ideas
        services.into_project(idea, process, coordinator, expected_version=idea.version)
    assert db.session.get(Idea, idea.id).state is IdeaState.OPEN


def test_a_coordinator_posting_an_idea_is_not_told_of_their_own(coordinator, create_user):
    other = create_user("Tweede coördinator")
    other.functions = [OrgFunction.COORDINATOR.value]
    services.post(coordinator, title="Eigen idee", description="", process_id=None,
                  organisation_unit="")
    db.session.commit()
    told = db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == Kind.IDEA_NEW)).all()
    assert told == [other.id]


def test_only_an_improvement_from_the_idea_box_tells_the_idea_s_followers(
        proposer, coordinator, team, login_as, app):
    idea = post_idea(login_as, proposer)
    leader = team[Role.PROJECT_LEADER]
    services.follow(idea, leader)
    # An improvement of another source whose number happens to be the idea's.
    other = Improvement(project_id=team.project.id, title="Anders", step=Step.TEAM,
                        source_type="step", source_id=idea.id)
    db.session.add(other)
    db.session.commit()
    other.decision = Decision.IN_PLAN
    db.session.commit()
    assert idea_news(proposer) == []
    services.into_project(idea, team.project, coordinator, expected_version=idea.version)
    db.session.commit()
    # The leader decides on it: the proposer hears, the leader (a follower) not of their own act.
    with app.test_request_context():
        login_user(leader)
        db.session.get(Improvement, idea.improvement_id).decision = Decision.IN_PLAN
        db.session.commit()
    assert [n.outcome for n in idea_news(proposer)] == [Outcome.IDEA_IN_PROJECT,
                                                        Outcome.IDEA_IN_PLAN]
    assert [n.outcome for n in idea_news(leader)] == [Outcome.IDEA_IN_PROJECT]
