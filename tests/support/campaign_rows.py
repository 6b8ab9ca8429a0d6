"""Campaigns and their per-day counts for the campaign tests, the sweep and the at-scale
counts: believable numbers (ads.models.CampaignDay) as the tracker would have written them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from ads.models import Campaign, CampaignDay, Placement


def today() -> date:
    return timezone.now().date()  # UTC: USE_TZ with UTC as the clock


def vast_campaign(site, name: str = "Network pre-roll", **fields) -> Campaign:
    """A VAST campaign (a site's, or the operator's with `site` None) with a pre-roll."""
    fields = {"creative": Campaign.Creative.VAST_TAG, **fields}
    campaign = Campaign.objects.create(
        tenant=site, name=name, vast_tag_url="https://ads.example.com/vast.xml", **fields
    )
    Placement.objects.create(campaign=campaign, where=Placement.Where.PRE_ROLL)
    Placement.objects.create(campaign=campaign, where=Placement.Where.MID_ROLL, at_percent=50)
    return campaign


def fill_days(campaign: Campaign, site, days: int = 30, *, seed: int = 3) -> list[CampaignDay]:
    """`days` days of counts up to today: starts below impressions, each quartile below the
    last, a few clicks, skips and errors (VAST 303 and 405)."""
    rng = random.Random(seed)
    rows = []
    for n in range(days):
        shown = rng.randint(80, 140)
        starts = shown - rng.randint(0, 6)
        first = starts - rng.randint(2, 10)
        mid = first - rng.randint(2, 10)
        third = mid - rng.randint(2, 10)
        complete = third - rng.randint(2, 10)
        rows.append(
            CampaignDay(
                tenant=site, campaign=campaign, day=today() - timedelta(days=days - 1 - n),
                impressions=shown, starts=starts, first_quartiles=first, midpoints=mid,
                third_quartiles=third, completes=complete, skips=rng.randint(5, 20),
                clicks=rng.randint(0, 6), pauses=rng.randint(0, 3), mutes=rng.randint(0, 3),
                errors=3, error_codes={"303": 2, "405": 1},
            )
        )  # fmt: skip
    return CampaignDay.objects.bulk_create(rows)


# A count no other site's campaigns reach: it must never show on another site's page or CSV.
BETA_IMPRESSIONS = 876543


def sweep_pool(alpha, beta, marker: str) -> dict[str, list[str]]:
    """For tests/test_security_sweep.py: a campaign of Alpha's with a week of counts, and
    Beta's named with `marker` with a day of BETA_IMPRESSIONS; also the operator's campaign,
    counted on both sites. The ids of Alpha's, the operator's and Beta's campaigns. All
    paused: the walk's players ask for no ad (the break endpoint has rows of its own)."""
    ours = vast_campaign(alpha, "Alpha pre-roll", active=False)
    operators = vast_campaign(None, "Operator pre-roll", active=False)
    theirs = vast_campaign(beta, f"{marker} pre-roll", active=False)
    fill_days(ours, alpha, 7)
    fill_days(operators, alpha, 7)
    CampaignDay.objects.create(
        tenant=beta, campaign=theirs, day=today(), impressions=BETA_IMPRESSIONS
    )
    CampaignDay.objects.create(
        tenant=beta, campaign=operators, day=today(), impressions=BETA_IMPRESSIONS
    )
    return {"campaign_id": [str(c.pk) for c in (ours, operators, theirs)]}


def scale_console_pages(site) -> dict[str, str]:
    """The console's Ads pages at scale (tests/test_pages_at_scale.py)."""
    first = scale_campaigns(site)[0]
    return {
        "console ads": "/console/ads/",
        "console ads campaign": f"/console/ads/{first.pk}/",
        "console ads report": "/console/ads/report/?days=90",
        "console ads campaign report": f"/console/ads/{first.pk}/report/?days=90",
    }


def scale_campaigns(site, count: int = 12, days: int = 90) -> list[Campaign]:
    """`count` campaigns of the site with placements and `days` days of counts each, and one
    of the operator's: what the console's Ads pages read at their most. Paused, so that the
    viewer pages' counts (a live campaign's placements and targeting) stay as they are."""
    campaigns = [vast_campaign(site, f"Campaign {n}", active=False) for n in range(count)]
    campaigns.append(vast_campaign(None, "Operator campaign", active=False))
    for seed, campaign in enumerate(campaigns):
        fill_days(campaign, site, days, seed=seed)
    return campaigns
