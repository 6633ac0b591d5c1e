"""The project history reads as the screens speak: Dutch field names and values, the time in
the Netherlands, grouped per day and paged, people by their current name."""

from __future__ import annotations

from datetime import UTC, datetime

from wasstraat.extensions import db
from wasstraat.models import AuditEvent, utcnow
from wasstraat.workflow import Role


def test_changes_show_field_names_and_values_as_the_screens_do(create_project, login_as):
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    pid = team.project.id
    leader.post(f"/projects/{pid}/edit", data={
        "name": "Parkeervergunning sneller", "product": "Parkeervergunning",
        "process_type": "supporting", "assignment": "Sneller en duidelijker.",
        "version": team.project.version})
    leader.post(f"/projects/{pid}/steps/1/start")
    body = login_as(team[Role.SPONSOR]).get(f"/projects/{pid}/history").get_data(as_text=True)
    assert "Stap gestart — Stap 1: Samenstellen projectgroep" in body
    assert "Niet gestart" in body and "Bezig" in body  # the status as the screens say it
    assert "Soort proces" in body and "Ondersteunend proces" in body
    assert "Parkeervergunning sneller" in body
    for raw in ("in_progress", "not_started", "process_type", "supporting", "False", "None"):
        assert raw not in body, raw


def test_people_are_named_and_times_are_local_grouped_per_day(create_project, login_as):
    team = create_project()
    pid = team.project.id
    expert = team[Role.SUBJECT_EXPERT]
    db.session.add_all([
        AuditEvent(at=datetime(2026, 1, 15, 9, 0, tzinfo=UTC), action="task.done",
                   object_type="task", object_id=1, project_id=pid, actor_id=expert.id,
                   before={"done": False}, after={"done": True, "title": "Kick-off bijwonen"}),
        # 22:30 UTC on 1 July is half past midnight on 2 July in the Netherlands (summer time).
        AuditEvent(at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC), action="task.update",
                   object_type="task", object_id=1, project_id=pid,
                   actor_id=team[Role.PROJECT_LEADER].id,
                   before={"assignee_id": None}, after={"assignee_id": expert.id}),
    ])
    db.session.commit()
    body = login_as(team[Role.SPONSOR]).get(f"/projects/{pid}/history").get_data(as_text=True)
    assert "Donderdag 2 juli 2026" in body and "00:30" in body
    assert "Donderdag 15 januari 2026" in body and "10:00" in body  # winter time, +1
    assert "Toegewezen aan</dt>" in body and expert.name in body
    assert "nee" in body and "ja" in body and "Kick-off bijwonen" in body
    assert body.index("2 juli 2026") < body.index("15 januari 2026")  # newest first


def test_the_history_is_paged(create_project, login_as):
    team = create_project()
    pid = team.project.id
    db.session.add_all([AuditEvent(at=utcnow(), action="step.notes", object_type="step",
                                   object_id=1, project_id=pid, before={"notes": ""},
                                   after={"notes": f"Notitie {n}"}) for n in range(120)])
    db.session.commit()
    sponsor = login_as(team[Role.SPONSOR])
    first = sponsor.get(f"/projects/{pid}/history").get_data(as_text=True)
    assert first.count('class="history__entry"') == 50
    assert "Notitie 119" in first and "Oudere wijzigingen" in first
    assert "Nieuwere wijzigingen" not in first
    last = sponsor.get(f"/projects/{pid}/history?page=3").get_data(as_text=True)
    assert "Nieuwere wijzigingen" in last and "Oudere wijzigingen" not in last
    assert "Notitie 0" in last and "Notitie 20" not in last
    assert sponsor.get(f"/projects/{pid}/history?page=0").status_code == 404
    assert sponsor.get(f"/projects/{pid}/history?page=99999999999").status_code == 400
