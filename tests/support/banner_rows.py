"""Banner campaigns for the banner tests (tests/test_ads_banners*.py) and the pages' query
counts: a house banner (an image and a link) and a third-party tag, placed in slots."""

from __future__ import annotations

from ads.models import Campaign, Placement
from tests.support.branding_pictures import picture

TAG_URL = "https://ads.example.net/banner?slot=1"
TAG_ORIGIN = "https://ads.example.net"


def house_banner(site, *slots: str, name: str = "House", **fields) -> Campaign:
    """A house banner of `site` (None: the operator's, on every site) in `slots`."""
    fields.setdefault("banner_link", "https://shop.example.com/offer")
    campaign = Campaign.objects.create(
        tenant=site, name=name, creative=Campaign.Creative.HOUSE_BANNER, **fields
    )
    campaign.banner_image.save("banner.png", picture("PNG", 32), save=True)
    _place(campaign, slots)
    return campaign


def tag_banner(site, *slots: str, name: str = "Network", url: str = TAG_URL, **fields) -> Campaign:
    """A third-party banner tag of `site` in `slots`."""
    campaign = Campaign.objects.create(
        tenant=site, name=name, creative=Campaign.Creative.BANNER_TAG, banner_tag_url=url, **fields
    )
    _place(campaign, slots)
    return campaign


def _place(campaign: Campaign, slots) -> None:
    Placement.objects.bulk_create(Placement(campaign=campaign, where=where) for where in slots)
