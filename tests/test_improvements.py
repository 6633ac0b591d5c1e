"""Improvements captured where they arise, traceable to their source, and look-alikes shown."""

from __future__ import annotations

import pytest
from conftest import Team

from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.improvements import services
from wasstraat.improvements.sources import resolve
from wasstraat.models import Improvement, Kpi
from wasstraat.workflow import Role


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture
def kpi(team) -> Kpi:
    row = Kpi(project_id=team.project.id, name="Doorlooptijd", unit="dagen", direction="lower")
    db.session.add(row)
    db.session.commit()
    return row


def improvements(team: Team) -> list[Improvement]:
    return list(db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == team.project.id).order_by(Improvement.id)))


def add(client, team, source: str, source_id: int, title: str, **extra):
    return client.post(f"/projects/{team.project.id}/improvements/new",
                       query_string={"source": source, "source_id": source_id},
                       data={"title": title, "description": "", **extra})


def test_an_improvement_from_a_kpi_keeps_its_source_everywhere(team, kpi, login_as):
    expert = login_as(team[Role.SUBJECT_EXPERT])
    response = add(expert, team, "kpi", kpi.id, "Automatische kentekencheck",
                   proposer_id=team[Role.SUBJECT_EXPERT].id)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/projects/{team.project.id}/kpis"
    improvement = improvements(team)[0]
    assert (improvement.source_type, improvement.source_id, improvement.step) == ("kpi", kpi.id, 2)
    assert improvement.proposer_id == team[Role.SUBJECT_EXPERT].id
    listing = login_as(team[Role.SPONSOR]).get(f"/projects/{team.project.id}/improvements")
    body = listing.get_data(as_text=True)
    assert "Automatische kentekencheck" in body
    assert "KPI: Doorlooptijd" in body and f'href="/projects/{team.project.id}/kpis"' in body


def test_an_improvement_noted_on_a_step_page(team, login_as):
    owner = login_as(team[Role.PROCESS_OWNER])
    page = owner.get(f"/projects/{team.project.id}/steps/3").get_data(as_text=True)
    assert "Verbeteridee noteren" in page
    assert add(owner, team, "step", 3, "Statusbericht per e-mail",
               proposer_id=team[Role.PROCESS_OWNER].id).status_code == 303
    assert improvements(team)[0].step == 3
    listing = owner.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "Stap 3: Proces in kaart brengen" in listing


@pytest.mark.parametrize("query", [
    {"source": "kpi", "source_id": 999},
    {"source": "step", "source_id": 11},
    {"source": "telepathy", "source_id": 1},
    {},
])
def test_an_improvement_needs_a_real_source_in_this_project(team, login_as, query):
    client = login_as(team[Role.SUBJECT_EXPERT])
    response = client.post(f"/projects/{team.project.id}/improvements/new", query_string=query,
                           data={"title": "Iets", "proposer_id": team[Role.SUBJECT_EXPERT].id})
    assert response.status_code == 404
    assert improvements(team) == []


def test_a_kpi_of_another_project_is_no_source(team, create_project, login_as):
    other = create_project("Ander traject")
    foreign = Kpi(project_id=other.project.id, name="Geheim", unit="x", direction="lower")
    db.session.add(foreign)
    db.session.commit()
    client = login_as(team[Role.SUBJECT_EXPERT])
    assert add(client, team, "kpi", foreign.id, "Iets").status_code == 404


def test_bad_improvement_input_is_refused_with_a_message(team, login_as):
    client = login_as(team[Role.SUBJECT_EXPERT])
    empty = add(client, team, "step", 2, "  ", proposer_id=team[Role.SUBJECT_EXPERT].id)
    assert empty.status_code == 422 and "Dit veld is verplicht." in empty.get_data(as_text=True)
    outsider = add(client, team, "step", 2, "Iets", proposer_id=team.outsider.id)
    assert outsider.status_code == 422 and "Ongeldige keuze" in outsider.get_data(as_text=True)
    assert improvements(team) == []


def test_the_list_filters_by_source_and_step(team, kpi, login_as):
    client = login_as(team[Role.PROJECT_LEADER])
    me = team[Role.PROJECT_LEADER].id
    add(client, team, "kpi", kpi.id, "Uit de KPI", proposer_id=me)
    add(client, team, "step", 3, "Uit stap drie", proposer_id=me)
    add(client, team, "step", 1, "Uit stap een", proposer_id=me)
    base = f"/projects/{team.project.id}/improvements"
    by_source = client.get(base, query_string={"source": "kpi"}).get_data(as_text=True)
    assert "Uit de KPI" in by_source and "Uit stap drie" not in by_source
    by_step = client.get(base, query_string={"step": 3}).get_data(as_text=True)
    assert "Uit stap drie" in by_step and "Uit stap een" not in by_step and "Uit de KPI" not in by_step
    nonsense = client.get(base, query_string={"step": "x", "source": "<b>"})
    assert nonsense.status_code == 200 and nonsense.get_data(as_text=True).count('class="plain-list__item improvement"') == 3


def test_look_alike_titles_are_suggested_from_visible_projects_only(team, create_project,
                                                                    login_as):
    other = create_project("Verhuizing doorgeven")
    hidden = create_project("Geheim traject")
    member = team[Role.SUBJECT_EXPERT]
    # The subject expert also works in the other project, not in the hidden one.
    from wasstraat.projects import services as projects

    projects.add_member(other.project, other[Role.PROJECT_LEADER], member, {Role.SUBJECT_EXPERT})
    db.session.commit()
    for target, title in ((team, "Statusbericht per e-mail na aanvraag"),
                          (other, "Statusbericht sturen per sms"),
                          (hidden, "Statusbericht per brief")):
        add(login_as(target[Role.PROJECT_LEADER]), target, "step", 1, title,
            proposer_id=target[Role.PROJECT_LEADER].id)
    client = login_as(member)
    response = client.get(f"/projects/{team.project.id}/improvements/similar",
                          query_string={"title": "statusberichten per e-mail"},
                          headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "Statusbericht per e-mail na aanvraag" in body and "dit traject" in body
    assert "Statusbericht sturen per sms" in body and "Verhuizing doorgeven" in body
    assert "Statusbericht per brief" not in body and "Geheim traject" not in body
    nothing = client.get(f"/projects/{team.project.id}/improvements/similar",
                         query_string={"title": "de"}).get_data(as_text=True)
    assert "Lijkt op" not in nothing


def test_the_author_edits_and_a_stale_edit_gets_a_conflict(team, login_as):
    author = login_as(team[Role.SPONSOR])
    add(author, team, "step", 1, "Eerste versie", proposer_id=team[Role.SPONSOR].id)
    improvement = improvements(team)[0]
    improvement_id, version = improvement.id, improvement.version
    path = f"/projects/{team.project.id}/improvements/{improvement_id}/edit"
    leader = login_as(team[Role.PROJECT_LEADER])
    assert author.post(path, data={"title": "Tweede versie", "description": "",
                                   "proposer_id": team[Role.SPONSOR].id,
                                   "version": version}).status_code == 303
    stale = leader.post(path, data={"title": "Versie van de leider", "description": "",
                                    "proposer_id": team[Role.SPONSOR].id, "version": version})
    assert stale.status_code == 409
    assert "Tweede versie" in stale.get_data(as_text=True)
    assert improvements(team)[0].title == "Tweede versie"


def test_improvement_text_is_escaped(team, login_as):
    client = login_as(team[Role.SPONSOR])
    add(client, team, "step", 1, "<script>alert(1)</script>", proposer_id=team[Role.SPONSOR].id)
    body = client.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_an_improvement_in_a_frozen_plan_version_cannot_be_deleted(team, login_as):
    from wasstraat.improvements import services
    from wasstraat.improvements.sources import resolve
    from wasstraat.models import StepState
    from wasstraat.plans import services as plans
    from wasstraat.workflow import Step, StepStatus

    leader = team[Role.PROJECT_LEADER]
    db.session.scalars(db.select(StepState).where(
        StepState.project_id == team.project.id,
        StepState.step == Step.IMPROVEMENT_PLAN)).one().status = StepStatus.IN_PROGRESS.value
    kept = services.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                    title="Statusbericht per e-mail", description="",
                                    proposer_id=None)
    kept.decision, kept.horizon = "in_plan", "quick_win"
    db.session.flush()
    plans.send_for_review(team.project, leader)
    loose = services.add_improvement(team.project, leader, resolve(team.project, "step", 6),
                                     title="Later idee", description="", proposer_id=None)
    db.session.commit()
    kept_id, loose_id = kept.id, loose.id
    client = login_as(leader)
    base = f"/projects/{team.project.id}/improvements"

    asked = client.get(f"{base}/{kept_id}/delete").get_data(as_text=True)
    assert "staat in versie 1 van het verbeterplan" in asked
    assert f'action="{base}/{kept_id}/delete"' not in asked  # no button to delete it anyway
    refused = client.post(f"{base}/{kept_id}/delete")
    assert refused.status_code == 409
    assert "niet wordt opgepakt" in refused.get_data(as_text=True)
    assert db.session.get(Improvement, kept_id) is not None
    assert "In versie 1 van het verbeterplan" in client.get(base).get_data(as_text=True)

    assert f'action="{base}/{loose_id}/delete"' in client.get(
        f"{base}/{loose_id}/delete").get_data(as_text=True)
    assert client.post(f"{base}/{loose_id}/delete").status_code == 303
    assert db.session.get(Improvement, loose_id) is None


def test_a_line_break_typed_in_the_browser_is_stored_as_a_plain_one(team, login_as):
    client = login_as(team[Role.PROJECT_LEADER])
    response = add(client, team, "step", 1, "Twee regels",
                   description="Eerste regel\r\nTweede regel\rDerde",
                   proposer_id=team[Role.PROJECT_LEADER].id)
    assert response.status_code == 303
    stored = db.session.scalars(db.select(Improvement.description)).one()
    assert stored == "Eerste regel\nTweede regel\nDerde"


def test_the_proposer_of_an_improvement_is_on_the_team_whoever_records_it(team):
    with pytest.raises(InvalidInput, match="indiener moet in het team zitten"):
        services.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                 resolve(team.project, "step", 1), title="Sneller",
                                 description="", proposer_id=team.outsider.id)
