"""Administrators read and export the audit trail (filtered, paged, as CSV); nobody else can."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest

from wasstraat import ROOT, audit
from wasstraat.admin import audit_log
from wasstraat.audit import AUDIT_LABELS, OBJECT_LABELS, RESULT_LABELS
from wasstraat.extensions import db
from wasstraat.models import AuditEvent
from wasstraat.workflow import Role


def csv_rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_an_administrator_sees_the_newest_events_first_with_who_and_from_where(
        login_as, create_user, create_project):
    team = create_project()
    admin = create_user("Beheerder Bea", admin=True)
    login_as(team[Role.SPONSOR]).post(f"/projects/{team.project.id}/steps/1/start")  # 403
    page = login_as(admin).get("/admin/audit")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert body.index("Ingelogd") < body.index("Traject aangemaakt")  # newest first
    assert "Geweigerd: geen toegang" in body and "denied" in body  # words, then the code
    assert ">geweigerd</td>" in body and ">gelukt</td>" in body and "traject #" in body
    assert ">success<" not in body and "project #" not in body
    assert "127.0.0.1" in body and team[Role.SPONSOR].name in body
    # The project column names the project with its reference, not only its number.
    assert f">{team.project.name}</a> <span class=\"muted\">{team.project.reference}<" in body
    # A project erased since (retention) keeps its number in the trail.
    audit.record("project.update", "project", 9999, 9999, actor=admin)
    db.session.commit()
    assert "#9999 <span class=\"muted\">(verwijderd)</span>" in login_as(admin).get(
        "/admin/audit").get_data(as_text=True)


def _recorded_in_the_code() -> tuple[set[str], set[str]]:
    """Every action and object type the app writes to the trail, read from its source."""
    actions, kinds = set(), set()
    for path in (Path(ROOT) / "wasstraat").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            named = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            texts = [a.value for a in node.args[:2]
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if named in {"record", "deny"} and len(texts) == 2:
                actions.add(texts[0])
                kinds.add(texts[1])
            kinds |= {k.value.value for k in node.keywords
                      if k.arg == "object_type" and isinstance(k.value, ast.Constant)}
    return actions, kinds


def test_every_action_and_object_in_the_trail_is_named_in_dutch():
    actions, kinds = _recorded_in_the_code()
    assert "project.create" in actions and "user" in kinds  # the scan finds them
    assert sorted(actions - set(AUDIT_LABELS)) == []
    assert sorted(kinds - set(OBJECT_LABELS)) == []
    assert set(audit_log.RESULTS) == set(RESULT_LABELS)


def test_the_trail_is_filtered_by_action_person_project_result_and_dates(
        login_as, create_user, create_project):
    first, second = create_project("Eerste traject"), create_project("Tweede traject")
    admin = login_as(create_user(admin=True))
    leader = first[Role.PROJECT_LEADER]

    def shown(**query) -> set[int]:
        response = admin.get("/admin/audit", query_string=query)
        assert response.status_code == 200, response.data[:300]
        return {int(i) for i in __import__("re").findall(
            r'href="/projects/(\d+)/history"', response.get_data(as_text=True))}

    assert shown(project=second.project.id) == {second.project.id}
    assert shown(actor=leader.id) == {first.project.id}
    assert shown(action="project.create", project=first.project.id) == {first.project.id}
    assert shown(result="denied") == set()
    assert shown(since="2000-01-01", until="2000-01-02") == set()


@pytest.mark.parametrize(("query", "message"), [
    ({"since": "31-02-2026"}, "Vanaf"),
    ({"since": "2026-11-20", "until": "2026-11-01"}, "vóór de datum bij ‘Vanaf’"),
    ({"project": "-4"}, "Vul een trajectnummer in"),
    ({"action": "<script>"}, "Actie"),
    ({"actor": "iemand"}, "Wie"),
])
def test_a_wrong_filter_is_refused_with_a_message(login_as, create_user, query, message):
    admin = login_as(create_user(admin=True))
    response = admin.get("/admin/audit", query_string=query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert admin.get("/admin/audit/export.csv", query_string=query).status_code == 400


def test_pages_of_fifty(login_as, create_user, create_project):
    for n in range(3):
        create_project(f"Traject {n}")
    total = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    assert total > audit_log.PAGE_SIZE
    admin = login_as(create_user(admin=True))
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert first.count("<time ") == audit_log.PAGE_SIZE and 'rel="next"' in first
    last_page = -(-(total + 2) // audit_log.PAGE_SIZE)
    last = admin.get(f"/admin/audit?page={last_page}").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_the_export_holds_every_field_and_the_hashes_and_is_itself_recorded(
        login_as, create_user, create_project):
    team = create_project()
    admin_user = create_user(admin=True)
    admin = login_as(admin_user)
    response = admin.get("/admin/audit/export.csv", query_string={"project": team.project.id})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audittrail-')
    rows = csv_rows(response)
    stored = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.project_id == team.project.id).order_by(AuditEvent.id)).all()
    assert [int(r["id"]) for r in rows] == [e.id for e in stored]
    assert rows[0]["tijdstip_utc"].endswith("Z") and rows[0]["hash"] == stored[0].hash
    export = db.session.scalars(db.select(AuditEvent).filter_by(action="audit.export")).one()
    assert export.actor_id == admin_user.id and export.after == {"project_id": team.project.id}


def test_a_typed_formula_is_not_run_by_the_spreadsheet(login_as, create_user, create_project):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    leader.post(f"/projects/{team.project.id}/edit", data={
        "name": "=HYPERLINK(\"http://evil.example\")", "product": "Parkeervergunning",
        "process_type": "primary", "assignment": "", "version": team.project.version})
    rows = csv_rows(login_as(create_user(admin=True)).get("/admin/audit/export.csv"))
    update = next(r for r in rows if r["actie"] == "project.update")
    assert '=HYPERLINK' in update["na"] and not update["na"].startswith("=")
    assert audit_log.safe_cell("=1+1") == "'=1+1" and audit_log.safe_cell("-2") == "'-2"
    assert audit_log.safe_cell("gewoon") == "gewoon"


def test_only_administrators_read_or_export_the_trail(login_as, create_project, client):
    team = create_project()
    for role in (Role.PROJECT_LEADER, Role.PROCESS_OWNER, Role.CISO):
        member = login_as(team[role])
        assert member.get("/admin/audit").status_code == 403
        assert member.get("/admin/audit/export.csv").status_code == 403
    assert client.get("/admin/audit").status_code == 302
