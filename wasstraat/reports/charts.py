"""The reports' charts as geometry for server-rendered SVG: the template draws what is here
(each chart has a table twin with the same figures for screen readers and for copying)."""

from __future__ import annotations

from dataclasses import dataclass

from .queries import StepFlow
from .register import Totals

STEP_LABEL_WIDTH = 250
STEP_BAR_WIDTH = 360
STEP_ROW = 30
QUARTER_WIDTH = 56
QUARTER_HEIGHT = 160


@dataclass(frozen=True)
class StepBar:
    flow: StepFlow
    y: float
    median_width: float
    p90_x: float | None


@dataclass(frozen=True)
class StepChart:
    bars: list[StepBar]
    width: int
    height: int
    left: int
    scale_days: float  # the number of days at the end of the axis

    @property
    def ticks(self) -> list[tuple[float, float]]:
        """(days, x) at a quarter, half, three quarters and the end of the axis."""
        return [(round(self.scale_days * f, 1), self.left + STEP_BAR_WIDTH * f)
                for f in (0.25, 0.5, 0.75, 1.0)]


def step_chart(steps: list[StepFlow]) -> StepChart:
    longest = max((s.p90_days or s.median_days or 0 for s in steps), default=0) or 1

    def x(days: float) -> float:
        return round(days / longest * STEP_BAR_WIDTH, 1)

    bars = [StepBar(flow, 10 + n * STEP_ROW, x(flow.median_days or 0),
                    STEP_LABEL_WIDTH + x(flow.p90_days) if flow.p90_days is not None else None)
            for n, flow in enumerate(steps)]
    return StepChart(bars, STEP_LABEL_WIDTH + STEP_BAR_WIDTH + 60,
                     20 + len(steps) * STEP_ROW + 24, STEP_LABEL_WIDTH, longest)


@dataclass(frozen=True)
class QuarterBar:
    label: str
    count: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class QuarterChart:
    bars: list[QuarterBar]
    width: int
    height: int
    base: int  # the y of the axis


def quarter_chart(quarters: list[tuple[str, int]]) -> QuarterChart:
    most = max((count for _label, count in quarters), default=0) or 1
    base = 20 + QUARTER_HEIGHT
    bars = []
    for n, (label, count) in enumerate(quarters):
        height = round(count / most * QUARTER_HEIGHT, 1)
        bars.append(QuarterBar(label, count, 10 + n * QUARTER_WIDTH, base - height, height))
    return QuarterChart(bars, max(20 + len(quarters) * QUARTER_WIDTH, 200), base + 44, base)


@dataclass(frozen=True)
class BenefitBar:
    """One group: its expected and its realised net euros a year, as two bars."""

    label: str
    expected: float
    actual: float
    y: float
    expected_width: float
    actual_width: float


@dataclass(frozen=True)
class BenefitChart:
    bars: list[BenefitBar]
    width: int
    height: int
    left: int


def benefit_chart(totals: list[Totals]) -> BenefitChart:
    """Expected against realised euros a year per group (negative values drawn as none)."""
    largest = max((max(t.euros_expected, t.euros_actual) for t in totals), default=0) or 1

    def width(euros: float) -> float:
        return round(max(euros, 0) / largest * STEP_BAR_WIDTH, 1)

    bars = [BenefitBar(t.label, t.euros_expected, t.euros_actual, 10 + n * 2 * STEP_ROW,
                       width(t.euros_expected), width(t.euros_actual))
            for n, t in enumerate(totals)]
    return BenefitChart(bars, STEP_LABEL_WIDTH + STEP_BAR_WIDTH + 110,
                        20 + len(totals) * 2 * STEP_ROW, STEP_LABEL_WIDTH)
