"""Every consequence of a commit is registered in one module, in the order it states."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from wasstraat import ROOT, unit_of_work


def test_the_session_hooks_run_in_the_order_the_module_states(app):
    session = Session()
    for name in ("before_flush", "after_flush", "before_commit", "after_commit",
                 "after_rollback"):
        stated = [hook for event, hook in unit_of_work.HOOKS if event == name]
        assert list(getattr(session.dispatch, name)) == stated, name


def test_registering_twice_adds_no_second_hook(app):
    unit_of_work.register()
    assert len(list(Session().dispatch.before_commit)) == 1


def test_no_other_module_listens_on_the_session():
    hook = re.compile(r"listens_for\(\s*Session\b|event\.listen\(\s*Session\b")
    elsewhere = [path.relative_to(ROOT) for path in (ROOT / "wasstraat").rglob("*.py")
                 if path.name != "unit_of_work.py" and hook.search(path.read_text())]
    assert elsewhere == []


def test_a_notification_made_in_a_request_is_delivered_after_its_commit(app, create_project,
                                                                        login_as, monkeypatch):
    """The path from a new task to its e-mail: the session marks mail due, the commit hands
    the mark to the request, the request's last hook delivers."""
    from wasstraat import jobs
    from wasstraat.workflow import Role

    delivered = []
    monkeypatch.setattr(jobs, "after_commit_delivery", lambda: delivered.append(True))
    app.config["MAIL_ENABLED"] = True
    team = create_project()
    leader = login_as(team[Role.PROJECT_LEADER])
    response = leader.post(f"/projects/{team.project.id}/tasks/new", data={
        "title": "Bedankmail sturen", "description": "", "step": "1",
        "assignee_id": str(team[Role.SUBJECT_EXPERT].id), "due_date": ""})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    assert delivered == [True]
    assert leader.get(f"/projects/{team.project.id}").status_code == 200
    assert delivered == [True]  # a request that made nothing delivers nothing
