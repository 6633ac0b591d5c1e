"""The plan's risk register: the team records each risk with its likelihood, impact, measure
and owner; the board reads the three largest in the summary and the whole register in the
plan, and the implementation plan carries the measures."""

from __future__ import annotations

import html

import pytest
from conftest import Team
from test_exports import open_docx, put_in_step
from test_plan_documents import approved_plan
from test_plans import base, clients, plan_version, send_plan  # noqa: F401

from wasstraat.errors import WorkflowError
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, PlanRisk, PlanVersion
from wasstraat.plans import services as plans
from wasstraat.risks import services as risks
from wasstraat.workflow import Role, Step


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def add(client, team: Team, description: str, likelihood: str = "medium",
        impact: str = "medium", measure: str = "", owner: int | str = ""):
    return client.post(f"{base(team)}/plan/risks", data={
        "description": description, "likelihood": likelihood, "impact": impact,
        "measure": measure, "owner_id": owner})


def stored() -> list[tuple[str, str, str]]:
    return [(r.description, r.likelihood.value, r.impact.value)
            for r in db.session.scalars(db.select(PlanRisk).order_by(PlanRisk.id))]


def test_the_team_keeps_a_register_of_risks_the_largest_first(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    advisor, owner = clients[Role.PROCESS_ADVISOR], team[Role.PROCESS_OWNER]
    assert add(advisor, team, "Inwoners zonder DigiD", "low", "medium").status_code == 303
    assert add(advisor, team, "Leverancier levert de koppeling later", "high", "high",
               measure="Afspraak in het contract.\nTot dan overtypen.",
               owner=owner.id).status_code == 303
    page = clients[Role.SUBJECT_EXPERT].get(f"{base(team)}/plan/risks").get_data(as_text=True)
    assert page.index("Leverancier levert de koppeling later") < page.index(
        "Inwoners zonder DigiD")
    assert owner.name in page and "nog geen maatregel" in page
    plan_page = html.unescape(advisor.get(f"{base(team)}/plan").get_data(as_text=True))
    assert "2 risico's met kans, impact, maatregel en eigenaar" in plan_page
    created = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "risk.create")).all()
    assert len(created) == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"description": ""}, "Beschrijf het risico."),
    ({"likelihood": ""}, "Kies hoe groot de kans is."),
    ({"impact": ""}, "Kies hoe groot de gevolgen zijn."),
    ({"impact": "enorm"}, "Ongeldige keuze."),
    ({"description": "Twee\nregels"}, "Dit veld mag maar één regel bevatten."),
    ({"description": "x" * 301}, "300"),
])
def test_a_risk_without_its_essentials_is_refused_on_the_form(team, clients, data, message):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    fields = {"description": "Leverancier te laat", "likelihood": "high", "impact": "high",
              **data}
    response = add(clients[Role.PROJECT_LEADER], team, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored() == []


def test_the_owner_of_a_risk_is_a_member_of_the_team(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    response = add(clients[Role.PROJECT_LEADER], team, "Leverancier te laat",
                   owner=team.outsider.id)
    assert response.status_code == 422
    assert stored() == []
    # The rule itself, for callers without the form's choices (the demo, a script).
    values = {"description": "Leverancier te laat", "likelihood": "high", "impact": "high",
              "measure": "", "owner_id": team.outsider.id}
    with pytest.raises(WorkflowError, match="lid zijn van het team"):
        risks.add_risk(team.project, team[Role.PROJECT_LEADER], values)
    risk = risks.add_risk(team.project, team[Role.PROJECT_LEADER],
                          {**values, "owner_id": team[Role.TEAM_MANAGER].id})
    with pytest.raises(WorkflowError, match="lid zijn van het team"):
        risks.update_risk(risk, team.project, team[Role.PROJECT_LEADER],
                          expected_version=risk.version, values=values)


def test_only_the_plans_editors_keep_the_register(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    for role in (Role.SPONSOR, Role.PRIVACY_OFFICER, Role.TEAM_MANAGER):
        assert add(clients[role], team, "Leverancier te laat").status_code == 403
    assert stored() == []
    page = clients[Role.SPONSOR].get(f"{base(team)}/plan/risks").get_data(as_text=True)
    assert "Risico toevoegen" not in page


def test_the_register_closes_with_the_plan_and_says_why(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    assert add(clients[Role.PROJECT_LEADER], team, "Leverancier te laat").status_code == 303
    put_in_step(team, Step.IMPLEMENTATION_PLAN)
    response = add(clients[Role.PROJECT_LEADER], team, "Nog een")
    assert response.status_code == 409
    assert "stap 8 is afgerond" in response.get_data(as_text=True)
    risk = db.session.scalars(db.select(PlanRisk)).one()
    delete = clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/risks/{risk.id}/delete")
    assert delete.status_code == 409
    edit = clients[Role.PROJECT_LEADER].post(f"{base(team)}/plan/risks/{risk.id}/edit", data={
        "description": "Anders", "likelihood": "low", "impact": "low", "measure": "",
        "owner_id": "", "version": risk.version})
    assert edit.status_code == 409
    assert "stap 8 is afgerond" in edit.get_data(as_text=True)
    assert stored() == [("Leverancier te laat", "medium", "medium")]


def test_a_change_on_a_stale_form_is_refused_and_the_other_change_kept(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    leader, advisor = clients[Role.PROJECT_LEADER], clients[Role.PROCESS_ADVISOR]
    assert add(leader, team, "Leverancier te laat").status_code == 303
    risk = db.session.scalars(db.select(PlanRisk)).one()
    url = f"{base(team)}/plan/risks/{risk.id}/edit"
    seen = risk.version
    change = {"description": "Leverancier te laat", "likelihood": "high", "impact": "high",
              "measure": "", "owner_id": "", "version": seen}
    assert advisor.post(url, data=change).status_code == 303
    stale = leader.post(url, data={**change, "likelihood": "low"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert stored() == [("Leverancier te laat", "high", "high")]


def test_removing_a_risk_leaves_a_trace(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    leader = clients[Role.PROJECT_LEADER]
    assert add(leader, team, "Leverancier te laat").status_code == 303
    risk = db.session.scalars(db.select(PlanRisk)).one()
    url = f"{base(team)}/plan/risks/{risk.id}/delete"
    assert "Leverancier te laat" in leader.get(url).get_data(as_text=True)
    assert leader.post(url).status_code == 303
    assert stored() == []
    trace = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "risk.delete")).one()
    assert trace.before["description"] == "Leverancier te laat"


def test_a_frozen_version_keeps_the_register_as_it_was_sent(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    owner = team[Role.PROCESS_OWNER]
    assert add(clients[Role.PROJECT_LEADER], team, "Leverancier te laat", "high", "medium",
               measure="Contract", owner=owner.id).status_code == 303
    send_plan(team, clients)
    assert add(clients[Role.PROJECT_LEADER], team, "Na het versturen").status_code == 303
    version = db.session.scalars(db.select(PlanVersion)).one()
    # The owner by number, as a frozen version refers to people (anonymisation keeps it clean).
    assert version.snapshot["risks"] == [{
        "description": "Leverancier te laat", "likelihood": "high", "impact": "medium",
        "measure": "Contract", "owner_id": owner.id}]
    assert plans.version_changes(version.snapshot, version.snapshot).risks_changed is False


def test_a_plan_without_a_register_keeps_its_fingerprint(team, clients):
    """Versions frozen before the register existed are not reported as changed."""
    send_plan(team, clients)
    version = db.session.scalars(db.select(PlanVersion)).one()
    assert "risks" not in version.snapshot
    assert not plans.plan_state(team.project).draft_changed


def test_a_new_risk_changes_the_draft_and_the_history_says_so(team, clients):
    send_plan(team, clients)
    put_in_step(team, Step.ADJUST)
    assert add(clients[Role.PROJECT_LEADER], team, "Leverancier te laat").status_code == 303
    assert plans.plan_state(team.project).draft_changed
    before = db.session.scalars(db.select(PlanVersion)).one().snapshot
    changes = plans.version_changes(before, plans.current_snapshot(team.project))
    assert changes.risks == (0, 1) and changes.risks_changed and changes


def _register(client, team: Team) -> None:
    for description, likelihood, impact in (("Klein risico", "low", "low"),
                                            ("Grootste risico", "high", "high"),
                                            ("Middelgroot risico", "medium", "medium"),
                                            ("Tweede risico", "high", "medium")):
        owner = team[Role.PROCESS_OWNER].id if description == "Grootste risico" else ""
        assert add(client, team, description, likelihood, impact, owner=owner,
                   measure=f"Maatregel bij {description.lower()}").status_code == 303


def test_the_board_reads_the_three_largest_risks_in_the_summary_and_all_in_the_plan(
        team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    _register(clients[Role.PROJECT_LEADER], team)
    send_plan(team, clients)
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx"))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Risico"]
    summary, register = tables
    assert [r.cells[0].text for r in summary.rows[1:]] == [
        "Grootste risico", "Tweede risico", "Middelgroot risico"]
    assert [c.text for c in summary.rows[1].cells] == [
        "Grootste risico", "Groot", "Groot", "Maatregel bij grootste risico",
        team[Role.PROCESS_OWNER].name]
    assert summary.rows[2].cells[4].text == "nog niet gekozen"
    assert len(register.rows) == 5
    said = "\n".join(p.text for p in document.paragraphs)
    assert "De andere 1 staan in hoofdstuk Risico's en voorwaarden." in said


def test_the_implementation_plan_carries_the_measures_of_the_approved_plan(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    _register(clients[Role.PROJECT_LEADER], team)
    approved_plan(team, clients)
    put_in_step(team, Step.IMPLEMENTATION_PLAN)
    document = open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/implementation-plan.docx"))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Risico")
    assert [r.cells[3].text for r in table.rows[1:]][:2] == [
        "Maatregel bij grootste risico", "Maatregel bij tweede risico"]


def test_the_history_tells_a_risks_change_in_words(team, clients):
    put_in_step(team, Step.IMPROVEMENT_PLAN)
    leader = clients[Role.PROJECT_LEADER]
    assert add(leader, team, "Leverancier te laat", "medium", "high").status_code == 303
    risk = db.session.scalars(db.select(PlanRisk)).one()
    assert leader.post(f"{base(team)}/plan/risks/{risk.id}/edit", data={
        "description": "Leverancier te laat", "likelihood": "high", "impact": "high",
        "measure": "Boete in het contract", "owner_id": "", "version": risk.version,
    }).status_code == 303
    body = html.unescape(clients[Role.SPONSOR].get(f"{base(team)}/history").get_data(
        as_text=True))
    assert "Risico toegevoegd" in body and "Risico gewijzigd" in body
    assert "Kans" in body and "Middel" in body and "Groot" in body
    assert "Maatregel" in body and "Boete in het contract" in body
    for raw in ("likelihood", "medium", "plan_risk"):
        assert raw not in body, raw
