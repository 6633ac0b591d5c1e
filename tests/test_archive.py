"""The record's retention by the Selectielijst (issue 35): every closed project has a class
and an archive date; the archivist draws up a destruction list of the projects past it, and
only the archivist's approval destroys them, never before the date. The list stays as the
record of what was destroyed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import login
from test_retention import closed_years_ago

from wasstraat import audit, clock
from wasstraat.archive import services as archive
from wasstraat.demo import DEMO_PASSWORD
from wasstraat.errors import InvalidInput, NotAllowed
from wasstraat.extensions import db
from wasstraat.models import (
    ArchiveClass,
    AuditEvent,
    DestructionItem,
    DestructionList,
    Notification,
    Project,
    User,
    utcnow,
)
from wasstraat.notification_kinds import Kind, Reminder
from wasstraat.notifications import reminders
from wasstraat.projects import services as projects
from wasstraat.workflow import ArchiveNomination, DestructionState, StepStatus


@pytest.fixture
def archivist(create_user) -> User:
    person = create_user("Anna Archivaris")
    person.functions = ["archivist"]
    db.session.commit()
    return person


@pytest.fixture
def closed(municipality) -> int:
    """The demo's finished project, closed eleven years ago: past the default ten."""
    done = municipality["Verhuizing doorgeven"]
    closed_years_ago(done, 11)
    return done


def record(project_id: int) -> archive.Record:
    db.session.expire_all()
    return archive.record_of(db.session.get(Project, project_id))


def actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_closed_project_is_kept_ten_years_then_destroyed_by_default(
        municipality, make_client):
    done = municipality["Verhuizing doorgeven"]
    kept = record(done)
    assert (kept.archive_class.result, kept.archive_class.term_years) == ("1.1", 10)
    assert kept.archive_class.nomination is ArchiveNomination.DESTROY
    assert kept.archive_date == archive.years_after(kept.closed_on, 10)
    assert record(municipality["Aanvraag parkeervergunning bewoners"]) is None  # still running
    member, client = db.session.get(Project, done).memberships[0].user, make_client()
    login(client, member, DEMO_PASSWORD)
    page = client.get(f"/projects/{done}").get_data(as_text=True)
    assert "Selectielijst 1.1 Ingericht: vernietigen na 10 jaar, op" in page


@pytest.mark.parametrize(("closed_on", "years", "archive_date"), [
    (date(2026, 3, 31), 10, date(2036, 3, 31)),
    (date(2028, 2, 29), 10, date(2038, 2, 28)),  # no 29 February then
    (date(2028, 2, 29), 4, date(2032, 2, 29)),
])
def test_the_archive_date_is_the_closing_day_the_term_later(closed_on, years, archive_date):
    assert archive.years_after(closed_on, years) == archive_date


def test_a_project_is_due_on_its_archive_date_not_the_day_before(closed):
    kept = record(closed)
    assert archive.due_for_destruction(kept.archive_date - timedelta(days=1)) == []
    assert [r.project.id for r in archive.due_for_destruction(kept.archive_date)] == [closed]


def test_a_class_that_keeps_the_record_never_puts_it_on_a_list(closed, archivist):
    keep = archive.add_class(archivist, process_type=1, process_type_name="Instellen",
                             result="1.2", result_name="Blijvend", term_years=1,
                             nomination=ArchiveNomination.KEEP)
    archive.set_class(db.session.get(Project, closed), keep, archivist)
    db.session.commit()
    assert archive.due_for_destruction(date(2200, 1, 1)) == []


def test_the_archivist_draws_up_the_list_approves_it_and_the_list_records_what_went(
        closed, archivist, login_as, municipality):
    client = login_as(archivist)
    overview = client.get("/archief/").get_data(as_text=True)
    assert "Verhuizing doorgeven" in overview and "Vernietigingslijst opstellen" in overview
    drawn = client.post("/archief/lists")
    assert drawn.status_code == 303
    listed = db.session.scalars(db.select(DestructionList)).one()
    assert drawn.location.endswith(f"/archief/lists/{listed.id}")
    assert db.session.get(Project, closed) is not None  # nothing goes before the approval
    assert client.post("/archief/lists").status_code == 409  # it is on a list already
    assert "Verhuizing doorgeven" in client.get(drawn.location).get_data(as_text=True)
    trail = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.project_id == closed))

    assert client.post(f"/archief/lists/{listed.id}/approve").status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, closed) is None
    item = db.session.scalars(db.select(DestructionItem)).one()
    assert (item.project_id, item.project_name, item.class_result) == (
        None, "Verhuizing doorgeven", "1.1")
    assert item.destroyed_at is not None and listed.state is DestructionState.DESTROYED
    assert listed.approver_name == "Anna Archivaris"
    page = client.get(f"/archief/lists/{listed.id}").get_data(as_text=True)
    assert "Vernietigd op" in page and "Lijst goedkeuren" not in page
    # The trail stays, with the destruction in it, and still verifies.
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.project_id == closed)) == trail + 1
    assert actions()[-3:] == ["archive.list_drawn_up", "retention.delete", "archive.destroyed"]
    assert list(audit.verify()) == []
    # Approving again changes nothing.
    again = client.post(f"/archief/lists/{listed.id}/approve")
    assert again.status_code == 409 and "al goedgekeurd" in again.get_data(as_text=True)
    assert municipality["Aanvraag parkeervergunning bewoners"] is not None


def test_nothing_is_destroyed_before_its_date_whatever_the_list_says(
        closed, archivist, login_as):
    kept = record(closed)
    closed_years_ago(closed, 9)  # closed later than the list was told: not yet due
    listed = archive.draw_up(archivist, today=kept.archive_date + timedelta(days=800))
    db.session.commit()
    refused = login_as(archivist).post(f"/archief/lists/{listed.id}/approve")
    assert refused.status_code == 409
    assert "mag nog niet worden vernietigd" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Project, closed) is not None
    assert listed.state is DestructionState.PROPOSED


def test_a_project_taken_off_the_list_stays_with_its_reason(closed, archivist, login_as):
    client = login_as(archivist)
    client.post("/archief/lists")
    listed = db.session.scalars(db.select(DestructionList)).one()
    item = listed.items[0]
    path = f"/archief/lists/{listed.id}/items/{item.id}/exclude"
    empty = client.post(path, data={f"item{item.id}-reason": "  "})
    assert empty.status_code == 422
    assert "Fout:" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert item.excluded_reason == ""
    kept = client.post(path, data={f"item{item.id}-reason": "Lopend bezwaar (Woo-verzoek)."})
    assert kept.status_code == 303
    assert client.post(f"/archief/lists/{listed.id}/approve").status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, closed) is not None
    assert item.excluded_reason == "Lopend bezwaar (Woo-verzoek)." and item.destroyed_at is None
    assert "Blijft bewaard: Lopend bezwaar" in client.get(
        f"/archief/lists/{listed.id}").get_data(as_text=True)


def test_a_project_on_an_open_list_keeps_its_class_until_the_list_is_judged(
        closed, archivist, login_as):
    client = login_as(archivist)
    client.post("/archief/lists")
    other = archive.add_class(archivist, process_type=1, process_type_name="Instellen",
                              result="1.3", result_name="Ander", term_years=20,
                              nomination=ArchiveNomination.DESTROY)
    db.session.commit()
    refused = client.post(f"/archief/projects/{closed}/class", data={"archive_class": other.id})
    assert refused.status_code == 409
    assert record(closed).archive_class.result == "1.1"


def test_the_archivist_adds_a_class_and_moves_a_project_to_it(closed, archivist, login_as):
    client = login_as(archivist)
    bad = client.post("/archief/classes/new", data={
        "process_type": "1", "process_type_name": "Instellen en inrichten organisatie",
        "result": "1,5", "result_name": "Ingericht", "term_years": "0", "nomination": "burn"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Een nummer als 1.1" in text and "Not a valid choice" not in text
    assert db.session.scalar(db.select(db.func.count(ArchiveClass.id))) == 1
    made = client.post("/archief/classes/new", data={
        "process_type": "1", "process_type_name": "Instellen en inrichten organisatie",
        "result": "1.4", "result_name": "Invoering nieuwe werkwijze", "term_years": "20",
        "nomination": "destroy"})
    assert made.status_code == 303
    longer = db.session.scalars(db.select(ArchiveClass).where(ArchiveClass.result == "1.4")).one()
    before = record(closed)
    assert client.post(f"/archief/projects/{closed}/class",
                       data={"archive_class": longer.id}).status_code == 303
    after = record(closed)
    assert after.archive_date == archive.years_after(before.closed_on, 20)
    assert not after.due(clock.today())
    assert "archive.class" in actions()


def test_only_the_archivist_reaches_the_archive(closed, archivist, create_user, login_as):
    admin = login_as(create_user("Beheerder", admin=True))
    for path in ("/archief/", f"/archief/projects/{closed}/class", "/archief/classes/new"):
        assert admin.get(path).status_code == 403
    assert admin.post("/archief/lists").status_code == 403
    assert "Archief" not in admin.get("/").get_data(as_text=True).split("<main")[0]
    assert 'href="/archief/"' in login_as(archivist).get("/").get_data(as_text=True)


def test_an_administrator_gives_the_archivist_function(create_user, login_as):
    person = create_user("Nieuwe archivaris")
    admin = login_as(create_user("Beheerder", admin=True))
    form = {"version": person.version, "name": person.name, "email": person.email,
            "active": "y"}
    unknown = admin.post(f"/admin/users/{person.id}/edit",
                         data={**form, "functions": ["archivist", "keizer"]})
    assert unknown.status_code == 422
    db.session.expire_all()
    assert person.functions == []
    sent = admin.post(f"/admin/users/{person.id}/edit", data={**form, "functions": "archivist"})
    assert sent.status_code == 303
    db.session.expire_all()
    assert person.functions == ["archivist"]
    assert "user.functions" in actions()


def test_a_reason_is_needed_to_keep_a_project_whoever_asks(closed, archivist):
    listed = archive.draw_up(archivist)
    with pytest.raises(InvalidInput):
        archive.exclude(listed.items[0], "   ", archivist)
    with pytest.raises(NotAllowed):
        archive.exclude(listed.items[0], "Bezwaar loopt", db.session.scalars(
            db.select(User).where(User.id != archivist.id)).first())


def test_a_person_whose_function_ends_no_longer_sees_the_archive(archivist, login_as):
    client = login_as(archivist)
    assert 'href="/archief/"' in client.get("/").get_data(as_text=True)
    assert 'href="/archief/"' in client.get("/").get_data(as_text=True)  # the kept page
    archivist.functions = []
    db.session.commit()
    assert 'href="/archief/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/archief/").status_code == 403


def closed_long_ago(leader: User, name: str) -> int:
    """A project of ``leader`` whose ten steps were closed eleven years ago."""
    project = projects.create_project(leader, name=name, product="Verhuizing", assignment="",
                                      process_type="primary", creator_roles=set())
    for state in project.steps:
        state.status = StepStatus.DONE
        state.closed_at = utcnow() - timedelta(days=365 * 11)
    db.session.commit()
    return project.id


def test_the_archive_asks_as_many_queries_for_many_records_as_for_one(
        closed, archivist, create_user, login_as, count_queries):
    client = login_as(archivist)
    one = count_queries(lambda: client.get("/archief/"))
    client.post("/archief/lists")
    first = db.session.scalars(db.select(DestructionList)).one()
    one_item = count_queries(lambda: client.get(f"/archief/lists/{first.id}"))
    leader = create_user("Leider")
    for n in range(4):
        closed_long_ago(leader, f"Traject {n}")
    assert count_queries(lambda: client.get("/archief/")) == one
    client.post("/archief/lists")
    second = db.session.scalars(db.select(DestructionList).where(
        DestructionList.id != first.id)).one()
    assert len(second.items) == 4
    assert count_queries(lambda: client.get(f"/archief/lists/{second.id}")) == one_item


def test_the_archivists_hear_once_when_a_record_passes_its_date(closed, archivist, login_as,
                                                                 create_user):
    other = create_user("Iemand Anders")
    listed = create_user("Tweede Archivaris")
    listed.functions = ["archivist"]
    db.session.commit()
    reminders.send_reminders()
    reminders.send_reminders()  # once per record and date, however often it runs
    told = db.session.scalars(db.select(Notification).where(
        Notification.kind == Kind.ARCHIVE)).all()
    assert len(told) == len({n.user_id for n in told})
    archivists = {u.id for u in db.session.scalars(db.select(User))
                  if u.has_function("archivist")}  # the demo's own archivist too
    assert {archivist.id, listed.id} <= archivists
    assert {n.user_id for n in told} == archivists
    assert other.id not in {n.user_id for n in told}
    inbox = login_as(archivist).get("/notifications")
    assert "over zijn archiefdatum" in inbox.text and "/archief/" in inbox.text

    # On a list, a record asks nothing more of anyone.
    archive.draw_up(archivist)
    db.session.execute(db.delete(Notification))
    db.session.commit()
    assert [d for d in reminders.due(clock.today(), 30)
            if d.reminder is Reminder.ARCHIVE_DUE] == []
