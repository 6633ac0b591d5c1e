"""Where each project stands, as the portfolio reads it: the stored position must always say
what the workflow's own rule says of the project's step states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasstraat.extensions import db
from wasstraat.models import ProjectPosition, StepState
from wasstraat.workflow import Role, Step, StepStatus, current_step

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def position_of(project_id: int) -> ProjectPosition:
    db.session.expire_all()
    return db.session.get(ProjectPosition, project_id)


def test_a_new_project_stands_at_step_1_and_follows_its_steps(create_project, login_as):
    team = create_project()
    assert (position_of(team.project.id).step, position_of(team.project.id).since) == (1, None)
    leader = login_as(team[Role.PROJECT_LEADER])
    assert leader.post(f"/projects/{team.project.id}/steps/1/start").status_code == 303
    position = position_of(team.project.id)
    assert position.step == 1 and position.since is not None


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(statuses=st.lists(st.sampled_from(list(StepStatus)), min_size=10, max_size=10),
       days=st.lists(st.integers(min_value=0, max_value=400), min_size=10, max_size=10))
def test_the_stored_position_is_the_workflow_rule(create_project, statuses, days):
    team = create_project(roles=[Role.PROJECT_LEADER])
    states = db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id).order_by(StepState.step)).all()
    for state, status, day in zip(states, statuses, days, strict=True):
        state.status = status.value
        moved = START + timedelta(days=day)
        state.started_at = moved if status is not StepStatus.NOT_STARTED else None
        state.closed_at = moved + timedelta(days=1) if status.is_finished else None
    db.session.commit()
    expected = current_step(dict(zip(Step, statuses, strict=True)))
    moments = [m for s in states for m in (s.started_at, s.closed_at) if m]
    position = position_of(team.project.id)
    assert position.step == (expected.value if expected else None)
    assert position.since == max(moments, default=None)
