"""Step 5: the service formula, the comparison per P, and the gate on closing the step."""

from __future__ import annotations

import pytest
from conftest import END_ALL, Team

from wasstraat.extensions import db
from wasstraat.models import FormulaComparison, Project, ServiceFormula
from wasstraat.workflow import SERVICE_PS, Role, Step


@pytest.fixture
def team(create_project) -> Team:
    from wasstraat.steps import services as steps

    team = create_project()
    for step in (Step.TEAM, Step.KPIS, Step.PROCESS, Step.JOURNEY):
        team.project.step_state(step).status = "done"
    steps.start_step(team.project, Step.SERVICE_FORMULA, team[Role.PROJECT_LEADER])
    db.session.commit()
    return team


def flits() -> ServiceFormula:
    return db.session.scalars(db.select(ServiceFormula).where(
        ServiceFormula.name == "Flitsformule")).one()


def compare(client, team, p: str, match: str = "differs", practice: str = "Zo gaat het nu",
            **extra):
    data = {f"{p}-current_practice": practice, f"{p}-match": match}
    data.update({f"{p}-{k}": v for k, v in extra.items()})
    return client.post(f"/projects/{team.project.id}/formula/compare", data=data)


def test_the_typical_formulas_come_with_the_installation(app):
    names = set(db.session.scalars(db.select(ServiceFormula.name)))
    assert {"Flitsformule", "Wegwijsformule", "Handhaafformule"} <= names
    assert "eenvoudig, snel, standaard en direct duidelijk" in flits().certainties.lower()


def test_an_administrator_keeps_the_list_of_formulas(login_as, create_user):
    admin = login_as(create_user(admin=True))
    response = admin.post("/admin/formulas/new", data={
        "name": "Ontwerpformule (Omgevingswet)", "description": "Complexe initiatieven",
        "certainties": "Meedenken vanaf het begin", "active": "y"})
    assert response.status_code == 303
    duplicate = admin.post("/admin/formulas/new", data={"name": "flitsformule"})
    assert duplicate.status_code == 422
    assert "Er is al een serviceformule met deze naam." in duplicate.get_data(as_text=True)
    formula = flits()
    response = admin.post(f"/admin/formulas/{formula.id}/edit", data={
        "name": "Flitsformule", "description": formula.description,
        "certainties": formula.certainties, "version": formula.version})  # active unticked
    assert response.status_code == 303
    assert flits().active is False
    assert "niet meer in gebruik" in admin.get("/admin/formulas").get_data(as_text=True)


def test_the_team_picks_a_formula_and_compares_each_p(team, login_as):
    leader, expert = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SUBJECT_EXPERT])
    close = f"/projects/{team.project.id}/steps/5/close"
    refused = leader.post(close, data=END_ALL)
    assert refused.status_code == 409
    assert "nog geen serviceformule gekozen" in refused.get_data(as_text=True)

    assert compare(expert, team, "price").status_code == 409  # first the formula
    assert leader.post(f"/projects/{team.project.id}/formula/choose",
                       data={"formula_id": flits().id}).status_code == 303
    assert db.session.get(Project, team.project.id).service_formula_id == flits().id
    assert compare(expert, team, "price", promise="Gratis binnen een week",
                   internal_agreement="Geen leges bij digitale aanvraag").status_code == 303
    refused = leader.post(close, data=END_ALL)
    assert "Nog niet vergeleken: Product, Plaats, Personeel, Proces, Promotie." in refused.get_data(
        as_text=True)
    for p in SERVICE_PS:
        if p.key != "price":
            assert compare(expert, team, p.key, match="matches").status_code == 303
    page = expert.get(f"/projects/{team.project.id}/formula").get_data(as_text=True)
    assert "Gratis binnen een week" in page and "Wijkt af" in page
    assert leader.post(close, data=END_ALL).status_code == 303


def test_the_six_ps_are_filled_in_on_one_form_and_saved_together_or_not_at_all(
        team, login_as):
    leader, expert = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SUBJECT_EXPERT])
    leader.post(f"/projects/{team.project.id}/formula/choose", data={"formula_id": flits().id})
    url = f"/projects/{team.project.id}/formula/compare"
    page = expert.get(f"/projects/{team.project.id}/formula").get_data(as_text=True)
    assert page.count(f'action="{url}"') == 1 and page.count("Vergelijking opslaan") == 1
    assert all(f'name="{p.key}-current_practice"' in page for p in SERVICE_PS)
    # One P half done: nothing is saved, and the page says which P and what is missing.
    refused = expert.post(url, data={"price-current_practice": "Leges per post",
                                     "price-match": "differs",
                                     "place-current_practice": "Alleen aan de balie"})
    assert refused.status_code == 422
    assert "Kies of de praktijk overeenkomt" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(FormulaComparison)) == 0
    assert expert.post(url, data={}).status_code == 422  # nothing filled in
    # Three P's in one go; the three left empty stay as they were.
    data = {f"{p}-current_practice": f"Praktijk {p}" for p in ("price", "place", "people")}
    data.update({"price-match": "differs", "place-match": "partly", "people-match": "matches"})
    assert expert.post(url, data=data).status_code == 303
    saved = dict(db.session.execute(db.select(FormulaComparison.p, FormulaComparison.match)).all())
    assert saved == {"price": "differs", "place": "partly", "people": "matches"}
    # Saved again with the versions the page shows: the rows change, not duplicate.
    rows = {r.p: r for r in db.session.scalars(db.select(FormulaComparison))}
    data.update({f"{p}-version": str(rows[p].version) for p in rows})
    data["people-current_practice"] = "Nu met een vast team"
    assert expert.post(url, data=data).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(FormulaComparison)) == 3
    assert db.session.scalars(db.select(FormulaComparison.current_practice).where(
        FormulaComparison.p == "people")).one() == "Nu met een vast team"


def test_a_p_that_differs_invites_an_improvement_linked_to_it(team, login_as):
    leader, expert = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SUBJECT_EXPERT])
    leader.post(f"/projects/{team.project.id}/formula/choose", data={"formula_id": flits().id})
    compare(expert, team, "place", match="partly", practice="Alleen aan de balie")
    compare(expert, team, "people", match="matches")
    row = db.session.scalars(db.select(FormulaComparison).where(
        FormulaComparison.p == "place")).one()
    page = expert.get(f"/projects/{team.project.id}/formula").get_data(as_text=True)
    assert f"source=formula_p&amp;source_id={row.id}" in page
    assert page.count("source=formula_p") == 1  # not for the P that matches
    response = expert.post(f"/projects/{team.project.id}/improvements/new",
                           query_string={"source": "formula_p", "source_id": row.id},
                           data={"title": "Online aanvragen mogelijk maken",
                                 "proposer_id": team[Role.SUBJECT_EXPERT].id})
    assert response.status_code == 303
    listing = expert.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "Serviceformule, P Plaats" in listing and f"#comparison-{row.id}" in listing


@pytest.mark.parametrize(("data", "message"), [
    ({"price-current_practice": "", "price-match": "differs"}, "Dit veld is verplicht."),
    ({"price-current_practice": "x", "price-match": "perhaps"}, "Ongeldige keuze"),
    ({"price-current_practice": "x"}, "Kies of de praktijk overeenkomt"),
    ({"price-current_practice": "x" * 2001, "price-match": "differs"}, "2000"),
])
def test_bad_comparison_input_stores_nothing(team, login_as, data, message):
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/formula/choose", data={"formula_id": flits().id})
    response = leader.post(f"/projects/{team.project.id}/formula/compare", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(FormulaComparison)) == 0


def test_an_unknown_p_or_inactive_formula_is_refused(team, login_as):
    leader = login_as(team[Role.PROJECT_LEADER])
    unknown = leader.post(f"/projects/{team.project.id}/formula/compare",
                          data={"pizza-current_practice": "x"})  # no such P: nothing given
    assert unknown.status_code == 422
    assert "Vul bij minstens één P" in unknown.get_data(as_text=True)
    formula = flits()
    formula.active = False
    db.session.commit()
    response = leader.post(f"/projects/{team.project.id}/formula/choose",
                           data={"formula_id": formula.id})
    assert response.status_code == 422
    assert db.session.get(Project, team.project.id).service_formula_id is None


def test_two_people_comparing_the_same_p_the_second_gets_a_conflict(team, login_as):
    leader, expert = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.SUBJECT_EXPERT])
    leader.post(f"/projects/{team.project.id}/formula/choose", data={"formula_id": flits().id})
    compare(expert, team, "price", practice="Eerste versie")
    row = db.session.scalars(db.select(FormulaComparison)).one()
    version = row.version
    assert compare(expert, team, "price", practice="Versie van de expert",
                   version=version).status_code == 303
    stale = compare(leader, team, "price", practice="Versie van de leider", version=version)
    assert stale.status_code == 409
    assert db.session.scalars(db.select(FormulaComparison)).one().current_practice == (
        "Versie van de expert")
    # A second "first save" of the same P is refused too, instead of overwriting.
    again = compare(leader, team, "price", practice="Nog een eerste versie")
    assert again.status_code == 409
