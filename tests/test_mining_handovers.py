"""Hand-overs between teams: who passes a case to whom, how often, after what wait; kept when
the column holds teams or roles (no personal data), never staff names without a reason."""

from __future__ import annotations

from test_mining import HEADER, KNOWN, choose, latest, read, team, upload  # noqa: F401

from wasstraat.mining import analysis
from wasstraat.workflow import Role


def test_the_matrix_counts_each_hand_over_with_its_median_wait():
    matrix = read(KNOWN, keep=True)["handover_matrix"]
    assert matrix["resources"] == ["Bram", "Ans", "Cas"]  # most involved first
    cells = {(c["from"], c["to"]): (c["count"], c["wait"]) for c in matrix["cells"]}
    # Z1 Ans→Bram after 2 days, Z2 Ans→Bram after 1 and Bram→Cas after 6; Z3 stays with Ans.
    assert cells == {("Ans", "Bram"): (2, 1.5), ("Bram", "Cas"): (1, 6.0)}
    assert "handover_matrix" not in read(KNOWN)  # names not kept: no matrix


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
