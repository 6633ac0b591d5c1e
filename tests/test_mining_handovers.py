"""Hand-overs between teams (who passes a case to whom, how often, after what wait; kept when
the column holds teams or roles, never staff names without a reason) and the dotted chart of
cases over time, with its table of events per day of the week."""

from __future__ import annotations

import pytest
from test_mining import (  # noqa: F401
    HEADER,
    KNOWN,
    choose,
    latest,
    read,
    read_with,
    team,
    upload,
)

from wasstraat.mining import analysis, generate, parse
from wasstraat.workflow import DurationUnit, Role
from wasstraat.working_time import WorkingCalendar


def test_the_matrix_counts_each_hand_over_with_its_median_wait():
    matrix = read(KNOWN, keep=True)["handover_matrix"]
    assert matrix["resources"] == ["Bram", "Ans", "Cas"]  # most involved first
    cells = {(c["from"], c["to"]): (c["count"], c["wait"]) for c in matrix["cells"]}
    # Z1 Ans→Bram after 2 days, Z2 Ans→Bram after 1 and Bram→Cas after 6; Z3 stays with Ans.
    assert cells == {("Ans", "Bram"): (2, 1.5), ("Bram", "Cas"): (1, 6.0)}
    assert "handover_matrix" not in read(KNOWN)  # names not kept: no matrix


def test_the_matrix_waits_in_working_days_skip_the_weekend():
    # Ans hands over on Friday 16:00, Bram takes it on Monday 10:00: 2,75 calendar days, or
    # 1 + 1,5 office hours of 8,5: 0,29 working days.
    text = HEADER + ("Z1;Ontvangen;06-03-2026 16:00;;Ans\n"
                     "Z1;Besluiten;09-03-2026 10:00;;Bram\n")
    result = read_with(text, keep=True, calendar=WorkingCalendar())
    [calendar] = result["handover_matrix"]["cells"]
    [working] = result["working"]["handover_matrix"]["cells"]
    assert calendar["wait"] == pytest.approx(2.75)
    assert working["wait"] == pytest.approx(2.5 / 8.5, abs=1e-4)
    shown = analysis.in_unit(result, DurationUnit.WORKING)["handover_matrix"]
    assert shown["cells"] == [working]
    older = {**result, "working": {k: v for k, v in result["working"].items()
                                   if k != "handover_matrix"}}
    assert analysis.in_unit(older, DurationUnit.WORKING)["handover_matrix"] is None


def test_past_a_dozen_teams_the_rest_are_taken_together():
    rows = "".join(f"Z{n};Ontvangen;02-03-2026 09:00;;Team {n}\nZ{n};Besluiten;"
                   f"03-03-2026 09:00;;Team {n + 1}\n" for n in range(20))
    matrix = read(HEADER + rows, keep=True)["handover_matrix"]
    assert len(matrix["resources"]) == analysis.MATRIX_RESOURCES + 1
    assert matrix["resources"][-1] == "overige"
    assert sum(c["count"] for c in matrix["cells"]) == 20  # every hand-over still counted


def test_a_column_of_teams_is_kept_without_a_reason_and_shown_as_a_matrix(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, KNOWN)
    assert choose(advisor, latest(), resource_kind="team").status_code == 303
    log = latest()
    assert log.keep_resources and log.keep_reason == ""
    assert log.mapping["resource_kind"] == "team"
    page = advisor.get(f"/projects/{team.project.id}/event-logs/{log.id}")
    text = page.get_data(as_text=True)
    assert "Overdrachten tussen teams" in text and "Bram" in text

    upload(advisor, team, KNOWN)
    refused = choose(advisor, latest(), resource_kind="person", keep_resources="y")
    assert refused.status_code == 422  # staff names: only with the reason
    assert choose(advisor, latest(), resource_kind="chef").status_code == 422


# --- The dotted chart ---------------------------------------------------------------------------

def test_the_dotted_chart_draws_cases_over_time_and_its_table_counts_weekdays():
    result = read_with(KNOWN, calendar=WorkingCalendar())
    dotted = result["dotted"]
    assert dotted["activities"] == ["Beoordelen", "Ontvangen", "Besluiten"]  # commonest first
    # Rows by the case's first event: Z1, Z2 and Z3 all begin Monday 09:00; times in days
    # since the log's first event, marks by the activities' numbers above.
    assert dotted["cases"][0] == [[0.0, 1], [2.0, 0], [5.0, 2]]
    assert dotted["span_days"] == 10.0
    # 2 March 2026 is a Monday: Ontvangen three times on Mondays; Besluiten a Saturday and a
    # Thursday; Beoordelen Monday (Z3, 21:00), Tuesday, Wednesday and Friday.
    assert result["weekdays"] == {"Beoordelen": [1, 1, 1, 0, 1, 0, 0],
                                  "Ontvangen": [3, 0, 0, 0, 0, 0, 0],
                                  "Besluiten": [0, 0, 0, 1, 0, 1, 0]}
    # Half past midnight on Tuesday in the Netherlands is still Monday in UTC: a Tuesday.
    night = read_with(HEADER + "Z1;Ontvangen;2026-03-03T00:30:00+01:00;;\n",
                      calendar=WorkingCalendar())
    assert night["weekdays"] == {"Ontvangen": [0, 1, 0, 0, 0, 0, 0]}


def test_a_large_log_draws_a_sample_spread_over_its_period():
    rows = list(generate.cases(1_000, seed=4))
    text = "".join(generate.csv_text(iter(rows)))
    mapping = parse.Mapping("zaaknummer", "activiteit", "starttijd", "eindtijd", "behandelaar")
    dotted = read_with(text, mapping)["dotted"]
    assert len(dotted["cases"]) == analysis.DOTTED_CASES
    firsts = [case[0][0] for case in dotted["cases"]]
    assert firsts == sorted(firsts) and firsts[0] == 0.0
    latest_start = max(min(event[2] for event in case) for case in rows)
    earliest = min(min(event[2] for event in case) for case in rows)
    assert firsts[-1] == pytest.approx((latest_start - earliest).total_seconds() / 86_400,
                                       abs=1e-3)
    assert all(len(case) <= analysis.DOTTED_EVENTS for case in dotted["cases"])


def test_the_page_shows_the_dotted_chart_with_its_legend_and_table(team, login_as):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    upload(advisor, team, KNOWN)
    choose(advisor, latest())
    text = advisor.get(f"/projects/{team.project.id}/event-logs/{latest().id}").get_data(
        as_text=True)
    assert "Zaken in de tijd" in text and 'aria-labelledby="dotted-title"' in text
    assert "Gebeurtenissen per dag van de week" in text
