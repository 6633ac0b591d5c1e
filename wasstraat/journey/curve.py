"""The experience curve of a customer journey, drawn on the server as SVG.

Readable without colour: every point carries its score as text and a marker shape (up for
positive, down for negative, a square for neutral), and the page shows the same data as a
table for screen readers."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import JourneyPhase

WIDTH, HEIGHT = 720, 260
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60, 24, 72
LEVELS = (2, 1, 0, -1, -2)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    label: str

    @property
    def marker(self) -> str:
        """An SVG path for the marker: a triangle up, down, or a square."""
        x, y = self.x, self.y
        if self.score > 0:
            return f"M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y + 5:.1f} L{x - 7:.1f},{y + 5:.1f} Z"
        if self.score < 0:
            return f"M{x:.1f},{y + 7:.1f} L{x + 7:.1f},{y - 5:.1f} L{x - 7:.1f},{y - 5:.1f} Z"
        return f"M{x - 6:.1f},{y - 6:.1f} h12 v12 h-12 Z"


@dataclass(frozen=True)
class Curve:
    width: int
    height: int
    points: list[Point]
    levels: list[tuple[int, float]]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def level_y(score: int) -> float:
    usable = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    return MARGIN_TOP + (2 - score) * usable / 4


def build(phases: list[JourneyPhase]) -> Curve:
    count = len(phases)
    step = (WIDTH - 2 * MARGIN_X) / max(count - 1, 1)
    points = [
        Point(MARGIN_X + (i * step if count > 1 else (WIDTH - 2 * MARGIN_X) / 2),
              level_y(phase.experience), phase.experience, phase.name)
        for i, phase in enumerate(phases)
    ]
    return Curve(WIDTH, HEIGHT, points, [(score, level_y(score)) for score in LEVELS])
