"""The dashboard at municipal scale: a person's own work first, then the portfolio a page of
25 at a time, filtered and sorted in the database, the same number of queries on page 1 and
page 40."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import login
from sqlalchemy import insert

from wasstraat import positions
from wasstraat.extensions import db
from wasstraat.models import Membership, MembershipRole, Project, StepState, Task, User
from wasstraat.workflow import Role, Step, StepStatus

NOW = datetime.now(UTC)


def many_projects(count: int, *, owner: User | None = None, member: User | None = None,
                  name: str = "Traject {n:04d}", at_step=lambda n: n % 11 or None,
                  moved_days_ago=lambda n: n % 60) -> list[int]:
    """``count`` projects inserted in bulk (a real portfolio's size, in a second): project
    n stands at step ``at_step(n)`` (None: all finished) since ``moved_days_ago(n)`` days."""
    first = (db.session.scalar(db.select(db.func.max(Project.id))) or 0) + 1
    ids = list(range(first, first + count))
    db.session.execute(insert(Project), [
        {"id": pid, "name": name.format(n=n), "product": "P", "assignment": "",
         "process_type": "primary", "created_at": NOW, "version": 1}
        for n, pid in enumerate(ids)])
    states = []
    for n, pid in enumerate(ids):
        step, moved = at_step(n), NOW - timedelta(days=moved_days_ago(n))
        for s in Step:
            status = (StepStatus.DONE if step is None or s < step else
                      StepStatus.IN_PROGRESS if s == step else StepStatus.NOT_STARTED)
            states.append({"project_id": pid, "step": s.value, "status": status.value,
                           "notes": "", "skip_reason": "", "version": 1,
                           "started_at": moved if status is not StepStatus.NOT_STARTED else None,
                           "closed_at": moved if status is StepStatus.DONE else None})
    db.session.execute(insert(StepState), states)
    for person, role in ((owner, Role.PROCESS_OWNER), (member, Role.SUBJECT_EXPERT)):
        if person is None:
            continue
        for pid in ids:
            membership = Membership(project_id=pid, user_id=person.id)
            db.session.add(membership)
            db.session.flush()
            db.session.add(MembershipRole(membership_id=membership.id, role=role.value))
    positions.refresh(db.session, ids)
    db.session.commit()
    return ids


def names_on(page: str) -> list[str]:
    portfolio = page.split('id="portfolio"')[1]
    return re.findall(r'class="utrecht-link portfolio__name" href="[^"]+">([^<]+)</a>', portfolio)


@pytest.fixture
def admin(create_user, client):
    person = create_user(admin=True)
    login(client, person)
    return client


def test_an_administrator_pages_through_a_thousand_projects_25_at_a_time(admin):
    many_projects(1000)
    page = admin.get("/").get_data(as_text=True)
    assert "Trajecten 1–25 van 1000" in page
    assert names_on(page) == [f"Traject {n:04d}" for n in range(25)]
    assert "Pagina 1 van 40" in page and 'rel="next" href="/?page=2#portfolio"' in page
    last = admin.get("/?page=40").get_data(as_text=True)
    assert "Trajecten 976–1000 van 1000" in last and names_on(last)[-1] == "Traject 0999"
    assert "Pagina 40 van 40" in admin.get("/?page=400").get_data(as_text=True)  # clamped
    # The summary counts every project at its step: n % 11, where 0 means all finished.
    counts = re.findall(r'Stap (\d+)<span class="visually-hidden">[^<]*</span></a> '
                        r'<span class="step-counts__n">(\d+)</span>', page)
    assert dict(counts)["1"] == str(sum(1 for n in range(1000) if n % 11 == 1))
    assert re.search(r'Afgerond</a> <span class="step-counts__n">91</span>', page)


def test_the_portfolio_filters_by_step_owner_name_signal_and_membership(admin, create_user,
                                                                          login_as):
    owner, member = create_user("Henk Eigenaar"), create_user("Mia Lid")
    many_projects(30, owner=owner, name="Parkeren {n}", at_step=lambda n: 3,
                  moved_days_ago=lambda n: 5 if n % 2 else 90)
    many_projects(20, member=member, name="Afval 100% {n}", at_step=lambda n: None)
    def shown(query: str) -> tuple[str, list[str]]:
        page = admin.get("/?" + query).get_data(as_text=True)
        return re.search(r"Trajecten [\d–]+ van (\d+)|Geen trajecten", page).group(0), \
            names_on(page)
    assert shown("q=parkeren")[0] == "Trajecten 1–25 van 30"
    assert shown("q=100%25")[0] == "Trajecten 1–20 van 20"  # % is a character, not a pattern
    assert shown("q=10_")[0] == "Geen trajecten"
    assert shown("step=3")[0] == "Trajecten 1–25 van 30"
    assert shown("step=0")[0] == "Trajecten 1–20 van 20"
    assert shown("step=4")[0] == "Geen trajecten"
    assert shown(f"owner={owner.id}")[0] == "Trajecten 1–25 van 30"
    stalled = shown("stalled=y&sort=waiting")
    assert stalled[0] == "Trajecten 1–15 van 15"  # 90 days in step 3; finished ones never
    assert all(int(name.split()[1]) % 2 == 0 for name in stalled[1])
    by_step = shown("sort=step")[1]
    assert by_step[0].startswith("Parkeren") and shown("sort=step&page=2")[1][-1].startswith(
        "Afval")  # finished projects last
    mine = login_as(member).get("/?mine=y").get_data(as_text=True)
    assert "Trajecten 1–20 van 20" in mine and "Parkeren" not in mine


def test_a_member_sees_and_counts_only_their_own_projects(create_user, client):
    member = create_user()
    many_projects(5, member=member, at_step=lambda n: 2)
    many_projects(40)  # not theirs
    login(client, member)
    page = client.get("/").get_data(as_text=True)
    assert "Trajecten 1–5 van 5" in page
    assert re.search(r'Stap 2<span class="visually-hidden">[^<]*</span></a> '
                     r'<span class="step-counts__n">5</span>', page)
    assert "Alle trajecten waarin ik zit" not in page  # five fit in "Mijn trajecten"
    many_projects(10, member=member)
    assert "Alle trajecten waarin ik zit" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("page=0", "Pagina: Kies een pagina vanaf 1."),
    ("page=abc", "Pagina: Ongeldig getal."),
    ("step=12", "Stap: Ongeldige keuze."),
    ("owner=abc", "Proceseigenaar: Ongeldige keuze"),
    ("q=" + "x" * 101, "Zoek op naam: Zoek met hoogstens 100 tekens."),
])
def test_a_filter_the_portfolio_cannot_use_is_refused_on_the_form(admin, query, message):
    many_projects(3)
    response = admin.get("/?" + query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Controleer het formulier" in page and message in page
    # The rest of the page still works: the person's own work and the unfiltered portfolio.
    assert "Mijn openstaande taken" in page and "Trajecten 1–3 van 3" in page


def test_htmx_reloads_only_the_portfolio(admin):
    many_projects(30)
    response = admin.get("/?page=2", headers={"HX-Request": "true", "HX-Target": "portfolio"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section class="section" aria-labelledby="portfolio-heading"')
    assert "Trajecten 26–30 van 30" in body and "Mijn openstaande taken" not in body


@pytest.mark.parametrize("path", ["/", "/?page=40", "/?page=40&sort=waiting",
                                  "/?stalled=y&sort=step&page=2", "/?q=traject&step=3"])
def test_the_dashboard_runs_the_same_queries_on_page_1_and_page_40(path, admin, count_queries):
    many_projects(30, moved_days_ago=lambda n: n * 3)  # some past the signal, each page filled
    admin.get(path)
    small = count_queries(lambda: admin.get(path))
    many_projects(1000)
    large = count_queries(lambda: admin.get(path))
    # 17: the health of the running projects on the page is one query (projects.planning);
    # the revision counters of the cached rows another, and those of the kept page's key one
    # more. Counted cold: every row built.
    assert large == small <= 17, f"{path}: {small} queries with 30 projects, {large} with 1030"
    warm = count_queries(lambda: admin.get(path), cold=False)
    assert warm < small, f"{path}: {warm} queries with the rows cached, {small} without"



def open_tasks_for(person: User, count: int, project_id: int) -> None:
    """``count`` open hand-made tasks for ``person``, due one day after another."""
    today = NOW.date()
    db.session.add_all(Task(project_id=project_id, step=1, title=f"Taak {n:03d}",
                            assignee_id=person.id, origin="hand",
                            due_date=today + timedelta(days=n)) for n in range(count))
    db.session.commit()


def test_my_tasks_come_a_page_of_25_at_a_time_soonest_first(create_project, login_as):
    team = create_project(roles=[Role.PROJECT_LEADER])
    leader = team[Role.PROJECT_LEADER]
    open_tasks_for(leader, 60, team.project.id)
    client = login_as(leader)
    first = client.get("/tasks").get_data(as_text=True)
    total = db.session.scalar(db.select(db.func.count()).select_from(Task).where(
        Task.assignee_id == leader.id, Task.done_at.is_(None)))
    assert f'Open <span class="muted">({total})</span>' in first
    assert "Pagina 1 van 3" in first and 'href="/tasks?page=2"' in first
    titles = re.findall(r">(Taak \d{3})<", first)
    assert titles == [f"Taak {n:03d}" for n in range(len(titles))] and len(titles) <= 25
    last = client.get("/tasks?page=3").get_data(as_text=True)
    assert "Pagina 3 van 3" in last and "Taak 059" in last
    assert "Pagina 3 van 3" in client.get("/tasks?page=9").get_data(as_text=True)
    assert client.get("/tasks?page=0").status_code == 400
    assert client.get("/tasks?page=x").status_code == 400


@pytest.mark.parametrize("path", ["/tasks", "/tasks?page=3"])
def test_my_tasks_run_the_same_queries_on_every_page(path, create_project, login_as,
                                                      count_queries):
    team = create_project(roles=[Role.PROJECT_LEADER])
    leader = team[Role.PROJECT_LEADER]
    open_tasks_for(leader, 60, team.project.id)
    client = login_as(leader)
    client.get(path)
    small = count_queries(lambda: client.get(path))
    open_tasks_for(leader, 1000, team.project.id)
    large = count_queries(lambda: client.get(path))
    assert large == small, f"{path}: {small} queries with 60 tasks, {large} with 1060"
