"""Where a board decides on the plans, the process owner's approval is its advice and the
board's own decision is recorded afterwards: date, outcome and reference, in the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import Team, organisation_today
from test_plan_documents import approved_plan
from test_plans import base, clients  # noqa: F401

from wasstraat.extensions import db
from wasstraat.models import BoardDecision, OrganisationSettings
from wasstraat.workflow import Role


@pytest.fixture
def team(create_project) -> Team:
    return create_project()


def board_decides() -> None:
    db.session.add(OrganisationSettings(plan_decider="management"))
    db.session.commit()


def decision(**changes: str) -> dict:
    return {"plan": "improvement", "decided_on": organisation_today().isoformat(),
            "outcome": "adopted", "reference": "DT-2027-014", "note": ""} | changes


def page(team: Team) -> str:
    return f"{base(team)}/board-decisions"


def test_under_mandate_there_is_no_board_decision_to_record(team, clients):
    approved_plan(team, clients)
    owner = clients[Role.PROCESS_OWNER]
    assert "besluit de proceseigenaar onder mandaat" in owner.get(page(team)).get_data(
        as_text=True)
    refused = owner.post(page(team), data=decision())
    assert refused.status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(BoardDecision)) == 0


def test_the_board_decides_on_the_owners_advice(team, clients):
    board_decides()
    owner = clients[Role.PROCESS_OWNER]
    early = owner.post(page(team), data=decision())
    assert early.status_code == 422  # nothing approved yet: no advice to decide on
    assert "nog niet goedgekeurd" in early.get_data(as_text=True)
    approved_plan(team, clients)
    for sent, field in ((decision(decided_on=(organisation_today() + timedelta(days=1))
                                  .isoformat()), "decided_on"),
                        (decision(reference=" "), "reference"),
                        (decision(outcome="misschien"), "outcome")):
        refused = owner.post(page(team), data=sent)
        assert refused.status_code == 422, field
        assert f'id="{field}-error"' in refused.get_data(as_text=True), field
    assert clients[Role.SPONSOR].post(page(team), data=decision()).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(BoardDecision)) == 0

    assert owner.post(page(team), data=decision(outcome="amended",
                                                note="Zonder de koppeling met de RDW.")
                      ).status_code == 303
    listed = clients[Role.SPONSOR].get(page(team)).get_data(as_text=True)
    assert "Gewijzigd vastgesteld" in listed and "DT-2027-014" in listed
    history = owner.get(f"{base(team)}/history").get_data(as_text=True)
    assert "Besluit van het bestuur over een plan vastgelegd" in history
    assert "Kenmerk van het besluit" in history and "Gewijzigd vastgesteld" in history
