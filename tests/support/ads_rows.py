"""Ad rows for tests and the sweep: a site whose viewers see ads, hosted and VAST-tag video
campaigns with their placements, and Beta's campaign and counts carrying the marker."""

from __future__ import annotations

from django.utils import timezone

from ads.models import Campaign, CampaignDay, Placement
from ads.tracking import Mark
from streaming.models import MediaFile, Title
from tenants.models import Membership, ViewerPlan
from tests.factories import film, film_file, stored

AD_BYTES = b"\x00\x00\x00\x20ftypisom" + b"an ad's bytes" * 64


def plan_with_ads(site, **fields) -> ViewerPlan:
    """The site's default viewer plan, with ads: members and visitors without a plan see ads."""
    return ViewerPlan.objects.create(tenant=site, name="Free", ads=True, is_default=True, **fields)


def ad_free_plan(site, user) -> ViewerPlan:
    """An ad-free plan, given to `user` on `site`."""
    plan = ViewerPlan.objects.create(tenant=site, name="Premium", ads=False, price=5)
    Membership.objects.filter(tenant=site, user=user).update(viewer_plan=plan)
    return plan


def ad_video(name: str = "Spring sale", duration: float = 15.0) -> MediaFile:
    """A hosted creative's file: a draft title named after the campaign, never published."""
    title = film(f"Ad: {name}", Title.Status.DRAFT)
    body = stored(f"ad-{title.slug}.mp4", AD_BYTES)
    return film_file(title, body, duration_seconds=duration, height=720)


def hosted_campaign(
    site, *wheres: str, name: str = "Spring sale", mid: tuple = (), **fields
) -> Campaign:
    """An active hosted-video campaign on `site` (None: operator-wide) at `wheres`, with a
    mid-roll placement for each (at_seconds, at_percent) pair in `mid`."""
    fields.setdefault("video", ad_video(name))
    fields.setdefault("click_url", "https://advertiser.example/spring")
    campaign = Campaign.objects.create(
        tenant=site, name=name, creative=Campaign.Creative.HOSTED_VIDEO, **fields
    )
    _place(campaign, wheres, mid)
    return campaign


def tag_campaign(
    site, url: str, *wheres: str, name: str = "Network", mid: tuple = (), **fields
) -> Campaign:
    campaign = Campaign.objects.create(
        tenant=site, name=name, creative=Campaign.Creative.VAST_TAG, vast_tag_url=url, **fields
    )
    _place(campaign, wheres, mid)
    return campaign


def _place(campaign: Campaign, wheres, mid) -> None:
    for where in wheres:
        Placement.objects.create(campaign=campaign, where=where)
    for seconds, percent in mid:
        where = Placement.Where.MID_ROLL
        Placement.objects.create(
            campaign=campaign, where=where, at_seconds=seconds, at_percent=percent
        )


def sweep_rows(alpha, beta, marker: str) -> dict[str, list[str]]:
    """For tests/test_security_sweep.py: Alpha's viewers see a hosted pre-roll; Beta runs a
    campaign named with the marker, with a day of counts. The tracker's tokens: one of
    Alpha's, one of Beta's (which must count nothing on Alpha)."""
    plan_with_ads(alpha, downloads=True)  # the download routes answer as before
    ours = hosted_campaign(alpha, Placement.Where.PRE_ROLL, Placement.Where.POST_ROLL)
    # The creative's draft title is the catalogue's (Alpha's admin may list drafts): no marker.
    theirs = hosted_campaign(
        beta, Placement.Where.PRE_ROLL, name=f"{marker} campaign", video=ad_video("Beta's sale")
    )
    CampaignDay.objects.create(
        tenant=beta, campaign=theirs, day=timezone.now().date(), impressions=7
    )
    tokens = [
        Mark(ours.pk, alpha.pk, None, "user:1", "sweep-alpha").token(),
        Mark(theirs.pk, beta.pk, None, "user:2", "sweep-beta").token(),
    ]
    return {
        "token@ad-track": tokens,
        "token@ad-click": tokens,
        "event@ad-track": ["impression", "error", "complete"],
    }
