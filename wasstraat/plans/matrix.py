"""The impact/effort matrix of step 6, drawn on the server as SVG.

Effort runs left to right, impact bottom to top, both 1 to 5. Every improvement scored on
both is a numbered point that links to its row on the board; the number, the marker shape
(circle quick win, square long term, diamond undecided) and the table beside the chart carry
the meaning without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Improvement
from ..workflow import Decision, Horizon

CELL = 84
LEFT, TOP, BOTTOM = 64, 16, 56
SIZE = 5 * CELL
WIDTH, HEIGHT = LEFT + SIZE + 16, TOP + SIZE + BOTTOM
# Where up to nine points sit inside one cell (a 3 by 3 pattern, the first in the middle).
SLOTS = ((0, 0), (-1, -1), (1, -1), (-1, 1), (1, 1), (0, -1), (0, 1), (-1, 0), (1, 0))


@dataclass(frozen=True)
class Point:
    number: int
    improvement_id: int
    title: str
    impact: int
    effort: int
    horizon: Horizon | None
    x: float
    y: float

    @property
    def shape(self) -> str:
        if self.horizon is Horizon.QUICK_WIN:
            return "circle"
        if self.horizon is Horizon.LONG_TERM:
            return "square"
        return "diamond"

    @property
    def diamond(self) -> str:
        return (f"M{self.x:.1f},{self.y - 13:.1f} L{self.x + 13:.1f},{self.y:.1f} "
                f"L{self.x:.1f},{self.y + 13:.1f} L{self.x - 13:.1f},{self.y:.1f} Z")


# Past this many points a matrix of numbered points is unreadable (nine fit a cell) and heavy
# to send: it shows the number of improvements per cell instead.
MOST_POINTS = 100


@dataclass(frozen=True)
class Cell:
    """The improvements in one cell when the matrix counts instead of drawing points."""

    effort: int
    impact: int
    quick_wins: int
    long_term: int
    undecided: int
    x: float
    y: float

    @property
    def count(self) -> int:
        return self.quick_wins + self.long_term + self.undecided


@dataclass(frozen=True)
class Matrix:
    points: list[Point]
    cells: list[Cell] | None = None  # set instead of points past MOST_POINTS
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    size: int = SIZE
    cell: int = CELL

    @property
    def counted(self) -> bool:
        return self.cells is not None

    @property
    def shows_anything(self) -> bool:
        return bool(self.points or self.cells)

    def count_at(self, effort: int, impact: int) -> int:
        return next((c.count for c in self.cells or () if (c.effort, c.impact) ==
                     (effort, impact)), 0)

    @property
    def ticks(self) -> list[tuple[int, float]]:
        """Each score with the centre of its column (effort) or row (impact, counted down)."""
        return [(score, (score - 0.5) * CELL) for score in range(1, 6)]


def _centre(effort: int, impact: int) -> tuple[float, float]:
    return LEFT + (effort - 0.5) * CELL, TOP + (5 - impact + 0.5) * CELL


def plotted(improvements: list[Improvement]) -> list[Improvement]:
    """The improvements the matrix shows: scored on both axes and not merged or dropped."""
    return [i for i in improvements
            if i.impact and i.effort
            and i.decision in (Decision.OPEN, Decision.IN_PLAN)]


def _counted(shown: list[Improvement]) -> Matrix:
    tally: dict[tuple[int, int], list[int]] = {}
    for improvement in shown:
        counts = tally.setdefault((improvement.effort, improvement.impact), [0, 0, 0])
        horizon = improvement.horizon
        counts[0 if horizon == Horizon.QUICK_WIN else 1 if horizon == Horizon.LONG_TERM
               else 2] += 1
    return Matrix([], [Cell(effort, impact, *counts, *_centre(effort, impact))
                       for (effort, impact), counts in sorted(tally.items())])


def build(improvements: list[Improvement]) -> Matrix:
    shown = plotted(improvements)
    if len(shown) > MOST_POINTS:
        return _counted(shown)
    points = []
    taken: dict[tuple[int, int], int] = {}
    for number, improvement in enumerate(shown, start=1):
        cell = (improvement.effort, improvement.impact)
        index = taken.get(cell, 0)
        taken[cell] = index + 1
        dx, dy = SLOTS[index % len(SLOTS)]
        cx, cy = _centre(*cell)
        points.append(Point(number, improvement.id, improvement.title, improvement.impact,
                            improvement.effort, improvement.horizon,
                            cx + dx * CELL * 0.3, cy + dy * CELL * 0.3))
    return Matrix(points)
