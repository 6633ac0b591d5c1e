"""Cached page sections (fragments.py) never show an older state, never show one person what
another may not see, and are keyed by revision counters that every kind of write raises."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import Team, login
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, update
from test_plans import base, clients, idea, plan_entry, put_in_step, version_of  # noqa: F401

from wasstraat import audit, fragments, revisions
from wasstraat.extensions import db
from wasstraat.implementation import services as implementation
from wasstraat.improvements import services as improvements
from wasstraat.models import (
    ImplementationItem,
    ImplementationOrder,
    Improvement,
    Kpi,
    KpiMeasurement,
    Notification,
    Project,
    ProjectCycle,
    User,
)
from wasstraat.models.base import utcnow
from wasstraat.notification_kinds import Kind
from wasstraat.plans import services as plans
from wasstraat.projects.services import PROJECT_FIELDS, update_project
from wasstraat.workflow import Adoption, Decision, Direction, Role, Step


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def rename(team: Team, name: str) -> None:
    """The project leader renames the project, as the project's edit form does."""
    project = db.session.get(Project, team.project.id)
    update_project(project, team[Role.PROJECT_LEADER], expected_version=project.version,
                   values={field: getattr(project, field) for field in PROJECT_FIELDS}
                   | {"name": name})
    db.session.commit()


def counters(*project_ids: int) -> tuple[int, dict[int, int]]:
    db.session.rollback()  # a fresh read, as the next request makes
    return revisions.current(project_ids)


# --- The counters ----------------------------------------------------------------------------

def test_every_table_counts_for_a_project_the_organisation_or_is_named_outside(app):
    """A new table that no rule places would let a cached section go stale unnoticed."""
    unplaced = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table.name
        if (table in revisions.OUTSIDE_PROJECTS or mapper.class_ in (Project, User)
                or issubclass(mapper.class_, revisions.ORGANISATION_WIDE)):
            continue
        if not revisions._project_columns(mapper) and revisions._parent(mapper) is None:
            unplaced.append(table)
    assert unplaced == []


def test_a_write_raises_its_projects_counter_and_no_other(team, create_project):
    other = create_project("Ander traject")
    organisation, before = counters(team.project.id, other.project.id)
    idea(team, "Aanvraag digitaal")
    after_organisation, after = counters(team.project.id, other.project.id)
    assert after[team.project.id] > before[team.project.id]
    assert after[other.project.id] == before[other.project.id]
    assert after_organisation == organisation


def test_a_row_without_project_counts_for_its_parents_project(team):
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen",
              direction=Direction.LOWER)
    db.session.add(kpi)
    db.session.commit()
    _organisation, before = counters(team.project.id)
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=12.0, measured_on=date(2027, 1, 4)))
    db.session.commit()
    assert counters(team.project.id)[1][team.project.id] > before[team.project.id]


def test_a_next_cycle_counts_for_both_projects_and_a_rename_for_the_linked_one(
        team, create_project):
    follow_up = create_project("Vervolg")
    _organisation, before = counters(team.project.id, follow_up.project.id)
    db.session.add(ProjectCycle(project_id=follow_up.project.id, follows_id=team.project.id))
    db.session.commit()
    _organisation, linked = counters(team.project.id, follow_up.project.id)
    assert linked[team.project.id] > before[team.project.id]
    assert linked[follow_up.project.id] > before[follow_up.project.id]
    rename(follow_up, "Vervolg, tweede ronde")
    # The first project's page names its follow-up.
    assert counters(team.project.id)[1][team.project.id] > linked[team.project.id]


def test_a_persons_name_raises_the_organisations_counter_and_a_sign_in_does_not(
        team, client):
    organisation, _numbers = counters()
    login(client, team[Role.SPONSOR])
    assert client.post("/account/language", data={"locale": "en"}).status_code == 303
    assert counters()[0] == organisation
    person = db.session.get(User, team[Role.SPONSOR].id)
    person.name = "Sponsor met een nieuwe naam"
    db.session.commit()
    assert counters()[0] > organisation


def test_a_statement_that_writes_many_rows_raises_the_organisations_counter(team):
    idea(team, "Aanvraag digitaal")
    organisation, _numbers = counters()
    db.session.execute(update(Improvement).where(Improvement.project_id == team.project.id)
                       .values(description="In bulk"))
    db.session.commit()
    assert counters()[0] > organisation


def test_the_audit_trail_and_a_persons_notifications_raise_no_counter(team):
    organisation, before = counters(team.project.id)
    audit.record("project.viewed", "project", team.project.id, team.project.id,
                 actor=team[Role.SPONSOR])
    message = Notification(user_id=team[Role.SPONSOR].id, project_id=team.project.id,
                           kind=Kind.TASK, title="Nieuwe taak")
    db.session.add(message)
    db.session.commit()
    message.read_at = utcnow()
    db.session.commit()
    assert counters(team.project.id) == (organisation, before)


def test_what_a_transaction_read_after_writing_is_not_kept(app, team):
    with app.test_request_context():
        key = ("test", *fragments.project_state(team.project.id))
        team.project.name = "Nog niet vastgelegd"
        db.session.flush()
        assert fragments.cached(key, lambda: "gelezen na schrijven") == "gelezen na schrijven"
        assert fragments.store().get(key) is None
        db.session.rollback()
        assert fragments.cached(key, lambda: "vastgelegd") == "vastgelegd"
        assert fragments.store().get(key) == "vastgelegd"


def test_the_store_keeps_to_its_budget_dropping_the_least_recently_used():
    store = fragments.Fragments(budget=10)
    store.put("a", "12345")
    store.put("b", "12345")
    assert store.get("a") == "12345"  # a is now the most recently used
    store.put("c", "123")
    assert store.get("b") is None and store.get("a") == "12345" and store.get("c") == "123"
    store.put("huge", "x" * 11)
    assert store.get("huge") is None


# --- The pages -------------------------------------------------------------------------------

def test_the_board_shows_a_write_by_someone_else_on_the_next_view(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    first = idea(team, "Aanvraag digitaal")
    owner = clients[Role.PROCESS_OWNER]
    assert "Aanvraag digitaal" in owner.get(f"{base(team)}/plan").get_data(as_text=True)
    leader = clients[Role.PROJECT_LEADER]
    assert plan_entry(leader, team, first, title="x").status_code in (302, 303)
    page = owner.get(f"{base(team)}/plan").get_data(as_text=True)
    assert "In het plan: quick wins (1)" in page and "Nog niet besloten (0)" in page
    idea(team, "Kenteken automatisch")
    assert "Kenteken automatisch" in owner.get(f"{base(team)}/plan").get_data(as_text=True)


def test_the_board_is_not_opened_to_an_outsider_by_a_members_cached_view(team, clients,
                                                                          login_as):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    idea(team, "Aanvraag digitaal")
    assert clients[Role.PROCESS_OWNER].get(f"{base(team)}/plan").status_code == 200
    outsider = login_as(team.outsider)
    page = outsider.get(f"{base(team)}/plan")
    # Not found, as any project one is not in (whether it exists is not told either).
    assert page.status_code == 404 and "Aanvraag digitaal" not in page.get_data(as_text=True)


def test_the_board_keeps_each_persons_own_controls_beside_the_shared_rows(team, clients):
    """The rows are shared; what a person may do there is not."""
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    idea(team, "Aanvraag digitaal")
    leader = clients[Role.PROJECT_LEADER].get(f"{base(team)}/plan").get_data(as_text=True)
    sponsor = clients[Role.SPONSOR].get(f"{base(team)}/plan").get_data(as_text=True)
    assert "Aanvraag digitaal" in leader and "Aanvraag digitaal" in sponsor
    texts_form = f'action="/projects/{team.project.id}/plan/texts"'
    assert texts_form in leader and texts_form not in sponsor


def test_the_portfolio_shows_a_write_by_someone_else_and_only_ones_own_projects(
        team, create_project, login_as):
    other = create_project("Ander traject")
    mine = login_as(team[Role.SPONSOR])
    theirs = login_as(other[Role.SPONSOR])
    assert "Ander traject" in theirs.get("/").get_data(as_text=True)  # its row now cached
    page = mine.get("/").get_data(as_text=True)
    assert ">Aanvraag parkeervergunning</a>" in page and "Ander traject" not in page
    rename(team, "Parkeervergunning digitaal")
    page = mine.get("/").get_data(as_text=True)
    assert ">Parkeervergunning digitaal</a>" in page
    assert ">Aanvraag parkeervergunning</a>" not in page


# --- The board's summary equals the computed one after any sequence of writes -----------------

WRITES = ("add", "decide", "merge", "rename", "texts", "kpi")


def _write(kind: str, n: int, team: Team, kpi: Kpi) -> None:
    project = db.session.get(Project, team.project.id)
    actor = team[Role.PROJECT_LEADER]
    rows = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == project.id, Improvement.decision != Decision.MERGED)
        .order_by(Improvement.id)).all()
    if kind == "add" or not rows:
        idea(team, f"Idee {n}")
        return
    row = rows[n % len(rows)]
    if kind == "decide":
        decision = [Decision.IN_PLAN, Decision.OPEN, Decision.NOT_PURSUED][n % 3]
        plans.update_plan_fields(row, project, actor, expected_version=row.version, kpi_ids=[],
                                 values={"decision": decision.value, "horizon": "quick_win",
                                         "impact": 1 + n % 5, "effort": 1 + n % 4,
                                         "decision_reason": "Past niet."})
    elif kind == "merge" and len(rows) > 1:
        into = rows[(n + 1) % len(rows)]
        plans.merge(row, into, project, actor, expected_version=row.version)
    elif kind == "rename":
        improvements.update_improvement(
            row, project, actor, expected_version=row.version,
            values={field: getattr(row, field) for field in improvements.IMPROVEMENT_FIELDS}
            | {"title": f"Hernoemd {n}"})
    elif kind == "texts":
        plans.save_texts(project, actor, expected_version=plans.plan_of(project).version,
                         values={"context": f"Context {n}"})
    elif kind == "kpi":
        kpi.name = f"Doorlooptijd {n}"
    db.session.commit()


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(writes=st.lists(st.tuples(st.sampled_from(WRITES), st.integers(0, 50)),
                       min_size=1, max_size=8))
def test_the_kept_board_summary_is_the_computed_one_after_every_write(app, create_project,
                                                                       writes):
    team = create_project()
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    kpi = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen",
              direction=Direction.LOWER)
    db.session.add(kpi)
    db.session.commit()
    for kind, n in [("add", 0), *writes]:
        with app.test_request_context():
            project = db.session.get(Project, team.project.id)
            plan = plans.plan_of(project)
            assert plans.kept_board_summary(project, plan) == plans.board_summary(
                project, plan), (kind, n)
        db.session.rollback()
        _write(kind, n, team, kpi)
        assert not inspect(kpi).modified


# --- The implementation plan's summary, the same ----------------------------------------------

PLAN_WRITES = ("move", "take_over", "defer", "drop", "rename", "responsible_leaves")


def _plan_write(kind: str, n: int, team: Team) -> None:
    project = db.session.get(Project, team.project.id)
    owner = team[Role.PROCESS_OWNER]
    rows = db.session.scalars(db.select(ImplementationItem).where(
        ImplementationItem.project_id == project.id).order_by(ImplementationItem.position)).all()
    row = rows[n % len(rows)]
    if kind == "move":
        lock = implementation.order_lock(project)
        implementation.move(project, owner, row, to_position=1 + n % 4,
                            expected_version=lock.version)
    elif kind in ("take_over", "defer", "drop"):
        values = {field: getattr(row, field) for field in implementation.ITEM_FIELDS} | {
            "adoption": {"take_over": Adoption.TAKEN_OVER, "defer": Adoption.DEFERRED,
                         "drop": Adoption.DROPPED}[kind].value,
            "responsible_id": team[Role.SUBJECT_EXPERT].id, "waits_for_id": None,
            "start_on": date(2027, 1, 4), "end_on": date(2027, 2, 1 + n % 20),
            "deferred_until": date(2027, 6, 1), "drop_reason": "Past niet meer."}
        implementation.update_item(row, project, owner, expected_version=row.version,
                                   values=values)
    elif kind == "rename":
        row.improvement.title = f"Hernoemd {n}"
    elif kind == "responsible_leaves":
        db.session.get(User, team[Role.SUBJECT_EXPERT].id).name = f"Vakexpert {n}"
    db.session.commit()


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(writes=st.lists(st.tuples(st.sampled_from(PLAN_WRITES), st.integers(0, 50)),
                       min_size=1, max_size=8))
def test_the_kept_plan_summary_is_the_computed_one_after_every_write(app, create_project,
                                                                      writes):
    team = create_project()
    put_in_step(team, Step.IMPLEMENTATION_PLAN)
    for n in range(4):
        improvement = Improvement(project_id=team.project.id, step=6, source_type="step",
                                  source_id=6, title=f"Idee {n}", decision="in_plan",
                                  horizon="quick_win", impact=1 + n, effort=4 - n)
        db.session.add(improvement)
        db.session.flush()
        db.session.add(ImplementationItem(project_id=team.project.id,
                                          improvement_id=improvement.id, position=n + 1))
    db.session.add(ImplementationOrder(project_id=team.project.id))
    db.session.commit()
    today = date(2027, 1, 20)
    for kind, n in [("move", 0), *writes]:
        with app.test_request_context():
            project = db.session.get(Project, team.project.id)
            shown = (project, today, 10, implementation.BLOCKERS_SHOWN)
            assert implementation.kept_plan_summary(*shown) == implementation.plan_summary(
                *shown), (kind, n)
        db.session.rollback()
        _plan_write(kind, n, team)
