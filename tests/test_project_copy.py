"""A new project as a copy of another (issue 36): the ticked parts come over as starting
points, and nothing of the people, sessions, findings, decisions, measurements or audit trail
of the source."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import Team, put_in_step

from wasstraat import retention
from wasstraat.extensions import db
from wasstraat.models import (
    AuditEvent,
    Improvement,
    JourneyPhase,
    Kpi,
    KpiMeasurement,
    Membership,
    ProcessStep,
    Project,
    ProjectQuestion,
    SessionFinding,
    WorkSession,
)
from wasstraat.workflow import CopyPart, Decision, QuestionSet, Role, Step


@pytest.fixture
def source(create_project) -> Team:
    """A project well under way: measured KPIs, both processes, a journey, decided ideas."""
    team = create_project()
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    project, expert = team.project, team[Role.SUBJECT_EXPERT]
    kpi = Kpi(project_id=project.id, name="Doorlooptijd", definition="Van aanvraag tot besluit",
              unit="dagen", direction="lower", baseline_value=21.0, target_value=5.0,
              baseline_source="Zaaksysteem, export van " + expert.email)
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=12.0, measured_on=date(2026, 6, 1)))
    for variant, activities in (("current", ["Aanvraag ontvangen", "Kenteken controleren"]),
                                ("desired", ["Aanvraag digitaal"])):
        for position, activity in enumerate(activities, start=1):
            db.session.add(ProcessStep(project_id=project.id, variant=variant,
                                       position=position, activity=activity,
                                       actor="Team Vergunningen", wait_days=3.0,
                                       remarks=f"Gezien door {expert.name}",
                                       wastes=["waiting"] if position == 1 else []))
    db.session.add(JourneyPhase(project_id=project.id, position=1, name="Aanvragen",
                                experience=-2, quotes=f"{expert.name}: te lang"))
    session = WorkSession(project_id=project.id, step=3, held_on=date(2026, 9, 8),
                          kind="in_person")
    session.findings.append(SessionFinding(text="Twee keer het BSN"))
    db.session.add_all([session, Improvement(
        project_id=project.id, title="Kenteken automatisch controleren", step=Step.PROCESS,
        source_type="step", source_id=3, proposer_id=expert.id, decision=Decision.IN_PLAN,
        decision_reason="Besloten door de stuurgroep", impact=4, effort=2)])
    db.session.add_all([
        ProjectQuestion(project_id=project.id, question_set=QuestionSet.FORMULA,
                        subject="place", position=1, text="Kan het volledig online?"),
        ProjectQuestion(project_id=project.id, question_set=QuestionSet.REVIEW,
                        subject="privacy", position=1, text="Wie ziet het kenteken?"),
        ProjectQuestion(project_id=project.id, question_set=QuestionSet.REVIEW,
                        subject="privacy", position=2, text="Hoe lang bewaren we het?")])
    db.session.commit()
    return team


def copy_of(client, team: Team, parts: list[str], name: str = "Parkeervergunning 2027"):
    response = client.post(f"/projects/{team.project.id}/copy", data={
        "name": name, "product": "Parkeervergunning", "process_type": "primary",
        "organisation_unit": "Vergunningen", "assignment": "Sneller.", "parts": parts})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalar(db.select(Project).where(Project.name == name))


ALL = [part.value for part in CopyPart]


def test_a_copy_carries_the_ticked_starting_points_and_links_to_its_source(source, login_as):
    leader = source[Role.PROJECT_LEADER]
    client = login_as(leader)
    form = client.get(f"/projects/{source.project.id}/copy").get_data(as_text=True)
    assert "Kopie van Aanvraag parkeervergunning" in form
    copy = copy_of(client, source, ALL)
    assert copy.copied_from_id == source.project.id
    [kpi] = db.session.scalars(db.select(Kpi).where(Kpi.project_id == copy.id)).all()
    assert (kpi.name, kpi.unit, kpi.direction.value) == ("Doorlooptijd", "dagen", "lower")
    assert kpi.baseline_value is None and kpi.target_value is None
    assert kpi.baseline_source == ""
    steps = db.session.scalars(db.select(ProcessStep).where(
        ProcessStep.project_id == copy.id).order_by(ProcessStep.variant,
                                                     ProcessStep.position)).all()
    assert [(s.variant, s.activity, s.wastes) for s in steps] == [
        ("current", "Aanvraag ontvangen", ["waiting"]), ("current", "Kenteken controleren", []),
        ("desired", "Aanvraag digitaal", ["waiting"])]
    assert all(s.wait_days == 0 and s.remarks == "" for s in steps)
    [phase] = db.session.scalars(db.select(JourneyPhase).where(
        JourneyPhase.project_id == copy.id)).all()
    assert phase.name == "Aanvragen" and phase.quotes == "" and phase.experience == 0
    [idea] = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == copy.id)).all()
    assert idea.decision is Decision.OPEN and idea.impact is None and idea.proposer_id is None
    assert idea.source_type == "copy" and idea.source_id == source.project.id
    assert [(q.question_set, q.subject, q.position, q.text) for q in db.session.scalars(
        db.select(ProjectQuestion).where(ProjectQuestion.project_id == copy.id)
        .order_by(ProjectQuestion.question_set, ProjectQuestion.position))] == [
        (QuestionSet.FORMULA, "place", 1, "Kan het volledig online?"),
        (QuestionSet.REVIEW, "privacy", 1, "Wie ziet het kenteken?"),
        (QuestionSet.REVIEW, "privacy", 2, "Hoe lang bewaren we het?")]
    page = client.get(f"/projects/{copy.id}").get_data(as_text=True)
    assert "Begonnen als kopie van Aanvraag parkeervergunning" in page
    improvements = client.get(f"/projects/{copy.id}/improvements").get_data(as_text=True)
    assert "Kopie van traject Aanvraag parkeervergunning" in improvements


def test_a_copy_holds_no_person_session_finding_or_audit_row_of_its_source(source, login_as):
    leader = source[Role.PROJECT_LEADER]
    copy = copy_of(login_as(leader), source, ALL)
    others = {u.id for u in source.members.values()} - {leader.id}
    emails = [u.email for u in source.members.values()]
    names = [u.name for u in source.members.values() if u.id != leader.id]
    for table in db.metadata.sorted_tables:
        if "project_id" not in table.c:
            continue
        people = {c.name for c in table.c
                  if any(fk.column.table.name == "user_account" for fk in c.foreign_keys)}
        for row in db.session.execute(db.select(table).where(table.c.project_id == copy.id)):
            values = row._mapping
            for column, value in values.items():
                if (column in people or column == "actor_id") and value in others:
                    pytest.fail(f"{table.name}.{column} names a member of the source")
                text = str(value)
                assert not any(e in text for e in emails), (table.name, column)
                assert not any(n in text for n in names), (table.name, column)
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkSession).where(
        WorkSession.project_id == copy.id)) == 0
    assert {m.user_id for m in db.session.scalars(db.select(Membership).where(
        Membership.project_id == copy.id))} == {leader.id}
    actions = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.project_id == copy.id)).all()
    assert {e.actor_id for e in actions} == {leader.id}
    assert "project.copy" in {e.action for e in actions}


def test_only_the_ticked_parts_come_over(source, login_as):
    copy = copy_of(login_as(source[Role.PROJECT_LEADER]), source, ["journey"])
    for model in (Kpi, ProcessStep, Improvement, ProjectQuestion):
        assert db.session.scalar(db.select(db.func.count()).select_from(model).where(
            model.project_id == copy.id)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(JourneyPhase).where(
        JourneyPhase.project_id == copy.id)) == 1


def test_a_copy_is_refused_with_a_reason_and_only_for_those_who_see_the_source(
        source, login_as):
    client = login_as(source[Role.PROJECT_LEADER])
    taken = client.post(f"/projects/{source.project.id}/copy", data={
        "name": source.project.name, "product": "P", "process_type": "primary",
        "parts": ["kpis"]})
    assert taken.status_code == 422  # a running project has that name
    unknown = client.post(f"/projects/{source.project.id}/copy", data={
        "name": "Nieuw", "product": "P", "process_type": "primary", "parts": ["people"]})
    assert unknown.status_code == 422
    assert login_as(source.outsider).get(f"/projects/{source.project.id}/copy").status_code \
        == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 1


def test_destroying_the_source_keeps_the_copy(source, login_as):
    """The archivist destroys a record past its date: a project copied from it stays."""
    copy = copy_of(login_as(source[Role.PROJECT_LEADER]), source, ["kpis"])
    retention.destroy(db.session.get(Project, source.project.id))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Project, copy.id)
    assert kept is not None and kept.copied_from_id is None
    assert db.session.get(Project, source.project.id) is None
