"""The next cycle: from an evaluated project the process owner starts a follow-up that
carries over exactly the team, the KPIs (after-measurement as the new baseline), the deferred
improvements and the lessons learned, and both projects link to each other."""

from __future__ import annotations

from datetime import date

from conftest import Team
from test_implementation import TITLES, clients, execute, plan, team  # noqa: F401

from wasstraat.extensions import db
from wasstraat.improvements.sources import describe
from wasstraat.models import (
    AuditEvent,
    Evaluation,
    ImplementationItem,
    Improvement,
    Kpi,
    KpiMeasurement,
    Membership,
    OrganisationSettings,
    Project,
    ProjectCycle,
    StepState,
)
from wasstraat.workflow import OwnerAppointer, ProjectCreators, Role, StepStatus


def close(of: Team) -> None:
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == of.project.id)):
        state.status = StepStatus.DONE.value
    db.session.commit()


def evaluated(team: Team, clients: dict, plan: dict) -> None:
    """Step 10 done: one improvement deferred, three KPIs (reached, missed, not measured),
    lessons learned; a team member has left the organisation since."""
    execute(team, clients, plan)
    db.session.get(ImplementationItem, plan[TITLES[1]]).adoption = "deferred"
    project = team.project
    project.organisation_unit = "Burgerzaken"
    for name, direction, baseline, target, after, by in (
            ("Doorlooptijd", "lower", 21, 5, 4, date(2027, 6, 1)),
            ("Tevredenheid", "higher", 6, 8, 7, date(2099, 6, 30)),
            ("Bezwaren", "lower", 30, 10, None, date(2026, 1, 1))):
        kpi = Kpi(project_id=project.id, name=name, unit="dagen", direction=direction,
                  baseline_value=baseline, target_value=target, target_date=by,
                  definition=f"Def {name}")
        db.session.add(kpi)
        db.session.flush()
        if after is not None:
            db.session.add(KpiMeasurement(kpi_id=kpi.id, value=after,
                                          measured_on=date(2027, 9, 1)))
    db.session.add(Evaluation(project_id=project.id, planned_on=date(2027, 9, 1),
                              lessons="Betrek Burgerzaken eerder."))
    team[Role.JOURNEY_COACH].active = False
    db.session.commit()
    close(team)


def follow_up_of(previous: Team) -> Project:
    return db.session.scalar(db.select(Project).join(
        ProjectCycle, ProjectCycle.project_id == Project.id).where(
        ProjectCycle.follows_id == previous.project.id))


def test_the_follow_up_carries_over_exactly_what_the_next_cycle_starts_from(
        team, clients, plan):
    evaluated(team, clients, plan)
    owner = clients[Role.PROCESS_OWNER]
    path = f"/projects/{team.project.id}/follow-up"
    shown = owner.get(path).get_data(as_text=True)
    assert "met dezelfde rollen" in shown and "1 teamlid is niet meer actief" in shown
    assert f"1 uitgestelde verbetering als beginlijst: {TITLES[1]}" in shown
    response = owner.post(path, data={"name": "Parkeervergunning, cyclus 2"})
    assert response.status_code == 303
    new = follow_up_of(team)
    assert response.headers["Location"].endswith(f"/projects/{new.id}")
    old = team.project
    assert (new.name, new.product, new.process_type, new.organisation_unit) == (
        "Parkeervergunning, cyclus 2", old.product, old.process_type, "Burgerzaken")
    assert new.assignment.startswith(f"Vervolg op {old.name} ({old.reference}).")
    assert "Geleerde lessen:\nBetrek Burgerzaken eerder." in new.assignment
    assert new.current_step == 1 and new.step_state(1).status == "not_started"

    # The team: the same people in the same roles, but not who left.
    def roles(project_id: int) -> dict[int, set[str]]:
        return {m.user_id: {r.role for r in m.role_rows} for m in db.session.scalars(
            db.select(Membership).where(Membership.project_id == project_id))}
    expected = {uid: rs for uid, rs in roles(old.id).items()
                if uid != team[Role.JOURNEY_COACH].id}
    assert roles(new.id) == expected

    # The KPIs: the after-measurement is the new baseline; a reached target is done.
    kpis = {k.name: k for k in db.session.scalars(db.select(Kpi).where(
        Kpi.project_id == new.id))}
    assert set(kpis) == {"Doorlooptijd", "Tevredenheid", "Bezwaren"}
    reached, missed, unmeasured = kpis["Doorlooptijd"], kpis["Tevredenheid"], kpis["Bezwaren"]
    assert (reached.baseline_value, reached.baseline_date, reached.target_value) == (
        4, date(2027, 9, 1), None)
    assert reached.baseline_source == f"Nameting van {old.name}"
    # A target not reached stays, with its date while that is ahead; a passed date is asked
    # again, and the KPI page names what is missing at each KPI.
    assert (missed.baseline_value, missed.target_value, missed.target_date) == (
        7, 8, date(2099, 6, 30))
    assert (unmeasured.baseline_value, unmeasured.target_value, unmeasured.target_date) == (
        30, 10, None)
    assert reached.target_date is None
    assert reached.definition == "Def Doorlooptijd" and reached.direction == "lower"

    # The starting list: the deferred improvement, traced to the previous cycle.
    ideas = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == new.id)).all()
    assert [(i.title, i.decision, i.source_type, i.source_id) for i in ideas] == [
        (TITLES[1], "open", "previous_cycle", old.id)]
    assert describe(new, ideas)[ideas[0].id].name == f"Vorige cyclus: {old.name}"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "project.follow_up")) == 2


def test_both_projects_and_the_portfolio_show_the_chain(team, clients, plan):
    evaluated(team, clients, plan)
    owner = clients[Role.PROCESS_OWNER]
    offered = owner.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert f'href="/projects/{team.project.id}/follow-up"' in offered  # "Wat nu?" offers it
    leader_view = clients[Role.PROJECT_LEADER].get(f"/projects/{team.project.id}")
    assert "/follow-up" not in leader_view.get_data(as_text=True)
    owner.post(f"/projects/{team.project.id}/follow-up", data={"name": "Cyclus 2"})
    new = follow_up_of(team)
    old_page = owner.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "Gevolgd door" in old_page and f'href="/projects/{new.id}">Cyclus 2' in old_page
    assert "Vervolgtraject starten" not in old_page  # there is one now
    before = owner.get(f"/projects/{new.id}").get_data(as_text=True)
    assert "Vervolgtraject starten" not in before  # not closed
    new_page = owner.get(f"/projects/{new.id}").get_data(as_text=True)
    assert "Vervolg op" in new_page and f'href="/projects/{team.project.id}"' in new_page
    portfolio = owner.get("/").get_data(as_text=True)
    row = portfolio.split(f'id="portfolio-{new.id}"')[1].split("</li>")[0]
    assert "Vervolg op" in row and team.project.name in row


def test_only_the_process_owner_of_a_closed_project_starts_one_follow_up(
        team, clients, plan, login_as):
    execute(team, clients, plan)
    path = f"/projects/{team.project.id}/follow-up"
    owner = clients[Role.PROCESS_OWNER]
    refused = owner.post(path, data={"name": "Te vroeg"})
    assert refused.status_code == 409
    assert "rond eerst stap 10 af" in refused.get_data(as_text=True)
    assert owner.get(path).status_code == 409
    close(team)
    assert clients[Role.PROJECT_LEADER].post(path, data={"name": "X"}).status_code == 403
    assert clients[Role.SPONSOR].get(path).status_code == 403
    assert login_as(team.outsider).post(path, data={"name": "X"}).status_code == 404
    empty = owner.post(path, data={"name": "  "})
    assert empty.status_code == 422 and follow_up_of(team) is None
    assert owner.post(path, data={"name": "Cyclus 2"}).status_code == 303
    again = owner.post(path, data={"name": "Cyclus 3"})
    assert again.status_code == 409
    assert "heeft al een vervolgtraject: Cyclus 2" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ProjectCycle)) == 1


def test_hostile_names_are_refused_and_nothing_is_made(team, clients, plan):
    from test_bad_input import HOSTILE

    evaluated(team, clients, plan)
    owner = clients[Role.PROCESS_OWNER]
    projects_before = db.session.scalar(db.select(db.func.count()).select_from(Project))
    for value in HOSTILE:
        response = owner.post(f"/projects/{team.project.id}/follow-up", data={"name": value})
        assert response.status_code in (303, 422), (value, response.status_code)
        if response.status_code == 303:  # a plain text is a name: one follow-up, then 409
            made = follow_up_of(team)
            assert made.name == value.strip()
            db.session.delete(db.session.get(ProjectCycle, made.id))
            db.session.delete(made)
            db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == projects_before


def rules(**values) -> None:
    row = db.session.scalars(db.select(OrganisationSettings)).first()
    if row is None:
        db.session.add(OrganisationSettings(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.session.commit()


def test_a_follow_up_is_a_project_start_under_the_organisations_rule(team, clients, plan):
    """The attack: /projects/new was 403 for the process owner, "Vervolgtraject starten"
    made a project anyway."""
    evaluated(team, clients, plan)
    rules(project_creators=ProjectCreators.ADMINS)
    owner = clients[Role.PROCESS_OWNER]
    path = f"/projects/{team.project.id}/follow-up"
    refused = owner.post(path, data={"name": "Cyclus 2"})
    assert refused.status_code == 403
    assert "alleen beheerders een traject" in refused.get_data(as_text=True)
    assert owner.get(path).status_code == 403
    assert follow_up_of(team) is None
    page = owner.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "Vervolgtraject starten" not in page


def test_each_carried_role_is_appointed_anew_and_what_is_refused_is_listed(team, clients,
                                                                          plan):
    """The attack: a privacy officer no longer registered as specialist, and the process
    owner where administrators appoint the owner, came back with the team."""
    evaluated(team, clients, plan)
    rules(owner_appointed_by=OwnerAppointer.ADMINS, registered_specialists_only=True)
    privacy = team[Role.PRIVACY_OFFICER]
    privacy.specialisms = []
    db.session.commit()
    owner = clients[Role.PROCESS_OWNER]
    response = owner.post(f"/projects/{team.project.id}/follow-up", data={"name": "Cyclus 2"})
    assert response.status_code == 303
    # The owner's own role stayed behind: back to the project they can see, told why.
    assert response.headers["Location"].endswith(f"/projects/{team.project.id}")
    told = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw eigen rol is niet overgenomen" in told and "aangewezen door een beheerder" in told
    new = follow_up_of(team)
    carried = {m.user_id: m.roles for m in new.memberships}
    assert privacy.id not in carried and team[Role.PROCESS_OWNER].id not in carried
    assert carried[team[Role.PROJECT_LEADER].id] == {Role.PROJECT_LEADER}
    team_page = clients[Role.PROJECT_LEADER].get(f"/projects/{new.id}/team").get_data(
        as_text=True)
    assert "Niet overgenomen uit het vorige traject" in team_page
    assert "niet door de beheerder geregistreerd als privacy officer" in team_page.lower()
    assert "aangewezen door een beheerder" in team_page
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "project.follow_up", AuditEvent.object_id == new.id)).one()
    assert {row["role"] for row in event.after["left_out"]} == {"privacy_officer",
                                                                "process_owner"}
