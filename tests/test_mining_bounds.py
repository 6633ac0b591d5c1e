"""An event log costs what its events cost, whatever the file: many distinct activities are
refused or taken together, every value has a length, the encoding is read from the whole
file, ties keep the file's order, and refusals of XML say in Dutch what and where."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import BACKEND
from test_mining import AMSTERDAM, HEADER, MAPPING, choose, latest, read, team, upload  # noqa: F401

from wasstraat import jobs
from wasstraat.extensions import db
from wasstraat.mining import analysis, parse, services
from wasstraat.models import AuditEvent, EventLogFile, utcnow
from wasstraat.workflow import Role


def many_activities(count: int) -> str:
    """A log whose activity column holds a description: every row another activity."""
    return HEADER + "".join(f"Z{n % 7};Omschrijving {n};02-03-2026 09:{n % 60:02d};;\n"
                            for n in range(count))


def test_a_log_with_more_distinct_activities_than_the_bound_is_refused_as_soon_as_it_shows():
    read_so_far = []

    def events():
        for event in parse.read_csv(io.BytesIO(many_activities(100_000).encode()), MAPPING,
                                    encoding="utf-8", delimiter=";", zone=AMSTERDAM):
            read_so_far.append(event)
            yield event

    with pytest.raises(parse.LogError) as refused:
        analysis.analyse(events())
    assert f"meer dan {analysis.MAX_ACTIVITIES} verschillende activiteiten" in str(refused.value)
    assert len(read_so_far) == analysis.MAX_ACTIVITIES + 1  # not a row further


def test_or_the_rarest_activities_are_taken_together_as_the_team_chose():
    common = HEADER + "".join(f"Z{n};Ontvangen;02-03-2026 09:00;;\nZ{n};Besluiten;"
                              f"03-03-2026 09:00;;\n" for n in range(50))
    data = (many_activities(3_000) + common[len(HEADER):]).encode()  # the common ones last
    result = analysis.analyse(parse.read_csv(io.BytesIO(data), MAPPING, encoding="utf-8",
                                             delimiter=";", zone=AMSTERDAM), group_rare=True)
    assert len(result["activities"]) == analysis.MAX_ACTIVITIES
    assert result["grouped_activities"] == 3_002 - (analysis.MAX_ACTIVITIES - 1)
    assert result["activities"]["Ontvangen"]["count"] == 50  # the common ones keep their name
    other = result["activities"][f"Overige activiteiten ({result['grouped_activities']} "
                                 "samengevoegd)"]
    assert other["count"] == 3_000 - (analysis.MAX_ACTIVITIES - 3)
    assert result["events"] == 3_100


def test_a_variant_keeps_its_first_steps_and_counts_the_rest():
    steps = 3 * analysis.VARIANT_STEPS_KEPT
    text = HEADER + "".join(f"Z1;Stap {n % 5};2026-03-02T{9 + n // 60:02d}:{n % 60:02d}:00;;\n"
                            for n in range(steps))
    [variant] = read(text)["variants"]
    assert variant["steps"] == steps
    assert len(variant["activities"]) == analysis.VARIANT_STEPS_KEPT


def test_events_at_the_same_moment_keep_the_order_of_the_file_within_their_case():
    text = HEADER + ("Z1;Besluiten;02-03-2026 09:00;;\n"  # Besluiten is seen first in the file
                     "Z2;Ontvangen;02-03-2026 09:00;;\n"
                     "Z2;Besluiten;02-03-2026 09:00;;\n")
    variants = [v["activities"] for v in read(text)["variants"]]
    assert ["Ontvangen", "Besluiten"] in variants  # not Besluiten → Ontvangen, never in the file


def test_a_long_activity_name_or_xes_value_is_refused_with_where():
    with pytest.raises(parse.LogError) as refused:
        read(HEADER + f"Z1;{'A' * (parse.MAX_NAME + 1)};02-03-2026 09:00;;\n")
    assert refused.value.line == 2 and "langer dan 200 tekens" in str(refused.value)
    huge = "x" * (parse.MAX_FIELD + 1)
    xes = (f'<log><trace><string key="concept:name" value="Z1"/><event>'
           f'<string key="concept:name" value="A"/><string key="note" value="{huge}"/>'
           f'<date key="time:timestamp" value="2026-03-02T09:00:00"/></event></trace></log>')
    with pytest.raises(parse.LogError, match="langer dan 10000 tekens"):
        analysis.analyse(parse.read_xes(io.BytesIO(xes.encode()), AMSTERDAM))


def test_the_encoding_is_decided_from_the_whole_file():
    rows = "".join(f"Z{n};Ontvangen;02-03-2026 09:00;;Ans\n" for n in range(6_000))
    late = (HEADER + rows + "Z9;Controle – één;02-03-2026 10:00;;Zoë\n").encode("cp1252")
    assert len(late) > parse.SAMPLE_BYTES  # the "ë" lies beyond the first 64 KB
    assert parse.detect_encoding(late) == "cp1252"
    assert "Controle – één" in read(late)["activities"]
    # A byte that is neither UTF-8 nor Windows-1252, past the first megabyte read: refused
    # at its own line.
    broken = (HEADER + rows * 7).encode() + b"Z9;Ontvangen\x81;02-03-2026 10:00;;Ans\n"
    assert len(broken) > 1 << 20
    with pytest.raises(parse.LogError) as refused:
        parse.detect_encoding(broken)
    assert refused.value.line == 42_002


def test_xml_that_declares_a_dtd_is_refused_in_dutch_at_its_line():
    xml = b'<?xml version="1.0"?>\n\n<!DOCTYPE log [<!ELEMENT log ANY>]>\n<log></log>'
    with pytest.raises(parse.LogError) as refused:
        analysis.analyse(parse.read_xes(io.BytesIO(xml), AMSTERDAM))
    assert refused.value.line == 3
    assert "DTD" in str(refused.value) and "Forbidden" not in str(refused.value)
    with pytest.raises(parse.LogError) as cut_off:
        analysis.analyse(parse.read_xes(io.BytesIO(b"<log>\n<trace>\n"), AMSTERDAM))
    assert "houdt op" in str(cut_off.value) and cut_off.value.line == 3


def test_the_period_is_in_the_organisations_days(team, login_as):
    """Events at 00:30 on 24 October and 23:30 on 26 October, Dutch time, are 22:30 UTC on
    the 23rd and 21:30 UTC on the 26th: the period is 24 to 26 October all the same."""
    text = HEADER + ("Z1;Ontvangen;2026-10-24T00:30:00+02:00;;\n"
                     "Z1;Besluiten;2026-10-26T23:30:00+01:00;;\n")
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, text)
    choose(advisor, latest())
    log = latest()
    assert datetime.fromtimestamp(log.result["first"], UTC).day == 23
    assert services.period(log) == (date(2026, 10, 24), date(2026, 10, 26))
    page = advisor.get(f"/projects/{team.project.id}/event-logs/{log.id}")
    assert "24 oktober 2026 – 26 oktober 2026" in page.get_data(as_text=True)


def test_the_team_chooses_at_the_upload_to_take_rare_activities_together(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    sent = advisor.post(f"/projects/{team.project.id}/event-logs/new/current", data={
        "log": (io.BytesIO(many_activities(600).encode()), "export.csv"), "group_rare": "y"},
        content_type="multipart/form-data")
    assert sent.status_code == 303
    choose(advisor, latest(), resource="")
    log = latest()
    assert log.status == "done" and log.result["grouped_activities"] == 101
    page = advisor.get(f"/projects/{team.project.id}/event-logs/{log.id}")
    assert "101 zeldzame activiteiten zijn samen geteld" in page.get_data(as_text=True)

    upload(advisor, team, many_activities(600))  # not chosen: refused, with the way out
    choose(advisor, latest(), resource="")
    refused = latest()
    assert refused.status == "failed" and "zeldzame activiteiten" in refused.error


PLANTED_CASE, PLANTED_NAME = "ZX-PLANTED-4711", "Wilhelmina Testpersoon"
PLANTED = HEADER + "".join(f"{PLANTED_CASE}-{n};Ontvangen;02-03-2026 09:00;;{PLANTED_NAME}\n"
                           for n in range(200))


def test_an_upload_left_at_the_columns_screen_is_removed_after_a_day(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, PLANTED)
    log = latest()
    assert log.status == "uploaded" and PLANTED_NAME in str(log.mapping["sample"])
    assert jobs.periodic_work().abandoned_logs == 0  # not a day yet
    run = jobs.periodic_work(utcnow() + services.ABANDONED_AFTER + timedelta(minutes=1))
    assert run.abandoned_logs == 1
    log = latest()
    assert log.status == "failed" and "niet binnen een dag gekozen" in log.error
    assert log.mapping["sample"] == [] and PLANTED_NAME not in str(log.mapping)
    assert db.session.scalar(db.select(db.func.count()).select_from(EventLogFile)) == 0
    assert db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "event_log")).all()[-1] == "event_log.abandoned"


@pytest.mark.skipif(BACKEND != "sqlite", reason="reads the SQLite database files")
def test_a_read_log_leaves_no_case_number_or_name_in_the_database_files(
        team, login_as, database_url):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, PLANTED)
    upload(advisor, team, PLANTED)
    choose(advisor, latest())  # the second read; the first abandoned
    jobs.periodic_work(utcnow() + services.ABANDONED_AFTER + timedelta(minutes=1))
    assert latest().status == "done"
    db.session.remove()
    path = Path(database_url.removeprefix("sqlite:///"))
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    assert path in files
    for file in files:
        content = file.read_bytes()
        assert PLANTED_CASE.encode() not in content, file.name
        assert PLANTED_NAME.encode() not in content, file.name
