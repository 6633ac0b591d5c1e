"""Creating a project and putting the team together."""

from __future__ import annotations

import re
from io import BytesIO

from conftest import login, organisation_today, put_in_step
from docx import Document

from wasstraat.extensions import db
from wasstraat.models import Membership, Project, User
from wasstraat.workflow import Role, Step, StepStatus


def test_a_new_project_has_ten_steps_and_its_creator_leads_it(client, create_user):
    user = create_user("Sanne Bakker")
    login(client, user)
    response = client.post("/projects/new", data={
        "name": "Verhuizing doorgeven", "product": "Adreswijziging",
        "process_type": "primary", "assignment": "Binnen een dag verwerkt.",
        "my_roles": ["process_advisor"]})
    assert response.status_code == 303
    project = db.session.scalars(db.select(Project)).one()
    assert response.headers["Location"] == f"/projects/{project.id}/team"
    assert [s.step for s in project.steps] == list(range(1, 11))
    assert all(s.status == StepStatus.NOT_STARTED for s in project.steps)
    assert project.memberships[0].roles == {Role.PROJECT_LEADER, Role.PROCESS_ADVISOR}
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for step in Step:
        assert step.definition.name.replace("'", "&#39;") in page


def test_a_project_needs_a_name_and_a_product(client, create_user):
    login(client, create_user())
    response = client.post("/projects/new", data={"name": "", "product": " ",
                                                  "process_type": "primary"})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Dit veld is verplicht.") >= 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


def test_running_projects_have_distinct_names_whatever_the_case(create_project, login_as):
    team = create_project("Aanvraag parkeervergunning bewoners")
    team.project.organisation_unit = "Burgerzaken"
    db.session.commit()
    client = login_as(team[Role.PROJECT_LEADER])
    refused = client.post("/projects/new", data={
        "name": "  aanvraag PARKEERVERGUNNING bewoners ", "product": "Vergunning",
        "process_type": "primary", "my_roles": ["process_advisor"]})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Er loopt al een traject met deze naam" in text
    assert f"aanvraag PARKEERVERGUNNING bewoners ({organisation_today().year})" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 1
    other = create_project("Verhuizing doorgeven")
    renamed = login_as(other[Role.PROJECT_LEADER]).post(
        f"/projects/{other.project.id}/edit", data={
            "name": "Aanvraag parkeervergunning BEWONERS", "product": "P",
            "process_type": "primary", "organisation_unit": "VTH",
            "version": other.project.version})
    assert renamed.status_code == 422
    assert "Aanvraag parkeervergunning BEWONERS (VTH)" in renamed.get_data(as_text=True)
    # Once the first is closed, its name is free again.
    for state in team.project.steps:
        state.status = StepStatus.DONE
    db.session.commit()
    assert client.post("/projects/new", data={
        "name": "Aanvraag parkeervergunning bewoners", "product": "Vergunning",
        "process_type": "primary", "my_roles": ["process_advisor"]}).status_code == 303


def _named_without_identity(page: str, project: Project) -> list[str]:
    """Each place where the page names the project without its reference and department
    right after the name (the test accounts are named "<role> van <project>")."""
    text = re.sub(r"<title>.*?</title>", "", page, flags=re.S)
    return [text[m.start():m.end() + 200] for m in re.finditer(
        r"(?<!van )" + re.escape(project.name) + r"(?![a-z])", text)
        if project.identity not in text[m.end():m.end() + 400]]


def test_like_named_projects_are_told_apart_by_reference_and_department_on_every_list(
        create_project, login_as, client):
    first = create_project("Parkeervergunning bewoners")
    second = create_project("Parkeervergunning bewoner")
    first.project.organisation_unit, second.project.organisation_unit = "Vergunningen", "VTH"
    advisor = first[Role.PROCESS_ADVISOR]
    db.session.commit()
    login_as(second[Role.PROJECT_LEADER]).post(
        f"/projects/{second.project.id}/members", data={"email": advisor.email,
                                                       "roles": ["process_advisor"]})
    for team in (first, second):
        login_as(team[Role.PROJECT_LEADER]).post(f"/projects/{team.project.id}/steps/1/start")
    pages = {path: login_as(advisor).get(path).get_data(as_text=True)
             for path in ("/", "/tasks", "/notifications")}
    for path, page in pages.items():
        for project in (first.project, second.project):
            assert project.name in page, (path, project.name)
            assert _named_without_identity(page, project) == [], path
    assert "WS-" in first.project.identity and first.project.identity.endswith("· Vergunningen")
    assert _named_without_identity(f"<p>{first.project.name}</p>", first.project) != []


def test_an_unknown_process_type_is_refused(client, create_user):
    login(client, create_user())
    response = client.post("/projects/new", data={"name": "X", "product": "Y",
                                                  "process_type": "geheim"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


def add(client, project_id: int, *rows: tuple[str, str], **extra):
    """Post the team form with (person, role) rows, as typed in the browser."""
    data = {}
    for n, (person, role) in enumerate(rows):
        data[f"rows-{n}-person"], data[f"rows-{n}-role"] = person, role
    return client.post(f"/projects/{project_id}/team", data={**data, **extra})


def test_the_leader_adds_a_colleague_with_roles(create_project, login_as, create_user):
    team = create_project(roles=[Role.PROJECT_LEADER])
    colleague = create_user("Fatma Yilmaz", email="fatma@gemeente.example")
    colleague.specialisms = ["privacy_officer", "legal"]  # registered by the administrator
    db.session.commit()
    leader = login_as(team[Role.PROJECT_LEADER])
    response = add(leader, team.project.id, ("FATMA@gemeente.example", "privacy_officer"),
                   ("Fatma Yilmaz", "legal"))
    assert response.status_code == 303
    membership = db.session.scalars(
        db.select(Membership).where(Membership.user_id == colleague.id)).one()
    assert membership.roles == {Role.PRIVACY_OFFICER, Role.LEGAL}


def test_several_colleagues_join_in_one_go_by_name_or_as_suggested(create_project, login_as,
                                                                  create_user):
    team = create_project(roles=[Role.PROJECT_LEADER])
    owner = create_user("Henk Jansen", email="henk@gemeente.example")
    sponsor = create_user("Marieke de Vries", email="marieke@gemeente.example")
    expert = create_user("Priya Ramdin", email="priya@gemeente.example")
    leader = login_as(team[Role.PROJECT_LEADER])
    suggestions = leader.get(f"/projects/{team.project.id}/team/people?q=ram")
    assert suggestions.status_code == 200
    assert 'value="Priya Ramdin (priya@gemeente.example)"' in suggestions.get_data(as_text=True)
    assert "Henk" not in suggestions.get_data(as_text=True)
    response = add(leader, team.project.id, ("henk jansen", "process_owner"),
                   ("Marieke de Vries", "sponsor"),
                   ("Priya Ramdin (priya@gemeente.example)", "subject_expert"))
    assert response.status_code == 303
    roles = {m.user_id: m.roles for m in db.session.get(Project, team.project.id).memberships}
    assert roles[owner.id] == {Role.PROCESS_OWNER} and roles[sponsor.id] == {Role.SPONSOR}
    assert roles[expert.id] == {Role.SUBJECT_EXPERT}


def test_a_name_that_fits_two_people_asks_which_one_and_adds_nobody(create_project, login_as,
                                                                    create_user):
    team = create_project(roles=[Role.PROJECT_LEADER])
    first = create_user("Jan de Boer", email="jan1@gemeente.example")
    create_user("Jan de Boer", email="jan2@gemeente.example")
    create_user("Eva Smit", email="eva@gemeente.example")
    leader = login_as(team[Role.PROJECT_LEADER])
    response = add(leader, team.project.id, ("Eva Smit", "sponsor"),
                   ("Jan de Boer", "subject_expert"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Meerdere collega&#39;s heten zo" in page
    assert "jan1@gemeente.example" in page and "jan2@gemeente.example" in page
    assert len(db.session.get(Project, team.project.id).memberships) == 1  # not even Eva
    chosen = add(leader, team.project.id, ("Eva Smit", "sponsor"),
                 ("Jan de Boer", "subject_expert"), **{"rows-1-candidate": str(first.id)})
    assert chosen.status_code == 303
    members = {m.user_id for m in db.session.get(Project, team.project.id).memberships}
    assert first.id in members


def test_adding_needs_an_existing_account_and_a_role(create_project, login_as, create_user):
    team = create_project(roles=[Role.PROJECT_LEADER])
    leader = login_as(team[Role.PROJECT_LEADER])
    create_user(email="bestaat@gemeente.example")
    unknown = add(leader, team.project.id, ("onbekend@gemeente.example", "legal"))
    assert unknown.status_code == 422
    assert "Geen actief account gevonden" in unknown.get_data(as_text=True)
    no_role = add(leader, team.project.id, ("bestaat@gemeente.example", ""))
    assert no_role.status_code == 422
    assert "Kies de rol van deze collega." in no_role.get_data(as_text=True)
    made_up = add(leader, team.project.id, ("bestaat@gemeente.example", "superuser"))
    assert made_up.status_code == 422
    nobody = add(leader, team.project.id, ("", ""))
    assert nobody.status_code == 422
    assert "Vul minstens één collega in." in nobody.get_data(as_text=True)
    assert len(db.session.get(Project, team.project.id).memberships) == 1


def test_inviting_someone_without_an_account_only_where_the_administrator_allows_it(
        create_project, login_as, app):
    team = create_project(roles=[Role.PROJECT_LEADER])
    leader = login_as(team[Role.PROJECT_LEADER])
    path = f"/projects/{team.project.id}/team/invite"
    data = {"name": "Nieuwe Collega", "email": "nieuw@gemeente.example",
            "role": "subject_expert"}
    assert leader.post(path, data=data).status_code == 403
    assert "uitnodigen" not in leader.get(f"/projects/{team.project.id}/team").get_data(
        as_text=True)
    app.config["INVITE_BY_LEADERS"] = True
    response = leader.post(path, data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Eenmalig wachtwoord" in page
    user = db.session.scalars(db.select(User).where(User.email == "nieuw@gemeente.example")).one()
    assert user.must_change_password
    assert leader.post(path, data=data).status_code == 422  # the address has an account now: bad input


def test_roles_are_per_project(create_project, login_as):
    first = create_project("Parkeervergunning")
    second = create_project("Melding openbare ruimte", roles=[Role.PROJECT_LEADER])
    privacy = first[Role.PRIVACY_OFFICER]
    leader2 = login_as(second[Role.PROJECT_LEADER])
    add(leader2, second.project.id, (privacy.email, "project_leader"))
    privacy_client = login_as(privacy)
    assert privacy_client.post(f"/projects/{first.project.id}/steps/1/start").status_code == 403
    assert privacy_client.post(f"/projects/{second.project.id}/steps/1/start").status_code == 303


def test_only_the_leader_or_an_administrator_manages_the_team(create_project, login_as,
                                                             create_user):
    team = create_project()
    newcomer = create_user()
    for role in Role:
        if role is not Role.PROJECT_LEADER:
            response = add(login_as(team[role]), team.project.id,
                           (newcomer.email, "subject_expert"))
            assert response.status_code == 403, role
    admin = login_as(create_user(admin=True))
    assert add(admin, team.project.id, (newcomer.email, "subject_expert")).status_code == 303


def test_changing_roles_and_removing_a_member(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    expert = team[Role.SUBJECT_EXPERT]
    membership_id = next(m.id for m in team.project.memberships if m.user_id == expert.id)
    base = f"/projects/{team.project.id}/team/{membership_id}"
    # The team is a table; a person's roles are edited on a page of their own.
    listing = leader.get(f"/projects/{team.project.id}/team").get_data(as_text=True)
    assert f'href="{base}/roles"' in listing and listing.count('type="checkbox"') == 0
    form = leader.get(f"{base}/roles").get_data(as_text=True)
    boxes = {m.group(2): "checked" in m.group(0)
             for m in re.finditer(r'<input[^>]*?(value="([a-z_]+)")[^>]*>', form)
             if 'type="checkbox"' in m.group(0)}
    assert boxes["subject_expert"] and not boxes["team_manager"]  # as stored now
    response = leader.post(f"{base}/roles", data={f"m{membership_id}-roles": ["team_manager"]})
    assert response.status_code == 303 and response.location.endswith(f"#member-{membership_id}")
    assert db.session.get(Membership, membership_id).roles == {Role.TEAM_MANAGER}
    empty = leader.post(f"{base}/roles", data={})
    assert empty.status_code == 422
    assert "Rollen van" in empty.get_data(as_text=True)  # the refusal on the roles page
    assert db.session.get(Membership, membership_id).roles == {Role.TEAM_MANAGER}
    assert leader.post(f"{base}/remove").status_code == 303
    assert db.session.scalar(db.select(Membership).where(Membership.id == membership_id)) is None
    assert login_as(expert).get(f"/projects/{team.project.id}").status_code == 404


def test_a_project_keeps_at_least_one_leader(create_project, login_as):
    team = create_project()
    leader_user = team[Role.PROJECT_LEADER]
    leader = login_as(leader_user)
    membership = next(m for m in team.project.memberships if m.user_id == leader_user.id)
    response = leader.post(f"/projects/{team.project.id}/team/{membership.id}/remove")
    assert response.status_code == 409
    assert "minstens één projectleider" in response.get_data(as_text=True)
    response = leader.post(f"/projects/{team.project.id}/team/{membership.id}/roles",
                           data={f"m{membership.id}-roles": ["sponsor"]})
    assert response.status_code == 409
    assert Role.PROJECT_LEADER in db.session.get(Membership, membership.id).roles


def test_a_membership_of_another_project_is_not_found(create_project, login_as):
    first, second = create_project("A"), create_project("B")
    other = second.project.memberships[1]
    leader = login_as(first[Role.PROJECT_LEADER])
    assert leader.post(f"/projects/{first.project.id}/team/{other.id}/remove").status_code == 404
    assert db.session.get(Membership, other.id) is not None


def test_non_members_do_not_learn_that_a_project_exists(create_project, login_as):
    team = create_project()
    outsider = login_as(team.outsider)
    for path in ("", "/team", "/history", "/steps/1", "/edit"):
        assert outsider.get(f"/projects/{team.project.id}{path}").status_code == 404
    assert team.project.name not in outsider.get("/").get_data(as_text=True)


def test_two_people_editing_the_project_the_second_gets_a_conflict(create_project, login_as):
    team = create_project()
    path = f"/projects/{team.project.id}/edit"
    owner, leader = login_as(team[Role.PROCESS_OWNER]), login_as(team[Role.PROJECT_LEADER])
    version = team.project.version
    form = {"name": team.project.name, "product": "Parkeervergunning", "process_type": "primary",
            "version": version}
    assert owner.post(path, data={**form, "assignment": "Versie van de eigenaar"}).status_code == 303
    response = leader.post(path, data={**form, "assignment": "Versie van de leider"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd" in body
    assert "Versie van de eigenaar" in body  # the current state is shown
    assert db.session.get(Project, team.project.id).assignment == "Versie van de eigenaar"


def test_extra_form_fields_cannot_change_what_the_form_does_not_offer(create_project, login_as):
    team = create_project()
    path = f"/projects/{team.project.id}/edit"
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(path, data={"name": "Nieuwe naam", "product": "P", "process_type": "primary",
                            "version": team.project.version, "created_by_id": team.outsider.id,
                            "id": 999})
    project = db.session.get(Project, team.project.id)
    assert project.name == "Nieuwe naam" and project.created_by_id != team.outsider.id


def test_plans_not_public_under_the_woo_say_why_on_their_cover(create_project, login_as):
    team = create_project()
    path = f"/projects/{team.project.id}/edit"
    leader = login_as(team[Role.PROJECT_LEADER])
    form = {"name": team.project.name, "product": "Parkeervergunning", "process_type": "primary",
            "version": team.project.version, "woo_public": "no", "woo_reason": "  "}
    refused = leader.post(path, data=form)
    assert refused.status_code == 422
    assert 'id="woo_reason-error"' in refused.get_data(as_text=True)
    assert db.session.get(Project, team.project.id).woo_public is True
    reason = "Bevat bedrijfsgegevens van de leverancier (art. 5.1 lid 2 sub f Woo)."
    assert leader.post(path, data={**form, "woo_reason": reason}).status_code == 303
    put_in_step(team.project, Step.IMPROVEMENT_PLAN)
    document = Document(BytesIO(leader.get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx").data))
    cover = "\n".join(p.text for p in document.paragraphs[:30])
    assert f"Openbaarheid (Woo): niet (volledig) openbaar: {reason}" in cover
