"""The server-rendered SVG charts (figures.charts, figures.svg): round
ticks, no division by zero, well-formed SVG with a title and a description, from no day to
ninety."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation

from figures.charts import HEIGHT, WIDTH, bar_chart, nice_ticks, number
from figures.svg import chart_svg

FIRST = date(2026, 3, 1)


def days(values: list[float]) -> list[tuple[date, float]]:
    return [(FIRST + timedelta(days=n), value) for n, value in enumerate(values)]


def svg_of(chart) -> ET.Element:
    """The chart's <svg> (inline SVG in HTML: no namespace), parsed as XML to prove it is."""
    figure = ET.fromstring(chart_svg(chart, "views"))  # noqa: S314 (our own markup)
    return figure.find("svg")


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (0, [0, 1]),
        (-5, [0, 1]),
        (float("nan"), [0, 1]),
        (1, [0, 0.5, 1]),
        (7, [0, 2, 4, 6, 8]),
        (42, [0, 20, 40, 60]),
        (987654, [0, 500000, 1000000]),
    ],
)
def test_ticks_are_round_and_reach_the_highest_value(highest, ticks):
    assert nice_ticks(highest) == ticks


@pytest.mark.parametrize("count", [0, 1, 90])
def test_charts_of_no_day_one_day_and_ninety_days_fit_the_view_box(count):
    chart = bar_chart(days([n * 3.5 for n in range(1, count + 1)]), title="Views", unit="views")

    assert len(chart.bars) == count
    for bar in chart.bars:
        assert chart.left <= bar.x < bar.x + bar.width <= chart.right
        assert chart.top - 0.01 <= bar.y <= bar.y + bar.height <= chart.bottom + 0.01
    assert len(chart.x_ticks) == {0: 0, 1: 1, 90: 5}[count]


def test_the_highest_bar_reaches_its_tick_and_a_zero_day_has_no_height():
    chart = bar_chart(days([0, 40, 20]), title="Views", unit="views")

    assert chart.bars[0].height == 0
    assert chart.bars[1].y == chart.y_ticks[-1].at == chart.top
    assert chart.bars[1].label == "2 Mar: 40 views"


def test_all_zero_days_draw_flat_bars_on_a_zero_to_one_scale():
    chart = bar_chart(days([0] * 30), title="Views", unit="views")

    assert {bar.height for bar in chart.bars} == {0}
    assert [tick.label for tick in chart.y_ticks] == ["0", "1"]
    assert chart.description == "1 Mar to 30 Mar 2026: no views."


def test_the_description_says_the_total_and_the_best_day():
    chart = bar_chart(days([3, 9, 1.5]), title="Watch time", unit="hours")

    assert chart.description == ("1 Mar to 3 Mar 2026: 13.5 hours in all; the most, 9, on 2 Mar.")


def test_a_figure_that_does_not_add_up_is_described_by_its_average():
    chart = bar_chart(days([2, 4]), title="Active viewers", unit="viewers", summed=False)

    assert "3 viewers a day on average" in chart.description


def test_numbers_are_written_without_needless_decimals():
    assert [number(v) for v in (0, 12345, 1.5, 2.25, 0.1 + 0.2)] == [
        "0", "12,345", "1.5", "2.25", "0.3",
    ]  # fmt: skip


@pytest.mark.parametrize("count", [0, 1, 90])
def test_the_svg_is_well_formed_and_named_for_screen_readers(count):
    chart = bar_chart(days([5.5] * count), title="Views", unit="views")
    with translation.override("de"):  # a localised decimal comma would break coordinates
        svg = svg_of(chart)

    assert svg.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert svg.get("width") == "100%"
    assert svg.get("role") == "img"
    assert svg.find("title").text == "Views"
    assert svg.find("desc").text == chart.description
    assert svg.get("aria-labelledby") == "chart-views-title chart-views-desc"
    rects = svg.findall("rect")
    assert len(rects) == count
    assert all(float(r.get("x")) >= 0 for r in rects)
    assert [t.text for t in svg.findall("rect/title")] == [b.label for b in chart.bars]


def test_labels_are_escaped():
    chart = bar_chart(days([1]), title="<b>Views</b> & more", unit="<i>")

    markup = chart_svg(chart, "x")

    assert "<b>" not in markup
    assert "&lt;b&gt;Views&lt;/b&gt; &amp; more" in markup
