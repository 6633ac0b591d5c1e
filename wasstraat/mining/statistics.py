"""Did it get better? The lead times before and after the change, with their uncertainty.

A difference of medians alone may be noise, or another mix of cases. So beside it:

- a bootstrap 95% interval of the relative change of the median lead time (scipy's percentile
  bootstrap; cases resampled with replacement, each log on its own; with a fixed seed, so the
  page says the same each time). Past ``BOOTSTRAP_CASES`` cases a log is represented by a fixed
  random sample of that many: the interval is then a little wider than it need be, never
  narrower;
- a Mann–Whitney U test on the cases' lead times (scipy, two-sided): could both logs come from
  the same distribution?
- the case mix: cases per month in each log, and the shares of the commonest paths; a shift is
  named, since a quieter period or simpler cases also shorten lead times.

The verdict names a change only when both agree (the interval excludes no change, p < 0,05):
"doorlooptijd 38% korter (95%-interval 30–45%)"; else "met deze gegevens niet aangetoond".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

import numpy as np
from flask_babel import gettext as _

from ..working_time import local_days
from .analysis import VARIANT_STEPS_KEPT, CaseTable

SEED = 20261205
RESAMPLES = 2000
BOOTSTRAP_CASES = 5_000
SIGNIFICANCE = 0.05
# When the case mix is said to have shifted: cases per month differing by more than this
# share, or paths whose shares differ by more than this much in all (total variation).
VOLUME_SHIFT, PATH_SHIFT = 0.3, 0.25


@dataclass(frozen=True)
class LeadTimeChange:
    before_median: float
    after_median: float
    change: float  # relative: -0.38 is 38% shorter
    low: float
    high: float
    p_value: float
    cases_before: int
    cases_after: int

    @property
    def shown(self) -> bool:
        """A change the data bear out: the interval excludes none, and the test agrees."""
        return self.p_value < SIGNIFICANCE and (self.high < 0 or self.low > 0)


def _relative_change(before, after, axis=-1):
    middle = np.median(before, axis=axis)
    return (np.median(after, axis=axis) - middle) / middle


def lead_time_change(before: np.ndarray, after: np.ndarray, *,
                     seed: int = SEED) -> LeadTimeChange | None:
    """None where a log has no cases, or the median before is 0 (no relative change)."""
    before, after = before[~np.isnan(before)], after[~np.isnan(after)]
    if len(before) < 2 or len(after) < 2 or np.median(before) <= 0:
        return None
    # scipy only here: imported by every web process it would cost each some 60 MB.
    from scipy import stats

    rng = np.random.default_rng(seed)
    sample_before = _at_most(before, BOOTSTRAP_CASES, rng)
    sample_after = _at_most(after, BOOTSTRAP_CASES, rng)
    interval = stats.bootstrap((sample_before, sample_after), _relative_change,
                               vectorized=True, paired=False, n_resamples=RESAMPLES,
                               method="percentile", batch=200, rng=rng).confidence_interval
    test = stats.mannwhitneyu(before, after, alternative="two-sided")
    return LeadTimeChange(
        before_median=float(np.median(before)), after_median=float(np.median(after)),
        change=float(_relative_change(before, after)), low=float(interval.low),
        high=float(interval.high), p_value=float(test.pvalue), cases_before=len(before),
        cases_after=len(after))


def _at_most(values: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    return values if len(values) <= count else rng.choice(values, size=count, replace=False)


def verdict(change: LeadTimeChange | None) -> str:
    """The change in plain Dutch."""
    if change is None:
        return _("Met deze gegevens is geen verandering van de doorlooptijd te berekenen.")
    low, high = round(change.low * 100), round(change.high * 100)
    if change.shown and change.change < 0:
        return _("Doorlooptijd %(pct)d%% korter (95%%-interval %(near)d–%(far)d%%).",
                 pct=round(-change.change * 100), near=-high, far=-low)
    if change.shown:
        return _("Doorlooptijd %(pct)d%% langer (95%%-interval %(near)d–%(far)d%%).",
                 pct=round(change.change * 100), near=low, far=high)
    return _("Een verandering van de doorlooptijd is met deze gegevens niet aangetoond "
             "(95%%-interval %(low)s tot %(high)s).", low=_signed(low), high=_signed(high))


def _signed(percent: int) -> str:
    return f"{'+' if percent > 0 else '−' if percent < 0 else ''}{abs(percent)}%"


def case_mix(before: CaseTable, after: CaseTable, before_result: dict, after_result: dict,
             zone: ZoneInfo) -> dict:
    """Cases per month in each log, the commonest paths' shares, and what shifted."""
    volumes = {"before": _per_month(before.start, zone), "after": _per_month(after.start, zone)}
    typical = {side: float(np.median(list(months.values()))) if months else 0.0
               for side, months in volumes.items()}
    shares_before = _shares(before, before_result)
    shares_after = _shares(after, after_result)
    paths = sorted(shares_before, key=lambda p: -shares_before[p])[:5]
    moved = 0.5 * sum(abs(shares_before.get(p, 0.0) - shares_after.get(p, 0.0))
                      for p in set(shares_before) | set(shares_after))
    return {"volumes": volumes, "typical_month": typical, "path_shift": round(moved, 4),
            "paths": [{"activities": list(path), "before": round(shares_before.get(path, 0), 4),
                       "after": round(shares_after.get(path, 0), 4)} for path in paths]}


def mix_warnings(mix: dict) -> list[str]:
    """What shifted in the case mix, in words."""
    typical, warnings = mix["typical_month"], []
    if typical["before"] and abs(typical["after"] / typical["before"] - 1) > VOLUME_SHIFT:
        warnings.append(_("Per maand kwamen er na de verandering %(after)s zaken binnen, "
                          "ervoor %(before)s (mediaan): een drukkere of rustigere periode "
                          "beïnvloedt de doorlooptijd ook.", after=f"{typical['after']:g}",
                          before=f"{typical['before']:g}"))
    if mix["path_shift"] > PATH_SHIFT:
        warnings.append(_("De paden die zaken nemen zijn voor %(pct)d%% anders verdeeld. Dat "
                          "kan de verbetering zelf zijn, of een andere soort zaken.",
                          pct=round(mix["path_shift"] * 100)))
    return warnings


def _per_month(starts: np.ndarray, zone: ZoneInfo) -> dict[str, int]:
    months = local_days(starts, zone).astype("datetime64[M]").astype(str)
    return dict(sorted(Counter(months.tolist()).items()))


def _shares(table: CaseTable, result: dict) -> dict[tuple[str, ...], float]:
    """Each path's share of the cases: of every path in the table (so of the cases a filter
    selected), or of the kept variants where the table was kept before its paths were."""
    if len(table.path) == 0:
        return {tuple(v["activities"]): v["cases"] / result["cases"]
                for v in result["variants"]}
    names, shares = table.paths(), Counter[tuple[str, ...]]()
    for number, cases in Counter(table.path.tolist()).items():
        shares[tuple(names[number][:VARIANT_STEPS_KEPT])] += cases / len(table.path)
    return dict(shares)


def as_stored(change: LeadTimeChange | None) -> dict | None:
    return asdict(change) if change is not None else None


def from_stored(stored: dict | None) -> LeadTimeChange | None:
    return LeadTimeChange(**stored) if stored else None
