"""The measured process as geometry for server-rendered SVG (the template draws it; each
figure has a table twin), and as PNG for the Word documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .analysis import END, START

BAR_AREA_WIDTH, BAR_AREA_HEIGHT, LEFT, BOTTOM = 480, 160, 40, 36
NODE_WIDTH, NODE_HEIGHT, NODE_GAP, GRAPH_LEFT = 240, 34, 34, 190
EDGES_DRAWN = 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    cases: int
    label: str  # "0–2,5"


@dataclass(frozen=True)
class Histogram:
    bars: list[Bar]
    width: int
    height: int
    top: int  # cases at the top of the axis
    top_days: float  # days at the end of the axis


def histogram(bins: list[dict[str, Any]]) -> Histogram:
    top = max((b["cases"] for b in bins), default=0) or 1
    width = BAR_AREA_WIDTH / max(1, len(bins))
    bars = []
    for n, b in enumerate(bins):
        height = round(b["cases"] / top * BAR_AREA_HEIGHT, 1)
        bars.append(Bar(LEFT + n * width + 1, 10 + BAR_AREA_HEIGHT - height, width - 2, height,
                        b["cases"], f"{b['from']:.1f}–{b['to']:.1f}".replace(".", ",")))
    return Histogram(bars, LEFT + BAR_AREA_WIDTH + 10, 10 + BAR_AREA_HEIGHT + BOTTOM, top,
                     bins[-1]["to"] if bins else 0.0)


@dataclass(frozen=True)
class Node:
    label: str
    x: float
    y: float
    terminal: bool  # the start or end of the process


@dataclass(frozen=True)
class Arrow:
    path: str
    label_x: float
    label_y: float
    label: str
    anchor: str


@dataclass(frozen=True)
class Graph:
    nodes: list[Node]
    arrows: list[Arrow]
    width: int
    height: int


def process_order(result: dict[str, Any]) -> list[str]:
    """Activities in the order cases take them: by where they first come in a case, on
    average over the cases of the variants kept (the rest after them)."""
    places: dict[str, list[float]] = {}
    for variant in result["variants"]:
        path = variant["activities"]
        for activity in dict.fromkeys(path):
            places.setdefault(activity, [0.0, 0.0])
            places[activity][0] += path.index(activity) * variant["cases"]
            places[activity][1] += variant["cases"]
    ordered = sorted(places, key=lambda a: (places[a][0] / places[a][1], a))
    return ordered + [a for a in result["activities"] if a not in places]


def _order(result: dict[str, Any]) -> list[str]:
    return [START, *process_order(result), END]


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " d"


def graph(result: dict[str, Any]) -> Graph:
    order = _order(result)
    place = {name: n for n, name in enumerate(order)}
    centre = GRAPH_LEFT + NODE_WIDTH / 2
    nodes = [Node(name, GRAPH_LEFT, 10 + n * (NODE_HEIGHT + NODE_GAP), name in (START, END))
             for n, name in enumerate(order)]
    arrows = []
    for edge in result["edges"][:EDGES_DRAWN]:
        a, b = place.get(edge["from"]), place.get(edge["to"])
        if a is None or b is None:
            continue
        top_a = 10 + a * (NODE_HEIGHT + NODE_GAP)
        top_b = 10 + b * (NODE_HEIGHT + NODE_GAP)
        label = f"{edge['count']}×"
        if edge["wait"]["median"] is not None:
            label += f" · {_days(edge['wait']['median'])}"
        if a == b:  # done again at once: a small loop on the left
            y = top_a + NODE_HEIGHT / 2
            arrows.append(Arrow(f"M{GRAPH_LEFT},{y - 8} C{GRAPH_LEFT - 45},{y - 30} "
                                f"{GRAPH_LEFT - 45},{y + 30} {GRAPH_LEFT},{y + 8}",
                                GRAPH_LEFT - 48, y + 4, label, "end"))
            continue
        if b == a + 1:  # the next activity down: a straight arrow
            y1, y2 = top_a + NODE_HEIGHT, top_b
            arrows.append(Arrow(f"M{centre},{y1} L{centre},{y2 - 2}", centre + 8,
                                (y1 + y2) / 2 + 4, label, "start"))
            continue
        span = abs(b - a)
        forward = b > a
        side = GRAPH_LEFT + NODE_WIDTH if forward else GRAPH_LEFT
        reach = 30 + span * 14
        x_far = side + reach if forward else side - reach
        y1, y2 = top_a + NODE_HEIGHT / 2, top_b + NODE_HEIGHT / 2
        arrows.append(Arrow(f"M{side},{y1} C{x_far},{y1} {x_far},{y2} {side},{y2}",
                            x_far + (4 if forward else -4), (y1 + y2) / 2,
                            label, "start" if forward else "end"))
    height = 20 + len(order) * (NODE_HEIGHT + NODE_GAP)
    return Graph(nodes, arrows, GRAPH_LEFT + NODE_WIDTH + 260, height)


# --- The dotted chart ---------------------------------------------------------------------------

DOTTED_WIDTH, DOTTED_ROW, DOTTED_LEFT, DOTTED_TOP, DOTTED_AXIS = 640, 5, 10, 10, 24
# Each marked activity a shape and a colour (both, so colour is never the only cue), every
# colour at least 3:1 against white.
MARKS = [("circle", "#1d4f91"), ("square", "#b3261e"), ("triangle", "#1e7b34"),
         ("diamond", "#7a4b00"), ("circle", "#6a1b9a"), ("square", "#00695c"),
         ("triangle", "#c2185b"), ("diamond", "#37474f")]
OTHER_MARK = ("dot", "#6b6b6b")


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    shape: str
    colour: str


@dataclass(frozen=True)
class DottedChart:
    dots: list[Dot]
    legend: list[tuple[str, str, str]]  # (activity, shape, colour)
    width: int
    height: int
    span_days: float


def dotted(result: dict[str, Any], other_label: str) -> DottedChart | None:
    """Cases as rows (the earliest on top), their events as marks at their moment."""
    chart = result.get("dotted")
    if not chart or not chart["cases"]:
        return None
    span = chart["span_days"] or 1.0
    dots = []
    for row, events in enumerate(chart["cases"]):
        y = DOTTED_TOP + row * DOTTED_ROW
        for moment, mark in events:
            shape, colour = MARKS[mark] if mark >= 0 else OTHER_MARK
            dots.append(Dot(round(DOTTED_LEFT + moment / span * DOTTED_WIDTH, 1), y, shape,
                            colour))
    legend = [(name, *MARKS[n]) for n, name in enumerate(chart["activities"])]
    if chart["others"]:
        legend.append((other_label, *OTHER_MARK))
    return DottedChart(dots, legend, DOTTED_LEFT * 2 + DOTTED_WIDTH,
                       DOTTED_TOP * 2 + len(chart["cases"]) * DOTTED_ROW + DOTTED_AXIS, span)
