"""Before and after, with the uncertainty a council can trust: a bootstrap interval of the
change in median lead time and a Mann–Whitney U test (both as scipy computes them on the same
data and seed), the case mix beside them, and a verdict in plain Dutch."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from scipy import stats
from test_mining import before_and_after, latest, team  # noqa: F401

from wasstraat.extensions import db
from wasstraat.mining import analysis, generate, statistics
from wasstraat.mining.parse import Event
from wasstraat.models import EventLogCases
from wasstraat.workflow import Role


def lognormal(median: float, count: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).lognormal(np.log(median), 0.4, count)


def test_the_interval_and_the_test_are_scipys_on_the_same_data_and_seed():
    before, after = lognormal(10, 3_000, 1), lognormal(6, 2_500, 2)  # 40% shorter
    change = statistics.lead_time_change(before, after)
    rng = np.random.default_rng(statistics.SEED)
    expected = stats.bootstrap((before, after), statistics._relative_change, vectorized=True,
                               paired=False, n_resamples=statistics.RESAMPLES,
                               method="percentile", batch=200, rng=rng).confidence_interval
    assert (change.low, change.high) == (expected.low, expected.high)
    assert change.p_value == stats.mannwhitneyu(before, after).pvalue
    assert change.change == pytest.approx(np.median(after) / np.median(before) - 1)
    assert change.low < -0.4 < change.high and change.shown
    said = statistics.verdict(change)
    assert re.fullmatch(r"Doorlooptijd 4\d% korter \(95%-interval 3\d–4\d%\)\.", said), said


def test_no_change_in_the_data_is_no_change_in_the_verdict():
    change = statistics.lead_time_change(lognormal(10, 800, 3), lognormal(10, 800, 4))
    assert not change.shown
    assert statistics.verdict(change).startswith(
        "Een verandering van de doorlooptijd is met deze gegevens niet aangetoond (95%-interval"
        " −")
    assert statistics.verdict(None).startswith("Met deze gegevens is geen verandering")
    assert statistics.lead_time_change(np.array([0.0, 0.0, 0.0]), lognormal(1, 10, 5)) is None


def test_a_large_log_is_represented_by_a_fixed_sample_in_the_interval_only():
    before = lognormal(10, 3 * statistics.BOOTSTRAP_CASES, 6)
    after = lognormal(8, 3 * statistics.BOOTSTRAP_CASES, 7)
    change = statistics.lead_time_change(before, after)
    assert change.cases_before == 3 * statistics.BOOTSTRAP_CASES  # the test and the medians:
    assert change.p_value == stats.mannwhitneyu(before, after).pvalue  # all cases
    assert change.low < -0.2 < change.high
    assert change == statistics.lead_time_change(before, after)  # the same every time


def test_a_shift_in_the_case_mix_is_named():
    quiet = {"typical_month": {"before": 40.0, "after": 70.0}, "path_shift": 0.1}
    [volume] = statistics.mix_warnings(quiet)
    assert "na de verandering 70 zaken binnen, ervoor 40" in volume
    [paths] = statistics.mix_warnings({"typical_month": {"before": 40.0, "after": 45.0},
                                       "path_shift": 0.4})
    assert "voor 40% anders verdeeld" in paths
    assert statistics.mix_warnings({"typical_month": {"before": 40.0, "after": 45.0},
                                    "path_shift": 0.2}) == []
    [busier_before] = statistics.mix_warnings({"typical_month": {"before": 70.0,
                                                                 "after": 40.0},
                                               "path_shift": 0.0})
    assert "na de verandering 40 zaken binnen, ervoor 70" in busier_before


def test_a_change_is_only_shown_when_the_interval_and_the_test_agree():
    def change(low: float, high: float, p_value: float) -> statistics.LeadTimeChange:
        return statistics.LeadTimeChange(10.0, 7.0, -0.3, low, high, p_value, 100, 100)

    assert change(-0.4, -0.2, 0.01).shown and change(0.1, 0.3, 0.01).shown
    assert not change(-0.4, -0.2, 0.2).shown  # the test does not agree
    assert not change(-0.4, 0.1, 0.01).shown  # the interval holds no change


def test_the_page_after_the_change_says_whether_it_got_better(team, login_as, monkeypatch):
    advisor = login_as(team[Role.PROCESS_ADVISOR])
    _before, after = before_and_after(advisor, team, 300)
    assert db.session.scalar(db.select(db.func.count()).select_from(EventLogCases)) == 2
    page = f"/projects/{team.project.id}/event-logs/{after.id}"
    text = html.unescape(advisor.get(page).get_data(as_text=True))
    assert re.search(r"Doorlooptijd \d+% korter \(95%-interval \d+–\d+%\)\.", text)
    assert "de Mann-Whitney-toets geeft p < 0,001." in text
    assert "september 2026" in text and "maart 2026" in text  # cases per month, both logs
    # Made once per log compared with (and unit), then read from the log after the change.
    db.session.expire_all()
    assert set(latest().comparison) == {f"{latest().id - 1}:calendar"}
    made: list[str] = []
    real = statistics.lead_time_change
    monkeypatch.setattr(statistics, "lead_time_change",
                        lambda *args, **kwargs: made.append("made") or real(*args, **kwargs))
    assert advisor.get(page).status_code == 200 and made == []
    working = html.unescape(advisor.get(page + "?unit=working").get_data(as_text=True))
    assert made == ["made"] and re.search(r"Doorlooptijd \d+% korter", working)
    db.session.expire_all()
    assert len(latest().comparison) == 2  # and in working days, kept beside it


def test_the_table_of_cases_has_no_case_number_and_one_row_per_case():
    rows = list(generate.cases(50, seed=9))
    result, cases = analysis.analyse_with_cases(
        event for events in rows for event in _events(events))
    assert len(cases.lead) == result["cases"] == 50
    assert np.median(cases.lead) == pytest.approx(result["lead_time"]["median"], abs=1e-4)
    packed = cases.packed()
    assert b"Z-2026" not in packed
    again = analysis.CaseTable.unpacked(packed)
    assert np.array_equal(again.lead, cases.lead) and np.array_equal(again.variant,
                                                                     cases.variant)
    kept = again.variant[again.variant >= 0]
    assert np.bincount(kept).tolist() == [v["cases"] for v in result["variants"]]


def _events(events):
    for case, activity, begin, end, who in events:
        yield Event(case, activity, begin.timestamp(), end.timestamp(), who)
