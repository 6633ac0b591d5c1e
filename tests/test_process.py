"""Step 3: the current process mapped in 3a, checked in 3b, and the gate on closing."""

from __future__ import annotations

import pytest
from conftest import END_ALL, Team

from wasstraat.extensions import db
from wasstraat.models import ProcessCheck, ProcessStep
from wasstraat.steps import services as steps
from wasstraat.workflow import Role, Step

STEP = {"activity": "Aanvraag registreren", "actor": "KCC", "system": "Zaaksysteem",
        "wait_days": "1,5", "work_minutes": "10", "remarks": ""}


@pytest.fixture
def team(create_project) -> Team:
    team = create_project()
    leader = team[Role.PROJECT_LEADER]
    for step in (Step.TEAM, Step.KPIS):
        team.project.step_state(step).status = "done"
    steps.start_step(team.project, Step.PROCESS, leader)
    db.session.commit()
    return team


def process_steps(team: Team) -> list[ProcessStep]:
    return list(db.session.scalars(db.select(ProcessStep).where(
        ProcessStep.project_id == team.project.id).order_by(ProcessStep.position)))


def base(team: Team) -> str:
    return f"/projects/{team.project.id}/process"


def test_the_current_process_is_an_ordered_list_with_lead_time_and_handovers(team, login_as):
    expert = login_as(team[Role.SUBJECT_EXPERT])
    expert.post(base(team), data={**STEP, "handover": "yes"})
    expert.post(base(team), data={**STEP, "activity": "Besluit opstellen", "wait_days": "3",
                                  "work_minutes": "470"})
    rows = process_steps(team)
    assert [(r.position, r.activity, r.handover) for r in rows] == [
        (1, "Aanvraag registreren", True), (2, "Besluit opstellen", None)]
    page = expert.get(base(team)).get_data(as_text=True)
    assert "4,5 werkdagen" in page  # wait time 1,5 + 3
    assert "480 minuten" in page
    assert "ongeveer 5,5 werkdagen" in page  # 4,5 days waiting + 480 minutes = 1 day working
    assert "<dt>Overdrachten</dt><dd>1</dd>" in page


def test_a_handover_counts_where_wie_changes_unless_the_team_says_otherwise(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    for activity, actor, handover in (("Melding ontvangen", "KCC", None),
                                      ("Registreren", " kcc ", None),  # the same team
                                      ("Beoordelen", "Team Vergunningen", None),
                                      ("Besluit", "Team Juridisch", "no"),  # the team's word
                                      ("Versturen", "Postkamer", None),
                                      ("Archiveren", "", None)):  # no "Wie": no guess
        data = {**STEP, "activity": activity, "actor": actor}
        if handover:
            data["handover"] = handover
        assert advisor.post(base(team), data=data).status_code == 303
    page = advisor.get(base(team)).get_data(as_text=True)
    assert "<dt>Overdrachten</dt><dd>2</dd>" in page  # KCC -> Vergunningen -> Juridisch
    row = page.split('id="process-step-')[2]  # "Registreren": the next is another team
    assert "ja <span class=\"muted\">(volgens Wie)</span>" in row
    assert advisor.post(base(team), data={**STEP, "handover": "misschien"}).status_code == 422
    assert len(process_steps(team)) == 6


def test_steps_move_up_and_down_and_the_order_is_kept(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    for name in ("Een", "Twee", "Drie"):
        advisor.post(base(team), data={**STEP, "activity": name})
    drie = process_steps(team)[2]
    assert advisor.post(f"{base(team)}/{drie.id}/move", data={"direction": "up"}).status_code == 303
    assert [r.activity for r in process_steps(team)] == ["Een", "Drie", "Twee"]
    een = process_steps(team)[0]
    advisor.post(f"{base(team)}/{een.id}/move", data={"direction": "up"})  # already first
    advisor.post(f"{base(team)}/{een.id}/move", data={"direction": "down"})
    assert [r.activity for r in process_steps(team)] == ["Drie", "Een", "Twee"]
    assert advisor.post(f"{base(team)}/{een.id}/move", data={"direction": "sideways"}).status_code == 400
    advisor.post(f"{base(team)}/{een.id}/delete")
    assert [(r.position, r.activity) for r in process_steps(team)] == [(1, "Drie"), (2, "Twee")]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("activity", "", "Dit veld is verplicht."),
    ("wait_days", "-1", "Vul een wachttijd van 0 tot 3650 werkdagen in."),
    ("wait_days", "veel", "Vul een getal in"),
    ("work_minutes", "1e13", "Vul een getal in"),
    ("work_minutes", "200000", "Vul een werktijd van 0 tot 100.000 minuten in."),
    ("actor", "regel een\\nregel twee".replace("\\n", "\n"), "één regel"),
])
def test_bad_process_input_gets_a_message_and_stores_nothing(team, login_as, field, value,
                                                            message):
    response = login_as(team[Role.SUBJECT_EXPERT]).post(base(team), data={**STEP, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert process_steps(team) == []


def test_only_3b_participants_check_and_a_correction_needs_text(team, login_as):
    login_as(team[Role.SUBJECT_EXPERT]).post(base(team), data=STEP)
    sponsor = login_as(team[Role.SPONSOR])
    assert sponsor.post(f"{base(team)}/check", data={"verdict": "confirmed"}).status_code == 403
    owner = login_as(team[Role.PROCESS_OWNER])
    empty = owner.post(f"{base(team)}/check", data={"verdict": "correction", "correction": " "})
    assert empty.status_code == 409 and "Beschrijf de correctie." in empty.get_data(as_text=True)
    assert owner.post(f"{base(team)}/check", data={
        "verdict": "correction", "correction": "Stap 2 ontbreekt"}).status_code == 303
    assert owner.post(f"{base(team)}/check", data={"verdict": "confirmed"}).status_code == 303
    checks = db.session.scalars(db.select(ProcessCheck)).all()
    assert len(checks) == 1 and checks[0].confirmed  # the latest answer counts
    page = owner.get(base(team)).get_data(as_text=True)
    assert f"{team[Role.PROCESS_OWNER].name}: <span aria-hidden=\"true\">✓</span> klopt" in page


def test_step_3_closes_only_after_mapping_and_a_recorded_check(team, login_as):
    leader, advisor = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.PROCESS_ADVISOR])
    close = f"/projects/{team.project.id}/steps/3/close"
    confirm = f"/projects/{team.project.id}/steps/3/products/process_checked/confirm"
    refused = leader.post(close, data=END_ALL)
    assert refused.status_code == 409
    assert "nog geen processtappen" in refused.get_data(as_text=True)

    advisor.post(base(team), data=STEP)
    in_session = advisor.post(confirm, data={"process_checked-variant": "session"})
    assert in_session.status_code == 409
    assert "Nog geen deelnemer heeft de proceskaart gecontroleerd." in in_session.get_data(
        as_text=True)
    login_as(team[Role.SUBJECT_EXPERT]).post(f"{base(team)}/check", data={"verdict": "confirmed"})
    assert advisor.post(confirm, data={"process_checked-variant": "session"}).status_code == 303
    assert leader.post(close, data=END_ALL).status_code == 303


def test_a_simple_process_may_merge_3b_into_3a(team, login_as):
    leader, advisor = login_as(team[Role.PROJECT_LEADER]), login_as(team[Role.PROCESS_ADVISOR])
    advisor.post(base(team), data=STEP)
    merged = advisor.post(f"/projects/{team.project.id}/steps/3/products/process_checked/confirm",
                          data={"process_checked-variant": "merged"})
    assert merged.status_code == 303
    assert leader.post(f"/projects/{team.project.id}/steps/3/close", data=END_ALL).status_code == 303


def test_the_process_is_frozen_outside_step_3(team, login_as):
    expert = login_as(team[Role.SUBJECT_EXPERT])
    expert.post(base(team), data=STEP)
    team.project.step_state(Step.PROCESS).status = "done"
    db.session.commit()
    assert expert.post(base(team), data=STEP).status_code == 409
    row = process_steps(team)[0]
    assert expert.post(f"{base(team)}/{row.id}/delete").status_code == 409
    assert len(process_steps(team)) == 1


def test_an_improvement_from_a_process_step_links_back_to_it(team, login_as):
    expert = login_as(team[Role.SUBJECT_EXPERT])
    expert.post(base(team), data=STEP)
    row = process_steps(team)[0]
    response = expert.post(f"/projects/{team.project.id}/improvements/new",
                           query_string={"source": "process_step", "source_id": row.id},
                           data={"title": "Registratie automatiseren",
                                 "proposer_id": team[Role.SUBJECT_EXPERT].id})
    assert response.status_code == 303
    listing = expert.get(f"/projects/{team.project.id}/improvements").get_data(as_text=True)
    assert "Processtap 1: Aanvraag registreren" in listing
    assert f"#process-step-{row.id}" in listing


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, team, name: str, data: bytes):
    from io import BytesIO

    return client.post(f"{base(team)}/attachments", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def attachments(team: Team) -> list:
    from wasstraat.models import ProcessAttachment

    return list(db.session.scalars(db.select(ProcessAttachment).where(
        ProcessAttachment.project_id == team.project.id)))


def test_a_process_map_is_uploaded_and_served_only_as_a_download(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    assert upload(advisor, team, "../../proceskaart parkeren.pdf", PDF).status_code == 303
    [row] = attachments(team)
    assert row.filename == "proceskaart_parkeren.pdf" and row.size == len(PDF)
    page = advisor.get(base(team)).get_data(as_text=True)
    assert "proceskaart_parkeren.pdf" in page
    response = login_as(team[Role.SPONSOR]).get(f"{base(team)}/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("kaart.exe", b"MZ\x90\x00", "Dit soort bestand kan niet worden toegevoegd"),
    ("kaart.html", b"<html><script>alert(1)</script>", "Dit soort bestand kan niet worden toegevoegd"),
    ("kaart.svg", b"<svg onload='alert(1)'/>", "Dit soort bestand kan niet worden toegevoegd"),
    ("kaart.png", b"<html><script>alert(1)</script>", "past niet bij PNG"),
    ("kaart.pdf", b"", "Het bestand is leeg."),
    ("kaart.bpmn", b"<?xml version='1.0'?><html/>", "past niet bij BPMN"),
])
def test_wrong_files_are_refused_with_a_message(team, login_as, name, data, message):
    response = upload(login_as(team[Role.PROCESS_ADVISOR]), team, name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert attachments(team) == []


def test_a_file_over_the_limit_is_refused(team, login_as, app):
    app.config["WASSTRAAT_MAX_ATTACHMENT_BYTES"] = 1024
    response = upload(login_as(team[Role.PROCESS_ADVISOR]), team, "kaart.pdf", PDF + b"0" * 2000)
    assert response.status_code == 422
    assert "Het bestand is te groot" in response.get_data(as_text=True)
    assert attachments(team) == []


def test_visio_bpmn_and_images_are_accepted(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    files = {"kaart.vsdx": b"PK\x03\x04rest", "kaart.bpmn":
             b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="x"/>',
             "foto.JPG": b"\xff\xd8\xff\xe0rest", "scan.png": b"\x89PNG\r\n\x1a\nrest"}
    for name, data in files.items():
        assert upload(advisor, team, name, data).status_code == 303, name
    assert len(attachments(team)) == 4


def test_an_attachment_of_another_project_is_not_found(team, create_project, login_as):
    upload(login_as(team[Role.PROCESS_ADVISOR]), team, "kaart.pdf", PDF)
    [row] = attachments(team)
    other = create_project("Ander traject")
    stranger = login_as(other[Role.PROJECT_LEADER])
    assert stranger.get(f"/projects/{other.project.id}/process/attachments/{row.id}").status_code == 404
    assert login_as(team.outsider).get(f"{base(team)}/attachments/{row.id}").status_code == 404


def test_one_of_a_unit_is_said_in_the_singular(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    advisor.post(base(team), data={**STEP, "wait_days": "1", "work_minutes": "1"})
    page = advisor.get(base(team)).get_data(as_text=True)
    assert "<dd>1 werkdag</dd>" in page and "<dd>1 minuut</dd>" in page
    assert "ongeveer 1 werkdag (wachttijd" in page  # 1 day and 1 minute is about 1 day
