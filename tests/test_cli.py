"""Command-line tools for administrators and for the demo."""

from __future__ import annotations

import pytest

from wasstraat.auth import passwords
from wasstraat.extensions import db
from wasstraat.models import Project, Task, User
from wasstraat.workflow import Role, Step, StepStatus


def test_user_create_makes_an_administrator_with_a_policy_checked_password(runner):
    result = runner.invoke(args=["user", "create", "beheer@gemeente.example", "--name",
                                 "Functioneel beheer", "--admin", "--password",
                                 "een lang en sterk wachtwoord"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(db.select(User)).one()
    assert user.is_admin and user.name == "Functioneel beheer"
    assert passwords.verify_password(user.password_hash, "een lang en sterk wachtwoord")


def test_user_create_refuses_a_short_password_and_a_duplicate(runner):
    short = runner.invoke(args=["user", "create", "a@gemeente.example", "--name", "A",
                                "--password", "kort"])
    assert short.exit_code != 0 and "minstens 15 tekens" in short.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    runner.invoke(args=["user", "create", "a@gemeente.example", "--name", "A", "--password",
                        "een lang en sterk wachtwoord"])
    again = runner.invoke(args=["user", "create", "A@gemeente.example", "--name", "A",
                                "--password", "een lang en sterk wachtwoord"])
    assert again.exit_code != 0 and "bestaat al" in again.output


def test_user_create_can_generate_a_one_time_password(runner):
    result = runner.invoke(args=["user", "create", "b@gemeente.example", "--name", "B",
                                 "--generate-password"])
    assert result.exit_code == 0
    password = result.output.split("One-time password: ")[1].splitlines()[0].strip()
    user = db.session.scalars(db.select(User)).one()
    assert passwords.verify_password(user.password_hash, password)
    assert user.must_change_password


def test_seed_demo_creates_an_account_per_role_and_a_project_with_an_approved_plan(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    emails = {u.email for u in db.session.scalars(db.select(User))}
    assert emails == {f"{r.value}@demo.wasstraat.nl" for r in Role} | {
        "admin@demo.wasstraat.nl", "archivist@demo.wasstraat.nl"}
    archivist = db.session.scalar(db.select(User).where(User.email.startswith("archivist@")))
    assert archivist.functions == ["archivist"] and not archivist.is_admin
    project = db.session.scalars(
        db.select(Project).where(Project.name == "Aanvraag parkeervergunning bewoners")).one()
    assert project.statuses[Step.TEAM] is StepStatus.DONE
    assert project.statuses[Step.KPIS] is StepStatus.DONE
    assert project.statuses[Step.PROCESS] is StepStatus.DONE
    assert project.statuses[Step.JOURNEY] is StepStatus.DONE
    for step in (Step.SERVICE_FORMULA, Step.IMPROVEMENT_PLAN, Step.REVIEW, Step.ADJUST):
        assert project.statuses[step] is StepStatus.DONE, step
    assert project.statuses[Step.IMPLEMENTATION_PLAN] is StepStatus.IN_PROGRESS
    # Its people find their work in the inbox, but are not e-mailed about the demo's past.
    from wasstraat.models import Notification
    states = db.session.scalars(db.select(Notification.mail_state)).all()
    assert states and set(states) == {"none"}
    # The demo shows real content in every step so far.
    from wasstraat.formulas.services import comparisons_of
    from wasstraat.journey.services import phases_of
    from wasstraat.kpis.services import kpis_of
    from wasstraat.process.services import steps_of

    assert len(kpis_of(project)) == 4 and len(steps_of(project)) == 8
    assert len(phases_of(project)) == 4 and len(comparisons_of(project)) == 6
    assert project.service_formula.name == "Flitsformule"
    assert db.session.scalar(db.select(db.func.count()).select_from(Task)) > 10
    # A reviewed, final, approved plan with findings and step 8's responses to them.
    from wasstraat.plans.services import latest_version
    from wasstraat.reviews.services import items_to_answer, responses_of, reviews_of

    final = latest_version(project)
    assert final.is_final and final.approval is not None
    reviews = reviews_of(project)
    assert {r.domain for r in reviews} == {"privacy", "ict", "legal"}
    assert all(r.is_signed for r in reviews)
    items = items_to_answer(reviews, responses_of(project))
    assert len(items) == 3 and all(item.response for item in items)
    # A second project went through all ten steps and measured its KPIs afterwards.
    from wasstraat.implementation.services import kpi_results

    done = db.session.scalars(db.select(Project).where(
        Project.name == "Verhuizing doorgeven")).one()
    assert done.is_finished
    results = kpi_results([done.id])[done.id]
    assert len(results) == 2 and all(r.after is not None for r in results)

    response = client.post("/login", data={"email": "process_owner@demo.wasstraat.nl",
                                           "password": "wasstraat-demo"})
    assert response.status_code == 302
    assert "Aanvraag parkeervergunning bewoners" in client.get("/").get_data(as_text=True)


def test_seed_demo_if_empty_does_not_touch_a_database_in_use(runner, create_user):
    create_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_several_user_create_commands_at_once_all_succeed(app, database_url):
    """CLI commands write the way requests do: on SQLite several at once wait their turn
    instead of failing with "database is locked"."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": database_url, "WASSTRAAT_MFA_REQUIRED": "nobody"}
    commands = [subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "user", "create",
         f"gelijktijdig{n}@gemeente.example", "--name", f"Gelijktijdig {n}",
         "--generate-password"], cwd=root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True) for n in range(6)]
    outputs = [command.communicate(timeout=120)[0] for command in commands]
    assert [c.returncode for c in commands] == [0] * 6, outputs
    assert not any("locked" in output for output in outputs)
    created = db.session.scalar(db.select(db.func.count()).select_from(User).where(
        User.email.like("gelijktijdig%")))
    assert created == 6


def test_demo_data_are_refused_in_production(monkeypatch, make_app):
    """The demo's accounts (an administrator among them) have a published password."""
    monkeypatch.setenv("WASSTRAAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "q3J9vX0kLr7W_bTz5mNa2Yc8GdHf4Es1UoPi6KwRlQxVjZt-Ae0B_nSy9DhMgFu7")
    monkeypatch.setenv("WASSTRAAT_MFA_REQUIRED", "admins")
    app = make_app()
    with app.app_context():  # as the flask command runs it
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused when WASSTRAAT_ENV=production" in result.output
    assert "published" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
        from wasstraat.demo import DemoRefused, load_demo

        with pytest.raises(DemoRefused):
            load_demo()


def test_tasks_sync_brings_every_project_in_line(runner, create_project):
    """After an upgrade the migration handled what SQL can; this command does the rest."""
    from wasstraat.models import StepState

    team = create_project()
    db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id, StepState.step == 1)).one().status = \
        StepStatus.IN_PROGRESS.value
    db.session.add(Task(project_id=team.project.id, step=1, role="process_owner",
                        title="Opdracht en scope van het traject formuleren",
                        template_key="team.assignment", assignee_id=team[Role.PROCESS_OWNER].id))
    db.session.commit()
    db.session.execute(db.update(Task).values(done_at=None, closed_as=None))  # as old data
    db.session.commit()
    result = runner.invoke(args=["tasks", "sync"])
    assert result.exit_code == 0 and "1 project(s) changed" in result.output
    task = db.session.scalars(db.select(Task).where(Task.template_key == "team.assignment")).one()
    assert task.closed_as == "rule"  # the assignment was written when the project was made
