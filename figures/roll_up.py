"""The nightly roll-up: one UTC day of raw activity (figures.models) into the daily tables
the console reads, for every site at once (a few grouped queries, however many sites).

Rolling a day up again replaces its rows (idempotent), so a backfill or a second run of the
beat is harmless. A day is rolled up once it is over, and only while its raw rows are kept
(settings.FIGURES_RAW_DAYS): later, rolling it up again would replace real figures with
zeros, so it is refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.invoice_models import Issuer, Payment
from figures.models import (
    ReadingActivity,
    RevenueDay,
    SeriesDay,
    SiteDay,
    TitleDay,
    WatchActivity,
)
from tenants.models import Membership, Tenant


class DayRefused(ValueError):
    """A day that cannot be rolled up (not over yet, or its raw rows are gone)."""


@dataclass(frozen=True)
class RollUp:
    day: date
    sites: int  # sites given a row for the day
    pruned: int = 0  # raw rows deleted afterwards


def today_utc(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(UTC).date()


def oldest_rollable(today: date) -> date:
    """The first day whose raw rows are still kept."""
    return today - timedelta(days=settings.FIGURES_RAW_DAYS)


def check_day(day: date, today: date) -> None:
    if day >= today:
        raise DayRefused(f"{day} is not over yet (UTC): days are rolled up once they end.")
    if day < oldest_rollable(today):
        raise DayRefused(
            f"{day} is older than the {settings.FIGURES_RAW_DAYS} days of raw activity kept "
            "(FIGURES_RAW_DAYS): its figures stay as they were rolled up."
        )


def nightly(day: date | None = None, now: datetime | None = None) -> RollUp:
    """What beat runs shortly after midnight UTC: yesterday (or `day`), then the pruning."""
    today = today_utc(now)
    done = roll_up(day or today - timedelta(days=1), now)
    return RollUp(done.day, done.sites, prune(today))


def roll_up(day: date, now: datetime | None = None) -> RollUp:
    """Replace `day`'s rows in the daily tables, for every site."""
    now = now or timezone.now()
    check_day(day, today_utc(now))
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    # Every site whose data is kept gets a row, zeros included (a day before a site existed
    # is a day of zeros, which is what it was).
    sites = list(Tenant.objects.filter(data_removed_at__isnull=True).values_list("pk", flat=True))
    titles = _title_days(day)
    series = _series_days(day)
    site_days = _site_days(day, sites, titles, series, start, end, now)
    revenue = [row for row in _revenue_days(day, start, end) if row.tenant_id in set(sites)]
    with transaction.atomic():
        for model in (SiteDay, RevenueDay, TitleDay, SeriesDay):
            model.objects.filter(day=day).delete()
        SiteDay.objects.bulk_create(site_days, batch_size=1000)
        RevenueDay.objects.bulk_create(revenue, batch_size=1000)
        TitleDay.objects.bulk_create(titles, batch_size=1000)
        SeriesDay.objects.bulk_create(series, batch_size=1000)
    return RollUp(day, len(site_days))


def prune(today: date) -> int:
    """Delete raw rows older than settings.FIGURES_RAW_DAYS; how many went."""
    oldest = oldest_rollable(today)
    watched, _ = WatchActivity.objects.filter(day__lt=oldest).delete()
    read, _ = ReadingActivity.objects.filter(day__lt=oldest).delete()
    return watched + read


def _title_days(day: date) -> list[TitleDay]:
    """Per site and title (a film, or the series an episode is of): the viewers, each one
    view, and the seconds watched."""
    title = Coalesce("media_file__title_id", "media_file__episode__season__title_id")
    rows = (
        WatchActivity.objects.filter(day=day)
        .annotate(title_ref=title)
        .values("tenant_id", "title_ref")
        .annotate(views=Count("user_id", distinct=True), seconds=Sum("seconds"))
        .order_by()
    )
    return [
        TitleDay(
            tenant_id=row["tenant_id"],
            day=day,
            title_id=row["title_ref"],
            views=row["views"],
            watch_seconds=round(row["seconds"] or 0),
        )
        for row in rows
    ]


def _series_days(day: date) -> list[SeriesDay]:
    rows = (
        ReadingActivity.objects.filter(day=day)
        .values("tenant_id", "series_id")
        .annotate(readers=Count("user_id", distinct=True), pages=Sum("pages"))
        .order_by()
    )
    return [
        SeriesDay(
            tenant_id=row["tenant_id"],
            day=day,
            series_id=row["series_id"],
            readers=row["readers"],
            pages_read=row["pages"] or 0,
        )
        for row in rows
    ]


def _active_viewers(day: date) -> Counter:
    """Distinct viewers per site who watched or read anything that day."""
    pairs = set(WatchActivity.objects.filter(day=day).values_list("tenant_id", "user_id"))
    pairs |= set(ReadingActivity.objects.filter(day=day).values_list("tenant_id", "user_id"))
    return Counter(site for site, _ in pairs)


def _site_days(day, sites, titles, series, start, end, now) -> list[SiteDay]:
    views: Counter = Counter()
    seconds: Counter = Counter()
    pages: Counter = Counter()
    for row in titles:
        views[row.tenant_id] += row.views
        seconds[row.tenant_id] += row.watch_seconds
    for row in series:
        pages[row.tenant_id] += row.pages_read
    viewers = _active_viewers(day)
    joined = Counter(
        dict(
            Membership.objects.filter(joined_at__gte=start, joined_at__lt=end)
            .values("tenant_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("tenant_id", "n")
        )
    )
    return [
        SiteDay(
            tenant_id=site,
            day=day,
            views=views[site],
            watch_seconds=seconds[site],
            pages_read=pages[site],
            active_viewers=viewers[site],
            new_members=joined[site],
            rolled_up_at=now,
        )
        for site in sites
    ]


def _revenue_days(day: date, start: datetime, end: datetime) -> list[RevenueDay]:
    """Payments of the sites' own invoices (issuer "site": viewer plans), by currency."""
    rows = (
        Payment.objects.filter(paid_at__gte=start, paid_at__lt=end, invoice__issuer=Issuer.SITE)
        .values("tenant_id", "currency")
        .annotate(amount=Sum("amount_minor"), payments=Count("pk"))
        .order_by()
    )
    amounts: Counter = Counter()
    counts: Counter = Counter()
    for row in rows:  # "eur" and "EUR" are one currency
        key = (row["tenant_id"], row["currency"].upper())
        amounts[key] += row["amount"]
        counts[key] += row["payments"]
    return [
        RevenueDay(
            tenant_id=site,
            day=day,
            currency=currency,
            amount_minor=amounts[site, currency],
            payments=counts[site, currency],
        )
        for site, currency in sorted(amounts)
    ]
