"""A campaign report: what ads did over the last 7, 30 or 90 days, from the per-day counts
(ads.models.CampaignDay, written as the events come, so today is in it at once).

The same report serves the operator's admin (one campaign, every site) and the site owner's
console (one site: all its campaigns, or one of them). Either way it is one query for the
rows of the span, with their campaigns and sites; everything else is added up here, so a
report costs the same however many days, campaigns or sites it covers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from ads.models import CampaignDay
from figures.charts import bar_chart, number
from figures.report import DEFAULT_RANGE, RANGE_REFUSED, RANGES, range_from
from figures.svg import chart_svg

__all__ = ["DEFAULT_RANGE", "RANGES", "RANGE_REFUSED", "Span", "load", "range_from"]

# The counts charted day by day, as (field of CampaignDay, label, unit).
CHARTED = (
    ("impressions", "Impressions", "impressions"),
    ("starts", "Starts", "starts"),
    ("completes", "Completes", "completes"),
    ("skips", "Skips", "skips"),
    ("clicks", "Clicks", "clicks"),
    ("errors", "Errors", "errors"),
)
# How far viewers watched, of the ads that started (VAST's quartile events).
QUARTILES = (
    ("first_quartiles", "First quartile (25%)"),
    ("midpoints", "Midpoint (50%)"),
    ("third_quartiles", "Third quartile (75%)"),
    ("completes", "Complete (100%)"),
)
COUNTED = (
    "impressions", "starts", "first_quartiles", "midpoints", "third_quartiles", "completes",
    "skips", "clicks", "pauses", "mutes", "errors",
)  # fmt: skip
# The VAST 4 error codes (ads.vast.errors, and the player's own 402 and 405), in words.
ERROR_MEANINGS = {
    "100": "XML parsing error",
    "101": "not a VAST document we read",
    "102": "VAST version not supported",
    "201": "no linear creative",
    "301": "tag or wrapper timed out",
    "302": "too many wrappers, or a loop",
    "303": "no ad in the answer",
    "401": "media file not found",
    "402": "media file timed out",
    "403": "no media file the browser plays",
    "405": "media file could not be played",
    "900": "undefined error",
}


@dataclass(frozen=True)
class Span:
    """The last `days` days (UTC), today included: the counts are live."""

    first: date
    last: date

    @classmethod
    def ending_on(cls, today: date, days: int) -> Span:
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class Chart:
    key: str
    label: str
    total: str  # "3,236"
    svg: str


@dataclass(frozen=True)
class Rate:
    label: str
    count: int
    percent: str  # "42.5%", or "n/a" when there is nothing to divide by


@dataclass(frozen=True)
class Line:
    """One campaign's (or one site's) totals over the span, for the report's table."""

    name: str
    impressions: int
    starts: int
    completes: int
    clicks: int
    errors: int
    pk: int | None = None

    @property
    def ctr(self) -> str:
        return percent(self.clicks, self.impressions)

    @property
    def completion(self) -> str:
        return percent(self.completes, self.starts)


@dataclass(frozen=True)
class Report:
    span: Span
    rows: list[CampaignDay]
    totals: dict[str, int] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    quartiles: list[Rate] = field(default_factory=list)
    errors: list[Rate] = field(default_factory=list)  # by VAST code, most first
    by_campaign: list[Line] = field(default_factory=list)
    by_site: list[Line] = field(default_factory=list)

    @property
    def has_rows(self) -> bool:
        return bool(self.rows)

    @property
    def ctr(self) -> str:
        return percent(self.totals.get("clicks", 0), self.totals.get("impressions", 0))


def percent(part: int, whole: int) -> str:
    if not whole:
        return "n/a"
    return f"{number(round(100 * part / whole, 1))}%"


def load(days: QuerySet[CampaignDay], span: Span) -> Report:
    """The report of `days` (already narrowed to a site or a campaign) within `span`."""
    rows = list(
        days.filter(day__gte=span.first, day__lte=span.last)
        .select_related("campaign", "tenant")
        .order_by("day", "campaign__name", "campaign_id", "tenant__name", "tenant_id")
    )
    if not rows:
        return Report(span, rows)
    totals = {name: sum(getattr(row, name) for row in rows) for name in COUNTED}
    return Report(
        span,
        rows,
        totals=totals,
        charts=[_chart(span, rows, *charted) for charted in CHARTED],
        quartiles=[
            Rate(label, totals[name], percent(totals[name], totals["starts"]))
            for name, label in QUARTILES
        ],
        errors=_errors(rows, totals["errors"]),
        by_campaign=_lines(rows, lambda row: (row.campaign_id, row.campaign.name)),
        by_site=_lines(rows, lambda row: (row.tenant_id, row.tenant.name)),
    )


def error_codes_text(codes: dict) -> str:
    """{"303": 4, "405": 1} as "303: 4; 405: 1" (the CSV's cell)."""
    return "; ".join(f"{code}: {count}" for code, count in sorted(codes.items()))


def _chart(span: Span, rows: list[CampaignDay], name: str, label: str, unit: str) -> Chart:
    by_day: Counter[date] = Counter()
    for row in rows:
        by_day[row.day] += getattr(row, name)
    points = [(day, float(by_day[day])) for day in span.days]
    chart = bar_chart(points, title=label, unit=unit)
    return Chart(name, label, number(sum(by_day.values())), chart_svg(chart, f"ads-{name}"))


def _errors(rows: list[CampaignDay], total: int) -> list[Rate]:
    codes: Counter[str] = Counter()
    for row in rows:
        for code, count in (row.error_codes or {}).items():
            if isinstance(count, int):
                codes[str(code)] += count
    return [
        Rate(f"{code} ({ERROR_MEANINGS.get(code, 'other')})", count, percent(count, total))
        for code, count in sorted(codes.items(), key=lambda item: (-item[1], item[0]))
    ]


def _lines(rows: list[CampaignDay], key) -> list[Line]:
    """Totals per key ((pk, name) of the row's campaign or site), most impressions first."""
    sums: dict[tuple[int, str], Counter[str]] = {}
    for row in rows:
        counter = sums.setdefault(key(row), Counter())
        for name in ("impressions", "starts", "completes", "clicks", "errors"):
            counter[name] += getattr(row, name)
    lines = [
        Line(name, c["impressions"], c["starts"], c["completes"], c["clicks"], c["errors"], pk)
        for (pk, name), c in sums.items()
    ]
    return sorted(lines, key=lambda line: (-line.impressions, line.name, line.pk or 0))
