"""Which cases to look at: named filters on a log (period, path, kept attributes, the slowest
share), stacked, and applied alike to both logs of a before-and-after comparison, which
refuses, with the reason, what cannot apply to both."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from conftest import put_in_step
from test_mining import GENERATED, choose, latest, team, upload  # noqa: F401

from wasstraat.extensions import db
from wasstraat.mining import analysis, filters, generate, statistics
from wasstraat.mining.filters import Criteria, FilterMismatch
from wasstraat.mining.parse import Event
from wasstraat.models import AuditEvent, EventLog, EventLogCases, EventLogFilter
from wasstraat.workflow import Role, Step

ZONE = ZoneInfo("Europe/Amsterdam")


def ten_cases() -> analysis.CaseTable:
    """Case n (0-9) begins on 1 March + 6n days, takes n + 1 days; even cases go
    A → B by "Balie", odd ones A → C → B "Digitaal"."""
    events = []
    for n in range(10):
        begin = datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(days=6 * n)
        path = ["A", "B"] if n % 2 == 0 else ["A", "C", "B"]
        channel = "Balie" if n % 2 == 0 else "Digitaal"
        step = timedelta(days=n + 1) / (len(path) - 1)
        events += [Event(f"Z{n}", name, (begin + i * step).timestamp(),
                         attributes=(channel, f"Z{n}")) for i, name in enumerate(path)]
    return analysis.analyse_with_cases(events, attributes=("kanaal", "nummer"))[1]


def chosen(criteria: Criteria, table: analysis.CaseTable | None = None) -> list[int]:
    table = table or ten_cases()
    return np.flatnonzero(filters.selected(table, criteria, ZONE, table.lead)).tolist()


def test_each_filter_selects_the_cases_it_names_and_they_stack():
    assert chosen(Criteria(date(2026, 3, 1), date(2026, 3, 31))) == [0, 1, 2, 3, 4, 5]
    assert chosen(Criteria(first_day=date(2026, 4, 1))) == [6, 7, 8, 9]
    assert chosen(Criteria(path=("A", "C", "B"), path_steps=3)) == [1, 3, 5, 7, 9]
    assert chosen(Criteria(attributes=(("kanaal", ("Balie",)),))) == [0, 2, 4, 6, 8]
    assert chosen(Criteria(slowest=20)) == [8, 9]
    # Stacked: the slowest share is of what the others leave.
    assert chosen(Criteria(last_day=date(2026, 3, 31), attributes=(("kanaal", ("Balie",)),),
                           slowest=34)) == [4]
    # A case exactly at the threshold counts as slow: the median of 1, 3 and 5 days is 3.
    assert chosen(Criteria(last_day=date(2026, 3, 31), attributes=(("kanaal", ("Balie",)),),
                           slowest=50)) == [2, 4]
    assert chosen(Criteria(attributes=(("kanaal", ("Loket",)),))) == []


def test_a_column_with_many_values_is_not_kept_and_case_numbers_never():
    table = ten_cases()
    assert table.attribute_names.tolist() == ["kanaal"]  # "nummer" had a value per case...
    many = [Event(f"Z{n}", "A", float(n), attributes=(f"Z{n}",)) for n in range(60)]
    result, cases = analysis.analyse_with_cases(many, attributes=("nummer",))
    assert result["attributes"] == [] and result["attributes_dropped"] == ["nummer"]
    assert b"Z1" not in cases.packed()  # ...and none of its values is stored
    with pytest.raises(FilterMismatch, match="geen kenmerk „nummer”"):
        chosen(Criteria(attributes=(("nummer", ("Z1",)),)), table)


def test_the_kept_attributes_survive_packing_and_a_subset():
    table = analysis.CaseTable.unpacked(ten_cases().packed())
    codes, labels = table.attribute("kanaal")
    assert labels == ["Balie", "Digitaal"] and codes.tolist() == [0, 1] * 5
    odd = table.subset(np.arange(10) % 2 == 1)
    assert odd.attribute("kanaal")[0].tolist() == [1] * 5 and len(odd.lead) == 5
    summary = filters.summary(table, np.arange(10) % 2 == 1, table.lead)
    assert summary["cases"] == 5 and summary["of"] == 10
    assert summary["lead_time"]["median"] == 6.0  # cases 1, 3, 5, 7, 9 take 2 to 10 days
    assert summary["paths"] == [{"activities": ["A", "C", "B"], "steps": 3, "cases": 5,
                                 "lead_time": 6.0}]


def test_the_case_mix_of_a_filtered_comparison_is_of_the_selected_cases():
    events = []
    for n in range(10):
        path = ["A", "B"] if n % 2 == 0 else ["A", "C", "B"]
        events += [Event(f"Z{n}", name, 86_400.0 * (n + i)) for i, name in enumerate(path)]
    result, table = analysis.analyse_with_cases(events)
    even = table.subset(np.arange(10) % 2 == 0)
    mix = statistics.case_mix(even, even, result, result, ZONE)
    assert mix["paths"] == [{"activities": ["A", "B"], "before": 1.0, "after": 1.0}]


def test_a_comparison_refuses_a_period_and_a_changed_calendar():
    with pytest.raises(FilterMismatch, match="eigen periode"):
        filters.comparable(Criteria(first_day=date(2026, 3, 1)), ({}, {}), working=False)
    ours = {"working": {"calendar": "08:30-17:00/abc"}}
    theirs = {"working": {"calendar": "08:00-16:00/abc"}}
    filters.comparable(None, (ours, theirs), working=False)  # in calendar days: no matter
    with pytest.raises(FilterMismatch, match="werkkalender"):
        filters.comparable(None, (ours, theirs), working=True)
    filters.comparable(None, (ours, dict(ours)), working=True)


# --- In the app -----------------------------------------------------------------------------

WITH_CHANNEL = {**GENERATED, "attributes": ["kanaal"]}


def logs_with_channel(advisor, team, cases: int = 200) -> tuple[EventLog, EventLog]:
    upload(advisor, team, "".join(generate.csv_text(generate.cases(cases))))
    assert choose(advisor, latest(), **WITH_CHANNEL).status_code == 303
    before = latest()
    put_in_step(team.project, Step.EXECUTION)
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    upload(advisor, team, "".join(generate.csv_text(generate.cases(
        cases, after=True, seed=3, start=start))), purpose="after", name="na.csv")
    assert choose(advisor, latest(), **WITH_CHANNEL).status_code == 303
    return before, latest()


def add_filter(client, log: EventLog, **fields):
    return client.post(f"/projects/{log.project_id}/event-logs/{log.id}/filters",
                       data={"name": "Balie", **fields})


def balie_cases(cases: int) -> int:
    return sum(generate.channel(f"Z-{2026_000_000 + n}") == "Balie" for n in range(cases))


def test_the_team_keeps_a_channel_column_and_filters_the_comparison_on_it(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    before, after = logs_with_channel(advisor, team)
    assert after.mapping["attributes"] == ["kanaal"]
    counts = dict(map(tuple, after.result["attributes"][0]["values"]))
    assert counts == {"Digitaal": 200 - balie_cases(200), "Balie": balie_cases(200)}
    saved = add_filter(advisor, after, attribute_0="Balie")
    assert saved.status_code == 303 and "filter=" in saved.location
    row = db.session.scalar(db.select(EventLogFilter))
    assert row.criteria["attributes"] == {"kanaal": ["Balie"]}
    text = html.unescape(advisor.get(saved.location).get_data(as_text=True))
    assert f"{balie_cases(200)} van 200" in text
    assert "in elk van beide logs kiest" in text
    db.session.expire_all()
    kept = db.session.get(EventLog, after.id).comparison
    [key] = [key for key in kept if key.count(":") == 2]  # made for the filter, kept apart
    change = kept[key]["change"]
    assert change["cases_before"] == change["cases_after"] == balie_cases(200)
    # The sponsor reads the filtered page, but cannot make or remove filters.
    sponsor = login_as(team[Role.SPONSOR])
    assert sponsor.get(saved.location).status_code == 200
    assert add_filter(sponsor, after, name="Ander", attribute_0="Digitaal").status_code == 403
    assert sponsor.post(f"/projects/{team.project.id}/event-logs/{after.id}/filters/"
                        f"{row.id}/delete").status_code == 403
    audit = db.session.scalars(db.select(AuditEvent.action)
                               .where(AuditEvent.action.like("event_log.filter%"))).all()
    assert audit == ["event_log.filter"]


def test_what_cannot_apply_to_both_logs_is_refused_with_the_reason(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    before, after = logs_with_channel(advisor, team, 120)
    page = f"/projects/{team.project.id}/event-logs/{after.id}"
    assert add_filter(advisor, after, name="September",
                      first_day="2026-09-01", last_day="2026-09-30").status_code == 303
    text = html.unescape(advisor.get(latest_filter_page(page)).get_data(as_text=True))
    assert "Geen vergelijking:" in text and "eigen periode" in text
    # The log before did not keep the channel: the filter cannot apply to it.
    before.result = {**before.result, "attributes": []}
    table = analysis.CaseTable.unpacked(db.session.get(EventLogCases, before.id).data)
    db.session.get(EventLogCases, before.id).data = analysis.CaseTable(
        table.start, table.lead, table.lead_working, table.variant, table.path,
        table.path_steps, table.path_offsets, table.activities).packed()
    db.session.commit()
    assert add_filter(advisor, after, attribute_0="Balie").status_code == 303
    text = html.unescape(advisor.get(latest_filter_page(page)).get_data(as_text=True))
    assert "Het eventlog van voor de verandering heeft geen kenmerk „kanaal”" in text
    # The slowest 1% of 120 cases leaves too few to compare.
    assert add_filter(advisor, after, name="Traagst", slowest="1").status_code == 303
    text = html.unescape(advisor.get(latest_filter_page(page)).get_data(as_text=True))
    assert "te weinig om te vergelijken" in text


def latest_filter_page(page: str) -> str:
    db.session.expire_all()
    row = db.session.scalars(db.select(EventLogFilter).order_by(EventLogFilter.id.desc())
                             ).first()
    return f"{page}?filter={row.id}"


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": ""}, "Geef het filter een naam."),
    ({"slowest": "0"}, "Kies een getal van 1 tot 99."),
    ({"slowest": "100"}, "Kies een getal van 1 tot 99."),
    ({"first_day": "2026-05-01", "last_day": "2026-04-01"}, "De einddatum ligt vóór"),
    ({}, "Kies minstens één filter"),
    ({"attribute_0": "Loket"}, "'Loket' is een ongeldige keuze voor dit veld."),
    ({"path": "999"}, "Ongeldige keuze."),
])
def test_a_filter_that_makes_no_sense_is_refused_at_its_field(team, login_as, fields,
                                                                message):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, "".join(generate.csv_text(generate.cases(30))))
    choose(advisor, latest(), **WITH_CHANNEL)
    log = latest()
    refused = add_filter(advisor, log, **fields)
    assert refused.status_code == 422
    text = html.unescape(refused.get_data(as_text=True))
    assert message in text
    assert db.session.scalar(db.select(db.func.count()).select_from(EventLogFilter)) == 0


def test_a_name_is_used_once_per_log_and_a_filter_can_be_removed(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, "".join(generate.csv_text(generate.cases(30))))
    choose(advisor, latest(), **WITH_CHANNEL)
    log = latest()
    assert add_filter(advisor, log, slowest="10").status_code == 303
    again = add_filter(advisor, log, name="balie", slowest="20")
    assert again.status_code == 422 and "al een filter met deze naam" in again.get_data(
        as_text=True)
    row_id = db.session.scalar(db.select(EventLogFilter.id))
    page = f"/projects/{team.project.id}/event-logs/{log.id}"
    assert advisor.get(f"{page}?filter={row_id + 1}").status_code == 404
    assert advisor.get(f"{page}?filter=x").status_code == 404
    gone = advisor.post(f"{page}/filters/{row_id}/delete")
    assert gone.status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(EventLogFilter)) == 0
    assert advisor.post(f"{page}/filters/{row_id}/delete").status_code == 404


def test_attribute_columns_are_never_the_case_or_the_names(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, "".join(generate.csv_text(generate.cases(10))))
    log = latest()
    for attributes in (["zaaknummer"], ["behandelaar"]):
        refused = choose(advisor, log, **GENERATED, attributes=attributes)
        assert refused.status_code == 422, attributes
        assert "geen kenmerk om op te filteren" in html.unescape(refused.get_data(as_text=True))
    # Teams in the resource column are no personal data: kept as an attribute.
    assert choose(advisor, log, **GENERATED, resource_kind="team",
                  attributes=["behandelaar", "kanaal"]).status_code == 303
    assert [a["name"] for a in latest().result["attributes"]] == ["behandelaar", "kanaal"]


def test_the_filtered_page_reads_the_same_whatever_the_number_of_filters(
        team, login_as, count_queries):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    _before, after = logs_with_channel(advisor, team, 40)
    add_filter(advisor, after, attribute_0="Balie")
    page = latest_filter_page(f"/projects/{team.project.id}/event-logs/{after.id}")
    advisor.get(page)  # the comparison is made once, then kept
    few = count_queries(lambda: advisor.get(page))
    for n in range(5):
        add_filter(advisor, after, name=f"Traag {n}", slowest=str(10 + n))
    advisor.get(page)
    assert count_queries(lambda: advisor.get(page)) == few
