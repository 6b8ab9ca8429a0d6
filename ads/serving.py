"""What plays at a break: the chosen campaign's ad, as the player's JSON or as VAST 4.2.

A hosted creative is our own file behind a signed link; an ad network's tag is resolved here
on the server (ads.vast.resolve) within a budget short enough that the player's own timeout
(ads.breaks.PLAYER_TIMEOUT) is never the one that ends the wait. Whatever the ad, our
tracker's URL is added to each event's list, so the counts do not depend on the network's.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from ads.breaks import context_for
from ads.choosing import choose, viewer_key
from ads.models import Campaign
from ads.tracking import Mark, count, new_break_id, tracker_urls
from ads.vast.build import build_vast
from ads.vast.errors import VastError
from ads.vast.macros import playhead_text
from ads.vast.model import MediaFile as VastMedia
from ads.vast.player import PlayerAd
from ads.vast.resolve import report_in_background, resolve_tag
from streaming.models import MediaFile
from tenants.request_types import tenant_of

# An external tag's whole wrapper chain, and one hop of it (seconds): the answer comes in
# under 1.5 s, well inside the player's 2 s.
TAG_BUDGET = 1.2
HOP_TIMEOUT = 1.0
LABEL = "Ad"


@dataclasses.dataclass(frozen=True)
class Showing:
    """One ad about to be shown: the campaign, the mark its tracking URLs carry, the ad."""

    campaign: Campaign
    mark: Mark
    ad: PlayerAd


def break_answer(
    request: HttpRequest, media: MediaFile, where: str, at: float | None = None
) -> dict[str, Any]:
    """The break endpoint's JSON: {"ad": null}, {"ad": {...}} or {"ad": null, "error": code}."""
    campaign = choose(request, where, context_for(request, media))
    if campaign is None:
        return {"ad": None}
    mark = mark_for(request, campaign, media)
    try:
        ad = ad_of(request, campaign, at)
    except VastError as exc:  # resolve_tag has sent it on to the tag's Error URLs
        count(campaign.pk, mark.site_id, "error", exc.code)
        return {"ad": None, "error": exc.code}
    if ad is None:
        return {"ad": None}
    ad = with_trackers(ad, tracker_urls(request, mark))
    return {"ad": {**ad.as_dict(), "id": mark.break_id, "label": LABEL}}


def hosted_showing(request: HttpRequest, media: MediaFile, where: str) -> Showing | None:
    """A hosted campaign's ad for this break (the VAST endpoint's), with absolute tracking
    URLs; None when no hosted campaign runs here for this viewer."""
    context = context_for(request, media)
    campaign = choose(request, where, context, creatives=(Campaign.Creative.HOSTED_VIDEO,))
    ad = hosted_ad(request, campaign) if campaign is not None else None
    if campaign is None or ad is None:
        return None
    mark = mark_for(request, campaign, media)
    return Showing(campaign, mark, with_trackers(ad, tracker_urls(request, mark, absolute=True)))


def mark_for(request: HttpRequest, campaign: Campaign, media: MediaFile) -> Mark:
    site = tenant_of(request)
    if site is None:  # choose() picks nothing without a site
        raise ValueError("a showing needs the request's site")
    title = media.owner_title
    return Mark(campaign.pk, site.pk, title.pk, viewer_key(request), new_break_id())


def ad_of(request: HttpRequest, campaign: Campaign, at: float | None) -> PlayerAd | None:
    """The campaign's ad; a VastError for a tag that gives none."""
    if campaign.creative == Campaign.Creative.HOSTED_VIDEO:
        return hosted_ad(request, campaign)
    tag = with_playhead(campaign.vast_tag_url, at)
    # The tag's Error URLs are called after the answer, not before it.
    return resolve_tag(tag, hop_timeout=HOP_TIMEOUT, budget=TAG_BUDGET, report=report_in_background)


def hosted_ad(request: HttpRequest, campaign: Campaign) -> PlayerAd | None:
    """Our own creative behind a signed link (served on this site: ads.apps); None while its
    final file is not made yet."""
    video = campaign.video
    if video is None or video.stored is None:
        return None
    return PlayerAd(
        media_url=video.stored.link_for(request),
        media_type=video.stored.content_type or "video/mp4",
        duration=float(video.duration_seconds or 0),
        skip_offset=float(campaign.skip_after) if campaign.skip_after is not None else None,
        click_through=campaign.click_url or None,
    )


def with_trackers(ad: PlayerAd, ours: dict[str, str]) -> PlayerAd:
    """The ad with our URL first in each event's list (the tag's follow)."""
    tracking = {event: (url, *ad.tracking.get(event, ())) for event, url in ours.items()}
    return dataclasses.replace(ad, tracking=tracking)


def with_playhead(tag: str, at: float | None) -> str:
    """[CONTENTPLAYHEAD] filled where the break is (VAST 4 macros; the rest are filled per
    fetch by the resolver)."""
    if at is None:
        return tag
    return tag.replace("[CONTENTPLAYHEAD]", quote(playhead_text(at), safe=""))


def servable_objects_rule(tenant) -> Q:
    """The stored objects `tenant` may serve for ads (registered with stored_media.owners in
    ads.apps): the files of the hosted creatives of the site's live campaigns and the
    operator's. Their titles are drafts, which the catalogue's own rule never serves."""
    if tenant is None or not tenant.is_active:
        return Q(pk__in=[])
    now = timezone.now()
    campaigns = Campaign.objects.filter(
        Q(tenant=tenant) | Q(tenant__isnull=True),
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        active=True,
        creative=Campaign.Creative.HOSTED_VIDEO,
    )
    return Q(Exists(campaigns.filter(video__stored=OuterRef("pk"))))


# What a VAST request with nothing to run gets: VAST 4's "no ad" answer (a player reports
# 303 to no one and plays the content).
EMPTY_VAST = (
    b"<?xml version='1.0' encoding='utf-8'?>\n"
    b'<VAST version="4.2" xmlns="http://www.iab.com/VAST" />'
)


def vast_document(request: HttpRequest, showing: Showing | None) -> bytes:
    """VAST 4.2 for a hosted showing (absolute URLs: other players read it), or EMPTY_VAST."""
    if showing is None:
        return EMPTY_VAST
    ad, video = showing.ad, showing.campaign.video
    media = VastMedia(
        url=request.build_absolute_uri(ad.media_url),
        type=ad.media_type,
        width=video.width if video is not None else None,
        height=video.height if video is not None else None,
        bitrate=video.bitrate // 1000 if video is not None and video.bitrate else None,
    )
    return build_vast(
        ad_id=showing.mark.break_id,
        title=showing.campaign.name,
        duration=ad.duration,
        media=[media],
        skip_offset=ad.skip_offset,
        tracking=ad.tracking,
        click_through=ad.click_through,
    )
