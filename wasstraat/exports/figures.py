"""The figures of the plan documents, drawn on the server with matplotlib (no browser) as
PNG at print resolution: the impact/effort matrix, the journey curve, the KPIs before and
after, and the planning as a Gantt chart.

Every figure can be read in grey print: the series differ by shape, hatching and lightness,
not by colour alone; text is dark on light. Each comes with alt text, and the document puts
the same facts in a table beside it.
"""

from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle

from .docx_base import number, short_month

DPI = 220  # sharp on paper, small enough to build fast
CM = 1 / 2.54
INK, GREY, LIGHT = "#1a1a1a", "#595959", "#e3e8ef"
BLUE, PURPLE = "#1f3864", "#5b2c83"
FONT = {"family": "sans-serif", "sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"]}
plt.rcParams.update({"font.family": FONT["family"], "font.sans-serif": FONT["sans-serif"],
                     "font.size": 8, "axes.edgecolor": GREY, "axes.labelcolor": INK,
                     "xtick.color": INK, "ytick.color": INK, "svg.fonttype": "none"})


@functools.cache
def _glyphs() -> frozenset[int]:
    """The characters the figures' font (the first of FONT that is installed) can draw."""
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    return frozenset(FT2Font(path).get_charmap())


# Right-to-left scripts (Hebrew, Arabic): matplotlib draws their letters unjoined and left to
# right, which reads wrongly.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def drawable(value: str) -> str:
    """A label as a figure can show it: without right-to-left text, control and format
    characters (direction overrides) and characters the fonts lack (most emoji). The table
    beside every figure carries the text as typed."""
    glyphs = _glyphs()
    kept = "".join(c for c in _RIGHT_TO_LEFT.sub("", value)
                   if ord(c) in glyphs and unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(kept.split())


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(figure)
    return buffer.getvalue()


def _short(value: str, width: int) -> str:
    """A label in a figure: drawable and at most ``width`` characters."""
    return textwrap.shorten(drawable(value), width=width, placeholder="…") or "–"


def _brief(value: str, width: int) -> str:
    """A name in alt text (read, not drawn: emoji and Arabic stay)."""
    return textwrap.shorten(" ".join(value.split()), width=width, placeholder="…")


# --- The impact/effort matrix -----------------------------------------------------------------

@dataclass(frozen=True)
class MatrixPoint:
    number: str  # "V3"
    impact: int
    effort: int
    quick_win: bool


MAX_NUMBERS_IN_CELL = 12


def matrix(points: Sequence[MatrixPoint]) -> bytes:
    """A 5 x 5 grid of impact against effort; each cell lists the numbers of its improvements
    (a circle marks a quick win, a square long term), so the matrix and the tables agree."""
    figure, axes = plt.subplots(figsize=(15 * CM, 12.5 * CM))
    # Shaded: high impact (4-5) for little effort (1-2), the cells the alt text names.
    axes.add_patch(Rectangle((0.5, 3.5), 2, 2, facecolor=LIGHT, edgecolor="none"))
    for edge in range(6):
        axes.axhline(edge + 0.5, color=GREY, linewidth=0.6)
        axes.axvline(edge + 0.5, color=GREY, linewidth=0.6)
    corners = (("Snel resultaat", 0.55, 5.42, "left"), ("Grote projecten", 5.45, 5.42, "right"),
               ("Kleine klussen", 0.55, 0.58, "left"), ("Heroverwegen", 5.45, 0.58, "right"))
    for label, x, y, align in corners:
        axes.text(x, y, label, ha=align, va="top" if y > 3 else "bottom", fontsize=7.5,
                  color=GREY, style="italic")
    cells: dict[tuple[int, int], list[MatrixPoint]] = {}
    for point in points:
        cells.setdefault((point.effort, point.impact), []).append(point)
    for (effort, impact), members in cells.items():
        shown = members[:MAX_NUMBERS_IN_CELL]
        lines = [" ".join(("●" if p.quick_win else "■") + p.number for p in shown[i:i + 3])
                 for i in range(0, len(shown), 3)]
        if len(members) > len(shown):
            lines.append(f"+ {len(members) - len(shown)} meer")
        axes.text(effort, impact, "\n".join(lines), ha="center", va="center",
                  fontsize=7 if len(lines) < 4 else 6, color=INK, linespacing=1.25)
    axes.set_xlim(0.5, 5.5)
    axes.set_ylim(0.5, 5.5)
    axes.set_xticks(range(1, 6))
    axes.set_yticks(range(1, 6))
    axes.set_xlabel("Inspanning (1 = heel klein, 5 = heel groot) →")
    axes.set_ylabel("Impact (1 = heel klein, 5 = heel groot) →")
    axes.tick_params(length=0)
    axes.set_aspect("equal")
    return _png(figure)


def matrix_alt(points: Sequence[MatrixPoint]) -> str:
    quick = sum(p.quick_win for p in points)
    corner = [p.number for p in points if p.impact >= 4 and p.effort <= 2]
    said = (f"Matrix van impact (verticaal) tegen inspanning (horizontaal) met {len(points)} "
            f"verbeteringen, waarvan {quick} snelle verbeteringen (rondje) en "
            f"{len(points) - quick} voor de lange termijn (vierkant).")
    if corner:
        said += f" Hoge impact bij weinig inspanning: {', '.join(corner[:20])}"
        said += " en meer." if len(corner) > 20 else "."
    return said + " De tabellen met verbeteringen geven per nummer de impact en inspanning."


# --- The customer journey ---------------------------------------------------------------------

def journey_curve(phases: Sequence[tuple[str, int]]) -> bytes:
    """The resident's experience per phase (-2 to +2), as a line with marked points."""
    width = max(12.0, min(16.0, 2.2 * len(phases)))
    figure, axes = plt.subplots(figsize=(width * CM, 7.5 * CM))
    positions = list(range(1, len(phases) + 1))
    scores = [score for _name, score in phases]
    axes.axhspan(-2.5, 0, color=LIGHT, zorder=0)
    axes.axhline(0, color=GREY, linewidth=0.8)
    axes.plot(positions, scores, color=BLUE, linewidth=2, marker="o", markersize=6,
              markerfacecolor="white", markeredgewidth=2, zorder=3)
    for x, score in zip(positions, scores, strict=True):
        axes.annotate(f"{score:+d}" if score else "0", (x, score), textcoords="offset points",
                      xytext=(0, 8 if score >= 0 else -14), ha="center", fontsize=7.5,
                      color=INK)
    axes.set_xticks(positions, [_short(name, 18) for name, _score in phases],
                    rotation=30 if len(phases) > 5 else 0,
                    ha="right" if len(phases) > 5 else "center")
    axes.set_yticks([-2, -1, 0, 1, 2], ["−2 zeer negatief", "−1", "0", "+1", "+2 zeer positief"])
    axes.set_ylim(-2.6, 2.6)
    axes.set_xlim(0.5, len(phases) + 0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylabel("Beleving van de inwoner")
    return _png(figure)


def journey_alt(phases: Sequence[tuple[str, int]]) -> str:
    lowest = min(phases, key=lambda phase: phase[1])
    highest = max(phases, key=lambda phase: phase[1])
    return (f"Lijn van de beleving van de inwoner over {len(phases)} fasen van de klantreis, "
            f"van −2 (zeer negatief) tot +2 (zeer positief). Laagste punt: "
            f"{_brief(lowest[0], 60)} ({lowest[1]:+d}); hoogste punt: {_brief(highest[0], 60)} "
            f"({highest[1]:+d}). De tabel met fasen geeft elke score.")


# --- KPIs: baseline, target and after-measurement ---------------------------------------------

@dataclass(frozen=True)
class KpiBars:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    after: float | None


SERIES = (("Nulmeting", "#bfbfbf", ""), ("Doel", "white", "////"), ("Nameting", "#404040", ""))


def kpi_chart(kpis: Sequence[KpiBars]) -> bytes:
    """One small panel per KPI (each has its own unit): baseline, target, after-measurement
    as bars that differ in lightness and hatching, with the value on each bar."""
    columns = min(3, len(kpis))
    rows = -(-len(kpis) // columns)
    figure, panels = plt.subplots(rows, columns, figsize=(16 * CM, 5.2 * CM * rows),
                                  squeeze=False)
    for axes in panels.flat[len(kpis):]:
        axes.set_visible(False)
    for axes, kpi in zip(panels.flat, kpis, strict=False):
        values = (kpi.baseline, kpi.target, kpi.after)
        for x, ((_label, fill, hatch), value) in enumerate(zip(SERIES, values, strict=True)):
            if value is None:
                axes.text(x, 0, "–", ha="center", va="bottom", fontsize=8, color=GREY)
                continue
            axes.bar(x, value, color=fill, edgecolor=INK, hatch=hatch, linewidth=0.8,
                     width=0.7)
            axes.text(x, value, number(value), ha="center", va="bottom", fontsize=7,
                      color=INK)
        axes.set_xticks(range(3), [label for label, _fill, _hatch in SERIES], fontsize=7)
        axes.set_title(_short(f"{kpi.name} ({kpi.unit})", 34), fontsize=8, color=INK)
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="y", labelsize=7)
        top = max((v for v in values if v is not None), default=1) or 1
        axes.set_ylim(0, top * 1.2)
    figure.tight_layout()
    return _png(figure)


def kpi_alt(kpis: Sequence[KpiBars]) -> str:
    parts = [f"{k.name}: nulmeting {number(k.baseline)}, doel {number(k.target)}, "
             f"nameting {number(k.after)} {k.unit}" for k in kpis]
    return "Staafdiagram per KPI met nulmeting, doel en nameting. " + "; ".join(parts) + "."


# --- The planning -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str  # "3. Digitaal aanvraagformulier"
    start: date
    end: date
    done: bool


ROWS_PER_GANTT = 25  # one landscape page: 25 rows of 0.45 cm, the axis and the caption
GANTT_WIDTH_CM, GANTT_ROW_CM, GANTT_AXIS_CM = 24.5, 0.45, 1.6
LABEL_SHARE = 0.34  # of the width, for the improvement's number and title
MONTH_LABELS = 12  # at most this many month names along the axis


def gantt(bars: Sequence[Bar], months: Sequence[date]) -> list[bytes]:
    """A bar per improvement over the months of the whole period, as one image per landscape
    page (``ROWS_PER_GANTT`` bars each); finished work is hatched, so the difference survives
    grey print. One figure is drawn again for every page, with fixed margins: a long plan
    costs a fraction of a figure per page."""
    rows = min(ROWS_PER_GANTT, len(bars))
    height = GANTT_AXIS_CM + GANTT_ROW_CM * rows
    figure = plt.figure(figsize=(GANTT_WIDTH_CM * CM, height * CM))
    figure.subplots_adjust(left=LABEL_SHARE, right=0.98, top=1 - 0.15 / height,
                           bottom=(GANTT_AXIS_CM - 0.15) / height)
    axes = figure.add_subplot()
    origin = months[0].toordinal()
    last = months[-1]
    following = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    month_starts = [m.toordinal() - origin for m in months]
    step = -(-len(months) // MONTH_LABELS)
    pages = []
    for first in range(0, len(bars), ROWS_PER_GANTT):
        chunk = bars[first:first + ROWS_PER_GANTT]
        axes.clear()
        for row, bar in enumerate(chunk):
            start = bar.start.toordinal() - origin
            length = max(bar.end.toordinal() - bar.start.toordinal() + 1, 4)
            axes.barh(row, length, left=start, height=0.6,
                      color="#d9d9d9" if bar.done else BLUE, edgecolor=INK, linewidth=0.6,
                      hatch="////" if bar.done else "")
        for tick in month_starts:
            axes.axvline(tick, color="#d0d0d0", linewidth=0.4, zorder=0)
        axes.set_xticks(month_starts[::step], [short_month(m) for m in months[::step]],
                        fontsize=7.5)
        axes.set_xlim(0, following.toordinal() - origin)
        axes.set_yticks(range(len(chunk)), [_short(b.label, 46) for b in chunk], fontsize=7.5)
        axes.set_ylim(rows - 0.5, -0.5)  # the same bar height on every page
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(length=0)
        pages.append(_page(figure))
    plt.close(figure)
    return pages


def _page(figure: Figure) -> bytes:
    buffer = BytesIO()
    # Light compression: the .docx is a zip anyway, and encoding is most of a page's time.
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white",
                   pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def gantt_alt(bars: Sequence[Bar], months: Sequence[date]) -> str:
    done = sum(b.done for b in bars)
    return (f"Gantt-diagram van {len(bars)} verbeteringen van {short_month(months[0])} tot "
            f"en met {short_month(months[-1])}; {done} afgerond (gearceerd). De planningstabel "
            f"geeft per verbetering de start- en einddatum.")


# --- The measured process (event logs) --------------------------------------------------------

def lead_times(before: list[dict], after: list[dict] | None = None) -> bytes:
    """Cases per lead time in days as bars; with ``after``, the log after the change beside
    it (hatched, so the two differ by more than their shade)."""
    figure, axes = plt.subplots(figsize=(15 * CM, 6.5 * CM))
    series = [("Vóór" if after else "Zaken", before, "#bfbfbf", "")]
    if after:
        series.append(("Na de verandering", after, BLUE, "////"))
    width = 0.8 / len(series)
    for n, (label, bins, colour, hatch) in enumerate(series):
        middles = [(b["from"] + b["to"]) / 2 for b in bins]
        step = (bins[0]["to"] - bins[0]["from"]) if bins else 1
        axes.bar([m + (n - (len(series) - 1) / 2) * width * step for m in middles],
                 [b["cases"] for b in bins], width=width * step, color=colour, hatch=hatch,
                 edgecolor=INK, linewidth=0.5, label=label)
    axes.set_xlabel("Doorlooptijd per zaak (dagen)")
    axes.set_ylabel("Aantal zaken")
    axes.spines[["top", "right"]].set_visible(False)
    if after:
        axes.legend(frameon=False)
    return _png(figure)


def lead_times_alt(before: dict, after: dict | None = None) -> str:
    def said(result: dict) -> str:
        lead = result["lead_time"]
        return (f"{result['cases']} zaken, mediaan {number(lead['median'])} dagen, 90e "
                f"percentiel {number(lead['p90'])} dagen")

    if after is None:
        return (f"Staafdiagram van de doorlooptijd per zaak uit het eventlog: {said(before)}. "
                "De tabel eronder geeft de cijfers.")
    return (f"Staafdiagram van de doorlooptijd per zaak vóór en na de verandering. Vóór: "
            f"{said(before)}. Na: {said(after)}. De tabel eronder geeft de cijfers.")
