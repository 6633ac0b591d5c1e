"""The project as a zaak in Open Zaak (issue 35). Open Zaak is played by Prism serving its own
published OpenAPI documents in validating mode (tests/zgw_mock.py): every request Wasstraat
makes must match the contract, or the test fails.

A project becomes a zaak when it starts; every closed step sets a status; the approved plans
and the A3 go up as PDF/A (large ones in parts); the plan's approval is a besluit; closing sets
the result, and Open Zaak's derived archive date shows on the project. Nothing is written
while no connection is configured; a failure mid-way and a retry register nothing twice."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
import zgw_mock
from babel.dates import format_date
from conftest import login
from zgw_mock import RSIN, SECRET

from wasstraat import audit, demo
from wasstraat.archive import services as archive
from wasstraat.demo import DEMO_PASSWORD
from wasstraat.exports import pdf
from wasstraat.extensions import db
from wasstraat.models import ArchiveClass, Project, User, ZaakAction, ZaakSettings, utcnow
from wasstraat.projects import services as projects
from wasstraat.workflow import Role, ZaakDocument, ZaakPart, ZaakPartState
from wasstraat.zaken import registration, sending, services
from wasstraat.zaken.client import Call, Client, Refused


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": False, "ZGW_SECRET": SECRET}


def parts(project_id: int) -> list[ZaakAction]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ZaakAction).filter_by(project_id=project_id)
                                   .order_by(ZaakAction.id)))


def send_all(project_id: int) -> None:
    sending.send(project_id, utcnow())


# --- The lifecycle -----------------------------------------------------------------------------

@pytest.mark.sqlite_only  # about the contract, not the database; three PDF/A conversions
def test_the_demo_projects_whole_life_registers_against_open_zaaks_own_contracts(
        app, connected, open_zaak, make_client):
    app.config["ZGW_PARTS_ABOVE"] = 50_000  # the plans go in parts, the A3 may not
    demo.load_demo()
    db.session.commit()
    completed = db.session.scalar(db.select(Project).filter_by(name="Verhuizing doorgeven"))
    kept_until = archive.record_of(completed).archive_date  # Wasstraat's own reckoning
    open_zaak.patch("GET", "/zaken/api/v1/zaken/", {
        "archiefnominatie": "vernietigen", "archiefactiedatum": kept_until.isoformat()})
    for project in db.session.scalars(db.select(Project)):
        send_all(project.id)

    assert [(c.path, c.violations) for c in open_zaak.violations()] == []
    assert [(p.subject, p.error) for p in parts(completed.id)
            if p.state is not ZaakPartState.DONE] == []
    zaken = open_zaak.created("/zaken")
    assert len(zaken) == 3  # one zaak per demo project, each once
    own = [c for c in open_zaak.calls if completed.name[:80] == (c.body or {}).get(
        "omschrijving")]
    assert len(own) == 1 and own[0].body["bronorganisatie"] == RSIN
    leader = completed.holders(Role.PROJECT_LEADER)[0]
    assert own[0].claims["user_id"] == leader.email  # Open Zaak's audit trail names them
    assert own[0].claims["client_id"] == "wasstraat"

    zaak_url = next(p for p in parts(completed.id) if p.subject == "zaak").urls["zaak"]
    statuses = [c for c in open_zaak.created("/statussen") if c.body["zaak"] == zaak_url]
    assert len(statuses) == 10  # a status for each closed step, the end status last
    assert statuses[-1].body["statustype"] == connected.statustypen["10"]
    rollen = [c for c in open_zaak.created("/rollen") if c.body["zaak"] == zaak_url]
    assert sorted(c.body["roltype"] for c in rollen) == sorted(connected.roltypen.values())
    documents = [c for c in open_zaak.created("/zaakinformatieobjecten")
                 if c.body["zaak"] == zaak_url]
    kinds = [p.subject.split("-")[0] for p in parts(completed.id) if p.part is ZaakPart.DOCUMENT]
    assert len(documents) == len(kinds)  # each linked once
    # Every frozen version, the approved plans, the evaluation and the A3.
    assert set(kinds) == {d.value for d in ZaakDocument}
    statuses_sent = {c.body["titel"]: c.body["status"]
                     for c in open_zaak.created("/enkelvoudiginformatieobjecten")}
    assert statuses_sent["Het definitieve verbeterplan ter besluitvorming"] == "ter_vaststelling"
    assert statuses_sent["Het goedgekeurde verbeterplan"] == "definitief"
    besluiten = [c for c in open_zaak.created("/besluiten") if c.body["zaak"] == zaak_url]
    assert len(besluiten) == 1 and besluiten[0].claims["user_id"] == completed.holders(
        Role.PROCESS_OWNER)[0].email  # the approver decided
    plan = next(p for p in parts(completed.id) if p.subject.startswith("plan-"))
    assert [c.body for c in open_zaak.created("/besluitinformatieobjecten")
            if c.body["informatieobject"] == plan.urls["informatieobject"]] != []
    results = open_zaak.created("/resultaten")
    assert [r.body["resultaattype"] for r in results if r.body["zaak"] == zaak_url] == [
        connected_resultaattype()]
    # The large documents went in parts, each part once, then unlocked.
    uploads = [c for c in open_zaak.created("/enkelvoudiginformatieobjecten")
               if c.body["inhoud"] is None]
    assert uploads and all(c.body["bestandsomvang"] > 50_000 for c in uploads)
    assert len([c for c in open_zaak.calls if c.path.endswith("/unlock")]) == len(uploads)
    # The result precedes the end status, and the derived archive date is read back.
    order = [c.path.rsplit("/", 1)[-1] for c in open_zaak.calls if c.method == "POST"
             and (c.body or {}).get("zaak") == zaak_url]
    assert order.index("resultaten") < len(order) - 1 - order[::-1].index("statussen")
    dates = next(p for p in parts(completed.id) if p.part is ZaakPart.ARCHIVE_DATES)
    assert dates.urls["archiefactiedatum"] == kept_until.isoformat()
    assert_the_readme_grants_every_call(open_zaak.calls)

    # The archivist sees Open Zaak's date beside Wasstraat's, and is warned where they differ.
    archivist = demo_client(make_client, demo.demo_email("archivist"))
    shown = f"Open Zaak: vernietigen op {nl_date(kept_until)}"
    page = archivist.get("/archief/").get_data(as_text=True)
    assert shown in page and "wijkt af" not in page
    dates.urls = {**dates.urls, "archiefactiedatum": "2040-01-01"}
    db.session.commit()
    page = archivist.get("/archief/").get_data(as_text=True)
    assert "Open Zaak: vernietigen op 1 januari 2040 — wijkt af" in page
    member = demo_client(make_client, completed.holders(Role.PROCESS_OWNER)[0].email)
    project_page = member.get(f"/projects/{completed.id}").get_data(as_text=True)
    assert "archief volgens Open Zaak: vernietigen op 1 januari 2040" in project_page


def assert_the_readme_grants_every_call(calls) -> None:
    """The scopes the README tells the functioneel beheerder to give are enough for each
    call, by the security the contracts name for it."""
    granted = readme_scopes()
    for call in calls:
        needed = zgw_mock.scopes_for(call.path, call.method)
        assert needed & granted, (call.method, call.path, needed)


def readme_scopes() -> set[str]:
    readme = (zgw_mock.ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**Least privilege.**", 1)[1].split("```json", 1)[1].split("```")[0]
    application = json.loads(block)
    assert application["heeftAlleAutorisaties"] is False
    return {scope for entry in application["autorisaties"] for scope in entry["scopes"]}


def demo_client(make_client, email: str):
    client = make_client()
    login(client, db.session.scalar(db.select(User).filter_by(email=email)), DEMO_PASSWORD)
    return client


def nl_date(day) -> str:
    return format_date(day, "d MMMM y", locale="nl")


def connected_resultaattype() -> str:
    return db.session.scalar(db.select(ArchiveClass.zaak_resultaattype).filter_by(
        is_default=True))


# --- Without a connection ----------------------------------------------------------------------

def test_without_a_connection_nothing_is_written_and_nothing_sent(
        app, open_zaak, create_project, catalogue):
    """Configured but switched off is as good as not configured."""
    db.session.add(ZaakSettings(active=False, client_id="wasstraat", rsin=RSIN,
                                zaaktype=catalogue["zaaktype"], roltypen={}, statustypen={},
                                informatieobjecttypen={},
                                **{f"{c}_root": open_zaak.root(c)
                                   for c in zgw_mock.COMPONENTS}))
    db.session.commit()
    team = create_project()
    assert parts(team.project.id) == []
    assert sending.send(team.project.id) == 0
    assert open_zaak.calls == []


def test_a_project_started_before_the_connection_stays_outside_open_zaak(
        app, open_zaak, create_project, catalogue):
    team = create_project()
    db.session.add(ZaakSettings(active=True, client_id="wasstraat", rsin=RSIN,
                                zaaktype=catalogue["zaaktype"], roltypen={}, statustypen={},
                                informatieobjecttypen={},
                                **{f"{c}_root": open_zaak.root(c)
                                   for c in zgw_mock.COMPONENTS}))
    db.session.commit()
    audit.record("step.close", "step", 1, team.project.id,
                 actor=team.members[Role.PROJECT_LEADER])  # a step closes, as the hook sees it
    db.session.commit()
    assert parts(team.project.id) == []


def test_only_moments_that_happened_reach_the_zaak(connected, open_zaak, create_project):
    """A refused attempt is in the audit trail too, and a team change that names nobody the
    zaak names (a subject expert) adds no rol."""
    team = create_project(roles=[Role.PROJECT_LEADER, Role.PROCESS_OWNER])
    send_all(team.project.id)
    before = {p.subject for p in parts(team.project.id)}
    audit.record_denied("step.close", "step", 3, team.project.id)
    projects.add_member(team.project, team.members[Role.PROJECT_LEADER], team.outsider,
                        {Role.SUBJECT_EXPERT})
    db.session.commit()
    assert {p.subject for p in parts(team.project.id)} == before
    projects.set_roles(membership_of(team.project, team.outsider),
                       team.members[Role.PROJECT_LEADER], {Role.PROCESS_OWNER})
    db.session.commit()
    assert len({p.subject for p in parts(team.project.id)} - before) == 1
    send_all(team.project.id)
    assert len(open_zaak.created("/rollen")) == 3  # the new process owner named too


def membership_of(project: Project, user: User):
    db.session.refresh(project)
    return next(m for m in project.memberships if m.user_id == user.id)


# --- Failures ----------------------------------------------------------------------------------

def test_a_500_mid_way_then_a_retry_registers_nothing_twice(connected, open_zaak,
                                                            create_project):
    open_zaak.fail("POST", "/rollen", 500, after=1)  # the second rol fails
    team = create_project()
    # One roles part however many joined at the start: it names whoever holds them when sent.
    assert [p.part for p in parts(team.project.id)] == [ZaakPart.ZAAK, ZaakPart.ROLES]
    send_all(team.project.id)
    roles = next(p for p in parts(team.project.id) if p.part is ZaakPart.ROLES)
    assert roles.state is ZaakPartState.WAITING and roles.attempts == 1
    assert "Open Zaak gaf een fout (500)" in roles.error
    assert len(roles.urls) == 1  # the first rol arrived and is kept

    sending.send(team.project.id, utcnow())  # too early: the back-off holds it
    assert parts(team.project.id)[1].state is ZaakPartState.WAITING
    assert len(open_zaak.created("/rollen")) == 1
    sending.send(team.project.id, utcnow() + registration.backoff(1) + timedelta(seconds=1))
    assert {p.state for p in parts(team.project.id)} == {ZaakPartState.DONE}
    assert len(open_zaak.created("/zaken")) == 1
    assert len(open_zaak.created("/rollen")) == 2  # process owner and project leader, once
    assert open_zaak.violations() == []


def test_a_missing_scope_is_told_in_dutch_and_waits_for_an_administrator(
        connected, open_zaak, create_project, create_user, login_as):
    open_zaak.fail("POST", "/zaken", 403)
    team = create_project()
    send_all(team.project.id)
    zaak, *behind = parts(team.project.id)
    assert zaak.state is ZaakPartState.FAILED
    assert "scope „zaken.aanmaken”" in zaak.error
    assert behind and {p.state for p in behind} == {ZaakPartState.WAITING}  # not tried
    assert len(open_zaak.calls) == 1
    leader = login_as(team.members[Role.PROJECT_LEADER])
    page = leader.get(f"/projects/{team.project.id}/zaakdossier").get_data(as_text=True)
    assert "zaken.aanmaken" in page and "Opnieuw versturen" not in page
    assert leader.post(f"/projects/{team.project.id}/zaakdossier/retry").status_code == 403
    assert parts(team.project.id)[0].state is ZaakPartState.FAILED

    admin = login_as(create_user("Beheerder", admin=True))
    admin.application.config["ZGW_INLINE"] = True
    response = admin.post(f"/projects/{team.project.id}/zaakdossier/retry")
    assert response.status_code == 303
    assert {p.state for p in parts(team.project.id)} == {ZaakPartState.DONE}
    assert len(open_zaak.created("/zaken")) == 1


def test_open_zaak_away_is_tried_again_with_back_off_then_failed(connected, open_zaak,
                                                                 create_project):
    open_zaak.fail("POST", "/zaken", 503, times=registration.MAX_ATTEMPTS)
    team = create_project()
    moment = utcnow()
    for _ in range(registration.MAX_ATTEMPTS):
        sending.send(team.project.id, moment)
        moment += timedelta(hours=7)
    zaak = parts(team.project.id)[0]
    assert zaak.state is ZaakPartState.FAILED and zaak.attempts == registration.MAX_ATTEMPTS
    assert [registration.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 10)] == [
        1, 2, 4, 360]


def test_a_project_started_in_the_app_is_a_zaak_once_the_request_is_answered(
        app, connected, open_zaak, create_user, login_as):
    app.config["ZGW_INLINE"] = True  # the after-request hook sends here, not in a thread
    leader = create_user("Sanne Bakker")
    response = login_as(leader).post("/projects/new", data={
        "name": "Verhuizing doorgeven", "product": "Adreswijziging",
        "process_type": "primary", "assignment": "Binnen een dag verwerkt.",
        "my_roles": ["process_advisor"]})
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    project = db.session.scalars(db.select(Project)).one()
    assert {p.state for p in parts(project.id)} == {ZaakPartState.DONE}
    [zaak] = open_zaak.created("/zaken")
    assert zaak.body["omschrijving"] == "Verhuizing doorgeven"
    assert zaak.claims["user_representation"] == "Sanne Bakker"
    [rol] = open_zaak.created("/rollen")  # the leader; the owner is named later
    assert rol.body["roltype"] == connected.roltypen["project_leader"]


def test_a_document_libreoffice_cannot_make_yet_waits_like_open_zaak_away(
        connected, open_zaak, create_project, monkeypatch):
    team = create_project()
    send_all(team.project.id)
    db.session.add(ZaakAction(project_id=team.project.id, part=ZaakPart.DOCUMENT,
                              subject="a3-10", urls={}))
    db.session.commit()

    def busy(_source):
        raise pdf.ConversionFailed("LibreOffice gaf op")

    monkeypatch.setattr(sending.archive, "as_pdf", busy)
    send_all(team.project.id)
    document = parts(team.project.id)[-1]
    assert document.state is ZaakPartState.WAITING and document.attempts == 1
    assert "De PDF/A kon (nog) niet worden gemaakt: LibreOffice gaf op" in document.error
    assert open_zaak.created("/enkelvoudiginformatieobjecten") == []


# --- The client --------------------------------------------------------------------------------

def test_a_url_outside_the_configured_apis_never_gets_the_secret(connected):
    class Refusing(requests.Session):
        def request(self, *args, **kwargs):
            raise AssertionError("called")

    client = Client(connected, SECRET, None, session=Refusing())
    with pytest.raises(Refused, match="buiten de ingestelde API's"):
        client.get("https://elders.example/zaken/api/v1/zaken/1", Call("zaken.lezen", "x"))


def test_without_the_secret_on_the_server_nothing_is_sent(app, connected, open_zaak,
                                                           create_project):
    app.config["ZGW_SECRET"] = ""
    team = create_project()
    send_all(team.project.id)
    zaak = parts(team.project.id)[0]
    assert zaak.state is ZaakPartState.FAILED and "WASSTRAAT_ZGW_SECRET" in zaak.error
    assert open_zaak.calls == []


# --- The administrator's configuration --------------------------------------------------------

@pytest.mark.parametrize(("number", "valid"), [
    ("002220647", True), ("111222333", True), ("002220648", False), ("12345678", False),
    ("00222064a", False)])
def test_the_rsin_passes_the_eleven_test(number, valid):
    assert services.elfproef(number) is valid


def test_the_administrator_configures_and_tests_the_connection(
        app, open_zaak, catalogue, create_user, login_as):
    admin = login_as(create_user("Beheerder", admin=True))
    form = {"version": 0, "active": "y", "client_id": "wasstraat", "rsin": RSIN,
            "zaaktype": catalogue["zaaktype"], "besluittype": catalogue["besluittype"],
            **{f"{c}_root": open_zaak.root(c) for c in zgw_mock.COMPONENTS},
            **{f"statustype_{k}": v for k, v in catalogue["statustypen"].items()},
            **{f"roltype_{k}": v for k, v in catalogue["roltypen"].items()},
            **{f"informatieobjecttype_{k}": v
               for k, v in catalogue["informatieobjecttypen"].items()},
            "resultaattype_1": catalogue["resultaattype"]}
    assert admin.post("/admin/zaaksysteem", data=form).status_code == 303
    stored = db.session.scalar(db.select(ZaakSettings))
    assert stored.active and stored.statustypen == catalogue["statustypen"]
    assert SECRET not in admin.get("/admin/zaaksysteem").get_data(as_text=True)

    open_zaak.patch("GET", "/catalogi/api/v1/zaaktypen/", {
        "omschrijving": "Verbetertraject", "statustypen": list(
            catalogue["statustypen"].values()), "roltypen": list(catalogue["roltypen"].values()),
        "informatieobjecttypen": list(catalogue["informatieobjecttypen"].values()),
        "besluittypen": [catalogue["besluittype"]],
        "resultaattypen": [catalogue["resultaattype"]]})
    page = admin.post("/admin/zaaksysteem/test").get_data(as_text=True)
    assert [(c.path, c.violations) for c in open_zaak.violations()] == []
    assert "Mislukt" not in page and "Verbetertraject" in page
    open_zaak.fail("GET", "/zaken", 403)
    page = admin.post("/admin/zaaksysteem/test").get_data(as_text=True)
    assert "scope „zaken.lezen”" in page
    assert open_zaak.violations() == []
    assert_the_readme_grants_every_call(open_zaak.calls)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"rsin": "002220648"}, "rsin", "elfproef"),
    ({"zaken_root": "http://open-zaak.gemeente.nl/zaken/api/v1"}, "zaken_root", "https"),
    ({"zaaktype": ""}, "zaaktype", "Nodig om zaken aan te maken"),
])
def test_a_wrong_configuration_is_refused_at_its_field_and_nothing_stored(
        app, create_user, login_as, change, field, message):
    admin = login_as(create_user("Beheerder", admin=True))
    form = {"version": 0, "active": "y", "client_id": "wasstraat", "rsin": RSIN,
            "zaaktype": "https://oz.example/catalogi/api/v1/zaaktypen/1",
            **{f"{c}_root": f"https://oz.example/{c}/api/v1" for c in zgw_mock.COMPONENTS},
            **change}
    response = admin.post("/admin/zaaksysteem", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(ZaakSettings)) is None


def test_only_an_administrator_configures_the_connection(app, create_user, login_as):
    someone = login_as(create_user("Medewerker"))
    assert someone.get("/admin/zaaksysteem").status_code == 403
    assert someone.post("/admin/zaaksysteem/test").status_code == 403


def test_the_project_page_links_its_zaakdossier(connected, open_zaak, create_project,
                                                login_as):
    team = create_project()
    send_all(team.project.id)
    leader = login_as(team.members[Role.PROJECT_LEADER])
    page = leader.get(f"/projects/{team.project.id}").get_data(as_text=True)
    sent = len(parts(team.project.id))
    assert "Zaakdossier" in page and f"{sent} geregistreerd, 0 wachtend, 0 mislukt" in page
    dossier = leader.get(f"/projects/{team.project.id}/zaakdossier").get_data(as_text=True)
    assert dossier.count("Geregistreerd") == sent
    outsider = login_as(team.outsider)
    assert outsider.get(f"/projects/{team.project.id}/zaakdossier").status_code == 404

