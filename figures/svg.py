"""A BarChart (figures.charts) as inline SVG markup: named by its <title> and described by
its <desc> for screen readers (aria-labelledby), each bar's <title> its tooltip; viewBox and
width 100%, so it scales to the page, a phone's included. Written with format_html, so every
label is escaped; coordinates are written here (a template would localise 1.5 as "1,5")."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from figures.charts import BarChart


def _n(value: float) -> str:
    return f"{value:g}"


def chart_svg(chart: BarChart, key: str) -> SafeString:
    """The chart's <figure>; `key` makes its ids unique on the page ("views")."""
    y_ticks = format_html_join(
        "",
        '<line class="figures-grid-line" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="figures-label" x="{}" y="{}" text-anchor="end" '
        'dominant-baseline="middle">{}</text>',
        (
            (chart.left, chart.right, _n(t.at), _n(t.at), chart.left - 4, _n(t.at), t.label)
            for t in chart.y_ticks
        ),
    )
    bars = format_html_join(
        "",
        '<rect class="figures-bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        ((_n(b.x), _n(b.y), _n(b.width), _n(b.height), b.label) for b in chart.bars),
    )
    x_ticks = format_html_join(
        "",
        '<text class="figures-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(t.at), chart.height - 6, t.label) for t in chart.x_ticks),
    )
    return format_html(
        '<figure class="figures-chart"><svg viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-{key}-title chart-{key}-desc" '
        'preserveAspectRatio="xMidYMid meet">'
        '<title id="chart-{key}-title">{title}</title><desc id="chart-{key}-desc">{desc}</desc>'
        "{y_ticks}{bars}"
        '<line class="figures-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>'
        "{x_ticks}</svg></figure>",
        w=chart.width, h=chart.height, key=key, title=chart.title, desc=chart.description,
        y_ticks=y_ticks, bars=bars, left=chart.left, right=chart.right, bottom=chart.bottom,
        x_ticks=x_ticks,
    )  # fmt: skip
