"""Comments with mentions (issue 36): a thread on an improvement, a session finding, an action
and a step; @name notifies a team member and refuses an outsider; the writer corrects for 15
minutes; a removal leaves a trace; a thread closes with its step's record, and a signed
review fixes the improvement comments it came after."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import Team, put_in_step

from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.models import (
    AuditEvent,
    Comment,
    Improvement,
    Notification,
    PlanVersion,
    Review,
    SessionFinding,
    StepState,
    WorkSession,
    utcnow,
)
from wasstraat.notification_kinds import Kind
from wasstraat.workflow import CommentSubject, Role, Step, StepStatus


@pytest.fixture
def team(create_project) -> Team:
    team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    return team


@pytest.fixture
def improvement(team) -> Improvement:
    idea = Improvement(project_id=team.project.id, title="Aanvraag digitaal",
                       step=Step.PROCESS, source_type="free", proposer_id=None)
    db.session.add(idea)
    db.session.commit()
    return idea


def thread(team: Team, improvement: Improvement) -> str:
    return f"/projects/{team.project.id}/improvements/{improvement.id}/comments"


def comments_of(team: Team) -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Comment).where(
        Comment.project_id == team.project.id).order_by(Comment.id)))


def mentions_of(user) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == Kind.MENTION)))


def test_a_specialists_question_mentions_the_project_leader_who_is_notified_and_finds_it(
        team, improvement, login_as):
    leader, ciso = team[Role.PROJECT_LEADER], team[Role.CISO]
    client = login_as(ciso)
    response = client.post(thread(team, improvement), data={
        "body": f"@{leader.name} waar worden de scans bewaard?"})
    assert response.status_code == 303
    [comment] = comments_of(team)
    assert comment.body.endswith("waar worden de scans bewaard?")
    assert [u.id for u in comment.mentioned] == [leader.id]
    [notification] = mentions_of(leader)
    assert notification.title == "Aanvraag digitaal" and notification.detail == ciso.name
    # The message leads to the thread, where the question stands with the name marked.
    leader_client = login_as(leader)
    inbox = leader_client.get("/notifications").get_data(as_text=True)
    assert f"{ciso.name} noemt u in een reactie bij Aanvraag digitaal" in inbox
    page = leader_client.post(f"/notifications/{notification.id}/open")
    assert page.status_code in (302, 303)
    assert page.headers["Location"].endswith(thread(team, improvement))
    shown = leader_client.get(thread(team, improvement)).get_data(as_text=True)
    assert f'<span class="mention">@{leader.name}</span>' in shown


def test_without_javascript_a_ticked_member_is_notified(team, improvement, login_as):
    advisor, owner = team[Role.PROCESS_ADVISOR], team[Role.PROCESS_OWNER]
    response = login_as(advisor).post(thread(team, improvement), data={
        "body": "Graag uw blik hierop.", "mention": [str(owner.id)]})
    assert response.status_code == 303
    assert len(mentions_of(owner)) == 1 and mentions_of(advisor) == []


def test_mentioning_someone_outside_the_project_is_refused_with_the_reason(
        team, improvement, login_as):
    client = login_as(team[Role.PROCESS_ADVISOR])
    response = client.post(thread(team, improvement), data={
        "body": f"@{team.outsider.name} kijk jij even mee?"})
    assert response.status_code == 422
    assert "geen lid van dit traject en kan de reactie niet openen" in response.get_data(
        as_text=True)
    ticked = client.post(thread(team, improvement), data={
        "body": "Kijk mee", "mention": [str(team.outsider.id)]})
    assert ticked.status_code == 422
    nobody = client.post(thread(team, improvement), data={"body": "@Niemandsnaam hallo"})
    assert nobody.status_code == 422 and "Niemand in het team heet" in nobody.get_data(
        as_text=True)
    assert comments_of(team) == [] and mentions_of(team.outsider) == []


def test_an_email_address_is_no_mention(team, improvement, login_as):
    response = login_as(team[Role.PROCESS_ADVISOR]).post(thread(team, improvement), data={
        "body": "Mail het naar loket@gemeente.example, graag."})
    assert response.status_code == 303 and comments_of(team)[0].mentioned == []


def test_the_writer_corrects_for_fifteen_minutes_and_then_it_is_kept(
        team, improvement, login_as):
    advisor = team[Role.PROCESS_ADVISOR]
    client = login_as(advisor)
    client.post(thread(team, improvement), data={"body": "Eerste versie"})
    [comment] = comments_of(team)
    edit = f"/projects/{team.project.id}/comments/{comment.id}/edit"
    assert login_as(team[Role.SUBJECT_EXPERT]).post(edit, data={
        "body": "Niet van mij", "version": comment.version}).status_code == 403
    assert client.post(edit, data={"body": "Verbeterde versie",
                                   "version": comment.version}).status_code == 303
    [comment] = comments_of(team)
    assert comment.body == "Verbeterde versie" and comment.edited_at is not None
    comment.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    late = client.post(edit, data={"body": "Te laat", "version": comment.version})
    assert late.status_code == 409
    assert "tot 15 minuten na het schrijven" in late.get_data(as_text=True)
    assert comments_of(team)[0].body == "Verbeterde versie"
    assert "Verbeteren" not in client.get(thread(team, improvement)).get_data(as_text=True)


def test_a_removal_leaves_a_trace_and_only_the_writer_or_the_leader_removes(
        team, improvement, login_as):
    advisor, leader = team[Role.PROCESS_ADVISOR], team[Role.PROJECT_LEADER]
    login_as(advisor).post(thread(team, improvement), data={"body": "Dit klopt niet"})
    [comment] = comments_of(team)
    comment.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    delete = f"/projects/{team.project.id}/comments/{comment.id}/delete"
    assert login_as(team[Role.SUBJECT_EXPERT]).post(delete).status_code == 403
    assert login_as(advisor).post(delete).status_code == 409  # past its 15 minutes
    assert login_as(leader).post(delete).status_code == 303
    [comment] = comments_of(team)
    assert comment.removed_by_id == leader.id and comment.body == ""
    page = login_as(advisor).get(thread(team, improvement)).get_data(as_text=True)
    assert f"Verwijderd door {leader.name}" in page and "Dit klopt niet" not in page
    # The audit trail keeps what it said.
    removal = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "comment.delete"))
    assert removal.before["body"] == "Dit klopt niet"


def test_a_step_thread_closes_when_the_step_closes(team, login_as):
    url = f"/projects/{team.project.id}/steps/{int(Step.IMPROVEMENT_PLAN)}/comments"
    client = login_as(team[Role.PROCESS_ADVISOR])
    assert client.post(url, data={"body": "Wie neemt de kosten op?"}).status_code == 303
    [comment] = comments_of(team)
    state = db.session.scalar(db.select(StepState).filter_by(
        project_id=team.project.id, step=Step.IMPROVEMENT_PLAN))
    state.status = StepStatus.DONE
    db.session.commit()
    refused = client.post(url, data={"body": "Nog een vraag"})
    assert refused.status_code == 409
    page = client.get(url).get_data(as_text=True)
    assert "Deze reacties zijn gesloten" in page and "Reactie plaatsen" not in page
    assert "Verbeteren" not in page  # within its 15 minutes, yet closed with the step
    edit = f"/projects/{team.project.id}/comments/{comment.id}/edit"
    assert client.post(edit, data={"body": "Anders", "version": comment.version}
                       ).status_code == 409
    assert [c.body for c in comments_of(team)] == ["Wie neemt de kosten op?"]


def test_only_the_writer_corrects_even_when_the_service_is_called_directly(team, improvement):
    from wasstraat.comments import services
    from wasstraat.errors import NotAllowed

    subject = services.subject_of(team.project, CommentSubject.IMPROVEMENT, improvement.id)
    comment = services.add(team.project, subject, team[Role.PROCESS_ADVISOR], "Mijn tekst", [])
    with pytest.raises(NotAllowed):
        services.correct(comment, team.project, subject, team[Role.SUBJECT_EXPERT],
                         body="Niet van mij", chosen=[], expected_version=comment.version,
                         now=utcnow())


def test_naming_oneself_notifies_no_one(team, improvement, login_as):
    advisor = team[Role.PROCESS_ADVISOR]
    login_as(advisor).post(thread(team, improvement), data={
        "body": f"Notitie voor mezelf, @{advisor.name}"})
    assert [u.id for u in comments_of(team)[0].mentioned] == [advisor.id]
    assert mentions_of(advisor) == []


def test_a_signed_review_fixes_the_improvement_comments_written_before_it(
        team, improvement, login_as):
    advisor = team[Role.PROCESS_ADVISOR]
    client = login_as(advisor)
    client.post(thread(team, improvement), data={"body": "Vóór de toetsing"})
    [comment] = comments_of(team)
    version = PlanVersion(project_id=team.project.id, number=1, snapshot={}, fingerprint="x")
    db.session.add(version)
    db.session.flush()
    db.session.add(Review(project_id=team.project.id, plan_version_id=version.id,
                          domain="privacy", signed_at=utcnow()))
    db.session.commit()
    edit = f"/projects/{team.project.id}/comments/{comment.id}/edit"
    refused = client.post(edit, data={"body": "Anders", "version": comment.version})
    assert refused.status_code == 409 and "getoetst" in refused.get_data(as_text=True)
    assert comments_of(team)[0].body == "Vóór de toetsing"
    # A new comment may still be written until step 8 closes.
    assert client.post(thread(team, improvement), data={"body": "Na"}).status_code == 303


def test_threads_on_a_finding_and_an_action_and_never_another_projects(
        team, login_as, create_project):
    session = WorkSession(project_id=team.project.id, step=Step.IMPROVEMENT_PLAN,
                          held_on=utcnow().date(), kind="other")
    session.findings.append(SessionFinding(text="Formulier vraagt twee keer het BSN"))
    db.session.add(session)
    db.session.commit()
    finding_url = f"/projects/{team.project.id}/findings/{session.findings[0].id}/comments"
    client = login_as(team[Role.SUBJECT_EXPERT])
    page = client.get(finding_url)
    assert page.status_code == 200 and "Formulier vraagt twee keer" in page.get_data(
        as_text=True)
    assert client.post(finding_url, data={"body": "Klopt"}).status_code == 303
    other = create_project("Ander traject")
    assert client.get(f"/projects/{other.project.id}/findings/{session.findings[0].id}"
                      "/comments").status_code == 404
    assert client.get(f"/projects/{team.project.id}/actions/999/comments").status_code == 404
    assert client.get(f"/projects/{team.project.id}/steps/11/comments").status_code == 404


def test_the_history_and_the_personal_data_export_hold_the_comment(team, improvement,
                                                                   login_as):
    advisor, leader = team[Role.PROCESS_ADVISOR], team[Role.PROJECT_LEADER]
    client = login_as(advisor)
    client.post(thread(team, improvement), data={"body": f"Vraag voor @{leader.name}"})
    history = login_as(leader).get(f"/projects/{team.project.id}/history").get_data(
        as_text=True)
    assert "Reactie geplaatst" in history and f"Vraag voor @{leader.name}" in history
    exported = json.loads(client.get("/account/personal-data").get_data(as_text=True))
    assert [c["text"] for c in exported["comments"]] == [f"Vraag voor @{leader.name}"]


def test_stored_script_in_a_comment_and_a_name_is_shown_as_text(team, improvement, login_as):
    advisor, leader = team[Role.PROCESS_ADVISOR], team[Role.PROJECT_LEADER]
    advisor.name = "<b>Adviseur</b>"
    db.session.commit()
    login_as(advisor).post(thread(team, improvement), data={
        "body": f'<script>alert("x")</script> @{leader.name} <img src=x onerror=alert(1)>'})
    for page in (login_as(leader).get(thread(team, improvement)),
                 login_as(leader).get("/notifications"),
                 login_as(leader).get(f"/projects/{team.project.id}/history")):
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>Adviseur</b>" not in html and "&lt;b&gt;Adviseur&lt;/b&gt;" in html


def test_a_thread_costs_the_same_queries_for_two_comments_and_for_twenty(
        team, improvement, login_as, count_queries):
    leader = team[Role.PROJECT_LEADER]
    client = login_as(team[Role.PROCESS_ADVISOR])
    for n in range(2):
        client.post(thread(team, improvement), data={"body": f"@{leader.name} vraag {n}"})
    reader = login_as(leader)
    few = count_queries(lambda: reader.get(thread(team, improvement)))
    for n in range(18):
        client.post(thread(team, improvement), data={"body": f"@{leader.name} vraag {n}"})
    assert count_queries(lambda: reader.get(thread(team, improvement))) == few


def test_an_htmx_post_answers_with_the_thread_alone(team, improvement, login_as):
    response = login_as(team[Role.PROCESS_ADVISOR]).post(
        thread(team, improvement), data={"body": "Snel"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="comments"' in html and "<html" not in html


def test_a_mention_names_the_longest_whole_name_that_follows_the_at(create_project,
                                                                    create_user):
    from wasstraat.comments import services
    from wasstraat.projects import services as projects

    team = create_project("Kort traject", roles=[Role.PROJECT_LEADER])
    leader = team[Role.PROJECT_LEADER]
    jan, jan_de_vries, janneke = (create_user("Jan"), create_user("Jan de Vries"),
                                  create_user("Janneke"))
    for person in (jan, jan_de_vries, janneke):
        projects.add_member(team.project, leader, person, {Role.SUBJECT_EXPERT})
    db.session.commit()

    def named(body: str) -> list[str]:
        return [u.name for u in services.mentioned_people(team.project, body, [])]

    assert named("@Jan de Vries graag") == ["Jan de Vries"]
    assert named("@Janneke en @jan, kijken jullie?") == ["Jan", "Janneke"]
    assert named("mail loket@gemeente.example of @ 5 uur") == []
    with pytest.raises(InvalidInput):  # Jansen is not Jan
        named("@Jansen kijk even")
