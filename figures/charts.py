"""Bar charts as SVG geometry, computed on the server (no script): one bar a day, a y axis
with round ticks, a few dated x labels. Pure: numbers in, coordinates and labels out; the
markup is figures.svg.

The viewBox is small (360 x 180) so that on a 360 px phone the labels stay readable at
width 100%; on a wider screen the chart scales up with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 6, 8, 22  # room for the y labels and the x labels
MAX_X_LABELS = 5
BAR_SHARE = 0.72  # of each day's slot; the rest is the gap between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "3 Nov: 42 views", the bar's tooltip


@dataclass(frozen=True)
class Tick:
    at: float  # the y (or x) coordinate
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def nice_ticks(highest: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least `highest`. Nothing
    above 0 gets [0, 1], so the scale never divides by zero."""
    if not highest > 0 or not math.isfinite(highest):
        return [0.0, 1.0]
    rough = highest / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    steps = math.ceil(highest / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def number(value: float) -> str:
    """12,345 or 1.5: whole numbers without decimals, others with at most two."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def bar_chart(
    points: Sequence[tuple[date, float]],
    *,
    title: str,
    unit: str,
    show: Callable[[float], str] = number,
    summed: bool = True,
) -> BarChart:
    """One bar per (day, value); `unit` names what is counted ("views"), `show` writes a
    value for the labels; `summed` False for a figure whose days do not add up (distinct
    viewers a day): its description gives the average instead of a total."""
    ticks = nice_ticks(max((value for _, value in points), default=0))
    top_value = ticks[-1]
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - RIGHT - LEFT) / max(len(points), 1)
    width = max(slot * BAR_SHARE, 0.5)
    bars = []
    for index, (day, value) in enumerate(points):
        height = plot_height * max(value, 0) / top_value
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - width) / 2, 2),
                y=round(HEIGHT - BOTTOM - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                label=f"{day_label(day)}: {show(value)} {unit}",
            )
        )
    y_ticks = [
        Tick(round(HEIGHT - BOTTOM - plot_height * tick / top_value, 2), show(tick))
        for tick in ticks
    ]
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    x_ticks = [
        Tick(round(LEFT + index * slot + slot / 2, 2), day_label(day))
        for index, (day, _) in enumerate(points)
        if index % every == 0
    ]
    return BarChart(title, describe(points, unit, show, summed), bars, y_ticks, x_ticks)


def describe(
    points: Sequence[tuple[date, float]], unit: str, show: Callable, summed: bool = True
) -> str:
    """What a screen reader says for the chart: the span, the total, the highest day."""
    if not points:
        return f"No days to show for {unit}."
    total = sum(value for _, value in points)
    best_day, best = max(points, key=lambda point: point[1])
    first, last = points[0][0], points[-1][0]
    span = f"{day_label(first)} to {day_label(last)} {last.year}"
    if not best > 0:
        return f"{span}: no {unit}."
    most = f"the most, {show(best)}, on {day_label(best_day)}"
    if not summed:
        return f"{span}: {show(round(total / len(points), 1))} {unit} a day on average; {most}."
    return f"{span}: {show(total)} {unit} in all; {most}."
