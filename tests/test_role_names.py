"""The roles as the organisation names them: an administrator gives a role its own name once,
and every page, message and document says that name."""

from __future__ import annotations

import html

from conftest import OFFICE_HOURS
from test_exports import open_docx
from test_plans import base, clients, send_plan, team  # noqa: F401

from wasstraat import duties
from wasstraat.extensions import db
from wasstraat.models import AuditEvent, OrganisationSettings
from wasstraat.workflow import OwnerAppointer, Role

SETTINGS = {"version": 0, "project_creators": "everyone", "owner_appointed_by": "leader",
            "registered_specialists_only": "y", "four_eyes": "y",
            "gate_approver": "sponsor", "plan_decider": "owner", **OFFICE_HOURS}


def named(admin, **names: str):
    return admin.post("/admin/organisation", data={
        **SETTINGS, **{f"role_name_{role}": name for role, name in names.items()}})


def text_of(document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_role_named_by_the_organisation_is_named_so_on_pages_and_in_the_plan(
        team, clients, create_user, login_as):
    admin = login_as(create_user(admin=True))
    assert named(admin, process_owner="Procesverantwoordelijke",
                 ciso="CISO (informatiebeveiliging)", sponsor="",
                 legal=" Jurist (JZ) ").status_code == 303
    row = db.session.scalars(db.select(OrganisationSettings)).one()
    # Only the roles named otherwise are kept; an empty field, or the method's own name,
    # keeps the method's name.
    assert row.role_names == {"process_owner": "Procesverantwoordelijke",
                              "ciso": "CISO (informatiebeveiliging)"}
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "settings.update")).one()
    assert event.after["role_names"] == row.role_names

    team_page = clients[Role.PROJECT_LEADER].get(f"{base(team)}/team").get_data(as_text=True)
    assert "Procesverantwoordelijke" in team_page and "Sponsor" in team_page
    assert "Proceseigenaar</dt>" not in team_page

    send_plan(team, clients)
    plan = text_of(open_docx(clients[Role.SPONSOR].get(
        f"{base(team)}/documents/improvement-plan.docx")))
    assert "Procesverantwoordelijke" in plan
    # In the plan's prose too: the decision asked, and who signs.
    assert "De procesverantwoordelijke het verbeterplan" in plan or \
        "van de procesverantwoordelijke stelt" in plan
    assert "Ondertekening door de procesverantwoordelijke" in plan or \
        "Advies van de procesverantwoordelijke" in plan
    # The document's own sentences; the method's step texts keep the method's names.
    assert "(proceseigenaar)" not in plan and "door de proceseigenaar" not in plan


def test_in_a_sentence_a_name_loses_only_the_capital_that_starts_it(app, create_user):
    db.session.add(OrganisationSettings(role_names={"process_owner": "Procesverantwoordelijke",
                                                    "ciso": "CISO"}))
    db.session.commit()
    assert duties.role_name_in_sentence(Role.PROCESS_OWNER) == "procesverantwoordelijke"
    assert duties.role_name_in_sentence(Role.CISO) == "CISO"
    assert duties.role_name(Role.SPONSOR) == "Sponsor"


def test_a_refused_appointment_names_the_role_as_the_organisation_does(app, create_user):
    db.session.add(OrganisationSettings(role_names={"process_owner": "Procesverantwoordelijke"},
                                        owner_appointed_by=OwnerAppointer.ADMINS))
    db.session.commit()
    [reason] = duties.appointment_problems(None, create_user(), create_user(),
                                           {Role.PROCESS_OWNER})
    assert reason == ("De procesverantwoordelijke wordt in deze organisatie aangewezen door "
                      "een beheerder.")


def test_two_roles_cannot_share_a_name_and_nothing_is_saved(create_user, login_as):
    admin = login_as(create_user(admin=True))
    refused = named(admin, sponsor="proceseigenaar", legal="Jurist")
    assert refused.status_code == 422
    body = html.unescape(refused.get_data(as_text=True))
    assert "„proceseigenaar” is al de naam van de rol Proceseigenaar." in body
    assert 'value="proceseigenaar"' in body  # what the administrator typed stays
    assert db.session.scalars(db.select(OrganisationSettings)).first() is None

    too_long = named(admin, legal="J" * (duties.ROLE_NAME_LENGTH + 1))
    assert too_long.status_code == 422
    two_lines = named(admin, legal="Jurist\nAdvocaat")
    assert two_lines.status_code == 422
    assert db.session.scalars(db.select(OrganisationSettings)).first() is None


def test_the_organisation_page_shows_the_names_it_has(create_user, login_as):
    admin = login_as(create_user(admin=True))
    assert named(admin, team_manager="Teamleider").status_code == 303
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert 'name="role_name_team_manager"' in page and 'value="Teamleider"' in page
