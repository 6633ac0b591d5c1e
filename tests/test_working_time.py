"""Durations in the organisation's working days: office hours on weekdays that are neither a
Dutch public holiday nor one of the organisation's closing days."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from conftest import OFFICE_HOURS
from test_mining import a_kpi, choose, latest, read_with, team, upload  # noqa: F401

from wasstraat.extensions import db
from wasstraat.models import Kpi
from wasstraat.workflow import Role
from wasstraat.working_time import WorkingCalendar, organisation_calendar

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STANDARD = WorkingCalendar()  # 08:30 to 17:00: a working day of 8,5 hours


def moment(*parts: int) -> float:
    return datetime(*parts, tzinfo=AMSTERDAM).timestamp()


def working_days(calendar: WorkingCalendar, start: float, end: float) -> float:
    return float(calendar.working_days(np.array([start]), np.array([end]))[0])


@pytest.mark.parametrize(("start", "end", "hours"), [
    # Friday 16:00 to Tuesday 10:00 over Whit Monday: one hour on Friday, 1,5 on Tuesday.
    (moment(2026, 5, 22, 16), moment(2026, 5, 26, 10), 2.5),
    # King's Day 2026 is Monday 27 April: the same.
    (moment(2026, 4, 24, 16), moment(2026, 4, 28, 10), 2.5),
    # King's Day 2025 fell on a Saturday: nothing moves to the Monday.
    (moment(2025, 4, 25, 16), moment(2025, 4, 28, 10), 2.5),
    # Within one day, outside office hours, and across the change to summer time.
    (moment(2026, 3, 2, 9), moment(2026, 3, 2, 12), 3.0),
    (moment(2026, 3, 2, 18), moment(2026, 3, 3, 7), 0.0),
    (moment(2026, 3, 27, 16, 30), moment(2026, 3, 30, 9), 1.0),
    # From a Saturday, and into one: its office hours are no working time.
    (moment(2026, 3, 7, 12), moment(2026, 3, 9, 10), 1.5),
    (moment(2026, 3, 6, 16), moment(2026, 3, 7, 12), 1.0),
], ids=["whit-monday", "kings-day", "kings-day-on-a-saturday", "within-a-day",
        "overnight", "summer-time", "from-a-saturday", "into-a-saturday"])
def test_a_duration_counts_office_hours_on_working_days_only(start, end, hours):
    assert working_days(STANDARD, start, end) == pytest.approx(hours / 8.5)


def test_the_organisation_sets_its_office_hours_and_closing_days():
    own = WorkingCalendar(opens=time(9), closes=time(17),
                          closed_on=frozenset({date(2026, 12, 24)}))
    # Wednesday 23 December 16:00 to Monday 28 December 10:00: Christmas Eve closed, the
    # 25th a public holiday, the 26th a Saturday.
    assert working_days(own, moment(2026, 12, 23, 16), moment(2026, 12, 28, 10)) == \
        pytest.approx(2 / 8)
    assert not own.is_working_day(date(2026, 12, 24)) and STANDARD.is_working_day(
        date(2026, 12, 24))


def test_moments_that_are_missing_stay_missing_and_a_huge_span_is_not_converted():
    days = STANDARD.working_days(np.array([moment(2026, 3, 2, 9), np.nan]),
                                 np.array([np.nan, moment(2026, 3, 2, 9)]))
    assert np.isnan(days).all()
    assert STANDARD.working_days(np.array([moment(1900, 1, 1, 9)]),
                                 np.array([moment(2026, 1, 1, 9)])) is None


# --- In the measured process ------------------------------------------------------------------

HEADER = "zaak;activiteit;begin;einde;medewerker\n"
# One case from Friday 16:00 to Tuesday 10:00 over Whit Monday: 3,75 calendar days, 2,5
# office hours; it waits from Friday 16:30 to Tuesday 09:30 (1,5 office hours).
OVER_WHIT_MONDAY = HEADER + ("Z1;Ontvangen;22-05-2026 16:00;22-05-2026 16:30;\n"
                             "Z1;Besluiten;26-05-2026 09:30;26-05-2026 10:00;\n")


def test_the_measured_process_counts_in_working_days_beside_calendar_days():
    result = read_with(OVER_WHIT_MONDAY, calendar=STANDARD)
    assert result["lead_time"]["median"] == pytest.approx(3.75)
    working = result["working"]
    assert working["day_hours"] == 8.5
    assert working["lead_time"]["median"] == pytest.approx(round(2.5 / 8.5, 4))
    assert working["activities"]["Besluiten"]["wait"]["median"] == pytest.approx(
        round(1.5 / 8.5, 4))
    assert working["work_days"] == pytest.approx(round(1.0 / 8.5, 4))
    assert "working" not in read_with(OVER_WHIT_MONDAY)  # no calendar given: none


def test_the_page_shows_either_unit_and_the_estimate_beside_working_days(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, OVER_WHIT_MONDAY)
    choose(advisor, latest(), end="einde", resource="")
    log = latest()
    page = f"/projects/{team.project.id}/event-logs/{log.id}"
    calendar_days = html.unescape(advisor.get(page).get_data(as_text=True))
    assert "mediaan 3,8 dagen" in calendar_days and "Duur in kalenderdagen." in calendar_days
    working = html.unescape(advisor.get(page + "?unit=working").get_data(as_text=True))
    assert "mediaan 2,5 werkuur" in working  # 2,5 office hours: under a working day
    assert "Duur in werkdagen van 8,5 uur" in working
    assert advisor.get(page + "?unit=weeks").status_code == 400


def test_a_kpi_in_working_days_takes_the_working_days_and_another_unit_is_refused(
        team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, OVER_WHIT_MONDAY)
    choose(advisor, latest(), end="einde", resource="")
    log = latest()
    path = f"/projects/{team.project.id}/event-logs/{log.id}/baseline"
    leader = login_as(team[Role.PROJECT_LEADER])
    in_working_days = a_kpi(team, 21.0)
    in_working_days.unit = "werkdagen"
    share = a_kpi(team, 80.0)
    share.unit = "% binnen termijn"
    db.session.commit()
    assert leader.post(path, data={"kpi_id": in_working_days.id,
                                   "figure": "lead_median"}).status_code == 303
    refused = leader.post(path, data={"kpi_id": share.id, "figure": "lead_median"})
    assert refused.status_code == 409
    assert "telt in „% binnen termijn”" in html.unescape(refused.get_data(as_text=True))
    db.session.expire_all()
    taken = db.session.get(Kpi, in_working_days.id)
    assert taken.baseline_value == round(2.5 / 8.5, 1)
    assert "in werkdagen" in taken.baseline_source
    assert db.session.get(Kpi, share.id).baseline_value == 80.0  # untouched


def test_the_administrator_sets_office_hours_and_closing_days(create_user, login_as):
    admin = login_as(create_user(admin=True))
    settings = {"version": 0, "project_creators": "everyone", "owner_appointed_by": "leader",
                "gate_approver": "sponsor", "plan_decider": "owner"}
    refused = admin.post("/admin/organisation", data={
        **settings, "office_opens": "17:00", "office_closes": "09:00",
        "closing_days": "24-12-2026\nkerstavond"})
    assert refused.status_code == 422
    body = html.unescape(refused.get_data(as_text=True))
    assert "later dichtgaan dan het opengaat" in body and "Regel 2: geen datum" in body
    assert admin.post("/admin/organisation", data={
        **settings, **OFFICE_HOURS, "office_opens": "09:00",
        "closing_days": "24-12-2026\r\n2026-12-31\r\n24-12-2026"}).status_code == 303
    calendar = organisation_calendar()
    assert (calendar.opens, calendar.closes) == (time(9), time(17))
    assert calendar.closed_on == {date(2026, 12, 24), date(2026, 12, 31)}
    page = admin.get("/admin/organisation").get_data(as_text=True)
    assert "24-12-2026\n31-12-2026" in page and 'value="09:00"' in page
