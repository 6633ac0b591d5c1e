"""Retention (checklist P-1): closed projects older than the term are anonymised or deleted by
`flask retention run`; the audit trail stays; a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wasstraat import audit, retention
from wasstraat.extensions import db
from wasstraat.models import (
    AuditEvent,
    Improvement,
    Membership,
    PlanApproval,
    PlanVersion,
    Project,
    Review,
    StepState,
    User,
    utcnow,
)
from wasstraat.workflow import Step


def closed_years_ago(project_id: int, years: int) -> None:
    state = db.session.scalar(db.select(StepState).where(
        StepState.project_id == project_id, StepState.step == Step.EXECUTION.value))
    db.session.execute(db.update(StepState).where(StepState.id == state.id).values(
        closed_at=utcnow() - timedelta(days=365 * years)))
    db.session.commit()


def people_referred_to(project_id: int) -> set[int]:
    """Every account a project's rows point to (frozen plan versions aside)."""
    found: set[int] = set()
    for table, rows in retention._project_tables(project_id):
        if table.name in retention.FROZEN_TABLES:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
                found |= {v for v in db.session.scalars(db.select(column).where(rows)) if v}
    return found


def table_rows() -> dict[str, int]:
    return {t.name: db.session.scalar(db.select(db.func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_an_old_closed_project_is_anonymised_and_keeps_what_was_learned(
        app, runner, municipality):
    parking, done, fresh = municipality.values()
    app.config.update(RETENTION_MONTHS=84, RETENTION_ACTION="anonymise")
    closed_years_ago(done, 8)
    improvements = db.session.scalar(db.select(db.func.count(Improvement.id)).where(
        Improvement.project_id == done))
    trail = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.project_id == done))
    parking_people = people_referred_to(parking)
    assert len(people_referred_to(done)) > 3
    from wasstraat.models import Comment, Notification
    messages = db.select(db.func.count(Notification.id)).where(Notification.project_id == done)
    # A comment naming two people with @ (issue 36): their names leave its text too.
    two = db.session.scalars(db.select(User).join(Membership).where(
        Membership.project_id == done).order_by(User.id).limit(2)).all()
    comment = Comment(project_id=done, subject="step", subject_id=10, author_id=two[0].id,
                      body=f"@{two[0].name} en @{two[1].name}: klaar?", mentioned=list(two))
    db.session.add(comment)
    db.session.commit()
    assert db.session.scalar(messages) > 0  # the demo's people were told of their tasks

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "1 project" in result.output and f"#{done}" in result.output

    placeholder = retention.placeholder_account()
    assert not placeholder.active
    assert people_referred_to(done) == {placeholder.id}
    assert db.session.scalar(db.select(db.func.count(Membership.id)).where(
        Membership.project_id == done)) == 0
    assert db.session.scalar(messages) == 0  # messages to people go, not to the placeholder
    db.session.expire_all()
    comment = db.session.get(Comment, comment.id)
    assert comment.body == "@Geanonimiseerd en @Geanonimiseerd: klaar?"
    assert comment.mentioned == [] and comment.author_id == placeholder.id
    approvers = set(db.session.scalars(db.select(PlanApproval.approver_name).join(
        PlanVersion, PlanVersion.id == PlanApproval.plan_version_id).where(
        PlanVersion.project_id == done)))
    assert approvers == {"Geanonimiseerd"}
    assert set(db.session.scalars(db.select(Review.signer_name).where(
        Review.project_id == done))) <= {"Geanonimiseerd", ""}
    # What the organisation learned stays; so does the audit trail, intact.
    assert db.session.scalar(db.select(db.func.count(Improvement.id)).where(
        Improvement.project_id == done)) == improvements
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.project_id == done)) == trail + 1
    assert list(audit.verify()) == []
    # Other projects are untouched, and the people stay in them.
    assert people_referred_to(parking) == parking_people
    assert db.session.get(Project, fresh).anonymised_at is None

    before = table_rows()
    again = runner.invoke(args=["retention", "run"])
    assert again.exit_code == 0 and "0 projects" in again.output
    assert table_rows() == before  # idempotent: nothing changes, not even the audit trail


def test_the_delete_setting_anonymises_only_the_archivist_destroys_a_record(
        app, runner, municipality):
    """The record stays until its Selectielijst date and the archivist's approval
    (test_archive.py); the AVG term only takes the people out."""
    _, done, _ = municipality.values()
    app.config.update(RETENTION_MONTHS=84, RETENTION_ACTION="delete")
    closed_years_ago(done, 8)
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "destruction list the archivist approves" in result.output
    project = db.session.get(Project, done)
    assert project is not None and project.anonymised_at is not None
    assert f"#{done}\tclosed" in result.output and "anonymised" in result.output


def test_young_and_unfinished_projects_are_kept(app, runner, municipality):
    parking, done, fresh = municipality.values()
    app.config.update(RETENTION_MONTHS=84, RETENTION_ACTION="delete")
    closed_years_ago(done, 6)  # closed, but within the term
    before = table_rows()
    result = runner.invoke(args=["retention", "run"])
    assert "0 projects" in result.output and table_rows() == before


def test_a_dry_run_lists_what_would_go_and_changes_nothing(app, runner, municipality):
    _, done, _ = municipality.values()
    app.config.update(RETENTION_MONTHS=84, RETENTION_ACTION="delete")
    closed_years_ago(done, 8)
    before = table_rows()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0 and f"#{done}" in result.output
    assert table_rows() == before


def test_without_a_term_the_command_refuses(app, runner):
    app.config["RETENTION_MONTHS"] = 0
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code != 0 and "WASSTRAAT_RETENTION_MONTHS" in result.output


def test_the_term_counts_calendar_months():
    moment = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert retention.months_before(moment, 1) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert retention.months_before(moment, 84) == datetime(2019, 3, 31, 12, tzinfo=UTC)
    assert retention.months_before(moment, 15) == datetime(2024, 12, 31, 12, tzinfo=UTC)


def test_a_wrong_retention_action_stops_the_app(monkeypatch):
    from wasstraat import create_app
    from wasstraat.config import ConfigError

    monkeypatch.setenv("WASSTRAAT_RETENTION_ACTION", "shred")
    with pytest.raises(ConfigError):
        create_app()


def test_the_placeholder_cannot_sign_in(app, client, municipality):
    retention.placeholder_account()
    db.session.commit()
    response = client.post("/login", data={"email": retention.PLACEHOLDER_EMAIL,
                                           "password": "wat dan ook maar lang genoeg"})
    # Its address is on the reserved .invalid domain: the login form does not take it at all.
    assert response.status_code == 422
    assert db.session.scalar(db.select(User).where(User.email == retention.PLACEHOLDER_EMAIL))
