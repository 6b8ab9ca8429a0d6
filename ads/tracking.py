"""Our own tracker: the signed URLs the player (or a VAST player elsewhere) calls at each
moment of an ad, and the counting they do.

A tracking URL carries a token (django.core.signing, salt "ads.track", valid a day) that
names the campaign, the site, the title, the viewer and the break: the tracker trusts
nothing else in the request, so a forged or edited URL counts nothing. Each event is one
upsert of the day's CampaignDay row (docs/ads.md, "Tracking"); an impression also writes an
Impression, which the frequency caps count and whose unique break id makes a repeat count
once. The events that happen once per break (start, the quartiles, complete, skip) are kept
to once by a cache key, so a replayed URL does not inflate the completion rate.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ads.models import Campaign, CampaignDay, Impression
from ads.vast.errors import UNDEFINED
from ads.vast.player import EVENTS
from shadowvault.request_numbers import parse_bounded_int
from tenants.request_types import tenant_of

SALT = "ads.track"
MAX_AGE = 24 * 3600  # seconds: a break's links outlive any ad, not the day

# Each event the player reports, and the CampaignDay column it counts in.
COLUMNS = {
    "impression": "impressions",
    "start": "starts",
    "firstQuartile": "first_quartiles",
    "midpoint": "midpoints",
    "thirdQuartile": "third_quartiles",
    "complete": "completes",
    "skip": "skips",
    "click": "clicks",
    "pause": "pauses",
    "mute": "mutes",
    "error": "errors",
}
ONCE_PER_BREAK = {"start", "firstQuartile", "midpoint", "thirdQuartile", "complete", "skip"}


class BadToken(ValueError):
    """A tracking token that is forged, edited, expired or for another site."""


@dataclass(frozen=True)
class Mark:
    """What a tracking token says: one showing of one campaign to one viewer."""

    campaign_id: int
    site_id: int
    title_id: int | None
    viewer: str
    break_id: str

    def token(self) -> str:
        payload = [self.campaign_id, self.site_id, self.title_id, self.viewer, self.break_id]
        return signing.dumps(payload, salt=SALT, compress=True)


def token_for(
    request: HttpRequest, campaign: Campaign, *, title_id: int | None, viewer: str, shown: str
) -> str:
    """The token of one showing of `campaign` on the request's site (a banner's: its pixel
    and its click link); `shown` is the showing's id, at most 32 characters."""
    site = tenant_of(request)
    if site is None:
        raise ValueError("a showing needs the request's site")
    return Mark(campaign.pk, site.pk, title_id, viewer, shown).token()


def new_break_id() -> str:
    return secrets.token_urlsafe(12)  # 16 characters; Impression.shown holds 32


def read_token(token: str, site_id: int | None) -> Mark:
    """The mark a token carries; BadToken when it is not ours, has expired, or names
    another site than the one it is used on."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        mark = Mark(*payload)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise BadToken("This tracking link is not valid (or has expired).") from exc
    if mark.site_id != site_id:
        raise BadToken("This tracking link is for another site.")
    return mark


def tracker_urls(request: HttpRequest, mark: Mark, *, absolute: bool = False) -> dict[str, str]:
    """Our tracking URL for each event; the error URL leaves [ERRORCODE] for the player."""
    token = mark.token()
    urls = {event: reverse("ad-track", args=[token, event]) for event in EVENTS}
    urls["error"] += "?code=[ERRORCODE]"
    if absolute:  # a VAST document is read by players on other origins
        urls = {event: request.build_absolute_uri(url) for event, url in urls.items()}
    return urls


def click_url(mark: Mark) -> str:
    """A banner's link: counts the click, then redirects to the campaign's own link."""
    return reverse("ad-click", args=[mark.token()])


def campaigns_of(mark: Mark) -> QuerySet[Campaign]:
    """The mark's campaign, if it still exists and is the site's own or the operator's."""
    site_or_operator = Q(tenant_id=mark.site_id) | Q(tenant__isnull=True)
    return Campaign.objects.filter(site_or_operator, pk=mark.campaign_id)


def error_code(raw: object) -> int:
    """The VAST error code a player sent (?code=); 900 (undefined) for anything else, an
    unfilled [ERRORCODE] among them: the error still counts."""
    return parse_bounded_int(raw, 100, 999) or UNDEFINED


def record(mark: Mark, event: str, code: int | None = None) -> bool:
    """Count `event` for the mark's campaign and site today; False when it was not counted
    (a repeat of a once-per-break event, or a campaign deleted since)."""
    if not campaigns_of(mark).exists():
        return False
    if event == "impression":
        if not _first_impression(mark):
            return False
    elif event in ONCE_PER_BREAK and not cache.add(f"ads:once:{mark.break_id}:{event}", 1, MAX_AGE):
        return False
    count(mark.campaign_id, mark.site_id, event, code)
    return True


def count(
    campaign_id: int, site_id: int, event: str, code: int | None = None, day: date | None = None
) -> None:
    """Add one `event` to the campaign's row for the site and day: one UPDATE, and the row's
    INSERT the first time (get_or_create takes back a race for it: the unique constraint
    lets one insert win, the other reads the winner's row)."""
    day = day or timezone.now().date()
    column = COLUMNS[event]
    rows = CampaignDay.objects.filter(campaign_id=campaign_id, tenant_id=site_id, day=day)
    if event == "error":
        _count_error(rows, campaign_id, site_id, day, code or UNDEFINED)
        return
    if rows.update(**{column: F(column) + 1}):
        return
    _, created = CampaignDay.objects.get_or_create(
        campaign_id=campaign_id, tenant_id=site_id, day=day, defaults={column: 1}
    )
    if not created:
        rows.update(**{column: F(column) + 1})


def _count_error(rows, campaign_id: int, site_id: int, day: date, code: int) -> None:
    # The codes are a JSON object, read and written back: under the row's lock, so two
    # errors at once both count (SELECT ... FOR UPDATE on PostgreSQL; SQLite writes one
    # transaction at a time).
    CampaignDay.objects.get_or_create(campaign_id=campaign_id, tenant_id=site_id, day=day)
    with transaction.atomic():
        row = rows.select_for_update().get()
        codes = dict(row.error_codes or {})
        codes[str(code)] = int(codes.get(str(code), 0)) + 1
        row.error_codes = codes
        row.errors = F("errors") + 1
        row.save(update_fields=["errors", "error_codes"])


def _first_impression(mark: Mark) -> bool:
    """Write the Impression the caps count; False when this break's was written already."""
    try:
        with transaction.atomic():
            Impression.objects.create(
                tenant_id=mark.site_id,
                campaign_id=mark.campaign_id,
                viewer=mark.viewer[:64],
                title_id=mark.title_id,
                shown=mark.break_id[:32],
                at=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def prune_impressions(now: datetime | None = None) -> int:
    """Delete Impressions older than settings.ADS_IMPRESSIONS_DAYS (the caps look back a day
    at most; CampaignDay keeps the counts); how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ADS_IMPRESSIONS_DAYS)
    deleted, _ = Impression.objects.filter(at__lt=cutoff).delete()
    return deleted
