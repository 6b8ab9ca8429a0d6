"""Which campaign runs at a break or in a banner slot (docs/ads.md, "Choosing").

Nobody whose entitlements say "no ads" is ever asked about: callers check `shows_ads` first,
and it costs no query. For a viewer who sees ads, a site's live campaigns (its own and the
operator's, active, within their flight dates, with their placements and targeting) are
read once per request in two queries; targeting, placements and weights are then applied in
Python (a site has tens of campaigns, not thousands). Frequency caps and the daily budget
are counted only for the campaign about to run, so a page with banners costs the same few
queries however many campaigns there are.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from ads.models import Campaign, CampaignDay, Impression, Placement
from tenants.entitlements import entitlements_for, viewer_plan_of
from tenants.middleware import membership_for
from tenants.request_types import tenant_of

# What a placement is for: a kind of content the targeting names.
KINDS = ("film", "episode", "manga")


@dataclass(frozen=True)
class Context:
    """What the targeting looks at: the content's kind, genres (ids) and age rating."""

    kind: str | None = None  # one of KINDS; None on a page of no single title (home)
    genre_ids: frozenset[int] = frozenset()
    age_rating: str = ""
    title_id: int | None = None  # frequency caps per title


def shows_ads(request: HttpRequest) -> bool:
    """Whether this viewer, on this site, sees ads at all (no query: the entitlements are
    the request's)."""
    return tenant_of(request) is not None and entitlements_for(request).ads


def live_campaigns(request: HttpRequest) -> list[Campaign]:
    """The site's campaigns that may run now, with placements, genres and plans loaded;
    read once per request."""
    cache = getattr(request, "_request", request).__dict__
    if "_ad_campaigns" not in cache:
        cache["_ad_campaigns"] = _read_live(tenant_of(request), timezone.now())
    return cache["_ad_campaigns"]


def _read_live(tenant, now: datetime) -> list[Campaign]:
    if tenant is None:
        return []
    return list(
        Campaign.objects.filter(Q(tenant=tenant) | Q(tenant__isnull=True), active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(creative=Campaign.Creative.HOSTED_VIDEO, video__isnull=True)
        .select_related("video__stored")
        .prefetch_related("placements", "genres", "viewer_plans")
    )


def viewer_key(request: HttpRequest) -> str:
    """Who the frequency caps count: a member by id, a visitor by a digest of the session
    (made on first need) so that no address is stored. A digest, not the key: the key is
    the visitor's session cookie, and this rides in tracking URLs (ads.tracking)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = request.session
    if session.session_key is None:
        session.save()
    digest = hashlib.sha256(f"ads.viewer:{session.session_key}".encode()).hexdigest()
    return f"visitor:{digest[:24]}"


def candidates(
    request: HttpRequest, where: str, context: Context, creatives: Collection[str] | None = None
) -> list[Campaign]:
    """The live campaigns that target this viewer and content and run at `where` (with one
    of `creatives`, when given)."""
    plan_id = _viewer_plan_id(request)
    return [
        campaign
        for campaign in live_campaigns(request)
        if (creatives is None or campaign.creative in creatives)
        and _runs_at(campaign, where)
        and _targets(campaign, context, plan_id)
    ]


def choose(
    request: HttpRequest,
    where: str,
    context: Context,
    *,
    creatives: Collection[str] | None = None,
    rng: random.Random | None = None,
) -> Campaign | None:
    """A campaign for this break or slot, by weight, among those under their caps and
    budget (and of one of `creatives`, when given: the VAST endpoint serves hosted ones
    only); None when nothing may run (or the viewer sees no ads)."""
    if not shows_ads(request):
        return None
    pool = candidates(request, where, context, creatives)
    if not pool:
        return None
    key = viewer_key(request)
    pick = rng or random
    while pool:
        campaign = pick.choices(pool, weights=[c.weight for c in pool])[0]
        if under_limits(campaign, key, context.title_id):
            return campaign
        pool.remove(campaign)
    return None


def under_limits(
    campaign: Campaign, viewer: str, title_id: int | None, now: datetime | None = None
) -> bool:
    """The campaign's daily budget and this viewer's frequency caps still allow a showing."""
    now = now or timezone.now()
    if campaign.daily_budget is not None:
        today = CampaignDay.objects.filter(campaign=campaign, day=now.date())
        shown = today.aggregate(total=Sum("impressions"))["total"] or 0
        if shown >= campaign.daily_budget:
            return False
    caps = (campaign.cap_per_hour, campaign.cap_per_day, campaign.cap_per_title)
    if all(cap is None for cap in caps):
        return True
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    counts = Impression.objects.filter(campaign=campaign, viewer=viewer, at__gte=midnight)
    found = counts.aggregate(
        day=Count("pk"),
        hour=Count("pk", filter=Q(at__gte=now - timedelta(hours=1))),
        title=Count("pk", filter=Q(title_id=title_id)),
    )
    reached = (
        (campaign.cap_per_day, found["day"]),
        (campaign.cap_per_hour, found["hour"]),
        (campaign.cap_per_title if title_id is not None else None, found["title"]),
    )
    return not any(cap is not None and count >= cap for cap, count in reached)


def _runs_at(campaign: Campaign, where: str) -> bool:
    if where in Placement.BREAKS and not campaign.is_video:
        return False
    if where in Placement.SLOTS and campaign.is_video:
        return False
    return any(placement.where == where for placement in campaign.placements.all())


def _targets(campaign: Campaign, context: Context, plan_id: int | None) -> bool:
    if campaign.kinds and context.kind is not None and context.kind not in campaign.kinds:
        return False
    if campaign.age_ratings and context.age_rating not in campaign.age_ratings:
        return False
    genres = {genre.pk for genre in campaign.genres.all()}
    if genres and not genres & context.genre_ids:
        return False
    plans = {plan.pk for plan in campaign.viewer_plans.all()}
    return not plans or plan_id in plans


def _viewer_plan_id(request: HttpRequest) -> int | None:
    tenant = tenant_of(request)
    user = getattr(request, "user", None)
    membership = membership_for(request, user) if user is not None else None
    plan = viewer_plan_of(tenant, membership) if tenant is not None else None
    return plan.pk if plan is not None else None
