"""Ad campaigns, where they run, and what they did (docs/ads.md).

A campaign belongs to one site, or to every site when its `tenant` is empty (the
operator's own). Its creative is one of four kinds: a video we host (made by the ingest
pipeline like any video), an ad network's VAST tag, a house banner (an image and a link), or
a third-party banner tag (a URL shown in a sandboxed frame).

Campaigns are few (tens per site), so which one runs is decided in Python over the site's
live campaigns (ads.choosing); the tables here only need the indexes that keep the per-event
writes and the frequency-cap counts cheap.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenants.scoping import TenantOwned


class Campaign(models.Model):
    class Creative(models.TextChoices):
        HOSTED_VIDEO = "hosted_video", "Hosted video"
        VAST_TAG = "vast_tag", "External VAST tag"
        HOUSE_BANNER = "house_banner", "House banner"
        BANNER_TAG = "banner_tag", "Third-party banner tag"

    VIDEO_CREATIVES = (Creative.HOSTED_VIDEO, Creative.VAST_TAG)
    BANNER_CREATIVES = (Creative.HOUSE_BANNER, Creative.BANNER_TAG)

    tenant = models.ForeignKey(
        "tenants.Tenant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="campaigns",
        help_text="Empty: the operator's campaign, on every site whose viewers see ads.",
    )
    name = models.CharField(max_length=120)
    creative = models.CharField(max_length=16, choices=Creative.choices)
    active = models.BooleanField(default=True, help_text="Unticked: paused.")

    # A hosted video: the ingest job that makes it, and its file once made (a draft title
    # named after the campaign holds it, never published; see docs/ads.md).
    creative_job = models.ForeignKey(
        "streaming.IngestJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    video = models.ForeignKey(
        "streaming.MediaFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    click_url = models.URLField(max_length=2000, blank=True, help_text="Where a click goes.")
    skip_after = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Seconds before the viewer may skip; empty: no skip."
    )
    # An ad network's tag, resolved on the server (ads.vast.resolve).
    vast_tag_url = models.URLField(max_length=2000, blank=True)
    # Banners: a house banner's image and link, or a third-party tag's URL (a sandboxed frame).
    banner_image = models.ImageField(upload_to="public/ads/", blank=True)
    banner_link = models.URLField(max_length=2000, blank=True)
    banner_tag_url = models.URLField(max_length=2000, blank=True)

    # Targeting: an empty list (or no plans) means any.
    kinds = models.JSONField(
        default=list, blank=True, help_text='Any of "film", "episode", "manga".'
    )
    genres = models.ManyToManyField("streaming.Genre", blank=True, related_name="+")
    age_ratings = models.JSONField(
        default=list, blank=True, help_text='Content ratings, as titles spell them ("PG-13").'
    )
    viewer_plans = models.ManyToManyField("tenants.ViewerPlan", blank=True, related_name="+")

    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="Among campaigns that may run, chosen in proportion to this."
    )
    cap_per_hour = models.PositiveSmallIntegerField(null=True, blank=True)
    cap_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    cap_per_title = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Per viewer and title, in a day."
    )
    daily_budget = models.PositiveIntegerField(
        null=True, blank=True, help_text="Impressions a day (UTC), all sites together."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["tenant", "active"])]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="campaign_weight_at_least_one"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="campaign_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_video(self) -> bool:
        return self.creative in self.VIDEO_CREATIVES


class Placement(models.Model):
    """Where a campaign runs: a break in the video, or a banner slot on a page."""

    class Where(models.TextChoices):
        PRE_ROLL = "pre_roll", "Pre-roll"
        MID_ROLL = "mid_roll", "Mid-roll"
        POST_ROLL = "post_roll", "Post-roll"
        HOME = "home", "Banner: home page"
        TITLE = "title", "Banner: title page"
        READER = "reader", "Banner: reader"
        PLAYER = "player", "Banner: player page"

    BREAKS = (Where.PRE_ROLL, Where.MID_ROLL, Where.POST_ROLL)
    SLOTS = (Where.HOME, Where.TITLE, Where.READER, Where.PLAYER)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="placements")
    where = models.CharField(max_length=10, choices=Where.choices)
    # A mid-roll's point: seconds into the video, or a percentage of it (one of the two).
    # The player never breaks in the first or the last minute (ads.breaks).
    at_seconds = models.PositiveIntegerField(null=True, blank=True)
    at_percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(where="mid_roll")
                | (Q(at_seconds__isnull=False) & Q(at_percent__isnull=True))
                | (Q(at_seconds__isnull=True) & Q(at_percent__isnull=False)),
                name="mid_roll_has_one_point",
            ),
            models.CheckConstraint(
                condition=Q(at_percent__isnull=True) | Q(at_percent__lte=100),
                name="placement_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.get_where_display()


class Impression(TenantOwned):
    """One ad shown to one viewer: what the frequency caps count. Kept
    settings.ADS_IMPRESSIONS_DAYS days. `shown` (the break's id from the tracking link) is
    unique, so a player that fires "impression" twice counts once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=64, help_text="user:<id> or a visitor's digest")
    title = models.ForeignKey(
        "streaming.Title", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shown = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["campaign", "viewer", "at"])]


class CampaignDay(TenantOwned):
    """A campaign's counts on one site on one day (UTC), written as the events come (one
    upsert each): the console and the admin read the day's figures from here at once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    impressions = models.PositiveIntegerField(default=0)
    starts = models.PositiveIntegerField(default=0)
    first_quartiles = models.PositiveIntegerField(default=0)
    midpoints = models.PositiveIntegerField(default=0)
    third_quartiles = models.PositiveIntegerField(default=0)
    completes = models.PositiveIntegerField(default=0)
    skips = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    pauses = models.PositiveIntegerField(default=0)
    mutes = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    # Errors by VAST code, {"303": 4, "405": 1}.
    error_codes = models.JSONField(default=dict, blank=True)

    # Records what happened; stays with the operator's campaign reports after a site closes.
    removed_when_site_closes = False

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tenant", "day"], name="one_campaign_row_a_site_a_day"
            )
        ]
        indexes = [models.Index(fields=["tenant", "day"])]
