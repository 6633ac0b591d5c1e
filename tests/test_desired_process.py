"""Step 8: the team records the desired process beside the current one and sees the
difference; activities of the current process carry the kinds of waste the team sees; the
next cycle starts its step 3 from the process as it now is."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from conftest import Team, organisation_today
from docx import Document
from test_bad_input import HOSTILE
from test_cycles import close
from test_implementation import put_in_step

from wasstraat.extensions import db
from wasstraat.models import ProcessStep, StepState, Task
from wasstraat.process import services as process
from wasstraat.workflow import RevisitStatus, Role, Step, StepStatus, TaskClosure, revisit_status

CURRENT = [  # activity, handover, wait days, work minutes
    ("Aanvraag registreren", True, 2, 30),
    ("Kenteken controleren", True, 5, 60),
    ("Aanvraag beoordelen", False, 3, 120),
    ("Besluit versturen", False, 0, 30),
]


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


@pytest.fixture
def clients(team: Team, login_as) -> dict:
    return {role: login_as(user) for role, user in team.members.items()}


def mapped(team: Team) -> None:
    for n, (activity, handover, wait, work) in enumerate(CURRENT, start=1):
        db.session.add(ProcessStep(project_id=team.project.id, position=n, activity=activity,
                                   handover=handover, wait_days=wait, work_minutes=work))
    db.session.commit()


def activity(name: str, handover: bool = False, wait: str = "0", work: str = "0") -> dict:
    return {"activity": name, "handover": "yes" if handover else "no", "wait_days": wait,
            "work_minutes": work}


def adjust_task(team: Team) -> Task:
    db.session.expire_all()
    return db.session.scalar(db.select(Task).where(Task.project_id == team.project.id,
                                                   Task.template_key == "adjust.process"))


def base(team: Team) -> str:
    return f"/projects/{team.project.id}/process"


def test_the_desired_process_beside_the_current_one_with_the_difference(team, clients):
    mapped(team)
    put_in_step(team, Step.ADJUST)
    advisor = clients[Role.PROCESS_ADVISOR]
    assert adjust_task(team).done_at is None
    for row in (activity("Aanvraag registreren", wait="0", work="15"),  # online, checked at once
                activity("Aanvraag beoordelen", handover=True, wait="1", work="60"),
                activity("Besluit versturen", work="5"), activity("Status per e-mail")):
        response = advisor.post(f"{base(team)}/desired", data=row)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        assert response.headers["Location"].endswith("/process/desired#add-heading")
    # The task is done by the work itself: no tick, so closing the step has nothing to end.
    assert adjust_task(team).closed_as is TaskClosure.BY_RULE
    comparison = process.compare(process.steps_of(team.project, process.CURRENT),
                                 process.steps_of(team.project, process.DESIRED))
    assert (comparison.current.wait_days, comparison.current.work_minutes) == (10, 240)
    assert (comparison.desired.wait_days, comparison.desired.work_minutes) == (1, 80)
    assert comparison.current.lead_time_days - comparison.desired.lead_time_days \
        == pytest.approx(10.5 - (1 + 80 / 480))
    assert comparison.current.handovers - comparison.desired.handovers == 1
    assert comparison.removed == ["Kenteken controleren"]
    assert comparison.added == ["Status per e-mail"]
    page = advisor.get(f"{base(team)}/desired").get_data(as_text=True)
    assert "Vervallen activiteiten:</strong> Kenteken controleren" in page
    assert "Nieuwe activiteiten:</strong> Status per e-mail" in page
    assert "10,5" in page and "1,2" in page  # lead time in working days, before and after
    # The current process is untouched; its page links to the desired one.
    assert [s.activity for s in process.steps_of(team.project)] == [c[0] for c in CURRENT]
    assert f"{base(team)}/desired" in advisor.get(base(team)).get_data(as_text=True)
    # The improvement plan puts the desired process and the waste beside the current one.
    first = process.steps_of(team.project)[1]
    first.wastes = ["waiting", "rework"]
    db.session.commit()
    document = Document(BytesIO(advisor.get(
        f"/projects/{team.project.id}/documents/improvement-plan.docx").data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Het gewenste proces" in text
    assert ("Na de verbeteringen telt het proces 4 activiteiten (nu 4) en 1 overdracht (nu 2)"
            in text)
    assert "Vervallen activiteiten: Kenteken controleren." in text
    assert "Status per e-mail" in cells
    assert "Verspilling die het team zag: wachten (activiteit 2); herstelwerk (activiteit 2)." \
        in text


def test_each_description_changes_only_in_its_own_step(team, clients):
    mapped(team)
    advisor = clients[Role.PROCESS_ADVISOR]
    put_in_step(team, Step.PROCESS)
    refused = advisor.post(f"{base(team)}/desired", data=activity("Te vroeg"))
    assert refused.status_code == 409
    assert "terwijl stap 8 bezig is" in refused.get_data(as_text=True)
    put_in_step(team, Step.ADJUST)
    assert advisor.post(base(team), data=activity("Te laat")).status_code == 409
    current_step = process.steps_of(team.project)[0]
    edit = advisor.post(f"{base(team)}/{current_step.id}/edit",
                        data={**activity("Anders"), "version": current_step.version})
    assert edit.status_code == 409
    assert process.steps_of(team.project, process.DESIRED) == []


def test_who_adjusts_the_desired_process(team, clients):
    mapped(team)
    put_in_step(team, Step.ADJUST)
    for role in (Role.TEAM_MANAGER, Role.SPONSOR, Role.PRIVACY_OFFICER):
        assert clients[role].post(f"{base(team)}/desired",
                                  data=activity("X")).status_code == 403, role
    assert clients[Role.PROJECT_LEADER].post(f"{base(team)}/desired",
                                             data=activity("Door de leider")).status_code == 303
    [step] = process.steps_of(team.project, process.DESIRED)
    assert clients[Role.SPONSOR].post(f"{base(team)}/{step.id}/delete").status_code == 403
    # Editing, moving and deleting a desired activity go back to the desired process.
    advisor = clients[Role.PROCESS_ADVISOR]
    edited = advisor.post(f"{base(team)}/{step.id}/edit",
                          data={**activity("Aangepast"), "version": step.version})
    assert edited.headers["Location"].endswith("/process/desired")
    assert advisor.post(f"{base(team)}/{step.id}/delete").headers["Location"].endswith(
        "/process/desired")
    assert process.steps_of(team.project, process.DESIRED) == []


def test_activities_of_the_current_process_carry_their_waste(team, clients):
    put_in_step(team, Step.PROCESS)
    advisor = clients[Role.PROCESS_ADVISOR]
    response = advisor.post(base(team), data={**activity("Zoeken naar dossier", wait="2"),
                                              "wastes": ["searching", "waiting"]})
    assert response.status_code == 303
    [step] = process.steps_of(team.project)
    assert step.wastes == ["waiting", "searching"]  # in the order of the method's list
    assert "Verspilling: Wachten, Zoeken" in advisor.get(base(team)).get_data(as_text=True)
    refused = advisor.post(base(team), data={**activity("Fout"), "wastes": ["laziness"]})
    assert refused.status_code == 422
    assert len(process.steps_of(team.project)) == 1


def test_the_next_cycle_starts_step_3_from_the_process_as_it_now_is(team, clients,
                                                                    create_project):
    from wasstraat.projects import cycles

    mapped(team)
    assert [s.activity for s in cycles.process_description(team.project)] == \
        [c[0] for c in CURRENT]  # no desired process recorded: the current one
    put_in_step(team, Step.ADJUST)
    clients[Role.PROCESS_ADVISOR].post(f"{base(team)}/desired",
                                       data=activity("Alles online", wait="1", work="10"))
    for state in db.session.scalars(db.select(StepState).where(
            StepState.project_id == team.project.id)):
        state.status = StepStatus.DONE.value
    db.session.commit()
    owner = clients[Role.PROCESS_OWNER]
    assert "(1 activiteit) als beginpunt van stap 3" in owner.get(
        f"/projects/{team.project.id}/follow-up").get_data(as_text=True)
    owner.post(f"/projects/{team.project.id}/follow-up", data={"name": "Cyclus 2"})
    new = db.session.scalar(db.select(type(team.project)).where(
        type(team.project).name == "Cyclus 2"))
    [step] = process.steps_of(new)
    assert (step.activity, step.wait_days, step.work_minutes) == ("Alles online", 1, 10)
    assert process.steps_of(new, process.DESIRED) == []


def test_the_review_date_of_the_process_description_green_amber_red():
    today = date(2027, 1, 10)
    assert revisit_status(None, today) is RevisitStatus.NOT_SET
    assert revisit_status(date(2027, 1, 9), today) is RevisitStatus.OVERDUE
    assert revisit_status(today, today) is RevisitStatus.SOON
    assert revisit_status(today + timedelta(days=30), today) is RevisitStatus.SOON  # a month
    assert revisit_status(today + timedelta(days=31), today) is RevisitStatus.IN_ORDER


def test_the_process_owner_sets_when_the_closed_process_is_revisited(team, clients, admin,
                                                                     login_as):
    mapped(team)
    owner = clients[Role.PROCESS_OWNER]
    path = f"/projects/{team.project.id}/revisit"
    soon = organisation_today() + timedelta(days=30)
    not_closed = owner.post(path, data={"revisit_on": soon.isoformat()})
    assert not_closed.status_code == 409
    close(team)
    assert clients[Role.PROJECT_LEADER].post(
        path, data={"revisit_on": soon.isoformat()}).status_code == 403
    for bad in (*HOSTILE, (organisation_today() - timedelta(days=1)).isoformat()):
        refused = owner.post(path, data={"revisit_on": bad})
        assert refused.status_code == 422, bad
        assert team.project.revisit_on is None
    assert "Kies een datum na vandaag." in refused.get_data(as_text=True)
    assert owner.post(path, data={"revisit_on": soon.isoformat()}).status_code == 303
    db.session.refresh(team.project)
    assert team.project.revisit_on == soon
    page = owner.get(f"/projects/{team.project.id}").get_data(as_text=True)
    assert "Procesbeschrijving" in page and "revisit--soon" in page
    assert "Het proces van stap 3 (er is geen gewenst proces vastgelegd)" in page
    portfolio = owner.get("/").get_data(as_text=True)
    row = portfolio.split(f'id="portfolio-{team.project.id}"')[1].split("</li>")[0]
    assert "Proces herzien vóór:" in row and "binnenkort" in row
    team.project.revisit_on = organisation_today() - timedelta(days=3)  # time passed
    db.session.commit()
    assert "revisit--overdue" in login_as(admin).get("/reports").get_data(as_text=True)


@pytest.fixture
def admin(create_user):
    return create_user("Beheerder", admin=True)


def test_an_improvement_names_the_waste_it_removes(team, clients):
    from test_plans import idea, plan_entry, version_of

    put_in_step(team, Step.IMPROVEMENT_PLAN)
    improvement_id = idea(team, "Kenteken automatisch")
    advisor = clients[Role.PROCESS_ADVISOR]
    assert plan_entry(advisor, team, improvement_id, removes_waste="rework").status_code == 303
    from wasstraat.models import Improvement

    assert db.session.get(Improvement, improvement_id).removes_waste == "rework"
    page = advisor.get(f"/projects/{team.project.id}/plan/improvements/{improvement_id}")
    assert '<option selected value="rework">Herstelwerk</option>' in page.get_data(as_text=True)
    refused = plan_entry(advisor, team, improvement_id, removes_waste="laziness")
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Improvement, improvement_id).removes_waste == "rework"
    assert version_of(improvement_id) >= 2
