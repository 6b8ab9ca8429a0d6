"""When the player breaks for an ad: the `"ads"` key of the watch page's player config.

The schedule only says where a break may come (a campaign targets this viewer and this
content there); which ad plays, if any, is decided when the player asks at the break
(ads.views.ad_break), where frequency caps and budgets are counted. The issue's rule for
mid-rolls: never in the first or the last minute of the film, never twice at one point.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ads.choosing import Context, candidates, live_campaigns, shows_ads
from ads.models import Campaign, Placement
from shadowvault.content_security import allow_on_this_page
from streaming.models import MediaFile

# No mid-roll within this many seconds of either end (issue 17, "Placements").
EDGE_SECONDS = 60
# How long the player waits for the break's answer before playing the content (seconds).
# The break endpoint resolves an external tag within a shorter budget (ads.serving).
PLAYER_TIMEOUT = 2.0


def schedule_for(request: HttpRequest, media: MediaFile) -> dict[str, Any] | None:
    """The player's ad schedule for `media`, or None when no break may come (the viewer sees
    no ads, or no live video campaign runs a break for this content): then the player makes
    no ad request at all. No query beyond `live_campaigns`' (read once per request)."""
    if not shows_ads(request):
        return None
    context = context_for(request, media)
    pre_roll = bool(candidates(request, Placement.Where.PRE_ROLL, context))
    mid_campaigns = candidates(request, Placement.Where.MID_ROLL, context)
    mid_rolls = mid_roll_points(mid_campaigns, media.duration_seconds)
    post_roll = bool(candidates(request, Placement.Where.POST_ROLL, context))
    if not (pre_roll or mid_rolls or post_roll):
        return None
    return {
        "breakUrl": reverse("ad-break", args=[media.pk]),
        "preRoll": pre_roll,
        "midRolls": mid_rolls,
        "postRoll": post_roll,
        "timeout": PLAYER_TIMEOUT,
    }


def player_ads(request: HttpRequest, media: MediaFile) -> dict[str, Any] | None:
    """The watch page's `"ads"` (registered with streaming.site.player_extras): the schedule,
    and for a viewer who gets one a policy that lets the page load an ad network's media
    and call its trackers, from origins known only at the break."""
    schedule = schedule_for(request, media)
    if schedule:
        allow_on_this_page(request, "media-src", "https:")
        allow_on_this_page(request, "connect-src", "https:")
    return schedule


def context_for(request: HttpRequest, media: MediaFile) -> Context:
    """What the targeting looks at for a film or an episode. Its genres are read only when a
    live campaign targets genres (a query the common case does without)."""
    title = media.owner_title
    targets_genres = any(campaign.genres.all() for campaign in live_campaigns(request))
    genre_ids = frozenset(title.genres.values_list("pk", flat=True)) if targets_genres else None
    return Context(
        kind="film" if media.title_id is not None else "episode",
        genre_ids=genre_ids or frozenset(),
        age_rating=title.content_rating,
        title_id=title.pk,
    )


def mid_roll_points(campaigns: Iterable[Campaign], duration: float | None) -> list[int]:
    """The mid-roll points (whole seconds) the campaigns' placements name in a video of
    `duration` seconds: outside the first and last minute, each once, in order. A video of
    unknown length has none (neither a percentage nor the last minute can be placed)."""
    if not duration:
        return []
    points = set()
    for campaign in campaigns:
        for placement in campaign.placements.all():
            if placement.where != Placement.Where.MID_ROLL:
                continue
            at = point_seconds(placement, duration)
            if at is not None and EDGE_SECONDS <= at <= duration - EDGE_SECONDS:
                points.add(at)
    return sorted(points)


def point_seconds(placement: Placement, duration: float) -> int | None:
    if placement.at_seconds is not None:
        return placement.at_seconds
    if placement.at_percent is not None:
        return round(duration * placement.at_percent / 100)
    return None
