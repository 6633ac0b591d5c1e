"""Templates per process type (issue 36): saved from a project by an administrator or a
coordinator, versioned; a new project starts from a version and keeps it when the template
changes; a requirement at a step blocks that step's close; the JSON document travels between
two databases, checked before it is imported."""

from __future__ import annotations

import html
import io
import json
import shutil

import pytest
from conftest import BACKEND, PASSWORD, WITHOUT_SECOND_FACTOR, Team, _migrate, login, put_in_step

from wasstraat import create_app, duties
from wasstraat.auth import services as accounts
from wasstraat.errors import InvalidInput
from wasstraat.extensions import db
from wasstraat.models import (
    Improvement,
    Kpi,
    OrganisationSettings,
    ProcessStep,
    Project,
    ProjectRequirement,
    TemplateVersion,
    User,
)
from wasstraat.project_templates import requirements
from wasstraat.project_templates import services as templates
from wasstraat.workflow import Decision, OrgFunction, Requirement, Role, Step


def process_kinds(*kinds: str) -> None:
    settings = duties.settings()  # the defaults, until an administrator saved them
    db.session.add(settings)
    settings.process_kinds = list(kinds)
    db.session.commit()


@pytest.fixture
def source(create_project) -> Team:
    team = create_project()
    put_in_step(team.project, Step.PROCESS)
    project = team.project
    db.session.add_all([
        Kpi(project_id=project.id, name="Doorlooptijd", unit="dagen", direction="lower",
            baseline_value=21.0),
        ProcessStep(project_id=project.id, variant="current", position=1,
                    activity="Aanvraag ontvangen", wastes=["waiting"]),
        Improvement(project_id=project.id, title="Kenteken automatisch controleren",
                    step=Step.PROCESS, source_type="step", source_id=3,
                    proposer_id=team[Role.SUBJECT_EXPERT].id, decision=Decision.IN_PLAN)])
    process_kinds("Vergunning", "Melding")
    return team


@pytest.fixture
def coordinator(source) -> User:
    """A coordinator in the source project's team (who may see it)."""
    person = source[Role.PROCESS_ADVISOR]
    person.functions = [OrgFunction.COORDINATOR.value]
    db.session.commit()
    return person


def save_template(client, project: Project, **extra) -> TemplateVersion:
    response = client.post(f"/projects/{project.id}/template", data={
        "name": "Vergunning standaard", "process_kind": "Vergunning",
        "parts": ["kpis", "process", "improvements"],
        "requirement_kpi_baselines": "3", **extra})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return db.session.scalars(db.select(TemplateVersion).order_by(
        TemplateVersion.id.desc())).first()


def new_project(client, version: TemplateVersion, name: str) -> Project:
    response = client.post("/projects/new", data={
        "name": name, "product": "Parkeervergunning", "process_type": "primary",
        "template_version": version.id})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return db.session.scalar(db.select(Project).where(Project.name == name))


def test_a_coordinator_saves_a_template_and_a_new_project_starts_from_it(
        source, coordinator, login_as, create_user):
    client = login_as(coordinator)
    assert "Opslaan als sjabloon" in client.get(f"/projects/{source.project.id}").get_data(
        as_text=True)
    version = save_template(client, source.project)
    assert (version.number, version.template.process_kind) == (1, "Vergunning")
    assert version.requirements == [{"requirement": "kpi_baselines", "step": 3}]
    stored = json.dumps([version.content, version.requirements])
    for person in source.members.values():  # no one of the team, by id, name or address
        assert person.name not in stored and person.email not in stored
    assert "proposer" not in stored and "_id" not in stored
    leader = create_user("Nieuwe projectleider")
    starter = login_as(leader)
    form = starter.get("/projects/new").get_data(as_text=True)
    assert "Vergunning: Vergunning standaard (versie 1)" in form
    project = new_project(starter, version, "Parkeren 2027")
    assert project.template_version_id == version.id
    [kpi] = db.session.scalars(db.select(Kpi).where(Kpi.project_id == project.id)).all()
    assert kpi.name == "Doorlooptijd" and kpi.baseline_value is None
    [idea] = db.session.scalars(db.select(Improvement).where(
        Improvement.project_id == project.id)).all()
    assert idea.source_type == "template" and idea.decision is Decision.OPEN
    [requirement] = db.session.scalars(db.select(ProjectRequirement).where(
        ProjectRequirement.project_id == project.id)).all()
    assert (requirement.requirement, requirement.step) == (Requirement.KPI_BASELINES,
                                                          Step.PROCESS)
    page = starter.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Begonnen met het sjabloon" in page and "Vergunning standaard, versie 1" in page


def test_only_an_administrator_or_coordinator_keeps_templates(source, login_as):
    client = login_as(source[Role.PROJECT_LEADER])
    assert client.get(f"/projects/{source.project.id}/template").status_code == 403
    assert client.get("/templates").status_code == 403
    assert client.get("/templates/import").status_code == 403


def test_a_template_edit_leaves_a_running_project_unchanged(source, coordinator, login_as):
    client = login_as(coordinator)
    first = save_template(client, source.project)
    project = new_project(login_as(source[Role.PROJECT_LEADER]), first, "Parkeren 2027")
    db.session.add(Kpi(project_id=source.project.id, name="Klanttevredenheid", unit="cijfer",
                       direction="higher"))
    db.session.commit()
    second = save_template(client, source.project, requirement_kpi_baselines="",
                           requirement_kpi_targets="2")
    assert (second.template_id, second.number) == (first.template_id, 2)
    db.session.expire_all()
    assert db.session.get(Project, project.id).template_version_id == first.id
    assert [k.name for k in db.session.scalars(db.select(Kpi).where(
        Kpi.project_id == project.id))] == ["Doorlooptijd"]
    assert [r.requirement for r in db.session.scalars(db.select(ProjectRequirement).where(
        ProjectRequirement.project_id == project.id))] == [Requirement.KPI_BASELINES]
    assert len(db.session.get(TemplateVersion, first.id).content["kpis"]) == 1


def test_a_requirement_of_the_template_blocks_its_step_until_it_is_met(
        source, coordinator, login_as):
    version = save_template(login_as(coordinator), source.project)
    leader = source[Role.PROJECT_LEADER]
    client = login_as(leader)
    project = new_project(client, version, "Parkeren 2027")
    put_in_step(project, Step.PROCESS)
    sentence = "Het sjabloon van dit traject vraagt vóór het afronden van deze stap: elke KPI"
    refused = client.post(f"/projects/{project.id}/steps/3/close")
    assert refused.status_code == 409 and sentence in refused.get_data(as_text=True)
    assert requirements.problems(project, Step.KPIS) == []  # it belongs to step 3 only
    for kpi in db.session.scalars(db.select(Kpi).where(Kpi.project_id == project.id)):
        kpi.baseline_value = 20.0
    db.session.commit()
    assert sentence not in client.post(f"/projects/{project.id}/steps/3/close").get_data(
        as_text=True)


def other_database(database_template: str, tmp_path) -> str:
    """A second, empty database of the same schema (another municipality)."""
    path = tmp_path / "other.sqlite"
    if BACKEND == "postgresql":
        _migrate(f"sqlite:///{path}")
    else:
        shutil.copy(database_template, path)
    return f"sqlite:///{path}"


def test_a_template_travels_as_json_to_another_municipality(
        source, coordinator, login_as, database_template, tmp_path):
    version = save_template(login_as(coordinator), source.project)
    exported = login_as(coordinator).get(f"/templates/versions/{version.id}.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    document = exported.get_data()
    other = create_app({"SQLALCHEMY_DATABASE_URI": other_database(database_template, tmp_path),
                        "WTF_CSRF_ENABLED": False, **WITHOUT_SECOND_FACTOR})
    with other.app_context():
        admin = accounts.create_user("beheer@andere.example", "Beheerder", PASSWORD,
                                     is_admin=True, enforce_policy=False)
        db.session.add(OrganisationSettings(project_creators="everyone",
                                            process_kinds=["Vergunning"]))
        db.session.commit()
        client = other.test_client()
        login(client, admin)
        preview = client.post("/templates/import", data={
            "file": (io.BytesIO(document), "sjabloon.json")},
            content_type="multipart/form-data")
        assert preview.status_code == 200
        page = preview.get_data(as_text=True)
        assert "Vergunning standaard (Vergunning)" in page
        assert db.session.scalar(db.select(db.func.count()).select_from(TemplateVersion)) == 0
        kept = page.split('name="document" type="hidden" value="')[1].split('"')[0]
        response = client.post("/templates/import", data={"document": html.unescape(kept)})
        assert response.status_code == 303
        [arrived] = db.session.scalars(db.select(TemplateVersion)).all()
        assert templates.document(arrived)["content"] == json.loads(document)["content"]
        assert arrived.requirements == [{"requirement": "kpi_baselines", "step": 3}]
        db.engine.dispose()


@pytest.mark.parametrize(("document", "reason"), [
    (b"\xff\xfe niet eens tekst", "geen JSON-bestand"),
    (b'{"schema": "wasstraat-template/99"}', "formaat wasstraat-template/1"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Onbekend",
                 "content": {}, "requirements": []}).encode(), "staat niet in de lijst"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {"people": []}, "requirements": []}).encode(), "niet kent"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {"kpis": [{"name": "K", "unit": "u", "direction": "omhoog"}]},
                 "requirements": []}).encode(), "KPI 1: de richting"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {"process": [{"activity": "A", "wastes": ["luiheid"]}]},
                 "requirements": []}).encode(), "onbekende verspilling"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {"improvements": [{"title": "T", "proposer_id": 7}]},
                 "requirements": []}).encode(), "velden die Wasstraat niet kent"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {"journey": [{"name": "x" * 500}]},
                 "requirements": []}).encode(), "te lang"),
    (json.dumps({"schema": "wasstraat-template/1", "name": "X", "process_kind": "Vergunning",
                 "content": {}, "requirements": [{"requirement": "kpi_baselines",
                                                  "step": 11}]}).encode(), "stap van 1 tot 10"),
])
def test_a_wrong_template_document_is_refused_with_the_reason(source, coordinator, login_as,
                                                              document, reason):
    client = login_as(coordinator)
    response = client.post("/templates/import", data={
        "file": (io.BytesIO(document), "sjabloon.json")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    # Sent again as the kept document, it is checked again, not trusted.
    again = client.post("/templates/import", data={"document": document.decode("utf-8", "replace")})
    assert again.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(TemplateVersion)) == 0


def test_a_template_needs_a_kind_of_the_organisation_and_a_name(source, coordinator):
    for name, kind in (("Vergunning", "Onbekend"), ("  ", "Vergunning"), ("x" * 121, "Melding")):
        with pytest.raises(InvalidInput):
            templates.add_version(coordinator, name=name, process_kind=kind, content={},
                                  requirements=[])


def test_a_requirement_on_kpis_is_not_met_by_having_none(source, coordinator, login_as):
    """"Every KPI has a baseline" asks for KPIs: a project without any is not done."""
    version = templates.add_version(
        coordinator, name="Zonder KPI's", process_kind="Melding", content={},
        requirements=[{"requirement": "kpi_targets", "step": 2}])
    db.session.commit()
    project = new_project(login_as(source[Role.PROJECT_LEADER]), version, "Melding 2027")
    [problem] = requirements.problems(project, Step.KPIS)
    assert "elke KPI heeft een streefwaarde" in problem


def test_the_new_project_page_reads_the_templates_in_fixed_queries(
        source, coordinator, login_as, count_queries):
    client = login_as(source[Role.PROJECT_LEADER])

    def add(names):
        for name in names:
            templates.add_version(coordinator, name=name, process_kind="Melding", content={},
                                  requirements=[])
        db.session.commit()

    add(["Eerste"])
    client.get("/projects/new")
    few = count_queries(lambda: client.get("/projects/new"))
    add(["Tweede", "Derde", "Vierde", "Eerste"])  # "Eerste" gets a second version
    assert count_queries(lambda: client.get("/projects/new")) == few
    page = client.get("/projects/new").get_data(as_text=True)
    assert "Melding: Eerste (versie 2)" in page and "Eerste (versie 1)" not in page
