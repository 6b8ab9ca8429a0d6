"""A site's figures for a range of days, read from the daily tables only (figures.roll_up
wrote them): four queries whatever the range or the site's size: the site's days, its
revenue, its top titles and its top series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum

from billing.money import format_money, from_minor
from figures.charts import BarChart, bar_chart, number
from figures.models import RevenueDay, SeriesDay, SiteDay, TitleDay
from figures.svg import chart_svg

RANGES = (7, 30, 90)
DEFAULT_RANGE = 30
TOP = 10
RANGE_REFUSED = "Choose a range of 7, 30 or 90 days."


def range_from(raw: str | None) -> int | None:
    """The number of days asked for (`?days=`); the default when none; None when it is not
    one of RANGES."""
    if raw is None or raw == "":
        return DEFAULT_RANGE
    return int(raw) if raw in {str(days) for days in RANGES} else None


@dataclass(frozen=True)
class Span:
    """The last `days` finished days (UTC): yesterday and the days before it."""

    first: date
    last: date

    @classmethod
    def ending_before(cls, today: date, days: int) -> Span:
        last = today - timedelta(days=1)
        return cls(last - timedelta(days=days - 1), last)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def hours(seconds: float) -> str:
    return number(round(seconds / 3600, 1))


@dataclass(frozen=True)
class Kind:
    """A daily figure of SiteDay: its label, field, unit and how its range adds up."""

    key: str
    label: str
    column: str  # of SiteDay
    unit: str
    scale: Callable[[float], float] = float  # from the stored value to the charted one
    summed: bool = True


KINDS = (
    Kind("views", "Views", "views", "views"),
    Kind("watch-time", "Watch time", "watch_seconds", "hours", lambda s: round(s / 3600, 2)),
    Kind("pages-read", "Pages read", "pages_read", "pages"),
    Kind("active-viewers", "Active viewers", "active_viewers", "viewers", summed=False),
    Kind("new-members", "New members", "new_members", "members"),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Figure:
    kind: Kind
    points: list[tuple[date, float]]  # charted values (watch time in hours)
    raw: list[tuple[date, int]]  # as stored (watch time in seconds), for the CSV
    chart: BarChart
    total: str

    @property
    def svg(self) -> str:
        return chart_svg(self.chart, self.kind.key)


@dataclass(frozen=True)
class Revenue:
    currency: str
    points: list[tuple[date, float]]  # major units a day
    minor: dict[date, tuple[int, int]]  # day: (amount in minor units, payments)
    chart: BarChart
    total: str

    @property
    def svg(self) -> str:
        return chart_svg(self.chart, f"revenue-{self.currency.lower()}")


@dataclass(frozen=True)
class Report:
    span: Span
    has_rows: bool
    figures: list[Figure] = field(default_factory=list)
    revenue: list[Revenue] = field(default_factory=list)
    top_titles: list[dict] = field(default_factory=list)
    top_series: list[dict] = field(default_factory=list)


def load(site, span: Span) -> Report:
    in_span = {"day__gte": span.first, "day__lte": span.last}
    days = {row.day: row for row in SiteDay.objects.for_tenant(site).filter(**in_span)}
    if not days:
        return Report(span, has_rows=False)
    return Report(
        span,
        has_rows=True,
        figures=[_figure(kind, span, days) for kind in KINDS],
        revenue=_revenue(site, span),
        top_titles=_top_titles(site, span),
        top_series=_top_series(site, span),
    )


def _figure(kind: Kind, span: Span, days: dict[date, SiteDay]) -> Figure:
    raw = [(day, getattr(days[day], kind.column) if day in days else 0) for day in span.days]
    points = [(day, kind.scale(value)) for day, value in raw]
    chart = bar_chart(points, title=kind.label, unit=kind.unit, summed=kind.summed)
    values = [value for _, value in points]
    if kind.summed:
        total = f"{number(round(sum(values), 1))} {kind.unit}"
    else:
        average = number(round(sum(values) / len(values), 1))
        total = f"{average} a day on average, at most {number(max(values))}"
    return Figure(kind, points, raw, chart, total)


def _revenue(site, span: Span) -> list[Revenue]:
    rows = RevenueDay.objects.for_tenant(site).filter(day__gte=span.first, day__lte=span.last)
    by_currency: dict[str, dict[date, tuple[int, int]]] = {}
    for row in rows.order_by("currency", "day"):
        by_currency.setdefault(row.currency, {})[row.day] = (row.amount_minor, row.payments)
    found = []
    for currency, minor in by_currency.items():
        points = [
            (day, float(from_minor(minor.get(day, (0, 0))[0], currency))) for day in span.days
        ]
        total_minor = sum(amount for amount, _ in minor.values())
        chart = bar_chart(points, title=f"Revenue in {currency}", unit=currency)
        found.append(Revenue(currency, points, minor, chart, format_money(total_minor, currency)))
    return found


def _top_titles(site, span: Span) -> list[dict]:
    in_span = TitleDay.objects.for_tenant(site).filter(day__gte=span.first, day__lte=span.last)
    rows = in_span.values("title_id", "title__title", "title__slug")
    rows = rows.annotate(views=Sum("views"), seconds=Sum("watch_seconds"))
    ranked = rows.order_by("-views", "-seconds", "title__title", "title_id")[:TOP]
    return [
        {"name": r["title__title"], "slug": r["title__slug"], "views": r["views"],
         "seconds": r["seconds"], "hours": hours(r["seconds"])}
        for r in ranked
    ]  # fmt: skip


def _top_series(site, span: Span) -> list[dict]:
    in_span = SeriesDay.objects.for_tenant(site).filter(day__gte=span.first, day__lte=span.last)
    rows = in_span.values("series_id", "series__title", "series__slug")
    rows = rows.annotate(readers=Sum("readers"), pages=Sum("pages_read"))
    ranked = rows.order_by("-readers", "-pages", "series__title", "series_id")[:TOP]
    return [
        {"name": r["series__title"], "slug": r["series__slug"], "readers": r["readers"],
         "pages": r["pages"]}
        for r in ranked
    ]  # fmt: skip
