"""Figures rows for tests, the at-scale counts, the sweep and the screenshot: believable
daily rows (figures.models) for a site, written as the nightly roll-up would."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from django.utils import timezone

from figures.models import RevenueDay, SeriesDay, SiteDay, TitleDay
from readvault.models import Series, SeriesHiding
from streaming.models import Title
from tests.factories import comic_series, film

FILMS = ["The Long Night", "Harbour Lights", "Paper Moons", "Salt and Iron", "Quiet Orbit",
         "The Glass Garden", "Northbound", "Small Hours", "A Field of Lanterns", "Tin Crown",
         "Low Tide", "The Last Ferry"]  # fmt: skip
MANGA = ["Sky Atlas", "Blue Lantern", "Kite Runner Club", "Ember Street", "Nine Tails",
         "Moss and Stone", "Cloud Harbour", "Red Thread", "Paper Crane", "Iron Bloom",
         "Night Market", "Tidewater"]  # fmt: skip


def yesterday() -> date:
    return timezone.now().date() - timedelta(days=1)  # UTC: USE_TZ with UTC as the clock


def titles_for_figures(count: int = 12) -> list[Title]:
    """Published titles to rank: the catalogue's first ones, else new films."""
    found = list(Title.objects.filter(status=Title.Status.PUBLISHED).order_by("pk")[:count])
    found += [film(name) for name in FILMS[len(found) : count]]
    return found


def series_for_figures(count: int = 12) -> list[Series]:
    found = list(Series.objects.filter(status=Series.Status.PUBLISHED).order_by("pk")[:count])
    found += [comic_series(name) for name in MANGA[len(found) : count]]
    return found


def fill_days(
    site,
    days: int = 30,
    *,
    titles: list[Title] | None = None,
    series: list[Series] | None = None,
    last: date | None = None,
    seed: int = 7,
) -> list[SiteDay]:
    """`days` days of figures up to `last` (yesterday): a weekly rhythm (weekends busier),
    slow growth, EUR payments most days, and per-title and per-series rows for the tops."""
    rng = random.Random(seed)
    titles = titles_for_figures() if titles is None else titles
    series = series_for_figures() if series is None else series
    last = last or yesterday()
    rows, revenue, title_rows, series_rows = [], [], [], []
    for n in range(days):
        day = last - timedelta(days=days - 1 - n)
        busy = (1.35 if day.weekday() >= 5 else 1.0) * (1 + n / (days * 2))
        viewers = round(40 * busy * rng.uniform(0.85, 1.15))
        views = round(viewers * rng.uniform(1.3, 1.8))
        pages = round(viewers * rng.uniform(6, 14))
        watch = round(views * rng.uniform(1500, 2600))
        rows.append(
            SiteDay(tenant=site, day=day, views=views, watch_seconds=watch, pages_read=pages,
                    active_viewers=viewers, new_members=rng.choice([0, 0, 1, 1, 2, 3]),
                    rolled_up_at=timezone.now())
        )  # fmt: skip
        if rng.random() < 0.7:
            payments = rng.randint(1, 4)
            revenue.append(RevenueDay(tenant=site, day=day, currency="EUR",
                                      amount_minor=499 * payments, payments=payments))  # fmt: skip
        for rank, title in enumerate(titles):
            share = views / (rank + 2) / math.log2(len(titles) + 2)
            title_rows.append(TitleDay(tenant=site, day=day, title=title,
                                       views=max(round(share), 1),
                                       watch_seconds=round(share * 1900)))  # fmt: skip
        for rank, one in enumerate(series):
            share = pages / (rank + 2) / math.log2(len(series) + 2)
            series_rows.append(SeriesDay(tenant=site, day=day, series=one,
                                         readers=max(round(share / 10), 1),
                                         pages_read=round(share)))  # fmt: skip
    SiteDay.objects.bulk_create(rows)
    RevenueDay.objects.bulk_create(revenue)
    TitleDay.objects.bulk_create(title_rows, batch_size=2000)
    SeriesDay.objects.bulk_create(series_rows, batch_size=2000)
    return rows


# A number no other site's figures reach: it must never show on another site's page or CSV.
BETA_VIEWS = 987654


def distinctive_day(site, title: Title, series: Series, day: date | None = None) -> None:
    """One day of figures made of BETA_VIEWS, in a currency of its own (JPY)."""
    day = day or yesterday()
    SiteDay.objects.create(
        tenant=site, day=day, views=BETA_VIEWS, watch_seconds=BETA_VIEWS * 3600,
        pages_read=BETA_VIEWS, active_viewers=BETA_VIEWS, new_members=BETA_VIEWS,
        rolled_up_at=timezone.now(),
    )  # fmt: skip
    RevenueDay.objects.create(
        tenant=site, day=day, currency="JPY", amount_minor=BETA_VIEWS, payments=BETA_VIEWS
    )
    TitleDay.objects.create(
        tenant=site, day=day, title=title, views=BETA_VIEWS, watch_seconds=BETA_VIEWS
    )
    SeriesDay.objects.create(
        tenant=site, day=day, series=series, readers=BETA_VIEWS, pages_read=BETA_VIEWS
    )


def sweep_pool(alpha, beta, shown: Title, hidden: Title, marker: str) -> dict[str, list[str]]:
    """For tests/test_security_sweep.py: a week of Alpha's figures on titles it shows, and
    Beta's distinctive day naming a title and a series Alpha hides (their names carry
    `marker`, HIDDEN_MARKER). The CSV route's `figure` values."""
    hidden_series = comic_series(f"{marker} Figures Manga", slug="beta-figures-manga")
    SeriesHiding.objects.create(tenant=alpha, series=hidden_series)
    fill_days(alpha, 7, titles=[shown], series=[comic_series("Alpha Figures Manga")])
    distinctive_day(beta, hidden, hidden_series)
    return {"figure": ["views", "revenue", "top-titles", "top-series"]}
