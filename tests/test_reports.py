"""Reports across projects: the benefits of the closed projects and where projects get stuck,
asserted on a known data set, filtered, for the right people, and as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest
from conftest import Team, organisation_today

from wasstraat.extensions import db
from wasstraat.improvements import services as improvements
from wasstraat.improvements.sources import resolve
from wasstraat.models import Kpi, KpiMeasurement, Project, StepState
from wasstraat.workflow import Role, StepStatus

# Days each step took (steps 1-10) in the three closed projects.
DAYS = {
    "Verhuizing": [10, 20, 30, 5, 5, 40, 60, 10, 10, 100],
    "Parkeren": [20, 20, 10, 5, 5, 20, 30, 10, 10, 50],
    "Afval": [30, 20, 20, 5, 5, 60, 90, 10, 10, 150],
}
STARTS = {"Verhuizing": date(2025, 1, 6), "Parkeren": date(2025, 3, 3),
          "Afval": date(2025, 6, 2)}
UNITS = {"Verhuizing": "Burgerzaken", "Parkeren": "Vergunningen", "Afval": "Stadsbeheer"}


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), UTC)


def walk(project: Project, start: date, days: list[int], closed: bool = True) -> None:
    """Steps done one after the other from `start`, each taking its days; with closed False
    the step after the given days is in progress."""
    project.created_at = at(start)
    moment = start
    for state in sorted(project.steps, key=lambda s: s.step):
        n = state.step - 1
        if n < len(days):
            state.status, state.started_at = StepStatus.DONE.value, at(moment)
            moment += timedelta(days=days[n])
            state.closed_at = at(moment)
        elif n == len(days) and not closed:
            state.status, state.started_at = StepStatus.IN_PROGRESS.value, at(moment)
    db.session.commit()


def kpi(project: Project, name: str, direction: str, baseline: float, target: float,
        after: float | None) -> None:
    row = Kpi(project_id=project.id, name=name, unit="dagen", direction=direction,
              baseline_value=baseline, target_value=target)
    db.session.add(row)
    db.session.flush()
    if after is not None:
        db.session.add(KpiMeasurement(kpi_id=row.id, value=after, measured_on=date(2026, 1, 5)))
    db.session.commit()


def idea(team: Team, title: str, horizon: str | None, decision: str, cost: int | None = None,
         recurring: int | None = None) -> None:
    row = improvements.add_improvement(team.project, team[Role.PROJECT_LEADER],
                                       resolve(team.project, "step", 6), title=title,
                                       description="", proposer_id=None)
    row.horizon, row.decision, row.cost_estimate, row.recurring_cost = \
        horizon, decision, cost, recurring
    db.session.commit()


@pytest.fixture
def portfolio(create_project) -> dict[str, Team]:
    """Three closed projects with known KPIs, step durations and improvements, and one that
    has stood in step 2 for 40 days."""
    teams = {name: create_project(name) for name in DAYS}
    for name, team in teams.items():
        team.project.organisation_unit = UNITS[name]
        walk(team.project, STARTS[name], DAYS[name])
    kpi(teams["Verhuizing"].project, "Doorlooptijd", "lower", 20, 10, 8)  # reached
    kpi(teams["Parkeren"].project, "Tevredenheid", "higher", 6, 8, 7)  # not reached
    kpi(teams["Afval"].project, "Meldingen", "lower", 100, 50, None)  # not measured
    idea(teams["Verhuizing"], "Snel", "quick_win", "in_plan", 1000, 200)
    idea(teams["Verhuizing"], "Groot", "long_term", "in_plan", 5000)
    idea(teams["Parkeren"], "Niet doen", "quick_win", "not_pursued", 999)
    idea(teams["Parkeren"], "Open", None, "open")
    idea(teams["Afval"], "Dubbel", "quick_win", "merged", 50)
    running = create_project("Lopend")
    running.project.organisation_unit = "Vergunningen"
    walk(running.project, organisation_today() - timedelta(days=52), [12], closed=False)
    # Step 2 was closed once and reopened: its old close does not make it a finished step.
    running.project.step_state(2).closed_at = at(organisation_today() - timedelta(days=45))
    db.session.commit()
    teams["Lopend"] = running
    return teams


@pytest.fixture
def admin(create_user):
    return create_user("Beheerder", admin=True)


def page(client, query: str = "") -> str:
    response = client.get(f"/reports{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def rows_of(client, table: str, query: str = "") -> list[list[str]]:
    response = client.get(f"/reports/{table}.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_time_per_step_medians_p90_and_bottlenecks_across_projects(portfolio, admin, login_as):
    steps = {row[0]: row[1:] for row in rows_of(login_as(admin), "steps")[1:]}
    # Step 1: 10, 20, 30 and the running project's 12 days.
    assert steps["1. Samenstellen projectgroep"] == ["4", "16", "27", ""]
    assert steps["7. Toetsen verbeterplan"] == ["3", "60", "84", "ja"]
    assert steps["10. Uitvoeren implementatieplan"] == ["3", "100", "140", "ja"]
    assert steps["6. Verbeterplan opstellen"] == ["3", "40", "56", "ja"]
    assert steps["2. KPI's bepalen"][:1] + steps["2. KPI's bepalen"][3:] == ["3", ""]  # 20
    # days in each closed project (not a bottleneck); the reopened step does not count
    html = page(login_as(admin))
    assert "Hier wachten trajecten het langst" in html
    assert html.index("Stap 10: Uitvoeren implementatieplan</strong>") < \
        html.index("Stap 7: Toetsen verbeterplan</strong>")


def test_benefits_of_the_closed_projects(portfolio, admin, login_as):
    client = login_as(admin)
    html = page(client)
    assert "3, waarvan 2 nagemeten: doel gehaald 1, niet gehaald 1" in html
    assert "€ 6.000 eenmalig, € 200 per jaar" in html
    kpis = rows_of(client, "kpis")
    assert kpis[0] == ["Traject", "Afgerond op", "KPI", "Eenheid", "Nulmeting", "Streefwaarde",
                       "Nameting", "Doel gehaald", "Verandering", "Stand"]
    by_kpi = {row[2]: row for row in kpis[1:]}
    assert by_kpi["Doorlooptijd"][4:] == ["20", "10", "8", "ja", "-12",
                                          "gemeten, streefwaarde gehaald"]
    assert by_kpi["Tevredenheid"][4:] == ["6", "8", "7", "nee", "1",
                                          "gemeten, streefwaarde niet gehaald"]
    assert by_kpi["Meldingen"][4:] == ["100", "50", "", "", "", "nog te meten"]
    assert by_kpi["Doorlooptijd"][1] == "23-10-2025"  # closed after its 290 days
    counts = {(row[0], row[1]): row[2] for row in rows_of(client, "improvements")[1:]}
    assert counts[("Quick win", "In het plan")] == "1"
    assert counts[("Lange termijn", "In het plan")] == "1"
    assert counts[("Quick win", "Niet opgepakt")] == "1"
    assert counts[("Nog geen horizon", "Nog niet besloten")] == "1"
    assert sum(int(n) for n in counts.values()) == 4  # the merged one is counted where it went


def test_throughput_per_quarter_and_projects_stalled_now(portfolio, admin, login_as):
    client = login_as(admin)
    assert rows_of(client, "quarters")[1:] == [["2025 K3", "1"], ["2025 K4", "1"],
                                              ["2026 K1", "0"], ["2026 K2", "0"],
                                              ["2026 K3", "1"]]
    html = page(client)
    assert "1 traject staat langer dan 30 dagen in dezelfde stap." in html
    assert re.search(r'Lopend</a> <span class="project-identity">WS-\d{4}-\d{4}[^<]*</span>: '
                     r"Stap 2: KPI&#39;s bepalen, 40 dagen", html)


def test_dates_years_and_quarters_are_the_organisations_not_utc(create_project, admin,
                                                                 login_as):
    """Closed at 00:30 on 1 January in Amsterdam (23:30 UTC the day before): the project
    closed in the new year's first quarter, on 1 January, and ran in the new year."""
    team = create_project("Nieuwjaar")
    walk(team.project, date(2025, 6, 2), DAYS["Parkeren"])
    team.project.step_state(10).closed_at = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    db.session.commit()
    client = login_as(admin)
    assert rows_of(client, "quarters")[1:] == [["2026 K1", "1"]]
    assert rows_of(client, "kpis")[1:] == []  # no KPI, so the closing date shows below
    kpi(team.project, "Doorlooptijd", "lower", 20, 10, 8)
    assert rows_of(client, "kpis")[1][1] == "01-01-2026"
    assert [r[0] for r in rows_of(client, "kpis", "?year=2026")[1:]] == ["Nieuwjaar"]


def test_csv_numbers_are_exact_however_many_digits(create_project, admin, login_as):
    team = create_project("Groot")
    walk(team.project, date(2025, 1, 6), DAYS["Parkeren"])
    kpi(team.project, "Kosten per jaar", "lower", 1234567, 987654.5, 12345678.25)
    row = rows_of(login_as(admin), "kpis")[1]
    assert row[4:7] == ["1234567", "987654,5", "12345678,25"]
    assert row[8] == "11111111,25"


def test_filters_by_year_unit_process_type_and_process_owner(portfolio, admin, login_as):
    client = login_as(admin)
    assert [r[0] for r in rows_of(client, "kpis", "?unit=Burgerzaken")[1:]] == ["Verhuizing"]
    # 2026: Afval closed in July; Verhuizing and Parkeren closed in 2025.
    assert {r[0] for r in rows_of(client, "kpis", "?year=2026")[1:]} == {"Afval"}
    assert len(rows_of(client, "kpis", "?year=2025")) == 4
    assert rows_of(client, "steps", "?year=2025")[1][1] == "3"  # Lopend started in 2026
    assert rows_of(client, "kpis", "?process_type=supporting")[1:] == []
    owner = portfolio["Parkeren"][Role.PROCESS_OWNER]
    assert [r[0] for r in rows_of(client, "kpis", f"?owner={owner.id}")[1:]] == ["Parkeren"]
    html = page(client, "?unit=Vergunningen")
    assert "Geen traject staat langer" not in html and "Lopend" in html
    assert 'value="Stadsbeheer"' in html  # the units offered are the projects' own


def test_a_filter_that_is_not_offered_is_refused_with_a_message(portfolio, admin, login_as):
    client = login_as(admin)
    for query in ("?year=abc", "?unit=Onbekend", "?process_type=x", "?owner=999999",
                  "?page=0"):
        response = client.get(f"/reports{query}")
        assert response.status_code == 400, query
        assert "utrecht-form-field-error-message" in response.get_data(as_text=True) or \
            "error-summary" in response.get_data(as_text=True)
        assert client.get(f"/reports/steps.csv{query}").status_code == 400


def test_members_see_their_own_projects_and_administrators_all(portfolio, admin, login_as,
                                                               create_user):
    member = portfolio["Verhuizing"][Role.SUBJECT_EXPERT]
    assert [r[0] for r in rows_of(login_as(member), "kpis")[1:]] == ["Verhuizing"]
    assert len(rows_of(login_as(admin), "kpis")) == 4
    stranger = login_as(create_user("Nieuw"))
    html = page(stranger)
    assert "Nog geen afgeronde trajecten met deze filters." in html
    assert "Verhuizing" not in html
    assert rows_of(stranger, "steps")[1][1] == "0"


def test_an_empty_report_and_a_single_project(create_project, admin, login_as):
    client = login_as(admin)
    html = page(client)
    assert "Nog geen afgeronde trajecten met deze filters." in html
    assert "Nog geen afgesloten stappen met deze filters." in html
    assert "0, waarvan 0 nagemeten" in html
    only = create_project("Enig")
    walk(only.project, date(2025, 2, 3), [7] * 10)
    steps = rows_of(client, "steps")[1:]
    assert all(row[1:4] == ["1", "7", "7"] for row in steps)
    assert all(row[4] == "ja" for row in steps[:3])  # equal medians: the first three steps


def test_cells_a_spreadsheet_would_run_are_neutralised(portfolio, admin, login_as):
    portfolio["Verhuizing"].project.name = '=HYPERLINK("http://x","klik")'
    db.session.commit()
    rows = rows_of(login_as(admin), "kpis")
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ["'=HYPERLINK(\"http://x\",\"klik\")"]


def test_the_workbook_has_every_table_with_numbers_as_numbers(portfolio, admin, login_as):
    response = login_as(admin).get("/reports/rapportage.xlsx?unit=Burgerzaken")
    assert response.status_code == 200
    assert response.mimetype == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = zipfile.ZipFile(io.BytesIO(response.data))
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 5  # the four report tables and the benefits register
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "Verhuizing" in strings and "Parkeren" not in strings
    kpis = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>-12</v>" in kpis  # a number, not text
    assert "<f>" not in "".join(book.read(s).decode() for s in sheets)  # never a formula


def test_the_report_runs_the_same_queries_for_more_projects(create_project, admin, login_as,
                                                            count_queries):
    client = login_as(admin)

    def grow(names: list[str]) -> None:
        for name in names:
            team = create_project(name)
            walk(team.project, date(2025, 4, 7), [3] * 10)
            kpi(team.project, "K", "lower", 10, 5, 4)

    grow(["Een"])
    small = count_queries(lambda: client.get("/reports?page=1"))
    grow([f"Traject {n}" for n in range(25)])
    assert count_queries(lambda: client.get("/reports?page=1")) == small
    assert count_queries(lambda: client.get("/reports?page=2")) == small


def closed_in_bulk(count: int, offset: int) -> None:
    """Closed projects written in bulk (the services would take minutes for a thousand):
    ten finished steps each, a position, a KPI measured again."""
    from sqlalchemy import insert

    from wasstraat.models import ProjectPosition

    start = at(date(2025, 1, 6))
    db.session.execute(insert(Project), [{
        "id": offset + n, "name": f"Bulk {n}", "product": "P", "assignment": "",
        "process_type": "primary", "organisation_unit": "", "created_at": start, "version": 1,
    } for n in range(count)])
    db.session.execute(insert(StepState), [{
        "project_id": offset + n, "step": step, "status": "done", "notes": "",
        "skip_reason": "", "version": 1, "started_at": start + timedelta(days=3 * step),
        "closed_at": start + timedelta(days=3 * step + 2 + n % 5),
    } for n in range(count) for step in range(1, 11)])
    db.session.execute(insert(ProjectPosition), [{
        "project_id": offset + n, "step": None, "since": start + timedelta(days=40 + n % 300),
    } for n in range(count)])
    db.session.execute(insert(Kpi), [{
        "id": offset + n, "project_id": offset + n, "name": "K", "definition": "",
        "unit": "dagen", "direction": "lower", "baseline_value": 10, "target_value": 5,
        "baseline_source": "", "created_at": start, "version": 1,
    } for n in range(count)])
    db.session.execute(insert(KpiMeasurement), [{
        "kpi_id": offset + n, "value": 4 + n % 3, "measured_on": date(2026, 1, 5),
        "created_at": start,
    } for n in range(count)])
    db.session.commit()


def test_the_same_queries_for_10_and_for_1000_closed_projects(admin, login_as, count_queries):
    client = login_as(admin)

    def queries_for(path: str) -> int:
        served = []
        count = count_queries(lambda: served.append(client.get(path)))
        # A count is only comparable for the page itself (not a redirect or an error page).
        assert served[0].status_code == 200, (path, served[0].status_code,
                                              served[0].headers.get("Location"))
        return count

    closed_in_bulk(10, 100_000)
    client.get("/reports")
    small = queries_for("/reports")
    assert "10, waarvan 10 nagemeten" in client.get("/reports").get_data(as_text=True)
    closed_in_bulk(990, 200_000)
    assert queries_for("/reports") == small
    assert queries_for("/reports?page=50") == small
    assert "1000, waarvan 1000 nagemeten" in client.get("/reports").get_data(as_text=True)
