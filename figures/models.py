"""The figures' tables: raw activity per day (written on every progress save, pruned after
settings.FIGURES_RAW_DAYS) and the daily tables the nightly roll-up writes from it (what the
console reads; figures.roll_up).

Days are UTC dates. Viewers are signed-in members, by user id: the player and the reader
save progress for members only, so visitors are never counted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwned


class WatchActivity(TenantOwned):
    """A viewer's watching of one media file on one day. `position` and `seen_at` are the
    last save's, so the next save can count only the position's advance since it, bounded by
    the wall-clock time between them (figures.recording)."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    media_file = models.ForeignKey(
        "streaming.MediaFile", on_delete=models.CASCADE, related_name="+"
    )
    seconds = models.FloatField(default=0)
    position = models.FloatField()
    # Seconds since the epoch, not a DateTimeField: the counting upsert subtracts two of
    # them, the same SQL on SQLite and PostgreSQL (interval arithmetic is not).
    seen_at = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "user", "media_file"], name="one_watch_row_a_day"
            )
        ]


class ReadingActivity(TenantOwned):
    """A reader's reading of one chapter on one day: the pages read (as for watching, the
    page's advance bounded by the time since the last record) and where they were."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey("readvault.Chapter", on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey("readvault.Series", on_delete=models.CASCADE, related_name="+")
    pages = models.PositiveIntegerField(default=0)
    page = models.PositiveIntegerField()
    seen_at = models.FloatField()  # seconds since the epoch, as WatchActivity's

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "user", "chapter"], name="one_reading_row_a_day"
            )
        ]


class SiteDay(TenantOwned):
    """A site's figures for one day. A row exists for every day rolled up, zeros included,
    so "no rows" means "not rolled up yet"."""

    day = models.DateField()
    views = models.PositiveIntegerField(default=0)  # (viewer, title) pairs that day
    watch_seconds = models.PositiveBigIntegerField(default=0)
    pages_read = models.PositiveIntegerField(default=0)
    active_viewers = models.PositiveIntegerField(default=0)  # watched or read anything
    new_members = models.PositiveIntegerField(default=0)
    rolled_up_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="one_site_day")]


class RevenueDay(TenantOwned):
    """Payments the site received from its viewers on one day, in one currency (currencies
    are never added together)."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    payments = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day", "currency"], name="one_revenue_day")
        ]


class TitleDay(TenantOwned):
    """One title's day on a site (a film, or a series of episodes), for the top lists."""

    day = models.DateField()
    title = models.ForeignKey("streaming.Title", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField()
    watch_seconds = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day", "title"], name="one_title_day")
        ]


class SeriesDay(TenantOwned):
    """One ReadVault series' day on a site, for the top lists."""

    day = models.DateField()
    series = models.ForeignKey("readvault.Series", on_delete=models.CASCADE, related_name="+")
    readers = models.PositiveIntegerField()
    pages_read = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day", "series"], name="one_series_day")
        ]
