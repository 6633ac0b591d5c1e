"""Segregation of duties, as the organisation sets it: the attacks of the security round
(a leader giving themselves every approving role, a person approving their own plan and signing
its review) now fail; a small organisation can switch four eyes off, and that is recorded."""

from __future__ import annotations

import pytest
from conftest import OFFICE_HOURS, Team

from wasstraat import duties
from wasstraat.errors import ConflictError, WorkflowError
from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import AuditEvent, OrganisationSettings, PlanApproval, Review, StepState
from wasstraat.plans import services as plans
from wasstraat.projects import services as projects
from wasstraat.reviews import services as reviews
from wasstraat.workflow import Role, Step, StepStatus


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def organisation(**values: object) -> None:
    defaults = {"project_creators": "everyone", "owner_appointed_by": "leader",
                "registered_specialists_only": True, "four_eyes": True}
    db.session.add(OrganisationSettings(**(defaults | values)))
    db.session.commit()


def membership(team: Team, role: Role):
    return projects.membership_for(team.project, team[role])


def test_a_leader_cannot_give_themselves_an_approving_role(team):
    leader = team[Role.PROJECT_LEADER]
    leader.specialisms = ["privacy_officer", "ciso"]
    for roles in ({Role.PROCESS_OWNER}, {Role.PRIVACY_OFFICER}, {Role.CISO}):
        with pytest.raises(WorkflowError, match="vier ogen"):
            projects.set_roles(membership(team, Role.PROJECT_LEADER), leader,
                               {Role.PROJECT_LEADER, *roles})
        db.session.rollback()
    # Another role of their own is fine: one person may hold several.
    projects.set_roles(membership(team, Role.PROJECT_LEADER), leader,
                       {Role.PROJECT_LEADER, Role.SUBJECT_EXPERT})


def test_nobody_starts_a_project_holding_every_role(create_user, login_as):
    person = create_user("Alleskunner")
    client = login_as(person)
    response = client.post("/projects/new", data={
        "name": "Eigen traject", "product": "Iets", "process_type": "primary",
        "my_roles": ["process_owner", "privacy_officer", "sponsor"]})
    assert response.status_code == 422
    assert "vier ogen" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(StepState)) == 0


def test_specialist_roles_only_for_registered_specialists(team, create_user):
    leader = team[Role.PROJECT_LEADER]
    stranger = create_user("Niet geregistreerd")
    with pytest.raises(WorkflowError, match="geregistreerd als privacy officer"):
        projects.add_member(team.project, leader, stranger, {Role.PRIVACY_OFFICER})
    db.session.rollback()
    stranger.specialisms = ["privacy_officer"]
    projects.add_member(team.project, leader, stranger, {Role.PRIVACY_OFFICER})
    db.session.commit()
    organisation(registered_specialists_only=False)
    other = create_user("Ook niet geregistreerd")
    projects.add_member(team.project, leader, other, {Role.CISO})


def test_the_process_owner_appointed_by_an_administrator_where_the_organisation_says_so(
        create_project, create_user):
    organisation(owner_appointed_by="admins")
    team = create_project(roles=[Role.PROJECT_LEADER])
    owner = create_user("Proceseigenaar")
    with pytest.raises(WorkflowError, match="aangewezen door een beheerder"):
        projects.add_member(team.project, team[Role.PROJECT_LEADER], owner,
                            {Role.PROCESS_OWNER})
    db.session.rollback()
    projects.add_member(team.project, create_user(admin=True), owner, {Role.PROCESS_OWNER})


def test_only_administrators_start_projects_where_the_organisation_says_so(create_user,
                                                                          login_as):
    organisation(project_creators="admins")
    staff = login_as(create_user("Medewerker"))
    assert staff.get("/projects/new").status_code == 403
    assert 'href="/projects/new"' not in staff.get("/").get_data(as_text=True)
    admin = login_as(create_user(admin=True))
    assert admin.get("/projects/new").status_code == 200


def _final_plan_made_by(team: Team, maker_role: Role) -> int:
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = (StepStatus.DONE if state.step < Step.ADJUST else StepStatus.IN_PROGRESS
                        if state.step == Step.ADJUST else StepStatus.NOT_STARTED).value
    row = improvements.add_improvement(team.project, team[maker_role],
                                       resolve(team.project, "step", 6), title="Statusbericht",
                                       description="", proposer_id=None)
    row.decision, row.horizon = "in_plan", "quick_win"
    db.session.flush()
    version = plans.make_final(team.project, team[maker_role], [])
    db.session.commit()
    return version.number


def test_nobody_approves_a_plan_they_lead_or_made_final(team, create_user, login_as):
    admin = create_user(admin=True)
    leader = team[Role.PROJECT_LEADER]
    # An administrator made the leader process owner too; the four eyes still hold.
    projects.set_roles(membership(team, Role.PROJECT_LEADER), admin,
                       {Role.PROJECT_LEADER, Role.PROCESS_OWNER})
    db.session.commit()
    number = _final_plan_made_by(team, Role.PROJECT_LEADER)
    path = f"/projects/{team.project.id}/plan/versions/{number}/approve"
    refused = login_as(leader).post(path, data={"note": ""})
    assert refused.status_code == 409 and "vier ogen" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(PlanApproval)) == 0
    assert login_as(team[Role.PROCESS_OWNER]).post(path, data={"note": ""}).status_code == 303


def test_a_small_organisation_may_switch_four_eyes_off_and_each_use_is_recorded(
        team, login_as):
    organisation(four_eyes=False)
    leader = team[Role.PROJECT_LEADER]
    projects.set_roles(membership(team, Role.PROJECT_LEADER), leader,
                       {Role.PROJECT_LEADER, Role.PROCESS_OWNER})
    db.session.commit()
    number = _final_plan_made_by(team, Role.PROJECT_LEADER)
    path = f"/projects/{team.project.id}/plan/versions/{number}/approve"
    assert login_as(leader).post(path, data={"note": ""}).status_code == 303
    approval = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "plan.approve")).one()
    assert approval.after["four_eyes_waived"] is True


def test_the_leader_does_not_sign_a_review_of_their_own_project(team, create_user, login_as):
    admin = create_user(admin=True)
    leader = team[Role.PROJECT_LEADER]
    leader.specialisms = ["legal"]
    projects.set_roles(membership(team, Role.PROJECT_LEADER), admin,
                       {Role.PROJECT_LEADER, Role.LEGAL})
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = (StepStatus.DONE if state.step < Step.IMPROVEMENT_PLAN else
                        StepStatus.IN_PROGRESS if state.step <= Step.REVIEW else
                        StepStatus.NOT_STARTED).value

    row = improvements.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                       title="Statusbericht", description="", proposer_id=None)
    row.decision, row.horizon = "in_plan", "quick_win"
    db.session.flush()
    plans.send_for_review(team.project, team[Role.PROCESS_ADVISOR])
    reviews.choose_domains(team.project, leader, ["legal"])
    review = reviews.open_review(team.project, leader)[0]
    review.verdict, review.motivation = "approved", "Akkoord."
    db.session.commit()
    path = f"/projects/{team.project.id}/reviews/{review.id}/sign"
    refused = login_as(leader).post(path, data={"version": review.version})
    assert refused.status_code == 403
    assert db.session.get(Review, review.id).signed_at is None


def test_the_organisation_page_changes_the_settings_and_records_it(create_user, login_as):
    admin = login_as(create_user(admin=True))
    page = admin.get("/admin/organisation")
    assert page.status_code == 200 and "Vier ogen" in page.get_data(as_text=True)
    response = admin.post("/admin/organisation", data={
        "version": 0, "project_creators": "admins", "owner_appointed_by": "admins",
        "registered_specialists_only": "y", "gate_approver": "sponsor",
        "plan_decider": "owner", **OFFICE_HOURS})  # four eyes unticked: off
    assert response.status_code == 303
    row = db.session.scalars(db.select(OrganisationSettings)).one()
    assert (row.project_creators, row.owner_appointed_by, row.four_eyes) == (
        "admins", "admins", False)
    assert db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "settings.update")).one().after["four_eyes"] is False
    stale = admin.post("/admin/organisation", data={
        "version": 0, "project_creators": "everyone", "owner_appointed_by": "leader",
        "gate_approver": "sponsor", "plan_decider": "owner", **OFFICE_HOURS})
    assert stale.status_code == 409
    assert admin.post("/admin/organisation", data={
        "version": row.version, "project_creators": "iedereen",
        "owner_appointed_by": "leader"}).status_code == 422


def test_the_first_save_of_the_settings_refuses_a_form_loaded_before_someone_else_saved(team):
    """No settings stored yet: a form loaded then carries version 0; one that claims a later
    version saw settings that were saved and removed since, and is refused with nothing
    stored."""
    values = {"project_creators": "admins", "owner_appointed_by": "admins",
              "registered_specialists_only": False, "four_eyes": False}
    with pytest.raises(ConflictError):
        duties.save_settings(team[Role.PROJECT_LEADER], expected_version=1, values=values)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(OrganisationSettings)) == 0
    duties.save_settings(team[Role.PROJECT_LEADER], expected_version=0, values=values)
    db.session.commit()
    assert db.session.scalar(db.select(OrganisationSettings.project_creators)) == "admins"
