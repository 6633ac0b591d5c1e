"""Do we work as agreed? A log built from the desired process, with deviations planted in
known shares, is checked against it: the rates, the shares and their effect on the lead time
are the planted ones, and an accepted deviation counts as conforming."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from test_api import bearer, token_for
from test_desired_process import activity
from test_exports import open_docx
from test_implementation import put_in_step
from test_mining import before_and_after

from wasstraat.extensions import db
from wasstraat.mining import analysis, conformance
from wasstraat.mining.conformance import Deviation, ModelActivity
from wasstraat.mining.parse import Event
from wasstraat.models import AcceptedDeviation, AuditEvent, EventLogFilter, ProcessStep
from wasstraat.process import services as process
from wasstraat.workflow import Role, Step

MODEL = [ModelActivity("Ontvangen"), ModelActivity("Controleren"),
         ModelActivity("Beoordelen"), ModelActivity("Besluiten")]
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def planted(cases: int = 1_000):
    """10% without Beoordelen (6 days), 5% with Controleren twice (14 days), 3% with
    Beoordelen after Besluiten (10 days); the rest as the model says (10 days)."""
    for n in range(cases):
        if n % 100 < 10:
            path, days = ["Ontvangen", "Controleren", "Besluiten"], 6
        elif n % 100 < 15:
            path, days = ["Ontvangen", "Controleren", "Controleren", "Beoordelen",
                          "Besluiten"], 14
        elif n % 100 < 18:
            path, days = ["Ontvangen", "Controleren", "Besluiten", "Beoordelen"], 10
        else:
            path, days = ["Ontvangen", "Controleren", "Beoordelen", "Besluiten"], 10
        begin = START + timedelta(hours=n)
        step = timedelta(days=days) / (len(path) - 1)
        for number, name in enumerate(path):
            yield Event(f"Z{n}", name, (begin + number * step).timestamp())


def checked(accepted: frozenset[str] = frozenset()) -> conformance.Conformance:
    _result, table = analysis.analyse_with_cases(planted())
    return conformance.check(table, MODEL, set(accepted))


def test_the_planted_deviations_come_back_with_their_shares_and_effects():
    result = checked()
    assert result.cases == 1_000 and result.rate == pytest.approx(0.82)
    shares = {s.deviation: s for s in result.deviations}
    missing = shares[Deviation("missing", "Beoordelen")]
    repeated = shares[Deviation("repeated", "Controleren")]
    order = shares[Deviation("order", "Beoordelen", "Besluiten")]
    assert (missing.share, repeated.share, order.share) == pytest.approx((0.10, 0.05, 0.03))
    assert (missing.lead_with, missing.lead_without) == (6.0, 10.0)
    assert (repeated.lead_with, repeated.lead_without) == (14.0, 10.0)
    assert [s.deviation for s in result.deviations][0] == Deviation("missing", "Beoordelen")
    [(path, cases)] = result.commonest_paths  # the cases of the commonest deviation
    assert path == ["Ontvangen", "Controleren", "Besluiten"] and cases == 100
    assert result.unmatched == []


def test_an_accepted_deviation_moves_its_cases_to_conforming():
    key = Deviation("missing", "Beoordelen").key
    result = checked(frozenset({key}))
    assert result.rate == pytest.approx(0.92)
    accepted = {s.deviation: s.accepted for s in result.deviations}
    assert accepted[Deviation("missing", "Beoordelen")] is True
    assert accepted[Deviation("repeated", "Controleren")] is False


def test_what_the_model_allows_is_no_deviation():
    model = [ModelActivity("Ontvangen"), ModelActivity("Controleren", may_repeat=True),
             ModelActivity("Beoordelen", optional=True),
             ModelActivity("Besluiten", parallel=True)]
    names = conformance.matched(["ontvangen ", "Controleren", "Beoordelen", "Besluiten",
                                 "Archiveren"], model)
    assert names["ontvangen "] == "Ontvangen" and names["Archiveren"] is None
    allowed = ["ontvangen ", "Controleren", "Controleren", "Besluiten", "Beoordelen"]
    assert conformance.deviations(allowed, model, names) == frozenset()
    # A repeat is judged by its count, not its place: going back to Controleren is rework
    # the model allows here, not a step out of order.
    back = ["ontvangen ", "Controleren", "Besluiten", "Controleren"]
    assert conformance.deviations(back, model, names) == frozenset()
    outside = conformance.deviations(["ontvangen ", "Archiveren", "Besluiten", "Controleren"],
                                     model, names)
    assert outside == {Deviation("extra", "Archiveren"),
                       Deviation("order", "Controleren", "Besluiten")}
    assert conformance.deviations(["Controleren"], model, names) == {
        Deviation("missing", "Ontvangen"), Deviation("missing", "Besluiten")}


def test_an_activity_out_of_order_names_the_first_later_one_it_came_after():
    model = [ModelActivity("Ontvangen"), ModelActivity("Beoordelen"),
             ModelActivity("Advies", parallel=True), ModelActivity("Besluiten")]
    names = conformance.matched(["Ontvangen", "Beoordelen", "Advies", "Besluiten"], model)
    found = conformance.deviations(["Beoordelen", "Advies", "Ontvangen", "Besluiten"], model,
                                   names)
    assert found == {Deviation("order", "Ontvangen", "Beoordelen")}


# --- In the method ------------------------------------------------------------------------------

DESIRED = ["Aanvraag ontvangen", "Volledigheid controleren", "Kenteken controleren",
           "Beoordelen", "Besluit nemen", "Besluit verzenden"]


def test_the_team_declares_the_model_on_the_desired_process_page(create_project, login_as):
    team = create_project()
    put_in_step(team, Step.ADJUST)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    sent = advisor.post(f"/projects/{team.project.id}/process/desired", data={
        **activity("Kenteken controleren"), "optional": "y", "may_repeat": "y"})
    assert sent.status_code == 303
    step = process.steps_of(team.project, process.DESIRED)[0]
    assert (step.optional, step.may_repeat, step.parallel) == (True, True, False)
    # The current process is no model: the same fields are not kept there.
    put_in_step(team, Step.PROCESS)
    advisor.post(f"/projects/{team.project.id}/process", data={
        **activity("Aanvraag ontvangen"), "optional": "y"})
    assert process.steps_of(team.project)[0].optional is False


def with_desired_process(create_project, names: list[str] = DESIRED):
    """A project whose desired process (step 8) has these activities, in order."""
    team = create_project()
    for position, name in enumerate(names, start=1):
        db.session.add(ProcessStep(project_id=team.project.id, position=position,
                                   activity=name, variant=process.DESIRED))
    db.session.commit()
    return team


def test_the_log_after_the_change_is_checked_against_the_desired_process(
        create_project, login_as):
    team = with_desired_process(create_project)
    put_in_step(team, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    _before, after = before_and_after(advisor, team, 100)
    page = f"/projects/{team.project.id}/event-logs/{after.id}"
    text = html.unescape(advisor.get(page).get_data(as_text=True))
    # The process after the change skips the licence-plate check the model requires.
    assert "0% van de zaken volgt het gewenste proces van stap 8 (0 van 100)" in text
    assert "„Kenteken controleren” ontbreekt" in text
    kenteken = db.session.scalar(db.select(ProcessStep).where(
        ProcessStep.activity == "Kenteken controleren"))
    kenteken.optional = True
    db.session.commit()
    text = html.unescape(advisor.get(page).get_data(as_text=True))
    assert "100% van de zaken volgt het gewenste proces van stap 8 (100 van 100)" in text
    # A filter applies to the check too: the slowest 10% of the cases.
    advisor.post(f"{page}/filters", data={"name": "Traag", "slowest": "10"})
    row = db.session.scalar(db.select(EventLogFilter))
    text = html.unescape(advisor.get(f"{page}?filter={row.id}").get_data(as_text=True))
    assert "(10 van 10)" in text and "Van de zaken in het filter „Traag”." in text


def test_the_team_matches_the_logs_names_to_the_desired_process(create_project, login_as):
    team = with_desired_process(create_project,
                                ["Aanvraag binnen", "Controle", "Besluit", "Verzending"])
    put_in_step(team, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    _before, after = before_and_after(advisor, team, 50)
    page = f"/projects/{team.project.id}/event-logs/{after.id}"
    text = html.unescape(advisor.get(page).get_data(as_text=True))
    assert "0% van de zaken volgt" in text and "niet in het gewenste proces staan" in text
    log_names = sorted(after.result["activities"])
    fields = {f"name_{n}": "" for n in range(len(log_names))}
    chosen = {"Aanvraag ontvangen": "Aanvraag binnen", "Volledigheid controleren": "Controle",
              "Beoordelen": "Controle", "Besluit nemen": "Besluit",
              "Besluit verzenden": "Verzending"}
    for n, name in enumerate(log_names):
        fields[f"name_{n}"] = chosen[name]
    sponsor = login_as(team[Role.SPONSOR])
    assert sponsor.post(page + "/names", data=fields).status_code == 403
    refused = advisor.post(page + "/names", data={**fields, "name_0": "Iets anders"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert "model_names" not in db.session.get(type(after), after.id).mapping
    assert advisor.post(page + "/names", data=fields).status_code == 303
    text = html.unescape(advisor.get(page).get_data(as_text=True))
    # Controle twice in every case (checking, then assessing): rework the model forbids.
    assert "„Controle” meer dan eens (herhaald werk)" in text
    assert "door het team gekoppeld" in text
    db.session.expire_all()
    assert db.session.get(type(after), after.id).mapping["model_names"] == chosen


def test_the_process_owner_accepts_a_deviation_with_the_reason(create_project, login_as):
    team = with_desired_process(create_project)
    put_in_step(team, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    _before, after = before_and_after(advisor, team, 40)
    page = f"/projects/{team.project.id}/event-logs/{after.id}"
    key = Deviation("missing", "Kenteken controleren").key
    accept = page + "/deviations"
    owner = login_as(team[Role.PROCESS_OWNER])
    assert 'name="key"' in owner.get(page).get_data(as_text=True)
    assert advisor.post(accept, data={"key": key, "reason": "Mag"}).status_code == 403
    assert owner.post(accept, data={"key": key, "reason": " "}).status_code == 422
    assert owner.post(accept, data={"key": '["maybe", "x", ""]',
                                    "reason": "Mag"}).status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(AcceptedDeviation)) == 0
    reason = "De RDW-koppeling controleert het kenteken nu bij de aanvraag."
    assert owner.post(accept, data={"key": key, "reason": reason}).status_code == 303
    text = html.unescape(owner.get(page).get_data(as_text=True))
    assert "100% van de zaken volgt het gewenste proces van stap 8 (40 van 40)" in text
    assert f"„Kenteken controleren” ontbreekt: {reason}" in text
    assert owner.post(accept, data={"key": key, "reason": reason}).status_code == 409
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "conformance.accept")).one()
    assert event.after == {"deviation": "„Kenteken controleren” ontbreekt", "reason": reason}


def test_the_evaluation_and_the_implementation_plan_say_how_many_cases_conform(
        create_project, login_as):
    team = with_desired_process(create_project)
    put_in_step(team, Step.PROCESS)
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    before_and_after(advisor, team, 30)
    evaluation = html.unescape(advisor.get(
        f"/projects/{team.project.id}/implementation/evaluation").get_data(as_text=True))
    assert "0% van de zaken volgt het gewenste proces van stap 8 (0 van 30)." in evaluation
    assert "Meest voorkomende afwijking: „Kenteken controleren” ontbreekt (100% van de " \
           "zaken)." in evaluation
    document = open_docx(advisor.get(
        f"/projects/{team.project.id}/documents/implementation-plan.docx"))
    text = "\n".join([p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "0% van de zaken na de verandering volgt het gewenste proces (0 van 30)." in text
    assert "„Kenteken controleren” ontbreekt" in text
    # And the borging, once the project is closed: with the way to import a new log there.
    put_in_step(team, Step.EXECUTION)
    for state in team.project.steps:
        state.status = "done"
    db.session.commit()
    borging = html.unescape(advisor.get(f"/projects/{team.project.id}/borging").get_data(
        as_text=True))
    assert "0% van de zaken volgt het gewenste proces van stap 8 (0 van 30)." in borging
    assert "Eventlog importeren" in borging


def test_the_api_gives_the_rate_and_the_deviations(create_project, login_as, client):
    team = with_desired_process(create_project)
    path = f"/api/v1/projects/{team.project.id}/conformance"
    sponsor = bearer(token_for(team[Role.SPONSOR]))
    nothing = client.get(path, headers=sponsor).get_json()
    assert nothing == {"checked": False, "cases": 0, "conforming": 0, "rate": None,
                       "deviations": [], "unmatched": []}
    put_in_step(team, Step.PROCESS)
    before_and_after(login_as(team[Role.PROCESS_ADVISOR]), team, 20)
    body = client.get(path, headers=sponsor).get_json()
    assert (body["checked"], body["cases"], body["rate"]) == (True, 20, 0.0)
    assert body["deviations"][0] == {
        "kind": "missing", "activity": "Kenteken controleren", "after": None, "cases": 20,
        "share": 1.0, "leadTimeWith": body["deviations"][0]["leadTimeWith"],
        "leadTimeWithout": None, "accepted": False}
    outsider = bearer(token_for(team.outsider))
    assert client.get(path, headers=outsider).status_code in (403, 404)


def test_the_paths_of_a_deviation_come_commonest_first():
    dev = Deviation("missing", "Beoordelen")
    assert conformance._paths_with(dev, [["Ontvangen"], ["Besluiten"]], [{dev}, {dev}],
                                   [1, 5]) == [(["Besluiten"], 5), (["Ontvangen"], 1)]
